import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_ADAPTIVE_RULE,
  DEFAULT_INTERVAL_METHOD,
  betaCdf,
  betaQuantile,
  checkSamplingPlan,
  differenceInterval,
  entropyBits,
  estimateDelta,
  estimatePrefix,
  nextProbeCount,
  normalQuantile,
  posteriorInterval,
  proportionInterval,
  samplingDone,
  type IntervalMethod,
  type SamplingPlan,
} from '../../src/core/probe-estimate';
import { seededRandom } from '../support/prng';
import { GOLD, SIMULATED_PROMPT, TRUE_P_GRID, fakeCompletion, simulateCell, simulatePrefix } from '../support/probe-simulation';

const close = (actual: number, expected: number, what: string, eps = 1e-8): void =>
  assert.ok(Math.abs(actual - expected) < eps, `${what}: expected ${expected}, got ${actual}`);

// Reference values from scipy 1.17 (scipy.stats.beta.ppf / beta.cdf / norm.ppf).
test('special functions match scipy', () => {
  close(normalQuantile(0.975), 1.959963984540054, 'z 0.975');
  close(normalQuantile(0.5), 0, 'z 0.5');
  close(normalQuantile(0.001), -3.090232306167813, 'z 0.001', 1e-7);
  close(betaCdf(0.3, 2.5, 4.5), 0.40653901668245934, 'I_0.3(2.5, 4.5)', 1e-12);
  close(betaQuantile(0.3, 2.5, 4.5), 0.2509912069664418, 'beta.ppf(0.3, 2.5, 4.5)', 1e-10);
  assert.equal(betaCdf(0, 2, 3), 0);
  assert.equal(betaCdf(1, 2, 3), 1);
  assert.throws(() => normalQuantile(1), RangeError);
});

test('clopper-pearson (the default), jeffreys and wilson limits match scipy / the textbook', () => {
  assert.equal(DEFAULT_INTERVAL_METHOD, 'clopper-pearson');
  const cp = proportionInterval(3, 10);
  close(cp.low, 0.06673951117773447, 'CP 3/10 low');
  close(cp.high, 0.6524528500599973, 'CP 3/10 high');
  close(proportionInterval(0, 8).high, 0.3694166475528192, 'CP 0/8 high');
  assert.equal(proportionInterval(0, 8).low, 0);
  close(proportionInterval(8, 8).low, 0.6305833524471807, 'CP 8/8 low');
  close(proportionInterval(1, 16).low, 0.0015811117227658871, 'CP 1/16 low');
  close(proportionInterval(3, 10, { level: 0.9 }).high, 0.6066242161054123, 'CP 90% 3/10 high');
  const j = proportionInterval(3, 10, { method: 'jeffreys' });
  close(j.low, 0.09269459393815316, 'Jeffreys 3/10 low');
  close(j.high, 0.6058183181486713, 'Jeffreys 3/10 high');
  const w = proportionInterval(4, 8, { method: 'wilson' });
  close(w.low, 0.2152, 'Wilson 4/8 low', 1e-4);
  assert.deepEqual(proportionInterval(0, 0), { low: 0, high: 1, method: 'clopper-pearson', level: 0.95 });
  assert.throws(() => proportionInterval(9, 8), /successes must be an integer in \[0, 8\]/);
  assert.throws(() => proportionInterval(1, 8, { method: 'wald' as IntervalMethod }), /interval method/);
});

/** Exact coverage of an interval method at true p with n samples: sum of binomial pmf over covering x. */
function exactCoverage(method: IntervalMethod, n: number, p: number): number {
  let coverage = 0;
  let choose = 1;
  for (let x = 0; x <= n; x++) {
    if (x > 0) choose = (choose * (n - x + 1)) / x;
    const iv = proportionInterval(x, n, { method });
    if (iv.low <= p && p <= iv.high) coverage += choose * p ** x * (1 - p) ** (n - x);
  }
  return coverage;
}

test('why clopper-pearson: wilson and jeffreys under-cover at K = 8 and 16 (numbers quoted in docs/fidelity.md)', () => {
  close(exactCoverage('wilson', 8, 0.5), 0.9297, 'Wilson K=8 p=0.5', 1e-4);
  close(exactCoverage('wilson', 16, 0.5), 0.9232, 'Wilson K=16 p=0.5', 1e-4);
  close(exactCoverage('wilson', 8, 0.05), 0.9428, 'Wilson K=8 p=0.05', 1e-4);
  // The worst p for Wilson at K = 8, on a 0.001 grid: 0.022 and, by symmetry, 0.978 (just outside
  // the 1/8 interval's lower limit 0.0224, resp. the 7/8 interval's upper limit 0.9776).
  let worst = { p: 0, c: 1 };
  for (let i = 1; i < 1000; i++) {
    const c = exactCoverage('wilson', 8, i / 1000);
    if (c < worst.c) worst = { p: i / 1000, c };
  }
  close(worst.c, 0.837, 'Wilson K=8 minimum coverage', 1e-3);
  close(Math.min(worst.p, 1 - worst.p), 0.022, 'at p', 1e-9);
  close(exactCoverage('jeffreys', 8, 0.263), 0.8792, 'Jeffreys K=8 dip', 1e-3);
  for (const n of [8, 16]) {
    for (let i = 0; i <= 200; i++) {
      const p = i / 200;
      assert.ok(exactCoverage('clopper-pearson', n, p) >= 0.95 - 1e-9, `CP K=${n} p=${p}`);
    }
  }
});

test('delta: MOVER on clopper-pearson limits by default; newcombe = Newcombe 1998 method 10', () => {
  // Newcombe's worked example (Stat Med 1998, 56/70 vs 48/80): 0.0524 to 0.3339.
  const n = differenceInterval(56, 70, 48, 80, { method: 'newcombe' });
  close(n.low, 0.052431472402365065, 'Newcombe low', 1e-9);
  close(n.high, 0.333872654036906, 'Newcombe high', 1e-9);
  const d = estimateDelta({ correct: 6, samples: 8 }, { correct: 2, samples: 8 });
  assert.equal(d.delta, 0.5);
  close(d.interval.low, -0.06689570101445708, 'MOVER-CP low');
  close(d.interval.high, 0.808504994654414, 'MOVER-CP high');
  assert.equal(d.interval.method, 'mover-clopper-pearson');
  const extreme = differenceInterval(8, 8, 0, 8);
  // 1 - hypot(1 - 0.63058, 0.36942 - 0) = 1 - 0.36942 * sqrt(2) = 0.47757; the high end is clamped to 1.
  close(extreme.low, 1 - 0.3694166475528192 * Math.SQRT2, '8/8 vs 0/8 low');
  assert.equal(extreme.high, 1);
  assert.throws(() => estimateDelta({ correct: 0, samples: 0 }, { correct: 1, samples: 8 }), /samples on both/);
});

test('a prefix estimate keeps no-answers apart, and the entropy is in bits over the answered probes', () => {
  const e = estimatePrefix([
    { answer: '42', correct: true },
    { answer: '42', correct: true },
    { answer: '41', correct: false },
    { answer: '43', correct: false },
    { answer: null, correct: false },
    { answer: null, correct: false },
  ]);
  assert.equal(e.mu, 2 / 6);
  assert.deepEqual([e.samples, e.correct, e.noAnswer], [6, 2, 2]);
  assert.deepEqual(e.answers, { '42': 2, '41': 1, '43': 1 });
  // H(1/2, 1/4, 1/4) = 0.5 * 1 + 2 * 0.25 * 2 = 1.5 bits
  assert.equal(e.entropy, 1.5);
  assert.deepEqual(e.interval, proportionInterval(2, 6));
  assert.equal(entropyBits({ a: 8 }), 0);
  assert.equal(entropyBits({ a: 1, b: 1, c: 1, d: 1, e: 1, f: 1, g: 1, h: 1 }), 3);
  assert.equal(estimatePrefix([{ answer: null, correct: false }]).entropy, null);
  assert.throws(() => estimatePrefix([]), /at least one/);
  assert.throws(() => estimatePrefix([{ answer: null, correct: true }]), /without an answer cannot be correct/);
});

test('sampling plans: fixed K asks for K at once; the adaptive Beta-width rule stops where its posterior is narrow', () => {
  const fixed: SamplingPlan = { kind: 'fixed', k: 8 };
  assert.equal(nextProbeCount(fixed, 0), 8);
  assert.equal(samplingDone(fixed, 3, 7), null);
  assert.equal(samplingDone(fixed, 3, 8), 'k');
  const adaptive: SamplingPlan = { kind: 'adaptive', ...DEFAULT_ADAPTIVE_RULE };
  assert.deepEqual(DEFAULT_ADAPTIVE_RULE, { minSamples: 4, maxSamples: 16, maxWidth: 0.3, level: 0.95 });
  assert.equal(nextProbeCount(adaptive, 0), 4);
  assert.equal(nextProbeCount(adaptive, 5), 1);
  // Jeffreys posterior after 0 of 6: Beta(0.5, 6.5), 95% width 0.33031 > 0.3; after 0 of 7: 0.29237 (scipy).
  close(posteriorInterval(0, 6).high - posteriorInterval(0, 6).low, 0.33031040930318384, 'width 0/6', 1e-9);
  close(posteriorInterval(0, 7).high - posteriorInterval(0, 7).low, 0.292368487198066, 'width 0/7', 1e-9);
  assert.equal(samplingDone(adaptive, 0, 6), null);
  assert.equal(samplingDone(adaptive, 0, 7), 'width');
  assert.equal(samplingDone(adaptive, 8, 15), null, '8 of 15 is still wide');
  assert.equal(samplingDone(adaptive, 8, 16), 'max');
  assert.throws(() => checkSamplingPlan({ kind: 'adaptive', minSamples: 4, maxSamples: 2, maxWidth: 0.3, level: 0.95 }), /maxSamples/);
  assert.throws(() => checkSamplingPlan({ kind: 'fixed', k: 0 }), /positive integer/);
});

test('the fake model answers through the real mrt probe text and MRT extraction', () => {
  assert.ok(!SIMULATED_PROMPT.includes('boxed'), 'the probe prompt holds no box of its own');
  const rng = seededRandom(7, 'fake');
  const texts = Array.from({ length: 200 }, () => fakeCompletion(rng, { p: 0.5, noAnswerShare: 0.3 }));
  assert.ok(texts.some((t) => t.includes(`\\boxed{${GOLD}}`)) && texts.some((t) => !t.includes('boxed')) && texts.some((t) => t.includes('\\boxed{4') && !t.includes(GOLD)));
  const one = simulatePrefix(rng, { p: 0.5, noAnswerShare: 0.3 }, { kind: 'fixed', k: 8 });
  assert.equal(one.requests, 8);
  assert.equal(one.estimate.samples, 8);
});

/*
 * Fixed-K estimation on the fake model, 4,000 simulated prefixes per cell (standard error of the
 * mean at p = 0.5, K = 8: 0.0028, so 0.01 is 3.6 standard errors), seeded per cell.
 */
const PREFIXES = 4000;
for (const k of [8, 16]) {
  test(`fixed K = ${k}: unbiased within 0.01 and 95% clopper-pearson intervals cover >= 93%, per true p`, (t) => {
    const rows: string[] = [];
    for (const p of TRUE_P_GRID) {
      const cell = simulateCell(seededRandom(20261201, 'fixed', k, p), p, { kind: 'fixed', k }, PREFIXES);
      rows.push(`p=${p.toFixed(2)} bias=${cell.bias >= 0 ? '+' : ''}${cell.bias.toFixed(4)} coverage=${cell.coverage.toFixed(4)} width=${cell.meanWidth.toFixed(3)}`);
      assert.equal(cell.meanRequests, k);
      assert.ok(Math.abs(cell.bias) <= 0.01, `K=${k} p=${p}: bias ${cell.bias}`);
      assert.ok(cell.coverage >= 0.93, `K=${k} p=${p}: coverage ${cell.coverage}`);
    }
    for (const row of rows) t.diagnostic(`K=${k}, ${PREFIXES} prefixes: ${row}`);
  });
}

test('the simulation can tell a biased estimator and an under-covering interval apart', () => {
  // Wilson at K = 16, p = 0.5 covers 92.3% exactly: the simulation must see it below 93%.
  const wilson = simulateCell(seededRandom(20261201, 'wilson', 16, 0.5), 0.5, { kind: 'fixed', k: 16 }, PREFIXES, 'wilson');
  assert.ok(wilson.coverage < 0.93, `Wilson coverage ${wilson.coverage}`);
  // The adaptive rule moves estimates away from the middle at p = 0.2 (exact bias -0.026).
  const adaptive = simulateCell(seededRandom(20261201, 'adaptive', 0.2), 0.2, { kind: 'adaptive', ...DEFAULT_ADAPTIVE_RULE }, PREFIXES);
  assert.ok(adaptive.bias < -0.015, `adaptive bias ${adaptive.bias}`);
});

test('delta intervals (MOVER on clopper-pearson) cover >= 93% on independent prefixes, K = 8', () => {
  for (const [pPrev, pCur] of [
    [0.2, 0.5],
    [0.5, 0.8],
    [0.8, 0.95],
    [0.5, 0.5],
    [0, 0.2],
  ]) {
    const rng = seededRandom(20261201, 'delta', pPrev, pCur);
    let covered = 0;
    for (let i = 0; i < 2000; i++) {
      const prev = simulatePrefix(rng, { p: pPrev, noAnswerShare: 0.3 }, { kind: 'fixed', k: 8 }).estimate;
      const cur = simulatePrefix(rng, { p: pCur, noAnswerShare: 0.3 }, { kind: 'fixed', k: 8 }).estimate;
      const { interval } = estimateDelta(cur, prev);
      if (interval.low <= pCur - pPrev + 1e-12 && pCur - pPrev - 1e-12 <= interval.high) covered++;
    }
    assert.ok(covered / 2000 >= 0.93, `${pPrev} -> ${pCur}: coverage ${covered / 2000}`);
  }
});
