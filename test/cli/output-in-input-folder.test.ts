/**
 * An output inside an input folder (issue 9, case 1 through a directory walk): the walker leaves
 * the output out of the inputs, so a user's file there would be skipped and then replaced.
 * An existing one is refused before anything is read, unless --force; a new one is allowed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers';

const TRACE = { id: 't1', problem: 'What is 1+1?', output: '<think>1+1 is 2.</think>The answer is \\boxed{2}.', gold: '2' };
const USERS = { id: 'mine', problem: 'What is 2+2?', output: '<think>2+2 is 4.</think>The answer is \\boxed{4}.', gold: '4' };

function folder(): { dir: string; own: string; bytes: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'rl-out-in-dir-'));
  writeFileSync(join(dir, 'a.jsonl'), `${JSON.stringify(TRACE)}\n`);
  const own = join(dir, 'x.jsonl');
  writeFileSync(own, `${JSON.stringify(USERS)}\n`);
  return { dir, own, bytes: readFileSync(own) };
}

for (const command of ['annotate', 'segment'] as const) {
  test(`${command} DIR -o DIR/x.jsonl, x.jsonl the user's own: refused, byte-identical`, { timeout: 60_000 }, async () => {
    const w = folder();
    const r = await runCli([command, w.dir, '-o', w.own]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /x\.jsonl: is inside the input folder .* and already exists: it would be left out of the inputs and replaced; choose an output outside .*, or pass --force to replace it/);
    assert.deepEqual(readFileSync(w.own), w.bytes);
  });

  test(`${command} DIR -o DIR/x.jsonl --force: replaced, and not read as an input`, { timeout: 60_000 }, async () => {
    const w = folder();
    const r = await runCli([command, w.dir, '-o', w.own, '--force']);
    assert.equal(r.code, 0, r.stderr);
    const ids = readFileSync(w.own, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
    assert.deepEqual(ids, ['t1']);
  });

  test(`${command} DIR -o DIR/new.jsonl (not there yet): allowed, left out of the walk`, { timeout: 60_000 }, async () => {
    const w = folder();
    const out = join(w.dir, 'new.jsonl');
    const r = await runCli([command, w.dir, '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(out));
    assert.deepEqual(readFileSync(w.own), w.bytes);
  });
}

test('a dataset job on DIR with -o DIR/x.jsonl, the user\'s own file: refused before reading', { timeout: 60_000 }, async () => {
  const w = folder();
  const r = await runCli(['annotate', w.dir, '-o', w.own, '--resume']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /inside the input folder .* and already exists/);
  assert.deepEqual(readFileSync(w.own), w.bytes);
  assert.equal(existsSync(`${w.own}.job.json`), false);
});
