// Replays the real recorded Ollama streams (../shared/data/ollama/recorded-streams) through the
// fake server, ollama-js and OllamaBackend, and compares the fake server's own chunk shapes
// with the recorded ones.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OllamaBackend } from '../../src/model/ollama';
import type { StreamHandle } from '../../src/model/types';
import { listRecordedStreams, type RecordedStream } from '../fake-ollama/recorded';
import { startFakeOllama, type FakeModelConfig, type FakeOllama } from '../fake-ollama/server';
import { dataPath, skipWithoutData } from '../support/shared-data';

const skip = skipWithoutData('ollama', 'recorded-streams');
const recordings: RecordedStream[] = skip ? [] : listRecordedStreams(dataPath('ollama', 'recorded-streams'));

function fakeModelFor(r: RecordedStream): FakeModelConfig {
  const oss = r.model.startsWith('gpt-oss');
  const qwen = r.model.startsWith('qwen3');
  return {
    name: r.model,
    family: oss ? 'gpt-oss' : qwen ? 'qwen3' : 'deepseek-r1',
    capabilities: ['completion', 'thinking'],
    thinking: r.chunks.some((c) => typeof c.thinking === 'string') ? 'field' : 'inline',
  };
}

/** Thinking and answer computed from the recorded chunks alone (the reference). */
function expectedText(r: RecordedStream): { thinking: string; answer: string } {
  const response = r.chunks.map((c) => (c.response as string | undefined) ?? '').join('');
  const fieldThinking = r.chunks.map((c) => (c.thinking as string | undefined) ?? '').join('');
  if (fieldThinking !== '') return { thinking: fieldThinking, answer: response };
  const open = response.indexOf('<think>');
  const close = response.indexOf('</think>');
  assert.ok(open >= 0 && close > open, `${r.file}: inline recording has <think>…</think>`);
  return { thinking: response.slice(open + '<think>'.length, close), answer: response.slice(0, open) + response.slice(close + '</think>'.length) };
}

function asChatChunk(c: Record<string, unknown>): Record<string, unknown> {
  const { response, thinking, context: _context, ...rest } = c;
  const message: Record<string, unknown> = { role: 'assistant', content: response ?? '' };
  if (typeof thinking === 'string') message.thinking = thinking;
  const { model, created_at, ...tail } = rest;
  return { model, created_at, message, ...tail };
}

async function collect(h: StreamHandle): Promise<{ thinking: string; content: string }> {
  let thinking = '';
  let content = '';
  for await (const d of h.deltas) {
    thinking += d.thinking;
    content += d.content;
  }
  return { thinking, content };
}

describe('recorded Ollama streams', { skip }, () => {
  let fake: FakeOllama;
  before(async () => {
    fake = await startFakeOllama({ models: recordings.map(fakeModelFor) });
  });
  after(() => fake.close());

  test('all five recordings parse, each ending with a done chunk', () => {
    assert.equal(recordings.length, 5);
    for (const r of recordings) {
      assert.equal(r.chunks.at(-1)!.done, true, r.file);
      assert.ok(r.chunks.slice(0, -1).every((c) => c.done === false), r.file);
      assert.equal(r.prompt.startsWith('Describe a rabbit'), true);
    }
  });

  for (const r of recordings) {
    test(`${r.model}: generate replay reproduces thinking and answer exactly (${r.file.split('__')[0]})`, async () => {
      fake.setReplay('/api/generate', r.chunks);
      try {
        const backend = new OllamaBackend({ host: fake.url });
        const h = backend.generateRawStream({ model: r.model, prompt: r.prompt });
        const out = await collect(h);
        const expected = expectedText(r);
        assert.equal(out.thinking, expected.thinking);
        assert.equal(out.content, expected.answer);
        assert.ok(out.thinking.length > 100 && out.content.trim().length > 5);
        const stats = await h.stats;
        const last = r.chunks.at(-1)!;
        assert.equal(stats.doneReason, last.done_reason);
        assert.equal(stats.evalCount, last.eval_count);
        assert.equal(stats.totalDurationMs, (last.total_duration as number) / 1e6);
      } finally {
        fake.setReplay('/api/generate', null);
      }
    });

    test(`${r.model}: the same chunks as a chat stream give the same text`, async () => {
      fake.setReplay('/api/chat', r.chunks.map(asChatChunk));
      try {
        const out = await collect(new OllamaBackend({ host: fake.url }).chat({ model: r.model, messages: [{ role: 'user', content: r.prompt }] }));
        const expected = expectedText(r);
        assert.equal(out.thinking, expected.thinking);
        assert.equal(out.content, expected.answer);
      } finally {
        fake.setReplay('/api/chat', null);
      }
    });
  }

  test("the fake server's generate chunks have the recorded key sets and value types", async () => {
    for (const r of recordings) {
      const res = await fetch(`${fake.url}/api/generate`, {
        method: 'POST',
        body: JSON.stringify({ model: r.model, prompt: r.prompt }),
      });
      const ours = (await res.text()).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const recordedBodyShapes = new Set(r.chunks.slice(0, -1).map(shape));
      for (const c of ours.slice(0, -1)) {
        assert.ok(recordedBodyShapes.has(shape(c)), `${r.file}: chunk shape ${shape(c)} not among recorded ${[...recordedBodyShapes].join(' | ')}`);
      }
      // Final chunk: every recorded key is present with the same type; extra keys only from
      // the fuller local-server recordings (Ollama's turbo endpoint omits zero metrics).
      const theirs = r.chunks.at(-1)!;
      const final = ours.at(-1)!;
      for (const [k, v] of Object.entries(theirs)) {
        assert.ok(k in final, `${r.file}: final chunk lacks ${k}`);
        assert.equal(typeOf(final[k]), typeOf(v), `${r.file}: type of ${k}`);
      }
      const fullest = recordings.find((x) => 'context' in x.chunks.at(-1)!)!.chunks.at(-1)!;
      assert.deepEqual(Object.keys(final).sort(), Object.keys(fullest).sort());
      assert.match(final.created_at as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
      assert.match(theirs.created_at as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
    }
  });
});

function typeOf(v: unknown): string {
  if (Array.isArray(v)) return `array<${v.length ? typeOf(v[0]) : 'empty'}>`;
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function shape(c: Record<string, unknown>): string {
  return Object.keys(c)
    .map((k) => `${k}:${typeOf(c[k])}`)
    .sort()
    .join(',');
}
