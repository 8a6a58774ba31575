/**
 * The CLI contract, case 3 of issue 9: SIGINT, SIGTERM and SIGHUP all stop a run cleanly.
 * `solve -o` saves the valid partial trace (readable by our reader); its output folder is made
 * or refused before any model request; an existing directory as `-o` is refused without a stray
 * temp file. A dataset job stopped by a signal marks its `.job.json` `stopped`, keeps every
 * finished record, and `--resume` completes it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRecords } from '../../src/io/read-records';
import { startFakeOllama } from '../fake-ollama/server';
import { FRACTION_PROBLEM, SUM_PROBLEM } from '../fake-ollama/problems';
import { runBounded, startCli, STACK_FRAME } from './spawn';

const MODEL = 'deepseek-r1:7b';
const EXIT_FOR: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

const modelRequests = (fake: { requests: { path: string }[] }) => fake.requests.filter((r) => r.path !== '/api/version').length;

test('case 3: solve -o saves a valid partial trace on SIGINT, SIGTERM and SIGHUP', async () => {
  // The stream holds still after the first episode closes, so every signal lands mid-run
  // (without it, a loaded machine could finish the short run before the signal was handled).
  const fake = await startFakeOllama({ problems: [SUM_PROBLEM], tokenDelayMs: 5, faults: { stallAfterChunks: 60 } });
  try {
    for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'rl-signal-'));
      const out = join(dir, 'run.trace.json');
      // MRT segmentation closes episode 0 when episode 1 opens (auto would merge these short
      // episodes into one that closes only at the end of the run).
      const cli = await startCli(['solve', SUM_PROBLEM.match, '-m', MODEL, '--mode', 'mrt', '--host', fake.url, '-o', out]);
      // The first closed episode: the run is well under way.
      await cli.waitFor('stdout', /^#0 /m);
      // A hang-up usually means the terminal is gone: stdout fails from now on, the save must not.
      if (signal === 'SIGHUP') cli.child.stdout?.destroy();
      cli.child.kill(signal);
      const r = await cli.finished;
      assert.equal(r.signal, null, `${signal}: the CLI handled the signal instead of dying of it`);
      assert.equal(r.code, EXIT_FOR[signal], `${signal}: exit ${r.code}\n${r.stderr}`);
      assert.match(r.stderr, /partial trace saved/);
      assert.doesNotMatch(r.stderr, STACK_FRAME);
      assert.deepEqual(readdirSync(dir), ['run.trace.json'], 'no temp file left');
      const records = [];
      for await (const rec of readRecords(out)) records.push(rec);
      assert.equal(records.length, 1);
      assert.ok(records[0].ok, `our reader reads the partial trace: ${JSON.stringify(records[0])}`);
      const trace = JSON.parse(readFileSync(out, 'utf8')) as { budget?: { stop?: string }; episodes: unknown[] };
      assert.equal(trace.budget?.stop, 'cancelled');
      assert.ok(trace.episodes.length >= 1, 'the episodes so far are kept');
    }
  } finally {
    await fake.close();
  }
});

test('case 3: solve -o whose stdout is closed (the terminal or reader went, no signal) stops and saves the partial trace', async () => {
  // Many episodes: the CLI prints an episode line after stdout is closed, whatever the load.
  const long = { ...SUM_PROBLEM, match: 'Add 17 and 25, slowly.', episodes: Array.from({ length: 12 }, (_, i) => SUM_PROBLEM.episodes[i % 3]), accuracy: Array.from({ length: 13 }, () => 0.5), hedge: undefined };
  const fake = await startFakeOllama({ problems: [long], tokenDelayMs: 25 });
  try {
    const dir = mkdtempSync(join(tmpdir(), 'rl-signal-'));
    const out = join(dir, 'run.trace.json');
    const cli = await startCli(['solve', long.match, '-m', MODEL, '--mode', 'mrt', '--host', fake.url, '-o', out]);
    await cli.waitFor('stdout', /^#0 /m);
    cli.child.stdout?.destroy();
    const r = await cli.finished;
    // Before: the next episode line hit EPIPE and the CLI exited 0 with nothing saved.
    assert.equal(r.code, 141, `exit ${r.code}\n${r.stderr}`);
    assert.match(r.stderr, /cancelled \(output closed\); partial trace saved/);
    const trace = JSON.parse(readFileSync(out, 'utf8')) as { budget?: { stop?: string }; episodes: unknown[] };
    assert.equal(trace.budget?.stop, 'cancelled');
    assert.ok(trace.episodes.length >= 1);
  } finally {
    await fake.close();
  }
});

test('case 3: solve -o makes a missing folder up front, and refuses an impossible one or a directory before any model request', async () => {
  const fake = await startFakeOllama({ problems: [SUM_PROBLEM] });
  try {
    const dir = mkdtempSync(join(tmpdir(), 'rl-signal-'));
    writeFileSync(join(dir, 'file.txt'), 'x');
    mkdirSync(join(dir, 'existing'));
    for (const [what, out, pattern] of [
      ['a parent that is a file', join(dir, 'file.txt', 'sub', 't.trace.json'), /not a directory/],
      ['an existing directory', join(dir, 'existing'), /is a directory/],
    ] as const) {
      const r = await runBounded(['solve', SUM_PROBLEM.match, '-m', MODEL, '--host', fake.url, '-o', out], { boundMs: 20_000 });
      assert.equal(r.code, 2, `${what}: exit ${r.code}\n${r.stderr}`);
      assert.match(r.stderr, pattern, what);
      assert.doesNotMatch(r.stderr, STACK_FRAME, what);
      assert.equal(modelRequests(fake), 0, `${what}: refused before any model request`);
    }
    assert.deepEqual(readdirSync(join(dir, 'existing')), [], 'no stray temp file in the directory');
    assert.deepEqual(readdirSync(dir).sort(), ['existing', 'file.txt'], 'no stray temp file beside it');

    const out = join(dir, 'new', 'deeper', 't.trace.json');
    const ok = await runBounded(['solve', SUM_PROBLEM.match, '-m', MODEL, '--host', fake.url, '-o', out], { boundMs: 30_000 });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((JSON.parse(readFileSync(out, 'utf8')) as { final: { answer: string } }).final.answer, '42');
  } finally {
    await fake.close();
  }
});

test('case 3: a dataset job stopped by SIGTERM or SIGHUP marks its job file stopped, keeps finished records, and resumes to completion', async () => {
  const fake = await startFakeOllama({ problems: [SUM_PROBLEM, FRACTION_PROBLEM], tokenDelayMs: 8 });
  const ids = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7'];
  try {
    for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'rl-signal-'));
      const set = join(dir, 'set.jsonl');
      writeFileSync(set, ids.map((id, i) => JSON.stringify({ id, problem: (i % 2 ? FRACTION_PROBLEM : SUM_PROBLEM).match })).join('\n') + '\n');
      const out = join(dir, 'run.trace.jsonl');
      const args = ['annotate', set, '-o', out, '--model', MODEL, '--host', fake.url, '--no-report'];
      const cli = await startCli(args);
      await cli.waitFor('stderr', /\[1\/8\]/);
      cli.child.kill(signal);
      const r = await cli.finished;
      assert.equal(r.signal, null, `${signal}: handled`);
      assert.equal(r.code, EXIT_FOR[signal], `${signal}: exit ${r.code}\n${r.stderr}`);
      const sidecar = JSON.parse(readFileSync(`${out}.job.json`, 'utf8')) as { status: string };
      assert.equal(sidecar.status, 'stopped', `${signal}: the job file says stopped`);
      const kept = readFileSync(out, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
      assert.ok(kept.length >= 1 && kept.length < ids.length, `${signal}: stopped part-way (${kept.length} kept)`);
      assert.ok(!readdirSync(dir).some((f) => f.endsWith('.lock')), 'the lock is released');

      const resumed = await runBounded([...args, '--resume'], { boundMs: 60_000 });
      assert.equal(resumed.code, 0, resumed.stderr);
      const all = readFileSync(out, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
      assert.deepEqual([...all].sort(), ids, 'every id exactly once after --resume');
    }
  } finally {
    await fake.close();
  }
});

test('case 3: a command without a graceful stop (offline annotate) exits 128 + N on SIGTERM/SIGHUP, leaving no temp file and no half output', async () => {
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'rl-signal-'));
    const out = join(dir, 'out.jsonl');
    const line = `${JSON.stringify({ id: 't1', problem: 'What is 1+1?', output: '<think>1+1 is 2.</think>The answer is \\boxed{2}.', gold: '2' })}\n`;
    // stdin stays open: the command has started its output (a temp file) and waits for more input.
    const cli = await startCli(['annotate', '-', '-o', out], { stdin: line, keepStdinOpen: true });
    await waitForFile(dir, /^\.out\.jsonl\.\d+\.tmp$/, cli);
    cli.child.kill(signal);
    const r = await cli.finished;
    assert.equal(r.signal, null, `${signal}: handled`);
    assert.equal(r.code, EXIT_FOR[signal], `${signal}: exit ${r.code}\n${r.stderr}`);
    assert.deepEqual(readdirSync(dir), [], `${signal}: no temp file, no partial output`);
    assert.equal(existsSync(out), false);
  }
});

/** Resolves when a file matching `name` appears in `dir` (checked on each tick of a bounded loop). */
async function waitForFile(dir: string, name: RegExp, cli: { finished: Promise<unknown>; stderr: string }, ms = 20_000): Promise<void> {
  let ended = false;
  void cli.finished.then(() => (ended = true));
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (readdirSync(dir).some((f) => name.test(f))) return;
    if (ended) throw new Error(`the CLI ended before ${name} appeared:\n${cli.stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no ${name} in ${dir} within ${ms} ms:\n${cli.stderr}`);
}
