/** Inspect logs, lm-eval samples, lighteval Parquet and harmony text through the bundled CLI, offline. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateTrace } from '../../src/core/schema';
import type { Trace } from '../../src/core/trace';
import { EVAL_FORMAT_FIXTURES, inspectEvalBytes } from '../formats/fixtures/files';
import { SAMPLE_REASONING_BLOCK, SAMPLE_TOOL_LOOP } from '../formats/fixtures/inspect-samples';
import { dataPath, skipWithoutData } from '../support/shared-data';
import { cliBundle, runCli } from './helpers';

const tmp = mkdtempSync(join(tmpdir(), 'rl-eval-formats-'));

before(async () => {
  await cliBundle();
});

function traces(text: string): Trace[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const r = validateTrace(JSON.parse(l));
      assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
      return r.trace;
    });
}

for (const command of ['segment', 'annotate'] as const) {
  test(`${command} reads every eval-log format, with its source kind and the thinking kept`, async () => {
    const dir = join(tmp, command);
    mkdirSync(dir, { recursive: true });
    for (const f of EVAL_FORMAT_FIXTURES) {
      const input = f.write(dir);
      const out = join(tmp, `${command}-${f.file}.trace.jsonl`);
      const r = await runCli([command, input, '-o', out]);
      assert.equal(r.code, 0, `${f.name}: ${r.stderr}`);
      const got = traces(readFileSync(out, 'utf8'));
      assert.ok(got.length > 0, f.name);
      for (const t of got) assert.equal(t.source.kind, f.kind, f.name);
      const withThinking = got.filter((t) => t.thinking !== '');
      assert.ok(f.allReasoning ? withThinking.length === got.length : withThinking.length > 0, `${f.name}: thinking kept`);
      for (const t of withThinking) assert.ok(t.episodes.length > 0, `${f.name}: segmented`);
      for (const t of got.filter((x) => x.thinking === '')) assert.equal(t.source.extra?.noReasoning, true, `${f.name}: no reasoning said so`);
    }
  });

  test(`${command} reads the real Inspect logs (no reasoning: each trace says so)`, { skip: skipWithoutData('formats', 'inspect') }, async () => {
    for (const file of ['log_formats.eval', 'log_formats.json', 'log_read_sample.eval', 'log_streaming.eval']) {
      const out = join(tmp, `${command}-real-${file}.trace.jsonl`);
      const r = await runCli([command, dataPath('formats', 'inspect', file), '-o', out]);
      assert.equal(r.code, 0, `${file}: ${r.stderr}`);
      const got = traces(readFileSync(out, 'utf8'));
      assert.equal(got.length, file === 'log_streaming.eval' ? 4 : 1, file);
      for (const t of got) {
        assert.equal(t.source.kind, 'import:inspect');
        assert.equal(t.source.extra?.noReasoning, true);
        assert.match(String(t.gold), /Yes|No/);
      }
    }
  });
}

test('a folder of .eval logs is walked; a bad sample is reported as file:samples/x.json: field: message and the rest is written', async () => {
  const dir = join(tmp, 'logs');
  mkdirSync(dir, { recursive: true });
  const bad = { id: 'bad', epoch: 1, input: 'q', target: 'a', messages: [{ role: 'assistant', content: [{ type: 'reasoning', reasoning: 7 }] }] };
  writeFileSync(join(dir, 'run.eval'), inspectEvalBytes([SAMPLE_REASONING_BLOCK, bad, SAMPLE_TOOL_LOOP]));
  const out = join(tmp, 'logs.out.jsonl');
  const r = await runCli(['annotate', dir, '-o', out]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /run\.eval:samples\/bad_epoch_1\.json: messages\[0\]\.content\[0\]\.reasoning: must be a string, got number/);
  assert.deepEqual(traces(readFileSync(out, 'utf8')).map((t) => t.id), ['7@epoch2#1', '7@epoch2#2', 'gsm8k-1']);
});
