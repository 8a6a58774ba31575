import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDatasetJob, type JobEvent } from '../../src/runs/dataset/job';
import { readTraceFile } from '../../src/runs/dataset/report';
import { startFakeOpenAI } from '../fake-openai/server';
import { startFakeOllama } from '../fake-ollama/server';
import { SAMPLE_PROBLEMS } from '../fake-ollama/problems';
import { dataPath, skipWithoutData } from './data';

const MODEL = 'deepseek-r1:1.5b';
const PROBLEMS = Array.from({ length: 8 }, (_, i) => ({ problem: `What is ${i} plus ${i + 10}?`, gold: String(2 * i + 10) }));
const FAST_RETRY = { backoffMs: 5, maxBackoffMs: 20, maxConsecutiveFailures: 2 };

function workdir() {
  const dir = mkdtempSync(join(tmpdir(), 'rl-job-'));
  const input = join(dir, 'set.jsonl');
  writeFileSync(input, PROBLEMS.map((p, i) => JSON.stringify({ idx: i, question: p.problem, answer: `work\n#### ${p.gold}` })).join('\n') + '\n');
  return { dir, input, output: join(dir, 'out.trace.jsonl') };
}

function ids(output: string): string[] {
  return readFileSync(output, 'utf8').trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id);
}

test('problem set over two hosts: each record once, both hosts used, graded, probed, report written', async () => {
  const a = await startFakeOpenAI({ models: [MODEL], problems: PROBLEMS, chunkDelayMs: 1 });
  const b = await startFakeOpenAI({ models: [MODEL], problems: PROBLEMS, chunkDelayMs: 1 });
  const w = workdir();
  try {
    const r = await runDatasetJob({ input: w.input, output: w.output, models: [MODEL], hosts: [a.url, b.url], backend: 'openai', concurrency: 2, samples: 2 });
    assert.equal(r.status, 'done');
    assert.equal(r.written, 8);
    assert.deepEqual(ids(w.output).sort(), ['0', '1', '2', '3', '4', '5', '6', '7']);
    assert.ok(r.hosts.every((h) => h.completed > 0), `both hosts served: ${JSON.stringify(r.hosts)}`);
    const { traces } = await readTraceFile(w.output);
    for (const t of traces) {
      assert.equal(t.final.correct, true, t.id);
      assert.equal(t.gold, PROBLEMS[Number(t.id)].gold);
      assert.ok(t.episodes.length >= 3 && t.episodes.every((e) => e.progress), `${t.id} probed`);
      assert.equal(t.episodes[0].progress!.mu, 0, 'before the correction, probes answer wrong');
      assert.equal(t.episodes[1].progress!.mu, 1);
      assert.equal(t.source.extra?.input, `${w.input}: line ${Number(t.id) + 1}`);
    }
    assert.equal(r.report!.report.overall.accuracy, 1);
    assert.ok(existsSync(join(w.dir, 'out.report.md')) && existsSync(join(w.dir, 'out.report.html')));
    const side = JSON.parse(readFileSync(`${w.output}.job.json`, 'utf8'));
    assert.equal(side.status, 'done');
    assert.equal(side.counts.finished, 8);
  } finally {
    await a.close();
    await b.close();
  }
});

test('a failing host backs off, leaves the rotation, and its work moves to the other', async () => {
  const bad = await startFakeOpenAI({ models: [MODEL], problems: PROBLEMS });
  const good = await startFakeOpenAI({ models: [MODEL], problems: PROBLEMS });
  bad.setFault({ kind: 'http', status: 503, message: 'overloaded' });
  const w = workdir();
  const events: JobEvent[] = [];
  try {
    const r = await runDatasetJob({ input: w.input, output: w.output, models: [MODEL], hosts: [bad.url, good.url], backend: 'openai', concurrency: 2, retry: FAST_RETRY, onEvent: (e) => events.push(e) });
    assert.equal(r.status, 'done');
    assert.deepEqual(ids(w.output).sort(), ['0', '1', '2', '3', '4', '5', '6', '7']);
    const badReport = r.hosts.find((h) => h.url === bad.url)!;
    assert.equal(badReport.removed, true);
    assert.equal(badReport.completed, 0);
    assert.match(badReport.lastError ?? '', /503|overloaded/);
    assert.equal(r.hosts.find((h) => h.url === good.url)!.completed, 8);
    assert.ok(events.some((e) => e.type === 'host-failed' && e.removed));
  } finally {
    await bad.close();
    await good.close();
  }
});

test('all hosts down: the job stops with a clear message and keeps finished records; resume completes it', async () => {
  const a = await startFakeOpenAI({ models: [MODEL], problems: PROBLEMS });
  const w = workdir();
  try {
    const first = await runDatasetJob({ input: w.input, output: w.output, models: [MODEL], hosts: [a.url], backend: 'openai', limit: 3 });
    assert.equal(first.written, 3);
    a.setFault({ kind: 'drop', afterChunks: 2 });
    const down = await runDatasetJob({ input: w.input, output: w.output, models: [MODEL], hosts: [a.url, 'http://127.0.0.1:1'], backend: 'openai', resume: true, retry: FAST_RETRY });
    assert.equal(down.status, 'stopped');
    assert.match(down.message ?? '', /all hosts are down[\s\S]*127\.0\.0\.1:1[\s\S]*--resume/);
    assert.equal(ids(w.output).length, 3, 'finished records kept, nothing partial written');
    assert.equal(JSON.parse(readFileSync(`${w.output}.job.json`, 'utf8')).status, 'stopped');
    a.setFault({ kind: 'none' });
    const rest = await runDatasetJob({ input: w.input, output: w.output, models: [MODEL], hosts: [a.url], backend: 'openai', resume: true });
    assert.equal(rest.alreadyDone, 3);
    assert.equal(rest.written, 5);
    assert.deepEqual(ids(w.output).sort(), ['0', '1', '2', '3', '4', '5', '6', '7']);
  } finally {
    await a.close();
  }
});

test('resume guards: existing output needs --resume or --force; a changed configuration is refused unless forced', async () => {
  const a = await startFakeOpenAI({ models: [MODEL, 'qwq:32b'], problems: PROBLEMS });
  const w = workdir();
  const base = { input: w.input, output: w.output, hosts: [a.url], backend: 'openai' as const };
  try {
    await runDatasetJob({ ...base, models: [MODEL], limit: 2 });
    await assert.rejects(runDatasetJob({ ...base, models: [MODEL] }), /already exists: pass --resume/);
    await assert.rejects(runDatasetJob({ ...base, models: [MODEL], resume: true, budget: { maxThinkingTokens: 50 } }), (e: Error) => {
      assert.match(e.message, /configuration changed[\s\S]*budget: null → \{"maxThinkingTokens":50\}[\s\S]*--force/);
      return true;
    });
    assert.equal(ids(w.output).length, 2, 'refusal touched nothing');
    const forced = await runDatasetJob({ ...base, models: [MODEL], resume: true, force: true, budget: { maxThinkingTokens: 50 } });
    assert.equal(forced.alreadyDone, 2);
    assert.equal(ids(w.output).length, 8);
    const over = await runDatasetJob({ ...base, models: [MODEL], force: true, limit: 1 });
    assert.equal(over.written, 1);
    assert.equal(ids(w.output).length, 1, '--force without --resume starts over');
  } finally {
    await a.close();
  }
});

test('several models: one record per problem and model, per-model report', async () => {
  const a = await startFakeOpenAI({ models: [MODEL, 'qwq:32b'], problems: PROBLEMS });
  const w = workdir();
  try {
    const r = await runDatasetJob({ input: w.input, output: w.output, models: [MODEL, 'qwq:32b'], hosts: [a.url], backend: 'openai', concurrency: 3, limit: 6 });
    assert.equal(r.written, 6);
    assert.equal(r.total, 16);
    assert.ok(ids(w.output).every((id) => /^\d@(deepseek-r1:1\.5b|qwq:32b)$/.test(id)));
    assert.deepEqual(Object.keys(r.report!.report.models).sort(), [MODEL, 'qwq:32b']);
  } finally {
    await a.close();
  }
});

test('bad input lines are reported with line numbers and skipped, or fail the job with --strict', async () => {
  const a = await startFakeOpenAI({ models: [MODEL], problems: PROBLEMS });
  const w = workdir();
  writeFileSync(w.input, `${JSON.stringify({ question: PROBLEMS[0].problem, answer: '#### 10' })}\n{broken\n${JSON.stringify({ question: '', answer: '1' })}\n`);
  try {
    await assert.rejects(runDatasetJob({ input: w.input, output: w.output, models: [MODEL], hosts: [a.url], backend: 'openai', strict: true }), (e: Error) => {
      assert.match(e.message, /2 unusable input record\(s\) \(--strict\)/);
      assert.match(e.message, /set\.jsonl:2: \(record\): invalid JSON/);
      assert.match(e.message, /set\.jsonl:3: question: /);
      return true;
    });
    assert.equal(existsSync(w.output), false, 'strict failure happens before any output');
    const r = await runDatasetJob({ input: w.input, output: w.output, models: [MODEL], hosts: [a.url], backend: 'openai' });
    assert.equal(r.written, 1);
    assert.equal(r.inputIssues.length, 2);
  } finally {
    await a.close();
  }
});

test('a problem set needs a model; missing input is named', async () => {
  const w = workdir();
  await assert.rejects(runDatasetJob({ input: w.input, output: w.output }), /problem set: name a model/);
  await assert.rejects(runDatasetJob({ input: join(w.dir, 'nope.jsonl'), output: w.output }), /nope\.jsonl does not exist/);
});

test('real traces annotate offline without a model; resume then has nothing to do', { skip: skipWithoutData() }, async () => {
  const w = workdir();
  const input = dataPath('traces/skythought/Sky-T1-math-correct-5K-14B__amc23.jsonl');
  const r = await runDatasetJob({ input, output: w.output });
  assert.equal(r.kind, 'traces');
  assert.equal(r.written, 40);
  const { traces, problems } = await readTraceFile(w.output);
  assert.deepEqual(problems, []);
  assert.ok(traces.every((t) => t.episodes.length > 0 && typeof t.final.correct === 'boolean'));
  assert.ok(r.report!.report.overall.accuracy! > 0.5);
  const again = await runDatasetJob({ input, output: w.output, resume: true });
  assert.equal(again.written, 0);
  assert.equal(again.alreadyDone, 40);
});

test('existing traces get progress probes through a model host', async () => {
  const a = await startFakeOpenAI({ models: [MODEL], problems: PROBLEMS });
  const w = workdir();
  try {
    // Generate traces without probes, then probe them as an existing trace file.
    await runDatasetJob({ input: w.input, output: w.output, models: [MODEL], hosts: [a.url], backend: 'openai', limit: 2, report: false });
    const probedOut = join(w.dir, 'probed.trace.jsonl');
    const r = await runDatasetJob({ input: w.output, output: probedOut, models: [MODEL], hosts: [a.url], backend: 'openai', samples: 3 });
    assert.equal(r.kind, 'traces');
    assert.equal(r.written, 2);
    const { traces } = await readTraceFile(probedOut);
    for (const t of traces) {
      assert.deepEqual(t.episodes.map((e) => e.progress?.mu), [0, 1, 1]);
      assert.equal(t.episodes[1].progress!.delta, 1);
      // Version 2: recipe mrt, prefix 0 probed; oracle cumulative regret over k = 8 prefixes
      // (0 .. full, then the full thinking's mu held): (1 - mu_0) + (1 - 0) + 0 + 0 + 4 x 0.
      assert.equal(t.probes?.recipe, 'mrt');
      const mu0 = t.probes?.prefix0?.mu ?? NaN;
      assert.deepEqual(t.metrics.cumulativeRegret, [{ comparator: 'oracle', k: 8, value: 2 - mu0, normalized: (2 - mu0) / 8 }], 'majority needs 8 answers per prefix: left out at K = 3');
    }
  } finally {
    await a.close();
  }
});

test('the same job through Ollama backends on two fake Ollama hosts, one of them failing with HTTP 500', async () => {
  const a = await startFakeOllama({ problems: SAMPLE_PROBLEMS });
  const b = await startFakeOllama({ problems: SAMPLE_PROBLEMS });
  const broken = await startFakeOllama({ problems: SAMPLE_PROBLEMS, faults: { httpError: { status: 500, error: 'llama runner process has terminated' } } });
  const w = workdir();
  writeFileSync(w.input, SAMPLE_PROBLEMS.map((p, i) => JSON.stringify({ id: `s${i}`, problem: p.match, answer: p.correctAnswer })).join('\n') + '\n');
  try {
    const model = a.models[0].name;
    const r = await runDatasetJob({ input: w.input, output: w.output, models: [model], hosts: [broken.url, a.url, b.url], samples: 2, retry: FAST_RETRY });
    assert.equal(r.status, 'done', r.message);
    assert.equal(r.written, 2);
    assert.equal(r.withErrors, 0, 'the 500s were retried elsewhere, not written as failed records');
    assert.equal(r.hosts[0].completed, 0);
    assert.ok(r.hosts[0].failures > 0, 'the broken host was tried');
    const { traces } = await readTraceFile(w.output);
    assert.ok(traces.every((t) => t.final.correct === true && t.episodes.some((e) => e.progress)), JSON.stringify(traces.map((t) => [t.id, t.final, t.error])));
  } finally {
    await a.close();
    await b.close();
    await broken.close();
  }
});

test('resume of a trace file refuses a changed --output-field (it decides which text is annotated)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-job-fields-'));
  const input = join(dir, 'outs.jsonl');
  const output = join(dir, 'out.trace.jsonl');
  const rows = [
    { problem: 'What is 2+2?', answer: '4', first: '<think>\n2+2 is 4.\n</think>\n\\boxed{4}', second: '<think>\n2+2 is 5.\n</think>\n\\boxed{5}' },
  ];
  writeFileSync(input, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const first = await runDatasetJob({ input, output, mapping: { output: 'first' } });
  assert.equal(first.written, 1);
  await assert.rejects(
    runDatasetJob({ input, output, resume: true, mapping: { output: 'second' } }),
    (e: Error) => /configuration changed[\s\S]*mapping/.test(e.message),
  );
  const same = await runDatasetJob({ input, output, resume: true, mapping: { output: 'first' } });
  assert.equal(same.alreadyDone, 1);
});
