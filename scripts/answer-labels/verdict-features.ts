/**
 * The verdict features on every real trace of ../shared/data, as the tool computes them
 * (annotateTrace, default segmentation, gold from the source): how many final-correct traces
 * get a first correct episode, the tokens after it, intermediate-answer accuracy and the
 * self-check results of the dataset report, and the chart's answer dots (episodes with a
 * verdict). docs/solve.md ("Verdict features on the real traces") quotes its output.
 *
 *   node --import tsx scripts/answer-labels/verdict-features.ts
 */
import { resolve } from 'node:path';
import { annotateTrace } from '../../src/core/annotate';
import { summarize } from '../../src/core/report';
import type { Trace } from '../../src/core/trace';
import { loadRealTraces, REAL_SOURCES } from './real-episodes';

const pct = (n: number, of: number) => (of === 0 ? '–' : `${((100 * n) / of).toFixed(1)}%`);
const num = (x: number | null, digits = 0) => (x === null ? '–' : x.toFixed(digits));

function main(): void {
  const real = loadRealTraces(resolve(__dirname, '../../../shared/data'));
  const rows: string[] = [
    '| source | traces | final correct | of those, with a correct episode | first correct episode (median index) | tokens after first correct (median) | share of thinking after it (mean) | intermediate-answer accuracy | answer dots (episodes with a verdict) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const all: Trace[] = [];
  for (const source of [...REAL_SOURCES, 'all'] as const) {
    const traces =
      source === 'all'
        ? all
        : real.filter((t) => t.source === source).map((t) => annotateTrace({ problem: t.problem, gold: t.gold, model: t.model, source: { kind: `real:${source}` }, raw: t.raw }));
    if (source !== 'all') all.push(...traces);
    const g = summarize(traces);
    const finalCorrect = traces.filter((t) => t.final.correct === true);
    const withCorrect = finalCorrect.filter((t) => t.metrics.firstCorrectEpisode !== null);
    const dots = traces.reduce((n, t) => n + t.episodes.filter((e) => e.verdict !== 'none').length, 0);
    rows.push(
      `| ${source} | ${traces.length} | ${finalCorrect.length} | ${withCorrect.length} (${pct(withCorrect.length, finalCorrect.length)}) | ${num(g.firstCorrectEpisode.median)} | ${num(g.tokensAfterFirstCorrect.median)} | ${g.overthinkingShare.mean === null ? '–' : pct(g.overthinkingShare.mean, 1)} | ${g.intermediateAccuracy === null ? '–' : pct(g.intermediateAccuracy, 1)} | ${dots} |`,
    );
    if (source === 'all') {
      console.log(rows.join('\n'));
      console.log(`\nSelf-checks (all real traces): ${g.selfChecks.text.counts}; ${g.selfChecks.text.effects}.`);
    }
  }
}

if (require.main === module) main();
