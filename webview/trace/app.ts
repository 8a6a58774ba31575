/**
 * The trace view: wires host messages, the live trace model and the UI parts together.
 * Independent of the VS Code API (a HostBridge is passed in) so the dev harness and tests
 * can drive it.
 */
import type { BudgetPolicy, Trace } from '../../src/core/trace';
import type { RunEvent } from '../../src/shared/protocol';
import { unpackTrace } from '../../src/shared/wire-trace';
import {
  DEFAULT_VIEW_SETTINGS,
  MAX_PERSISTED_FILE_TRACE_CHARS,
  MAX_PERSISTED_TRACE_CHARS,
  PROTOCOL_VERSION,
  type HostToWebview,
  type PersistedViewState,
  type ProbeRequest,
  type TraceListItem,
  type TraceOrigin,
  type ViewFilters,
  type ViewSettings,
  type WebviewToHost,
} from '../../src/shared/protocol';
import { policyFromForm } from './model/budget-form';
import { emptyFilters, searchHits, type SearchHit } from './model/filter';
import { applyEvents, stateFromTrace, type LiveState, type ViewChange } from './model/live-trace';
import { compactEvents } from './model/event-queue';
import { createMarkdownRenderer, createSanitizer, type Sanitizer } from './render/markdown';
import { BudgetPanel } from './ui/budget-panel';
import { MuChart } from './ui/chart';
import { h } from '../common/dom';
import { EpisodeList } from './ui/episode-list';
import { OverviewMap } from './ui/overview-map';
import { Header } from './ui/header';
import { SummaryPanel } from './ui/summary-panel';
import { Toolbar } from './ui/toolbar';
import { TracePicker } from './ui/trace-picker';
import { handleKey } from './ui/keyboard';
import { ReviewPanel } from './ui/review-panel';
import { ImportanceMarks } from './ui/importance-marks';

export interface HostBridge {
  post(message: WebviewToHost): void;
  getState(): PersistedViewState | undefined;
  setState(state: PersistedViewState): void;
}

const CHART_INTERVAL_MS = 250;
const SAVE_DELAY_MS = 400;

export class App {
  private readonly host: HostBridge;
  private state: LiveState | null = null;
  private settings: ViewSettings = DEFAULT_VIEW_SETTINGS;
  private origin: TraceOrigin | undefined;
  private probe: ProbeRequest | false | undefined;
  private filters: ViewFilters = emptyFilters();
  private hits: SearchHit[] | null = null;
  private hitIndex = -1;
  private queue: RunEvent[] = [];
  private frameRequested = false;
  /**
   * A live view follows the newest episode until the reader scrolls away from the bottom, and
   * again once they scroll back to it. Only the reader's own input decides (content growing
   * above, e.g. the chart appearing, does not stop the following).
   */
  private following = true;
  /**
   * The view followed a live run to its end: it stays at the bottom while the list settles
   * (cards mounted and measured after the last event grow the page below the viewport) until
   * the reader's own input (a press, a key, a scroll).
   */
  private trailing = false;
  private readerScrolling = false;
  private readerTimer: ReturnType<typeof setTimeout> | undefined;
  private lastChartAt = 0;
  private chartTimer: ReturnType<typeof setTimeout> | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private pendingRestore: PersistedViewState | null;
  /** A 'load' from the host arrived (what a restored state showed does not count). */
  private loadedFromHost = false;

  private readonly sanitizer: Sanitizer;
  private renderMarkdownHtml: (text: string) => string;
  private readonly header: Header;
  private readonly picker: TracePicker;
  private readonly toolbar: Toolbar;
  private readonly chart: MuChart;
  private readonly summary: SummaryPanel;
  private readonly episodes: EpisodeList;
  private readonly overview: OverviewMap;
  private readonly budget: BudgetPanel;
  private readonly review: ReviewPanel;
  private readonly importance = new ImportanceMarks();
  private readonly response: HTMLElement;
  private readonly responseBody: HTMLElement;
  private readonly notice: HTMLElement;
  private readonly empty: HTMLElement;

  constructor(root: HTMLElement, host: HostBridge) {
    this.host = host;
    this.sanitizer = createSanitizer(window);
    this.renderMarkdownHtml = createMarkdownRenderer({ math: true });
    const markdown = (text: string) => this.renderMarkdown(text);
    this.header = new Header(markdown, () => this.host.post({ type: 'stop' }));
    this.picker = new TracePicker((index) => this.host.post({ type: 'select-trace', index }));
    this.toolbar = new Toolbar({
      filtersChanged: (filters) => this.setFilters(filters),
      step: (delta) => this.step(delta),
      expandAll: (expand) => this.episodes.expandAll(expand),
      exportAs: (format) => this.host.post({ type: 'export', format }),
    });
    this.chart = new MuChart();
    this.summary = new SummaryPanel((index) => this.jumpToEpisode(index));
    this.episodes = new EpisodeList({
      renderBody: (text) => (this.settings.renderMath ? this.renderMarkdown(text) : plainText(text)),
      onCopy: (index) => this.host.post({ type: 'copy-episode', index }),
      onToggle: () => this.scheduleSave(),
      visibleTop: () => this.header.element.getBoundingClientRect().bottom,
      onViewport: (first, last) => this.overview.setViewport(first, last),
    });
    this.overview = new OverviewMap((position) => this.episodes.scrollToPosition(position, 'start'));
    this.budget = new BudgetPanel({
      rerun: (budget, probe, model) => this.host.post(model ? { type: 'rerun', budget, probe, model } : { type: 'rerun', budget, probe }),
      annotate: (probe, model) => this.host.post({ type: 'annotate-progress', probe, ...(model ? { model } : {}) }),
      changed: () => this.scheduleSave(),
    });
    this.review = new ReviewPanel({
      list: this.episodes,
      post: (message) => this.host.post(message),
      selectTrace: (index) => this.host.post({ type: 'select-trace', index }),
      visibleTop: () => this.header.element.getBoundingClientRect().bottom,
    });
    this.responseBody = h('div', { class: 'rl-markdown rl-response-body' });
    this.response = h('details', { class: 'rl-response', open: true }, h('summary', {}, 'Response (after thinking)'), this.responseBody);
    this.notice = h('div', { class: 'rl-notice', role: 'status', 'aria-live': 'polite' });
    this.empty = h('p', { class: 'rl-empty rl-dim' }, 'Waiting for a trace…');

    const trace = h('section', { class: 'rl-trace', 'aria-label': 'Trace' },
      this.picker.element, this.header.element, this.toolbar.element, this.chart.element, this.summary.element,
      h('div', { class: 'rl-section-head' }, h('h2', { class: 'rl-section-title' }, 'Episodes'), this.episodes.legend), this.empty,
      h('div', { class: 'rl-episodes-area' }, this.episodes.element, this.overview.element), this.response, this.review.element);
    root.replaceChildren(h('div', { class: 'rl-layout' }, trace, this.budget.element), this.notice);

    this.wireDocument();
    this.pendingRestore = host.getState()?.version === PROTOCOL_VERSION ? host.getState()! : null;
    if (this.pendingRestore?.trace) {
      // Show the last trace at once; the host's 'load' replaces it when it arrives.
      this.load(this.pendingRestore.trace, false, this.pendingRestore.settings ?? DEFAULT_VIEW_SETTINGS, this.pendingRestore.budget ?? {}, this.pendingRestore.probe, this.pendingRestore.origin);
    }
    this.host.post({ type: 'ready' });
  }

  handle(message: HostToWebview): void {
    switch (message.type) {
      case 'load': {
        // Before load(): its frame callback must come first, so the mark is set by the first task
        // after the frame that shows the cards (the chart and map are drawn in the task after it).
        markFirstCardPainted();
        let trace: Trace;
        try {
          trace = unpackTrace(message.trace);
        } catch (err) {
          this.showNotice(err instanceof Error ? err.message : String(err), true);
          return;
        }
        this.queue = [];
        this.loadedFromHost = true;
        this.load(trace, message.live, message.settings, message.budget, message.probe, message.origin, message.status);
        this.review.setTrace(trace, !message.live);
        this.importance.update(trace);
        if (message.models) this.budget.setModels(message.models, trace.model);
        this.host.post({ type: 'shown', traceId: trace.id, episodes: trace.episodes.length, live: message.live });
        performance.mark('rl:load-applied');
        return;
      }
      case 'ping':
        // Shown again after being hidden: this page kept its content but may have missed
        // updates, so it asks for the current state. A page that has had no 'load' yet has
        // already said 'ready' (its answer is on the way).
        if (this.loadedFromHost) this.host.post({ type: 'ready' });
        return;
      case 'events':
        this.enqueue(message.events);
        return;
      case 'trace-list':
        this.picker.show(message.file, message.items as TraceListItem[], message.selected);
        this.review.setTraceList(message.selected, message.items.length);
        return;
      case 'settings':
        this.applySettings(message.settings);
        if (this.state) this.renderAll();
        return;
      case 'models':
        this.budget.setModels(message.models, this.state?.trace.model);
        return;
      case 'error':
        // A request failed on the host (a refused re-run, an unreadable file): say so, and keep
        // showing the trace as it is. A run's own error arrives as a run event.
        this.showNotice(message.message, true);
        return;
      case 'notice':
        this.showNotice(message.message, false);
        return;
      case 'review':
      case 'review-unavailable':
        this.review.handleHost(message);
        return;
      default:
        return;
    }
  }

  // ------------------------------------------------------------------ loading and live updates

  private load(trace: Trace, live: boolean, settings: ViewSettings, budget: BudgetPolicy, probe: ProbeRequest | false | undefined, origin?: TraceOrigin, status?: LiveState['status']): void {
    this.applySettings(settings);
    this.state = stateFromTrace(trace, live, status ?? null);
    if (live) this.following = true;
    this.trailing = false;
    this.origin = origin;
    this.probe = probe;
    this.budget.setPolicy(budget, probe);
    const restore = this.pendingRestore && (!this.pendingRestore.traceId || this.pendingRestore.traceId === trace.id) ? this.pendingRestore : null;
    if (restore) this.filters = restore.filters ?? emptyFilters();
    // A new trace: cards are rebuilt from scratch (by renderAll, once).
    this.episodes.reset(restore ? (restore.expanded ?? []) : settings.expandEpisodes ? trace.episodes.map((e) => e.index) : [], this.filters);
    this.toolbar.setFilters(this.filters);
    this.renderAll();
    if (restore) {
      if (restore.budget) this.budget.setPolicy(restore.budget, restore.probe);
      const top = restore.scrollTop ?? 0;
      const place = restore.scrollAnchor;
      // In the task after the first paint, after the chart above the list is drawn (scheduleChart
      // queues it first): restored before it, the place moved down by the chart's height.
      requestAnimationFrame(() => setTimeout(() => (place ? this.episodes.restorePlace(place) : window.scrollTo({ top })), 0));
      this.pendingRestore = null;
    }
    this.scheduleSave();
  }

  private applySettings(settings: ViewSettings): void {
    if (settings.renderMath !== this.settings.renderMath) this.renderMarkdownHtml = createMarkdownRenderer({ math: settings.renderMath });
    this.settings = settings;
    this.chart.element.classList.toggle('rl-hidden-by-setting', !settings.showChart);
  }

  private enqueue(events: readonly RunEvent[]): void {
    compactEvents(this.queue, events);
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => this.flush());
  }

  /** Applies queued events once per frame and redraws only what they touched. */
  private flush(): void {
    this.frameRequested = false;
    if (!this.state) this.state = stateFromTrace(emptyTraceForEvents(), true);
    const events = this.queue;
    this.queue = [];
    if (events.length === 0) return;
    const follow = this.state.live && this.following;
    const change = applyEvents(this.state, events);
    this.render(change);
    if (follow) {
      this.trailing = !this.state.live;
      window.scrollTo({ top: document.documentElement.scrollHeight });
    }
  }

  private renderResponse(): void {
    const response = this.state?.trace.response ?? '';
    this.response.hidden = response.trim() === '';
    if (!this.response.hidden) this.responseBody.replaceChildren(this.renderMarkdown(response));
  }

  private renderAll(): void {
    this.render({ replaced: true, header: true, response: true, chart: true, budget: true, episodes: new Set() });
  }

  private render(change: ViewChange): void {
    const state = this.state!;
    const trace = state.trace;
    if (change.header) this.header.update(state);
    this.episodes.setGrowing(state.live ? state.openEpisode : null);
    if (change.replaced) this.episodes.update(trace.episodes);
    else if (change.episodes.size > 0) this.episodes.update(trace.episodes, change.episodes);
    if (change.replaced || change.episodes.size > 0) {
      this.hits = null;
      this.toolbar.setCounts(trace.episodes);
      this.empty.hidden = trace.episodes.length > 0;
      this.empty.textContent = state.live ? 'Waiting for the first episode…' : 'This trace has no thinking episodes.';
    }
    if (change.replaced) {
      // A new trace: the response sits below every card, and its Markdown + KaTeX (the first
      // typesetting pays KaTeX's set-up) was the largest piece of the load before the first
      // card; it is rendered in the task after the first paint, as the chart is.
      this.response.hidden = true;
      requestAnimationFrame(() => setTimeout(() => this.renderResponse(), 0));
    } else if (change.response) this.renderResponse();
    if (change.replaced || change.header || change.budget) this.summary.update(trace, state.live, state.elapsedSource === 'wall-clock' ? state.elapsedMs : null);
    if (change.chart) this.scheduleChart(change.replaced || !state.live);
    if (change.replaced) this.scheduleSave();
  }

  private scheduleChart(now: boolean): void {
    const wait = now ? 0 : Math.max(0, this.lastChartAt + CHART_INTERVAL_MS - performance.now());
    clearTimeout(this.chartTimer);
    const draw = () => {
      this.lastChartAt = performance.now();
      if (this.state && this.settings.showChart) this.chart.update(this.state.trace, this.state.live);
      if (this.state) this.overview.update(this.state.trace);
    };
    // Right away means after the next paint: the first cards show before the chart and map are drawn.
    if (now) requestAnimationFrame(() => (this.chartTimer = setTimeout(draw, 0)));
    else this.chartTimer = setTimeout(draw, wait);
  }

  // ------------------------------------------------------------------ search and navigation

  private setFilters(filters: ViewFilters): void {
    this.filters = filters;
    this.hits = null;
    this.hitIndex = -1;
    this.episodes.setFilters(filters);
    this.updateMatchCount();
    this.scheduleSave();
  }

  private updateMatchCount(): void {
    if (!this.state) return;
    this.hits ??= searchHits(this.state.trace.episodes, this.filters);
    this.toolbar.setMatchCount(this.hitIndex, this.hits.length, this.filters.query);
  }

  private step(delta: 1 | -1): void {
    if (!this.state || this.filters.query === '') return;
    this.hits ??= searchHits(this.state.trace.episodes, this.filters);
    if (this.hits.length === 0) return this.updateMatchCount();
    this.hitIndex = (this.hitIndex + delta + this.hits.length) % this.hits.length;
    const hit = this.hits[this.hitIndex];
    this.episodes.revealMatch(hit.position, hit.occurrence);
    this.updateMatchCount();
  }

  private jumpToEpisode(index: number): void {
    const position = this.state?.trace.episodes.findIndex((e) => e.index === index) ?? -1;
    if (position < 0) return;
    this.episodes.toggle(position, true);
    this.episodes.focus(position);
  }

  private wireDocument(): void {
    // Review keys first (when the review panel is open they take g/b/n/e/t/digits); handled ones are defaultPrevented.
    document.addEventListener('keydown', (event) => this.review.handleKey(event));
    document.addEventListener('keydown', (event) =>
      handleKey(event, {
        list: this.episodes,
        focusSearch: () => this.toolbar.focusSearch(),
        step: (delta) => this.step(delta),
        copy: (index) => this.host.post({ type: 'copy-episode', index }),
      }),
    );
    // Links in model text never navigate the webview: the host decides (http/https only).
    const onLink = (event: MouseEvent) => {
      const anchor = (event.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null;
      if (!anchor) return;
      event.preventDefault();
      if (event.type === 'click' || event.button === 1) this.host.post({ type: 'open-link', url: anchor.href });
    };
    document.addEventListener('click', onLink, true);
    document.addEventListener('auxclick', onLink, true);
    window.addEventListener('scroll', () => {
      this.scheduleSave();
      if (this.readerScrolling) this.following = nearBottom();
    }, { passive: true });
    const reader = () => {
      this.trailing = false;
      this.readerScrolling = true;
      clearTimeout(this.readerTimer);
      this.readerTimer = setTimeout(() => (this.readerScrolling = false), 400);
    };
    // Input that scrolls: the wheel, touch, scrolling keys (and j/k, n/N, which move to a card),
    // a press on the scrollbar (its target is the root element). A click on a button is not.
    const scrollKeys = /^(PageUp|PageDown|Home|End|ArrowUp|ArrowDown| |j|k|n|N)$/;
    window.addEventListener('wheel', reader, { passive: true, capture: true });
    window.addEventListener('touchmove', reader, { passive: true, capture: true });
    // Any key or press stops trailing the bottom; only scrolling ones count as the reader scrolling.
    window.addEventListener('keydown', (event) => {
      this.trailing = false;
      if (scrollKeys.test(event.key)) reader();
    }, { passive: true, capture: true });
    window.addEventListener('pointerdown', (event) => {
      this.trailing = false;
      if (event.target === document.documentElement) reader();
    }, { passive: true, capture: true });
    // The page grows after the events are applied (cards measured and placed, the summary): a
    // following view keeps the bottom in view.
    if (typeof ResizeObserver === 'function') {
      new ResizeObserver(() => {
        if (this.following && (this.state?.live || this.trailing)) window.scrollTo({ top: document.documentElement.scrollHeight });
      }).observe(document.body);
    }
    // VS Code swaps body classes on theme change; the chart draws on canvas and must re-read colours.
    new MutationObserver(() => {
      this.chart.retheme();
      this.overview.retheme();
    }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    // The overview map sticks just under the sticky header, whatever its height.
    if (typeof ResizeObserver === 'function') {
      new ResizeObserver(() => document.documentElement.style.setProperty('--rl-sticky-top', `${this.header.element.offsetHeight}px`)).observe(this.header.element);
    }
    window.addEventListener('error', (event) => this.host.post({ type: 'log', level: 'error', message: `${event.message} (${event.filename}:${event.lineno})` }));
    window.addEventListener('unhandledrejection', (event) => this.host.post({ type: 'log', level: 'error', message: String(event.reason) }));
  }

  // ------------------------------------------------------------------ rendering helpers

  private renderMarkdown(text: string): DocumentFragment {
    try {
      return this.sanitizer.toFragment(this.renderMarkdownHtml(text));
    } catch (err) {
      this.host.post({ type: 'log', level: 'warn', message: `Markdown rendering failed: ${String(err)}` });
      return plainText(text);
    }
  }

  private noticeTimer: ReturnType<typeof setTimeout> | undefined;

  private showNotice(message: string, isError: boolean): void {
    this.notice.textContent = message;
    this.notice.classList.toggle('rl-notice-error', isError);
    this.notice.classList.add('rl-notice-visible');
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => this.notice.classList.remove('rl-notice-visible'), isError ? 8000 : 2500);
  }

  // ------------------------------------------------------------------ persistence

  private scheduleSave(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.save(), this.state?.live ? SAVE_DELAY_MS * 3 : SAVE_DELAY_MS);
  }

  private save(): void {
    const state = this.state;
    const draft = this.budgetDraft();
    const persisted: PersistedViewState = {
      version: PROTOCOL_VERSION,
      traceId: state?.trace.id,
      origin: this.origin,
      live: state?.live,
      expanded: this.episodes.getExpanded(),
      filters: this.filters,
      scrollTop: Math.round(window.scrollY),
      scrollAnchor: this.episodes.placeForSave(),
      budget: draft?.policy,
      probe: draft?.probe ?? this.probe,
      settings: this.settings,
    };
    // Live traces are re-sent by the host after a reload; finished small ones are kept here
    // (smaller still when a file can give them back: MAX_PERSISTED_FILE_TRACE_CHARS says why).
    const size = state ? state.trace.thinking.length + state.trace.episodes.length * 64 : Infinity;
    if (state && !state.live && size < (this.origin?.file ? MAX_PERSISTED_FILE_TRACE_CHARS : MAX_PERSISTED_TRACE_CHARS)) persisted.trace = state.trace;
    this.host.setState(persisted);
  }

  private budgetDraft(): { policy: BudgetPolicy; probe: ProbeRequest | false } | null {
    const parsed = policyFromForm(this.budget.values());
    return parsed.errors.length === 0 ? { policy: parsed.policy, probe: parsed.probe } : null;
  }
}

function plainText(text: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  fragment.append(h('div', { class: 'rl-plain' }, text));
  return fragment;
}

/** Performance mark once the frame showing the loaded trace's first card has been painted (bench:e2e reads it). */
function markFirstCardPainted(): void {
  requestAnimationFrame(() => setTimeout(() => {
    if (document.querySelector('.rl-card')) performance.mark('rl:first-card-painted');
  }, 0));
}

function nearBottom(): boolean {
  const doc = document.documentElement;
  return doc.scrollHeight - (window.scrollY + window.innerHeight) < 120;
}

function emptyTraceForEvents(): Trace {
  return {
    version: 2, id: '', problem: '', source: { kind: 'ollama' }, thinking: '', response: '', episodes: [],
    final: { answer: null, correct: null },
    metrics: { thinkingTokens: 0, responseTokens: 0, episodes: 0, firstCorrectEpisode: null, tokensAfterFirstCorrect: null },
  };
}
