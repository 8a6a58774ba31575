/**
 * The offset store: a `.trace.jsonl` indexed as line places (src/io/trace-offsets.ts,
 * indexTraceFile) and read back one trace at a time (OffsetTraceList): the right trace for
 * each index (CRLF endings, a BOM, non-ASCII text, blank and bad lines in between), the same
 * messages as the reader that keeps every trace, a file changed under the list detected and
 * read again, and the payload worker's index equal to the host's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { annotateTrace } from '../../src/core/annotate';
import type { Trace } from '../../src/core/trace';
import { FileChangedError, scanLines } from '../../src/io/trace-offsets';
import { firstPageOnHost, indexedTraceList, runPayloadWorker } from '../../src/extension/dataset/payloadInWorker';
import { datasetPayload } from '../../src/extension/dataset/rows';
import { indexTraceFile, readTraceFile } from '../../src/extension/trace/traceReader';
import { listItem, OffsetTraceList, PickedTraceList, sameProblemKey } from '../../src/extension/trace/traceList';

const dir = mkdtempSync(join(tmpdir(), 'rl-trace-offsets-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function trace(i: number, problem = `What is 17 + 25? (#${i})`): Trace {
  const think = `<think>Étape ${i}: 17 + 20 = 37, puis 37 + 5 = 42 — vérifions: 42 − 25 = 17 ✓. 答案是 42 🙂</think>The answer is \\boxed{42}.`;
  return annotateTrace({ id: `t-${i}-ü`, problem, gold: '42', source: { kind: 'test' }, raw: think });
}

async function listOf(file: string) {
  const index = await indexTraceFile(file, listItem);
  return { index, list: new OffsetTraceList(file, index.places, index.ids, (i) => index.summaries[i], index.stamp, index.digests) };
}

test('each index reads back its own trace: CRLF, a BOM, non-ASCII text, blank and bad lines in between', async () => {
  const traces = [0, 1, 2, 3].map((i) => trace(i));
  const lines = ['\ufeff' + JSON.stringify(traces[0]), '', JSON.stringify(traces[1]), '{not json', JSON.stringify({ ...trace(9), episodes: 'no' }), JSON.stringify(traces[2]), '   ', JSON.stringify(traces[3])];
  const file = join(dir, 'mixed.trace.jsonl');
  writeFileSync(file, lines.join('\r\n')); // CRLF, and the last line has no newline
  const { index, list } = await listOf(file);
  assert.equal(list.length, 4);
  assert.deepEqual([...list.ids()], traces.map((t) => t.id));
  assert.deepEqual(index.places.map((p) => p.line), [1, 3, 6, 8]);
  // Backwards and async as well as forwards and sync: the place, not the order read, decides.
  for (const i of [3, 2, 1, 0]) assert.deepEqual(await list.load(i), traces[i]);
  const fresh = (await listOf(file)).list;
  for (const i of [0, 1, 2, 3]) assert.deepEqual(fresh.at(i), traces[i]);
  assert.deepEqual(list.items(), traces.map(listItem));
  // The same traces, lines and messages as the reader that keeps every trace.
  const whole = await readTraceFile(file);
  assert.deepEqual(whole.traces, traces);
  assert.deepEqual(index.places.map((p) => p.line), whole.lines);
  assert.deepEqual(index.problems, whole.problems);
});

test('a line that is not a trace is reported as file:line: field: message, and a torn last line as such', async () => {
  const file = join(dir, 'bad.trace.jsonl');
  writeFileSync(file, [JSON.stringify(trace(0)), JSON.stringify({ ...trace(1), episodes: 'no' }), '{"id": "cut'].join('\n'));
  const { index, list } = await listOf(file);
  assert.equal(list.length, 1);
  assert.equal(index.problems.length, 2);
  assert.match(index.problems[0], /^bad\.trace\.jsonl:2: not a valid trace: episodes: /);
  assert.match(index.problems[1], /^bad\.trace\.jsonl:3: incomplete last line \(interrupted write\?\): /);
  const empty = join(dir, 'empty.trace.jsonl');
  writeFileSync(empty, '\n\n');
  assert.deepEqual((await indexTraceFile(empty, listItem)).problems, ['empty.trace.jsonl: the file holds no traces (it is empty)']);
});

test('byte offsets are right after multi-byte characters split across read chunks', async () => {
  // Lines longer than the 64 KiB read chunk, full of 2-, 3- and 4-byte characters.
  const long = (i: number) => ({ ...trace(i), problem: `${'Σ中🙂'.repeat(12_000)} #${i}` });
  const traces = [long(0), long(1), long(2)];
  const file = join(dir, 'long.trace.jsonl');
  writeFileSync(file, traces.map((t) => JSON.stringify(t)).join('\n') + '\n');
  const { list } = await listOf(file);
  for (const i of [2, 0, 1]) assert.equal((await list.load(i)).problem, traces[i].problem);
  const scanned = [];
  for await (const l of scanLines(file)) scanned.push(l);
  assert.equal(scanned.length, 3);
  assert.ok(scanned.every((l) => !l.unterminated));
});

test('a file changed under the list is detected, and read again gives the right traces', async () => {
  const file = join(dir, 'changing.trace.jsonl');
  const traces = [0, 1, 2].map((i) => trace(i));
  writeFileSync(file, traces.map((t) => JSON.stringify(t)).join('\n') + '\n');
  const { list } = await listOf(file);
  assert.equal(list.isCurrent(), true);
  assert.deepEqual(list.at(0), traces[0]);
  // A job rewrote the file: a new trace before the others.
  const now = [trace(7), ...traces];
  writeFileSync(file, now.map((t) => JSON.stringify(t)).join('\n') + '\n');
  assert.equal(list.isCurrent(), false);
  assert.throws(() => list.at(1), FileChangedError);
  await assert.rejects(list.load(2), FileChangedError);
  assert.deepEqual(list.at(0), traces[0], 'a trace already read (the one a view shows) stays as it was read until the owner reads the file again');
  const again = (await listOf(file)).list;
  assert.deepEqual([...again.ids()], now.map((t) => t.id));
  for (const i of [0, 1, 2, 3]) assert.deepEqual(again.at(i), now[i]);
  // Cut short: a place now runs past the end of the file.
  writeFileSync(file, JSON.stringify(now[0]) + '\n');
  await assert.rejects((await listOf(join(dir, 'changing.trace.jsonl'))).list.load(3), RangeError);
  const before = join(dir, 'cut.trace.jsonl');
  writeFileSync(before, traces.map((t) => JSON.stringify(t)).join('\n') + '\n');
  const cut = (await listOf(before)).list;
  writeFileSync(before, JSON.stringify(traces[0]) + '\n');
  await assert.rejects(cut.load(2), /changed since it was read \(line 3 is cut short\)/);
});

test('a line rewritten in place (same length, same id, still a valid trace) is seen by its digest', async () => {
  const file = join(dir, 'in-place.trace.jsonl');
  const traces = [trace(0, 'What is 17 + 25?'), trace(1)];
  const text = traces.map((t) => JSON.stringify(t)).join('\n') + '\n';
  writeFileSync(file, text);
  const { index, list } = await listOf(file);
  writeFileSync(file, text.replace('What is 17 + 25?', 'What is 17 + 26?'));
  await assert.rejects(list.load(0), /line 1 is no longer the line that was read/);
  // Without digests the rewritten line passes (it is a valid trace with the same id): the digest is what sees it.
  const undigested = new OffsetTraceList(file, index.places, index.ids, (i) => index.summaries[i], index.stamp);
  assert.equal((await undigested.load(0)).problem, 'What is 17 + 26?');
  assert.deepEqual(await list.load(1), traces[1], 'the line that did not change reads as before');
});

test('a picked list (a review queue) reads its traces through the file list', async () => {
  const file = join(dir, 'picked.trace.jsonl');
  const traces = [0, 1, 2, 3, 4].map((i) => trace(i));
  writeFileSync(file, traces.map((t) => JSON.stringify(t)).join('\n') + '\n');
  const picked = new PickedTraceList((await listOf(file)).list, [4, 1]);
  assert.equal(picked.length, 2);
  assert.deepEqual([...picked.ids()], [traces[4].id, traces[1].id]);
  assert.deepEqual(picked.at(0), traces[4]);
  assert.deepEqual(await picked.load(1), traces[1]);
  assert.deepEqual(picked.items().map((i) => [i.index, i.id]), [[0, traces[4].id], [1, traces[1].id]]);
  assert.throws(() => picked.at(2), RangeError);
});

test('the worker indexes the file as the host would, with a first page and the problem keys', async () => {
  const file = join(dir, 'worker.trace.jsonl');
  const traces = Array.from({ length: 30 }, (_, i) => trace(i, i % 3 === 0 ? 'The same  problem\n' : `Problem ${i}`));
  writeFileSync(file, traces.map((t) => JSON.stringify(t)).join('\r\n') + '\r\n' + '{"bad": 1}\r\n');
  const workerFile = join(__dirname, '../../src/extension/dataset/payloadWorker.ts');
  const where = { file, name: 'worker' };
  let first: number | undefined;
  let firstList: ReturnType<typeof indexedTraceList> | undefined;
  const grown: number[] = [];
  const result = await runPayloadWorker(workerFile, { path: file, where, index: true, firstPage: 10 }, {
    evalCode: `require('tsx/cjs'); require(${JSON.stringify(workerFile)});`,
    onFirstPage: (payload, summary) => {
      first = payload.rows.length;
      assert.equal(summary.places.length, 10);
      assert.equal(payload.report.overall.traces, 10, 'the first report covers the first page');
      firstList = indexedTraceList(file, payload.rows, summary);
    },
    onRows: (progress) => grown.push(progress.traces),
  });
  assert.equal(first, 10);
  assert.deepEqual(grown, [30], 'the rows after the first page came as one more chunk');
  assert.equal(firstList?.length, 30, 'a list made at the first page grew with the rows read after it');
  assert.deepEqual(firstList?.at(29), traces[29]);
  const host = await indexTraceFile(file, listItem);
  assert.ok(result.summary);
  assert.ok(result.payload);
  assert.deepEqual(result.summary.places, host.places);
  assert.deepEqual(result.summary.digests, host.digests);
  assert.deepEqual(result.payload.problems, host.problems);
  assert.match(host.problems[0], /^worker\.trace\.jsonl:31: not a valid trace: /);
  const here = datasetPayload(traces, where, host.problems);
  assert.deepEqual(result.payload.rows, here.rows);
  assert.deepEqual({ ...result.payload.report, generatedAt: null }, { ...here.report, generatedAt: null });
  assert.deepEqual(result.summary.problemKeys, traces.map((t) => sameProblemKey(t.problem)));
  assert.equal(new Set(result.summary.problemKeys.filter((_, i) => i % 3 === 0)).size, 1, 'one key for the problem written with other whitespace');
  assert.deepEqual(result.summary.queue.map((q) => q.id), traces.map((t) => t.id));

  // The first page read on the host while the worker starts: the same rows, places and keys as the worker's first ten.
  const onHost = await firstPageOnHost(file, where, 10);
  assert.ok(onHost);
  assert.deepEqual(onHost.payload.rows, result.payload.rows.slice(0, 10));
  assert.equal(onHost.payload.report.overall.traces, 10);
  assert.deepEqual(onHost.summary.places, host.places.slice(0, 10));
  assert.deepEqual(onHost.summary.digests, host.digests.slice(0, 10));
  assert.deepEqual(onHost.summary.problemKeys, result.summary.problemKeys.slice(0, 10));
  assert.deepEqual(onHost.summary.queue, result.summary.queue.slice(0, 10));
  assert.equal(onHost.progress.traces, 10);
  assert.deepEqual(indexedTraceList(file, onHost.payload.rows, onHost.summary).at(9), traces[9]);
  assert.equal(await firstPageOnHost(file, where, 31), undefined, 'fewer traces than a page: the worker answers');

  // The trace editor's job: no report, the same places and rows; the list reads each trace back.
  const items = await runPayloadWorker(workerFile, { path: file, where, index: true, report: false }, { evalCode: `require('tsx/cjs'); require(${JSON.stringify(workerFile)});` });
  assert.equal(items.payload, undefined);
  assert.deepEqual(items.summary?.places, host.places);
  assert.deepEqual(items.problems, host.problems);
  const list = indexedTraceList(file, items.rows, items.summary!);
  assert.deepEqual(list.items(), host.summaries);
  for (const i of [29, 0, 15]) assert.deepEqual(list.at(i), traces[i]);
});
