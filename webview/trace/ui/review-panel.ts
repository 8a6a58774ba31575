/**
 * Human review of the shown trace, keyboard-first (docs/review.md): a panel docked at the
 * bottom of the view for the focused episode, with the automatic values (cue labels, verdict,
 * μ, importance) and the reviewer's (labels, PRM step verdict, note, tags) side by side, never
 * mixed. `r` opens it; then, on the focused episode (j/k move):
 *
 *   1–6 toggle a label (starting from the automatic ones: the reviewer corrects them),
 *   0 "none of these", a accept the automatic labels, g / b / n step verdict good / bad /
 *   neutral (the same key again clears it), e note, t tags; for the trace: E note, R reviewed,
 *   ] / [ next / previous trace of the file; r or Escape closes.
 *
 * Every change goes to the host ('review-set'), which appends it to the sidecar and answers with
 * the review as stored ('review'): what the panel shows is what is on disk. Reviewed episodes
 * are marked on their cards by a constructed stylesheet keyed by `data-index` (the cards
 * themselves are built by the episode list). User text (notes, tags, quotes) only ever goes in
 * as text nodes or form values.
 */
import type { StepVerdict } from '../../../src/core/review/annotation';
import type { Episode, Trace } from '../../../src/core/trace';
import { MAX_NOTE_CHARS, MAX_TAG_CHARS, MAX_TAGS, REVIEW_LABELS, type ReviewHostMessage, type ReviewStateView, type ReviewWebviewMessage } from '../../../src/shared/review-protocol';
import { h } from '../../common/dom';
import '../../../media/review.css';

type ReviewMessage = Extract<ReviewHostMessage, { type: 'review' }>;

export interface ReviewPanelOptions {
  list: {
    currentPosition(): number;
    episodeAt(position: number): Episode | undefined;
    moveFocus(delta: 1 | -1): number;
    focus(position: number): void;
  };
  post(message: ReviewWebviewMessage): void;
  selectTrace(index: number): void;
  /** Viewport y (px) below the sticky header: where a reviewed card is brought to. */
  visibleTop(): number;
}

const VERDICT_KEYS: Record<string, StepVerdict> = { g: 'good', b: 'bad', n: 'neutral' };
const VERDICT_MARK: Record<StepVerdict, string> = { good: '✓ good', bad: '✗ bad', neutral: '○ neutral' };
const TYPING = 'input, textarea, select, [contenteditable], vscode-textfield, vscode-textarea, vscode-single-select';

type Editor = { kind: 'note' | 'tags'; target: 'episode' | 'trace'; position: number };

export class ReviewPanel {
  readonly element: HTMLElement;
  private readonly opts: ReviewPanelOptions;
  private open = false;
  private trace: Trace | null = null;
  private review: ReviewMessage | null = null;
  private unavailable: string | null = null;
  private traceList: { selected: number; count: number } | null = null;
  private editor: Editor | null = null;
  private readonly head: HTMLElement;
  private readonly body: HTMLElement;
  private readonly editorBox: HTMLElement;
  private readonly marks: CSSStyleSheet | null;

  constructor(opts: ReviewPanelOptions) {
    this.opts = opts;
    this.head = h('div', { class: 'rl-review-head' });
    this.body = h('div', { class: 'rl-review-body' });
    this.editorBox = h('div', { class: 'rl-review-editor', hidden: true });
    this.element = h('section', { class: 'rl-review', 'aria-label': 'Review', hidden: true }, this.head, this.editorBox, this.body);
    this.marks = adoptSheet();
    document.addEventListener('focusin', (event) => {
      const card = (event.target as Element | null)?.closest?.('.rl-card');
      if (!this.open || !card) return;
      this.render();
      this.keepAboveDock(card);
    });
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** A trace was loaded from the host: ask for its review. */
  setTrace(trace: Trace, fromHost: boolean): void {
    const same = this.trace?.id === trace.id;
    this.trace = trace;
    if (!same) {
      this.review = null;
      this.unavailable = null;
      this.closeEditor(false);
    }
    if (fromHost) this.opts.post({ type: 'review-get', traceId: trace.id });
    this.render();
  }

  setTraceList(selected: number, count: number): void {
    this.traceList = { selected, count };
    if (this.open) this.render();
  }

  handleHost(message: ReviewHostMessage): void {
    if (!this.trace || message.traceId !== this.trace.id) return;
    if (message.type === 'review-unavailable') {
      this.unavailable = message.reason;
      this.review = null;
    } else {
      this.review = message;
      this.unavailable = null;
      // A queued trace (dataset view): the panel opens on its first episode, ready for keys.
      if (message.open && (!this.open || this.focusedPosition() < 0)) this.setOpen(true);
    }
    this.updateMarks();
    this.render();
  }

  /** Document keydown (before the view's own keys): true when the key was a review key. */
  handleKey(event: KeyboardEvent): boolean {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return false;
    if ((event.target as Element | null)?.closest?.(TYPING)) return false;
    const key = event.key;
    if (!this.open) {
      if (key !== 'r') return false;
      this.setOpen(true);
      return consume(event);
    }
    if (key === 'r' || key === 'Escape') {
      this.setOpen(false);
      return consume(event);
    }
    if (key === ']' || key === '[') {
      const list = this.traceList;
      const next = list ? list.selected + (key === ']' ? 1 : -1) : -1;
      if (list && next >= 0 && next < list.count) this.opts.selectTrace(next);
      return consume(event);
    }
    if (key === 'R') {
      this.set('trace', { kind: 'reviewed', value: !this.review?.trace.reviewed });
      return consume(event);
    }
    if (key === 'E') {
      this.openEditor({ kind: 'note', target: 'trace', position: -1 });
      return consume(event);
    }
    const position = this.focusedPosition();
    const episode = position >= 0 ? this.opts.list.episodeAt(position) : undefined;
    if (!episode) return false;
    const human = this.humanOf(episode.index);
    if (/^[1-6]$/.test(key)) {
      const label = REVIEW_LABELS[Number(key) - 1];
      const base = new Set(human?.labels ?? episode.labels);
      if (base.has(label)) base.delete(label);
      else base.add(label);
      this.set(episode, { kind: 'labels', value: REVIEW_LABELS.filter((l) => base.has(l)) });
    } else if (key === '0') {
      this.set(episode, { kind: 'labels', value: [] });
    } else if (key === 'a') {
      this.set(episode, { kind: 'labels', value: REVIEW_LABELS.filter((l) => episode.labels.includes(l)) });
    } else if (key in VERDICT_KEYS) {
      const verdict = VERDICT_KEYS[key];
      this.set(episode, { kind: 'stepVerdict', value: human?.stepVerdict === verdict ? null : verdict });
    } else if (key === 'e') {
      this.openEditor({ kind: 'note', target: 'episode', position });
    } else if (key === 't') {
      this.openEditor({ kind: 'tags', target: 'episode', position });
    } else {
      return false;
    }
    return consume(event);
  }

  // ------------------------------------------------------------------ changes

  private set(target: Episode | 'trace', value: Extract<ReviewWebviewMessage, { type: 'review-set' }>['value']): void {
    if (!this.trace) return;
    if (this.unavailable) return this.render();
    this.opts.post({ type: 'review-set', traceId: this.trace.id, target: target === 'trace' ? 'trace' : { start: target.start, end: target.end }, value });
  }

  private focusedPosition(): number {
    const position = this.opts.list.currentPosition();
    return position >= 0 && this.opts.list.episodeAt(position) ? position : -1;
  }

  private setOpen(open: boolean): void {
    this.open = open;
    this.element.hidden = !open;
    document.body.classList.toggle('rl-reviewing', open);
    if (!open) this.closeEditor(false);
    // Review starts on an episode: the focused one, else the first.
    if (open && this.focusedPosition() < 0) this.opts.list.moveFocus(1);
    else if (open) this.opts.list.focus(this.focusedPosition());
    // A run's trace gets its file when it ends: ask again on opening.
    if (open && this.trace && !this.review) this.opts.post({ type: 'review-get', traceId: this.trace.id });
    this.render();
  }

  private openEditor(editor: Editor): void {
    const trace = this.trace;
    if (!trace || this.unavailable) return;
    const episode = editor.target === 'episode' ? this.opts.list.episodeAt(editor.position) : undefined;
    const state = editor.target === 'trace' ? this.review?.trace : episode ? this.humanOf(episode.index) : undefined;
    this.editor = editor;
    const title = `${editor.target === 'trace' ? 'Trace' : `Episode #${episode?.index}`} ${editor.kind === 'note' ? 'note' : 'tags (comma-separated)'} — Enter saves${editor.kind === 'note' ? ', Shift+Enter new line' : ''}, Escape cancels`;
    const field =
      editor.kind === 'note'
        ? h('textarea', { class: 'rl-review-input', rows: 3, maxlength: MAX_NOTE_CHARS, 'aria-label': title })
        : h('input', { class: 'rl-review-input', type: 'text', 'aria-label': title });
    field.value = editor.kind === 'note' ? (state?.note ?? '') : (state?.tags ?? []).join(', ');
    field.addEventListener('keydown', (event) => {
      const e = event as KeyboardEvent;
      if (e.key === 'Escape') {
        e.preventDefault();
        this.closeEditor(true);
      } else if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        this.saveEditor(field.value);
      }
      e.stopPropagation(); // typing never reaches the view's keys
    });
    this.editorBox.replaceChildren(h('label', { class: 'rl-review-editor-title' }, title), field);
    this.editorBox.hidden = false;
    field.focus();
  }

  private saveEditor(text: string): void {
    const editor = this.editor;
    if (!editor) return;
    const target = editor.target === 'trace' ? 'trace' : this.opts.list.episodeAt(editor.position);
    if (target) {
      if (editor.kind === 'note') this.set(target, { kind: 'note', value: text.slice(0, MAX_NOTE_CHARS) });
      else this.set(target, { kind: 'tags', value: parseTags(text) });
    }
    this.closeEditor(true);
  }

  private closeEditor(refocus: boolean): void {
    const editor = this.editor;
    this.editor = null;
    this.editorBox.hidden = true;
    this.editorBox.replaceChildren();
    if (refocus && editor) {
      const position = editor.position >= 0 ? editor.position : this.focusedPosition();
      if (position >= 0) this.opts.list.focus(position);
    }
  }

  /** The dock covers the bottom of the view: a focused card under it is scrolled up to the top. */
  private keepAboveDock(card: Element): void {
    const rect = card.getBoundingClientRect();
    const top = this.opts.visibleTop();
    const dockTop = this.element.getBoundingClientRect().top;
    if (rect.top < top || rect.top > dockTop - 48) window.scrollBy({ top: rect.top - top - 8, behavior: 'instant' as ScrollBehavior });
  }

  private humanOf(index: number): ReviewStateView | undefined {
    return this.review?.episodes.find((e) => e.index === index)?.state;
  }

  // ------------------------------------------------------------------ rendering

  private render(): void {
    if (!this.open) return;
    const trace = this.trace;
    if (!trace) {
      this.head.replaceChildren('Review: no trace shown.');
      this.body.replaceChildren();
      return;
    }
    const r = this.review;
    const reviewedEpisodes = r ? r.episodes.filter((e) => hasHumanValue(e.state)).length : 0;
    const traceState = r?.trace;
    this.head.replaceChildren(
      h('strong', {}, 'Review'),
      ' · ',
      h('span', { class: `rl-review-status${traceState?.reviewed ? ' rl-review-done' : ''}`, 'data-reviewed': String(Boolean(traceState?.reviewed)) }, traceState?.reviewed ? 'trace reviewed' : 'trace not reviewed'),
      ` · ${reviewedEpisodes} of ${trace.episodes.length} episodes reviewed`,
      r && r.traces > 1 ? ` · ${r.reviewedTraces} / ${r.traces} traces reviewed` : '',
      r ? h('span', { class: 'rl-dim' }, ` · as ${r.who} → ${r.sidecar}`) : '',
      r && (r.problems || r.torn) ? h('span', { class: 'rl-review-warn' }, ` · ${r.problems + r.torn} sidecar line(s) unreadable (kept in the file)`) : '',
    );
    if (this.unavailable) {
      this.body.replaceChildren(h('p', { class: 'rl-review-warn' }, this.unavailable));
      return;
    }
    const position = this.focusedPosition();
    const episode = position >= 0 ? this.opts.list.episodeAt(position) : undefined;
    const parts: Node[] = [];
    if (episode) parts.push(this.episodeTable(episode, this.humanOf(episode.index)));
    else parts.push(h('p', { class: 'rl-dim' }, 'No episode focused: j / k move between episodes.'));
    parts.push(h('div', { class: 'rl-review-trace-note' }, h('span', { class: 'rl-dim' }, 'Trace note: '), traceState?.note ? h('span', { class: 'rl-review-note' }, traceState.note) : h('span', { class: 'rl-dim' }, 'none (E)')));
    if (r?.detached.length) {
      parts.push(
        h('details', { class: 'rl-review-detached' },
          h('summary', {}, `${r.detached.length} detached annotation(s): their character ranges match no episode of this segmentation (kept, not lost)`),
          h('ul', {}, ...r.detached.map((d) => h('li', {}, `characters ${d.start}–${d.end}: “${d.state.quote ?? ''}” — ${describeState(d.state)}`))),
        ),
      );
    }
    parts.push(h('p', { class: 'rl-review-keys rl-dim' },
      REVIEW_LABELS.map((l, i) => `${i + 1} ${l}`).join(' · '),
      ' · 0 none · a accept automatic · g good · b bad · n neutral · e note · t tags · E trace note · R reviewed · ] [ next/previous trace · j k episodes · r close'));
    this.body.replaceChildren(...parts);
  }

  private episodeTable(episode: Episode, human: ReviewStateView | undefined): HTMLElement {
    const humanLabels = human?.labels;
    const rows = REVIEW_LABELS.map((label, i) => {
      const auto = episode.labels.includes(label);
      const mine = humanLabels ? humanLabels.includes(label) : null;
      return h('tr', { 'data-label': label },
        h('th', { scope: 'row' }, h('kbd', {}, String(i + 1)), ` ${label}`),
        h('td', { class: auto ? 'rl-review-on' : 'rl-review-off' }, auto ? 'yes' : '–'),
        h('td', { class: mine === null ? 'rl-dim' : mine ? 'rl-review-on' : 'rl-review-off', 'data-human': mine === null ? 'unset' : String(mine) }, mine === null ? 'not set' : mine ? 'yes' : 'no'),
      );
    });
    const p = episode.progress;
    const imp = episode.importance;
    const autoFacts = [
      `verdict ${episode.verdict}${episode.answer !== undefined ? ` (answer ${episode.answer})` : ''}`,
      p ? `μ ${p.mu.toFixed(2)}, Δ ${p.delta >= 0 ? '+' : ''}${p.delta.toFixed(2)} (forced-answer accuracy after this episode, change from the previous)` : 'μ not probed',
      imp ? `importance ${imp.value.toFixed(3)} (${imp.method}, ${imp.samples} rollouts)` : null,
    ].filter((x): x is string => x !== null);
    const verdict = human?.stepVerdict;
    const by = human ? Object.entries(human.by).map(([kind, b]) => `${kind} by ${b?.who} at ${b?.at.slice(0, 16).replace('T', ' ')}`).join('; ') : '';
    return h('div', { class: 'rl-review-episode', 'data-episode': episode.index },
      h('table', { class: 'rl-review-table' },
        h('caption', {}, `Episode #${episode.index}`),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'label'), h('th', { scope: 'col' }, 'automatic (cue list)'), h('th', { scope: 'col' }, 'human'))),
        h('tbody', {}, ...rows),
      ),
      h('dl', { class: 'rl-review-facts' },
        h('dt', {}, 'Automatic'), h('dd', {}, autoFacts.join(' · ')),
        h('dt', {}, 'Step verdict'), h('dd', { class: `rl-review-verdict rl-review-verdict-${verdict ?? 'unset'}`, 'data-verdict': verdict ?? 'unset' }, verdict ? VERDICT_MARK[verdict] : 'not set (g / b / n)'),
        h('dt', {}, 'Note'), h('dd', { class: 'rl-review-note' }, human?.note ? human.note : h('span', { class: 'rl-dim' }, 'none (e)')),
        h('dt', {}, 'Tags'), h('dd', { class: 'rl-review-tags' }, ...(human?.tags?.length ? human.tags.map((t) => h('span', { class: 'rl-review-tag' }, t)) : [h('span', { class: 'rl-dim' }, 'none (t)')])),
        by ? h('dt', {}, 'Changed') : null, by ? h('dd', { class: 'rl-dim' }, by) : null,
      ),
    );
  }

  /** Marks reviewed episodes on their cards (a glyph after the number), through rules keyed by data-index. */
  private updateMarks(): void {
    if (!this.marks) return;
    const rules: string[] = [];
    for (const { index, state } of this.review?.episodes ?? []) {
      if (!Number.isInteger(index) || !hasHumanValue(state)) continue;
      const v = state.stepVerdict;
      const mark = v === 'good' ? '✓' : v === 'bad' ? '✗' : v === 'neutral' ? '○' : '●';
      rules.push(`.rl-card[data-index="${index}"] .rl-card-number::after { content: " ${mark}"; }`);
      rules.push(`.rl-card[data-index="${index}"] { --rl-review-mark: 1; }`);
    }
    this.marks.replaceSync(rules.join('\n'));
  }
}

function consume(event: KeyboardEvent): true {
  event.preventDefault();
  return true;
}

function hasHumanValue(s: ReviewStateView): boolean {
  return s.labels !== undefined || (s.stepVerdict !== undefined && s.stepVerdict !== null) || Boolean(s.note) || Boolean(s.tags?.length);
}

function describeState(s: ReviewStateView): string {
  const parts: string[] = [];
  if (s.labels) parts.push(`labels ${s.labels.length ? s.labels.join(', ') : 'none'}`);
  if (s.stepVerdict) parts.push(`verdict ${s.stepVerdict}`);
  if (s.note) parts.push(`note ${s.note}`);
  if (s.tags?.length) parts.push(`tags ${s.tags.join(', ')}`);
  return parts.join('; ') || 'cleared';
}

/** "a, b ,, c" → ["a", "b", "c"]: trimmed, no empties or repeats, within the sidecar's limits. */
export function parseTags(text: string): string[] {
  const tags = [...new Set(text.split(',').map((t) => t.trim()).filter((t) => t !== ''))];
  return tags.map((t) => t.slice(0, MAX_TAG_CHARS)).slice(0, MAX_TAGS);
}

/** A stylesheet of our own for the card marks (constructed: no inline style, allowed by the view's CSP). */
function adoptSheet(): CSSStyleSheet | null {
  try {
    const sheet = new CSSStyleSheet();
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    return sheet;
  } catch {
    return null; // no constructable stylesheets: the panel still works, the cards stay unmarked
  }
}
