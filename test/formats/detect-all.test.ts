/**
 * Detection never confuses two formats: every fixture record of every format (chat formats,
 * eval logs, the older ones) is detected as exactly its own, whatever unrelated fields a tool
 * adds beside its own (a property over all fixtures), and text files are told apart the same way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { convertText, detectRecordFormat } from '../../src/formats/detect';
import type { FileFormat, RecordFormat } from '../../src/formats/types';
import { CHAT_FIXTURES } from './chat-fixtures';
import { EVAL_FORMAT_FIXTURES } from './fixtures/files';
import { HARMONY_CUT_OFF } from './fixtures/harmony';
import { INSPECT_HEADER, INSPECT_SAMPLES } from './fixtures/inspect-samples';
import { LIGHTEVAL_LEGACY } from './fixtures/lighteval-details';

const OLDER: { format: RecordFormat; record: unknown }[] = [
  { format: 'generic', record: { problem: 'p', output: '<think>t</think>a' } },
  { format: 'qwen-math-eval', record: { question: 'q', code: ['<think>t</think>a'], gt: '1' } },
  { format: 'thought-anchors-base', record: { prompt: 'p', solution: 's', full_cot: 'c' } },
  { format: 'thought-anchors-solutions', record: { seed: 1, solution: '<think>t</think>' } },
  { format: 'trace', record: { version: 1, problem: 'p', thinking: 't' } },
];

const ALL: { format: RecordFormat; record: unknown }[] = [
  ...OLDER,
  ...CHAT_FIXTURES.flatMap((f) => f.records.map((record) => ({ format: f.format, record }))),
  ...EVAL_FORMAT_FIXTURES.flatMap((f) => (f.records ?? []).map((record) => ({ format: f.format as RecordFormat, record }))),
  { format: 'inspect-log', record: { ...INSPECT_HEADER, samples: INSPECT_SAMPLES } },
  { format: 'lighteval-detail', record: LIGHTEVAL_LEGACY },
];

test('every fixture record of every format is detected as its own', () => {
  const formats = new Set(ALL.map((f) => f.format));
  for (const f of ['inspect-log', 'inspect-sample', 'lm-eval-sample', 'lighteval-detail', 'hf-chat', 'openai-chat', 'open-webui', 'trace'] as const) assert.ok(formats.has(f), f);
  for (const { format, record } of ALL) assert.equal(detectRecordFormat(record, 'records.jsonl'), format, JSON.stringify(record).slice(0, 200));
});

test('property: fields a tool adds beside its own never change which format a record is', () => {
  const extraField = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/).map((k) => `x_${k}`), fc.jsonValue({ maxDepth: 2 }));
  fc.assert(
    fc.property(fc.constantFrom(...ALL), fc.array(extraField, { maxLength: 6 }), ({ format, record }, extras) => {
      const withExtras = { ...(record as object), ...Object.fromEntries(extras) };
      return detectRecordFormat(withExtras, 'records.jsonl') === format;
    }),
    { numRuns: 400 },
  );
});

test('property: a text file is harmony exactly when it opens with a harmony token; else plain text with its markup', () => {
  const texts: [string, FileFormat][] = [
    ...EVAL_FORMAT_FIXTURES.filter((f) => f.text !== undefined).map((f): [string, FileFormat] => [f.text!, f.format]),
    [HARMONY_CUT_OFF, 'harmony'],
    ['What is 2+2?\n<think>2+2=4</think>\n4', 'text'],
    ['Problem first.\n<|channel|>analysis<|message|>thinking<|end|><|start|>assistant<|channel|>final<|message|>4', 'text'],
  ];
  for (const [text, format] of texts) assert.equal(convertText(text, 'x.txt').format, format, text.slice(0, 60));
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.tuple(fc.constantFrom('<|start|>', '<|channel|>', '\n <|start|>', 'x<|start|>'), fc.string({ maxLength: 80 }), fc.constantFrom('', '<|message|>'), fc.string({ maxLength: 80 })).map((parts) => parts.join(''))), (text) => {
      const expected = /^\s*(<\|start\|>|<\|channel\|>)/.test(text) && text.includes('<|message|>') ? 'harmony' : 'text';
      return convertText(text, 'x.txt').format === expected;
    }),
    { numRuns: 300 },
  );
});
