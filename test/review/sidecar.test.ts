import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeAnnotation, type ReviewAnnotation } from '../../src/core/review/annotation';
import { resolveReview, reviewedTraces } from '../../src/core/review/resolve';
import { appendAnnotation, readSidecar, sidecarPathFor } from '../../src/io/review-sidecar';
import { gitUserName, reviewerIdentity } from '../../src/io/reviewer';

const repoRoot = join(import.meta.dirname, '..', '..');
const CHILD = join(repoRoot, 'test/review/sidecar-writer-child.ts');

function tempSidecar(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rl-review-'));
  const trace = join(dir, 'run.trace.jsonl');
  writeFileSync(trace, '{}\n');
  return sidecarPathFor(trace);
}

function runChild(args: string[]): { done: Promise<number | null>; started: Promise<void>; kill: () => void } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const started = new Promise<void>((resolve) => child.stdout.on('data', () => resolve()));
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    if (code !== 0 && code !== null) process.stderr.write(stderr);
    resolve(code);
  }));
  return { done, started, kill: () => child.kill('SIGKILL') };
}

test('two processes appending thousands of lines at once: every line parses, none lost, none merged', async () => {
  const sidecar = tempSidecar();
  const count = 2500;
  const a = runChild([sidecar, 'alice', String(count)]);
  const b = runChild([sidecar, 'bob', String(count)]);
  assert.deepEqual(await Promise.all([a.done, b.done]), [0, 0]);
  const all = readFileSync(sidecar, 'utf8').split('\n');
  assert.equal(all.pop(), '', 'the file ends with a newline');
  // A writer that checks for a trailing newline while the other's line is half written adds a
  // spare newline (src/io/append-line.ts): empty lines are allowed, merged or lost ones are not.
  const lines = all.filter((l) => l !== '');
  assert.equal(lines.length, 2 * count);
  for (const l of lines) JSON.parse(l); // throws on a merged or torn line
  const read = await readSidecar(sidecar);
  assert.deepEqual([read.problems, read.torn], [[], []]);
  for (const who of ['alice', 'bob']) {
    const starts = read.annotations.filter((x) => x.who === who).map((x) => (x.target === 'trace' ? -1 : x.target.start / 10));
    assert.deepEqual(starts, Array.from({ length: count }, (_, i) => i), `${who}'s lines all there, in ${who}'s order`);
  }
  // The two writers really overlapped in time (else this test would prove nothing about concurrency).
  const firstBob = read.annotations.findIndex((x) => x.who === 'bob');
  const lastAlice = read.annotations.map((x) => x.who).lastIndexOf('alice');
  assert.ok(firstBob < lastAlice, 'lines of the two writers interleave');
});

test('SIGKILL while writing multi-page lines: every complete line parses, a torn tail is kept aside, the next append starts a fresh line', async (t) => {
  const sidecar = tempSidecar();
  const w = runChild([sidecar, 'carol', '100000', '7000']);
  await w.started;
  await new Promise((r) => setTimeout(r, 150));
  w.kill();
  await w.done;
  const before = readFileSync(sidecar);
  const after = await readSidecar(sidecar);
  assert.deepEqual(after.problems, []);
  t.diagnostic(`after the kill: ${after.annotations.length} complete lines, ${after.torn.length} torn`);
  assert.ok(after.torn.length <= 1, 'at most the one line being written is torn');
  assert.ok(after.annotations.length >= 1);
  after.annotations.forEach((x, i) => assert.equal(x.kind === 'note' && x.value.startsWith(`carol ${i} `), true));
  appendAnnotation(sidecar, makeAnnotation('dave', new Date(), 't1', 'trace', { kind: 'reviewed', value: true }));
  const again = await readSidecar(sidecar);
  assert.equal(again.annotations.length, after.annotations.length + 1);
  assert.equal(again.annotations.at(-1)?.who, 'dave');
  assert.equal(again.torn.length, after.torn.length, 'a torn fragment stays reported, never glued to the new line');
  assert.ok(readFileSync(sidecar).subarray(0, before.length).equals(before), 'nothing already in the file was changed');
});

test('a torn last line (deterministic): reported with its line number, kept in the file; the next line is whole', async () => {
  const sidecar = tempSidecar();
  appendAnnotation(sidecar, makeAnnotation('erin', new Date('2026-01-01T00:00:00Z'), 't1', { start: 0, end: 5 }, { kind: 'labels', value: ['planning'] }));
  const whole = JSON.stringify(makeAnnotation('erin', new Date('2026-01-01T00:00:01Z'), 't1', { start: 0, end: 5 }, { kind: 'note', value: 'half' }));
  appendFileSync(sidecar, whole.slice(0, 30));
  assert.deepEqual((await readSidecar(sidecar)).torn, [2]);
  appendAnnotation(sidecar, makeAnnotation('erin', new Date('2026-01-01T00:00:02Z'), 't1', { start: 0, end: 5 }, { kind: 'stepVerdict', value: 'bad' }));
  const read = await readSidecar(sidecar);
  assert.deepEqual(read.torn, [2]);
  assert.deepEqual(read.annotations.map((a) => a.kind), ['labels', 'stepVerdict']);
  assert.ok(readFileSync(sidecar, 'utf8').includes(`\n${whole.slice(0, 30)}\n`), 'the fragment is still in the file, on its own line');
});

test('bad lines are problems with a field, not silently dropped; a bad value is refused before it is written', async () => {
  const sidecar = tempSidecar();
  writeFileSync(sidecar, `${JSON.stringify({ v: 1, who: 'x', at: '2026-01-01T00:00:00Z', trace: 't', target: { start: 5, end: 2 }, kind: 'note', value: '' })}\n${JSON.stringify({ v: 1, who: 'x', at: '2026-01-01T00:00:00Z', trace: 't', target: 'trace', kind: 'stepVerdict', value: 'good' })}\n`);
  const read = await readSidecar(sidecar);
  assert.deepEqual(read.problems.map((p) => `${p.line}: ${p.field}`), ['1: target.end', '2: kind']);
  assert.throws(() => appendAnnotation(sidecar, { v: 1, who: 'x', at: 'now', trace: 't', target: 'trace', kind: 'reviewed', value: true } as ReviewAnnotation), /at: must be an ISO 8601 time/);
  assert.throws(() => makeAnnotation('x', new Date(), 't', { start: 0, end: 1 }, { kind: 'note', value: 'n'.repeat(8001) }), /at most 8000 characters/);
});

function at(s: number): Date {
  return new Date(Date.UTC(2026, 0, 1, 0, 0, s));
}

test('latest write per target and kind wins; kinds and targets are independent; per-reviewer filter', () => {
  const thinking = 'First I plan.\n\nWait, check 2+2=4.\n\nSo the answer is 4.';
  const e = [{ start: 0, end: 13 }, { start: 15, end: 33 }, { start: 35, end: 54 }];
  const r = { start: 15, end: 33 };
  const log = [
    makeAnnotation('ann', at(1), 't1', r, { kind: 'stepVerdict', value: 'good' }, thinking),
    makeAnnotation('ann', at(2), 't1', r, { kind: 'labels', value: ['verification'] }, thinking),
    makeAnnotation('bob', at(3), 't1', r, { kind: 'stepVerdict', value: 'bad' }, thinking),
    makeAnnotation('ann', at(4), 't2', r, { kind: 'stepVerdict', value: 'neutral' }, thinking),
    makeAnnotation('ann', at(5), 't1', 'trace', { kind: 'reviewed', value: true }),
    makeAnnotation('ann', at(6), 't1', e[0], { kind: 'stepVerdict', value: 'good' }, thinking),
    makeAnnotation('ann', at(7), 't1', e[0], { kind: 'stepVerdict', value: null }, thinking),
  ];
  const review = resolveReview(log, 't1', e);
  assert.equal(review.episodes.get(1)?.stepVerdict, 'bad');
  assert.deepEqual(review.episodes.get(1)?.labels, ['verification']);
  assert.deepEqual(review.episodes.get(1)?.by.stepVerdict, { who: 'bob', at: at(3).toISOString() });
  assert.equal(review.episodes.get(0)?.stepVerdict, null, 'cleared');
  assert.equal(review.trace.reviewed, true);
  assert.equal(resolveReview(log, 't1', e, 'ann').episodes.get(1)?.stepVerdict, 'good');
  assert.deepEqual([...reviewedTraces(log)], ['t1']);
  assert.equal(review.episodes.get(1)?.quote, 'Wait, check 2+2=4.');
});

test('re-segmentation: ranges equal to an episode attach to it (whatever its index now), others are detached with their quote', () => {
  const thinking = 'Plan: add.\n\nCompute 2+2=4.\n\nWait, verify: 4.\n\nAnswer 4.';
  const old = [{ start: 0, end: 10 }, { start: 12, end: 26 }, { start: 28, end: 44 }, { start: 46, end: 55 }];
  const log = old.map((r, i) => makeAnnotation('ann', at(i), 't1', r, { kind: 'stepVerdict', value: i % 2 ? 'bad' : 'good' }, thinking));
  // New segmentation merges the first two episodes and keeps the last two.
  const now = [{ start: 0, end: 26 }, { start: 28, end: 44 }, { start: 46, end: 55 }];
  const review = resolveReview(log, 't1', now);
  assert.deepEqual([...review.episodes.entries()].map(([i, s]) => [i, s.stepVerdict]), [[1, 'good'], [2, 'bad']]);
  assert.deepEqual(review.detached.map((d) => [d.start, d.end, d.state.stepVerdict, d.state.quote]), [
    [0, 10, 'good', 'Plan: add.'],
    [12, 26, 'bad', 'Compute 2+2=4.'],
  ]);
  // And back: the original segmentation attaches all four again (nothing was dropped).
  assert.equal(resolveReview(log, 't1', old).episodes.size, 4);
});

test('reviewer identity: git user.name, else the OS user', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-who-'));
  const saved = { global: process.env.GIT_CONFIG_GLOBAL, system: process.env.GIT_CONFIG_NOSYSTEM };
  try {
    process.env.GIT_CONFIG_GLOBAL = join(dir, 'no-such-gitconfig');
    process.env.GIT_CONFIG_NOSYSTEM = '1';
    assert.equal(gitUserName(dir), null);
    assert.ok(reviewerIdentity(dir).length > 0);
    writeFileSync(join(dir, 'gitconfig'), '[user]\n\tname = Rita Reviewer\n');
    process.env.GIT_CONFIG_GLOBAL = join(dir, 'gitconfig');
    assert.equal(reviewerIdentity(dir), 'Rita Reviewer');
  } finally {
    for (const [k, v] of [['GIT_CONFIG_GLOBAL', saved.global], ['GIT_CONFIG_NOSYSTEM', saved.system]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});
