import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cumulativeRegret, normalizedRegret, progressPoints, regretAtBudgets, firstCorrectEpisode } from '../../src/core/metrics';
import type { EpisodeProgress } from '../../src/core/trace';

const progress = (mu: number): EpisodeProgress => ({ mu, delta: 0, samples: 8, answers: {}, basis: 'gold' });
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);

test('normalizedRegret: last mu extends flat to the budget', () => {
  // (0,0)-(100,.5): 25, then .5 * 100 flat = 50; area 75 / 200.
  close(normalizedRegret([{ tokens: 100, mu: 0.5 }], 200), 1 - 75 / 200);
});

test('normalizedRegret: interpolates at the budget and ignores later points', () => {
  // mu at 200 = .75; area = 25 + (.5 + .75) / 2 * 100 = 87.5.
  close(normalizedRegret([{ tokens: 100, mu: 0.5 }, { tokens: 300, mu: 1 }, { tokens: 900, mu: 0 }], 200), 1 - 87.5 / 200);
});

test('normalizedRegret: a point exactly at the budget, unsorted input, no points', () => {
  close(normalizedRegret([{ tokens: 100, mu: 1 }], 100), 0.5);
  close(normalizedRegret([{ tokens: 300, mu: 1 }, { tokens: 100, mu: 0.5 }], 200), 1 - 87.5 / 200);
  close(normalizedRegret([], 50), 1);
});

test('normalizedRegret rejects a non-positive budget and non-finite points', () => {
  assert.throws(() => normalizedRegret([], 0), RangeError);
  assert.throws(() => normalizedRegret([{ tokens: Number.NaN, mu: 1 }], 10), RangeError);
});

test('normalizedRegret stays in [0, 1] and falls when any mu rises', () => {
  const point = fc.record({ tokens: fc.integer({ min: 0, max: 10_000 }), mu: fc.double({ min: 0, max: 1, noNaN: true }) });
  fc.assert(
    fc.property(fc.array(point, { maxLength: 20 }), fc.integer({ min: 1, max: 12_000 }), fc.nat(), (points, budget, pick) => {
      const r = normalizedRegret(points, budget);
      assert.ok(r >= -1e-9 && r <= 1 + 1e-9, `regret ${r}`);
      if (points.length > 0) {
        const i = pick % points.length;
        const raised = points.map((p, j) => (j === i ? { ...p, mu: 1 } : p));
        assert.ok(normalizedRegret(raised, budget) <= r + 1e-9);
      }
    }),
  );
});

test('cumulativeRegret sums 1 - mu over probed episodes only', () => {
  close(cumulativeRegret([{ progress: progress(0.25) }, {}, { progress: progress(1) }, { progress: progress(0.5) }]), 1.25);
  assert.equal(cumulativeRegret([{}, {}]), 0);
});

test('progressPoints accumulates episode tokens and regretAtBudgets uses them', () => {
  const eps = [{ tokens: 50, progress: progress(0) }, { tokens: 50 }, { tokens: 100, progress: progress(1) }];
  assert.deepEqual(progressPoints(eps), [
    { tokens: 50, mu: 0 },
    { tokens: 200, mu: 1 },
  ]);
  // (0,0),(50,0),(200,1) at budget 200: area = 75 -> regret .625.
  assert.deepEqual(regretAtBudgets(eps, [200]), [{ budget: 200, normalized: 0.625 }]);
  assert.deepEqual(regretAtBudgets([{ tokens: 5 }], [200]), []);
});

test('firstCorrectEpisode finds the first correct verdict', () => {
  assert.equal(firstCorrectEpisode([{ verdict: 'none' }, { verdict: 'incorrect' }, { verdict: 'correct' }, { verdict: 'correct' }]), 2);
  assert.equal(firstCorrectEpisode([{ verdict: 'incorrect' }]), null);
});
