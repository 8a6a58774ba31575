import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReviewQueue, type QueueTrace } from '../../src/core/review/queue';

const trace = (id: string, correct: boolean | null, episodes: QueueTrace['episodes'] = []): QueueTrace => ({ id, final: { correct }, episodes });

const traces: QueueTrace[] = [
  trace('a', true),
  trace('b', false),
  trace('c', true, [{ verdict: 'correct', progress: { mu: 0.3, delta: -0.2 } }]),
  trace('d', true, [{ verdict: 'none', progress: { mu: 0.5, delta: 0.1, ci: 0.4 } }]),
  trace('e', false, [{ verdict: 'incorrect', progress: { mu: 0.5, delta: 0.3, ci: 0.1 } }]),
];

test('criteria pick incorrect, disagreeing with mu, and uncertain traces; progress and next resume where left off', () => {
  assert.deepEqual(buildReviewQueue(traces, new Set(), { criteria: ['incorrect'] }).ids, ['b', 'e']);
  assert.deepEqual(buildReviewQueue(traces, new Set(), { criteria: ['disagree'] }).ids, ['c', 'e']);
  assert.deepEqual(buildReviewQueue(traces, new Set(), { criteria: ['uncertain'] }).ids, ['d']);
  const q = buildReviewQueue(traces, new Set(['b']), { criteria: ['incorrect', 'disagree'] });
  assert.deepEqual(q.ids, ['b', 'c', 'e']);
  assert.equal(q.progress, '1 / 3 reviewed');
  assert.equal(q.next, 'c');
  assert.equal(buildReviewQueue(traces, new Set(['b', 'e']), { criteria: ['incorrect'] }).next, null);
});

test('a seeded sample of N: the same seed gives the same traces in the same order; another seed another sample', () => {
  const many = Array.from({ length: 200 }, (_, i) => trace(`t${i}`, i % 2 === 0));
  const a = buildReviewQueue(many, new Set(), { criteria: ['all'], sample: { n: 20, seed: 5 } });
  const b = buildReviewQueue(many, new Set(), { criteria: ['all'], sample: { n: 20, seed: 5 } });
  const c = buildReviewQueue(many, new Set(), { criteria: ['all'], sample: { n: 20, seed: 6 } });
  assert.equal(a.ids.length, 20);
  assert.deepEqual(a.ids, b.ids);
  assert.notDeepEqual(a.ids, c.ids);
  assert.equal(new Set(a.ids).size, 20);
});

test('uncertain is judged on the band the views draw (muInterval): clipped to [0, 1], version 2 interval first', () => {
  const near = (id: string, progress: NonNullable<QueueTrace['episodes'][number]['progress']>) => trace(id, true, [{ verdict: 'none', progress }]);
  const cases = [
    // μ 0.95 ± 0.3 draws as [0.65, 1]: half-width 0.175, not uncertain although ci > 0.25.
    near('clipped', { mu: 0.95, delta: 0, ci: 0.3 }),
    near('wide-v1', { mu: 0.5, delta: 0, ci: 0.3 }),
    // A version-2 interval wins over ci, as in every view.
    near('wide-v2', { mu: 0.5, delta: 0, ci: 0.01, interval: [0.1, 0.9] }),
    near('narrow-v2', { mu: 0.5, delta: 0, ci: 0.4, interval: [0.4, 0.6] }),
  ];
  assert.deepEqual(buildReviewQueue(cases, new Set(), { criteria: ['uncertain'] }).ids, ['wide-v1', 'wide-v2']);
});
