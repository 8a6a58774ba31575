/** A dataset job takes each eval-log format as a trace input, one file or a folder, never as a problem set. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInput } from '../../src/runs/dataset/input';
import { EVAL_FORMAT_FIXTURES, inspectEvalBytes } from '../formats/fixtures/files';
import { SAMPLE_REASONING_BLOCK } from '../formats/fixtures/inspect-samples';
import { dataPath, skipWithoutData } from '../support/shared-data';

const tmp = mkdtempSync(join(tmpdir(), 'rl-eval-input-'));

test('each eval-log fixture file loads as traces', async () => {
  for (const f of EVAL_FORMAT_FIXTURES) {
    const loaded = await loadInput(f.write(tmp));
    assert.equal(loaded.kind, 'traces', f.name);
    assert.deepEqual(loaded.issues, [], f.name);
    assert.ok(loaded.items.length > 0, f.name);
  }
});

test('a bad sample in an .eval input is an issue naming the member; the others load', async () => {
  const dir = join(tmp, 'folder');
  mkdirSync(dir);
  const bad = { id: 'bad', epoch: 1, input: 'q', target: 'a', messages: [] };
  writeFileSync(join(dir, 'run.eval'), inspectEvalBytes([SAMPLE_REASONING_BLOCK, bad]));
  const loaded = await loadInput(dir);
  assert.equal(loaded.kind, 'traces');
  assert.equal(loaded.items.length, 1);
  assert.equal(loaded.issues.length, 1);
  assert.match(JSON.stringify(loaded.issues[0]), /samples\/bad_epoch_1\.json/);
});

test('the real Inspect .eval log loads as traces', { skip: skipWithoutData('formats', 'inspect') }, async () => {
  const loaded = await loadInput(dataPath('formats', 'inspect', 'log_streaming.eval'));
  assert.equal(loaded.kind, 'traces');
  assert.equal(loaded.items.length, 4);
});
