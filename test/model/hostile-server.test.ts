// Issue 9, network side: nothing hangs whatever the server does. The real `ollama` client
// against the fake server scripted to ignore num_predict, never answer /api/show, or send a
// garbage line mid-stream. Every wait here is bounded by the code under test: a test that
// hangs is a failure (node --test's own timeout below turns it into one).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Trace } from '../../src/core/trace';
import { OllamaBackend } from '../../src/model/ollama';
import { ModelError } from '../../src/model/types';
import { startSolve } from '../../src/runs/solve';
import { productProblem } from '../runs/scripted';
import { cliBundle, runCli } from '../cli/helpers';
import { startFakeOllama, type FakeOllama } from '../fake-ollama/server';
import { SAMPLE_PROBLEMS, SUM_PROBLEM } from '../fake-ollama/problems';

const TEST_TIMEOUT = { timeout: 30_000 };

let fake: FakeOllama;
before(async () => {
  fake = await startFakeOllama({ problems: [...SAMPLE_PROBLEMS, productProblem('PROBLEM-BUDGET', 4, [0, 0.25, 0.5, 0.75, 1])] });
});
after(() => fake.close());

const forced = { model: 'deepseek-r1:7b', prompt: '<｜User｜>What is 17 + 25?<｜Assistant｜><think>\nIt is 42.\n</think>\n\n\\boxed{' };

describe('case 4: a server that ignores num_predict', () => {
  test('a probe (generateRaw) ends at our chunk cap and says so', TEST_TIMEOUT, async () => {
    fake.setFault({ endlessGenerate: {} });
    try {
      const backend = new OllamaBackend({ host: fake.url });
      const started = Date.now();
      const r = await backend.generateRaw({ ...forced, options: { num_predict: 16 } });
      assert.ok(Date.now() - started < 10_000, 'ended quickly');
      assert.equal(r.cappedBy, 'tokens');
      assert.match(r.doneReason ?? '', /limit/);
      // 2 × num_predict + 32 chunks of "1 " at most.
      assert.ok(r.text.length <= 2 * (2 * 16 + 32), `text of ${r.text.length} chars`);
    } finally {
      fake.setFault(undefined);
    }
  });

  test('empty keep-alive chunks count too: a stream of nothing still ends at the cap', TEST_TIMEOUT, async () => {
    fake.setFault({ endlessGenerate: { emptyChunks: true } });
    try {
      const r = await new OllamaBackend({ host: fake.url }).generateRaw({ ...forced, options: { num_predict: 8 } });
      assert.equal(r.cappedBy, 'tokens');
      assert.equal(r.text, '');
    } finally {
      fake.setFault(undefined);
    }
  });

  test('a slow endless answer ends at our time cap (the idle timeout) even under the chunk cap', TEST_TIMEOUT, async () => {
    const slow = await startFakeOllama({ problems: SAMPLE_PROBLEMS, tokenDelayMs: 20, faults: { endlessGenerate: {} } });
    try {
      const backend = new OllamaBackend({ host: slow.url, idleTimeoutMs: 400 });
      const started = Date.now();
      const r = await backend.generateRaw({ ...forced, options: { num_predict: 100_000 } });
      const took = Date.now() - started;
      assert.equal(r.cappedBy, 'time');
      assert.ok(took >= 400 && took < 8000, `took ${took} ms`);
    } finally {
      await slow.close();
    }
  });

  test('solve --max-thinking: the forced answer is cut at our cap and the trace says so', TEST_TIMEOUT, async () => {
    fake.setFault({ endlessGenerate: { text: '4' } });
    try {
      const run = startSolve(new OllamaBackend({ host: fake.url }), {
        problem: 'PROBLEM-BUDGET',
        model: 'deepseek-r1:7b',
        gold: '42',
        budget: { maxThinkingTokens: 40 },
      });
      const trace: Trace = await run.finished;
      assert.equal(trace.budget?.stop, 'budget');
      const cut = trace.budget?.decisions.find((d) => /cap/.test(d.detail) && /num_predict|forced answer/.test(d.detail));
      assert.ok(cut, `a decision names the cap: ${JSON.stringify(trace.budget?.decisions.map((d) => d.detail))}`);
      assert.ok(trace.response.length < 2000, `response of ${trace.response.length} chars`);
    } finally {
      fake.setFault(undefined);
    }
  });
});

describe('case 4: /api/show honours the timeout and the abort signal', () => {
  test('a hanging /api/show fails after the given timeout, naming it', TEST_TIMEOUT, async () => {
    fake.setFault({ hangShow: true });
    try {
      const backend = new OllamaBackend({ host: fake.url, timeoutMs: 300 });
      const started = Date.now();
      const err = await backend.show('deepseek-r1:7b').then(
        () => null,
        (e: unknown) => e,
      );
      const took = Date.now() - started;
      assert.ok(err instanceof ModelError && err.kind === 'timeout', String(err));
      assert.match(err.message, /300 ms/);
      assert.match(err.message, /--timeout/);
      assert.ok(took < 5000, `took ${took} ms`);
    } finally {
      fake.setFault(undefined);
    }
  });

  test('an abort (Ctrl-C) returns at once while /api/show hangs', TEST_TIMEOUT, async () => {
    fake.setFault({ hangShow: true });
    try {
      const backend = new OllamaBackend({ host: fake.url, timeoutMs: 60_000 });
      const controller = new AbortController();
      const pending = backend.show('qwen3:8b', controller.signal).then(
        () => null,
        (e: unknown) => e,
      );
      // Abort once the server has the request: then the wait is the server's, not ours.
      await waitFor(() => fake.requests.some((r) => r.path === '/api/show' && (r.body as { model?: string })?.model === 'qwen3:8b'));
      const started = Date.now();
      controller.abort();
      const err = await pending;
      assert.ok(err instanceof ModelError && err.kind === 'cancelled', String(err));
      assert.ok(Date.now() - started < 1000, 'returned at once');
    } finally {
      fake.setFault(undefined);
    }
  });

  test('a run cancelled while /api/show hangs finishes at once', TEST_TIMEOUT, async () => {
    fake.setFault({ hangShow: true });
    try {
      const from = fake.requests.length;
      const run = startSolve(new OllamaBackend({ host: fake.url, timeoutMs: 60_000 }), { problem: SUM_PROBLEM.match, model: 'qwq:32b' });
      await waitFor(() => fake.requests.slice(from).some((r) => r.path === '/api/show'));
      const started = Date.now();
      run.cancel();
      const trace = await run.finished;
      assert.equal(trace.budget?.stop, 'cancelled');
      assert.ok(Date.now() - started < 1000, 'finished at once');
    } finally {
      fake.setFault(undefined);
    }
  });
});

describe('case 4: annotate --timeout bounds a job and the stall message names it', () => {
  test('a stall after headers costs at most the timeout per try, retries are shown, the message names --timeout', TEST_TIMEOUT, async () => {
    const stalling = await startFakeOllama({ problems: SAMPLE_PROBLEMS, faults: { stallAfterChunks: 3 } });
    const dir = mkdtempSync(join(tmpdir(), 'rl-9b-'));
    try {
      const input = join(dir, 'problems.jsonl');
      writeFileSync(input, `${JSON.stringify({ id: 'p1', problem: SUM_PROBLEM.match, answer: '42' })}\n`);
      await cliBundle(); // built once per process: not part of what is timed
      const started = Date.now();
      const r = await runCli(['annotate', input, '-o', join(dir, 'out.trace.jsonl'), '--model', 'deepseek-r1:7b', '--host', stalling.url, '--timeout', '500']);
      const took = Date.now() - started;
      // 3 tries of 0.5 s and 1 s + 2 s of backoff, plus starting node (about 5 s; 16 s on a
      // starved two-core machine): what must not happen is 3 × the 2 min default.
      assert.ok(took < 60_000, `took ${took} ms`);
      assert.notEqual(r.code, 0, r.stderr);
      assert.match(r.stderr, /--timeout/);
      assert.match(r.stderr, /500 ms/);
      assert.match(r.stderr, /attempt|retr/i, 'the retry policy is visible');
    } finally {
      await stalling.close();
    }
  });
});

describe('case 10: a garbage line mid-stream', () => {
  test('is reported with the host and the record, and the trace is flagged', TEST_TIMEOUT, async () => {
    fake.setFault({ garbageLine: { afterChunks: 4, text: 'this is not json' } });
    const warned: unknown[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => void warned.push(args);
    try {
      const run = startSolve(new OllamaBackend({ host: fake.url }), { problem: SUM_PROBLEM.match, model: 'deepseek-r1:7b', id: 'rec-7' });
      const trace = await run.finished;
      assert.deepEqual(warned, [], 'nothing printed behind our back');
      const flags = (trace as Trace & { warnings?: string[] }).warnings ?? [];
      assert.equal(flags.length, 1, JSON.stringify(trace.error ?? flags));
      assert.match(flags[0], new RegExp(fake.url.replace(/[.]/g, '\\.')));
      assert.match(flags[0], /this is not json/);
      assert.match(flags[0], /not JSON/);
      assert.ok(trace.thinking.length > 0, 'the rest of the stream was kept');
    } finally {
      console.warn = original;
      fake.setFault(undefined);
    }
  });

  test('solve says so on stderr, naming the host and the trace', TEST_TIMEOUT, async () => {
    const garbled = await startFakeOllama({ problems: SAMPLE_PROBLEMS, faults: { garbageLine: { afterChunks: 4, text: 'this is not json' } } });
    try {
      const r = await runCli(['solve', SUM_PROBLEM.match, '--model', 'deepseek-r1:7b', '--host', garbled.url]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /warning \(trace solve-[^)]+\): .*not JSON.*this is not json/);
      assert.match(r.stderr, new RegExp(garbled.url.replace(/[.]/g, '\\.')));
      assert.doesNotMatch(r.stderr, /invalid json: {2}this/);
    } finally {
      await garbled.close();
    }
  });

  test('annotate names the record on stderr', TEST_TIMEOUT, async () => {
    const garbled = await startFakeOllama({ problems: SAMPLE_PROBLEMS, faults: { garbageLine: { afterChunks: 4, text: 'this is not json' } } });
    const dir = mkdtempSync(join(tmpdir(), 'rl-9b-'));
    try {
      const input = join(dir, 'problems.jsonl');
      writeFileSync(input, `${JSON.stringify({ id: 'rec-7', problem: SUM_PROBLEM.match, answer: '42' })}\n`);
      const out = join(dir, 'out.trace.jsonl');
      const r = await runCli(['annotate', input, '-o', out, '--model', 'deepseek-r1:7b', '--host', garbled.url]);
      assert.match(r.stderr, /rec-7.*not JSON|not JSON.*rec-7/);
      assert.match(r.stderr, new RegExp(garbled.url.replace(/[.]/g, '\\.')));
      assert.doesNotMatch(r.stderr, /invalid json: {2}this/);
      const written = JSON.parse(readFileSync(out, 'utf8').trim().split('\n')[0]) as Trace & { warnings?: string[] };
      assert.equal(written.warnings?.length, 1);
    } finally {
      await garbled.close();
    }
  });
});

/** Polls a condition on the event loop (bounded: fails after 5 s). */
async function waitFor(condition: () => boolean): Promise<void> {
  const until = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met within 5 s');
    await new Promise((r) => setImmediate(r));
  }
}
