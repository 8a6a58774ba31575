/**
 * The summary table: one row per number (its definition under its name), one column per
 * trace; rows where the traces differ are marked (≠, and "differs" for screen readers).
 */
import type { Comparison, SummaryCell, SummaryRow } from '../../src/core/compare';
import { h, srOnly } from '../common/dom';
import { answerNode } from '../trace/render/answer-math';
import { traceColour } from './chart';

export function summaryTable(comparison: Comparison): HTMLTableElement {
  const head = h('tr', {}, h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Quantity')), ...comparison.traces.map((t, i) => {
    const swatch = h('span', { class: 'rl-cmp-swatch', 'aria-hidden': 'true' });
    swatch.style.background = traceColour(i);
    return h('th', { scope: 'col', title: t.label }, swatch, t.label);
  }));
  const rows = comparison.summary.map((row) =>
    h('tr', { class: row.differs ? 'rl-cmp-differs' : '', 'data-key': row.key },
      h('th', { scope: 'row' },
        h('span', { class: 'rl-cmp-row-name' }, row.differs ? h('span', { class: 'rl-cmp-ne', 'aria-hidden': 'true' }, '≠ ') : '', row.label, row.differs ? srOnly(' (differs)') : ''),
        h('span', { class: 'rl-cmp-def' }, row.definition)),
      ...row.cells.map((c) => h('td', { class: typeof c.value === 'number' ? 'rl-cmp-num' : '' }, cellContent(row.key, c)))));
  return h('table', { class: 'rl-cmp-table' }, h('thead', {}, head), h('tbody', {}, ...rows));
}

/** Final answers are typeset as math (`-10,\!000`), as in the trace view; everything else is text. */
function cellContent(key: SummaryRow['key'], cell: SummaryCell): Node | string {
  return key === 'finalAnswer' && cell.value !== null && cell.text !== '–' ? answerNode(cell.text) : cell.text;
}
