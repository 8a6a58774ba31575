/**
 * The extension's streaming trace reader (src/extension/trace/traceReader.ts) and the dataset
 * view's payload worker: same traces and messages as the in-memory parser, turns given to the
 * event loop while reading, raw model outputs annotated, a first page before the end, and the
 * worker's payload equal to the one computed in place.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { annotateTrace } from '../../src/core/annotate';
import { datasetPayload } from '../../src/extension/dataset/rows';
import { payloadInWorker } from '../../src/extension/dataset/payloadInWorker';
import { parseTraceText } from '../../src/extension/trace/traceFiles';
import { readAnyTraces, readTraceFile } from '../../src/extension/trace/traceReader';

const dir = mkdtempSync(join(tmpdir(), 'rl-trace-reader-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const think = '<think>17 + 25: 17 + 20 = 37, then 37 + 5 = 42. Wait, let me verify: 42 - 25 = 17. Yes.</think>The answer is \\boxed{42}.';
function trace(i: number) {
  return { ...annotateTrace({ id: `t-${i}`, problem: `What is 17 + 25? (#${i})`, gold: '42', source: { kind: 'test' }, raw: think }) };
}

test('a .trace.jsonl read streamed gives the traces and messages of the in-memory parser', async () => {
  const lines = [JSON.stringify(trace(0)), '{not json', '', JSON.stringify({ ...trace(1), episodes: 'no' }), JSON.stringify(trace(2))];
  const file = join(dir, 'mixed.trace.jsonl');
  writeFileSync(file, lines.join('\n') + '\n');
  const streamed = await readTraceFile(file);
  const inMemory = parseTraceText(lines.join('\n') + '\n', 'mixed.trace.jsonl');
  assert.deepEqual(streamed.traces.map((t) => t.id), ['t-0', 't-2']);
  assert.deepEqual(streamed.lines, inMemory.lines);
  assert.equal(streamed.problems.length, 2);
  assert.match(streamed.problems[0], /^mixed\.trace\.jsonl:2: not valid JSON \(/);
  assert.equal(streamed.problems[1], inMemory.problems[1]);
});

test('reading gives the event loop turns, reports progress, and hands out a first page before the end', async () => {
  const count = 600;
  const file = join(dir, 'many.trace.jsonl');
  writeFileSync(file, Array.from({ length: count }, (_, i) => JSON.stringify(trace(i))).join('\n') + '\n');
  let ticks = 0;
  const timer = setInterval(() => ticks++, 0);
  let firstPage = -1;
  let progress = 0;
  const loaded = await readTraceFile(file, { sliceMs: 1, firstPage: 100, onFirstPage: (t) => (firstPage = t.length), onProgress: (p) => (progress = p.bytes / p.totalBytes) });
  clearInterval(timer);
  assert.equal(loaded.traces.length, count);
  assert.equal(firstPage, 100);
  assert.equal(progress, 1);
  assert.ok(ticks > 5, `a timer ran ${ticks} times while the file was read`);
});

test('any format: raw model outputs are annotated offline (Show Dataset Report on them showed 0 traces)', async () => {
  const file = join(dir, 'raw-outputs.jsonl');
  writeFileSync(file, [0, 1, 2].map((i) => JSON.stringify({ id: `raw-${i}`, problem: 'What is 17 + 25?', answer: '42', output: think })).join('\n') + '\n');
  const ours = await readTraceFile(file);
  assert.equal(ours.traces.length, 0, 'not our trace format');
  const any = await readAnyTraces(file);
  assert.equal(any.traces.length, 3);
  assert.ok(any.traces.every((t) => t.final.correct === true && t.episodes.length > 0));
});

test('the payload worker computes the payload the host would', async () => {
  const file = join(dir, 'many.trace.jsonl');
  const where = { file, name: 'many' };
  const workerFile = join(__dirname, '../../src/extension/dataset/payloadWorker.ts');
  const fromWorker = await payloadInWorker(workerFile, { path: file, where }, { evalCode: `require('tsx/cjs'); require(${JSON.stringify(workerFile)});` });
  const here = datasetPayload((await readAnyTraces(file)).traces, where, []);
  assert.equal(fromWorker.rows.length, 600);
  assert.deepEqual(fromWorker.rows, here.rows);
  assert.deepEqual({ ...fromWorker.report, generatedAt: null }, { ...here.report, generatedAt: null });
});
