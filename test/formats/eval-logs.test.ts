/**
 * Inspect AI logs (.eval, .json), lm-eval --log_samples, lighteval details Parquet and gpt-oss
 * harmony text: the real Inspect logs in ../shared/data/formats/inspect (no reasoning: they test
 * the container), hand-built records from each tool's schema (test/formats/fixtures/*, which cite
 * it), bad records reported with their file, member or row, and field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { fromHarmonyText, parseHarmonyMessages } from '../../src/formats/harmony';
import { fromInspectSample } from '../../src/formats/inspect';
import { fromLightevalDetail } from '../../src/formats/lighteval';
import { fromLmEvalSample } from '../../src/formats/lm-eval';
import { formatLocation, RecordError } from '../../src/formats/types';
import { readZipMember, zipMembers, type RandomAccess } from '../../src/formats/zip';
import { traceFilesUnder } from '../../src/io/inputs';
import { readRecords, type RecordResult } from '../../src/io/read-records';
import { dataPath, skipWithoutData } from '../support/shared-data';
import { EVAL_FORMAT_FIXTURES, inspectEvalBytes, inspectJsonLog, lightevalParquetBytes, withMethod } from './fixtures/files';
import { HARMONY_CUT_OFF, HARMONY_ONE_TURN, HARMONY_TWO_TURNS } from './fixtures/harmony';
import { INSPECT_SAMPLES, SAMPLE_INLINE_THINK, SAMPLE_REASONING_BLOCK, SAMPLE_REDACTED, SAMPLE_TOOL_LOOP } from './fixtures/inspect-samples';
import { LIGHTEVAL_BAD_GOLD, LIGHTEVAL_INLINE_THINK, LIGHTEVAL_LEGACY, LIGHTEVAL_WITH_REASONINGS } from './fixtures/lighteval-details';
import { LM_EVAL_FLEXIBLE, LM_EVAL_LOGLIKELIHOOD, LM_EVAL_NO_THINKING, LM_EVAL_REPEATS, LM_EVAL_STRICT } from './fixtures/lm-eval-samples';

const tmp = mkdtempSync(join(tmpdir(), 'rl-eval-logs-'));
const loc = { path: 'x', line: 1 };

async function readAll(path: string): Promise<RecordResult[]> {
  const out: RecordResult[] = [];
  for await (const r of readRecords(path)) out.push(r);
  return out;
}

function oks(results: RecordResult[]) {
  return results.flatMap((r) => (r.ok ? [r] : []));
}

function messages(results: RecordResult[]): string[] {
  return results.flatMap((r) => (r.ok ? [] : r.errors.map((e) => `${formatLocation(r.loc)}: ${e.field}: ${e.message}`)));
}

const realInspect = skipWithoutData('formats', 'inspect');

test('real Inspect .eval logs: every sample is a trace, target as gold, scores kept, no reasoning said so', { skip: realInspect }, async () => {
  const expected: Record<string, string[]> = {
    'log_formats.eval': ['1'],
    'log_read_sample.eval': ['1'],
    'log_streaming.eval': ['1', '1@epoch2', '2', '2@epoch2'],
  };
  for (const [file, ids] of Object.entries(expected)) {
    const results = await readAll(dataPath('formats', 'inspect', file));
    assert.deepEqual(messages(results), [], file);
    const traces = oks(results);
    assert.deepEqual(traces.map((r) => r.record.input.id), ids, file);
    for (const r of traces) {
      const input = r.record.input;
      assert.equal(r.format, 'inspect-sample');
      assert.equal(input.source.kind, 'import:inspect');
      assert.match(input.problem, /^Is the following statement something you would say\?/);
      assert.match(String(input.gold), /^ (Yes|No)$/);
      assert.equal(input.thinking, '');
      // The model's text exactly as logged (some end in a newline: kept, as the gold's leading space is).
      assert.match(String(input.response), /^(Yes|No)\.?\n?$/);
      assert.equal(input.source.extra?.noReasoning, true, 'a sample without reasoning says so');
      assert.ok(input.source.extra?.scores && typeof input.source.extra.scores === 'object', 'scores kept');
      assert.match(String(input.source.extra?.entry), /^samples\/\d+_epoch_\d+\.json$/);
      assert.ok(typeof input.model === 'string' && input.model !== '');
    }
  }
});

test('real Inspect .json log: the same sample as its .eval twin', { skip: realInspect }, async () => {
  const [fromJson] = oks(await readAll(dataPath('formats', 'inspect', 'log_formats.json')));
  const [fromEval] = oks(await readAll(dataPath('formats', 'inspect', 'log_formats.eval')));
  for (const key of ['id', 'problem', 'gold', 'response', 'thinking'] as const) assert.equal(fromJson.record.input[key], fromEval.record.input[key], key);
  assert.equal(fromJson.loc.entry, 'samples[0]');
  assert.deepEqual(fromJson.record.input.source.extra?.scores, { match: { value: 'I', answer: 'No' } });
});

test('Inspect reasoning blocks: the thinking, attachments resolved, the text the answer, signature-free', () => {
  const [t] = fromInspectSample(SAMPLE_REASONING_BLOCK, loc).map((r) => r.input);
  assert.equal(t.id, 'gsm8k-1');
  assert.equal(t.thinking, 'In April she sold 48 clips.\n\nIn May she sold half as many: 48 / 2 = 24.\n\nAltogether: 48 + 24 = 72.');
  assert.equal(t.response, 'Natalia sold 48 + 24 = 72 clips.\n\nANSWER: 72');
  assert.equal(t.gold, '72');
  assert.equal(t.model, 'claude-3-7-sonnet-20250219');
  assert.equal(t.problem, SAMPLE_REASONING_BLOCK.input);
  const extra = t.source.extra!;
  assert.equal(extra.reasoningFrom, 'content.reasoning');
  assert.deepEqual(extra.scores, SAMPLE_REASONING_BLOCK.scores);
  assert.deepEqual(extra.metadata, { source_split: 'test' });
  assert.deepEqual(extra.omitted, ['events', 'attachments', 'messages', 'output']);
  assert.equal(extra.messageIndex, 2);
});

test('Inspect agent loop: one trace per assistant message with reasoning, id#turn, epoch in the id, all targets kept', () => {
  const traces = fromInspectSample(SAMPLE_TOOL_LOOP, loc).map((r) => r.input);
  assert.deepEqual(traces.map((t) => t.id), ['7@epoch2#1', '7@epoch2#2']);
  assert.equal(traces[0].thinking, 'I should compute 17 * 23 with the tool rather than by hand.');
  assert.equal(traces[0].response, '');
  assert.ok(Array.isArray(traces[0].source.extra?.tool_calls), 'the tool call is kept');
  assert.equal(traces[1].response, 'ANSWER: 391');
  assert.equal(traces[1].problem, 'What is 17 * 23? Use the python tool.');
  assert.equal(traces[1].gold, '391');
  assert.deepEqual(traces[1].source.extra?.target, ['391', '391.0']);
  assert.equal(traces[1].model, 'openai/gpt-oss-20b');
});

test('Inspect redacted reasoning gives its summary; inline <think> in a string content is read too', () => {
  const [redacted] = fromInspectSample(SAMPLE_REDACTED, loc).map((r) => r.input);
  assert.equal(redacted.thinking, 'Squared 12: 12 * 12 = 144.');
  assert.equal(redacted.source.extra?.redactedReasoning, 1);
  const [inline] = fromInspectSample(SAMPLE_INLINE_THINK, loc).map((r) => r.input);
  assert.equal(inline.thinking, '\n2 + 2 = 4.\n\nDouble-check: 4 - 2 = 2.\n');
  assert.equal(inline.response, 'The answer is 4.');
  assert.equal(inline.source.extra?.reasoningFrom, 'content-markup');
  assert.equal(inline.model, 'qwen3:8b');
});

test('Inspect .eval: samples streamed one member at a time; a bad sample is file:samples/x.json: field: message, the rest goes on', async () => {
  const bad = { id: 'bad', epoch: 1, input: 'q', target: 'a', messages: [{ role: 'assistant', content: [{ type: 'reasoning', reasoning: 7 }] }] };
  const zstd = { ...SAMPLE_INLINE_THINK, id: 'zstd' };
  let zip = inspectEvalBytes([...INSPECT_SAMPLES, bad, zstd], { raw: { 'samples/junk_epoch_1.json': '{"id": ' } });
  zip = withMethod(zip, 'samples/zstd_epoch_1.json', 93);
  const path = join(tmp, 'mixed.eval');
  writeFileSync(path, zip);
  const results = await readAll(path);
  assert.deepEqual(messages(results), [
    `${path}:samples/bad_epoch_1.json: messages[0].content[0].reasoning: must be a string, got number`,
    `${path}:samples/junk_epoch_1.json: (sample): invalid JSON: ${messages(results)[1].split('invalid JSON: ')[1]}`,
    messages(results)[2],
  ]);
  // A member that says zstd but holds stored bytes: the zstd decoder refuses it, named.
  assert.match(messages(results)[2], /^.*:samples\/zstd_epoch_1\.json: \(sample\): cannot be decompressed: /);
  assert.deepEqual(oks(results).map((r) => r.record.input.id), ['7@epoch2#1', '7@epoch2#2', 'add-4', 'gsm8k-1', 'sq-3']);
  for (const r of oks(results)) {
    assert.equal(r.record.input.model !== null, true);
    assert.equal(r.record.input.source.extra?.task, 'gsm8k_reasoning', 'the header names the task');
  }
});

test('Inspect .eval: a log still running (no header.json) is read from _journal/start.json; a non-zip is one file error', async () => {
  const running = join(tmp, 'running.eval');
  writeFileSync(running, inspectEvalBytes([SAMPLE_REASONING_BLOCK], { header: null }));
  const [r] = oks(await readAll(running));
  assert.equal(r.record.input.source.extra?.runId, 'run-13');
  const notZip = join(tmp, 'not-a-zip.eval');
  writeFileSync(notZip, '{"version": 2, "status": "started", "eval": {}}');
  assert.deepEqual(messages(await readAll(notZip)), [`${notZip}: (file): not a readable Inspect .eval log (a zip): no end of central directory record: not a zip file, or cut off`]);
});

test('zip reader: the central directory, then one member per read, never the whole file', async () => {
  const big = 'x'.repeat(50_000);
  const files: Record<string, Uint8Array> = {};
  for (let i = 1; i <= 40; i++) files[`samples/${i}_epoch_1.json`] = strToU8(JSON.stringify({ i, big: big + i }));
  const zip = zipSync(files, { level: 0 }); // stored: each member ~50 KB, the file ~2 MB
  let largestRead = 0;
  const access: RandomAccess = {
    size: zip.length,
    async read(offset, length) {
      largestRead = Math.max(largestRead, length);
      return zip.subarray(offset, offset + length);
    },
  };
  const members = await zipMembers(access);
  assert.equal(members.length, 40);
  const largestMember = Math.max(...members.map((m) => m.compressedSize));
  for (const m of members) JSON.parse(new TextDecoder().decode(await readZipMember(access, m)));
  assert.ok(largestRead <= Math.max(largestMember, 22 + 0xffff), `largest read ${largestRead} B, largest member ${largestMember} B, file ${zip.length} B`);
  assert.ok(largestRead < zip.length / 10);
});

test('Inspect .json log: a bad sample is file:samples[i]: field: message; a log without samples says so', async () => {
  const path = join(tmp, 'bad-log.json');
  writeFileSync(path, inspectJsonLog([SAMPLE_REASONING_BLOCK, { id: 2, epoch: 1, input: 'q', target: 5, messages: [] }, SAMPLE_REDACTED]));
  const results = await readAll(path);
  assert.deepEqual(messages(results), [`${path}:samples[1]: target: must be a string or a list of strings, got number`]);
  assert.deepEqual(oks(results).map((r) => r.record.input.id), ['gsm8k-1', 'sq-3']);
  const empty = join(tmp, 'no-samples.json');
  writeFileSync(empty, inspectJsonLog([]).replace('"samples": []', '"samples": null'));
  assert.match(messages(await readAll(empty))[0], /no-samples\.json: samples: the log has no samples/);
});

test('lm-eval samples: <think> in resps, target as gold, one trace per filter and per repeat', () => {
  const [strict] = fromLmEvalSample(LM_EVAL_STRICT, loc).map((r) => r.input);
  assert.equal(strict.id, '0:strict-match');
  assert.equal(strict.thinking, '\n16 - 3 - 4 = 9 eggs are left to sell.\n\n9 * 2 = 18 dollars.\n');
  assert.equal(strict.response, 'She makes $18 every day.\n#### 18');
  assert.equal(strict.gold, '18');
  assert.equal(strict.problem, LM_EVAL_STRICT.doc.question);
  assert.deepEqual(strict.source.extra?.filtered_resps, ['18']);
  assert.equal(strict.source.extra?.exact_match, 1.0);
  assert.equal(strict.source.extra?.reasoningFrom, 'content-markup');
  assert.equal(fromLmEvalSample(LM_EVAL_FLEXIBLE, loc)[0].input.id, '0:flexible-extract');
  const repeats = fromLmEvalSample(LM_EVAL_REPEATS, loc).map((r) => r.input);
  assert.deepEqual(repeats.map((t) => [t.id, t.thinking]), [['1#1', '3 + 5 = 8.'], ['1#2', 'Five more than three is eight.']]);
  const [plain] = fromLmEvalSample(LM_EVAL_NO_THINKING, loc).map((r) => r.input);
  assert.equal(plain.thinking, '');
  assert.equal(plain.source.extra?.noReasoning, true);
  assert.throws(() => fromLmEvalSample(LM_EVAL_LOGLIKELIHOOD, loc), (e: RecordError) => e.errors[0].field === 'resps' && /no generated text/.test(e.errors[0].message));
});

test('lighteval details: reasonings column, else inline <think>; gold from choices[gold_index]; legacy flat columns too', () => {
  const [withReasonings] = fromLightevalDetail(LIGHTEVAL_WITH_REASONINGS, loc).map((r) => r.input);
  assert.equal(withReasonings.id, 'aime-0');
  assert.equal(withReasonings.problem, 'What is 7 * 8?');
  assert.equal(withReasonings.thinking, '7 * 8 = 56.\n\nCheck: 8 * 7 = 56.');
  assert.equal(withReasonings.response, 'The answer is $\\boxed{56}$.');
  assert.equal(withReasonings.gold, '56');
  assert.equal(withReasonings.source.extra?.reasoningFrom, 'reasonings');
  assert.deepEqual(withReasonings.source.extra?.metric, { extractive_match: 1.0 });
  const [inline] = fromLightevalDetail(LIGHTEVAL_INLINE_THINK, { path: 'd.parquet', entry: 'row 2' }).map((r) => r.input);
  assert.equal(inline.id, 'row2');
  assert.equal(inline.problem, 'Problem: What is 9 - 4?\nAnswer:');
  assert.equal(inline.thinking, '\n9 - 4 = 5.\n');
  assert.equal(inline.source.extra?.reasoningFrom, 'content-markup');
  const [legacy] = fromLightevalDetail(LIGHTEVAL_LEGACY, loc).map((r) => r.input);
  assert.deepEqual([legacy.problem, legacy.thinking, legacy.response, legacy.gold], ['What is 6 * 6?', '6 * 6 = 36.', '36', '36']);
  assert.throws(() => fromLightevalDetail(LIGHTEVAL_BAD_GOLD, loc), (e: RecordError) => e.errors[0].field === 'doc.gold_index');
});

test('lighteval Parquet: read row group by row group, a bad row is file:row N: field: message, the rest goes on', async () => {
  const path = join(tmp, 'details_math_500_x.parquet');
  writeFileSync(path, new Uint8Array(lightevalParquetBytes([LIGHTEVAL_WITH_REASONINGS, LIGHTEVAL_BAD_GOLD, LIGHTEVAL_INLINE_THINK], 1)));
  const results = await readAll(path);
  assert.deepEqual(messages(results), [`${path}:row 2: doc.gold_index: does not name one of the 1 choices`]);
  assert.deepEqual(oks(results).map((r) => [r.format, r.record.input.id, r.loc.entry]), [
    ['lighteval-detail', 'aime-0', 'row 1'],
    ['lighteval-detail', 'row3', 'row 3'],
  ]);
  const notParquet = join(tmp, 'broken.parquet');
  writeFileSync(notParquet, 'PAR1 not really PAR1');
  assert.match(messages(await readAll(notParquet))[0], /broken\.parquet: \(file\): not a readable Parquet file/);
});

test('harmony text: the user message is the problem, analysis the thinking, final the answer, system and developer kept', () => {
  const [t] = fromHarmonyText(HARMONY_ONE_TURN, 'gpt-oss.txt').map((r) => r.input);
  assert.equal(t.problem, 'What is 17 * 23?');
  assert.equal(t.thinking, '17 * 23 = 17 * 20 + 17 * 3 = 340 + 51 = 391.\n\nCheck: 23 * 17 = 230 + 161 = 391.');
  assert.equal(t.response, '391');
  assert.equal(t.truncated, false);
  assert.match(String(t.source.extra?.system), /^You are ChatGPT/);
  assert.equal(t.source.extra?.developer, '# Instructions\n\nAnswer with a number.');
  assert.equal(t.source.extra?.reasoningFrom, 'harmony-analysis');
  const turns = fromHarmonyText(HARMONY_TWO_TURNS, 'chat.txt').map((r) => r.input);
  assert.deepEqual(turns.map((x) => [x.id, x.problem, x.thinking, x.response, x.source.line]), [
    ['turn1', 'What is 2 + 2?', '', '4', 2],
    ['turn2', 'And 4 * 4?', '4 * 4 = 16.', '16', 4],
  ]);
  assert.equal(turns[0].source.extra?.noReasoning, true);
  const [cut] = fromHarmonyText(HARMONY_CUT_OFF, 'cut.txt').map((r) => r.input);
  assert.deepEqual([cut.thinking, cut.response, cut.truncated], ['1, 2, 3, 4, 5', '', true]);
  assert.deepEqual(parseHarmonyMessages('<|channel|>analysis<|message|>hm<|end|><|start|>assistant<|channel|>commentary to=functions.run <|constrain|>json<|message|>{}<|call|>').map((m) => [m.role, m.channel, m.body, m.closed]), [
    ['assistant', 'analysis', 'hm', true],
    ['assistant', 'commentary', '{}', true],
  ]);
});

test('each fixture file reads as its format and kind, with the thinking kept', async () => {
  const dir = join(tmp, 'fixtures');
  mkdirSync(dir, { recursive: true });
  for (const f of EVAL_FORMAT_FIXTURES) {
    const results = await readAll(f.write(dir));
    assert.deepEqual(messages(results), [], f.name);
    const traces = oks(results);
    assert.ok(traces.length > 0, f.name);
    for (const r of traces) {
      assert.equal(r.format, f.format, f.name);
      assert.equal(r.record.input.source.kind, f.kind, f.name);
    }
    assert.ok(traces.some((r) => r.record.input.thinking !== ''), `${f.name}: thinking kept`);
    if (f.allReasoning) assert.ok(traces.every((r) => r.record.input.thinking !== ''), `${f.name}: every trace has thinking`);
  }
});

test('folder walks take .eval, .parquet and Inspect .json logs; not problem.json nor other JSON', async () => {
  const dir = join(tmp, 'walk');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'a.eval'), inspectEvalBytes([SAMPLE_REASONING_BLOCK]));
  writeFileSync(join(dir, '2026-03-01T10-00-00_gsm8k_abc.json'), inspectJsonLog([SAMPLE_REDACTED]));
  writeFileSync(join(dir, 'b.parquet'), new Uint8Array(lightevalParquetBytes([LIGHTEVAL_WITH_REASONINGS])));
  writeFileSync(join(dir, 'problem.json'), JSON.stringify({ problem: 'p', gt_answer: '1' }));
  writeFileSync(join(dir, 'chunks_labeled.json'), JSON.stringify([{ chunk: 'x' }]));
  writeFileSync(join(dir, 'results.json'), JSON.stringify({ results: {}, version: 2 }));
  const found = (await traceFilesUnder(dir)).map((p) => p.slice(dir.length + 1));
  assert.deepEqual(found, ['2026-03-01T10-00-00_gsm8k_abc.json', 'a.eval', 'b.parquet']);
});

test('Hugging Face chat rows in Parquet (messages: list of {role, content} structs) read as hf-chat, by row', async () => {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const str = (name: string) => ({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' });
  // The layout `datasets` gives a `messages` feature (a list of {role, content}) and an `id` string.
  const schema = [
    { name: 'root', num_children: 2 },
    str('id'),
    { name: 'messages', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', repetition_type: 'OPTIONAL', num_children: 2 },
    str('content'),
    str('role'),
  ];
  const rows = [
    { id: 'r1', messages: [{ role: 'user', content: 'What is 3 * 3?' }, { role: 'assistant', content: '<think>3 * 3 = 9.</think>9' }] },
    { id: 'r2', messages: [{ role: 'user', content: 'q' }] },
  ];
  const path = join(tmp, 'chat.parquet');
  writeFileSync(path, new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'id', data: rows.map((r) => r.id) }, { name: 'messages', data: rows.map((r) => r.messages) }], schema: schema as never })));
  const results = await readAll(path);
  assert.deepEqual(messages(results), [`${path}:row 2: messages: has no assistant message: there is no model output to read`]);
  const [t] = oks(results);
  assert.deepEqual([t.format, t.record.input.id, t.record.input.problem, t.record.input.thinking, t.record.input.response], ['hf-chat', 'r1', 'What is 3 * 3?', '3 * 3 = 9.', '9']);
});
