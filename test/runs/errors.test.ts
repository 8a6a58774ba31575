import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeOllama } from '../fake-ollama/server';
import { OllamaBackend } from '../../src/model/ollama';
import { startSolve } from '../../src/runs/solve';
import { validateTrace } from '../../src/core/schema';
import type { Trace } from '../../src/core/trace';
import { collect, ofType, productProblem } from './scripted';

const problems = [productProblem('PROBLEM-ERR', 4, [0, 0.25, 0.5, 0.75, 1])];

function valid(trace: Trace): Trace {
  const v = validateTrace(trace);
  assert.ok(v.ok, v.ok ? '' : JSON.stringify(v.errors));
  return trace;
}

test('cancel mid-stream: a valid partial trace, and the server saw the disconnect', async (t) => {
  const fake = await startFakeOllama({ problems, tokenDelayMs: 3 });
  t.after(() => fake.close());
  const run = startSolve(new OllamaBackend({ host: fake.url }), { problem: 'PROBLEM-ERR', model: 'deepseek-r1:7b', gold: '42', segment: { mode: 'mrt' }, progress: { samples: 2 } });
  const events: string[] = [];
  run.on((e) => {
    events.push(e.type);
    if (e.type === 'episode-closed' && e.episode.index === 0) run.cancel();
  });
  const trace = valid(await run.finished);
  assert.equal(trace.budget?.stop, 'cancelled');
  assert.match(trace.error ?? '', /cancelled/i);
  assert.ok(trace.episodes.length >= 1 && trace.episodes.length < 4, `${trace.episodes.length} episodes kept`);
  assert.ok(trace.thinking.includes('pass 1') || trace.thinking.length > trace.episodes[0].end, 'text after the last closed episode is kept');
  assert.equal(trace.truncated, true);
  assert.ok((trace.budget?.decisions ?? []).some((d) => d.kind === 'cancelled'));
  assert.equal(events.at(-1), 'error');
  assert.deepEqual(run.snapshot(), trace);
  // The disconnect reaches the server asynchronously; wait for it without a timed assertion.
  while (fake.disconnects < 1) await new Promise((r) => setTimeout(r, 5));
  assert.ok(fake.disconnects >= 1);
});

test('snapshot is a valid partial trace while the run streams', async (t) => {
  const fake = await startFakeOllama({ problems, tokenDelayMs: 2 });
  t.after(() => fake.close());
  const run = startSolve(new OllamaBackend({ host: fake.url }), { problem: 'PROBLEM-ERR', model: 'deepseek-r1:7b', segment: { mode: 'mrt' } });
  let checked = 0;
  run.on((e) => {
    if (e.type === 'episode-closed') {
      const snap = valid(run.snapshot());
      assert.ok(snap.episodes.length >= 1);
      checked++;
    }
  });
  valid(await run.finished);
  assert.ok(checked >= 3);
});

test('a missing model gives one clear error and a valid empty trace', async (t) => {
  const fake = await startFakeOllama({ problems });
  t.after(() => fake.close());
  const { trace, events } = await collect(startSolve(new OllamaBackend({ host: fake.url }), { problem: 'PROBLEM-ERR', model: 'nope:1b' }));
  valid(trace);
  assert.equal(trace.budget?.stop, 'error');
  const errors = ofType(events, 'error');
  assert.equal(errors.length, 1);
  assert.equal(errors[0].kind, 'model-missing');
  assert.match(errors[0].message, /nope:1b/);
  assert.equal(trace.error, errors[0].message);
});

test('an unreachable server gives one clear error', async () => {
  const closed = await startFakeOllama();
  const url = closed.url;
  await closed.close();
  const { trace, events } = await collect(startSolve(new OllamaBackend({ host: url }), { problem: 'x', model: 'deepseek-r1:7b' }));
  valid(trace);
  assert.equal(ofType(events, 'error')[0]?.kind, 'unreachable');
});

test('server killed mid-stream: error, partial trace kept, no hang', async (t) => {
  const fake = await startFakeOllama({ problems, tokenDelayMs: 2 });
  let closed = false;
  t.after(() => (closed ? undefined : fake.close()));
  const run = startSolve(new OllamaBackend({ host: fake.url }), { problem: 'PROBLEM-ERR', model: 'deepseek-r1:7b', gold: '42', segment: { mode: 'mrt' } });
  run.on((e) => {
    if (e.type === 'episode-closed' && e.episode.index === 1 && !closed) {
      closed = true;
      void fake.close();
    }
  });
  const { trace, events } = await collect(run);
  valid(trace);
  assert.equal(trace.budget?.stop, 'error');
  assert.ok(trace.error && trace.error.length > 0);
  assert.ok(trace.episodes.length >= 2, 'episodes received before the failure are kept');
  assert.equal(ofType(events, 'error').length, 1);
});

test('a mid-stream error line from the server ends the run with its message', async (t) => {
  const fake = await startFakeOllama({ problems, faults: { midStreamError: { afterChunks: 40, message: 'GPU fell over' } } });
  t.after(() => fake.close());
  const { trace } = await collect(startSolve(new OllamaBackend({ host: fake.url }), { problem: 'PROBLEM-ERR', model: 'deepseek-r1:7b', segment: { mode: 'mrt' } }));
  valid(trace);
  assert.equal(trace.budget?.stop, 'error');
  assert.match(trace.error ?? '', /GPU fell over/);
  assert.ok(trace.thinking.length > 0);
});

test('a stalled stream ends with a timeout error instead of hanging', async (t) => {
  const fake = await startFakeOllama({ problems, faults: { stallAfterChunks: 10 } });
  t.after(() => fake.close());
  const { trace, events } = await collect(
    startSolve(new OllamaBackend({ host: fake.url }), { problem: 'PROBLEM-ERR', model: 'deepseek-r1:7b', idleTimeoutMs: 200 }),
  );
  valid(trace);
  assert.equal(trace.budget?.stop, 'error');
  assert.equal(ofType(events, 'error')[0].kind, 'timeout');
  assert.ok(trace.thinking.length > 0);
});

test('a malformed line in the stream is skipped; the rest of the trace arrives', async (t) => {
  // A hand-written server: the fake only writes valid JSON lines.
  const chunk = (thinking: string, content = '') => JSON.stringify({ model: 'm', created_at: '2026-01-01T00:00:00Z', message: { role: 'assistant', content, thinking }, done: false });
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.url === '/api/show') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ capabilities: ['completion', 'thinking'], details: { family: 'qwen2' }, template: '<｜User｜>' }));
        return;
      }
      if (req.url === '/api/version') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"version":"0.12.6"}');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      res.write(chunk('First I add. ') + '\n');
      res.write('{"model": "m", this is not json\n');
      res.write(chunk('So the answer is 42.') + '\n');
      res.write(chunk('', 'The answer is \\boxed{42}.') + '\n');
      res.end(JSON.stringify({ model: 'm', created_at: '2026-01-01T00:00:00Z', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', eval_count: 9 }) + '\n');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const warn = console.warn;
  console.warn = () => {}; // ollama-js warns about the bad line
  try {
    const { trace } = await collect(startSolve(new OllamaBackend({ host: url }), { problem: 'p', model: 'deepseek-r1:7b', gold: '42' }));
    valid(trace);
    assert.equal(trace.budget?.stop, 'done');
    assert.equal(trace.thinking, 'First I add. So the answer is 42.');
    assert.equal(trace.final.answer, '42');
  } finally {
    console.warn = warn;
  }
});

test('invalid options end the run with a message naming the field', async () => {
  const fake = await startFakeOllama({ problems });
  try {
    const { trace, events } = await collect(
      startSolve(new OllamaBackend({ host: fake.url }), { problem: 'p', model: 'deepseek-r1:7b', budget: { vote: { n: 2, m: 3 } } }),
    );
    valid(trace);
    assert.match(ofType(events, 'error')[0].message, /budget\.vote\.m/);
  } finally {
    await fake.close();
  }
});
