/**
 * A dataset job over a trace file reports what the readers warn about (a line with bytes that
 * are not UTF-8, an id repeated from an earlier line) as `file:line: field: message`, counted as
 * warnings (the records are still annotated), and --strict refuses them before any model work.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeOllama } from '../fake-ollama/server';
import { SAMPLE_PROBLEMS, SUM_PROBLEM } from '../fake-ollama/problems';
import { runCli } from '../cli/helpers';
import { loadInput } from '../../src/runs/dataset/input';

const MODEL = 'deepseek-r1:7b';
const trace = (id: string, extra = '') => JSON.stringify({ id, problem: SUM_PROBLEM.match, output: `<think>I add the numbers${extra}.\n\nWait, check it again.</think>The answer is \\boxed{42}.`, gold: '42' });

function traceFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rl-input-warnings-'));
  const path = join(dir, 'traces.jsonl');
  // line 2: a byte that is not UTF-8 inside a string; line 3: the id of line 1 again.
  const [head, tail] = trace('b', ' caf@').split('@'); // the byte goes inside a string: the line still parses
  writeFileSync(path, Buffer.concat([Buffer.from(`${trace('a')}\n${head}`), Buffer.from([0xe9]), Buffer.from(`${tail}\n${trace('a')}\n`)]));
  return path;
}

test('loadInput keeps the readers\' warnings apart from unusable records', async () => {
  const loaded = await loadInput(traceFile());
  assert.equal(loaded.items.length, 3, 'every record is still read');
  assert.deepEqual(loaded.issues, []);
  assert.deepEqual(
    loaded.warnings.map((w) => [w.where.replace(/^.*\//, ''), w.field, w.message.slice(0, 20)]),
    [
      ['traces.jsonl:2', '(line)', 'invalid UTF-8 (bytes'],
      ['traces.jsonl:3', 'id', 'duplicate of line 1;'],
    ],
  );
});

test('annotate --model job over traces prints the warnings as file:line: field: message; --strict refuses them', { timeout: 120_000 }, async () => {
  const fake = await startFakeOllama({ problems: SAMPLE_PROBLEMS });
  try {
    const input = traceFile();
    const out = join(mkdtempSync(join(tmpdir(), 'rl-input-warnings-out-')), 'probed.trace.jsonl');
    const run = await runCli(['annotate', input, '-o', out, '--model', MODEL, '--host', fake.url, '--samples', '1']);
    assert.match(run.stderr, /traces\.jsonl:2: \(line\): invalid UTF-8 \(bytes that are not UTF-8 were read as U\+FFFD\) \(warning\)/);
    assert.match(run.stderr, /traces\.jsonl:3: id: duplicate of line 1; written as "a#2" \(warning\)/);
    assert.match(run.stderr, /3 record\(s\), 0 already done, 3 to do, 2 input warning\(s\)/);
    assert.match(run.stderr, /0 unusable input record\(s\), 2 input warning\(s\)/);
    assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 3, 'the records are annotated, not skipped');

    const strictOut = join(mkdtempSync(join(tmpdir(), 'rl-input-warnings-out-')), 'strict.trace.jsonl');
    const before = fake.requests.length;
    const strict = await runCli(['annotate', input, '-o', strictOut, '--model', MODEL, '--host', fake.url, '--samples', '1', '--strict']);
    assert.equal(strict.code, 2, strict.stderr);
    assert.match(strict.stderr, /2 input warning\(s\) \(--strict\)/);
    assert.match(strict.stderr, /traces\.jsonl:2: \(line\): invalid UTF-8/);
    assert.equal(fake.requests.length, before, 'no model work');
    assert.equal(existsSync(strictOut), false);
  } finally {
    await fake.close();
  }
});

test('the job\'s input report has one form, file:line: field: message, for the CLI and the extension', async () => {
  const { inputReportLines } = await import('../../src/runs/dataset/job');
  const lines = inputReportLines({
    inputIssues: [{ where: 'set.jsonl:4', field: 'problem', message: 'empty' }, { where: 'set.jsonl:9', message: 'invalid JSON \u001b[31mred' }],
    inputWarnings: [{ where: 'traces.jsonl:3', field: 'id', message: 'duplicate of line 1; written as "a#2"' }],
  });
  assert.deepEqual(lines, [
    'set.jsonl:4: problem: empty (skipped)',
    'set.jsonl:9: (record): invalid JSON red (skipped)',
    'traces.jsonl:3: id: duplicate of line 1; written as "a#2" (warning)',
  ]);
});
