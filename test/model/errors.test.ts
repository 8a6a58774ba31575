// Every ModelError kind, produced by a real failure through ollama-js, with its message.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import { OllamaBackend } from '../../src/model/ollama';
import { ModelError, type ModelErrorKind, type StreamHandle } from '../../src/model/types';
import { startFakeOllama, type FakeFaults } from '../fake-ollama/server';
import { SAMPLE_PROBLEMS, SUM_PROBLEM } from '../fake-ollama/problems';

const ask = [{ role: 'user' as const, content: SUM_PROBLEM.match }];

function isKind(kind: ModelErrorKind, message?: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof ModelError, `expected a ModelError, got ${String(err)}`);
    assert.equal(err.kind, kind, err.message);
    if (message) assert.match(err.message, message);
    return true;
  };
}

/** Drain a stream; return the text received before it failed, and the error. */
async function drain(h: StreamHandle): Promise<{ text: string; error: unknown }> {
  let text = '';
  try {
    for await (const d of h.deltas) text += d.thinking + d.content;
  } catch (error) {
    return { text, error };
  }
  return { text, error: null };
}

async function withFake<T>(opts: { faults?: FakeFaults; version?: string }, run: (b: OllamaBackend, url: string) => Promise<T>, backendOpts = {}): Promise<T> {
  const fake = await startFakeOllama({ problems: SAMPLE_PROBLEMS, ...opts });
  try {
    return await run(new OllamaBackend({ host: fake.url, ...backendOpts }), fake.url);
  } finally {
    await fake.close();
  }
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('model errors', () => {
  test('unreachable: nothing listens on the port', async () => {
    const host = `http://127.0.0.1:${await freePort()}`;
    const b = new OllamaBackend({ host });
    await assert.rejects(
      b.version(),
      isKind('unreachable', new RegExp(`^Could not reach Ollama at ${host} \\(connection refused\\): start it with \`ollama serve\` or change the host \\(setting reasoningLens.host / --host / OLLAMA_HOST\\)\\.$`)),
    );
    const { error } = await drain(b.chat({ model: 'qwen3:8b', messages: ask }));
    isKind('unreachable')(error);
  });

  test('not-ollama: another web server answers with HTML 404', async () => {
    await withFake({ faults: { notOllama: true } }, async (b, url) => {
      await assert.rejects(b.version(), isKind('not-ollama', new RegExp(`^The server at ${url} does not look like Ollama`)));
      await assert.rejects(b.list(), isKind('not-ollama'));
    });
  });

  test('not-ollama: a JSON server without /api/version', async () => {
    const srv = (await import('node:http')).createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"status":"ok"}');
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const b = new OllamaBackend({ host: `127.0.0.1:${(srv.address() as { port: number }).port}` });
      await assert.rejects(b.version(), isKind('not-ollama', /\/api\/version did not return a version/));
    } finally {
      srv.close();
    }
  });

  test('model-missing: suggests ollama pull and the Pull Model command', async () => {
    await withFake({}, async (b) => {
      await assert.rejects(
        b.show('ghost:7b'),
        isKind('model-missing', /^Model "ghost:7b" is not installed on the Ollama server at .*Run `ollama pull ghost:7b` or use the "Reasoning Lens: Pull Model" command\.$/),
      );
      const { error } = await drain(b.chat({ model: 'ghost:7b', messages: ask }));
      isKind('model-missing', /ollama pull ghost:7b/)(error);
      const raw = await drain(b.generateRawStream({ model: 'ghost:7b', prompt: 'x' }));
      isKind('model-missing')(raw.error);
    });
  });

  test('model-missing from the server itself (no show first) and from pull', async () => {
    await withFake({}, async (b) => {
      const { error } = await drain(b.chat({ model: 'ghost:7b', messages: ask })); // think unset: no show()
      isKind('model-missing')(error);
      await assert.rejects(b.pull('nothing:here', () => {}), isKind('model-missing', /not found in the Ollama library/));
    });
  });

  test('think-unsupported: thinking asked of a model without the capability', async () => {
    await withFake({}, async (b) => {
      const { error } = await drain(b.chat({ model: 'llama3.2:1b', messages: ask, think: true }));
      isKind('think-unsupported', /^Model "llama3.2:1b" does not support thinking\. Choose a reasoning model/)(error);
    });
  });

  test('think-unsupported: the server 400 text is recognised too', async () => {
    await withFake({ faults: { httpError: { status: 400, error: '"llama3.2:1b" does not support thinking' } } }, async (b) => {
      const { error } = await drain(b.chat({ model: 'llama3.2:1b', messages: ask }));
      isKind('think-unsupported')(error);
    });
  });

  test('server-too-old: think before 0.9.0, levels before 0.11.0', async () => {
    await withFake({ version: '0.8.0' }, async (b) => {
      const { error } = await drain(b.chat({ model: 'qwen3:8b', messages: ask, think: true }));
      isKind('server-too-old', /^Ollama 0\.8\.0 at .* is too old for thinking \(the `think` option\) \(needs 0\.9\.0 or newer\)\. Update Ollama/)(error);
    });
    await withFake({ version: '0.10.1' }, async (b) => {
      const { error } = await drain(b.chat({ model: 'gpt-oss:20b', messages: ask, think: 'high' }));
      isKind('server-too-old', /gpt-oss thinking levels \(needs 0\.11\.0 or newer\)/)(error);
    });
  });

  test('stream-incomplete: EOF without done keeps the text received', async () => {
    await withFake({ faults: { eofWithoutDone: { afterChunks: 6 } } }, async (b) => {
      const h = b.chat({ model: 'qwen3:8b', messages: ask, think: true });
      const { text, error } = await drain(h);
      isKind('stream-incomplete', /without finishing it \(no final "done" message\)\. The text received so far is kept/)(error);
      assert.equal(text, SUM_PROBLEM.episodes[0].slice(0, text.length));
      assert.ok(text.length > 0);
      await assert.rejects(h.stats, isKind('stream-incomplete'));
    });
  });

  test('stream-error: a mid-stream {"error"} line, after the text before it', async () => {
    await withFake({ faults: { midStreamError: { afterChunks: 4, message: 'llama runner process has terminated' } } }, async (b) => {
      const { text, error } = await drain(b.chat({ model: 'qwen3:8b', messages: ask, think: true }));
      isKind('stream-error', /^Ollama reported an error during chat: llama runner process has terminated\. The text received so far is kept\.$/)(error);
      assert.equal(text, 'I need to add'); // four tokens
    });
  });

  test('bad-request: other 400s keep the server text', async () => {
    await withFake({ faults: { httpError: { status: 400, error: 'invalid options: num_ctx' } } }, async (b) => {
      const { error } = await drain(b.chat({ model: 'qwen3:8b', messages: ask }));
      isKind('bad-request', /^Ollama rejected the chat request \(HTTP 400: invalid options: num_ctx\)\.$/)(error);
    });
  });

  test('unknown: 500 and busy 503', async () => {
    await withFake({ faults: { httpError: { status: 503, error: 'server busy, please try again.  maximum pending requests exceeded' } } }, async (b) => {
      const { error } = await drain(b.chat({ model: 'qwen3:8b', messages: ask }));
      isKind('unknown', /is busy .* Try again in a moment\./)(error);
    });
  });

  test('timeout: idle (stalled stream) keeps the text and closes the connection', async () => {
    const fake = await startFakeOllama({ problems: SAMPLE_PROBLEMS, faults: { stallAfterChunks: 3 } });
    try {
      const b = new OllamaBackend({ host: fake.url, idleTimeoutMs: 150 });
      const { text, error } = await drain(b.chat({ model: 'qwen3:8b', messages: ask, think: true }));
      isKind('timeout', /stopped sending tokens after 150 ms during chat/)(error);
      assert.equal(text, 'I need to');
      for (const deadline = Date.now() + 10_000; fake.disconnects === 0 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 10));
      assert.equal(fake.disconnects, 1);
    } finally {
      await fake.close();
    }
  });

  test('timeout: connect (no response headers) and short requests', async () => {
    await withFake({ faults: { hangBeforeResponse: true } }, async (b) => {
      const { error } = await drain(b.chat({ model: 'qwen3:8b', messages: ask }));
      isKind('timeout', /did not start answering the chat request after 200 ms/)(error);
    }, { connectTimeoutMs: 200 });
    const silent = createServer(() => {}); // accepts TCP, never answers HTTP
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const b = new OllamaBackend({ host: `http://127.0.0.1:${(silent.address() as { port: number }).port}`, timeoutMs: 200 });
      await assert.rejects(b.version(), isKind('timeout', /^The version request to Ollama at .* timed out after 200 ms/));
    } finally {
      silent.close();
    }
  });

  test('cancelled: abort before the request starts', async () => {
    await withFake({}, async (b) => {
      const h = b.chat({ model: 'qwen3:8b', messages: ask, think: true });
      h.abort();
      const { text, error } = await drain(h);
      assert.equal(text, '');
      isKind('cancelled', /^The chat request to Ollama was cancelled\.$/)(error);
    });
  });
});
