// OllamaBackend through the real `ollama` client against the fake server over loopback.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OllamaBackend } from '../../src/model/ollama';
import {
  defaultForcedAnswer,
  readBoxedCompletion,
  renderForcedAnswerPrompt,
  renderThinkingPrefix,
} from '../../src/model/templates';
import type { StreamHandle } from '../../src/model/types';
import { startFakeOllama, type FakeOllama } from '../fake-ollama/server';
import { FRACTION_PROBLEM, SAMPLE_PROBLEMS, SUM_PROBLEM } from '../fake-ollama/problems';

let fake: FakeOllama;
let backend: OllamaBackend;
before(async () => {
  fake = await startFakeOllama({ problems: SAMPLE_PROBLEMS });
  backend = new OllamaBackend({ host: fake.url });
});
after(() => fake.close());

async function collect(h: StreamHandle): Promise<{ thinking: string; content: string; deltas: number }> {
  let thinking = '';
  let content = '';
  let deltas = 0;
  for await (const d of h.deltas) {
    thinking += d.thinking;
    content += d.content;
    deltas++;
  }
  return { thinking, content, deltas };
}

function lastBody(path: string): Record<string, unknown> {
  const r = fake.requests.filter((q) => q.path === path).at(-1);
  assert.ok(r, `a request to ${path}`);
  return r.body as Record<string, unknown>;
}

const ask = [{ role: 'user' as const, content: SUM_PROBLEM.match }];
const expectedThinking = SUM_PROBLEM.episodes.join('\n\n');

describe('OllamaBackend: metadata', () => {
  test('version, list and show map the server answers', async () => {
    assert.equal(await backend.version(), '0.12.6');
    const list = await backend.list();
    assert.deepEqual(list.map((m) => m.name), ['deepseek-r1:7b', 'qwen3:8b', 'gpt-oss:20b', 'qwq:32b', 'llama3.2:1b']);
    assert.equal(list[1].family, 'qwen3');
    const r1 = await backend.show('deepseek-r1:7b');
    assert.equal(r1.family, 'deepseek-r1');
    assert.equal(r1.serverFamily, 'qwen2');
    assert.equal(r1.supportsThinking, true);
    assert.deepEqual(r1.thinkLevels, []);
    assert.equal(r1.contextLength, 131072);
    const oss = await backend.show('gpt-oss:20b');
    assert.deepEqual(oss.thinkLevels, ['low', 'medium', 'high']);
    assert.equal((await backend.show('llama3.2:1b')).supportsThinking, false);
  });
});

describe('OllamaBackend: chat', () => {
  test('thinking from message.thinking, answer from content, stats in ms', async () => {
    const h = backend.chat({ model: 'qwen3:8b', messages: ask, think: true, options: { temperature: 0.6, seed: 1 } });
    const out = await collect(h);
    assert.equal(out.thinking, expectedThinking);
    assert.equal(out.content, SUM_PROBLEM.response);
    const stats = await h.stats;
    assert.equal(stats.doneReason, 'stop');
    assert.ok(stats.evalCount! > 10);
    assert.ok(stats.evalDurationMs! >= stats.evalCount!, 'ns were converted to ms (1 ms per token here)');
    const body = lastBody('/api/chat');
    assert.equal(body.stream, true);
    assert.equal(body.think, true);
    assert.deepEqual(body.options, { temperature: 0.6, seed: 1 });
  });

  test('inline <think> tags in content are split into thinking and answer', async () => {
    const out = await collect(backend.chat({ model: 'qwq:32b', messages: ask, think: true }));
    assert.equal(out.thinking, `\n${expectedThinking}\n`);
    assert.equal(out.content, `\n\n${SUM_PROBLEM.response}`);
    assert.ok(!('think' in lastBody('/api/chat')), 'no think sent to an inline thinker without the capability');
  });

  test('the done chunk text is kept', async () => {
    fake.setFault({ doneChunkText: true });
    try {
      const out = await collect(backend.chat({ model: 'deepseek-r1:7b', messages: ask, think: true }));
      assert.equal(out.content, SUM_PROBLEM.response);
      assert.equal(out.thinking, expectedThinking);
    } finally {
      fake.setFault(undefined);
    }
  });

  test('gpt-oss: booleans become "medium", levels pass through', async () => {
    await collect(backend.chat({ model: 'gpt-oss:20b', messages: ask, think: true }));
    assert.equal(lastBody('/api/chat').think, 'medium');
    await collect(backend.chat({ model: 'gpt-oss:20b', messages: ask, think: 'high' }));
    assert.equal(lastBody('/api/chat').think, 'high');
  });

  test('a level on a boolean-only model is sent as true; think:false to a non-thinking model is kept on new servers', async () => {
    await collect(backend.chat({ model: 'qwen3:8b', messages: ask, think: 'low' }));
    assert.equal(lastBody('/api/chat').think, true);
    const out = await collect(backend.chat({ model: 'llama3.2:1b', messages: ask, think: false }));
    assert.equal(lastBody('/api/chat').think, false);
    assert.equal(out.thinking, '');
  });

  test('num_predict cut shows as doneReason "length"', async () => {
    const h = backend.chat({ model: 'qwen3:8b', messages: ask, think: true, options: { num_predict: 5 } });
    const out = await collect(h);
    assert.equal((await h.stats).doneReason, 'length');
    assert.equal((await h.stats).evalCount, 5);
    assert.ok(expectedThinking.startsWith(out.thinking));
  });
});

describe('OllamaBackend: raw generation (probes and extensions)', () => {
  test('forced-answer probes reproduce the scripted accuracy after each episode', async () => {
    for (let j = 0; j <= SUM_PROBLEM.episodes.length; j++) {
      const prefix = SUM_PROBLEM.episodes.slice(0, j).join('\n\n');
      const prompt = renderForcedAnswerPrompt('qwen3', SUM_PROBLEM.match, prefix);
      const answers: (string | null)[] = [];
      for (let k = 0; k < 8; k++) {
        const r = await backend.generateRaw({ model: 'qwen3:8b', prompt, options: { num_predict: 32, temperature: 0.6, seed: k } });
        assert.equal(r.doneReason, 'stop');
        answers.push(readBoxedCompletion(r.text));
      }
      const correct = answers.filter((a) => a === SUM_PROBLEM.correctAnswer).length;
      assert.equal(correct, Math.ceil(8 * SUM_PROBLEM.accuracy[j]), `j=${j}: ${answers.join(',')}`);
    }
    const body = lastBody('/api/generate');
    assert.equal(body.raw, true);
    assert.equal(body.think, false, 'think:false keeps the thinking parser out of raw output');
    assert.equal(body.stream, true);
  });

  test('nested braces survive because probes read up to the unbalanced brace', async () => {
    const prompt = renderForcedAnswerPrompt('deepseek-r1', FRACTION_PROBLEM.match, FRACTION_PROBLEM.episodes.join('\n\n'));
    const r = await backend.generateRaw({ model: 'deepseek-r1:7b', prompt, options: { num_predict: 32 } });
    assert.equal(readBoxedCompletion(r.text), '\\frac{1}{2}');
  });

  test('continuing inside the thinking after "Wait" streams the next episodes as thinking', async () => {
    const prompt = renderThinkingPrefix('qwen3', SUM_PROBLEM.match, `${SUM_PROBLEM.episodes[0]}\n\nWait`);
    const out = await collect(backend.generateRawStream({ model: 'qwen3:8b', prompt }));
    assert.equal(`Wait${out.thinking}`, `${SUM_PROBLEM.episodes.slice(1).join('\n\n')}\n`);
    assert.equal(out.content, `\n\n${SUM_PROBLEM.response}`);
  });

  test('gpt-oss raw continuation is split at the harmony final channel', async () => {
    const prompt = renderThinkingPrefix('gpt-oss', SUM_PROBLEM.match, SUM_PROBLEM.episodes[0]);
    const out = await collect(backend.generateRawStream({ model: 'gpt-oss:20b', prompt }));
    assert.equal(out.thinking, `\n\n${SUM_PROBLEM.episodes.slice(1).join('\n\n')}`);
    assert.equal(out.content, SUM_PROBLEM.response);
  });

  test('think:false is left out of raw requests for non-thinking models on servers before 0.12.5', async () => {
    const old = await startFakeOllama({ problems: SAMPLE_PROBLEMS, version: '0.12.4' });
    try {
      const b = new OllamaBackend({ host: old.url });
      const r = await b.generateRaw({ model: 'llama3.2:1b', prompt: 'hello' });
      assert.ok(r.text.length > 0);
      const body = old.requests.filter((q) => q.path === '/api/generate').at(-1)!.body as Record<string, unknown>;
      assert.ok(!('think' in body));
      await b.generateRaw({ model: 'qwen3:8b', prompt: 'hello' });
      const thinking = old.requests.filter((q) => q.path === '/api/generate').at(-1)!.body as Record<string, unknown>;
      assert.equal(thinking.think, false, 'thinking models accept think:false on any version');
    } finally {
      await old.close();
    }
  });

  test('the default forced-answer text per family is in the prompt', () => {
    const prompt = renderForcedAnswerPrompt('qwen3', 'p', 'some thinking');
    assert.ok(prompt.includes(`some thinking\n\n${defaultForcedAnswer('qwen3').forcedStopText}\n</think>\n\n`));
  });
});

describe('OllamaBackend: cancellation', () => {
  test('abort mid-stream: the server sees the disconnect, deltas end with a cancelled error after the text so far', async () => {
    const slow = await startFakeOllama({ problems: SAMPLE_PROBLEMS, tokenDelayMs: 5 });
    try {
      const b = new OllamaBackend({ host: slow.url });
      const h = b.chat({ model: 'qwen3:8b', messages: ask, think: true });
      let text = '';
      await assert.rejects(
        async () => {
          for await (const d of h.deltas) {
            text += d.thinking;
            if (text.length > 20) h.abort();
          }
        },
        (err: { kind?: string }) => err.kind === 'cancelled',
      );
      assert.ok(expectedThinking.startsWith(text) && text.length > 20);
      await assert.rejects(h.stats, (err: { kind?: string }) => err.kind === 'cancelled');
      await waitFor(() => slow.disconnects === 1);
    } finally {
      await slow.close();
    }
  });

  test('breaking out of the deltas loop aborts the request', async () => {
    const slow = await startFakeOllama({ problems: SAMPLE_PROBLEMS, tokenDelayMs: 5 });
    try {
      const h = new OllamaBackend({ host: slow.url }).chat({ model: 'qwen3:8b', messages: ask, think: true });
      for await (const _ of h.deltas) break;
      await waitFor(() => slow.disconnects === 1);
    } finally {
      await slow.close();
    }
  });

  test('generateRaw stops when its signal aborts', async () => {
    const slow = await startFakeOllama({ problems: SAMPLE_PROBLEMS, tokenDelayMs: 20 });
    try {
      const b = new OllamaBackend({ host: slow.url });
      const controller = new AbortController();
      const pending = b.generateRaw({ model: 'qwen3:8b', prompt: renderThinkingPrefix('qwen3', SUM_PROBLEM.match, '') }, controller.signal);
      const rejected = assert.rejects(pending, (err: { kind?: string }) => err.kind === 'cancelled');
      // Abort once the stream is under way (not after a fixed delay, which a loaded machine outruns).
      await waitFor(() => slow.requests.some((r) => r.path === '/api/generate'));
      controller.abort();
      await rejected;
      await waitFor(() => slow.disconnects === 1);
    } finally {
      await slow.close();
    }
  });

  test('pull reports progress and is abortable', async () => {
    const local = await startFakeOllama({
      registry: [{ name: 'smollm2:135m', family: 'generic', capabilities: ['completion'], thinking: 'none' }],
    });
    try {
      const b = new OllamaBackend({ host: local.url });
      const seen: { status: string; completed?: number; total?: number }[] = [];
      await b.pull('smollm2:135m', (p) => seen.push(p));
      assert.equal(seen.at(-1)!.status, 'success');
      assert.ok(seen.some((p) => p.total === 4_000_000 && p.completed === 2_500_000));
      assert.equal((await b.show('smollm2:135m')).name, 'smollm2:135m');
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(b.pull('smollm2:135m', () => {}, controller.signal), (err: { kind?: string }) => err.kind === 'cancelled');
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
