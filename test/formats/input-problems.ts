/**
 * One file per reader holding one input problem of each kind the reader can meet (docs/formats.md,
 * "Input problems and --strict"): an unusable record (an error, the record skipped) or a record
 * read but not clean (a warning: bytes that are not UTF-8, a repeated id, an unreadable log
 * header). `expected` is what readRecords reports as `location: field`, in order. Shared by the
 * reader test (test/formats/input-problems.test.ts) and the CLI --strict test.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8 } from 'fflate';
import { CHAT_FIXTURES } from './chat-fixtures';
import { inspectEvalBytes, inspectJsonLog, lightevalParquetBytes } from './fixtures/files';
import { HARMONY_ONE_TURN } from './fixtures/harmony';
import { INSPECT_SAMPLES, SAMPLE_REASONING_BLOCK, sampleMemberName } from './fixtures/inspect-samples';
import { LIGHTEVAL_INLINE_THINK, LIGHTEVAL_WITH_REASONINGS } from './fixtures/lighteval-details';
import { LM_EVAL_STRICT } from './fixtures/lm-eval-samples';

export interface InputProblemCase {
  name: string;
  write: (dir: string) => string;
  /** `kind location: field` for every problem, e.g. `warning :2: (line)` (location without the path). */
  expected: string[];
  /** Traces still read. */
  traces: number;
}

const MARK = 'ZQXBADZQX';

/** `text` with the marker's bytes made invalid UTF-8 (a lone 0xFF in place of its fourth byte). */
function withBadByte(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const mark = strToU8(MARK);
  let found = 0;
  for (let i = 0; i + mark.length <= out.length; i++) {
    if (mark.every((b, j) => out[i + j] === b)) {
      out[i + 3] = 0xff;
      found++;
    }
  }
  if (found === 0) throw new Error('marker not found: the fixture would test nothing');
  return out;
}

const hf = CHAT_FIXTURES.find((f) => f.format === 'hf-chat')!.records[0] as { id: string };
const openai = CHAT_FIXTURES.find((f) => f.format === 'openai-chat')!.records[0];
const webui = CHAT_FIXTURES.find((f) => f.format === 'open-webui')!.records[0] as { chat: object };

function file(dir: string, name: string, body: string | Uint8Array | ArrayBuffer): string {
  const path = join(dir, name);
  writeFileSync(path, body instanceof ArrayBuffer ? new Uint8Array(body) : body);
  return path;
}

export const INPUT_PROBLEM_CASES: InputProblemCase[] = [
  {
    name: 'JSONL (HF chat): a record in another format, bytes that are not UTF-8, a repeated id',
    write: (dir) =>
      file(dir, 'hf-problems.jsonl', withBadByte(strToU8([hf, openai, { ...hf, id: `row-${MARK}` }, hf].map((r) => JSON.stringify(r)).join('\n') + '\n'))),
    expected: ['error :2: messages', 'warning :3: (line)', 'warning :3: (line)', 'warning :4: id', 'warning :4: id'], // a row of two assistant turns is two traces,
    traces: 3 * 2,
  },
  {
    name: 'JSON (Open WebUI export): bytes that are not UTF-8, a chat without messages',
    write: (dir) => file(dir, 'webui-problems.json', withBadByte(strToU8(JSON.stringify([{ ...webui, title: MARK }, { id: 'x', chat: {} }], null, 2)))),
    expected: ['warning :2[0]: (file)', 'error :27[1]: chat.messages'],
    traces: 1,
  },
  {
    name: 'text (gpt-oss harmony): bytes that are not UTF-8',
    write: (dir) => file(dir, 'harmony-problems.txt', withBadByte(strToU8(HARMONY_ONE_TURN.replace('<|message|>', `<|message|>${MARK} `)))),
    expected: ['warning :9: (file)'],
    traces: 1,
  },
  {
    name: 'Inspect .eval: a header that cannot be read, a sample with bytes that are not UTF-8, a sample that is not JSON',
    write: (dir) => {
      const bad = withBadByte(strToU8(JSON.stringify({ ...SAMPLE_REASONING_BLOCK, id: 'utf8', input: `${MARK} ${String(SAMPLE_REASONING_BLOCK.input)}` })));
      return file(dir, 'problems.eval', inspectEvalBytes([SAMPLE_REASONING_BLOCK], { header: null, raw: { 'header.json': '{"version": 2, "eval": ', [sampleMemberName({ id: 'utf8', epoch: 1 })]: bad, 'samples/zz_epoch_1.json': '{"id": "zz", ' } }));
    },
    expected: ['warning :samples/gsm8k-1_epoch_1.json: header.json', 'warning :samples/utf8_epoch_1.json: (sample)', 'error :samples/zz_epoch_1.json: (sample)'],
    traces: 2,
  },
  {
    name: 'Inspect .json log: a sample with no messages',
    write: (dir) => file(dir, 'problems-log.json', inspectJsonLog([...INSPECT_SAMPLES.slice(0, 1), { id: 'empty', epoch: 1, input: 'q', target: 'a', messages: [] }])),
    expected: ['error :samples[1]: messages'],
    traces: 1,
  },
  {
    name: 'Parquet (lighteval): a string that is not UTF-8, a row in another shape',
    write: (dir) =>
      file(
        dir,
        'details_problems.parquet',
        withBadByte(new Uint8Array(lightevalParquetBytes([{ ...LIGHTEVAL_WITH_REASONINGS, model_response: { ...LIGHTEVAL_WITH_REASONINGS.model_response, text: [`${MARK} 56`] } }, { doc: LIGHTEVAL_INLINE_THINK.doc, metric: LIGHTEVAL_INLINE_THINK.metric, model_response: null }, LIGHTEVAL_INLINE_THINK], 1, { uncompressed: true }))),
      ),
    expected: ['warning :row 1: model_response', 'error :row 2: model_response'],
    traces: 2,
  },
  {
    name: 'lm-eval JSONL: a loglikelihood request among generations',
    write: (dir) => file(dir, 'samples_problems.jsonl', [LM_EVAL_STRICT, { ...LM_EVAL_STRICT, doc_id: 9, resps: [[['-1.5', 'True']]] }].map((r) => JSON.stringify(r)).join('\n') + '\n'),
    expected: ['error :2: resps'],
    traces: 1,
  },
];

