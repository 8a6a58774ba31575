import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  DEFAULT_REGRET_BUDGETS,
  MRT_ROLLOUT_DIVISOR,
  choosePromptTokens,
  cumulativeRegrets,
  majorityAtK,
  majorityCumulativeRegret,
  majorityProfile,
  meanNormalizedCumulativeRegret,
  meanTokenRegret,
  mrtCutoffArea,
  mrtTokenRegret,
  oracleCumulativeRegret,
  trapz,
  type ProbeVote,
} from '../../src/core/regret';
import { normalizedRegret } from '../../src/core/metrics';
import { seededRandom } from '../support/prng';

const close = (actual: number, expected: number, what: string, eps = 1e-9): void =>
  assert.ok(Math.abs(actual - expected) < eps, `${what}: expected ${expected}, got ${actual}`);

/*
 * Hand-worked curve, regret.ipynb cells 10 and 14 (CMU-AIRe/MRT @ 1815a8c).
 * x_j = prompt tokens + (rollout tokens summed over the 8 probes) / 16:
 *   prefix 0:    100 + 3200 / 16 =  300, mu 0
 *   prefix 1:   1100 + 1600 / 16 = 1200, mu 0.5
 *   full:       3100 +  800 / 16 = 3150, mu 1
 * With (0, 0) prepended the curve is (0,0) (300,0) (1200,0.5) (3150,1).
 */
const CURVE = [
  { promptTokens: 100, rolloutTokens: 3200, mu: 0 },
  { promptTokens: 1100, rolloutTokens: 1600, mu: 0.5 },
  { promptTokens: 3100, rolloutTokens: 800, mu: 1 },
];

test('the divisor and default budgets are the notebook\'s', () => {
  assert.equal(MRT_ROLLOUT_DIVISOR, 16); // cell 10: base_flops + flops / 16
  assert.deepEqual(DEFAULT_REGRET_BUDGETS, [4096, 8192, 12288, 16384]); // cell 14
  assert.deepEqual(mrtTokenRegret(CURVE).x, [300, 1200, 3150]);
});

test('trapz is numpy.trapz in the given order (a step backwards subtracts)', () => {
  close(trapz([0, 1, 1], [0, 2, 4]), 1 + 2, 'rising');
  close(trapz([0, 1], [2, 0]), -1, 'backwards');
});

test('flat extension past the last point, several budgets (every x < C0)', () => {
  // Area up to 3150: 300*(0+0)/2 + 900*(0+0.5)/2 + 1950*(0.5+1)/2 = 0 + 225 + 1462.5 = 1687.5;
  // then mu = 1 flat to C0: + (C0 - 3150).
  //   4096:  (1687.5 +   946) /  4096 = 2633.5 /  4096 -> regret 1 - 0.642944 = 0.357056
  //   8192:  (1687.5 +  5042) /  8192 = 6729.5 /  8192 -> regret 0.178528
  //  12288:  (1687.5 +  9138) / 12288 = 10825.5 / 12288 -> regret 0.119019
  //  16384:  (1687.5 + 13234) / 16384 = 14921.5 / 16384 -> regret 0.089264
  const { regret, monotone } = mrtTokenRegret(CURVE);
  assert.equal(monotone, true);
  assert.deepEqual(
    regret.map((r) => [r.budget, r.comparator]),
    [
      [4096, 'oracle'],
      [8192, 'oracle'],
      [12288, 'oracle'],
      [16384, 'oracle'],
    ],
  );
  close(regret[0].normalized, 1 - 2633.5 / 4096, 'C0 4096');
  close(regret[1].normalized, 1 - 6729.5 / 8192, 'C0 8192');
  close(regret[2].normalized, 1 - 10825.5 / 12288, 'C0 12288');
  close(regret[3].normalized, 1 - 14921.5 / 16384, 'C0 16384');
  close(regret[0].normalized, 0.357056, 'C0 4096 rounded', 1e-6);
  close(regret[3].normalized, 0.089264, 'C0 16384 rounded', 1e-6);
});

test('linear interpolation at the cut', () => {
  // C0 = 2000: x < 2000 are 0, 300, 1200 -> i = 2; y_c = 0.5 + (2000-1200)/(3150-1200) * (1-0.5)
  //   = 0.5 + 800/1950 * 0.5 = 55/78 = 0.705128...
  // area = 0 + 225 + 800 * (0.5 + 55/78) / 2 = 225 + 37600/78 = 707.0513; / 2000 = 0.353526
  const [at2000] = mrtTokenRegret(CURVE, [2000]).regret;
  close(at2000.normalized, 1 - (225 + 37600 / 78) / 2000, 'C0 2000');
  close(at2000.normalized, 0.646474, 'C0 2000 rounded', 1e-6);
  // C0 = 1000: x < 1000 are 0, 300 -> i = 1; y_c = 0 + 700/900 * 0.5 = 0.388889
  // area = 0 + 700 * (0 + 0.388889) / 2 = 136.1111; / 1000
  close(mrtTokenRegret(CURVE, [1000]).regret[0].normalized, 1 - (700 * (350 / 900)) / 2 / 1000, 'C0 1000');
  // C0 exactly at a point (1200): the filter is strict (x < cutoff), so i = 1 and y_c = 0.5
  // exactly; area = 900 * 0.5 / 2 = 225; / 1200 = 0.1875
  close(mrtTokenRegret(CURVE, [1200]).regret[0].normalized, 1 - 0.1875, 'C0 at a point');
  // Before the first point: (0,0) to (300,0) interpolated at 200 is 0: regret 1.
  close(mrtTokenRegret(CURVE, [200]).regret[0].normalized, 1, 'C0 200');
});

test('a falling x is computed as the notebook\'s statements compute it, and flagged', () => {
  // x = 100 + 24000/16 = 1600, 600 + 4000/16 = 850, 1500 + 8000/16 = 2000; mu 0.25, 0.5, 1.
  const falling = [
    { promptTokens: 100, rolloutTokens: 24000, mu: 0.25 },
    { promptTokens: 600, rolloutTokens: 4000, mu: 0.5 },
    { promptTokens: 1500, rolloutTokens: 8000, mu: 1 },
  ];
  const result = mrtTokenRegret(falling, [4096, 1000]);
  assert.equal(result.monotone, false);
  // 4096, all below: trapz over x = 0,1600,850,2000,4096, y = 0,.25,.5,1,1:
  //   1600*.125 + (-750)*.375 + 1150*.75 + 2096*1 = 200 - 281.25 + 862.5 + 2096 = 2877.25
  close(result.regret[0].normalized, 1 - 2877.25 / 4096, 'falling, flat');
  // 1000: x[x < 1000] = [0, 850] -> i = 1, so x[i] = 1600 and x[i+1] = 850 (unfiltered positions):
  //   y_c = 0.25 + (1000-1600)/(850-1600) * (0.5-0.25) = 0.25 + 0.8 * 0.25 = 0.45
  //   trapz([0, .25, .45], [0, 850, 1000]) = 850*.125 + 150*.35 = 106.25 + 52.5 = 158.75
  close(result.regret[1].normalized, 1 - 158.75 / 1000, 'falling, cut');
});

test('mrtCutoffArea rejects what the notebook never sees', () => {
  assert.throws(() => mrtCutoffArea([1], [0.5], 0), /budget must be a positive/);
  assert.throws(() => mrtCutoffArea([1, 2], [0.5], 10), /as many mu/);
  assert.throws(() => mrtCutoffArea([Number.NaN], [0.5], 10), /x\[0\]/);
  assert.deepEqual(mrtTokenRegret([]).regret, []);
});

test('dataset regret: mean over each problem\'s traces, then over problems (cell 14)', () => {
  const r = (normalized: number) => [{ budget: 4096, normalized, comparator: 'oracle' as const }];
  const mean = meanTokenRegret([
    { problem: 'A', regret: r(0.2) },
    { problem: 'A', regret: r(0.4) },
    { problem: 'B', regret: r(0.9) },
  ]);
  // A: 0.3, B: 0.9 -> 0.6 (a pooled mean over the three traces would be 0.5)
  assert.equal(mean.length, 1);
  close(mean[0].normalized, 0.6, 'per problem first');
});

test('prompt tokens: the server\'s counts unless a cache shows (shrinking or far below the estimate) or one is missing', () => {
  // Later samples of one prompt reuse its cache (5, 1): the largest count per prefix is taken.
  const ok = choosePromptTokens([
    { server: [120, 5, 5], estimate: 110 },
    { server: [620, 1], estimate: 600 },
    { server: [2100], estimate: 2000 },
  ]);
  assert.deepEqual(ok, { counter: 'server', promptTokens: [120, 620, 2100], reason: null });
  // The full thinking's prompt may be shorter than the last partial one (no stop text): both agree.
  assert.equal(choosePromptTokens([{ server: [600], estimate: 600 }, { server: [590], estimate: 585 }]).counter, 'server');
  const shrank = choosePromptTokens([
    { server: [400], estimate: 300 },
    { server: [350], estimate: 500 },
  ]);
  assert.equal(shrank.counter, 'estimate');
  assert.deepEqual(shrank.promptTokens, [300, 500]);
  assert.match(shrank.reason ?? '', /prefix 1: server count 350 shrank from 400 while the prompt grew/);
  const partial = choosePromptTokens([
    { server: [120], estimate: 110 },
    { server: [80], estimate: 600 },
  ]);
  assert.equal(partial.counter, 'estimate');
  assert.match(partial.reason ?? '', /prefix 1: server counted 80 .* under half our estimate 600/);
  const missing = choosePromptTokens([{ server: [120], estimate: 110 }, { server: [null, undefined], estimate: 600 }]);
  assert.deepEqual(missing, { counter: 'estimate', promptTokens: [110, 600], reason: 'the server gave no prompt token count for prefix 1' });
});

test('oracle cumulative regret (Definition 4.1, J* = 1) over a common k, flat past the trace', () => {
  const mus = [0, 0.25, 0.5, 1]; // prefix 0, 1, 2, full
  // k = 2: (1-0) + (1-0.25) = 1.75
  assert.deepEqual(oracleCumulativeRegret(mus, 2), { comparator: 'oracle', k: 2, value: 1.75, normalized: 0.875, episodesUsed: 2 });
  // k = 6: 1 + 0.75 + 0.5 + 0 + 0 + 0 (mu stays 1 after the full thinking) = 2.25
  const six = oracleCumulativeRegret(mus, 6);
  assert.equal(six.value, 2.25);
  assert.equal(six.normalized, 2.25 / 6);
  assert.throws(() => oracleCumulativeRegret(mus, 0), /positive integer/);
  assert.throws(() => oracleCumulativeRegret([], 1), /prefix 0/);
});

// 8 probe answers: 3 correct ("5"), 3 "6", 1 "7", 1 without an answer.
const MIXED: ProbeVote[] = [
  ...Array.from({ length: 3 }, () => ({ answer: '5', correct: true })),
  ...Array.from({ length: 3 }, () => ({ answer: '6', correct: false })),
  { answer: '7', correct: false },
  { answer: null, correct: false },
];
const ALL_RIGHT: ProbeVote[] = Array.from({ length: 8 }, () => ({ answer: '5', correct: true }));

test('maj@k: the exact expectation over all size-k draws, scored as compute_maj_at_k scores one draw', () => {
  // maj@2 over the 28 pairs (C = correct, S = "6", V = "7", N = none):
  //   CC 3 x 1, CS 9 x 0.5 (tie), CV 3 x 0.5, CN 3 x 1 (none never competes), SS/SV/SN/VN 10 x 0
  //   = (3 + 4.5 + 1.5 + 3) / 28 = 12/28
  close(majorityAtK(MIXED, 2), 12 / 28, 'maj@2');
  // maj@4 over the 70 quadruples, by (c, s, v, n):
  //   c=0: 5 draws, 0; c=1: 30 draws, only (1,1,1,1) ties: 9 x 0.5 = 4.5;
  //   c=2: (2,2,0,0) 9 ties = 4.5, (2,1,1,0) 9, (2,1,0,1) 9, (2,0,1,1) 3 -> 25.5; c=3: 5 draws, 5
  //   = 35 / 70 = 0.5
  close(majorityAtK(MIXED, 4), 0.5, 'maj@4');
  close(majorityAtK(MIXED, 8), 0.5, 'maj@8: 3 correct vs 3 "6" is a tie');
  close(majorityAtK(MIXED, 1), 3 / 8, 'maj@1 = correct / total');
  assert.deepEqual(majorityProfile(MIXED), [3 / 8, 12 / 28, 0.5, 0.5]);
  // Only no-answers against nothing: 0 (the notebook's -inf == -inf case).
  assert.equal(majorityAtK([{ answer: null, correct: false }], 1), 0);
  assert.throws(() => majorityProfile(MIXED.slice(0, 7)), /at least 8/);
  assert.throws(() => majorityAtK(MIXED, 9), /1 <= k <= 8/);
});

test('maj@k weights: MRT weighs each vote by 2 ** mean token logprob', () => {
  const pair: ProbeVote[] = [
    { answer: '5', correct: true, weight: 2 ** -0.5 },
    { answer: '6', correct: false, weight: 2 ** -0.1 },
  ];
  assert.equal(majorityAtK(pair, 2), 0, 'the more confident wrong answer wins');
  assert.equal(majorityAtK(pair.map((v) => ({ answer: v.answer, correct: v.correct })), 2), 0.5, 'unweighted: a tie');
  assert.throws(() => majorityAtK([{ answer: '5', correct: true, weight: 0 }], 1), /weight/);
});

test('majority cumulative regret: get_all_areas of regret_additional.ipynb cell 10, by hand', () => {
  // Prefix 0 = MIXED: maj = [3/8, 3/7, 1/2, 1/2]. Prefix 1 = MIXED again: no sequential progress.
  //   green = [3/8, 3/7, 1/2, 1/2] at x = 1, 2, 4, 6; blue = 3/8 flat; optimal = green.
  //   trapz(green) = (3/8+3/7)/2 + (3/7+1/2) + 1 = 45/112 + 104/112 + 112/112 = 261/112
  //   trapz(blue) = 5 * 3/8 = 210/112; red = 51/112
  const stalled = majorityCumulativeRegret([MIXED, MIXED], 1);
  close(stalled.value, 51 / 112 / 5, 'value = red / 5');
  close(stalled.normalized ?? NaN, 51 / 261, 'normalized = red / total');
  assert.equal(stalled.comparator, 'majority');
  // Prefix 1 all right: blue = 3/8 -> 1 at x = 6: [3/8, 1/2, 3/4, 1], above green everywhere:
  //   red = 0, total = (3/8+1/2)/2 + (1/2+3/4) + (3/4+1) = 49/112 + 140/112 + 196/112 = 385/112
  assert.deepEqual(majorityCumulativeRegret([MIXED, ALL_RIGHT], 1), { comparator: 'majority', k: 1, value: 0, normalized: 0, episodesUsed: 1 });
  // Both episodes at k = 2: red 51/112 + 0, total 261/112 + 385/112 -> 51/646.
  const two = majorityCumulativeRegret([MIXED, MIXED, ALL_RIGHT], 2);
  close(two.normalized ?? NaN, 51 / 646, 'k = 2');
  // k past the trace: range(min(len - 1, budget)) stops at the trace's 2 episodes.
  assert.deepEqual(majorityCumulativeRegret([MIXED, MIXED, ALL_RIGHT], 5), { ...two, k: 5 });
  assert.equal(two.episodesUsed, 2);
  // All zero (nothing ever right): total = 0, the notebook skips the trace: null.
  const wrong: ProbeVote[] = Array.from({ length: 8 }, () => ({ answer: '6', correct: false }));
  assert.equal(majorityCumulativeRegret([wrong, wrong], 1).normalized, null);
});

test('dataset cumulative regret: mean of per-trace ratios, skipped traces counted, comparators never mixed', () => {
  const a = majorityCumulativeRegret([MIXED, MIXED], 1);
  const b = majorityCumulativeRegret([MIXED, ALL_RIGHT], 1);
  const none = majorityCumulativeRegret([[...Array(8)].map(() => ({ answer: null, correct: false }))].concat([[...Array(8)].map(() => ({ answer: null, correct: false }))]), 1);
  const mean = meanNormalizedCumulativeRegret([a, b, none]);
  assert.ok(mean);
  close(mean.normalized ?? NaN, (51 / 261 + 0) / 2, 'mean of two ratios');
  assert.equal(mean.traces, 2);
  assert.equal(mean.skipped, 1);
  assert.throws(() => meanNormalizedCumulativeRegret([a, oracleCumulativeRegret([0.5], 1)]), /different comparators/);
});

test('cumulativeRegrets: one entry per comparator, oracle first; majority left out with a reason when answers are short', () => {
  const both = cumulativeRegrets(
    [
      { mu: 3 / 8, votes: MIXED },
      { mu: 3 / 8, votes: MIXED },
    ],
    1,
  );
  assert.deepEqual(
    both.entries.map((e) => e.comparator),
    ['oracle', 'majority'],
  );
  assert.equal(both.entries[0].value, 1 - 3 / 8);
  close(both.entries[1].normalized ?? NaN, 51 / 261, 'majority as above');
  assert.deepEqual(both.missing, {});
  const short = cumulativeRegrets(
    [
      { mu: 0.5, votes: MIXED.slice(0, 4) },
      { mu: 1, votes: ALL_RIGHT },
    ],
    2,
  );
  assert.deepEqual(
    short.entries.map((e) => e.comparator),
    ['oracle'],
  );
  assert.equal(short.missing.majority, 'prefix 0 has 4 probe answers; maj@8 needs 8');
});

test('on a rising x the notebook area equals the earlier independent implementation (metrics.ts normalizedRegret)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ step: fc.integer({ min: 1, max: 4000 }), mu: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 1, maxLength: 12 }),
      fc.integer({ min: 1, max: 40000 }),
      (steps, budget) => {
        let x = 0;
        const points = steps.map((s) => ({ tokens: (x += s.step), mu: s.mu }));
        const ours = 1 - mrtCutoffArea(points.map((p) => p.tokens), points.map((p) => p.mu), budget);
        const theirs = normalizedRegret(points, budget);
        return Math.abs(ours - theirs) < 1e-9;
      },
    ),
    { seed: 20261201, numRuns: 500 },
  );
});

test('exact maj@k is what compute_maj_at_k\'s 100,000 random draws estimate', () => {
  // The notebook's loop, seeded: random.sample(answers, k) 100,000 times, scored per draw.
  const rng = seededRandom(20261201, 'maj');
  const draws = 100000;
  let reward = 0;
  for (let d = 0; d < draws; d++) {
    const pool = [...MIXED];
    for (let i = 0; i < 4; i++) {
      const j = i + Math.floor(rng() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    reward += majorityAtK(pool.slice(0, 4), 4);
  }
  // Standard error of the mean of a {0, 0.5, 1} reward over 1e5 draws is below 0.0016.
  close(reward / draws, majorityAtK(MIXED, 4), 'Monte Carlo vs exact', 0.006);
});
