/**
 * `--input-format`: every record is read as the named format instead of detected; a record
 * that is not of it is reported as `file:line: field: message` (never taken for another
 * format); a text file refuses a JSON format by name; a dataset job records it in its config.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers';
import { jobConfig } from '../../src/runs/dataset/job';

const dir = mkdtempSync(join(tmpdir(), 'rl-input-format-'));
// An HF chat row (as detection reads it) and a generic record.
const hf = { id: 'hf-1', messages: [{ role: 'user', content: 'What is 2+2?' }, { role: 'assistant', content: 'The answer is 4.', reasoning_content: '2+2 is 4.\n\nWait, check: 4.' }] };
const generic = { id: 'g-1', problem: 'What is 3+3?', output: '<think>3+3 = 6.</think>6' };

test('the named format reads its records; one of another shape is reported by file:line and field, the rest written', async () => {
  const input = join(dir, 'mixed.jsonl');
  writeFileSync(input, `${JSON.stringify(hf)}\n${JSON.stringify(generic)}\n`);
  const out = join(dir, 'out.jsonl');
  const r = await runCli(['segment', input, '-o', out, '--input-format', 'hf-chat']);
  assert.notEqual(r.code, 0, 'a record that is not hf-chat is an input problem');
  assert.match(r.stderr, /mixed\.jsonl:2: messages: is required: a list of \{role, content\}/, r.stderr);
  const traces = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(traces.map((t) => t.id), ['hf-1']);
  assert.match(traces[0].thinking, /^2\+2 is 4\./);

  // The generic record alone: detection reads it; named as hf-chat it is refused, not misread.
  const only = join(dir, 'generic.jsonl');
  writeFileSync(only, `${JSON.stringify(generic)}\n`);
  const detected = await runCli(['segment', only, '-o', join(dir, 'detected.jsonl')]);
  assert.equal(detected.code, 0, detected.stderr);
  const forced = await runCli(['segment', only, '-o', join(dir, 'forced.jsonl'), '--input-format', 'hf-chat']);
  assert.notEqual(forced.code, 0);
  assert.match(forced.stderr, /generic\.jsonl:1: messages: is required/);
});

test('a text file with a JSON record format is refused by name; an unknown format lists the choices', async () => {
  const text = join(dir, 'plain.txt');
  writeFileSync(text, '<think>1+1=2</think>2');
  const r = await runCli(['annotate', text, '-o', join(dir, 't.jsonl'), '--input-format', 'generic']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /--input-format generic reads JSON or JSONL records/);
  const bad = await runCli(['segment', text, '--input-format', 'csv']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--input-format.*csv|Allowed choices/i);
});

test('a dataset job records the input format in its configuration (a resume with another one is a changed configuration)', () => {
  const a = jobConfig({ input: 'in.jsonl', output: 'out.jsonl', inputFormat: 'hf-chat' }, 'traces');
  const b = jobConfig({ input: 'in.jsonl', output: 'out.jsonl' }, 'traces');
  assert.equal(a.inputFormat, 'hf-chat');
  assert.notDeepEqual(a, b);
});
