/**
 * The CLI contract, case 2 of issue 9: a dataset job holds an exclusive lock on its output for
 * its whole life (`<out>.lock`: pid, host, start time, command). A second job on the same output
 * is refused naming the holder (fresh or --resume alike), a lock whose pid is dead on this host
 * is stale and taken over, and the output never holds an id twice. `report` counts an id once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeOllama } from '../fake-ollama/server';
import { FRACTION_PROBLEM, SUM_PROBLEM } from '../fake-ollama/problems';
import { runBounded, startCli, STACK_FRAME } from './spawn';

const MODEL = 'deepseek-r1:7b';
const IDS = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'];

function problemSet(): { dir: string; set: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rl-lock-'));
  const set = join(dir, 'set.jsonl');
  const rows = IDS.map((id, i) => {
    const p = i % 2 ? FRACTION_PROBLEM : SUM_PROBLEM;
    return JSON.stringify({ id, problem: p.match, answer: p.correctAnswer });
  });
  writeFileSync(set, rows.join('\n') + '\n');
  return { dir, set, out: join(dir, 'run.trace.jsonl') };
}

function idsIn(path: string): string[] {
  return readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id);
}

test('case 2: a second job on the same output is refused naming the holder; the output has each id once', async () => {
  // Slow tokens keep the first job running while the second starts.
  const fake = await startFakeOllama({ problems: [SUM_PROBLEM, FRACTION_PROBLEM], tokenDelayMs: 8 });
  try {
    for (const secondFlags of [[], ['--resume']]) {
      const w = problemSet();
      const first = await startCli(['annotate', w.set, '-o', w.out, '--model', MODEL, '--host', fake.url, '--resume', '--no-report']);
      await first.waitFor('stderr', /problem set: \d+ record/);
      const second = await runBounded(['annotate', w.set, '-o', w.out, '--model', MODEL, '--host', fake.url, ...secondFlags, '--no-report'], { boundMs: 30_000 });
      assert.equal(second.code, 2, `second job (${secondFlags.join(' ') || 'fresh'}): exit ${second.code}\n${second.stderr}`);
      assert.match(second.stderr, new RegExp(`in use by .*pid ${first.child.pid}.*${hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      assert.doesNotMatch(second.stderr, STACK_FRAME);
      const r = await first.finished;
      assert.equal(r.code, 0, r.stderr);
      assert.equal(existsSync(`${w.out}.lock`), false, 'the lock is released when the job ends');
      assert.deepEqual([...idsIn(w.out)].sort(), IDS, 'every id exactly once');
    }
  } finally {
    await fake.close();
  }
});

test('case 2: two --resume runs started together: one runs, the other is refused; no id twice', async () => {
  const fake = await startFakeOllama({ problems: [SUM_PROBLEM, FRACTION_PROBLEM], tokenDelayMs: 8 });
  const w = problemSet();
  try {
    const args = ['annotate', w.set, '-o', w.out, '--model', MODEL, '--host', fake.url, '--resume', '--no-report'];
    const [a, b] = await Promise.all([runBounded(args, { boundMs: 60_000 }), runBounded(args, { boundMs: 60_000 })]);
    const codes = [a.code, b.code].sort();
    // Both may run one after the other on a very slow machine, never at once.
    if (codes[0] === 0 && codes[1] === 2) assert.match((a.code === 2 ? a : b).stderr, /in use by/);
    else assert.deepEqual(codes, [0, 0], `${a.stderr}\n${b.stderr}`);
    assert.deepEqual([...idsIn(w.out)].sort(), IDS, 'every id exactly once');
  } finally {
    await fake.close();
  }
});

test('case 2: a lock left by a dead process on this host is stale and taken over; a live or foreign holder is not', async () => {
  const fake = await startFakeOllama({ problems: [SUM_PROBLEM, FRACTION_PROBLEM] });
  const w = problemSet();
  try {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(gone.stdout);
    writeFileSync(`${w.out}.lock`, JSON.stringify({ pid: deadPid, host: hostname(), startedAt: new Date().toISOString(), command: 'annotate' }));
    const r = await runBounded(['annotate', w.set, '-o', w.out, '--model', MODEL, '--host', fake.url, '--no-report'], { boundMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`stale lock.*pid ${deadPid}`));
    assert.equal(existsSync(`${w.out}.lock`), false);
    assert.deepEqual([...idsIn(w.out)].sort(), IDS);

    const before = readFileSync(w.out);
    for (const holder of [{ pid: process.pid, host: hostname() }, { pid: 1, host: 'other-host.example' }]) {
      writeFileSync(`${w.out}.lock`, JSON.stringify({ ...holder, startedAt: new Date().toISOString(), command: 'annotate' }));
      const refused = await runBounded(['annotate', w.set, '-o', w.out, '--model', MODEL, '--host', fake.url, '--resume', '--force', '--no-report'], { boundMs: 30_000 });
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, new RegExp(`in use by .*pid ${holder.pid}.*${holder.host.replace(/\./g, '\\.')}`));
      assert.deepEqual(readFileSync(w.out), before, 'the output is untouched');
      assert.ok(existsSync(`${w.out}.lock`), 'a live holder keeps its lock');
    }
  } finally {
    await fake.close();
  }
});

test('case 2: report counts a repeated id once and says which line repeats it', async () => {
  const fake = await startFakeOllama({ problems: [SUM_PROBLEM, FRACTION_PROBLEM] });
  const w = problemSet();
  try {
    const r = await runBounded(['annotate', w.set, '-o', w.out, '--model', MODEL, '--host', fake.url, '--no-report'], { boundMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    const lines = readFileSync(w.out, 'utf8').trim().split('\n');
    const doubled = join(w.dir, 'doubled.trace.jsonl');
    writeFileSync(doubled, [...lines, lines[0]].join('\n') + '\n');
    const rep = await runBounded(['report', doubled], { boundMs: 30_000 });
    assert.equal(rep.code, 1, rep.stderr);
    assert.match(rep.stdout, new RegExp(`^${IDS.length} traces`, 'm'));
    assert.match(rep.stderr, new RegExp(`doubled\\.trace\\.jsonl:${lines.length + 1}: id: "p0" repeats line 1`));
  } finally {
    await fake.close();
  }
});
