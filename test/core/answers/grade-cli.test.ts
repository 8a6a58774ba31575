import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gradeJsonlStream } from '../../../src/cli/commands/grade';
import { cliBundle } from '../../cli/helpers';

const repoRoot = resolve(__dirname, '../../..');

async function grade(lines: string[]): Promise<{ out: string[]; errors: string[]; graded: number; bad: number }> {
  const output = new PassThrough();
  const chunks: string[] = [];
  output.on('data', (c) => chunks.push(String(c)));
  const errors: string[] = [];
  const r = await gradeJsonlStream(Readable.from([lines.join('\n')]), output, 'in.jsonl', (m) => errors.push(m));
  output.end();
  return { out: chunks.join('').split('\n').filter((l) => l !== ''), errors, ...r };
}

test('grade JSONL: verdict appended, original field text and order kept, in order', async () => {
  const r = await grade(['{"id":1, "gold": 27.0, "pred":"27"}', '{"gold":"5","pred":"6","note":"x"}', '{"pred":"\\\\frac12","gold":"0.5"}']);
  assert.deepEqual(r.out, [
    '{"id":1, "gold": 27.0, "pred":"27","equivalent":true,"reason":"exact match after normalisation"}',
    '{"gold":"5","pred":"6","note":"x","equivalent":false,"reason":"different values 5 vs 6"}',
    '{"pred":"\\\\frac12","gold":"0.5","equivalent":true,"reason":"exact match after normalisation"}',
  ]);
  assert.deepEqual([r.graded, r.bad], [3, 0]);
});

test('grade JSONL: bad lines reported as FILE:LINE: message (field), the rest graded', async () => {
  const r = await grade(['\uFEFF{"gold":"1","pred":"1"}', 'not json', '{"gold":"1"}', '', '[1,2]', '{"gold":null,"pred":"2"}', '{"gold":"2","pred":"2"}']);
  assert.equal(r.out.length, 2);
  assert.deepEqual([r.graded, r.bad], [2, 4]);
  assert.match(r.errors[0], /^in\.jsonl:2: invalid JSON/);
  assert.equal(r.errors[1], 'in.jsonl:3: missing field (field "pred")');
  assert.equal(r.errors[2], 'in.jsonl:5: expected a JSON object with "gold" and "pred"');
  assert.equal(r.errors[3], 'in.jsonl:6: expected a string or a number, got null (field "gold")');
});

test('grade JSONL: an existing "equivalent" field is replaced, not duplicated', async () => {
  const r = await grade(['{"gold":"1","pred":"2","equivalent":true}']);
  assert.deepEqual(JSON.parse(r.out[0]), { gold: '1', pred: '2', equivalent: false, reason: 'different values 1 vs 2' });
});

// The bundled CLI (built once per process by test/cli/helpers): a tsx start-up per call costs seconds.
let bundle = '';
function cli(args: string[], input?: string) {
  return spawnSync(process.execPath, [bundle, 'grade', ...args], { cwd: repoRoot, input, encoding: 'utf8' });
}

test('grade CLI: --gold/--pred verdict, files, stdin, exit codes 0/1/2', async () => {
  bundle = await cliBundle();
  const one = cli(['--gold', '5225 \\text{ cubic inches}', '--pred', '5225']);
  assert.equal(one.status, 0, one.stderr);
  assert.deepEqual(JSON.parse(one.stdout), { equivalent: true, reason: 'exact match after normalisation', gold: '5225 \\text{ cubic inches}', pred: '5225' });

  assert.equal(cli(['--gold', '1']).status, 2, 'a pair needs both --gold and --pred');

  const dir = mkdtempSync(join(tmpdir(), 'grade-'));
  const inPath = join(dir, 'in.jsonl');
  const outPath = join(dir, 'out.jsonl');
  writeFileSync(inPath, '{"gold":"(1,2)","pred":"(1, 2)"}\n{"gold":"x"}\n');
  const file = cli([inPath, '-o', outPath]);
  assert.equal(file.status, 1);
  assert.match(file.stderr, /in\.jsonl:2: missing field \(field "pred"\)/);
  assert.equal(readFileSync(outPath, 'utf8'), '{"gold":"(1,2)","pred":"(1, 2)","equivalent":true,"reason":"exact match after normalisation"}\n');

  const piped = cli(['-'], '{"gold":"\\\\frac{1}{2}","pred":"0.5"}\n');
  assert.equal(piped.status, 0, piped.stderr);
  assert.equal(JSON.parse(piped.stdout).equivalent, true);
});
