import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { validateTrace } from '../../src/core/schema';
import type { Trace } from '../../src/core/trace';
import { backendKindFor, createBackend, defaultHost } from '../../src/model/backend-factory';
import { OllamaBackend } from '../../src/model/ollama';
import { OpenAIBackend } from '../../src/model/openai';
import { startFakeOpenAI, type FakeOpenAI } from '../fake-openai/server';
import { cliBundle, runCli } from './helpers';

const MODEL = 'deepseek-r1:1.5b';
const PROBLEM = 'PROBLEM-OPENAI: what is 6 times 7?';
let fake: FakeOpenAI;

before(async () => {
  await cliBundle();
  fake = await startFakeOpenAI({ models: [MODEL], problems: [{ problem: PROBLEM, gold: '42' }] });
});
after(() => fake.close());

function parseTrace(stdout: string): Trace {
  const v = validateTrace(JSON.parse(stdout));
  assert.ok(v.ok, v.ok ? '' : JSON.stringify(v.errors));
  return v.trace;
}

test('backend factory: --backend picks the protocol, an openai+ host always means OpenAI; no host means OLLAMA_HOST', () => {
  assert.equal(backendKindFor('http://h:8000'), 'ollama');
  assert.equal(backendKindFor('http://h:8000', 'openai'), 'openai');
  assert.equal(backendKindFor(' OpenAI+http://h:8000', 'ollama'), 'openai');
  assert.equal(backendKindFor(undefined, 'openai'), 'openai');
  assert.ok(createBackend('http://h:8000') instanceof OllamaBackend);
  const openai = createBackend(undefined, 'openai', { OLLAMA_HOST: 'gpu:11434' });
  assert.ok(openai instanceof OpenAIBackend);
  assert.equal(openai.host, 'http://gpu:11434', 'without --host both protocols go to OLLAMA_HOST');
  assert.equal(defaultHost({ OLLAMA_HOST: 'gpu:8080' }), 'http://gpu:8080');
  assert.equal(defaultHost({}), 'http://127.0.0.1:11434');
  assert.ok(createBackend('openai+http://h:8000', 'ollama') instanceof OpenAIBackend);
  // `--host ""` names no server: refused, not quietly the default (issue 9, case 9).
  assert.throws(() => createBackend('', 'ollama', { OLLAMA_HOST: 'gpu:8080' }), /host "" is empty: name a server, e\.g\. http:\/\/127\.0\.0\.1:11434/);
});

for (const hostArgs of [['--host', 'openai+URL'], ['--backend', 'openai', '--host', 'URL']]) {
  test(`solve ${hostArgs.join(' ')} --progress: a valid trace with episodes and progress`, async () => {
    const args = hostArgs.map((a) => a.replace('URL', fake.url));
    const before = fake.requests.length;
    const r = await runCli(['solve', PROBLEM, '--model', MODEL, ...args, '--gold', '42', '--progress', '--samples', '3', '--segment', 'mrt', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const trace = parseTrace(r.stdout);
    assert.equal(trace.final.answer, '42');
    assert.equal(trace.final.correct, true);
    assert.ok(trace.episodes.length >= 3, `episodes: ${trace.episodes.length}`);
    assert.ok(trace.episodes.every((e) => e.progress !== undefined), 'every episode probed');
    // The scripted model corrects itself in episode 1: probes before it answer wrong, after it right.
    assert.equal(trace.episodes[0].progress!.mu, 0);
    assert.equal(trace.episodes.at(-1)!.progress!.mu, 1);
    const paths = fake.requests.slice(before).map((q) => q.path);
    assert.ok(paths.includes('/v1/chat/completions') && paths.includes('/v1/completions'), paths.join(' '));
  });
}

test('solve against an OpenAI server naming a model it does not serve, speaking the wrong protocol, or an unknown backend: one clear line', async () => {
  const missing = await runCli(['solve', PROBLEM, '--model', 'nope', '--backend', 'openai', '--host', fake.url]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr.trim().split('\n').length, 1, missing.stderr);
  assert.match(missing.stderr, /"nope" is not served .*deepseek-r1:1\.5b/);
  const wrongProtocol = await runCli(['solve', PROBLEM, '--model', MODEL, '--host', fake.url]);
  assert.equal(wrongProtocol.code, 1);
  assert.equal(wrongProtocol.stderr.trim().split('\n').length, 1, wrongProtocol.stderr);
  assert.match(wrongProtocol.stderr, /does not look like Ollama \(HTTP 404 "no route POST \/api\/show"/, 'the OpenAI-style error body is read, not printed as [object Object]');
  assert.match(wrongProtocol.stderr, /add --backend openai\.\n$/);
  const badKind = await runCli(['solve', PROBLEM, '--model', MODEL, '--backend', 'vllm']);
  assert.equal(badKind.code, 2);
  assert.match(badKind.stderr, /--backend.*ollama, openai/);
});
