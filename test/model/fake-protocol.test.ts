// The fake Ollama server speaks the wire protocol of notes/platform.md A6; checked here with
// plain fetch (exact bytes, status codes, headers) and with the real `ollama` client.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Ollama } from 'ollama';
import { startFakeOllama, type FakeOllama } from '../fake-ollama/server';
import { SAMPLE_PROBLEMS, SUM_PROBLEM } from '../fake-ollama/problems';

const RFC3339_NANO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

let fake: FakeOllama;
before(async () => {
  fake = await startFakeOllama({ problems: SAMPLE_PROBLEMS });
});
after(() => fake.close());

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(fake.url + path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
}

async function ndjson(res: Response): Promise<Record<string, unknown>[]> {
  const text = await res.text();
  assert.ok(text.endsWith('\n'), 'every NDJSON line ends with a newline');
  return text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('fake Ollama: plain routes', () => {
  test('GET and HEAD / say "Ollama is running"', async () => {
    const get = await fetch(fake.url + '/');
    assert.equal(get.status, 200);
    assert.equal(await get.text(), 'Ollama is running');
    const head = await fetch(fake.url + '/', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  });

  test('/api/version answers GET and HEAD', async () => {
    assert.deepEqual(await (await fetch(fake.url + '/api/version')).json(), { version: '0.12.6' });
    assert.equal((await fetch(fake.url + '/api/version', { method: 'HEAD' })).status, 200);
  });

  test('unknown path is a text 404, wrong method a text 405', async () => {
    const missing = await fetch(fake.url + '/api/nope');
    assert.equal(missing.status, 404);
    assert.equal(await missing.text(), '404 page not found');
    const wrong = await fetch(fake.url + '/api/generate');
    assert.equal(wrong.status, 405);
    assert.equal(await wrong.text(), '405 method not allowed');
    assert.equal((await post('/api/tags', {})).status, 405);
  });

  test('/api/tags lists models with details and capabilities', async () => {
    const body = (await (await fetch(fake.url + '/api/tags')).json()) as { models: Record<string, unknown>[] };
    const qwen = body.models.find((m) => m.name === 'qwen3:8b')!;
    assert.deepEqual(Object.keys(qwen).sort(), ['capabilities', 'details', 'digest', 'model', 'modified_at', 'name', 'size']);
    assert.match(qwen.modified_at as string, RFC3339_NANO);
    assert.deepEqual(qwen.capabilities, ['completion', 'tools', 'thinking']);
  });

  test('/api/show: capabilities, template, 404 for unknown, 400 without a model', async () => {
    const ok = (await (await post('/api/show', { model: 'gpt-oss:20b' })).json()) as Record<string, unknown>;
    assert.deepEqual(ok.capabilities, ['completion', 'tools', 'thinking']);
    assert.equal(typeof ok.template, 'string');
    const missing = await post('/api/show', { model: 'nope:1b' });
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: "model 'nope:1b' not found" });
    const noModel = await post('/api/show', {});
    assert.equal(noModel.status, 400);
    assert.deepEqual(await noModel.json(), { error: 'model is required' });
  });

  test('a model name without a tag means :latest', async () => {
    const local = await startFakeOllama({
      models: [{ name: 'tiny:latest', family: 'generic', capabilities: ['completion'], thinking: 'none' }],
    });
    try {
      assert.equal((await fetch(local.url + '/api/show', { method: 'POST', body: '{"model":"tiny"}' })).status, 200);
    } finally {
      await local.close();
    }
  });
});

describe('fake Ollama: generate and chat streams', () => {
  test('stream defaults to true server-side; NDJSON content type; chunk shapes', async () => {
    const res = await post('/api/generate', { model: 'qwen3:8b', prompt: SUM_PROBLEM.match });
    assert.equal(res.headers.get('content-type'), 'application/x-ndjson');
    const chunks = await ndjson(res);
    assert.ok(chunks.length > 10);
    const body = chunks.slice(0, -1);
    for (const c of body) {
      assert.equal(c.done, false);
      assert.equal(typeof c.response, 'string', 'response is always present');
      assert.match(c.created_at as string, RFC3339_NANO);
      assert.ok(!('done_reason' in c) && !('eval_count' in c), 'no metrics before the end');
      if ('thinking' in c) assert.notEqual(c.thinking, '', 'thinking only appears when non-empty');
    }
    const thinking = body.map((c) => (c.thinking as string | undefined) ?? '').join('');
    assert.equal(thinking, SUM_PROBLEM.episodes.join('\n\n'));
    assert.equal(body.map((c) => c.response).join(''), SUM_PROBLEM.response);
    const final = chunks[chunks.length - 1];
    assert.equal(final.done, true);
    assert.equal(final.done_reason, 'stop');
    for (const k of ['total_duration', 'load_duration', 'prompt_eval_count', 'prompt_eval_duration', 'eval_count', 'eval_duration']) {
      assert.ok(Number.isInteger(final[k]), `${k} is an integer`);
    }
    assert.equal(final.eval_count, body.length + 1, 'the end-of-generation token counts but is not streamed (as in the real recordings)');
    assert.ok((final.eval_duration as number) >= 1_000_000, 'durations are nanoseconds');
    assert.ok(Array.isArray(final.context), 'non-raw generate returns context');
  });

  test('raw generate returns no context', async () => {
    const chunks = await ndjson(await post('/api/generate', { model: 'qwen3:8b', prompt: 'hello', raw: true, think: false }));
    assert.ok(!('context' in chunks[chunks.length - 1]));
  });

  test('raw with system, template or context is a 400', async () => {
    for (const extra of [{ system: 's' }, { template: 't' }, { context: [1, 2] }]) {
      const res = await post('/api/generate', { model: 'qwen3:8b', prompt: 'x', raw: true, ...extra });
      assert.equal(res.status, 400);
      assert.deepEqual(await res.json(), { error: 'raw mode does not support template, system, or context' });
    }
  });

  test('stream:false gives one JSON object with all text', async () => {
    const res = await post('/api/chat', { model: 'qwen3:8b', messages: [{ role: 'user', content: SUM_PROBLEM.match }], stream: false });
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const body = (await res.json()) as { message: { content: string; thinking: string }; done: boolean };
    assert.equal(body.done, true);
    assert.equal(body.message.content, SUM_PROBLEM.response);
    assert.equal(body.message.thinking, SUM_PROBLEM.episodes.join('\n\n'));
  });

  test('chat chunks carry message.thinking, then message.content; final has no context', async () => {
    const chunks = await ndjson(await post('/api/chat', { model: 'deepseek-r1:7b', messages: [{ role: 'user', content: SUM_PROBLEM.match }] }));
    const firstContent = chunks.findIndex((c) => (c.message as { content: string }).content !== '');
    const lastThinking = chunks.map((c) => 'thinking' in (c.message as object)).lastIndexOf(true);
    assert.ok(lastThinking < firstContent, 'thinking chunks come before content chunks');
    for (const c of chunks) assert.equal((c.message as { role: string }).role, 'assistant');
    const final = chunks[chunks.length - 1];
    assert.equal(final.done, true);
    assert.ok(!('context' in final));
  });

  test('inline-thinking model puts <think> tags into content', async () => {
    const chunks = await ndjson(await post('/api/chat', { model: 'qwq:32b', messages: [{ role: 'user', content: SUM_PROBLEM.match }] }));
    const content = chunks.map((c) => (c.message as { content: string }).content).join('');
    assert.equal(content, `<think>\n${SUM_PROBLEM.episodes.join('\n\n')}\n</think>\n\n${SUM_PROBLEM.response}`);
    assert.equal((chunks[0].message as { content: string }).content, '<think>', 'the tag is one token');
  });

  test('num_predict truncates with done_reason "length"; stop strings end with "stop"', async () => {
    const short = await ndjson(await post('/api/generate', { model: 'llama3.2:1b', prompt: SUM_PROBLEM.match, options: { num_predict: 3 } }));
    assert.equal(short.length, 4);
    assert.equal(short[3].done_reason, 'length');
    assert.equal(short[3].eval_count, 3);
    const stopped = await ndjson(await post('/api/generate', { model: 'llama3.2:1b', prompt: SUM_PROBLEM.match, options: { stop: ['boxed'] } }));
    assert.equal(stopped.map((c) => c.response).join(''), 'The sum is \\');
    assert.equal(stopped[stopped.length - 1].done_reason, 'stop');
  });

  test('think validation: bad value, thinking on a non-thinking model, think:false on old servers', async () => {
    const bad = await post('/api/chat', { model: 'qwen3:8b', messages: [{ role: 'user', content: 'x' }], think: 'extreme' });
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), {
      error: 'invalid think value: "extreme" (must be "high", "medium", "low", "max", true, or false)',
    });
    const unsupported = await post('/api/chat', { model: 'llama3.2:1b', messages: [{ role: 'user', content: 'x' }], think: true });
    assert.equal(unsupported.status, 400);
    assert.deepEqual(await unsupported.json(), { error: '"llama3.2:1b" does not support thinking' });
    assert.equal((await post('/api/generate', { model: 'llama3.2:1b', prompt: 'x', think: false })).status, 200);
    fake.setVersion('0.12.4');
    try {
      assert.equal((await post('/api/generate', { model: 'llama3.2:1b', prompt: 'x', think: false })).status, 400);
    } finally {
      fake.setVersion('0.12.6');
    }
  });

  test('errors: missing body, bad JSON, unknown model, top_logprobs range', async () => {
    const empty = await post('/api/generate', '');
    assert.equal(empty.status, 400);
    assert.deepEqual(await empty.json(), { error: 'missing request body' });
    assert.equal((await post('/api/generate', '{nope')).status, 400);
    const unknown = await post('/api/chat', { model: 'ghost:1b', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(unknown.status, 404);
    assert.deepEqual(await unknown.json(), { error: "model 'ghost:1b' not found" });
    assert.equal((await post('/api/generate', { model: 'qwen3:8b', prompt: 'x', logprobs: true, top_logprobs: 21 })).status, 400);
  });

  test('empty prompt loads, keep_alive 0 unloads; /api/ps follows', async () => {
    const load = (await (await post('/api/generate', { model: 'llama3.2:1b', prompt: '', stream: false })).json()) as Record<string, unknown>;
    assert.equal(load.done_reason, 'load');
    let ps = (await (await fetch(fake.url + '/api/ps')).json()) as { models: { name: string }[] };
    assert.ok(ps.models.some((m) => m.name === 'llama3.2:1b'));
    const unload = (await (await post('/api/chat', { model: 'llama3.2:1b', messages: [], keep_alive: 0, stream: false })).json()) as Record<string, unknown>;
    assert.equal(unload.done_reason, 'unload');
    ps = (await (await fetch(fake.url + '/api/ps')).json()) as { models: { name: string }[] };
    assert.ok(!ps.models.some((m) => m.name === 'llama3.2:1b'));
  });

  test('the request log keeps the exact JSON the client sent', async () => {
    const client = new Ollama({ host: fake.url });
    await client.generate({ model: 'qwen3:8b', prompt: 'hi', think: false, options: { seed: 3 } });
    const last = fake.requests[fake.requests.length - 1];
    assert.equal(last.path, '/api/generate');
    assert.equal(last.rawBody, '{"model":"qwen3:8b","prompt":"hi","think":false,"options":{"seed":3},"stream":false}');
    assert.match(String(last.headers['user-agent']), /^ollama-js\/0\.6\.4/);
  });
});

describe('fake Ollama: faults and pull, through the real client', () => {
  test('mid-stream error line reaches ollama-js as a plain Error after earlier chunks', async () => {
    fake.setFault({ midStreamError: { afterChunks: 5, message: 'CUDA error: out of memory' } });
    try {
      const client = new Ollama({ host: fake.url });
      const stream = await client.generate({ model: 'qwen3:8b', prompt: SUM_PROBLEM.match, stream: true });
      let seen = 0;
      await assert.rejects(async () => {
        for await (const _ of stream) seen++;
      }, (err: Error) => err.name === 'Error' && err.message === 'CUDA error: out of memory');
      assert.equal(seen, 5);
    } finally {
      fake.setFault(undefined);
    }
  });

  test('EOF without done: ollama-js reports the missing done', async () => {
    fake.setFault({ eofWithoutDone: { afterChunks: 4 } });
    try {
      const stream = await new Ollama({ host: fake.url }).chat({ model: 'qwen3:8b', messages: [{ role: 'user', content: 'hi' }], stream: true });
      await assert.rejects(async () => {
        for await (const _ of stream) {
          /* drain */
        }
      }, /Did not receive done or success response in stream/);
    } finally {
      fake.setFault(undefined);
    }
  });

  test('abort closes the connection and the server counts the disconnect', async () => {
    const slow = await startFakeOllama({ problems: SAMPLE_PROBLEMS, tokenDelayMs: 5 });
    try {
      const stream = await new Ollama({ host: slow.url }).generate({ model: 'qwen3:8b', prompt: SUM_PROBLEM.match, stream: true });
      let n = 0;
      await assert.rejects(async () => {
        for await (const _ of stream) if (++n === 3) stream.abort();
      }, (err: Error) => err.name === 'AbortError');
      await waitFor(() => slow.disconnects === 1);
      assert.equal(slow.completedStreams, 0);
    } finally {
      await slow.close();
    }
  });

  test('pull streams progress and then lists the model; unknown models fail in the stream', async () => {
    const local = await startFakeOllama({
      registry: [{ name: 'smollm2:135m', family: 'generic', capabilities: ['completion'], thinking: 'none' }],
    });
    try {
      const client = new Ollama({ host: local.url });
      const statuses: string[] = [];
      for await (const p of await client.pull({ model: 'smollm2:135m', stream: true })) statuses.push(p.status);
      assert.equal(statuses[0], 'pulling manifest');
      assert.match(statuses[1], /^pulling [0-9a-f]{12}$/);
      assert.deepEqual(statuses.slice(-3), ['verifying sha256 digest', 'writing manifest', 'success']);
      assert.ok((await client.list()).models.some((m) => m.name === 'smollm2:135m'));
      const bad = await client.pull({ model: 'nothing:here', stream: true });
      await assert.rejects(async () => {
        for await (const _ of bad) {
          /* drain */
        }
      }, /pull model manifest: file does not exist/);
    } finally {
      await local.close();
    }
  });
});

async function waitFor(cond: () => boolean): Promise<void> {
  // Polls the real condition; the deadline only bounds a failure (a loaded machine may be slow).
  for (const deadline = Date.now() + 10_000; !cond() && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), 'condition not reached');
}
