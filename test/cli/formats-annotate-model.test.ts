/**
 * `annotate IN --model M --samples K` (a dataset job probing the file's own traces) on every
 * input format, through the bundled CLI and the real `ollama` client against the fake Ollama
 * server: the documentation-shaped fixtures of each format (test/formats), our writers' output,
 * a minimal trace, and the real Inspect logs. Each trace keeps its source and thinking, every
 * episode of a trace with thinking is probed, and nothing is generated anew (no /api/chat).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { annotateTrace } from '../../src/core/annotate';
import { validateTrace } from '../../src/core/schema';
import type { Trace } from '../../src/core/trace';
import { jsonLines } from '../../src/formats/writers/common';
import { toHfChatRow } from '../../src/formats/writers/hf-chat';
import { toInspectLog } from '../../src/formats/writers/inspect';
import { toOpenAIChatCompletion } from '../../src/formats/writers/openai-chat';
import { toMinimalTrace } from '../../src/formats/writers/trace';
import { startFakeOllama, type FakeOllama } from '../fake-ollama/server';
import { CHAT_FIXTURES } from '../formats/chat-fixtures';
import { EVAL_FORMAT_FIXTURES } from '../formats/fixtures/files';
import { dataPath, skipWithoutData } from '../support/shared-data';
import { cliBundle, runCli } from './helpers';

const MODEL = 'deepseek-r1:7b';
const tmp = mkdtempSync(join(tmpdir(), 'rl-formats-model-'));
let ollama: FakeOllama;

before(async () => {
  await cliBundle();
  ollama = await startFakeOllama();
});
after(() => ollama.close());

/** Traces our writers export (what a user round-trips through other tools). */
const ORIGINALS: Trace[] = [
  annotateTrace({ id: 'w1', problem: 'What is 12 * 3?', gold: '36', source: { kind: 'test' }, thinking: '12 * 3 = 36.\n\nWait, let me check: 36 / 3 = 12. Yes.', response: 'The answer is \\boxed{36}.' }),
  annotateTrace({ id: 'w2', problem: 'What is 7 + 8?', gold: '15', source: { kind: 'test' }, thinking: '7 + 8 = 15.\n\nAlternatively, 8 + 7 = 15.', response: '\n\\boxed{15}\n' }),
];

interface Input {
  name: string;
  kind: string;
  write: (dir: string) => string;
  /** Some of its traces carry no reasoning (they must say so). */
  someWithout?: boolean;
}

const INPUTS: Input[] = [
  ...CHAT_FIXTURES.map((f): Input => ({
    name: f.name,
    kind: `import:${f.format}`,
    write: (dir) => {
      const path = join(dir, f.file);
      writeFileSync(path, f.file.endsWith('.json') ? JSON.stringify(f.records, null, 2) : jsonLines(f.records));
      return path;
    },
  })),
  ...EVAL_FORMAT_FIXTURES.map((f): Input => ({ name: f.name, kind: f.kind, write: (dir) => f.write(dir), someWithout: !f.allReasoning })),
  { name: 'our hf-chat writer', kind: 'import:hf-chat', write: (dir) => file(dir, 'export-hf.jsonl', jsonLines(ORIGINALS.map((t) => toHfChatRow(t)))) },
  { name: 'our openai-chat writer', kind: 'import:openai-chat', write: (dir) => file(dir, 'export-openai.jsonl', jsonLines(ORIGINALS.map((t) => toOpenAIChatCompletion(t, { created: 1_764_547_200 })))) },
  { name: 'our inspect writer', kind: 'import:inspect', write: (dir) => file(dir, 'export-inspect.json', JSON.stringify(toInspectLog(ORIGINALS, { created: '2026-12-01T00:00:00.000Z' }).log)) },
  { name: 'a minimal trace (ours)', kind: 'import:trace-minimal', write: (dir) => file(dir, 'minimal.jsonl', jsonLines(ORIGINALS.map(toMinimalTrace))) },
];

function file(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function traces(path: string): Trace[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const r = validateTrace(JSON.parse(l));
      assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
      return r.trace;
    });
}

async function annotateWithModel(input: string, out: string): Promise<Trace[]> {
  const before = ollama.requests.length;
  const r = await runCli(['annotate', input, '-o', out, '--model', MODEL, '--host', ollama.url, '--samples', '2', '--no-report']);
  assert.equal(r.code, 0, `${input}: ${r.stderr}`);
  const asked = ollama.requests.slice(before);
  assert.ok(!asked.some((q) => q.path === '/api/chat'), `${input}: nothing generated anew`);
  const got = traces(out);
  // K = 2 probe completions per episode, each a request to the model.
  const episodes = got.reduce((n, t) => n + t.episodes.length, 0);
  assert.ok(asked.filter((q) => q.path === '/api/generate').length >= 2 * episodes, `${input}: ${episodes} episodes probed by the model`);
  return got;
}

for (const input of INPUTS) {
  test(`annotate --model probes every episode of ${input.name}`, async () => {
    const dir = join(tmp, input.name.replace(/\W+/g, '-'));
    mkdirSync(dir, { recursive: true });
    const got = await annotateWithModel(input.write(dir), join(dir, 'out.trace.jsonl'));
    assert.ok(got.length > 0);
    for (const t of got) {
      assert.equal(t.source.kind, input.kind, t.id);
      if (t.thinking === '') {
        assert.ok(input.someWithout, `${t.id}: thinking kept`);
        assert.equal(t.source.extra?.noReasoning, true, `${t.id}: no reasoning said so`);
        continue;
      }
      assert.ok(t.episodes.length > 0 && t.episodes.every((e) => e.progress !== undefined), `${t.id}: every episode probed`);
    }
    if (input.name.startsWith('our ') || input.name.startsWith('a minimal')) {
      assert.deepEqual(
        got.map((t) => [t.id, t.problem, t.thinking, t.response, t.gold]),
        ORIGINALS.map((t) => [t.id, t.problem, t.thinking, t.response, t.gold]),
        'the exported traces come back exactly',
      );
    }
  });
}

test('annotate --model on the real Inspect logs: every sample a trace saying it has no reasoning, nothing to probe', { skip: skipWithoutData('formats', 'inspect') }, async () => {
  for (const name of ['log_formats.eval', 'log_formats.json', 'log_streaming.eval']) {
    const got = await annotateWithModel(dataPath('formats', 'inspect', name), join(tmp, `real-${name}.trace.jsonl`));
    assert.equal(got.length, name === 'log_streaming.eval' ? 4 : 1, name);
    for (const t of got) {
      assert.equal(t.source.kind, 'import:inspect');
      assert.equal(t.source.extra?.noReasoning, true);
      assert.equal(t.episodes.length, 0);
    }
  }
});
