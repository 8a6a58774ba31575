import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { computeMetrics, cumulativeRegret, normalizedRegret, progressPoints, regretAtBudgets, firstCorrectEpisode } from '../../src/core/metrics';
import { annotateTrace, reannotateTrace } from '../../src/core/annotate';
import type { Episode, Trace } from '../../src/core/trace';
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

/* ---------------------------------------------------------------- version 2 (issue 10) */

const v2Probes = (mu: number, promptTokens: number, rolloutTokens: number, correct: number) => ({
  mu,
  samples: 8,
  correct,
  noAnswer: 0,
  answers: (correct === 8 ? { '42': 8 } : correct === 0 ? { '41': 8 } : { '42': correct, '41': 8 - correct }) as Record<string, number>,
  promptTokens,
  rolloutTokens,
});

test('computeMetrics, version 2: MRT token regret on x = prompt + rollouts / 16 at shared budgets, oracle cumulative regret, probe tokens (worked by hand)', () => {
  const probes = {
    recipe: 'mrt' as const, k: 8, sampling: 'fixed' as const, temperature: 0.6, topP: 0.95, maxTokens: 4096, basis: 'gold' as const,
    interval: { method: 'clopper-pearson' as const, level: 0.95 },
    prefix0: v2Probes(0, 100, 160, 0),
  };
  const episodes = [
    { index: 0, tokens: 50, progress: { ...v2Probes(0.5, 200, 320, 4), delta: 0.5, basis: 'gold' as const } },
    { index: 1, tokens: 50, progress: { ...v2Probes(1, 300, 160, 8), delta: 0.5, basis: 'gold' as const } },
  ] as unknown as Episode[];
  const m = computeMetrics({ thinking: 'x', response: '', episodes, probes, regretBudgets: [250, 1000], regretK: 4, reference: '42', version: 2 });
  // x = 110, 220, 310. At 250: 0.5 x 110 x 0 ... area 27.5 + (0.5 + 0.6667) / 2 x 30 = 45 -> regret 1 - 45/250.
  // At 1000: 27.5 + 67.5 + 1 x 690 = 785 -> 1 - 0.785.
  close(m.regret![0].normalized, 1 - 45 / 250);
  close(m.regret![1].normalized, 1 - 785 / 1000);
  assert.deepEqual(m.regret!.map((r) => r.comparator), ['oracle', 'oracle']);
  // Oracle over k = 4 prefixes: (1 - 0) + (1 - 0.5) + (1 - 1) + (1 - 1) held flat = 1.5.
  const cumulative = m.cumulativeRegret as { comparator: string; value: number; normalized: number }[];
  assert.equal(cumulative[0].comparator, 'oracle');
  close(cumulative[0].value, 1.5);
  close(cumulative[0].normalized, 1.5 / 4);
  // Majority from the stored histograms (8 answers per prefix): present, never mixed into the oracle entry.
  assert.deepEqual(cumulative.map((c) => c.comparator), ['oracle', 'majority']);
  assert.equal(m.probeTokens, 8 * 100 + 160 + 8 * 200 + 320 + 8 * 300 + 160);
  assert.equal(m.tokenCounter, 'estimate');
  // Without a reference the majority comparator cannot judge the stored answers: left out, not guessed.
  const noRef = computeMetrics({ thinking: 'x', response: '', episodes, probes, regretK: 4, version: 2 });
  assert.deepEqual((noRef.cumulativeRegret as { comparator: string }[]).map((c) => c.comparator), ['oracle']);
  assert.deepEqual(noRef.regret!.map((r) => r.budget), [4096, 8192, 12288, 16384]);
});

test('a version-1 trace re-annotated keeps its meaning: the v1 number is not an oracle entry', () => {
  const base = annotateTrace({ problem: 'What is 6 times 7?', thinking: 'First, 6 x 7.\n\nThat is 42.\n\nWait, check: 7 + 7 + 7 + 7 + 7 + 7 = 42.\n\nYes.', response: 'The answer is \\boxed{42}.', gold: '42', source: { kind: 'import:text' } });
  const v1: Trace = {
    ...base,
    version: 1,
    episodes: base.episodes.map((e) => ({ ...e, progress: { mu: 0.5, delta: 0, samples: 4, answers: { '42': 2, '41': 2 }, basis: 'gold', ci: 0.3 } })),
  };
  const own = base.episodes.reduce((n, e) => n + e.tokens, 0);
  const again = reannotateTrace(v1);
  assert.equal(again.metrics.cumulativeRegret, 0.5 * base.episodes.length, 'still Σ(1 − mu) over the probed episodes');
  assert.ok(again.metrics.regret!.every((r) => r.comparator === undefined), 'thinking-token regret, no comparator');
  assert.equal(again.metrics.regret![0].budget, own);
  assert.equal(again.probes, undefined);
});
