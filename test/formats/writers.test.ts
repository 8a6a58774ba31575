/**
 * The format writers (src/formats/writers): the shape each writes, checked against where the shape
 * is documented, and the traces each refuses. Round trips are in round-trip*.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { annotateTrace } from '../../src/core/annotate';
import type { Trace } from '../../src/core/trace';
import { jsonLines } from '../../src/formats/writers/common';
import { toHfChatRow } from '../../src/formats/writers/hf-chat';
import { INSPECT_SCORER, toInspectLog, toInspectSample } from '../../src/formats/writers/inspect';
import { toOpenAIChatCompletion } from '../../src/formats/writers/openai-chat';
import { toMinimalTrace } from '../../src/formats/writers/trace';
import { dataPath, skipWithoutData } from '../support/shared-data';

function trace(over: Partial<{ id: string; problem: string; thinking: string; response: string; gold: string | null; model: string | null; truncated: boolean; createdAt: string }> = {}): Trace {
  return annotateTrace({
    id: over.id ?? 't1',
    problem: over.problem ?? 'What is 6 * 7?',
    thinking: over.thinking ?? '6 * 7 = 42. Wait, check: 7 * 6 = 42. Yes.',
    response: over.response ?? 'The answer is \\boxed{42}.',
    gold: over.gold === undefined ? '42' : over.gold,
    model: over.model === undefined ? 'qwen3:0.6b' : over.model,
    truncated: over.truncated ?? false,
    source: { kind: 'test', ...(over.createdAt ? { createdAt: over.createdAt } : {}) },
  });
}

test('hf-chat: a user turn and an assistant turn with both reasoning_content and reasoning (TRL conversational "messages" rows)', () => {
  // Shape: Hugging Face chat templating docs / TRL dataset formats ("messages": [{role, content}]);
  // reasoning_content as Qwen3's chat template and DeepSeek's API name it, reasoning as vLLM (RFC #27755) and Ollama's /v1 do.
  assert.deepEqual(toHfChatRow(trace()), {
    id: 't1',
    messages: [
      { role: 'user', content: 'What is 6 * 7?' },
      { role: 'assistant', content: 'The answer is \\boxed{42}.', reasoning_content: '6 * 7 = 42. Wait, check: 7 * 6 = 42. Yes.', reasoning: '6 * 7 = 42. Wait, check: 7 * 6 = 42. Yes.' },
    ],
    gold: '42',
    model: 'qwen3:0.6b',
  });
  const noGold = toHfChatRow(trace({ gold: null, model: null }));
  assert.ok(!('gold' in noGold) && !('model' in noGold), 'no gold and no model: the fields are left out, not written as null');
});

test('hf-chat --think-in-content: <think>…</think> then the answer in the content, no reasoning fields', () => {
  const row = toHfChatRow(trace(), { thinkInContent: true });
  assert.ok(!('reason' in row));
  assert.deepEqual(row.messages[1], { role: 'assistant', content: '<think>6 * 7 = 42. Wait, check: 7 * 6 = 42. Yes.</think>\n\nThe answer is \\boxed{42}.' });
  // A cut-off trace keeps its open tag unclosed: readers take that as thinking that never ended.
  const cut = toHfChatRow(trace({ response: '', truncated: true }), { thinkInContent: true });
  assert.ok(!('reason' in cut));
  assert.equal(cut.messages[1].content, '<think>6 * 7 = 42. Wait, check: 7 * 6 = 42. Yes.');
});

test('hf-chat --think-in-content refuses thinking the tags cannot carry, naming the trace and the way out', () => {
  for (const thinking of ['a </think> b', 'x <|begin_of_thought|> y', '<|channel|>analysis<|message|>hi<|end|>']) {
    const r = toHfChatRow(trace({ id: 'bad', thinking }), { thinkInContent: true });
    assert.ok('reason' in r, thinking);
    assert.equal(r.id, 'bad');
    assert.match(r.reason, /without --think-in-content/);
    // Without the option the same trace is written, the thinking in its fields.
    assert.ok(!('reason' in toHfChatRow(trace({ thinking }))));
  }
  // Tags of another name inside the thinking do not end a <think> block: written.
  assert.ok(!('reason' in toHfChatRow(trace({ thinking: 'a <thinking> b </thinking>' }), { thinkInContent: true })));
});

test('every chat writer refuses an answer holding reasoning markup (readers would split it off as thinking)', () => {
  const t = trace({ response: 'see <think>this</think> 42' });
  for (const r of [toHfChatRow(t), toOpenAIChatCompletion(t, { created: 0 }), toInspectSample(t)]) {
    assert.ok('reason' in r);
    assert.match(r.reason, /response holds reasoning markup/);
  }
});

test('openai-chat: one chat.completion object per trace (OpenAI API reference, "The chat completion object")', () => {
  assert.deepEqual(toOpenAIChatCompletion(trace(), { created: 1_700_000_000 }), {
    id: 't1',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'qwen3:0.6b',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'The answer is \\boxed{42}.', reasoning_content: '6 * 7 = 42. Wait, check: 7 * 6 = 42. Yes.', reasoning: '6 * 7 = 42. Wait, check: 7 * 6 = 42. Yes.' },
        finish_reason: 'stop',
      },
    ],
    messages: [{ role: 'user', content: 'What is 6 * 7?' }],
    metadata: { gold: '42' },
  });
  // The trace's own time wins over the caller's clock; a cut-off trace finished for `length`.
  const cut = toOpenAIChatCompletion(trace({ createdAt: '2025-01-02T03:04:05Z', response: '', truncated: true, gold: null }), { created: 1 });
  assert.ok(!('reason' in cut));
  assert.equal(cut.created, Date.UTC(2025, 0, 2, 3, 4, 5) / 1000);
  assert.equal(cut.choices[0].finish_reason, 'length');
  assert.ok(!('metadata' in cut));
});

test('trace-minimal: only what cannot be recomputed, under version 1', () => {
  assert.deepEqual(toMinimalTrace(trace()), { version: 1, id: 't1', problem: 'What is 6 * 7?', thinking: '6 * 7 = 42. Wait, check: 7 * 6 = 42. Yes.', response: 'The answer is \\boxed{42}.', gold: '42', model: 'qwen3:0.6b' });
  assert.equal(toMinimalTrace(trace({ truncated: true, response: '' })).truncated, true);
});

test('jsonLines: one line per value, line breaks inside strings escaped', () => {
  assert.equal(jsonLines([{ a: 'x\r\ny' }, { b: 1 }]), '{"a":"x\\r\\ny"}\n{"b":1}\n');
  assert.equal(jsonLines([]), '');
});

test('inspect: an EvalLog with the fields its schema requires (inspect_ai @ 499e6152, cited in src/formats/writers/inspect.ts)', () => {
  const graded = trace();
  const ungraded = trace({ id: 't2', gold: null, thinking: '' });
  const { log, skipped } = toInspectLog([graded, ungraded], { created: '2026-12-01T00:00:00.000Z', dataset: 'in.jsonl' });
  assert.deepEqual(skipped, []);
  // EvalLog (log/_log.py:1130-1173): version 2, status one of EvalStatus (:59).
  assert.equal(log.version, 2);
  assert.ok(['started', 'success', 'cancelled', 'error'].includes(log.status));
  // EvalSpec's fields without a default (log/_log.py:942 created, :945 task, :984 dataset, :990 model, :1005 config).
  for (const field of ['created', 'task', 'dataset', 'model', 'config'] as const) assert.ok(field in log.eval, field);
  assert.equal(log.eval.model, 'qwen3:0.6b');
  assert.deepEqual(log.eval.dataset, { name: 'in.jsonl', samples: 2, sample_ids: ['t1', 't2'] });
  const [s1, s2] = log.samples;
  // EvalSample's fields without a default (log/_log.py:403 id, :406 epoch, :409 input, :415 target).
  assert.deepEqual([s1.id, s1.epoch, s1.input, s1.target], ['t1', 1, 'What is 6 * 7?', '42']);
  assert.deepEqual(s2.target, [], 'no gold: an empty target list');
  // ContentReasoning (_util/content.py:32-50) before ContentText (:16-22); none when there is no thinking.
  assert.deepEqual(s1.messages[1].content, [
    { type: 'reasoning', reasoning: '6 * 7 = 42. Wait, check: 7 * 6 = 42. Yes.', redacted: false },
    { type: 'text', text: 'The answer is \\boxed{42}.' },
  ]);
  assert.deepEqual(s2.messages[1].content, [{ type: 'text', text: 'The answer is \\boxed{42}.' }]);
  // ModelOutput (model/_model_output.py:259-271) and its choice (:224-230), StopReason values (:95-102).
  assert.deepEqual(s1.output.choices[0].message, s1.messages[1]);
  assert.equal(s1.output.completion, 'The answer is \\boxed{42}.');
  assert.equal(s1.output.choices[0].stop_reason, 'stop');
  // Score (scorer/_metric.py:91-105), CORRECT = "C" (:36); an ungraded trace has no score.
  assert.deepEqual(s1.scores?.[INSPECT_SCORER]?.value, 'C');
  assert.equal(s1.scores?.[INSPECT_SCORER]?.answer, '42');
  assert.equal(s2.scores, undefined);
  const cut = toInspectSample(trace({ response: '', truncated: true }));
  assert.ok(!('reason' in cut));
  assert.equal(cut.output.choices[0].stop_reason, 'max_tokens');
});

test('inspect: every field we write is one a real Inspect log has at the same place', { skip: skipWithoutData('formats/inspect/log_formats.json') }, () => {
  const real = JSON.parse(readFileSync(dataPath('formats/inspect/log_formats.json'), 'utf8')) as { eval: object; samples: { messages: { role: string }[]; output: { choices: { message: object }[] } & object }[] } & object;
  const { log } = toInspectLog([trace()], { created: '2026-12-01T00:00:00.000Z' });
  const subset = (ours: object, theirs: object, where: string, also: string[] = []): void => {
    for (const k of Object.keys(ours)) assert.ok(k in theirs || also.includes(k), `${where}.${k} is not in the real log`);
  };
  subset(log, real, 'log');
  // config and sample_ids are EvalSpec/EvalDataset fields (log/_log.py:1005, :883) the real log leaves at their defaults.
  subset(log.eval, real.eval, 'eval', ['config']);
  subset(log.eval.dataset, (real.eval as { dataset: object }).dataset, 'eval.dataset', ['sample_ids']);
  const realSample = real.samples[0];
  subset(log.samples[0], realSample, 'samples[0]');
  subset(log.samples[0].output, realSample.output, 'samples[0].output', ['completion']);
  const realAssistant = realSample.messages.find((m) => m.role === 'assistant') as object;
  // model: ChatMessageAssistant.model (model/_chat_message.py:166), newer than this log.
  subset(log.samples[0].messages[1], realAssistant, 'assistant message', ['model']);
  subset(log.samples[0].output.choices[0], realSample.output.choices[0], 'output.choices[0]');
});
