import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReviewQueue, type QueueTrace } from '../../src/core/review/queue';

const trace = (id: string, correct: boolean | null, episodes: QueueTrace['episodes'] = []): QueueTrace => ({ id, final: { correct }, episodes });

const traces: QueueTrace[] = [
  trace('a', true),
  trace('b', false),
  trace('c', true, [{ verdict: 'correct', progress: { delta: -0.2 } }]),
  trace('d', true, [{ verdict: 'none', progress: { delta: 0.1, ci: 0.4 } }]),
  trace('e', false, [{ verdict: 'incorrect', progress: { delta: 0.3, ci: 0.1 } }]),
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
