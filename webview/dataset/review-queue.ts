/**
 * The dataset view's review queue control (docs/review.md, "Review queue"): which traces to
 * review (criteria, an optional seeded sample of N), the progress "2 / 10 reviewed" as the
 * host read it from the review sidecar, and "Review next", which asks the host to open the first
 * queued trace not yet reviewed in the trace view. The choice is kept by the host (per file), so
 * the control shows what the host sends. Native controls, like the filter bar below it: every
 * one is reachable with Tab, checkboxes toggle with Space, numbers apply on Enter or leaving the
 * field, the button runs on Enter. Text from the host goes in as text only.
 */
import { QUEUE_CRITERIA, type ReviewQueueChoice, type ReviewQueueState } from '../../src/shared/dataset-protocol';
import { h, icon } from '../common/dom';

type Criterion = (typeof QUEUE_CRITERIA)[number];

const CRITERION_TEXT: Record<Criterion, string> = {
  incorrect: 'Incorrect final answer',
  disagree: "An episode's verdict disagrees with μ's change",
  uncertain: 'μ uncertain (95% half-width > 0.25)',
};
const DEFAULT_SEED = 1;

export interface QueueCallbacks {
  choose(choice: ReviewQueueChoice): void;
  next(): void;
}

export class ReviewQueueControl {
  readonly element: HTMLElement;
  private readonly boxes = new Map<Criterion, HTMLInputElement>();
  private readonly counts = new Map<Criterion, HTMLElement>();
  private readonly allCount = h('span', { class: 'rl-ds-queue-all rl-dim' });
  private readonly sampleN: HTMLInputElement;
  private readonly seed: HTMLInputElement;
  private readonly progress = h('span', { class: 'rl-ds-queue-progress', role: 'status', 'aria-live': 'polite' }, 'Reading the review sidecar…');
  private readonly nextInfo = h('span', { class: 'rl-ds-queue-next rl-dim' });
  private readonly nextButton: HTMLButtonElement;
  private state: ReviewQueueState | null = null;
  /** The last choice sent and not yet echoed by the host: older states must not overwrite the fields. */
  private pending: string | null = null;

  constructor(private readonly callbacks: QueueCallbacks) {
    const criteria = h('span', { class: 'rl-ds-queue-criteria', role: 'group', 'aria-label': 'Traces to review (any of these; none ticked: every trace)' });
    for (const c of QUEUE_CRITERIA) {
      const box = h('input', { type: 'checkbox', id: `rl-ds-queue-${c}`, 'data-criterion': c });
      box.addEventListener('change', () => this.choose());
      const count = h('span', { class: 'rl-ds-queue-count rl-dim', title: 'traces of the file this criterion picks (before sampling)' });
      this.boxes.set(c, box);
      this.counts.set(c, count);
      criteria.append(h('span', { class: 'rl-ds-field' }, box, h('label', { for: box.id }, ` ${CRITERION_TEXT[c]} `), count));
    }
    criteria.append(this.allCount);
    this.sampleN = h('input', { type: 'number', id: 'rl-ds-queue-n', min: 1, step: 1, class: 'rl-ds-percent', placeholder: 'all', 'aria-label': 'Sample size: review a random sample of this many of the traces chosen (empty: all of them)' });
    this.seed = h('input', { type: 'number', id: 'rl-ds-queue-seed', min: 0, step: 1, class: 'rl-ds-percent', value: String(DEFAULT_SEED), 'aria-label': 'Seed of the random sample (the same seed gives the same traces in the same order)' });
    for (const field of [this.sampleN, this.seed]) field.addEventListener('change', () => this.choose());
    this.nextButton = h('button', { type: 'button', class: 'rl-ds-queue-button', id: 'rl-ds-review-next', disabled: true }, icon('checklist'), ' Review next');
    this.nextButton.addEventListener('click', () => this.callbacks.next());
    this.element = h('section', { class: 'rl-ds-queue', 'aria-label': 'Review queue' },
      h('div', { class: 'rl-ds-filters' }, criteria),
      h('div', { class: 'rl-ds-filters' },
        h('span', { class: 'rl-ds-field' }, h('label', { for: this.sampleN.id }, 'Random sample of '), this.sampleN, h('label', { for: this.seed.id }, ' traces, seed '), this.seed),
        this.nextButton, this.progress, this.nextInfo));
  }

  /** The queue as the host computed it. Fields the reviewer is editing are left alone. */
  update(state: ReviewQueueState, rowTitle: (index: number) => string): void {
    this.state = state;
    if (this.pending !== null && this.pending === JSON.stringify(state.choice)) this.pending = null;
    // While a choice is on its way, a state computed for an older one leaves the fields alone.
    const write = this.pending === null;
    const active = document.activeElement;
    for (const c of QUEUE_CRITERIA) {
      const box = this.boxes.get(c)!;
      if (write && box !== active) box.checked = state.choice.criteria.includes(c);
      this.counts.get(c)!.textContent = `(${state.counts[c]})`;
    }
    this.allCount.textContent = state.choice.criteria.length === 0 ? `none ticked: all ${state.counts.all} traces` : '';
    if (write && this.sampleN !== active) this.sampleN.value = state.choice.sample ? String(state.choice.sample.n) : '';
    if (write && this.seed !== active) this.seed.value = String(state.choice.sample?.seed ?? (Number(this.seed.value) || DEFAULT_SEED));
    this.progress.textContent = `${state.reviewed} / ${state.queued} reviewed`;
    this.progress.title = `Queued traces marked reviewed (R in the trace view's review panel) in ${state.sidecar || 'the review sidecar'}${state.skippedLines ? `; ${state.skippedLines} sidecar line(s) left out` : ''}`;
    this.progress.dataset.reviewed = String(state.reviewed);
    this.progress.dataset.queued = String(state.queued);
    this.nextButton.disabled = state.next === null;
    this.nextInfo.textContent = state.next
      ? `next: #${state.next.position + 1} in the queue, row ${state.next.index + 1}, ${rowTitle(state.next.index)}`
      : state.queued
        ? 'every queued trace is reviewed'
        : 'no trace matches: choose other criteria';
    this.nextInfo.dataset.next = state.next ? String(state.next.index) : '';
  }

  /** The choice as the controls say it; a sample size that is no positive integer means no sample. */
  private choose(): void {
    const criteria = QUEUE_CRITERIA.filter((c) => this.boxes.get(c)!.checked);
    const n = Number(this.sampleN.value);
    const seedValue = Number(this.seed.value);
    const seed = Number.isInteger(seedValue) && seedValue >= 0 && seedValue <= 0xffffffff ? seedValue : DEFAULT_SEED;
    const sample = this.sampleN.value.trim() !== '' && Number.isInteger(n) && n >= 1 ? { n, seed } : undefined;
    const choice: ReviewQueueChoice = sample ? { criteria, sample } : { criteria };
    this.pending = JSON.stringify(choice);
    this.callbacks.choose(choice);
  }

  get current(): ReviewQueueState | null {
    return this.state;
  }
}
