import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  answerKl,
  DEFAULT_ADAPTIVE_PLAN,
  estimateImportance,
  importanceValue,
  methodName,
  prefixesToSample,
  estimateAll,
  rankEpisodes,
  settlements,
  supportGap,
  type Rollout,
} from '../../src/core/importance';

const r = (answer: string | null, correct: boolean | null, similar: boolean | null = false): Rollout => ({ answer, correct, similar });

test("TA's answer KL by hand: P = (1/2, 1/2), Q = (3/4, 1/4) gives 0.5 ln(2/3) + 0.5 ln 2 = 0.143841 nats", () => {
  const p = [r('4', true), r('5', false)];
  const q = [r('4', true), r('4', true), r('4', true), r('5', false)];
  assert.ok(Math.abs(answerKl(p, q) - 0.1438410362) < 1e-8);
  assert.equal(answerKl(p, []), 0, 'empty side: 0 (TA returns 0.0)');
  assert.equal(answerKl([r(null, null)], q), 0, 'rollouts without an answer do not count');
});

test('counterfactual KL compares the dissimilar resamples with (with-set + similar resamples); resampling KL uses all', () => {
  const without = [r('5', false, false), r('4', true, false), r('4', true, true), r('4', true, true)];
  const withIt = [r('4', true, null), r('4', true, null)];
  // dissimilar {5, 4} vs {4, 4, 4, 4}: P = (1/2, 1/2), Q = (1 - 1e-9·..., ~0)
  const cf = importanceValue('counterfactual-kl', without, withIt);
  const q5 = 1e-9 / (4 + 2e-9);
  const q4 = (4 + 1e-9) / (4 + 2e-9);
  const p5 = (1 + 1e-9) / (2 + 2e-9);
  const expected = p5 * Math.log(p5 / q5) + (1 - p5) * Math.log((1 - p5) / q4);
  assert.ok(Math.abs(cf - expected) < 1e-9);
  // resampling: {5, 4, 4, 4} vs {4, 4}
  const rs = importanceValue('resampling-kl', without, withIt);
  const P5 = (1 + 1e-9) / (4 + 2e-9);
  const Q5 = 1e-9 / (2 + 2e-9);
  assert.ok(Math.abs(rs - (P5 * Math.log(P5 / Q5) + (1 - P5) * Math.log((1 - P5) / (1 - Q5)))) < 1e-9);
  // accuracies, TA's signs: resampling = with - without; counterfactual = dissimilar - with
  assert.equal(importanceValue('resampling-accuracy', without, withIt), 1 - 0.75);
  assert.equal(importanceValue('counterfactual-accuracy', without, withIt), 0.5 - 1);
  // every resample similar: no dissimilar rollouts, TA returns 0
  assert.equal(importanceValue('counterfactual-kl', without.map((x) => ({ ...x, similar: true })), withIt), 0);
});

test('bootstrap interval contains the value and shrinks with more samples', () => {
  const make = (n: number, pCorrect: number): Rollout[] => Array.from({ length: n }, (_, i) => r(i < n * pCorrect ? '4' : '5', i < n * pCorrect));
  const small = estimateImportance('counterfactual-kl', make(20, 0.3), make(20, 0.8));
  const big = estimateImportance('counterfactual-kl', make(200, 0.3), make(200, 0.8));
  for (const e of [small, big]) assert.ok(e.interval[0] <= e.value && e.value <= e.interval[1]);
  assert.ok(big.interval[1] - big.interval[0] < small.interval[1] - small.interval[0]);
  assert.equal(small.samples, 20);
});

test('adaptive rules: a support gap keeps sampling; clearly small and clearly large settle; the cap ends it', () => {
  const plan = { ...DEFAULT_ADAPTIVE_PLAN, topK: 1 };
  const same = (n: number): Rollout[] => Array.from({ length: n }, (_, i) => r(i % 2 ? '4' : '5', i % 2 === 1));
  const allFour = (n: number): Rollout[] => Array.from({ length: n }, () => r('4', true));
  assert.equal(supportGap('counterfactual-kl', same(20), allFour(20)), true);
  // sets: 0 and 1 alike (episode 0 small), 2 all correct (episode 1 large once no gap... it has one)
  const sets = [same(40), same(40), allFour(40)];
  const est = estimateAll('counterfactual-kl', sets);
  const st = settlements('counterfactual-kl', sets, est, plan);
  assert.equal(st[0], 'small');
  assert.equal(st[1], null, 'answer 5 never seen with episode 1: keep sampling');
  assert.deepEqual(prefixesToSample('counterfactual-kl', sets, est, plan), [1, 2]);
  const capped = [same(100), same(100), allFour(100)];
  assert.deepEqual(settlements('counterfactual-kl', capped, estimateAll('counterfactual-kl', capped), plan), ['cap', 'cap']);
  const mostly = (n: number): Rollout[] => Array.from({ length: n }, (_, i) => r(i % 10 === 0 ? '5' : '4', i % 10 !== 0));
  const sets2 = [same(40), same(40), mostly(40)];
  const est2 = estimateAll('counterfactual-kl', sets2);
  assert.deepEqual(settlements('counterfactual-kl', sets2, est2, plan), ['small', 'ranked']);
  assert.deepEqual(settlements('counterfactual-kl', sets2, est2, { ...plan, large: 0.01 }), ['small', 'large']);
  assert.deepEqual(rankEpisodes(est2), [1, 0]);
});

test("method names: TA's recipe only with sentence chunks, all-minilm and 0.8; anything else is a named variant", () => {
  assert.equal(methodName('counterfactual-kl', 'sentence', 'all-minilm', 0.8), 'ta-counterfactual-kl');
  assert.equal(methodName('counterfactual-kl', 'auto', 'all-minilm', 0.8), 'episode-counterfactual-kl[auto/cos>=0.8@all-minilm]');
  assert.equal(methodName('counterfactual-kl', 'sentence', 'nomic-embed-text', 0.8), 'episode-counterfactual-kl[sentence/cos>=0.8@nomic-embed-text]');
  assert.equal(methodName('resampling-kl', 'mrt', null, 0.8), 'episode-resampling-kl[mrt]');
});
