/**
 * Fits the intermediate-answer scorer (issue 11, fourth and fifth rounds; docs/answers.md "Fourth
 * round", "Fifth round"): a conditional logit over the candidates of every labelled episode of the
 * training sets (TUNING_SETS: tuning, 20261202, 20261203 and, since the fifth round, 20261204; never
 * a held-back set), a candidate being positive when it is equivalent to the episode's label.
 * Reports cross-validation per source (5 folds grouped by trace or GSM8K problem, and
 * leave-one-set-out), picks the threshold on the out-of-fold picks, and writes the weights as a
 * data module (src/core/answers/answer-weights.ts, pure core).
 *
 *   node --import tsx scripts/answer-labels/fit-scorer.ts [--write] [--no-rule] [--logistic] [--l2=0.001] [--rule-threshold]
 * (--no-rule fits without the rule reader's features, to compare; --rule-threshold gives the rule's
 * pick its own threshold, chosen on the out-of-fold picks.)
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkEquivalence } from '../../src/core/answers';
import { FEATURE_NAMES, type AnswerCandidate } from '../../src/core/answers/answer-features';
import type { AnswerModel } from '../../src/core/answers/answer-weights';
import { bestProbability, chooseAnswer, scoredCandidates, type IntermediateAnswer } from '../../src/core/answers/extract';
import { TUNING_SETS, loadLabelledSet, type LabelSet, type LabelledEpisode } from './labelled-set';
import { SOURCES, earlierNames, formatTable, score, type Outcome, type Score } from './score';

export interface Row {
  item: LabelledEpisode;
  group: string;
  rule: IntermediateAnswer | null;
  candidates: AnswerCandidate[];
  positive: boolean[];
}

const RULE_FEATURES = ['rule-pick', 'rule-same-value', 'rule-other-value'].map((n) => FEATURE_NAMES.indexOf(n as never));

const equivalentCache = new Map<string, boolean>();
function equivalent(label: string, answer: string, problem: string): boolean {
  const key = `${label}\u0000${answer}\u0000${problem.length}`;
  let v = equivalentCache.get(key);
  if (v === undefined) equivalentCache.set(key, (v = checkEquivalence(label, answer, { problem }).equivalent));
  return v;
}

export function buildRows(items: LabelledEpisode[], dropRule = false): Row[] {
  return items.map((item) => {
    const scored = scoredCandidates(item.text, { problem: item.problem, gold: item.gold, names: earlierNames(item) });
    const candidates = scored?.candidates ?? [];
    if (dropRule) for (const c of candidates) for (const i of RULE_FEATURES) c.features[i] = 0;
    const positive = candidates.map((c) => item.label !== null && equivalent(item.label, c.answer, item.problem));
    const group = item.source === 'gsm8k-prose' ? `gsm8k:${item.problem.slice(0, 60)}` : item.key.split('@')[0];
    return { item, group, rule: scored?.rule ?? null, candidates, positive };
  });
}

/**
 * Full-batch Adam over `d` weights from zero: `gradient(w)` is the data term's gradient (summed,
 * divided here by `n`), plus L2 on the weights `regularised(i)` says. Deterministic.
 */
function minimiseWithAdam(d: number, steps: number, n: number, l2: number, regularised: (i: number) => boolean, gradient: (w: readonly number[]) => number[]): number[] {
  const w = new Array<number>(d).fill(0);
  const m = new Array<number>(d).fill(0);
  const v = new Array<number>(d).fill(0);
  const lr = 0.05;
  for (let t = 1; t <= steps; t++) {
    const g = gradient(w);
    for (let i = 0; i < d; i++) {
      const grad = g[i] / n + (regularised(i) ? l2 * w[i] : 0);
      m[i] = 0.9 * m[i] + 0.1 * grad;
      v[i] = 0.999 * v[i] + 0.001 * grad * grad;
      const mh = m[i] / (1 - 0.9 ** t);
      const vh = v[i] / (1 - 0.999 ** t);
      w[i] -= (lr * mh) / (Math.sqrt(vh) + 1e-8);
    }
  }
  return w;
}

/** L2-regularised logistic regression (the bias not regularised) by full-batch Adam, deterministic. */
export function fitLogistic(rows: Row[], l2 = 0.01, steps = 1500): number[] {
  const xs: number[][] = [];
  const ys: number[] = [];
  for (const r of rows) r.candidates.forEach((c, i) => { xs.push(c.features); ys.push(r.positive[i] ? 1 : 0); });
  const d = FEATURE_NAMES.length;
  return minimiseWithAdam(d, steps, Math.max(1, xs.length), l2, (i) => i !== 0, (w) => {
    const g = new Array<number>(d).fill(0);
    for (let k = 0; k < xs.length; k++) {
      const x = xs[k];
      let z = 0;
      for (let i = 0; i < d; i++) z += x[i] * w[i];
      const err = 1 / (1 + Math.exp(-z)) - ys[k];
      for (let i = 0; i < d; i++) if (x[i] !== 0) g[i] += err * x[i];
    }
    return g;
  });
}

/**
 * Conditional logit over each episode's candidates and "no answer" (score 0): the probability of a
 * candidate is exp(w·f) / (1 + Σ exp(w·f')); fitted to put the mass on the label's candidates, or on
 * "no answer" when the episode states none (or none of its candidates is the label). L2, Adam, deterministic.
 */
export function fitChoice(rows: Row[], l2 = 0.01, steps = 600): number[] {
  const d = FEATURE_NAMES.length;
  return minimiseWithAdam(d, steps, Math.max(1, rows.length), l2, () => true, (w) => {
    const g = new Array<number>(d).fill(0);
    for (const r of rows) {
      if (r.candidates.length === 0) continue;
      const s = r.candidates.map((c) => { let z = 0; for (let i = 0; i < d; i++) z += c.features[i] * w[i]; return z; });
      const top = Math.max(0, ...s);
      const e = s.map((z) => Math.exp(z - top));
      const z0 = Math.exp(-top);
      const Z = z0 + e.reduce((a, b) => a + b, 0);
      const p = e.map((x) => x / Z);
      const posMass = p.reduce((a, x, i) => a + (r.positive[i] ? x : 0), 0);
      const hasPos = posMass > 0;
      r.candidates.forEach((c, i) => {
        const target = hasPos && r.positive[i] ? p[i] / posMass : 0;
        const err = p[i] - target;
        if (err !== 0) for (let k = 0; k < d; k++) if (c.features[k] !== 0) g[k] += err * c.features[k];
      });
    }
    return g;
  });
}

/** Each row's best candidate and its probability under `weights` (threshold 0: always a pick when there are candidates). */
function picks(rows: Row[], weights: number[]): { row: Row; pick: IntermediateAnswer | null; p: number }[] {
  return rows.map((row) => {
    const pick = chooseAnswer(row.candidates, row.rule, { weights, threshold: 0, ruleThreshold: 0, kind: FIT_KIND });
    return { row, pick, p: bestProbability(row.candidates, { weights, threshold: 0, ruleThreshold: 0, kind: FIT_KIND }) };
  });
}

function outcome(row: Row, extracted: string | null): Outcome {
  const correct = extracted !== null && row.item.label !== null && equivalent(row.item.label, extracted, row.item.problem);
  return { item: row.item, extracted, correct };
}

/** The threshold with the most recall at precision ≥ 95% on these picks; without one, the best correct − 3·wrong. */
export function chooseThreshold(scored: { row: Row; pick: IntermediateAnswer | null; p: number }[]): number {
  const withPick = scored.filter((s) => s.pick !== null).map((s) => ({ p: s.p, ok: outcome(s.row, s.pick!.answer).correct })).sort((a, b) => b.p - a.p);
  let correct = 0;
  let wrong = 0;
  let best = { t: 1.01, recallAt95: -1, utility: 0 };
  for (let k = 0; k < withPick.length; k++) {
    if (withPick[k].ok) correct++;
    else wrong++;
    if (k + 1 < withPick.length && withPick[k + 1].p === withPick[k].p) continue;
    const precision = correct / (correct + wrong);
    const t = withPick[k].p;
    if (precision >= 0.95 && correct > best.recallAt95) best = { t, recallAt95: correct, utility: best.utility };
  }
  if (best.recallAt95 >= 0) return best.t;
  correct = 0;
  wrong = 0;
  let bestU = { t: 1.01, u: 0 };
  for (const s of withPick) {
    if (s.ok) correct++;
    else wrong++;
    if (correct - 3 * wrong > bestU.u) bestU = { t: s.p, u: correct - 3 * wrong };
  }
  return bestU.t;
}

function isRulePick(s: { row: Row; pick: IntermediateAnswer | null }): boolean {
  return s.pick !== null && s.row.rule !== null && s.pick === s.row.rule;
}

function applyThreshold(scored: { row: Row; pick: IntermediateAnswer | null; p: number }[], t: number, tRule = t): Outcome[] {
  return scored.map((s) => outcome(s.row, s.pick !== null && s.p >= (isRulePick(s) ? tRule : t) ? s.pick.answer : null));
}

/** The rule pick's own threshold (the rule reader as the high-precision path), given the other picks' threshold: most recall at precision ≥ 95%. */
export function chooseRuleThreshold(scored: { row: Row; pick: IntermediateAnswer | null; p: number }[], t: number): number {
  let best = { tRule: t, correct: -1 };
  for (const tRule of [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, t]) {
    const s = score(applyThreshold(scored, t, tRule));
    if (s.precision >= 0.95 && s.correct > best.correct) best = { tRule, correct: s.correct };
  }
  return best.tRule;
}

function hashGroup(group: string, folds: number): number {
  let h = 2166136261;
  for (let i = 0; i < group.length; i++) h = Math.imul(h ^ group.charCodeAt(i), 16777619) >>> 0;
  return h % folds;
}

function tableBySource(outcomes: Outcome[], label: string): Map<string, Score> {
  const t = new Map<string, Score>();
  for (const source of SOURCES) t.set(`${source} ${label}`, score(outcomes.filter((o) => o.item.source === source)));
  t.set(`all ${label}`, score(outcomes));
  return t;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

const FIT_KIND: 'choice' | 'logistic' = process.argv.includes('--logistic') ? 'logistic' : 'choice';
const L2 = Number(process.argv.find((a) => a.startsWith('--l2='))?.slice(5) ?? 0.001);
const TWO_THRESHOLDS = process.argv.includes('--rule-threshold');
const fit = (rows: Row[]): number[] => (FIT_KIND === 'choice' ? fitChoice(rows, L2) : fitLogistic(rows, L2));

function main(): void {
  const write = process.argv.includes('--write');
  const dropRule = process.argv.includes('--no-rule');
  const items = loadLabelledSet(resolve(__dirname, '../../../shared/data'), TUNING_SETS);
  const t0 = Date.now();
  const rows = buildRows(items, dropRule);
  console.log(`${rows.length} episodes, ${rows.reduce((a, r) => a + r.candidates.length, 0)} candidates, ${rows.reduce((a, r) => a + r.positive.filter(Boolean).length, 0)} positive; labelled ${items.filter((i) => i.label !== null).length}, label among candidates ${rows.filter((r) => r.positive.some(Boolean)).length} (${Date.now() - t0} ms)`);

  // 5 folds grouped by trace / problem: out-of-fold picks for every episode.
  const FOLDS = 5;
  const oof: { row: Row; pick: IntermediateAnswer | null; p: number }[] = [];
  for (let f = 0; f < FOLDS; f++) {
    const train = rows.filter((r) => hashGroup(r.group, FOLDS) !== f);
    const test = rows.filter((r) => hashGroup(r.group, FOLDS) === f);
    oof.push(...picks(test, fit(train)));
  }
  const t = chooseThreshold(oof);
  const tRule = TWO_THRESHOLDS ? chooseRuleThreshold(oof, t) : t;
  const cvOutcomes = applyThreshold(oof, t, tRule);
  console.log(`\nthreshold from the out-of-fold picks: ${t.toFixed(4)} (rule picks: ${tRule.toFixed(4)})`);
  const cv = new Map<string, Score>();
  for (const set of TUNING_SETS) for (const [k, s] of tableBySource(cvOutcomes.filter((o) => o.item.set === set), set)) cv.set(k, s);
  for (const [k, s] of tableBySource(cvOutcomes, 'all-sets')) cv.set(k, s);
  console.log('\n5-fold cross-validation, grouped by trace/problem (out-of-fold picks):');
  console.log(formatTable(cv));

  // Leave one set out: fit on the other sets, threshold from their own out-of-fold picks, score the left-out set.
  console.log('\nleave-one-set-out (fit and threshold on the other sets):');
  const loso = new Map<string, Score>();
  for (const held of TUNING_SETS) {
    const train = rows.filter((r) => r.item.set !== held);
    const test = rows.filter((r) => r.item.set === held);
    const inner: typeof oof = [];
    for (let f = 0; f < FOLDS; f++) inner.push(...picks(train.filter((r) => hashGroup(r.group, FOLDS) === f), fit(train.filter((r) => hashGroup(r.group, FOLDS) !== f))));
    const th = chooseThreshold(inner);
    const thRule = TWO_THRESHOLDS ? chooseRuleThreshold(inner, th) : th;
    for (const [k, s] of tableBySource(applyThreshold(picks(test, fit(train)), th, thRule), `${held as LabelSet}`)) loso.set(k, s);
  }
  console.log(formatTable(loso));

  // Rules alone on the same items, for comparison.
  const ruleOutcomes = rows.map((r) => outcome(r, r.rule?.answer ?? null));
  const rt = new Map<string, Score>();
  for (const set of TUNING_SETS) for (const [k, s] of tableBySource(ruleOutcomes.filter((o) => o.item.set === set), set)) rt.set(k, s);
  console.log('\nrules alone (third round) on the same items:');
  console.log(formatTable(rt));

  const weights = fit(rows);
  console.log('\nweights (all training sets):');
  FEATURE_NAMES.forEach((name, i) => console.log(`  ${name.padEnd(24)} ${weights[i].toFixed(3)}`));
  const all = applyThreshold(picks(rows, weights), t, tRule);
  const s = score(all);
  console.log(`\nin-sample with threshold ${t.toFixed(4)}: precision ${pct(s.precision)}, recall ${pct(s.recall)}`);
  if (write) {
    const model: AnswerModel = { weights: weights.map((w) => Number(w.toFixed(4))), threshold: Number(t.toFixed(4)), ruleThreshold: Number(tRule.toFixed(4)), kind: FIT_KIND };
    const out = join(__dirname, '../../src/core/answers/answer-weights.ts');
    const body = [
      '/**',
      ' * Weights of the intermediate-answer scorer (./answer-features), written by',
      ' * scripts/answer-labels/fit-scorer.ts --write: logistic regression fitted on every candidate of the',
      ` * labelled training sets (${TUNING_SETS.join(', ')}: ${rows.length} episodes); the threshold is the one with`,
      ' * the most recall at 95% precision on 5-fold out-of-fold picks (grouped by trace/problem). Data only.',
      ' */',
      "import type { FeatureName } from './answer-features';",
      "import { FEATURE_NAMES } from './answer-features';",
      '',
      'export interface AnswerModel {',
      '  /** One weight per FEATURE_NAMES entry. */',
      '  weights: readonly number[];',
      '  /** A best candidate below this probability is no answer. */',
      '  threshold: number;',
      "  /** The threshold when the best candidate is the rule reader's pick (the high-precision path). */",
      '  ruleThreshold: number;',
      "  /** 'choice': softmax over the episode's candidates and no answer; 'logistic': each candidate alone. */",
      "  kind: 'choice' | 'logistic';",
      '}',
      '',
      'const FITTED: Record<FeatureName, number> = {',
      ...FEATURE_NAMES.map((name, i) => `  '${name}': ${model.weights[i]},`),
      '};',
      '',
      `export const ANSWER_WEIGHTS: AnswerModel = { weights: FEATURE_NAMES.map((n) => FITTED[n]), threshold: ${model.threshold}, ruleThreshold: ${model.ruleThreshold}, kind: '${model.kind}' };`,
      '',
    ].join('\n');
    writeFileSync(`${out}.tmp`, body);
    renameSync(`${out}.tmp`, out);
    console.log(`wrote ${out}`);
  }
}

if (require.main === module) main();
