import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkLogAssembler } from '../../src/formats/chat-chunks';
import { convertRecord, detectRecordFormat } from '../../src/formats/detect';
import { fromOurTrace } from '../../src/formats/trace-format';
import { resolveFieldNames, RecordError } from '../../src/formats/types';
import { CHAT_FIXTURES } from './chat-fixtures';

const ctx = { fields: resolveFieldNames(), sibling: null };
const loc = { path: 'x.jsonl', line: 3 };

function read(record: unknown) {
  return convertRecord(detectRecordFormat(record, 'x.jsonl'), record, loc, ctx).map((r) => r.input);
}

test('every fixture is detected as exactly its own format', () => {
  for (const f of CHAT_FIXTURES) {
    for (const r of f.records) assert.equal(detectRecordFormat(r, f.file), f.format, f.name);
  }
});

test('OpenAI chat completion: reasoning field is the thinking, problem from the logged request', () => {
  const [t] = read(CHAT_FIXTURES[0].records[0]);
  assert.equal(t.source.kind, 'import:openai-chat');
  assert.equal(t.problem, 'What is 9.11 minus 9.8?');
  assert.match(t.thinking ?? '', /^First, 9.11/);
  assert.equal(t.response, 'The answer is -0.69.');
  assert.equal(t.model, 'Qwen/QwQ-32B');
  assert.equal(t.source.extra?.reasoningFrom, 'reasoning');
  assert.deepEqual(t.source.extra?.usage, { prompt_tokens: 10, completion_tokens: 40, total_tokens: 50 });
});

test('OpenAI n=2: one trace per choice, ids id#choice', () => {
  const traces = read(CHAT_FIXTURES[1].records[0]);
  assert.deepEqual(traces.map((t) => [t.id, t.thinking]), [['ds-7#0', '2 + 2 is 4.'], ['ds-7#1', 'Adding two and two gives 4.']]);
  assert.equal(traces[0].source.extra?.reasoningFrom, 'reasoning_content');
});

test('several reasoning sources: the documented order picks one, the others are kept', () => {
  const [t] = read({
    id: 'a',
    choices: [{ message: { role: 'assistant', reasoning_content: 'old name', reasoning: 'new name', thinking: 'new name', content: '<think>inline</think> 5' } }],
  });
  assert.equal(t.thinking, 'new name');
  assert.equal(t.response, '5');
  assert.equal(t.source.extra?.reasoningFrom, 'reasoning');
  assert.deepEqual(t.source.extra?.otherReasoning, { reasoning_content: 'old name', contentInline: 'inline' });
});

test('inline <think> only (Ollama OpenAI compatibility without a reasoning parser)', () => {
  const [t] = read({ id: 'b', choices: [{ message: { role: 'assistant', content: '<think>hmm, 6</think>\n6' } }] });
  assert.deepEqual([t.thinking, t.response, t.source.extra?.reasoningFrom], ['hmm, 6', '6', 'content-markup']);
});

test('no reasoning anywhere: the trace says so', () => {
  const [t] = read({ id: 'c', choices: [{ message: { role: 'assistant', content: 'just 7' } }] });
  assert.equal(t.thinking, '');
  assert.equal(t.source.extra?.noReasoning, true);
  const [h] = read({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }] });
  assert.equal(h.source.extra?.noReasoning, true);
  assert.equal(h.problem, 'q');
});

test('HF chat multi-turn: one trace per assistant turn with thinking, problem = the user message before it', () => {
  const traces = read(CHAT_FIXTURES[2].records[0]);
  assert.deepEqual(
    traces.map((t) => [t.id, t.problem, t.thinking, t.response]),
    [
      ['row-1#1', 'What is 3 * 4?', '\n3 * 4 = 12.\n', '12'],
      ['row-1#2', 'And plus 1?', '\n12 + 1 = 13.\n', '13'],
    ],
  );
  assert.equal(traces[0].source.kind, 'import:hf-chat');
  assert.equal(traces[0].source.extra?.system, undefined, 'the system turn is not a row field');
});

test('HF chat: reasoning_content on the assistant message; ShareGPT with Sky-T1 tags', () => {
  const [a] = read({ id: 9, answer: 4, messages: [{ role: 'user', content: '2+2?' }, { role: 'assistant', content: '4', reasoning_content: 'two and two' }] });
  assert.deepEqual([a.id, a.gold, a.thinking, a.response, a.source.extra?.reasoningFrom], ['9', '4', 'two and two', '4', 'reasoning_content']);
  const [s] = read(CHAT_FIXTURES[3].records[0]);
  assert.deepEqual([s.problem, s.thinking, s.response], ['Compute 5 + 6.', '\n5 + 6 = 11.\n', '11']);
  assert.equal(s.source.extra?.system, 'Think step by step.');
});

test('Open WebUI: <details type="reasoning"> unquoted into the thinking, the rest is the answer', () => {
  const [t] = read(CHAT_FIXTURES[4].records[0]);
  assert.equal(t.source.kind, 'import:open-webui');
  assert.equal(t.problem, 'What is 7 * 8?');
  assert.equal(t.thinking, '7 * 8 = 56.\n\nCheck: 8 * 7 = 56.');
  assert.equal(t.response, 'The answer is 56.');
  assert.equal(t.model, 'deepseek-r1:7b');
  assert.equal(t.id, 'c0ffee');
});

test('bad chat records name the field', () => {
  assert.throws(() => read({ choices: [{ message: { content: 'x', reasoning: 5 } }] }), (e: RecordError) => e.errors[0].field === 'choices[0].message.reasoning');
  assert.throws(() => read({ messages: [{ role: 'user', content: 'q' }] }), (e: RecordError) => e.errors[0].field === 'messages' && /no assistant message/.test(e.errors[0].message));
  assert.throws(() => read({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: { a: 1 } }] }), (e: RecordError) => e.errors[0].field === 'messages[1].content');
});

test('our format, leniently: a minimal version-1 record is raw input; a complete one stays strict', () => {
  const [{ input, trace }] = fromOurTrace({ version: 1, id: 'm', problem: 'p', gold: 3, thinking: 'so 3', response: '3', model: 'me' }, loc);
  assert.equal(trace, undefined);
  assert.deepEqual([input.id, input.problem, input.gold, input.thinking, input.response, input.model, input.source.kind], ['m', 'p', '3', 'so 3', '3', 'me', 'import:trace-minimal']);
  assert.throws(() => fromOurTrace({ version: 1, problem: 'p' }, loc), (e: RecordError) => e.errors.some((x) => x.field === 'thinking' && /is required/.test(x.message)));
  assert.throws(() => fromOurTrace({ version: 1, problem: 'p', thinking: 't', episodes: [] }, loc), RecordError);
});

test('streamed chunks: pieces concatenated per id and choice, done at finish_reason, unfinished ones cut off', () => {
  const chunks = new ChunkLogAssembler();
  const fixture = CHAT_FIXTURES.find((f) => f.format === 'openai-chunks')!;
  const out = fixture.records.flatMap((r, i) => convertRecord('openai-chunks', r, { path: 's.jsonl', line: i + 1 }, { ...ctx, chunks }).map((x) => x.input));
  assert.equal(out.length, 1);
  assert.deepEqual([out[0].id, out[0].thinking, out[0].response, out[0].source.kind, out[0].source.extra?.chunks], ['chatcmpl-s1', 'Two apples plus three is five.', 'The answer is 5.', 'import:openai-chunks', 5]);
  assert.equal(out[0].source.line, 1, 'located at the first chunk');
  chunks.push({ id: 'x', choices: [{ index: 0, delta: { reasoning_content: 'half a th' } }] }, { path: 's', line: 9 });
  const [cut] = chunks.finish().map((r) => r.input);
  assert.deepEqual([cut.thinking, cut.truncated, cut.source.extra?.unfinished, cut.source.extra?.reasoningFrom], ['half a th', true, true, 'reasoning_content']);
  assert.throws(() => chunks.push({ id: 'y', choices: [{ delta: { content: 3 } }] }, loc), (e: RecordError) => e.errors[0].field === 'choices[0].delta.content');
});

test('Responses API: reasoning_text content is the thinking, the summary is kept, output_text is the answer', () => {
  const [t] = read(CHAT_FIXTURES.find((f) => f.format === 'openai-responses')!.records[0]);
  assert.deepEqual([t.id, t.problem, t.thinking, t.response, t.model, t.source.kind], ['resp_1', 'What is 6 * 7?', '6 * 7 = 42.\n\nCheck: 7 * 6 = 42.', '42', 'openai/gpt-oss-20b', 'import:openai-responses']);
  assert.deepEqual(t.source.extra?.otherReasoning, { summary: 'Multiplied.' });
  const [s] = read({ id: 'r2', object: 'response', output: [{ type: 'reasoning', summary: [{ type: 'summary_text', text: 'Thought briefly.' }] }, { type: 'message', content: [{ type: 'output_text', text: '1' }] }] });
  assert.deepEqual([s.thinking, s.source.extra?.reasoningFrom], ['Thought briefly.', 'reasoning.summary']);
  const [n] = read({ id: 'r3', object: 'response', output: [{ type: 'message', content: [{ type: 'output_text', text: '1' }] }] });
  assert.equal(n.source.extra?.noReasoning, true);
  assert.throws(() => read({ object: 'response', output: [{ type: 'reasoning', summary: [{ type: 'summary_text', text: 2 }] }] }), (e: RecordError) => e.errors[0].field === 'output[0].summary[0].text');
});

test('detection: the older formats are never taken for a chat format, nor a chat format for them', () => {
  const older: [unknown, string, string][] = [
    [{ problem: 'p', output: '<think>t</think>a' }, 'x.jsonl', 'generic'],
    [{ question: 'q', code: ['<think>t</think>a'], gt: '1' }, 'x.jsonl', 'qwen-math-eval'],
    [{ prompt: 'p', solution: 's', full_cot: 'c' }, 'x.json', 'thought-anchors-base'],
    [{ seed: 1, solution: '<think>t</think>' }, 'x.json', 'thought-anchors-solutions'],
    [{ version: 1, problem: 'p', thinking: 't' }, 'x.jsonl', 'trace'],
    [{ prompt: 'p', messages: 'not a list', output: 'o' }, 'x.jsonl', 'generic'],
  ];
  for (const [record, file, format] of older) assert.equal(detectRecordFormat(record, file), format, JSON.stringify(record));
  const chatFormats = new Set(CHAT_FIXTURES.map((f) => f.format));
  for (const [record, file] of older) assert.ok(!chatFormats.has(detectRecordFormat(record, file)));
});

test('Open WebUI: a reasoning block left at done="false" is a cut-off trace', () => {
  const [t] = read({ id: 'w', chat: { messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: '<details type="reasoning" done="false">\n<summary>Thinking…</summary>\n> half\n</details>\n' }] } });
  assert.deepEqual([t.thinking, t.response, t.truncated], ['half', '', true]);
});
