import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReviewSession } from '../../src/io/review-session';

test('two sessions (two windows) on one trace file: each sees the other\'s changes on read; the trace file is untouched', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-session-'));
  const tracePath = join(dir, 'run.trace.jsonl');
  writeFileSync(tracePath, '{"not":"read here"}\n');
  const a = new ReviewSession(tracePath, { who: 'ann' });
  const b = new ReviewSession(tracePath, { who: 'bob' });
  const thinking = 'Plan first.\n\nWait, check.';
  const episodes = [{ start: 0, end: 11 }, { start: 13, end: 25 }];
  a.set('t', episodes[0], { kind: 'stepVerdict', value: 'good' }, thinking, new Date(1000));
  b.set('t', episodes[0], { kind: 'stepVerdict', value: 'bad' }, thinking, new Date(2000));
  b.set('t', episodes[1], { kind: 'labels', value: ['verification'] }, thinking, new Date(3000));
  a.set('t', 'trace', { kind: 'reviewed', value: true });
  const seenByA = await a.review('t', episodes);
  assert.equal(seenByA.review.episodes.get(0)?.stepVerdict, 'bad');
  assert.equal(seenByA.review.episodes.get(0)?.by.stepVerdict?.who, 'bob');
  assert.deepEqual(seenByA.review.episodes.get(1)?.labels, ['verification']);
  assert.deepEqual([...seenByA.reviewed], ['t']);
  assert.equal(readFileSync(tracePath, 'utf8'), '{"not":"read here"}\n');
  assert.equal(a.sidecar, `${tracePath}.annotations.jsonl`);
  assert.throws(() => new ReviewSession(tracePath, { who: 'x', sidecar: tracePath }).set('t', 'trace', { kind: 'note', value: 'n' }), /is the trace file itself/);
  assert.ok(new ReviewSession(tracePath).who.length > 0, 'identity looked up');
});
