/**
 * The table of traces, virtualised: only the rows in (and just around) the viewport exist in
 * the DOM, so 10k traces cost the same to scroll as 50. Rows have one fixed height; a spacer
 * gives the scroll range. Keyboard: ↑/↓/PageUp/PageDown/Home/End move the active row, Enter
 * or a click opens its trace. All cell text goes in as text nodes.
 */
import type { DatasetRow, SortKey, SortSpec } from '../../src/shared/dataset-protocol';
import { formatTokens } from '../common/format';
import { h, icon, oncePerFrame, srOnly } from '../common/dom';
import { overthinkingShare } from './rows';

export const ROW_HEIGHT = 26;
const OVERSCAN = 8;

interface Column {
  key: SortKey;
  title: string;
  className: string;
  numeric?: boolean;
  cell(row: DatasetRow): Node | string;
}

const COLUMNS: Column[] = [
  { key: 'index', title: '#', className: 'rl-ds-c-index', numeric: true, cell: (r) => String(r.index + 1) },
  { key: 'id', title: 'Id', className: 'rl-ds-c-id', cell: (r) => r.id },
  { key: 'problem', title: 'Problem', className: 'rl-ds-c-problem', cell: (r) => r.problem },
  { key: 'model', title: 'Model', className: 'rl-ds-c-model', cell: (r) => r.model || '–' },
  { key: 'correct', title: 'Correct', className: 'rl-ds-c-correct', cell: correctCell },
  { key: 'episodes', title: 'Episodes', className: 'rl-ds-c-episodes', numeric: true, cell: (r) => String(r.episodes) },
  { key: 'thinkingTokens', title: 'Thinking tokens', className: 'rl-ds-c-thinking', numeric: true, cell: (r) => formatTokens(r.thinkingTokens) },
  { key: 'tokensAfterFirstCorrect', title: 'After first correct', className: 'rl-ds-c-after', numeric: true, cell: afterCell },
  { key: 'finalMu', title: 'Final μ', className: 'rl-ds-c-mu', numeric: true, cell: (r) => (r.finalMu === null ? '–' : r.finalMu.toFixed(2)) },
];

function correctCell(r: DatasetRow): Node {
  const span = h('span', { class: `rl-ds-verdict rl-ds-verdict-${r.correct === true ? 'correct' : r.correct === false ? 'incorrect' : 'none'}` });
  if (r.correct === true) span.append(icon('pass'), srOnly('correct'));
  else if (r.correct === false) span.append(icon('error'), srOnly('incorrect'));
  else span.append('–', srOnly('not graded'));
  if (r.error) span.append(' ', h('span', { class: 'rl-ds-error-mark', title: 'the trace ended with an error' }, 'error'));
  return span;
}

function afterCell(r: DatasetRow): string {
  if (r.tokensAfterFirstCorrect === null) return '–';
  const share = overthinkingShare(r);
  return `${formatTokens(r.tokensAfterFirstCorrect)}${share === null ? '' : ` (${Math.round(share * 100)}%)`}`;
}

export interface TableCallbacks {
  open(row: DatasetRow): void;
  sort(key: SortKey): void;
  scrolled(): void;
}

export class TraceTable {
  readonly element: HTMLElement;
  readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly headers = new Map<SortKey, HTMLElement>();
  private readonly caption: HTMLElement;
  private rows: DatasetRow[] = [];
  private active = 0;
  private readonly windowNextFrame = oncePerFrame(() => this.renderWindow());
  private rendered = { first: -1, last: -1 };

  constructor(private readonly callbacks: TableCallbacks) {
    const headerRow = h('div', { class: 'rl-ds-row rl-ds-head', role: 'row', 'aria-rowindex': 1 });
    for (const col of COLUMNS) {
      const button = h('button', { type: 'button', class: 'rl-ds-sort', 'data-key': col.key }, col.title, icon('arrow-small-down'));
      button.addEventListener('click', () => this.callbacks.sort(col.key));
      const cell = h('div', { class: `rl-ds-cell ${col.className}${col.numeric ? ' rl-ds-num' : ''}`, role: 'columnheader', 'aria-sort': 'none' }, button);
      this.headers.set(col.key, cell);
      headerRow.append(cell);
    }
    this.spacer = h('div', { class: 'rl-ds-spacer', role: 'rowgroup' });
    this.viewport = h('div', { class: 'rl-ds-viewport', tabindex: 0, 'aria-label': 'Traces; arrow keys move, Enter opens' }, this.spacer);
    this.caption = h('p', { class: 'rl-ds-count rl-dim', role: 'status', 'aria-live': 'polite' });
    this.element = h('section', { class: 'rl-ds-table-wrap', 'aria-label': 'Traces' },
      this.caption,
      h('div', { class: 'rl-ds-table', role: 'grid', 'aria-label': 'Traces in this file' }, h('div', { role: 'rowgroup', class: 'rl-ds-headgroup' }, headerRow), this.viewport));
    this.viewport.addEventListener('scroll', () => {
      this.schedule();
      this.callbacks.scrolled();
    });
    this.viewport.addEventListener('keydown', (e) => this.key(e));
    this.spacer.addEventListener('click', (e) => {
      const rowEl = (e.target as Element).closest<HTMLElement>('.rl-ds-row[data-position]');
      if (!rowEl) return;
      const position = Number(rowEl.dataset.position);
      this.setActive(position, false);
      const row = this.rows[position];
      if (row) this.callbacks.open(row);
    });
    if (typeof ResizeObserver === 'function') new ResizeObserver(() => this.schedule()).observe(this.viewport);
  }

  /** Shows these rows (already filtered and sorted); `total` is the unfiltered count. */
  /** `partial`: more rows are coming; says what `total` is so far ("read so far"). */
  setRows(rows: DatasetRow[], total: number, sort: SortSpec, partial?: string): void {
    this.rows = rows;
    this.active = Math.min(this.active, Math.max(0, rows.length - 1));
    const so = partial ? ` ${partial}` : '';
    this.caption.textContent = rows.length === total ? `${total} traces${so}` : `${rows.length} of ${total} traces${so} match the filters`;
    this.caption.dataset.partial = partial ? 'true' : 'false';
    this.viewport.closest('.rl-ds-table')?.setAttribute('aria-rowcount', String(rows.length + 1));
    this.spacer.style.height = `${rows.length * ROW_HEIGHT}px`;
    for (const [key, cell] of this.headers) {
      const on = key === sort.key;
      cell.setAttribute('aria-sort', on ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
      cell.classList.toggle('rl-ds-sorted', on);
      cell.classList.toggle('rl-ds-desc', on && sort.dir === 'desc');
    }
    this.rendered = { first: -1, last: -1 };
    this.renderWindow();
  }

  get scrollTop(): number {
    return this.viewport.scrollTop;
  }

  set scrollTop(value: number) {
    this.viewport.scrollTop = value;
    this.renderWindow();
  }

  private schedule(): void {
    this.windowNextFrame.schedule();
  }

  /** Builds the rows between the viewport's edges (plus a margin); nothing else is in the DOM. */
  private renderWindow(): void {
    const height = this.viewport.clientHeight || 400;
    const top = this.viewport.scrollTop;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    if (first === this.rendered.first && last === this.rendered.last) return;
    this.rendered = { first, last };
    const fragment = document.createDocumentFragment();
    for (let i = first; i < last; i++) fragment.append(this.renderRow(this.rows[i], i));
    this.spacer.replaceChildren(fragment);
  }

  private renderRow(row: DatasetRow, position: number): HTMLElement {
    const el = h('div', {
      class: `rl-ds-row${position === this.active ? ' rl-ds-active' : ''}${row.correct === true ? ' rl-ds-row-correct' : row.correct === false ? ' rl-ds-row-incorrect' : ''}`,
      role: 'row',
      'aria-rowindex': position + 2,
      'aria-selected': position === this.active ? 'true' : 'false',
      'data-position': position,
      'data-index': row.index,
    });
    el.style.transform = `translateY(${position * ROW_HEIGHT}px)`;
    for (const col of COLUMNS) {
      const content = col.cell(row);
      const cell = h('div', { class: `rl-ds-cell ${col.className}${col.numeric ? ' rl-ds-num' : ''}`, role: 'gridcell' }, content);
      if (col.key === 'problem' || col.key === 'id' || col.key === 'model') cell.title = typeof content === 'string' ? content : '';
      el.append(cell);
    }
    return el;
  }

  private setActive(position: number, reveal: boolean): void {
    if (this.rows.length === 0) return;
    this.active = Math.max(0, Math.min(this.rows.length - 1, position));
    if (reveal) {
      const top = this.active * ROW_HEIGHT;
      const view = this.viewport.clientHeight;
      if (top < this.viewport.scrollTop) this.viewport.scrollTop = top;
      else if (top + ROW_HEIGHT > this.viewport.scrollTop + view) this.viewport.scrollTop = top + ROW_HEIGHT - view;
    }
    for (const el of this.spacer.querySelectorAll<HTMLElement>('.rl-ds-row')) {
      const on = Number(el.dataset.position) === this.active;
      el.classList.toggle('rl-ds-active', on);
      el.setAttribute('aria-selected', on ? 'true' : 'false');
    }
    this.rendered = { first: -1, last: -1 };
    this.renderWindow();
  }

  get activeRow(): DatasetRow | undefined {
    return this.rows[this.active];
  }

  private key(e: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.viewport.clientHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, j: 1, k: -1 };
    if (e.key in moves) this.setActive(this.active + moves[e.key], true);
    else if (e.key === 'Home') this.setActive(0, true);
    else if (e.key === 'End') this.setActive(this.rows.length - 1, true);
    else if (e.key === 'Enter' || e.key === ' ') {
      const row = this.activeRow;
      if (row) this.callbacks.open(row);
    } else return;
    e.preventDefault();
  }
}
