/**
 * A file's record format is decided by its first record (or named by --input-format); a later
 * record in another shape is reported as `file:line: field: message` naming what the format
 * needs, never a converter's TypeError, and the records around it are still read. Every pair of
 * fixture formats (the chat and eval-log fixtures, the older formats) is tried, as JSONL lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatLocation, type RecordFormat } from '../../src/formats/types';
import { readRecords, type RecordResult } from '../../src/io/read-records';
import { CHAT_FIXTURES } from './chat-fixtures';
import { EVAL_FORMAT_FIXTURES } from './fixtures/files';

const tmp = mkdtempSync(join(tmpdir(), 'rl-mixed-shapes-'));

/** One record of each format that a JSONL line can hold (chunk logs need their whole stream: the first chunk alone stays open). */
const RECORDS: { format: RecordFormat; record: unknown }[] = [
  { format: 'generic', record: { id: 'generic', problem: 'p', output: '<think>t</think>a' } },
  { format: 'qwen-math-eval', record: { question: 'q', code: ['<think>t</think>a'], gt: '1' } },
  { format: 'trace', record: { version: 1, id: 'minimal', problem: 'p', thinking: 't' } },
  ...CHAT_FIXTURES.filter((f) => f.format !== 'openai-chunks').map((f) => ({ format: f.format, record: f.records[0] })),
  ...EVAL_FORMAT_FIXTURES.filter((f) => f.records && f.format !== 'inspect-sample').map((f) => ({ format: f.format as RecordFormat, record: f.records![0] })),
  { format: 'inspect-sample', record: EVAL_FORMAT_FIXTURES.find((f) => f.format === 'inspect-sample')!.records![0] },
];

async function readAll(path: string, format?: RecordFormat): Promise<RecordResult[]> {
  const out: RecordResult[] = [];
  for await (const r of readRecords(path, format ? { format } : {})) out.push(r);
  return out;
}

function errorLines(results: RecordResult[]): string[] {
  return results.flatMap((r) => (r.ok ? [] : r.errors.map((e) => `${formatLocation(r.loc)}: ${e.field}: ${e.message}`)));
}

test('a later record in another format is a field error naming what the file\'s format needs; the next record is read', async () => {
  let pairs = 0;
  for (const first of RECORDS) {
    for (const other of RECORDS) {
      if (other.format === first.format) continue;
      const path = join(tmp, `${first.format}-then-${other.format}.jsonl`);
      writeFileSync(path, [first.record, other.record, first.record].map((r) => JSON.stringify(r)).join('\n') + '\n');
      const results = await readAll(path);
      const errors = errorLines(results);
      for (const e of errors) assert.doesNotMatch(e, /TypeError|could not be read|Cannot read properties|is not a function/, `${first.format} then ${other.format}: ${e}`);
      assert.ok(results.some((r) => r.ok && r.loc.line === 1) && results.some((r) => r.ok && r.loc.line === 3), `${first.format} then ${other.format}: the first and last records are read: ${errors.join('\n')}`);
      const second = results.filter((r) => r.loc.line === 2);
      // A record that the file's format can read too is read (a generic record holds the fields another needs).
      if (second.some((r) => !r.ok)) {
        assert.match(errors.find((e) => e.includes(':2: '))!, /^.+\.jsonl:2: [^:]+: .+/, `${first.format} then ${other.format}`);
      }
      pairs++;
    }
  }
  assert.ok(pairs >= 100, `pairs tried: ${pairs}`);
});

test('an HF chat file whose second line is an OpenAI completion, an Open WebUI chat after it, and lm-eval after a Responses object are named by field', async () => {
  const hf = CHAT_FIXTURES.find((f) => f.format === 'hf-chat')!.records[0];
  const openai = CHAT_FIXTURES.find((f) => f.format === 'openai-chat')!.records[0];
  const webui = CHAT_FIXTURES.find((f) => f.format === 'open-webui')!.records[0];
  const responses = CHAT_FIXTURES.find((f) => f.format === 'openai-responses')!.records[0];
  const lmEval = EVAL_FORMAT_FIXTURES.find((f) => f.format === 'lm-eval-sample')!.records![0];

  const a = join(tmp, 'openai-then-hf.jsonl');
  writeFileSync(a, [openai, hf].map((r) => JSON.stringify(r)).join('\n') + '\n');
  assert.deepEqual(errorLines(await readAll(a)), [
    `${a}:2: choices: is required: a list of choices, each with a message object (an OpenAI chat completion); got none (openai-chat is the file's format, detected from its record at line 1)`,
  ]);

  const b = join(tmp, 'webui-then-openai.jsonl');
  writeFileSync(b, [webui, openai].map((r) => JSON.stringify(r)).join('\n') + '\n');
  assert.match(errorLines(await readAll(b)).join('\n'), /webui-then-openai\.jsonl:2: chat: is required: an object with a list of messages \(an Open WebUI chat\); got none/);

  const c = join(tmp, 'responses-then-lm-eval.jsonl');
  writeFileSync(c, [responses, lmEval].map((r) => JSON.stringify(r)).join('\n') + '\n');
  assert.match(errorLines(await readAll(c)).join('\n'), /responses-then-lm-eval\.jsonl:2: object: is required: "response", beside a list of output items/);

  // Named by --input-format: the same check, saying so.
  const d = join(tmp, 'named.jsonl');
  writeFileSync(d, JSON.stringify(hf) + '\n');
  assert.deepEqual(errorLines(await readAll(d, 'lm-eval-sample')), [
    `${d}:1: doc: is required: doc, resps, filtered_resps and doc_id or target (an lm-eval --log_samples record); got none (lm-eval-sample is named by --input-format lm-eval-sample)`,
  ]);
  // Present but of the wrong shape, or a nested part missing: the path named.
  const f = join(tmp, 'wrong-shape.jsonl');
  writeFileSync(f, [hf, { id: 'empty', messages: [] }].map((r) => JSON.stringify(r)).join('\n') + '\n');
  assert.deepEqual(errorLines(await readAll(f)), [
    `${f}:2: messages: is an empty list, not what hf-chat needs: a list of {role, content} (or "conversations" of {from, value}) (hf-chat is the file's format, detected from its record at line 1)`,
  ]);
  const g = join(tmp, 'no-message.jsonl');
  writeFileSync(g, [openai, { id: 'x', choices: [{ index: 0 }] }].map((r) => JSON.stringify(r)).join('\n') + '\n');
  assert.match(errorLines(await readAll(g)).join('\n'), /no-message\.jsonl:2: choices\.0\.message: is required: a list of choices, each with a message object/);
  // A row that is not even an object.
  const e = join(tmp, 'not-object.jsonl');
  writeFileSync(e, JSON.stringify(openai) + '\n[1, 2]\n');
  assert.match(errorLines(await readAll(e)).join('\n'), /not-object\.jsonl:2: \(record\): must be a JSON object \(openai-chat, the file's format, detected from its record at line 1\), got array/);
});
