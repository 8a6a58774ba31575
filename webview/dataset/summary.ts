/**
 * The report's numbers: a summary list for the whole file and, when several models ran, a
 * comparison table with one row per model. Text only (model names are data).
 */
import type { DatasetReport, GroupSummary, Stat } from '../../src/core/report';
import { formatTokens } from '../common/format';
import { h } from '../common/dom';

export const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : `${(100 * x).toFixed(1)}%`);
const fixed = (x: number | null, digits = 2): string => (x === null ? '–' : x.toFixed(digits));
const tokens = (x: number | null): string => (x === null ? '–' : formatTokens(Math.round(x)));

function meanMedian(s: Stat, format: (x: number | null) => string): string {
  return s.n === 0 ? '–' : `${format(s.mean)} mean, ${format(s.median)} median`;
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Mean normalised oracle cumulative regret of a group's gold-basis probes (the model table's column), else '–'. */
function oracleCumulative(g: GroupSummary): string {
  const c = g.probes.find((p) => p.basis === 'gold')?.cumulativeRegret.find((r) => r.comparator === 'oracle');
  return c ? `${fixed(c.meanNormalized, 3)} (k=${c.k})` : '–';
}

/** The summary lines for one group, as [term, value] pairs (also used by tests). */
export function summaryLines(g: GroupSummary): [string, string][] {
  const lines: [string, string][] = [
    ['Traces', `${g.traces}${g.errors ? `, ${g.errors} with errors` : ''}${g.truncated ? `, ${g.truncated} cut off` : ''}${g.noReasoning ? `, ${g.noReasoning} without reasoning (the record had none)` : ''}`],
    ['Accuracy', g.accuracy === null ? 'no gold answers' : `${pct(g.accuracy)} (${g.correct} of ${g.graded} graded)`],
    ['Thinking tokens', meanMedian(g.thinkingTokens, tokens)],
    ['Episodes', meanMedian(g.episodes, (x) => fixed(x, 1))],
  ];
  // Probe-derived numbers per basis, each row naming its definition (computed by the host: src/core/report.ts).
  if (g.probes.length === 0) lines.push(['Progress probes', 'none (annotate with samples > 0 to estimate μ)']);
  for (const p of g.probes) for (const [term, value] of p.rows) lines.push([`${capitalise(p.basis)} basis: ${term}`, value]);
  lines.push(
    ['Correct intermediate answer', g.anyCorrectEpisode === null ? '–' : `${pct(g.anyCorrectEpisode)} of graded traces`],
    ['Intermediate-answer accuracy', g.intermediateAccuracy === null ? '–' : `${pct(g.intermediateAccuracy)} of graded episode answers`],
    ['Self-checks', `${g.selfChecks.text.counts}; ${g.selfChecks.text.effects}`],
    [
      'First correct episode',
      g.firstCorrectEpisode.n === 0 ? 'none' : `index ${fixed(g.firstCorrectEpisode.mean, 1)} mean; at ${pct(g.firstCorrectRelative.mean)} of the episodes (n=${g.firstCorrectEpisode.n})`,
    ],
    [
      'Tokens after first correct',
      g.tokensAfterFirstCorrect.n === 0 ? '–' : `${meanMedian(g.tokensAfterFirstCorrect, tokens)}; ${pct(g.overthinkingShare.mean)} of thinking on average`,
    ],
  );
  const stops = Object.entries(g.stops).filter(([k]) => k !== 'done');
  if (stops.length) lines.push(['Stops', stops.map(([k, n]) => `${k} ${n}`).join(', ')]);
  return lines;
}

export class SummarySection {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly models: HTMLElement;

  constructor() {
    this.list = h('dl', { class: 'rl-summary-list rl-ds-summary' });
    this.models = h('div', { class: 'rl-ds-models', hidden: true });
    this.element = h('section', { class: 'rl-ds-summary-wrap', 'aria-label': 'Summary' }, this.list, this.models);
  }

  update(report: DatasetReport): void {
    this.list.replaceChildren(...summaryLines(report.overall).flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
    const models = Object.entries(report.models);
    this.models.hidden = models.length < 2;
    if (models.length < 2) return;
    const head = ['Model', 'Traces', 'Accuracy', 'Thinking tokens (mean)', 'Episodes (mean)', 'Cumulative regret (oracle, gold basis, normalised)', 'First correct at', 'Tokens after first correct', 'Share after first correct'];
    const row = (name: string, g: GroupSummary) => [
      name,
      String(g.traces),
      g.accuracy === null ? '–' : `${pct(g.accuracy)} (${g.correct}/${g.graded})`,
      tokens(g.thinkingTokens.mean),
      fixed(g.episodes.mean, 1),
      oracleCumulative(g),
      pct(g.firstCorrectRelative.mean),
      tokens(g.tokensAfterFirstCorrect.mean),
      pct(g.overthinkingShare.mean),
    ];
    this.models.replaceChildren(
      h('h2', { class: 'rl-section-title' }, 'Models compared'),
      h('table', { class: 'rl-ds-model-table' },
        h('thead', {}, h('tr', {}, ...head.map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...models.map(([name, g]) => h('tr', {}, ...row(name, g).map((cell, i) => (i === 0 ? h('th', { scope: 'row' }, cell) : h('td', {}, cell))))))),
    );
  }
}
