/**
 * The dataset view's review queue as the page gets it (src/extension/dataset/reviewQueueState.ts)
 * and the queue messages the page may send (src/shared/dataset-protocol.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QueueTrace } from '../../src/core/review/queue';
import { reviewQueueOrder } from '../../src/extension/dataset/reviewQueueState';
import { parseDatasetViewMessage, readQueueChoice } from '../../src/shared/dataset-protocol';

const trace = (id: string, correct: boolean | null, episodes: QueueTrace['episodes'] = []): QueueTrace => ({ id, final: { correct }, episodes });

const traces: QueueTrace[] = [
  trace('a', true),
  trace('b', false),
  trace('c', true, [{ verdict: 'correct', progress: { mu: 0.3, delta: -0.2 } }]),
  trace('d', true, [{ verdict: 'none', progress: { mu: 0.5, delta: 0.1, interval: [0.1, 0.9] } }]),
  trace('e', false, [{ verdict: 'incorrect', progress: { mu: 0.5, delta: 0.3, ci: 0.1 } }]),
  trace('b', true), // the same id again: the queue takes its first line
];
const sidecar = { name: 'x.trace.jsonl.annotations.jsonl', skippedLines: 1 };

test('the queue names file rows: indexes in review order, progress over the queue, next with its row and place', () => {
  const q = reviewQueueOrder(traces, new Set(['b']), { criteria: ['incorrect', 'disagree'] }, sidecar);
  assert.deepEqual(q.indexes, [1, 2, 4]);
  assert.equal(q.state.queued, 3);
  assert.equal(q.state.reviewed, 1);
  assert.deepEqual(q.state.next, { index: 2, id: 'c', position: 1 });
  assert.deepEqual(q.state.counts, { incorrect: 2, disagree: 2, uncertain: 1, all: 5 });
  assert.equal(q.state.sidecar, sidecar.name);
  assert.equal(q.state.skippedLines, 1);
  // Reviewing the next one moves next on; reviewing all of them ends the queue.
  assert.deepEqual(reviewQueueOrder(traces, new Set(['b', 'c']), { criteria: ['incorrect', 'disagree'] }, sidecar).state.next, { index: 4, id: 'e', position: 2 });
  const done = reviewQueueOrder(traces, new Set(['b', 'c', 'e']), { criteria: ['incorrect', 'disagree'] }, sidecar).state;
  assert.equal(done.next, null);
  assert.equal(done.reviewed, 3);
  // A trace reviewed outside the queue does not count for it.
  assert.equal(reviewQueueOrder(traces, new Set(['a']), { criteria: ['incorrect'] }, sidecar).state.reviewed, 0);
});

test('no criteria ticked queues every trace; a seeded sample is stable and resumes past reviewed ones', () => {
  const all = reviewQueueOrder(traces, new Set(), { criteria: [] }, sidecar);
  assert.deepEqual(all.indexes, [0, 1, 2, 3, 4]);
  const choice = { criteria: [], sample: { n: 3, seed: 7 } };
  const a = reviewQueueOrder(traces, new Set(), choice, sidecar);
  assert.equal(a.indexes.length, 3);
  assert.deepEqual(reviewQueueOrder(traces, new Set(), choice, sidecar).indexes, a.indexes);
  const first = traces[a.indexes[0]].id;
  const resumed = reviewQueueOrder(traces, new Set([first]), choice, sidecar);
  assert.deepEqual(resumed.indexes, a.indexes, 'reviewing does not reshuffle the queue');
  assert.equal(resumed.state.next?.position, 1);
  assert.equal(resumed.state.next?.index, a.indexes[1]);
});

test('queue messages from the page: a clean choice, or the bad field named', () => {
  assert.deepEqual(parseDatasetViewMessage({ type: 'review-next', extra: 1 }), { ok: true, message: { type: 'review-next' } });
  assert.deepEqual(parseDatasetViewMessage({ type: 'review-queue-set', choice: { criteria: ['uncertain', 'incorrect'], sample: { n: 20, seed: 3 }, x: 1 } }), {
    ok: true,
    message: { type: 'review-queue-set', choice: { criteria: ['incorrect', 'uncertain'], sample: { n: 20, seed: 3 } } },
  });
  const bad = (choice: unknown) => {
    const r = parseDatasetViewMessage({ type: 'review-queue-set', choice });
    assert.equal(r.ok, false);
    return (r as { error: string }).error;
  };
  assert.match(bad(undefined), /review-queue-set\.choice: expected an object/);
  assert.match(bad({ criteria: ['all'] }), /choice\.criteria: expected a list of incorrect, disagree, uncertain/);
  assert.match(bad({ criteria: ['incorrect', 'nonsense'] }), /choice\.criteria/);
  assert.match(bad({ criteria: [], sample: { n: 0, seed: 1 } }), /choice\.sample\.n: expected an integer from 1/);
  assert.match(bad({ criteria: [], sample: { n: 2.5, seed: 1 } }), /choice\.sample\.n/);
  assert.match(bad({ criteria: [], sample: { n: 2, seed: -1 } }), /choice\.sample\.seed/);
  assert.deepEqual(readQueueChoice({ criteria: ['disagree'] }), { criteria: ['disagree'] });
  assert.equal(typeof readQueueChoice('incorrect'), 'string');
});
