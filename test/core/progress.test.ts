import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  answerHistogram,
  modalKey,
  muCurve,
  muPlateaued,
  wilsonInterval,
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

test('mu curve starts at the empty prefix and skips unprobed episodes', () => {
  const prog = { mu: 1, delta: 1, samples: 1, answers: { '1': 1 }, basis: 'gold' as const };
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
  assert.equal(muPlateaued([0.25, 0.3], 1, 0.05), false, 'exactly delta, whatever the float rounding');
  assert.equal(muPlateaued([0.75, 0.5], 1, 0), true, 'delta 0 still stops when mu fell');
  assert.equal(muPlateaued([0.5, 0.75], 2, 0.05), false, 'needs window + 1 values');
  assert.equal(muPlateaued([0, 0, 0, 0], 2, 0.05), false, 'no answer found yet is not a plateau');
  assert.equal(muPlateaued([0, 0, 0.02], 2, 0.05), true, 'a small rise from 0 is a plateau');
  assert.equal(muPlateaued([1, 1], 0, 0.05), false, 'window 0 never fires');
});
