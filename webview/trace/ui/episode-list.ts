/**
 * The episode timeline: one card per episode, built cheaply (head + plain-text preview) and
 * rendered fully (Markdown + KaTeX) only when expanded and near the viewport. Updates are
 * incremental: a card is touched only when its episode changed.
 */
import type { Episode, EpisodeLabel } from '../../../src/core/trace';
import type { ViewFilters } from '../../../src/shared/protocol';
import { passesFilters } from '../model/filter';
import { formatTokens } from '../model/summary';
import { h, icon, srOnly } from '../../common/dom';
import { highlightMatches } from './highlight';

export interface EpisodeListOptions {
  /** Episode text → sanitised DOM (Markdown + math, or plain text). */
  renderBody(text: string): DocumentFragment;
  onCopy(index: number): void;
  /** Expanded set changed (persist it). */
  onToggle(): void;
}

interface Card {
  li: HTMLDivElement;
  toggle: HTMLButtonElement;
  meta: HTMLElement;
  preview: HTMLElement;
  body: HTMLElement;
  episode: Episode;
  headSignature: string;
  /** Text the preview was made from (episodes are mutated in place while live, so compare text, not objects). */
  previewSource: string;
  /** Text the body was last rendered from (null: never rendered). */
  renderedText: string | null;
  near: boolean;
  /** Distance from the viewport when last seen by the observer (px); queue order. */
  distance: number;
  lastRenderMs: number;
  lastRenderAt: number;
  renderPending: boolean;
}

const PREVIEW_CHARS = 220;
/** Cards per chunk: 1,000 episodes make 40 observed, content-visibility:auto elements instead of 1,000. */
const CHUNK = 25;
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
  return [e.opener ?? '', e.tokens, e.labels.join(','), e.answer ?? '', e.verdict, e.check ?? '', p ? `${p.mu}|${p.delta}|${p.samples}|${p.ci ?? ''}|${p.basis}` : ''].join('\u0001');
}

function previewText(text: string): string {
  const flat = text.slice(0, PREVIEW_CHARS * 2).replace(/\s+/g, ' ').trim();
  return flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS)}…` : flat;
}

function signed(x: number): string {
  return `${x > 0 ? '+' : x < 0 ? '−' : '±'}${Math.abs(x).toFixed(2)}`;
}

/** The head's metadata: labels, tokens, answer + verdict, progress, check. */
function buildMeta(e: Episode): HTMLElement {
  const meta = h('span', { class: 'rl-card-meta' });
  const labels = h('span', { class: 'rl-labels' });
  for (const label of e.labels) labels.append(h('span', { class: `rl-label rl-label-${label}` }, LABEL_TEXT[label] ?? label));
  meta.append(labels, h('span', { class: 'rl-tokens', title: 'Thinking tokens in this episode' }, `${formatTokens(e.tokens)} tok`));
  if (e.answer !== undefined) {
    const verdict =
      e.verdict === 'correct'
        ? h('span', { class: 'rl-verdict rl-verdict-correct', title: 'Correct' }, icon('pass'), srOnly('correct'))
        : e.verdict === 'incorrect'
          ? h('span', { class: 'rl-verdict rl-verdict-incorrect', title: 'Incorrect' }, icon('error'), srOnly('incorrect'))
          : h('span', { class: 'rl-verdict rl-verdict-none', title: 'Not graded' }, srOnly('not graded'));
    meta.append(h('span', { class: 'rl-answer' }, h('span', { class: 'rl-dim' }, 'answer '), h('code', {}, e.answer), verdict));
  }
  if (e.check) {
    meta.append(
      h('span', { class: `rl-check rl-check-${e.check}`, title: e.check === 'confirmed' ? 'The check kept the running answer' : 'The check changed the running answer' },
        icon(e.check === 'confirmed' ? 'check-all' : 'arrow-swap'), ` ${e.check}`),
    );
  }
  const p = e.progress;
  if (p) {
    const basis = p.basis === 'gold' ? 'share of forced answers equal to the gold answer' : 'share of forced answers agreeing with the final answer (no gold)';
    meta.append(
      h('span', { class: 'rl-progress', title: `μ: ${basis}; ${p.samples} samples${p.ci !== undefined ? `, 95% interval ±${p.ci.toFixed(2)}` : ''}` },
        h('span', {}, `μ ${p.mu.toFixed(2)}`),
        p.ci !== undefined ? h('span', { class: 'rl-dim' }, ` ±${p.ci.toFixed(2)}`) : null,
        h('span', { class: 'rl-dim' }, ` n=${p.samples}`),
        h('span', { class: `rl-delta ${p.delta > 0 ? 'rl-up' : p.delta < 0 ? 'rl-down' : ''}` }, ` Δ ${signed(p.delta)}`),
        p.basis === 'self' ? h('span', { class: 'rl-dim' }, ' (self)') : null),
    );
  }
  return meta;
}

export class EpisodeList {
  readonly element: HTMLDivElement;
  /** Groups of CHUNK cards: the unit of content-visibility and of intersection observing. */
  private chunks: HTMLDivElement[] = [];
  private cards: Card[] = [];
  private expanded = new Set<number>();
  private filters: ViewFilters = { labels: [], verdicts: [], query: '' };
  private observer: IntersectionObserver | null;
  private focusedPosition = -1;
  /** The search hit stepped to with n/N, kept across re-highlights. */
  private currentMatch: { position: number; occurrence: number } | null = null;
  private readonly options: EpisodeListOptions;
  /** Expanded cards near the viewport waiting for their Markdown/KaTeX render. */
  private readonly renderQueue = new Set<Card>();
  private pumpScheduled = false;
  /** Position of the first episode with a correct answer (-1: none); cards after it are "wasted" thinking. */
  private firstCorrect = -1;
  /** Explains the after-first-correct style; shown only when some episode has it. */
  readonly legend: HTMLElement = h('span', { class: 'rl-after-legend', hidden: true });

  constructor(options: EpisodeListOptions) {
    this.options = options;
    this.element = h('div', { class: 'rl-episodes', role: 'list', 'aria-label': 'Episodes' });
    this.observer =
      typeof IntersectionObserver === 'function'
        ? new IntersectionObserver((entries) => this.onIntersect(entries), { rootMargin: '800px 0px' })
        : null;
    this.element.addEventListener('click', (event) => this.onClick(event));
  }

  get length(): number {
    return this.cards.length;
  }

  /** Reconciles cards with the episodes; `changed` (episode indexes) limits the work when known. */
  update(episodes: readonly Episode[], changed?: ReadonlySet<number>): void {
    const fragment = document.createDocumentFragment();
    for (let position = 0; position < episodes.length; position++) {
      const episode = episodes[position];
      const card = this.cards[position];
      if (!card) {
        const created = this.createCard(episode, position);
        this.cards.push(created);
        this.chunkFor(position, fragment).append(created.li);
      } else if (card.episode !== episode || !changed || changed.has(episode.index)) {
        this.updateCard(card, episode);
      }
    }
    if (fragment.childNodes.length > 0) this.element.append(fragment);
    while (this.cards.length > episodes.length) this.cards.pop()!.li.remove();
    const chunkCount = Math.ceil(this.cards.length / CHUNK);
    while (this.chunks.length > chunkCount) {
      const chunk = this.chunks.pop()!;
      this.observer?.unobserve(chunk);
      chunk.remove();
    }
    for (const chunk of this.chunks) this.sizeChunk(chunk);
    this.markAfterFirstCorrect(episodes);
  }

  private markAfterFirstCorrect(episodes: readonly Episode[]): void {
    const first = episodes.findIndex((e) => e.verdict === 'correct');
    if (first !== this.firstCorrect) {
      this.firstCorrect = first;
      for (let position = 0; position < this.cards.length; position++) this.cards[position].li.classList.toggle('rl-after-correct', first >= 0 && position > first);
    }
    const after = first >= 0 ? episodes.slice(first + 1) : [];
    this.legend.hidden = after.length === 0;
    if (after.length > 0) {
      const tokens = after.reduce((sum, e) => sum + e.tokens, 0);
      this.legend.textContent = `faded: ${after.length} episode${after.length === 1 ? '' : 's'} (${formatTokens(tokens)} tok) after the first correct answer in #${episodes[first].index}`;
    }
  }

  /** The chunk holding `position`, created (in `fragment`) when it does not exist yet. */
  private chunkFor(position: number, fragment: DocumentFragment): HTMLDivElement {
    const index = Math.floor(position / CHUNK);
    let chunk = this.chunks[index];
    if (!chunk) {
      chunk = h('div', { class: 'rl-chunk', role: 'none', 'data-chunk': index });
      this.chunks[index] = chunk;
      fragment.append(chunk);
      this.observer?.observe(chunk);
    }
    return chunk;
  }

  /** Placeholder height while a chunk is skipped; 'auto' keeps the last rendered size once known. */
  private sizeChunk(chunk: HTMLDivElement): void {
    const count = chunk.childElementCount;
    const size = `auto ${count * 66}px`;
    if (chunk.style.getPropertyValue('contain-intrinsic-size') !== size) chunk.style.setProperty('contain-intrinsic-size', size);
  }

  setFilters(filters: ViewFilters): void {
    if (filters.query !== this.filters.query) this.currentMatch = null;
    this.filters = filters;
    for (const card of this.cards) card.li.hidden = !passesFilters(card.episode, filters);
    this.refreshHighlights();
  }

  getExpanded(): number[] {
    return [...this.expanded].sort((a, b) => a - b);
  }

  setExpanded(indexes: Iterable<number>): void {
    this.expanded = new Set(indexes);
    for (const card of this.cards) this.applyExpanded(card);
  }

  expandAll(expand: boolean): void {
    this.expanded = expand ? new Set(this.cards.filter((c) => !c.li.hidden).map((c) => c.episode.index)) : new Set();
    for (const card of this.cards) this.applyExpanded(card, true);
    this.options.onToggle();
  }

  toggle(position: number, expand?: boolean): void {
    const card = this.cards[position];
    if (!card) return;
    const index = card.episode.index;
    const want = expand ?? !this.expanded.has(index);
    if (want) this.expanded.add(index);
    else this.expanded.delete(index);
    this.applyExpanded(card);
    this.options.onToggle();
  }

  /** Moves keyboard focus to the next/previous visible card; returns the new position. */
  moveFocus(delta: 1 | -1): number {
    let position = this.focusedPosition;
    const start = position;
    for (;;) {
      position += delta;
      if (position < 0 || position >= this.cards.length) return start;
      if (!this.cards[position].li.hidden) break;
    }
    this.focus(position);
    return position;
  }

  focus(position: number): void {
    const card = this.cards[position];
    if (!card) return;
    this.focusedPosition = position;
    card.li.focus({ preventScroll: true });
    card.li.scrollIntoView({ block: 'nearest' });
  }

  /** Position of the card holding keyboard focus (or the last one focused), -1 if none. */
  currentPosition(): number {
    const active = document.activeElement?.closest?.('.rl-card') as HTMLDivElement | null;
    if (active) {
      const position = Number(active.dataset.position);
      if (Number.isInteger(position)) this.focusedPosition = position;
    }
    return this.focusedPosition;
  }

  episodeAt(position: number): Episode | undefined {
    return this.cards[position]?.episode;
  }

  /** Expands the card, scrolls to it and marks the `occurrence`-th match as current. */
  revealMatch(position: number, occurrence: number): void {
    const card = this.cards[position];
    if (!card) return;
    this.toggle(position, true);
    this.renderBody(card);
    this.focusedPosition = position;
    this.currentMatch = { position, occurrence };
    const current = this.refreshHighlights();
    if (current) scrollRangeIntoView(current);
    else card.li.scrollIntoView({ block: 'center' });
  }

  refreshHighlights(): Range | null {
    const match = this.currentMatch;
    const card = match ? this.cards[match.position] : undefined;
    const current = card && this.expanded.has(card.episode.index) ? { root: card.body, occurrence: match!.occurrence } : undefined;
    return highlightMatches(this.visibleRoots(), this.filters.query, current);
  }

  /** Cards near the viewport whose text is in the DOM (bodies when expanded, else previews). */
  private visibleRoots(): HTMLElement[] {
    const roots: HTMLElement[] = [];
    for (const card of this.cards) {
      if (!card.near || card.li.hidden) continue;
      roots.push(this.expanded.has(card.episode.index) ? card.body : card.preview);
    }
    return roots;
  }

  private createCard(episode: Episode, position: number): Card {
    const bodyId = `rl-episode-body-${position}`;
    const toggle = h('button', { class: 'rl-card-toggle', type: 'button', 'aria-expanded': 'false', 'aria-controls': bodyId },
      icon('chevron-right'), h('span', { class: 'rl-card-number' }, `#${episode.index}`),
      episode.opener ? h('span', { class: 'rl-opener' }, episode.opener) : null);
    const copy = h('button', { class: 'rl-icon-button rl-card-copy', type: 'button', 'aria-label': `Copy episode ${episode.index}`, title: 'Copy episode text (c)' }, icon('copy'));
    const meta = buildMeta(episode);
    const head = h('div', { class: 'rl-card-head' }, toggle, meta, copy);
    const preview = h('div', { class: 'rl-preview' }, previewText(episode.text));
    const body = h('div', { class: 'rl-card-body rl-markdown', id: bodyId, hidden: true });
    const li = h('div', { class: `rl-card rl-verdict-bg-${episode.verdict}`, role: 'listitem', tabindex: '-1', 'data-position': position }, head, preview, body);
    li.hidden = !passesFilters(episode, this.filters);
    if (this.firstCorrect >= 0 && position > this.firstCorrect) li.classList.add('rl-after-correct');
    const card: Card = { li, toggle, meta, preview, body, episode, headSignature: headSignature(episode), previewSource: episode.text, renderedText: null, near: false, distance: 0, lastRenderMs: 0, lastRenderAt: 0, renderPending: false };
    this.applyExpanded(card);
    return card;
  }

  private updateCard(card: Card, episode: Episode): void {
    const textChanged = card.previewSource !== episode.text;
    card.episode = episode;
    const signature = headSignature(episode);
    if (signature !== card.headSignature) {
      card.headSignature = signature;
      const meta = buildMeta(episode);
      card.meta.replaceWith(meta);
      card.meta = meta;
      card.li.classList.remove('rl-verdict-bg-correct', 'rl-verdict-bg-incorrect', 'rl-verdict-bg-none');
      card.li.classList.add(`rl-verdict-bg-${episode.verdict}`);
      const opener = card.toggle.querySelector('.rl-opener');
      if ((opener?.textContent ?? undefined) !== episode.opener) {
        opener?.remove();
        if (episode.opener) card.toggle.append(h('span', { class: 'rl-opener' }, episode.opener));
      }
    }
    card.li.hidden = !passesFilters(episode, this.filters);
    if (textChanged) {
      card.previewSource = episode.text;
      card.preview.textContent = previewText(episode.text);
      if (this.expanded.has(episode.index) && card.near) this.renderBodyThrottled(card);
    }
  }

  /** `deferred`: queue the body render (many cards at once) instead of rendering now (one click). */
  private applyExpanded(card: Card, deferred = false): void {
    const open = this.expanded.has(card.episode.index);
    card.toggle.setAttribute('aria-expanded', String(open));
    card.li.classList.toggle('rl-expanded', open);
    card.body.hidden = !open;
    card.preview.hidden = open;
    if (open && card.near) {
      if (deferred) this.queueRender(card);
      else this.renderBody(card);
    }
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
    const queue = [...this.renderQueue].sort((a, b) => a.distance - b.distance);
    let rendered = false;
    for (const card of queue) {
      if (performance.now() - started > 8) break;
      this.renderQueue.delete(card);
      if (!card.near || !this.expanded.has(card.episode.index) || !card.li.isConnected) continue;
      this.renderBody(card);
      rendered = true;
    }
    if (rendered && this.filters.query) this.refreshHighlights();
    if (this.renderQueue.size > 0 && !this.pumpScheduled) {
      this.pumpScheduled = true;
      requestAnimationFrame(() => this.pump());
    }
  }

  private renderBody(card: Card): void {
    if (card.renderedText === card.episode.text) return;
    const started = performance.now();
    card.body.replaceChildren(this.options.renderBody(card.episode.text));
    card.renderedText = card.episode.text;
    card.lastRenderAt = performance.now();
    card.lastRenderMs = card.lastRenderAt - started;
  }

  /** A growing episode re-renders at most as often as its own render cost allows (≤ ~20% of frame time). */
  private renderBodyThrottled(card: Card): void {
    if (card.renderPending) return;
    if (performance.now() - card.lastRenderAt < card.lastRenderMs * 4) {
      card.renderPending = true;
      requestAnimationFrame(() => {
        card.renderPending = false;
        this.renderBodyThrottled(card);
      });
      return;
    }
    this.renderBody(card);
    if (this.filters.query) this.refreshHighlights();
  }

  private onIntersect(entries: IntersectionObserverEntry[]): void {
    for (const entry of entries) {
      const chunkIndex = Number((entry.target as HTMLElement).dataset.chunk);
      // Distance of the chunk from the visible area itself (rootBounds include the 800 px margin).
      const rect = entry.boundingClientRect;
      const distance = Math.max(0, rect.top - window.innerHeight, -rect.bottom);
      const above = rect.bottom < 0;
      const end = Math.min(this.cards.length, (chunkIndex + 1) * CHUNK);
      for (let position = chunkIndex * CHUNK; position < end; position++) {
        const card = this.cards[position];
        card.near = entry.isIntersecting;
        // Within a chunk, cards closer to the viewport come first.
        card.distance = distance + (above ? end - position : position - chunkIndex * CHUNK);
        if (card.near && this.expanded.has(card.episode.index) && card.renderedText !== card.episode.text) this.queueRender(card);
        else if (!card.near) this.renderQueue.delete(card);
      }
    }
    if (this.filters.query) this.refreshHighlights();
  }

  private onClick(event: MouseEvent): void {
    const target = event.target as Element;
    const li = target.closest('.rl-card') as HTMLDivElement | null;
    if (!li) return;
    const position = Number(li.dataset.position);
    if (target.closest('.rl-card-copy')) {
      const episode = this.cards[position]?.episode;
      if (episode) this.options.onCopy(episode.index);
      return;
    }
    if (target.closest('.rl-card-toggle') || (target.closest('.rl-preview') && !window.getSelection()?.toString())) {
      this.focusedPosition = position;
      this.toggle(position);
    }
  }
}

function scrollRangeIntoView(range: Range): void {
  const node = range.startContainer.parentElement;
  node?.scrollIntoView({ block: 'center' });
}
