/**
 * The episode timeline, windowed: only the cards in or near the viewport are in the DOM (at
 * most MAX_MOUNTED), each absolutely placed at its row's offset over a sizer as tall as all the
 * rows; a card leaving the window is recycled in place for a row coming in. Heights come from
 * model/virtual-window.ts (measured when a card was on screen, estimated otherwise); the state
 * (expanded, filters, focus, current match) lives here and in the app, never in the DOM, so
 * search, jump, keyboard and expand-all work on cards that are not mounted.
 */
import type { Episode, EpisodeLabel } from '../../../src/core/trace';
import type { ViewFilters } from '../../../src/shared/protocol';
import { passesFilters } from '../model/filter';
import { formatTokens } from '../model/summary';
import { progressDetail } from '../model/probe-text';
import { previewText } from '../model/preview';
import { h, icon, oncePerFrame, srOnly } from '../../common/dom';
import { highlightMatches } from './highlight';
import { checkBadge } from './episode-check';
import { anchorCorrection, scrollTargetFor, VirtualRows, windowRange, type RowShape } from '../model/virtual-window';

export interface Card {
  li: HTMLDivElement;
  toggle: HTMLButtonElement;
  /** The head's `#index` span, the opener span (null when the episode has none), the copy button. */
  number: HTMLElement;
  opener: HTMLElement | null;
  copy: HTMLButtonElement;
  meta: HTMLElement;
  /** The meta's parts a recycled card patches in place when its shape matches (see metaShape). */
  metaParts: MetaParts;
  preview: HTMLElement;
  body: HTMLElement;
  episode: Episode;
  headSignature: string;
  /** Text the preview was made from (episodes are mutated in place while live, so compare text, not objects). */
  previewSource: string;
  /** Text the body was last rendered from (null: never rendered). */
  renderedText: string | null;
  /** 'markdown': full render; 'plain': text appended as it grows (live, or waiting for its render). */
  bodyMode: 'markdown' | 'plain' | null;
  position: number;
  /** Whether the card's attributes show it expanded (kept so unchanged ones are not written again). */
  open: boolean;
  /** Offset (px) the card is placed at in the list (-1: not placed). */
  y: number;
}

/** Pixels rendered above and below the viewport (scrolling a little never shows a blank). */
const OVERSCAN_PX = 600;
/** Upper bound on mounted cards, whatever the episode count or the card heights. */
export const MAX_MOUNTED = 80;
/** Unmounted cards kept (with their rendered bodies) for a quick return; not in the DOM. */
const CARD_CACHE = 120;
/** Time per frame for Markdown/KaTeX renders of cards coming into view; the rest waits. */
const RENDER_BUDGET_MS = 8;
export const LABEL_TEXT: Record<EpisodeLabel, string> = {
  planning: 'planning',
  computation: 'computation',
  verification: 'verification',
  backtracking: 'backtracking',
  alternative: 'alternative',
  answer: 'answer',
};

function headSignature(e: Episode): string {
  const p = e.progress;
  return [e.opener ?? '', e.tokens, e.labels.join(','), e.answer ?? '', e.verdict, e.check ?? '', e.standingAnswer ?? '', p ? `${p.mu}|${p.delta}|${p.samples}|${p.ci ?? ''}|${p.interval ?? ''}|${p.basis}` : ''].join('\u0001');
}

function signed(x: number): string {
  return `${x > 0 ? '+' : x < 0 ? '−' : '±'}${Math.abs(x).toFixed(2)}`;
}

/** The elements of a card's metadata that differ between episodes of the same shape. */
export interface MetaParts {
  /** metaShape() of the episode the meta was built for. */
  shape: string;
  tokens: HTMLElement;
  answer: HTMLElement | null;
  check: HTMLElement | null;
  progress: HTMLElement | null;
}

/**
 * What decides the meta's elements (which labels, whether there is an answer and its verdict, a
 * self-check, a progress estimate and its basis): two episodes with the same shape differ only in
 * texts and titles, which patchMeta writes in place.
 */
function metaShape(e: Episode): string {
  return `${e.labels.join(',')}|${e.answer !== undefined ? e.verdict : '-'}|${e.check ?? '-'}|${e.progress ? (e.progress.basis === 'self' ? 's' : 'p') : '-'}`;
}

function answerCode(answer: string): HTMLElement {
  return h('code', {}, answer);
}

function progressTitle(p: NonNullable<Episode['progress']>): string {
  const basis = p.basis === 'gold' ? 'share of forced answers equal to the gold answer' : 'share of forced answers agreeing with the final answer (no gold)';
  return `μ: ${basis}; ${progressDetail(p)}`;
}

function progressSpread(p: NonNullable<Episode['progress']>): string {
  const spread = p.interval ? ` [${p.interval[0].toFixed(2)}, ${p.interval[1].toFixed(2)}]` : p.ci !== undefined ? ` ±${p.ci.toFixed(2)}` : '';
  return `${spread} n=${p.samples}`;
}

function deltaClass(delta: number): string {
  return `rl-delta ${delta > 0 ? 'rl-up' : delta < 0 ? 'rl-down' : ''}`;
}

/** The head's metadata: labels, tokens, answer + verdict, progress, check. */
function buildMeta(e: Episode): { meta: HTMLElement; parts: MetaParts } {
  const meta = h('span', { class: 'rl-card-meta' });
  const labels = h('span', { class: 'rl-labels' });
  for (const label of e.labels) labels.append(h('span', { class: `rl-label rl-label-${label}` }, LABEL_TEXT[label] ?? label));
  const tokens = h('span', { class: 'rl-tokens', title: 'Thinking tokens in this episode' }, `${formatTokens(e.tokens)} tok`);
  meta.append(labels, tokens);
  let answer: HTMLElement | null = null;
  if (e.answer !== undefined) {
    const verdict =
      e.verdict === 'correct'
        ? h('span', { class: 'rl-verdict rl-verdict-correct', title: 'Correct' }, icon('pass'), srOnly('correct'))
        : e.verdict === 'incorrect'
          ? h('span', { class: 'rl-verdict rl-verdict-incorrect', title: 'Incorrect' }, icon('error'), srOnly('incorrect'))
          : h('span', { class: 'rl-verdict rl-verdict-none', title: 'Not graded' }, srOnly('not graded'));
    answer = answerCode(e.answer);
    meta.append(h('span', { class: 'rl-answer' }, h('span', { class: 'rl-dim' }, 'answer '), answer, verdict));
  }
  const check = checkBadge(e);
  if (check) meta.append(check);
  const p = e.progress;
  let progress: HTMLElement | null = null;
  if (p) {
    // Three elements, not six: every collapsed card on screen has this, and Chromium's style,
    // layout and paint per scroll frame grow with the elements coming into view (docs/webview.md).
    progress = h('span', { class: 'rl-progress', title: progressTitle(p) },
      `μ ${p.mu.toFixed(2)}`,
      h('span', { class: 'rl-dim' }, progressSpread(p)),
      h('span', { class: deltaClass(p.delta) }, ` Δ ${signed(p.delta)}`),
      p.basis === 'self' ? ' (self)' : null);
    meta.append(progress);
  }
  return { meta, parts: { shape: metaShape(e), tokens, answer, check, progress } };
}

/** Sets a node's text only when it differs (an unchanged write still invalidates layout). */
function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/** Writes `e`'s texts into a meta built for an episode of the same shape (metaShape): no elements created. */
function patchMeta(parts: MetaParts, e: Episode): void {
  setText(parts.tokens, `${formatTokens(e.tokens)} tok`);
  if (parts.answer && e.answer !== undefined) setText(parts.answer, e.answer);
  if (parts.check) {
    const check = checkBadge(e)!;
    parts.check.replaceWith(check);
    parts.check = check;
  }
  const p = e.progress;
  if (parts.progress && p) {
    const title = progressTitle(p);
    if (parts.progress.title !== title) parts.progress.title = title;
    const [mu, spread, delta] = parts.progress.childNodes;
    setText(mu, `μ ${p.mu.toFixed(2)}`);
    setText(spread, progressSpread(p));
    const cls = deltaClass(p.delta);
    if ((delta as HTMLElement).className !== cls) (delta as HTMLElement).className = cls;
    setText(delta, ` Δ ${signed(p.delta)}`);
  }
}

export interface EpisodeListOptions {
  /** Episode text → sanitised DOM (Markdown + math, or plain text). */
  renderBody(text: string): DocumentFragment;
  onCopy(index: number): void;
  /** Expanded set changed (persist it). */
  onToggle(): void;
  /** Viewport y (px) below which cards are really visible (under the sticky header); 0 by default. */
  visibleTop?(): number;
  /** The rows in view changed (first and last visible positions; -1 when none): the overview map follows. */
  onViewport?(first: number, last: number): void;
}

/** Builds one episode card: head (toggle, meta, copy), plain-text preview, body (filled when expanded). */
export function renderCard(episode: Episode, position: number): Card {
  const bodyId = `rl-episode-body-${position}`;
  // The chevron and the copy glyph are drawn by CSS (::before in the codicon font), not by an
  // element each: fewer elements per card make each scroll frame cheaper.
  const number = h('span', { class: 'rl-card-number' }, `#${episode.index}`);
  const opener = episode.opener ? h('span', { class: 'rl-opener' }, episode.opener) : null;
  const toggle = h('button', { class: 'rl-card-toggle', type: 'button', 'aria-expanded': 'false', 'aria-controls': bodyId }, number, opener);
  const copy = h('button', { class: 'rl-icon-button rl-card-copy', type: 'button', 'aria-label': `Copy episode ${episode.index}`, title: 'Copy episode text (c)' });
  const { meta, parts } = buildMeta(episode);
  const head = h('div', { class: 'rl-card-head' }, toggle, meta, copy);
  const preview = h('div', { class: 'rl-preview' }, previewText(episode.text));
  // The body joins the card only while it is expanded (applyExpanded): a collapsed card has one element fewer.
  const body = h('div', { class: 'rl-card-body rl-markdown', id: bodyId, hidden: true });
  const li = h('div', { class: `rl-card rl-verdict-bg-${episode.verdict}`, role: 'listitem', tabindex: '-1', 'data-position': position, 'data-index': episode.index }, head, preview);
  return { li, toggle, number, opener, copy, meta, metaParts: parts, preview, body, episode, headSignature: headSignature(episode), previewSource: episode.text, renderedText: null, bodyMode: null, position, open: false, y: -1 };
}

const VERDICT_BG = ['rl-verdict-bg-correct', 'rl-verdict-bg-incorrect', 'rl-verdict-bg-none'];

/** Brings a card up to date with its episode (head only when its signature changed, preview when the text did). */
function refreshCard(card: Card, episode: Episode): void {
  card.episode = episode;
  const signature = headSignature(episode);
  if (signature !== card.headSignature) {
    card.headSignature = signature;
    if (card.metaParts.shape === metaShape(episode)) patchMeta(card.metaParts, episode);
    else {
      const { meta, parts } = buildMeta(episode);
      card.meta.replaceWith(meta);
      card.meta = meta;
      card.metaParts = parts;
    }
    const verdict = `rl-verdict-bg-${episode.verdict}`;
    if (!card.li.classList.contains(verdict)) {
      card.li.classList.remove(...VERDICT_BG);
      card.li.classList.add(verdict);
    }
    if (!episode.opener) {
      card.opener?.remove();
      card.opener = null;
    } else if (card.opener) setText(card.opener, episode.opener);
    else {
      card.opener = h('span', { class: 'rl-opener' }, episode.opener);
      card.toggle.append(card.opener);
    }
  }
  if (card.previewSource !== episode.text) {
    card.previewSource = episode.text;
    setText(card.preview, previewText(episode.text));
  }
}

/**
 * Turns a collapsed card that left the window into the card of another episode, in place: the
 * attributes that name the episode, the head, the preview; the body is emptied (the caller's
 * sync applies the new episode's expansion and after-correct style). Nothing of the old episode
 * is left: every text, attribute and class the card's builder writes from its episode is
 * written again here or by refreshCard.
 */
function recycleCard(card: Card, episode: Episode, position: number): void {
  const bodyId = `rl-episode-body-${position}`;
  card.position = position;
  card.li.dataset.position = String(position);
  card.li.dataset.index = String(episode.index);
  card.toggle.setAttribute('aria-controls', bodyId);
  card.body.id = bodyId;
  setText(card.number, `#${episode.index}`);
  card.copy.setAttribute('aria-label', `Copy episode ${episode.index}`);
  card.body.replaceChildren();
  card.renderedText = null;
  card.bodyMode = null;
  card.headSignature = '';
  refreshCard(card, episode);
}

/** The body does not show the episode's current text rendered as Markdown (plain, stale or empty). */
function needsRender(card: Card): boolean {
  return card.bodyMode !== 'markdown' || card.renderedText !== card.episode.text;
}

/** A row kept at a viewport position while heights change. */
interface Anchor {
  position: number;
  /** Its top, px from the viewport's top. */
  top: number;
}

function passesFiltersOf(episodes: readonly Episode[], filters: ViewFilters): (position: number) => boolean {
  return (position) => passesFilters(episodes[position], filters);
}

export class EpisodeList {
  readonly element: HTMLDivElement;
  /** Last child of the list, as tall as all the rows: the cards are placed over it (place()). */
  private readonly sizer: HTMLDivElement;
  /** The cards' DOM order differs from their rows' (recycled cards are not moved while scrolling; see reorder()). */
  private outOfOrder = false;
  private episodes: readonly Episode[] = [];
  private readonly rows = new VirtualRows();
  /** Mounted cards by position, in rows' order (the DOM order catches up when the scrolling stops: reorder()). */
  private mounted = new Map<number, Card>();
  /** Recently unmounted cards (LRU, detached). */
  private readonly cache = new Map<number, Card>();
  private expanded = new Set<number>();
  private filters: ViewFilters = { labels: [], verdicts: [], query: '' };
  private focusedPosition = -1;
  /** The search hit stepped to with n/N, kept across re-highlights. */
  private currentMatch: { position: number; occurrence: number } | null = null;
  private readonly options: EpisodeListOptions;
  /** Expanded mounted cards still showing plain text, waiting for their Markdown/KaTeX render. */
  private readonly renderQueue = new Set<Card>();
  private pumpScheduled = false;
  private readonly layoutNextFrame = oncePerFrame(() => this.layout());
  /** Index of the episode still being written (live): its text grows as plain text. */
  private growing: number | null = null;
  /** Position of the first episode with a correct answer (-1: none); cards after it are "wasted" thinking. */
  private firstCorrect = -1;
  private gap = -1;
  private width = -1;
  /** Rows mounted by the last layout. */
  private range = { start: 0, end: 0 };
  /** The row kept in place when measurements arrive (set by each layout). */
  private anchor: Anchor | null = null;
  /** The visible top read by the last layout (the sticky header does not move while scrolling; re-reading it after a DOM change would force a layout). */
  private lastVisibleTop = 0;
  /** An anchor placed by the view (expand all, a filter) holds until the reader scrolls. */
  private pinned = false;
  /** scrollY after the view's own last scroll. */
  private ownScrollY = -1;
  private readonly resizeObserver: ResizeObserver | null;
  private lastViewport = '';
  /** Explains the after-first-correct style; shown only when some episode has it. */
  readonly legend: HTMLElement = h('span', { class: 'rl-after-legend', hidden: true });

  constructor(options: EpisodeListOptions) {
    this.options = options;
    this.sizer = h('div', { class: 'rl-spacer', role: 'none', 'aria-hidden': 'true' });
    this.element = h('div', { class: 'rl-episodes', role: 'list', 'aria-label': 'Episodes' }, this.sizer);
    this.element.addEventListener('click', (event) => this.onClick(event));
    this.resizeObserver = typeof ResizeObserver === 'function' ? new ResizeObserver((entries) => this.onResize(entries)) : null;
    this.resizeObserver?.observe(this.element);
    window.addEventListener('scroll', () => {
      // The reader scrolled (not one of our own corrections): the pinned anchor is theirs to move.
      if (Math.abs(window.scrollY - this.ownScrollY) > 1) this.pinned = false;
      this.scheduleLayout();
    }, { passive: true });
    window.addEventListener('resize', () => this.scheduleLayout());
    // The page got the keyboard (the reviewer switched to this panel): it lands on the current card.
    window.addEventListener('focus', () => {
      if (document.activeElement === document.body || !document.activeElement) this.mounted.get(this.focusedPosition)?.li.focus({ preventScroll: true });
    });
  }

  get length(): number {
    return this.episodes.length;
  }

  /** Reconciles with the episodes; `changed` (episode indexes) limits the work when known. Appends never touch shown cards. */
  update(episodes: readonly Episode[], changed?: ReadonlySet<number>): void {
    const previous = this.episodes;
    this.episodes = episodes;
    if (!changed || episodes.length < previous.length) {
      // A new or replaced trace: cached cards may show other episodes.
      for (const [position, card] of this.mounted) {
        if (position >= episodes.length) this.unmount(card);
      }
      for (const [position, card] of this.cache) if (position >= episodes.length || card.episode.index !== episodes[position].index) this.cache.delete(position);
      this.rows.reset(episodes.map((e) => this.shapeOf(e)));
      for (const card of [...this.mounted.values(), ...this.cache.values()]) this.sync(card, episodes[card.position]);
    } else {
      for (let position = 0; position < episodes.length; position++) {
        const episode = episodes[position];
        if (position >= previous.length || changed.has(episode.index)) {
          this.rows.setShape(position, this.shapeOf(episode));
          const card = this.mounted.get(position) ?? this.cache.get(position);
          if (card) this.sync(card, episode);
        }
      }
    }
    this.markAfterFirstCorrect();
    this.layout();
  }

  /** Before a new trace: drops every card and sets the expanded set and filters (the next `update` lays out once). */
  reset(expanded: Iterable<number>, filters: ViewFilters): void {
    for (const card of [...this.mounted.values()]) this.unmount(card);
    this.cache.clear();
    this.episodes = [];
    this.expanded = new Set(expanded);
    if (filters.query !== this.filters.query) this.currentMatch = null;
    this.filters = filters;
    this.focusedPosition = -1;
  }

  /** The episode still being written while live (plain text, appended), or null. When it closes, its body gets the full render. */
  setGrowing(index: number | null): void {
    if (index === this.growing) return;
    const closed = this.growing;
    this.growing = index;
    if (closed === null) return;
    for (const card of this.mounted.values()) if (card.episode.index === closed && this.expanded.has(closed)) this.queueRender(card);
  }

  setFilters(filters: ViewFilters): void {
    if (filters.query !== this.filters.query) this.currentMatch = null;
    this.filters = filters;
    this.reshape();
    this.refreshHighlights();
  }

  getExpanded(): number[] {
    return [...this.expanded].sort((a, b) => a - b);
  }

  setExpanded(indexes: Iterable<number>): void {
    this.expanded = new Set(indexes);
    this.reshape();
  }

  expandAll(expand: boolean): void {
    this.expanded = expand ? new Set(this.episodes.filter((e) => passesFilters(e, this.filters)).map((e) => e.index)) : new Set();
    this.reshape();
    this.options.onToggle();
  }

  toggle(position: number, expand?: boolean): void {
    const episode = this.episodes[position];
    if (!episode) return;
    const want = expand ?? !this.expanded.has(episode.index);
    if (want === this.expanded.has(episode.index)) return;
    if (want) this.expanded.add(episode.index);
    else this.expanded.delete(episode.index);
    this.rows.setShape(position, this.shapeOf(episode));
    const card = this.mounted.get(position);
    if (card) this.applyExpanded(card, true);
    this.layout();
    this.options.onToggle();
  }

  /** Moves keyboard focus to the next/previous visible episode (mounting it); returns the new position. */
  moveFocus(delta: 1 | -1): number {
    let position = this.focusedPosition;
    for (;;) {
      position += delta;
      if (position < 0 || position >= this.episodes.length) return this.focusedPosition;
      if (passesFilters(this.episodes[position], this.filters)) break;
    }
    this.focus(position);
    return position;
  }

  focus(position: number, block: 'nearest' | 'start' | 'center' = 'nearest'): void {
    if (!this.episodes[position]) return;
    this.focusedPosition = position;
    this.scrollToPosition(position, block);
    // Only a page that has the keyboard moves it: focus() in a background webview (a panel
    // restored after a window reload, opening its review) would pull the keyboard away from the
    // view the reviewer is in. The card takes focus when the page gets it (see the constructor).
    if (document.hasFocus()) this.mounted.get(position)?.li.focus({ preventScroll: true });
  }

  /** Where the reader is, for persisted state: the first visible episode and px of it above the visible top. */
  placeForSave(): { position: number; offset: number } | undefined {
    const anchor = this.captureAnchor();
    return anchor ? { position: anchor.position, offset: Math.round(this.visibleTop() - anchor.top) } : undefined;
  }

  /** Returns to a saved place (see placeForSave). */
  restorePlace(place: { position: number; offset: number }): void {
    if (!this.episodes[place.position]) return;
    this.scrollToPosition(place.position, 'start');
    window.scrollBy(0, place.offset);
  }

  /** Scrolls so the episode at `position` is in view and mounted (heights above it settle first). */
  scrollToPosition(position: number, block: 'nearest' | 'start' | 'center' = 'start'): void {
    if (!this.episodes[position]) return;
    for (let attempt = 0; attempt < 4; attempt++) {
      const listTop = this.element.getBoundingClientRect().top + window.scrollY;
      const visibleTop = this.visibleTop();
      const viewTop = window.scrollY + visibleTop - listTop;
      const target = scrollTargetFor(this.rows, position, viewTop, window.innerHeight - visibleTop, block);
      if (Math.abs(target - viewTop) < 1 && this.mounted.has(position)) break;
      window.scrollTo({ top: Math.max(0, listTop + target - visibleTop), behavior: 'instant' as ScrollBehavior });
      this.layout(null);
      this.measureNow();
    }
  }

  /** Position of the card holding keyboard focus (or the last one focused), -1 if none. */
  currentPosition(): number {
    const active = document.activeElement?.closest?.('.rl-card') as HTMLDivElement | null;
    if (active && this.element.contains(active)) {
      const position = Number(active.dataset.position);
      if (Number.isInteger(position)) this.focusedPosition = position;
    }
    return this.focusedPosition;
  }

  episodeAt(position: number): Episode | undefined {
    return this.episodes[position];
  }

  /** Visible positions now on screen (first, last) by the row model (no DOM reads but the list's top); -1 when none. */
  visibleRange(listTop = this.element.getBoundingClientRect().top, visibleTop = this.visibleTop()): [number, number] {
    if (this.rows.length === 0 || this.rows.total() === 0) return [-1, -1];
    const top = visibleTop - listTop;
    const bottom = window.innerHeight - listTop;
    if (bottom <= 0 || top >= this.rows.total()) return [-1, -1];
    return [this.rows.indexAt(Math.max(0, top)), this.rows.indexAt(Math.max(0, bottom - 1))];
  }

  /** Expands the card, scrolls to it and marks the `occurrence`-th match as current. */
  revealMatch(position: number, occurrence: number): void {
    if (!this.episodes[position]) return;
    this.toggle(position, true);
    this.focusedPosition = position;
    this.scrollToPosition(position, 'start');
    const card = this.mounted.get(position);
    if (card) this.renderBody(card);
    this.measureNow();
    this.currentMatch = { position, occurrence };
    const current = this.refreshHighlights();
    if (current) current.startContainer.parentElement?.scrollIntoView({ block: 'center' });
    else this.scrollToPosition(position, 'center');
    this.layout();
  }

  refreshHighlights(): Range | null {
    const match = this.currentMatch;
    const card = match ? this.mounted.get(match.position) : undefined;
    const current = card && this.expanded.has(card.episode.index) ? { root: card.body, occurrence: match!.occurrence } : undefined;
    const roots = [...this.mounted.values()].map((c) => (this.expanded.has(c.episode.index) ? c.body : c.preview));
    return highlightMatches(roots, this.filters.query, current);
  }

  /** Number of cards in the DOM now (bounded by MAX_MOUNTED). */
  get mountedCount(): number {
    return this.mounted.size;
  }

  // ------------------------------------------------------------------ windowing

  private shapeOf(episode: Episode): RowShape {
    return { chars: episode.text.length, expanded: this.expanded.has(episode.index), visible: passesFilters(episode, this.filters) };
  }

  /** Filters or the expanded set changed: every row's shape may have. The first visible card that stays visible keeps its place. */
  private reshape(): void {
    const anchor = this.captureAnchor(passesFiltersOf(this.episodes, this.filters));
    this.rows.reset(this.episodes.map((e) => this.shapeOf(e)));
    for (const card of this.mounted.values()) this.applyExpanded(card, false);
    for (const card of this.cache.values()) this.applyExpanded(card, false);
    this.layout(anchor);
  }

  private visibleTop(): number {
    return Math.max(0, this.options.visibleTop?.() ?? 0);
  }

  private scheduleLayout(): void {
    this.layoutNextFrame.schedule();
  }

  /**
   * Mounts the rows the viewport needs, places them and sizes the list, keeping the anchor
   * (by default the first visible card) where the reader saw it when heights above it change.
   * A few passes: a measurement can change which rows are needed. `anchor`: null for none
   * (a jump), or one captured before the rows changed shape (expand all, filters).
   */
  private layout(anchor?: Anchor | null): void {
    if (!this.element.isConnected) return;
    const width = this.element.clientWidth;
    if (width !== this.width) {
      if (this.width >= 0) this.rows.forgetMeasurements();
      this.width = width;
    }
    const fixed = anchor === undefined ? (this.pinned ? this.anchor : this.captureAnchor()) : anchor;
    if (anchor) this.pinned = true;
    else if (anchor === null) this.pinned = false;
    if (fixed && (anchor || !this.mounted.has(fixed.position))) {
      // Rows changed shape (or the anchor is not in the DOM): put the anchor where it was by the model's offsets.
      this.place(); // the document must be as tall as the new rows first
      const top = this.element.getBoundingClientRect().top + window.scrollY;
      window.scrollTo({ top: Math.max(0, top + this.rows.offsetOf(fixed.position) - fixed.top), behavior: 'instant' as ScrollBehavior });
      this.ownScrollY = window.scrollY;
    }
    const listTop = this.element.getBoundingClientRect().top;
    const visibleTop = this.visibleTop();
    this.lastVisibleTop = visibleTop;
    const range = windowRange(this.rows, visibleTop - listTop, window.innerHeight - listTop, OVERSCAN_PX, MAX_MOUNTED);
    const changedMount = this.mountRange(range.start, range.end);
    this.range = range;
    this.place();
    // The cards' DOM order (reading and Tab order) is put right in the first frame that mounts
    // nothing, i.e. once the scrolling stops: moving a card re-creates its style and layout, the
    // cost recycling avoids while scrolling.
    if (changedMount) {
      if (this.outOfOrder) this.scheduleLayout();
    } else if (this.outOfOrder) this.reorder();
    // Without a card to hold, hold the first visible row where the model puts it; nothing at the
    // page's top (see captureAnchor).
    if (fixed) this.anchor = fixed;
    else if (window.scrollY <= 0) this.anchor = null;
    else {
      const first = this.rows.indexAt(Math.max(0, visibleTop - listTop));
      this.anchor = this.rows.length > 0 ? { position: first, top: listTop + this.rows.offsetOf(first) } : null;
    }
    if (changedMount && this.filters.query) this.refreshHighlights();
    this.reportViewport(listTop);
  }

  /**
   * Sizes arrive after the browser's layout (no forced layout on the scroll path): record them,
   * place the cards, keep the anchor in place, and mount more if the viewport is not covered.
   */
  private onResize(entries: ResizeObserverEntry[]): void {
    let changed = false;
    let first = Infinity;
    for (const entry of entries) {
      if (entry.target === this.element) {
        if (this.element.clientWidth !== this.width) this.scheduleLayout();
        continue;
      }
      const li = entry.target as HTMLDivElement;
      const position = Number(li.dataset.position);
      if (this.mounted.get(position)?.li !== li) continue;
      const size = entry.borderBoxSize?.[0]?.blockSize ?? li.offsetHeight;
      if (size > 0 && this.rows.measure(position, size + this.cardGap(li))) {
        changed = true;
        first = Math.min(first, position);
      }
    }
    if (!changed) return;
    // Only rows below the viewport changed (the cards mounted ahead of a scroll): nothing the
    // reader sees moves, so the cards are placed by the next frame's layout, not in a second
    // style/layout/paint pass of this frame.
    const [, lastVisible] = this.visibleRange();
    if (lastVisible >= 0 && first > lastVisible) this.scheduleLayout();
    else this.settle();
  }

  /** Reads every mounted card's height now (a forced layout: for jumps and tests, not for scrolling). */
  measureNow(): void {
    let changed = false;
    for (const card of this.mounted.values()) {
      const size = card.li.offsetHeight;
      if (size > 0 && this.rows.measure(card.position, size + this.cardGap(card.li))) changed = true;
    }
    if (changed) this.settle();
  }

  /** After measurements: placement, anchor correction, and another layout if the window no longer covers the viewport. */
  private settle(): void {
    this.place();
    const anchor = this.anchor;
    const card = anchor ? this.mounted.get(anchor.position) : undefined;
    if (anchor && card) {
      const dy = anchorCorrection(anchor.top, card.li.getBoundingClientRect().top);
      if (dy !== 0) {
        window.scrollBy(0, dy);
        this.ownScrollY = window.scrollY;
      }
    }
    const listTop = this.element.getBoundingClientRect().top;
    const need = windowRange(this.rows, this.lastVisibleTop - listTop, window.innerHeight - listTop, 0, MAX_MOUNTED);
    if (need.end > need.start && (need.start < this.range.start || need.end > this.range.end)) this.scheduleLayout();
    this.reportViewport(listTop);
  }

  /** Margin below a card (read once: the stylesheet's, not per card). */
  private cardGap(li: HTMLElement): number {
    if (this.gap < 0) this.gap = parseFloat(getComputedStyle(li).marginBottom) || 0;
    return this.gap;
  }

  private reportViewport(listTop: number): void {
    if (!this.options.onViewport) return;
    const [first, last] = this.visibleRange(listTop, this.lastVisibleTop);
    const key = `${first}:${last}`;
    if (key === this.lastViewport) return;
    this.lastViewport = key;
    this.options.onViewport(first, last);
  }

  /** The first mounted card whose bottom is below the visible top, and where its top is (viewport px). */
  private captureAnchor(keep?: (position: number) => boolean): Anchor | null {
    const visibleTop = this.visibleTop();
    // At the page's top nothing is held, as the browser's own scroll anchoring holds nothing at
    // scroll offset 0: holding the first card there scrolled a freshly opened trace down by
    // whatever grew above the list after the first paint (the chart, the problem's KaTeX).
    if (window.scrollY <= 0) return null;
    for (const card of this.mounted.values()) {
      if (keep && !keep(card.position)) continue;
      const rect = card.li.getBoundingClientRect();
      if (rect.bottom > visibleTop && rect.height > 0) return { position: card.position, top: rect.top };
    }
    return null;
  }

  /**
   * Mounts visible rows in [start, end), unmounts the rest; returns true when the set changed.
   * A row coming in takes its own cached card if there is one, else a collapsed card leaving the
   * window, patched for the new episode where it is (recycleCard: no element created, removed or
   * moved, so Chromium restyles and lays out only what changed in it; place() moves it to its
   * row), else a new card.
   */
  private mountRange(start: number, end: number): boolean {
    let changed = false;
    const spare: Card[] = [];
    const active = document.activeElement;
    for (const [position, card] of this.mounted) {
      if (position < start || position >= end || !this.rows.shape(position)?.visible) {
        changed = true;
        // Expanded cards keep their rendered body in the cache; the focused card is never reused
        // for another episode (the keyboard would land on it).
        if (!card.open && card.bodyMode === null && !(active && card.li.contains(active))) {
          this.mounted.delete(position);
          this.renderQueue.delete(card);
          spare.push(card);
        } else this.unmount(card);
      }
    }
    const next = new Map<number, Card>();
    const budgetStart = performance.now();
    for (let position = start; position < end; position++) {
      if (!this.rows.shape(position).visible) continue;
      let card = this.mounted.get(position);
      if (!card) {
        const episode = this.episodes[position];
        const cached = this.cache.get(position);
        if (cached) {
          card = cached;
          this.cache.delete(position);
        } else if (spare.length > 0) {
          // A spare whose meta has the same elements is patched without creating any.
          const shape = metaShape(episode);
          const i = spare.findIndex((c) => c.metaParts.shape === shape);
          card = spare.splice(i >= 0 ? i : spare.length - 1, 1)[0];
          recycleCard(card, episode, position);
          // Observed again so the new row's size is reported even when it equals the old one's.
          this.resizeObserver?.unobserve(card.li);
        } else card = renderCard(episode, position);
        this.sync(card, episode);
        if (!card.li.isConnected) this.sizer.before(card.li);
        this.outOfOrder = true;
        this.resizeObserver?.observe(card.li);
        changed = true;
        // Bodies of expanded cards: rendered now while the frame has time, plain text and queued after.
        if (this.expanded.has(card.episode.index) && needsRender(card)) {
          if (performance.now() - budgetStart < RENDER_BUDGET_MS && card.episode.index !== this.growing) this.renderBody(card);
          else this.showPlain(card);
        }
      }
      next.set(position, card);
    }
    for (const card of spare) this.unmount(card);
    this.mounted = next;
    return changed;
  }

  private unmount(card: Card): void {
    this.resizeObserver?.unobserve(card.li);
    card.li.remove();
    this.mounted.delete(card.position);
    this.renderQueue.delete(card);
    this.cache.delete(card.position);
    this.cache.set(card.position, card);
    if (this.cache.size > CARD_CACHE) this.cache.delete(this.cache.keys().next().value as number);
  }

  /**
   * Places each mounted card at its row's offset (a transform: the card is absolutely positioned
   * over the sizer, so patching or placing it never lays out its siblings) and sizes the list to
   * all the rows.
   */
  private place(): void {
    for (const card of this.mounted.values()) {
      const y = Math.round(this.rows.offsetOf(card.position));
      if (card.y !== y) {
        card.y = y;
        card.li.style.transform = `translateY(${y}px)`;
      }
    }
    const height = `${Math.round(this.rows.total())}px`;
    if (this.sizer.style.height !== height) this.sizer.style.setProperty('height', height);
  }

  /** Puts the mounted cards in the DOM in their rows' order; the card holding the focus stays put (moving it would blur it). */
  private reorder(): void {
    this.outOfOrder = false;
    const active = document.activeElement;
    let previous: Element | null = null;
    for (const card of this.mounted.values()) {
      const inPlace = (previous ? previous.nextElementSibling : this.element.firstElementChild) === card.li;
      if (!inPlace && !(active && card.li.contains(active))) {
        if (previous) previous.after(card.li);
        else this.element.prepend(card.li);
      }
      previous = card.li;
    }
  }

  // ------------------------------------------------------------------ cards

  /** Brings a (mounted or cached) card up to date: head, preview, expansion, after-correct style, growing body. */
  private sync(card: Card, episode: Episode): void {
    if (card.episode.index !== episode.index) recycleCard(card, episode, card.position);
    else refreshCard(card, episode);
    card.li.classList.toggle('rl-after-correct', this.firstCorrect >= 0 && card.position > this.firstCorrect);
    this.applyExpanded(card, false);
  }

  private markAfterFirstCorrect(): void {
    const episodes = this.episodes;
    const first = episodes.findIndex((e) => e.verdict === 'correct');
    if (first !== this.firstCorrect) {
      this.firstCorrect = first;
      for (const card of [...this.mounted.values(), ...this.cache.values()]) card.li.classList.toggle('rl-after-correct', first >= 0 && card.position > first);
    }
    const afterCount = first >= 0 ? episodes.length - first - 1 : 0;
    this.legend.hidden = afterCount === 0;
    if (afterCount > 0) {
      let tokens = 0;
      for (let i = first + 1; i < episodes.length; i++) tokens += episodes[i].tokens;
      this.legend.textContent = `faded: ${afterCount} episode${afterCount === 1 ? '' : 's'} (${formatTokens(tokens)} tok) after the first correct answer in #${episodes[first].index}`;
    }
  }

  /** Shows the body or the preview; `now`: render the body at once (one click), else keep it current cheaply. */
  private applyExpanded(card: Card, now: boolean): void {
    const open = this.expanded.has(card.episode.index);
    // Attributes are written only when they change: each write is a DOM mutation that invalidates
    // the card's style, and this runs for every card mounted while scrolling.
    if (card.open !== open) {
      card.open = open;
      card.toggle.setAttribute('aria-expanded', String(open));
      card.li.classList.toggle('rl-expanded', open);
      card.body.hidden = !open;
      card.preview.hidden = open;
    }
    if (open && card.body.parentNode !== card.li) card.li.append(card.body);
    else if (!open && card.body.parentNode) card.body.remove();
    if (!open || !card.li.isConnected || !needsRender(card)) return;
    if (card.episode.index === this.growing) this.showPlain(card);
    else if (now) this.renderBody(card);
    else this.showPlain(card); // queues the full render
  }

  /** Plain text, appended in place when the text only grew (a live episode: no re-render per chunk). */
  private showPlain(card: Card): void {
    const text = card.episode.text;
    const node = card.bodyMode === 'plain' ? (card.body.firstChild?.firstChild as Text | null) : null;
    if (node && card.renderedText !== null && text.startsWith(card.renderedText)) node.appendData(text.slice(card.renderedText.length));
    else card.body.replaceChildren(h('div', { class: 'rl-plain rl-growing' }, text));
    card.renderedText = text;
    card.bodyMode = 'plain';
    if (card.episode.index !== this.growing) this.queueRender(card);
  }

  private queueRender(card: Card): void {
    this.renderQueue.add(card);
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    requestAnimationFrame(() => this.pump());
  }

  /** Renders queued bodies nearest the viewport first, about 8 ms per frame, so scrolling stays smooth. */
  private pump(): void {
    this.pumpScheduled = false;
    const started = performance.now();
    const middle = window.innerHeight / 2;
    const distance = (card: Card) => Math.abs(card.li.getBoundingClientRect().top - middle);
    const queue = [...this.renderQueue].sort((a, b) => distance(a) - distance(b));
    let rendered = false;
    for (const card of queue) {
      if (performance.now() - started > RENDER_BUDGET_MS) break;
      this.renderQueue.delete(card);
      if (!card.li.isConnected || !this.expanded.has(card.episode.index) || card.episode.index === this.growing) continue;
      if (card.bodyMode === 'markdown' && card.renderedText === card.episode.text) continue;
      this.renderBody(card);
      rendered = true;
    }
    if (rendered) {
      if (this.filters.query) this.refreshHighlights();
      this.scheduleLayout();
    }
    if (this.renderQueue.size > 0 && !this.pumpScheduled) {
      this.pumpScheduled = true;
      requestAnimationFrame(() => this.pump());
    }
  }

  /** Full Markdown + KaTeX render of the card's body. */
  private renderBody(card: Card): void {
    if (card.bodyMode === 'markdown' && card.renderedText === card.episode.text) return;
    card.body.replaceChildren(this.options.renderBody(card.episode.text));
    card.renderedText = card.episode.text;
    card.bodyMode = 'markdown';
    this.renderQueue.delete(card);
  }

  private onClick(event: MouseEvent): void {
    const target = event.target as Element;
    const li = target.closest('.rl-card') as HTMLDivElement | null;
    if (!li) return;
    const position = Number(li.dataset.position);
    if (target.closest('.rl-card-copy')) {
      const episode = this.episodes[position];
      if (episode) this.options.onCopy(episode.index);
      return;
    }
    if (target.closest('.rl-card-toggle') || (target.closest('.rl-preview') && !window.getSelection()?.toString())) {
      this.focusedPosition = position;
      this.toggle(position);
    }
  }
}
