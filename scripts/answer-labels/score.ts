/**
 * Scores an intermediate-answer extractor on the labelled sets, per source and per set (tuning,
 * fresh held-back). Precision = correct / extracted, recall = correct / labelled, where an
 * extraction is correct when it is equivalent to the label (checkEquivalence with the problem,
 * for choice letters).
 *
 *   node --import tsx scripts/answer-labels/score.ts [--misses] [--round5] [--rules]
 * prints the table of the training sets (tuning, fresh 20261202, held-back 20261203 and, since the
 * fifth round, round4 20261204, measured once after the fourth round's scorer: the earlier options
 * --round4 and --held-back now print this default table); --round5 adds the fifth held-back set (20261205:
 * measured once, after the fifth round's scorer); --rules scores the third round's rules alone
 * (findRuleAnswer) instead of the extractor; --misses also lists the wrong and missed items of the
 * training sets only (held-back items are never printed here). Each episode is read as the annotator reads it: with the problem, the gold's type
 * and the names its earlier episodes gave the asked quantity.
 */
import { resolve } from 'node:path';
import { checkEquivalence, findIntermediateAnswer, learnAnswerNames } from '../../src/core/answers';
import { findRuleAnswer } from '../../src/core/answers/extract';
import { LABEL_SETS, TUNING_SETS, loadLabelledSet, type LabelSource, type LabelledEpisode } from './labelled-set';

export interface Score {
  items: number;
  labelled: number;
  extracted: number;
  correct: number;
  precision: number;
  recall: number;
}

export interface Outcome {
  item: LabelledEpisode;
  extracted: string | null;
  correct: boolean;
}

export type Extractor = (item: LabelledEpisode) => string | null;

/** Names of the asked quantity the item's earlier episodes gave, as the annotator carries them. */
export function earlierNames(item: LabelledEpisode): readonly string[] {
  let names: readonly string[] = [];
  for (const text of item.earlier) names = learnAnswerNames(text, item.problem, names);
  return names;
}

/** The extractor as annotation runs it (src/core/annotate.ts): the fitted scorer over all candidates. */
export const ruleExtractor: Extractor = (item) => findIntermediateAnswer(item.text, { problem: item.problem, gold: item.gold, names: earlierNames(item) })?.answer ?? null;

/** The third round's rules alone, read the same way (the scorer's rule feature; the before of the fourth round). */
export const rulesOnlyExtractor: Extractor = (item) => findRuleAnswer(item.text, { problem: item.problem, gold: item.gold, names: earlierNames(item) })?.answer ?? null;

export function judge(items: LabelledEpisode[], extract: Extractor): Outcome[] {
  return items.map((item) => {
    const extracted = extract(item);
    const correct = extracted !== null && item.label !== null && checkEquivalence(item.label, extracted, { problem: item.problem }).equivalent;
    return { item, extracted, correct };
  });
}

export function score(outcomes: Outcome[]): Score {
  const labelled = outcomes.filter((o) => o.item.label !== null).length;
  const extracted = outcomes.filter((o) => o.extracted !== null).length;
  const correct = outcomes.filter((o) => o.correct).length;
  return {
    items: outcomes.length, labelled, extracted, correct,
    // Nothing extracted: precision is vacuous, reported as 1 (no wrong pick was made).
    precision: extracted === 0 ? 1 : correct / extracted,
    recall: labelled === 0 ? 1 : correct / labelled,
  };
}

export const SOURCES: readonly LabelSource[] = ['skythought', 'thought-anchors-cots-math', 'thought-anchors.com', 'gsm8k-prose'];

/** Scores keyed "source set" plus "all set" rows. */
export function scoreTable(outcomes: Outcome[]): Map<string, Score> {
  const table = new Map<string, Score>();
  for (const set of LABEL_SETS) {
    const inSet = outcomes.filter((o) => o.item.set === set);
    if (inSet.length === 0) continue;
    for (const source of SOURCES) table.set(`${source} ${set}`, score(inSet.filter((o) => o.item.source === source)));
    table.set(`all ${set}`, score(inSet));
  }
  return table;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

export function formatTable(table: Map<string, Score>): string {
  const rows = ['| source | set | items | labelled | extracted | correct | precision | recall |', '|---|---|---:|---:|---:|---:|---:|---:|'];
  for (const [key, s] of table) {
    const [source, set] = key.split(' ');
    rows.push(`| ${source} | ${set} | ${s.items} | ${s.labelled} | ${s.extracted} | ${s.correct} | ${pct(s.precision)} | ${pct(s.recall)} |`);
  }
  return rows.join('\n');
}

function main(): void {
  const sets = process.argv.includes('--round5') ? LABEL_SETS : TUNING_SETS;
  const set = loadLabelledSet(resolve(__dirname, '../../../shared/data'), sets);
  const outcomes = judge(set, process.argv.includes('--rules') ? rulesOnlyExtractor : ruleExtractor);
  console.log(formatTable(scoreTable(outcomes)));
  if (process.argv.includes('--misses')) {
    for (const o of outcomes.filter((x) => TUNING_SETS.includes(x.item.set) && !x.correct && (x.extracted !== null || x.item.label !== null))) {
      console.log(`\n--- ${o.item.key} label=${JSON.stringify(o.item.label)} extracted=${JSON.stringify(o.extracted)} gold=${o.item.gold}`);
      console.log(o.item.text.slice(-1200));
    }
  }
}

if (require.main === module) main();
