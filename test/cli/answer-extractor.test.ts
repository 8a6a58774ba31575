/**
 * `annotate --answer-extractor model`: the rules first, then the model (fake Ollama server,
 * scripted reader replies) for episodes left without an answer; refused without --model.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeOllama, type FakeOllama } from '../fake-ollama/server';
import { validateTrace } from '../../src/core/schema';
import type { Trace } from '../../src/core/trace';
import { cliBundle, runCli } from './helpers';

const tmp = mkdtempSync(join(tmpdir(), 'rl-answer-extractor-'));
let ollama: FakeOllama;
before(async () => {
  await cliBundle();
  ollama = await startFakeOllama({ problems: [] });
});
after(() => ollama.close());

const THINK = [
  'Each of the 8 students ran 14 laps.\n\nAdding the laps of every student.\n\nSo the class ran a hundred and twelve laps in all.',
  'Wait, let me double-check the count of students.\n\nThere are 8.\n\nYes, that is right.',
].join('\n\n');

function input(): string {
  const path = join(tmp, 'prose.jsonl');
  writeFileSync(path, JSON.stringify({ id: 'laps', problem: 'How many laps did the class run in total?', answer: '112', output: `<think>${THINK}</think>The class ran \\boxed{112} laps.` }) + '\n');
  return path;
}

const readerCalls = () => ollama.requests.filter((r) => r.path === '/api/chat' && JSON.stringify(r.body).includes('<excerpt>')).length;

test('annotate --answer-extractor model reads what the rules miss and names the source; rule is the default', async () => {
  const model = ollama.models[0].name;
  const out = join(tmp, 'model.jsonl');
  const r = await runCli(['annotate', input(), '-o', out, '--model', model, '--host', ollama.url, '--answer-extractor', 'model', '--mode', 'mrt', '--no-report']);
  assert.equal(r.code, 0, r.stderr);
  const trace = JSON.parse(readFileSync(out, 'utf8').trim()) as Trace;
  assert.ok(validateTrace(trace).ok);
  assert.deepEqual(trace.episodes.map((e) => [e.answer, e.answerSource, e.verdict]), [['112', 'model', 'correct'], [undefined, undefined, 'none']]);
  assert.equal(trace.metrics.firstCorrectEpisode, 0);
  assert.equal(trace.episodes[1].check, 'no-answer');
  assert.equal(trace.episodes[1].standingAnswer, '112');
  assert.equal(readerCalls(), 2, 'one question per episode without a rule answer');

  const plain = join(tmp, 'rule.jsonl');
  const offline = await runCli(['annotate', input(), '-o', plain, '--mode', 'mrt']);
  assert.equal(offline.code, 0, offline.stderr);
  const ruleTrace = JSON.parse(readFileSync(plain, 'utf8').trim()) as Trace;
  assert.deepEqual(ruleTrace.episodes.map((e) => e.answer), [undefined, undefined], 'the rules alone read no answer in words');
  assert.equal(readerCalls(), 2, 'offline annotate asks no model');
});

test('annotate --answer-extractor model without --model is refused by name (exit 2); a bad kind too', async () => {
  const r = await runCli(['annotate', input(), '-o', join(tmp, 'x.jsonl'), '--answer-extractor', 'model']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--answer-extractor model needs --model/);
  const bad = await runCli(['annotate', input(), '-o', join(tmp, 'x.jsonl'), '--answer-extractor', 'llm']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--answer-extractor/);
});
