/**
 * Search (n/N stepping), label and verdict filters (the label chips double as the colour
 * legend), expand/collapse all, and export.
 */
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import type { Episode, EpisodeLabel, Verdict } from '../../../src/core/trace';
import type { ExportFormat, ViewFilters } from '../../../src/shared/protocol';
import { ALL_LABELS, ALL_VERDICTS } from '../model/filter';
import { h, icon } from '../../common/dom';

export const LABEL_HELP: Record<EpisodeLabel, string> = {
  planning: 'Sets out a plan or approach',
  computation: 'Carries out a calculation',
  verification: 'Re-checks earlier work',
  backtracking: 'Abandons or corrects earlier work',
  alternative: 'Tries another approach',
  answer: 'States an answer',
};
const VERDICT_TEXT: Record<Verdict, string> = { correct: 'correct answer', incorrect: 'wrong answer', none: 'no answer' };

export interface ToolbarCallbacks {
  filtersChanged(filters: ViewFilters): void;
  step(delta: 1 | -1): void;
  expandAll(expand: boolean): void;
  exportAs(format: ExportFormat): void;
}

interface TextControl extends HTMLElement {
  value: string;
}

export class Toolbar {
  readonly element: HTMLElement;
  readonly search: TextControl;
  private readonly counter: HTMLElement;
  private readonly labelChips = new Map<EpisodeLabel, HTMLButtonElement>();
  private readonly verdictChips = new Map<Verdict, HTMLButtonElement>();
  private filters: ViewFilters = { labels: [], verdicts: [], query: '' };
  private readonly callbacks: ToolbarCallbacks;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(callbacks: ToolbarCallbacks) {
    this.callbacks = callbacks;
    this.search = h('vscode-textfield', { type: 'search', placeholder: 'Search episodes  (/)', 'aria-label': 'Search episodes', class: 'rl-search' }, h('span', { slot: 'content-before', class: 'codicon codicon-search', 'aria-hidden': 'true' })) as TextControl;
    this.search.addEventListener('input', () => {
      // Debounced: each keystroke would otherwise rescan a 100k-token trace.
      clearTimeout(this.searchTimer);
      this.searchTimer = setTimeout(() => this.emit({ ...this.filters, query: this.search.value ?? '' }), 120);
    });
    this.search.addEventListener('keydown', (event: KeyboardEvent) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        clearTimeout(this.searchTimer);
        if ((this.search.value ?? '') !== this.filters.query) this.emit({ ...this.filters, query: this.search.value ?? '' });
        this.callbacks.step(event.shiftKey ? -1 : 1);
      } else if (event.key === 'Escape') {
        this.search.value = '';
        this.emit({ ...this.filters, query: '' });
      }
    });
    this.counter = h('span', { class: 'rl-search-count', 'aria-live': 'polite' });
    const prev = this.iconButton('arrow-up', 'Previous match (N)', () => this.callbacks.step(-1));
    const next = this.iconButton('arrow-down', 'Next match (n)', () => this.callbacks.step(1));

    const labels = h('div', { class: 'rl-chips', role: 'group', 'aria-label': 'Filter by label (legend)' });
    for (const label of ALL_LABELS) {
      const chip = h('button', { type: 'button', class: `rl-chip rl-label rl-label-${label}`, 'aria-pressed': 'false', title: `${LABEL_HELP[label]}. Click to show only these episodes.` }, label);
      chip.addEventListener('click', () => this.emit({ ...this.filters, labels: toggled(this.filters.labels, label) }));
      this.labelChips.set(label, chip);
      labels.append(chip);
    }
    const verdicts = h('div', { class: 'rl-chips', role: 'group', 'aria-label': 'Filter by verdict' });
    for (const verdict of ALL_VERDICTS) {
      const chip = h('button', { type: 'button', class: `rl-chip rl-chip-verdict rl-chip-${verdict}`, 'aria-pressed': 'false', title: `Show only episodes with ${VERDICT_TEXT[verdict]}` },
        verdict === 'correct' ? icon('pass') : verdict === 'incorrect' ? icon('error') : icon('circle-slash'), ` ${VERDICT_TEXT[verdict]}`);
      chip.addEventListener('click', () => this.emit({ ...this.filters, verdicts: toggled(this.filters.verdicts, verdict) }));
      this.verdictChips.set(verdict, chip);
      verdicts.append(chip);
    }
    const actions = h('div', { class: 'rl-toolbar-actions' },
      this.iconButton('expand-all', 'Expand all visible episodes', () => this.callbacks.expandAll(true)),
      this.iconButton('collapse-all', 'Collapse all episodes', () => this.callbacks.expandAll(false)),
      this.iconButton('json', 'Export trace as JSON', () => this.callbacks.exportAs('json')),
      this.iconButton('export', 'Export trace as JSONL (one line)', () => this.callbacks.exportAs('jsonl')));
    this.element = h('div', { class: 'rl-toolbar', role: 'toolbar', 'aria-label': 'Trace tools' },
      h('div', { class: 'rl-search-row' }, this.search, this.counter, prev, next, actions),
      h('div', { class: 'rl-filter-row' }, labels, verdicts));
  }

  setFilters(filters: ViewFilters): void {
    this.filters = filters;
    if ((this.search.value ?? '') !== filters.query) this.search.value = filters.query;
    for (const [label, chip] of this.labelChips) chip.setAttribute('aria-pressed', String(filters.labels.includes(label)));
    for (const [verdict, chip] of this.verdictChips) chip.setAttribute('aria-pressed', String(filters.verdicts.includes(verdict)));
  }

  /** Shows per-label counts on the chips (legend with numbers). */
  setCounts(episodes: readonly Episode[]): void {
    const labelCounts = new Map<string, number>();
    const verdictCounts = new Map<string, number>();
    for (const e of episodes) {
      for (const l of e.labels) labelCounts.set(l, (labelCounts.get(l) ?? 0) + 1);
      verdictCounts.set(e.verdict, (verdictCounts.get(e.verdict) ?? 0) + 1);
    }
    for (const [label, chip] of this.labelChips) chip.dataset.count = String(labelCounts.get(label) ?? 0);
    for (const [verdict, chip] of this.verdictChips) chip.dataset.count = String(verdictCounts.get(verdict) ?? 0);
  }

  setMatchCount(current: number, total: number, query: string): void {
    this.counter.textContent = query === '' ? '' : total === 0 ? 'No matches' : current < 0 ? `${total} matches` : `${current + 1} of ${total}`;
  }

  focusSearch(): void {
    this.search.focus();
  }

  private emit(filters: ViewFilters): void {
    this.setFilters(filters);
    this.callbacks.filtersChanged(filters);
  }

  private iconButton(name: string, label: string, onClick: () => void): HTMLButtonElement {
    const button = h('button', { type: 'button', class: 'rl-icon-button', 'aria-label': label, title: label }, icon(name));
    button.addEventListener('click', onClick);
    return button;
  }
}

function toggled<T>(list: readonly T[], item: T): T[] {
  return list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
}
