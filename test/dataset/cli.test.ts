import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { startFakeOpenAI } from '../fake-openai/server';
import { runCli } from '../cli/helpers';

const MODEL = 'deepseek-r1:1.5b';
const PROBLEMS = [
  { problem: 'What is 3 plus 4?', gold: '7' },
  { problem: 'What is 5 plus 6?', gold: '11' },
];

/** The bundled CLI, built once per process (a tsx start-up per call cost ~1 s of CPU each). */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCli(args);
}

test('CLI: annotate --model --host openai+URL runs a job; report and export read its output', async () => {
  const fake = await startFakeOpenAI({ models: [MODEL], problems: PROBLEMS });
  const dir = mkdtempSync(join(tmpdir(), 'rl-cli-'));
  const input = join(dir, 'set.csv');
  writeFileSync(input, `id,question,answer\n${PROBLEMS.map((p, i) => `p${i},${p.problem},${p.gold}`).join('\n')}\n`);
  const out = join(dir, 'run.trace.jsonl');
  try {
    const run = await cli(['annotate', input, '-o', out, '--model', MODEL, '--host', `openai+${fake.url}`, '--samples', '2', '--concurrency', '2']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /problem set: 2 record\(s\), 0 already done, 2 to do/);
    assert.match(run.stderr, /done: 2 written.*accuracy 100\.0%/);
    assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 2);

    const again = await cli(['annotate', input, '-o', out, '--model', MODEL, '--host', `openai+${fake.url}`, '--samples', '3', '--resume']);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /configuration changed[\s\S]*samples: 2 → 3/);

    const report = await cli(['report', out, '--budgets', '64,1024']);
    assert.equal(report.code, 0, report.stderr);
    assert.match(report.stdout, /2 traces, accuracy 100\.0% \(2\/2\)/);
    assert.ok(existsSync(join(dir, 'run.report.html')));
    assert.match(readFileSync(join(dir, 'run.report.md'), 'utf8'), /\| 64 \|/);

    const trl = await cli(['export', out, '--format', 'trl', '-o', join(dir, 'trl.jsonl')]);
    assert.equal(trl.code, 0, trl.stderr);
    const rows = readFileSync(join(dir, 'trl.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(rows.length, 2);
    assert.deepEqual(rows[0].labels, [false, true, false], 'progress: the correcting episode is the only gain');

    const csv = await cli(['export', out, '--format', 'csv', '-o', join(dir, 'episodes.csv')]);
    assert.equal(csv.code, 0, csv.stderr);
    const parsed = Papa.parse(readFileSync(join(dir, 'episodes.csv'), 'utf8'), { header: true, skipEmptyLines: true });
    assert.equal(parsed.data.length, 6, 'three episodes per trace');

    const ta = await cli(['export', out, '--format', 'thought-anchors', '-o', join(dir, 'ta')]);
    assert.equal(ta.code, 0, ta.stderr);
    assert.ok(existsSync(join(dir, 'ta', 'p0', 'chunks_labeled.json')));

    const bad = await cli(['export', out, '--format', 'nope', '-o', join(dir, 'x')]);
    assert.equal(bad.code, 2);
  } finally {
    await fake.close();
  }
});
