// Pure parts of model access: host resolution, versions, family detection, templates,
// boxed-answer reading, the harmony splitter, and the fake model's tokenizer and draws.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { detectFamily } from '../../src/model/family';
import { HarmonyStreamSplitter } from '../../src/model/harmony-stream';
import { DEFAULT_OLLAMA_HOST, normalizeOllamaHost, resolveOllamaHost } from '../../src/model/host';
import { compareVersions, versionAtLeast } from '../../src/model/server-version';
import {
  defaultForcedAnswer,
  endOfThinkingMarker,
  promptEndsInsideThinking,
  readBoxedCompletion,
  renderForcedAnswerPrompt,
  renderThinkingPrefix,
  MRT_FORCED_STOP,
  QWEN3_FORCED_STOP,
} from '../../src/model/templates';
import type { ModelFamily } from '../../src/model/types';
import { vanDerCorput } from '../fake-ollama/scripted-model';
import { SPECIAL_TOKENS, tokenize } from '../fake-ollama/tokens';

describe('host resolution (Ollama CLI forms)', () => {
  const cases: [string, string][] = [
    ['localhost:11434', 'http://localhost:11434'],
    [':11434', 'http://127.0.0.1:11434'],
    [':8080', 'http://127.0.0.1:8080'],
    ['0.0.0.0', 'http://127.0.0.1:11434'],
    ['0.0.0.0:9999', 'http://127.0.0.1:9999'],
    ['example.com', 'http://example.com:11434'],
    ['http://example.com', 'http://example.com:80'],
    ['https://example.com/', 'https://example.com:443'],
    ['http://127.0.0.1:11434/', 'http://127.0.0.1:11434'],
    ['https://proxy.local:8443/ollama/', 'https://proxy.local:8443/ollama'],
    ['[::1]:11434', 'http://[::1]:11434'],
    ['::1', 'http://[::1]:11434'],
    ['  192.168.1.5  ', 'http://192.168.1.5:11434'],
  ];
  for (const [input, expected] of cases) {
    test(`"${input}" → ${expected}`, () => assert.equal(normalizeOllamaHost(input), expected));
  }

  test('bad values are named in the error', () => {
    assert.throws(() => normalizeOllamaHost('localhost:port'), /Ollama host "localhost:port": port "port" is not a number/);
    assert.throws(() => normalizeOllamaHost('ftp://x'), /only http:\/\/ and https:\/\//);
  });

  test('explicit setting, then OLLAMA_HOST, then the default', () => {
    assert.equal(resolveOllamaHost(undefined, {}), DEFAULT_OLLAMA_HOST);
    assert.equal(resolveOllamaHost(undefined, { OLLAMA_HOST: '0.0.0.0:9000' }), 'http://127.0.0.1:9000');
    assert.equal(resolveOllamaHost('box:1', { OLLAMA_HOST: '0.0.0.0:9000' }), 'http://box:1');
    assert.equal(resolveOllamaHost('', { OLLAMA_HOST: '' }), DEFAULT_OLLAMA_HOST);
  });
});

describe('server versions', () => {
  test('numeric comparison, prefixes and suffixes ignored', () => {
    assert.equal(compareVersions('0.12.10', '0.12.5'), 1);
    assert.equal(compareVersions('v0.9.0', '0.9.0'), 0);
    assert.equal(compareVersions('0.33.0-rc2', '0.32.15'), 1);
    assert.equal(versionAtLeast('0.8.9', '0.9.0'), false);
    assert.equal(versionAtLeast('0.11', '0.11.0'), true);
    assert.equal(versionAtLeast('garbage', '0.9.0'), false);
  });

  test('antisymmetric for all version triples', () => {
    const v = fc.tuple(fc.nat(40), fc.nat(40), fc.nat(40)).map((t) => t.join('.'));
    fc.assert(fc.property(v, v, (a, b) => compareVersions(a, b) === -compareVersions(b, a)));
  });
});

describe('family detection', () => {
  const cases: [Parameters<typeof detectFamily>[0], ModelFamily][] = [
    [{ name: 'deepseek-r1:14b', serverFamily: 'qwen2' }, 'deepseek-r1'],
    [{ name: 'hf.co/unsloth/DeepSeek-R1-Distill-Llama-8B-GGUF:Q4_K_M', serverFamily: 'llama' }, 'deepseek-r1'],
    [{ name: 'qwq:32b', serverFamily: 'qwen2' }, 'qwq'],
    [{ name: 'qwen3:8b' }, 'qwen3'],
    [{ name: 'gpt-oss:20b' }, 'gpt-oss'],
    [{ name: 'my-reasoner', template: '<|start|>assistant<|channel|>final' }, 'gpt-oss'],
    [{ name: 'my-distill', template: '<｜User｜>{{ .Prompt }}<｜Assistant｜>' }, 'deepseek-r1'],
    [{ name: 'custom', serverFamily: 'qwen3moe' }, 'qwen3'],
    [{ name: 'custom', template: '<|im_start|>assistant\n<think>\n' }, 'qwq'],
    [{ name: 'llama3.2:1b', serverFamily: 'llama', template: '{{ .Prompt }}' }, 'generic'],
  ];
  for (const [evidence, family] of cases) {
    test(`${evidence.name} → ${family}`, () => assert.equal(detectFamily(evidence), family));
  }
});

describe('raw prompt templates', () => {
  const families: ModelFamily[] = ['deepseek-r1', 'qwq', 'qwen3', 'gpt-oss', 'generic'];

  test('thinking prefixes open the thinking and end with the given text, per family', () => {
    assert.equal(
      renderThinkingPrefix('deepseek-r1', 'P', 'T'),
      '<｜begin▁of▁sentence｜><｜User｜>P<｜Assistant｜><think>\nT',
    );
    assert.equal(renderThinkingPrefix('qwq', 'P', 'T'), '<|im_start|>user\nP<|im_end|>\n<|im_start|>assistant\n<think>\nT');
    assert.equal(
      renderThinkingPrefix('qwen3', 'P', 'T', { system: 'S' }),
      '<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nP<|im_end|>\n<|im_start|>assistant\n<think>\nT',
    );
    assert.ok(renderThinkingPrefix('gpt-oss', 'P', 'T').endsWith('<|start|>user<|message|>P<|end|><|start|>assistant<|channel|>analysis<|message|>T'));
    assert.equal(renderThinkingPrefix('generic', 'P', 'T'), 'Problem: P\n\n<think>\nT');
    for (const f of families) assert.equal(promptEndsInsideThinking(renderThinkingPrefix(f, 'P', 'T')), true, f);
  });

  test('forced-answer prompts close the thinking and end inside \\boxed{', () => {
    assert.equal(
      renderForcedAnswerPrompt('deepseek-r1', 'P', 'step one\n\n'),
      `<｜begin▁of▁sentence｜><｜User｜>P<｜Assistant｜><think>\nstep one\n\n${MRT_FORCED_STOP}\n</think>\n\n**Final Answer**\n\n\\boxed{`,
    );
    assert.ok(renderForcedAnswerPrompt('qwen3', 'P', '').includes(`<think>\n${QWEN3_FORCED_STOP}\n</think>`));
    assert.ok(
      renderForcedAnswerPrompt('gpt-oss', 'P', 'x').endsWith(`x\n\n${MRT_FORCED_STOP}<|end|><|start|>assistant<|channel|>final<|message|>**Final Answer**\n\n\\boxed{`),
    );
    const custom = renderForcedAnswerPrompt('qwq', 'P', 'x', { forcedStopText: '', answerPrefix: 'Final Answer:' });
    assert.ok(custom.endsWith('<think>\nx\n</think>\n\nFinal Answer:'));
    for (const f of families) {
      const p = renderForcedAnswerPrompt(f, 'P', 'thinking');
      assert.equal(promptEndsInsideThinking(p), false, f);
      assert.ok(p.endsWith(defaultForcedAnswer(f).answerPrefix));
      assert.ok(p.includes(endOfThinkingMarker(f)));
    }
  });

  test('readBoxedCompletion stops at the first unbalanced brace', () => {
    assert.equal(readBoxedCompletion('42}. Done'), '42');
    assert.equal(readBoxedCompletion('\\frac{1}{2}}\\]'), '\\frac{1}{2}');
    assert.equal(readBoxedCompletion(' \\{1,2\\} }'), '\\{1,2\\}');
    assert.equal(readBoxedCompletion('\\frac{1}{2'), null, 'ran out of tokens');
    assert.equal(readBoxedCompletion('}'), null, 'empty answer');
  });

  test('readBoxedCompletion recovers any brace-balanced answer followed by "}" and any tail', () => {
    const balanced = fc.letrec((tie) => ({
      expr: fc.array(fc.oneof(fc.stringMatching(/^[a-z0-9+\-^ \\]{0,4}$/).filter((s) => !s.endsWith('\\')), tie('group')), { maxLength: 4 }).map((parts) => parts.join('')),
      group: tie('expr').map((e) => `{${e}}`),
    })).expr as fc.Arbitrary<string>;
    fc.assert(
      fc.property(balanced, fc.string(), (answer, tail) => {
        const got = readBoxedCompletion(`${answer}}${tail}`);
        return answer.trim() === '' ? got === null : got === answer.trim();
      }),
    );
  });
});

describe('harmony stream splitter', () => {
  const raw = 'more analysis<|end|><|start|>assistant<|channel|>final<|message|>The answer is 4.';

  test('splits analysis from final, with tokens cut anywhere between chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(raw.length), { maxLength: 6 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const s = new HarmonyStreamSplitter({ startInThinking: true });
        let thinking = '';
        let content = '';
        let from = 0;
        for (const p of [...points, raw.length]) {
          const d = s.push(raw.slice(from, p));
          thinking += d.thinking;
          content += d.content;
          from = p;
        }
        const end = s.finish();
        thinking += end.thinking;
        content += end.content;
        return thinking === 'more analysis' && content === 'The answer is 4.';
      }),
    );
  });

  test('text that merely looks like a token start is kept', () => {
    const s = new HarmonyStreamSplitter();
    const a = s.push('x <| y');
    const b = s.finish();
    assert.equal(a.content + b.content, 'x <| y');
  });
});

describe('fake model helpers', () => {
  test('tokenize never loses or adds a character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => tokenize(text, SPECIAL_TOKENS).join('') === text),
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.constantFrom(...SPECIAL_TOKENS))), (parts) => {
        const text = parts.join('');
        return tokenize(text, SPECIAL_TOKENS).join('') === text;
      }),
    );
    assert.deepEqual(tokenize('<think>\nOkay, so', SPECIAL_TOKENS), ['<think>', '\n', 'Okay', ',', ' so']);
  });

  test('van der Corput draws give exact proportions for power-of-two sample counts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 64 }), (m, k) => {
        const n = 2 ** m;
        const p = k / 64;
        let below = 0;
        for (let i = 0; i < n; i++) if (vanDerCorput(i) < p) below++;
        return below === Math.ceil(n * p);
      }),
    );
  });
});
