/**
 * The job output lock in one process (the extension host runs every job in one process): a
 * second lock on the same output is refused while the first is held, release removes only its
 * own lock file, a dead owner's lock is taken over, and two jobs started together on one output
 * in the same process write each id once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireOutputLock, LockHeldError } from '../../src/io/lock';
import { canonicalPath, prepareOutput } from '../../src/io/paths';
import { JobConfigError, runDatasetJob } from '../../src/runs/dataset/job';
import { startFakeOpenAI } from '../fake-openai/server';

const MODEL = 'deepseek-r1:1.5b';

test('a held lock refuses a second holder in the same process; release frees it; only the owner removes it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-lock-unit-'));
  const out = join(dir, 'out.trace.jsonl');
  const first = acquireOutputLock(out, 'test one');
  assert.throws(() => acquireOutputLock(out, 'test two'), (e: unknown) => e instanceof LockHeldError && e.owner?.pid === process.pid && /test one/.test(e.message));
  const owner = JSON.parse(readFileSync(first.path, 'utf8')) as { pid: number; host: string; command: string };
  assert.deepEqual([owner.pid, owner.host, owner.command], [process.pid, hostname(), 'test one']);
  first.release();
  assert.equal(existsSync(first.path), false);
  const second = acquireOutputLock(out, 'test two');
  first.release(); // a second release of an old lock must not remove the new owner's file
  assert.ok(existsSync(second.path));
  second.release();
});

test('a lock whose pid is gone on this host is taken over and reported; garbage in the lock file is respected', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-lock-unit-'));
  const out = join(dir, 'out.trace.jsonl');
  const deadPid = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
  writeFileSync(`${out}.lock`, JSON.stringify({ pid: deadPid, host: hostname(), startedAt: 'then', command: 'old' }));
  const lock = acquireOutputLock(out, 'new');
  assert.equal(lock.tookOver?.pid, deadPid);
  lock.release();
  writeFileSync(`${out}.lock`, 'not json');
  assert.throws(() => acquireOutputLock(out, 'new'), /cannot be read/);
});

test('paths: a missing output resolves through its existing folders; /proc is refused without touching it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-lock-unit-'));
  assert.equal(canonicalPath(join(dir, 'x', '..', 'a', 'b.jsonl')), join(canonicalPath(dir), 'a', 'b.jsonl'));
  assert.throws(() => prepareOutput('/proc/rl-no-such/x.jsonl'), /\/proc is a kernel file system/);
  assert.equal(prepareOutput(join(dir, 'new', 'b.jsonl')), join(canonicalPath(dir), 'new', 'b.jsonl'));
  assert.ok(existsSync(join(dir, 'new')), 'the folder is made');
});

test('two jobs started together on one output in one process: one is refused naming the lock, each id is written once', async () => {
  const problems = Array.from({ length: 6 }, (_, i) => ({ problem: `Compute ${i} plus ${i}.`, gold: String(2 * i) }));
  const fake = await startFakeOpenAI({ models: [MODEL], problems, chunkDelayMs: 2 });
  const dir = mkdtempSync(join(tmpdir(), 'rl-lock-unit-'));
  const input = join(dir, 'set.jsonl');
  writeFileSync(input, problems.map((p, i) => JSON.stringify({ id: `q${i}`, problem: p.problem, answer: p.gold })).join('\n') + '\n');
  const output = join(dir, 'out.trace.jsonl');
  try {
    const job = () => runDatasetJob({ input, output, models: [MODEL], hosts: [fake.url], backend: 'openai', resume: true, report: false });
    const results = await Promise.allSettled([job(), job()]);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(refused.length, 1, JSON.stringify(results.map((r) => r.status)));
    assert.ok(refused[0].reason instanceof JobConfigError);
    assert.match((refused[0].reason as Error).message, new RegExp(`in use by another job: pid ${process.pid}`));
    const ids = readFileSync(output, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
    assert.deepEqual([...ids].sort(), problems.map((_, i) => `q${i}`));
    assert.equal(existsSync(`${output}.lock`), false);
  } finally {
    await fake.close();
  }
});
