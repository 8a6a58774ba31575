import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWebviewMessage } from '../../src/shared/protocol';

test('review messages from the page: well-formed ones pass as clean copies', () => {
  const good = [
    { type: 'review-get', traceId: 't1' },
    { type: 'review-set', traceId: 't1', target: { start: 0, end: 12 }, value: { kind: 'labels', value: ['verification', 'answer'] } },
    { type: 'review-set', traceId: 't1', target: { start: 0, end: 12 }, value: { kind: 'stepVerdict', value: null } },
    { type: 'review-set', traceId: 't1', target: { start: 3, end: 9 }, value: { kind: 'tags', value: ['<b>x</b>'] } },
    { type: 'review-set', traceId: 't1', target: 'trace', value: { kind: 'reviewed', value: true } },
    { type: 'review-set', traceId: 't1', target: 'trace', value: { kind: 'note', value: '<img src=x onerror=alert(1)>' } },
  ];
  for (const msg of good) {
    const r = parseWebviewMessage(msg);
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.message, msg);
  }
  const extra = parseWebviewMessage({ type: 'review-set', traceId: 't1', target: 'trace', value: { kind: 'reviewed', value: false, who: 'mallory' }, at: 'x' });
  assert.ok(extra.ok);
  assert.deepEqual(extra.message, { type: 'review-set', traceId: 't1', target: 'trace', value: { kind: 'reviewed', value: false } });
});

test('review messages from the page: what the sidecar would refuse is refused here, naming the field', () => {
  const bad: [unknown, RegExp][] = [
    [{ type: 'review-get' }, /review-get\.traceId/],
    [{ type: 'review-set', traceId: 't', target: { start: 5, end: 2 }, value: { kind: 'note', value: 'x' } }, /review-set\.target\.end/],
    [{ type: 'review-set', traceId: 't', target: 'trace', value: { kind: 'stepVerdict', value: 'good' } }, /review-set\.kind: "stepVerdict" does not apply to the trace/],
    [{ type: 'review-set', traceId: 't', target: { start: 0, end: 1 }, value: { kind: 'reviewed', value: true } }, /does not apply to an episode range/],
    [{ type: 'review-set', traceId: 't', target: { start: 0, end: 1 }, value: { kind: 'labels', value: ['magic'] } }, /review-set\.value\[0\]/],
    [{ type: 'review-set', traceId: 't', target: { start: 0, end: 1 }, value: { kind: 'stepVerdict', value: 'great' } }, /review-set\.value/],
    [{ type: 'review-set', traceId: 't', target: { start: 0, end: 1 }, value: { kind: 'note', value: 'x'.repeat(8001) } }, /at most 8000/],
    [{ type: 'review-set', traceId: 't', target: { start: 0, end: 1 }, value: { kind: 'tags', value: [''] } }, /review-set\.value\[0\]/],
    [{ type: 'review-set', traceId: 't', target: { start: 0, end: 1 } }, /review-set\.kind/],
  ];
  for (const [msg, pattern] of bad) {
    const r = parseWebviewMessage(msg);
    assert.equal(r.ok, false, JSON.stringify(msg));
    if (!r.ok) assert.match(r.error, pattern);
  }
});
