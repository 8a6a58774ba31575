import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OpenAIBackend, normalizeOpenAIHost, familyFromModelName } from '../../src/model/openai';
import { InlineThinkSplitter, sseData } from '../../src/model/openai-stream';
import { ModelError, type StreamHandle } from '../../src/model/types';
import { startFakeOpenAI, type ReasoningStyle } from '../fake-openai/server';
import { scriptFor } from '../fake-openai/scripted';

const MODEL = 'deepseek-r1:1.5b';
const problem = { problem: 'What is 6 times 7?', gold: '42' };

async function drain(h: StreamHandle) {
  let thinking = '';
  let content = '';
  for await (const d of h.deltas) {
    thinking += d.thinking;
    content += d.content;
  }
  return { thinking, content, stats: await h.stats };
}

for (const style of ['reasoning_content', 'reasoning', 'inline', 'inline-no-open'] as ReasoningStyle[]) {
  test(`chat stream separates thinking from content (${style})`, async () => {
    const fake = await startFakeOpenAI({ models: [MODEL], problems: [problem], reasoning: style, chunkChars: 5 });
    try {
      const b = new OpenAIBackend({ host: fake.url });
      const r = await drain(b.chat({ model: MODEL, messages: [{ role: 'user', content: problem.problem }], think: true }));
      const script = scriptFor(problem);
      assert.equal(r.thinking.trim(), script.thinking.trim());
      assert.equal(r.content.trim(), script.response);
      assert.equal(r.stats.doneReason, 'stop');
      assert.ok((r.stats.evalCount ?? 0) > 10, 'usage from the last chunk');
      const sent = fake.requests.find((q) => q.path === '/v1/chat/completions')!.body as Record<string, unknown>;
      assert.deepEqual(sent.stream_options, { include_usage: true });
    } finally {
      await fake.close();
    }
  });
}

test('max_tokens cut is reported as length', async () => {
  const fake = await startFakeOpenAI({ models: [MODEL], problems: [problem] });
  try {
    const b = new OpenAIBackend({ host: `openai+${fake.url}/v1` });
    const r = await drain(b.chat({ model: MODEL, messages: [{ role: 'user', content: problem.problem }], options: { num_predict: 10 } }));
    assert.equal(r.stats.doneReason, 'length');
    assert.equal(r.content, '');
    assert.ok(r.stats.evalCount! <= 10);
  } finally {
    await fake.close();
  }
});

test('raw completions answer forced probes; streaming raw continues thinking', async () => {
  const fake = await startFakeOpenAI({ models: [MODEL], problems: [problem] });
  try {
    const b = new OpenAIBackend({ host: fake.url });
    const script = scriptFor(problem);
    const before = await b.generateRaw({ model: MODEL, prompt: `${problem.problem}<think>\nhmm\n</think>\n\n\\boxed{` });
    assert.equal(before.text, `${script.wrong}}`);
    const after = await b.generateRaw({ model: MODEL, prompt: `${problem.problem}<think>\n${script.correctMarker}\n</think>\n\n` });
    assert.equal(after.text, `\\boxed{42}`);
    assert.equal(after.doneReason, 'stop');
    const cont = await drain(b.generateRawStream({ model: MODEL, prompt: `${problem.problem}<think>\nSo far so good.\n\nWait` }));
    assert.match(cont.content, /reconsider/);
  } finally {
    await fake.close();
  }
});

test('models, show and version', async () => {
  const fake = await startFakeOpenAI({ models: [MODEL, 'gpt-oss:20b'] });
  try {
    const b = new OpenAIBackend({ host: fake.url });
    assert.deepEqual((await b.list()).map((m) => m.name), [MODEL, 'gpt-oss:20b']);
    const info = await b.show('gpt-oss:20b');
    assert.equal(info.family, 'gpt-oss');
    assert.deepEqual(info.thinkLevels, ['low', 'medium', 'high']);
    assert.equal(info.contextLength, 32768);
    assert.equal(await b.version(), '0.0.0-fake');
  } finally {
    await fake.close();
  }
});

test('errors become actionable ModelErrors', async () => {
  const fake = await startFakeOpenAI({ models: [MODEL] });
  const b = new OpenAIBackend({ host: fake.url });
  try {
    await assert.rejects(drain(b.chat({ model: 'nope', messages: [{ role: 'user', content: 'x' }] })), (e: unknown) => {
      assert.ok(e instanceof ModelError);
      assert.equal(e.kind, 'model-missing');
      assert.match(e.message, /"nope" is not served.*deepseek-r1:1\.5b/);
      return true;
    });
    await assert.rejects(b.show('nope'), (e: unknown) => e instanceof ModelError && e.kind === 'model-missing');
    fake.setFault({ kind: 'http', status: 503, message: 'overloaded' });
    await assert.rejects(b.generateRaw({ model: MODEL, prompt: 'x' }), (e: unknown) => e instanceof ModelError && e.kind === 'stream-error' && /overloaded/.test(e.message));
    fake.setFault({ kind: 'drop', afterChunks: 3 });
    await assert.rejects(drain(b.chat({ model: MODEL, messages: [{ role: 'user', content: 'x' }] })), (e: unknown) => e instanceof ModelError && e.kind === 'stream-incomplete');
    fake.setFault({ kind: 'stream-error', message: 'CUDA out of memory' });
    await assert.rejects(drain(b.chat({ model: MODEL, messages: [{ role: 'user', content: 'x' }] })), (e: unknown) => e instanceof ModelError && e.kind === 'stream-error' && /out of memory/.test(e.message));
    await assert.rejects(b.pull(MODEL, () => {}), (e: unknown) => e instanceof ModelError && /vllm serve/.test(e.message));
  } finally {
    await fake.close();
  }
  // Nothing listens on port 1.
  await assert.rejects(new OpenAIBackend({ host: 'http://127.0.0.1:1' }).list(), (e: unknown) => e instanceof ModelError && e.kind === 'unreachable' && /Is it running/.test(e.message));
});

test('a stalled stream or a server that never answers becomes a timeout error', async () => {
  const fake = await startFakeOpenAI({ models: [MODEL], problems: [problem] });
  try {
    const b = new OpenAIBackend({ host: fake.url, idleTimeoutMs: 150, connectTimeoutMs: 300 });
    fake.setFault({ kind: 'stall', afterChunks: 2 });
    await assert.rejects(drain(b.chat({ model: MODEL, messages: [{ role: 'user', content: problem.problem }] })), (e: unknown) => {
      assert.ok(e instanceof ModelError && e.kind === 'timeout', String(e));
      assert.match(e.message, /sent nothing for 150 ms while waiting for the stream/);
      return true;
    });
    fake.setFault({ kind: 'hang' });
    await assert.rejects(b.generateRaw({ model: MODEL, prompt: 'x' }), (e: unknown) => e instanceof ModelError && e.kind === 'timeout' && /300 ms/.test(e.message));
    const caller = new AbortController();
    const pending = b.generateRaw({ model: MODEL, prompt: 'x' }, caller.signal);
    caller.abort();
    await assert.rejects(pending, (e: unknown) => e instanceof ModelError && e.kind === 'cancelled', 'the caller\'s abort stays a cancel');
  } finally {
    await fake.close();
  }
});

test('abort closes the connection', async () => {
  const fake = await startFakeOpenAI({ models: [MODEL], problems: [problem], chunkDelayMs: 5, chunkChars: 2 });
  try {
    const b = new OpenAIBackend({ host: fake.url });
    const h = b.chat({ model: MODEL, messages: [{ role: 'user', content: problem.problem }] });
    let n = 0;
    await assert.rejects(
      (async () => {
        for await (const _ of h.deltas) if (++n === 3) h.abort();
      })(),
      (e: unknown) => e instanceof ModelError && e.kind === 'cancelled',
    );
  } finally {
    await fake.close();
  }
});

test('host normalisation and family guess', () => {
  assert.equal(normalizeOpenAIHost('openai+http://h:8000/v1/'), 'http://h:8000');
  assert.equal(normalizeOpenAIHost('localhost:30000'), 'http://localhost:30000');
  assert.equal(familyFromModelName('deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B'), 'deepseek-r1');
  assert.equal(familyFromModelName('Qwen/QwQ-32B'), 'qwq');
  assert.equal(familyFromModelName('llama3'), 'generic');
});

test('property: inline splitter output does not depend on chunk boundaries', () => {
  fc.assert(
    fc.property(
      fc.string({ maxLength: 40 }).filter((s) => !s.includes('<') && !s.includes('>')),
      fc.string({ maxLength: 40 }).filter((s) => !s.includes('<') && !s.includes('>')),
      fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 20 }),
      fc.boolean(),
      (think, answer, cuts, withOpen) => {
        const text = `${withOpen ? '<think>' : ''}${think}</think>${answer}`;
        const s = new InlineThinkSplitter(true);
        let th = '';
        let ct = '';
        let i = 0;
        let k = 0;
        while (i < text.length) {
          const d = s.push(text.slice(i, i + cuts[k++ % cuts.length]));
          i += cuts[(k - 1) % cuts.length];
          th += d.thinking;
          ct += d.content;
        }
        const f = s.flush();
        th += f.thinking;
        ct += f.content;
        assert.equal(th, withOpen ? think.replace(/^\n/, '') : think);
        assert.equal(ct, answer.replace(/^\n+/, ''));
      },
    ),
  );
});

test('SSE framing across arbitrary byte splits, CRLF included', async () => {
  const payload = 'data: {"a":1}\r\n\r\n: comment\n\ndata: {"b":"é"}\n\ndata: [DONE]\n\n';
  const bytes = new TextEncoder().encode(payload);
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += 3) yield bytes.subarray(i, i + 3);
  }
  const out: string[] = [];
  for await (const d of sseData(chunks())) out.push(d);
  assert.deepEqual(out, ['{"a":1}', '{"b":"é"}', '[DONE]']);
});
