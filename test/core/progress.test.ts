import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  answerHistogram,
  modalKey,
  muCurve,
  muPlateaued,
  nextBatchSize,
  progressFromSamples,
  samplingStop,
  wilsonInterval,
  type SamplingRule,
} from '../../src/core/progress';

test('wilson interval matches textbook values', () => {
  const all = wilsonInterval(8, 8);
  assert.ok(Math.abs(all.low - 0.6756) < 1e-3, `low ${all.low}`);
  assert.equal(all.high, 1);
  const none = wilsonInterval(0, 10);
  assert.equal(none.low, 0);
  assert.ok(Math.abs(none.high - 0.2775) < 1e-3, `high ${none.high}`);
  const half = wilsonInterval(50, 100);
  assert.ok(Math.abs(half.low - 0.4038) < 1e-3 && Math.abs(half.high - 0.5962) < 1e-3);
});

test('wilson interval contains the observed share, stays in [0,1], and narrows with more data', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 500 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, share) => {
      const k = Math.round(share * n);
      const w = wilsonInterval(k, n);
      assert.ok(w.low >= 0 && w.high <= 1 && w.low <= w.high);
      assert.ok(w.low <= k / n + 1e-12 && k / n <= w.high + 1e-12);
      assert.ok(wilsonInterval(4 * k, 4 * n).halfWidth < w.halfWidth);
    }),
  );
  assert.equal(wilsonInterval(0, 0).halfWidth, 0.5);
});

const rule: SamplingRule = { maxSamples: 8, adaptive: true, ciHalfWidth: 0.15, unanimousAfter: 3 };

test('sampling stops at the maximum whatever the answers', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom('1', '2', '3'), { minLength: 8, maxLength: 8 }), fc.boolean(), (keys, adaptive) => {
      assert.equal(samplingStop(keys, null, { ...rule, adaptive }), 'max');
    }),
  );
});

test('fixed sampling never stops early; adaptive stops on unanimity only after enough samples', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom('1', '2'), { minLength: 0, maxLength: 7 }), (keys) => {
      assert.equal(samplingStop(keys, null, { ...rule, adaptive: false }), null);
    }),
  );
  assert.equal(samplingStop(['7', '7'], 2, rule), null);
  assert.equal(samplingStop(['7', '7', '7'], 3, rule), 'unanimous');
  assert.equal(samplingStop(['7', '7', '8'], 2, rule), null);
  assert.equal(samplingStop(['7', '8', '9'], 0, rule), 'unanimous', 'all judged wrong is unanimous for mu');
  assert.equal(samplingStop(['7', '8', '9'], null, rule), null, 'unjudged different answers are not');
});

test('adaptive sampling stops when the interval is tight', () => {
  const many: SamplingRule = { maxSamples: 64, adaptive: true, ciHalfWidth: 0.1, unanimousAfter: 100 };
  const keys = Array.from({ length: 40 }, (_, i) => (i === 0 ? 'x' : 'y'));
  assert.equal(samplingStop(keys, 39, many), 'interval');
  assert.equal(samplingStop(keys.slice(0, 10), 9, many), null);
});

test('batch sizes never exceed what remains', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 8 }), fc.boolean(), (done, max, conc, adaptive) => {
      const r = { ...rule, maxSamples: max, adaptive };
      const size = nextBatchSize(done, r, conc);
      assert.equal(size, done >= max ? 0 : Math.min(size, max - done));
      if (done < max) assert.ok(size >= 1);
    }),
  );
  assert.equal(nextBatchSize(0, rule, 2), 3);
  assert.equal(nextBatchSize(0, { ...rule, adaptive: false }, 2), 8);
});

test('progress from samples: mu, delta, histogram, interval', () => {
  const p = progressFromSamples(['5', '5', '6', '5'], [true, true, false, true], 'gold', 0.25);
  assert.equal(p.mu, 0.75);
  assert.equal(p.delta, 0.5);
  assert.equal(p.samples, 4);
  assert.deepEqual(p.answers, { '5': 3, '6': 1 });
  assert.equal(p.basis, 'gold');
  assert.ok(p.ci !== undefined && p.ci > 0 && p.ci < 0.5);
  assert.deepEqual(answerHistogram([]), {});
  assert.equal(modalKey(['a', 'b', 'b', 'a']), 'a');
  assert.equal(modalKey([]), null);
});

test('mu curve starts at the empty prefix and skips unprobed episodes', () => {
  const prog = progressFromSamples(['1'], [true], 'gold', 0);
  assert.deepEqual(muCurve(0, [{ endTokens: 10, progress: prog }, { endTokens: 20 }, { endTokens: 30, progress: prog }]), [
    { tokens: 0, mu: 0 },
    { tokens: 10, mu: 1 },
    { tokens: 30, mu: 1 },
  ]);
  assert.deepEqual(muCurve(null, []), []);
});

test('plateau: mu rose by less than delta over the last `window` episodes, not while mu is 0 throughout', () => {
  // window 2 compares the last mu with the one two episodes earlier.
  assert.equal(muPlateaued([0.5, 0.75, 0.75, 0.75], 2, 0.05), true);
  assert.equal(muPlateaued([0.5, 0.5, 0.75, 0.75], 2, 0.05), false, 'rose by 0.25 over the window');
  assert.equal(muPlateaued([0.5, 0.75, 0.78], 2, 0.05), false, 'rose by 0.28');
  assert.equal(muPlateaued([0.75, 0.78], 1, 0.05), true, 'rose by 0.03 < 0.05 over one episode');
  assert.equal(muPlateaued([0.75, 0.8], 1, 0.05), false, 'rose by exactly delta is progress');
  assert.equal(muPlateaued([0.75, 0.5], 1, 0), true, 'delta 0 still stops when mu fell');
  assert.equal(muPlateaued([0.5, 0.75], 2, 0.05), false, 'needs window + 1 values');
  assert.equal(muPlateaued([0, 0, 0, 0], 2, 0.05), false, 'no answer found yet is not a plateau');
  assert.equal(muPlateaued([0, 0, 0.02], 2, 0.05), true, 'a small rise from 0 is a plateau');
  assert.equal(muPlateaued([1, 1], 0, 0.05), false, 'window 0 never fires');
});
