/**
 * `annotate PROBLEMS --model M` honours the voting and early-stop flags: the bundled CLI against
 * the fake Ollama server (real `ollama` client). Scripted problems as in
 * test/runs/voting-costs.test.ts: each attempt thinks 272 tokens and answers 17; a quick forced
 * answer costs 10 eval tokens.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeOllama, type FakeOllama } from '../fake-ollama/server';
import { validateTrace } from '../../src/core/schema';
import type { Trace } from '../../src/core/trace';
import { productProblem } from '../runs/scripted';
import { cliBundle, runCli } from './helpers';

const tmp = mkdtempSync(join(tmpdir(), 'rl-annotate-voting-'));
let ollama: FakeOllama;
before(async () => {
  await cliBundle();
  ollama = await startFakeOllama({
    tokenDelayMs: 1,
    problems: [
      productProblem('PROBLEM-EASY-ONE', 4, [0, 1, 1, 1, 1]),
      productProblem('PROBLEM-HARD-TWO', 4, [0, 0, 0, 0, 1]),
      // Long, so the stream is still running when the probes come back on a busy machine.
      productProblem('PROBLEM-LONG-THREE', 24, [0, ...Array(24).fill(1)]),
    ],
  });
});
after(() => ollama.close());

function problems(names = ['PROBLEM-EASY-ONE', 'PROBLEM-HARD-TWO']): string {
  const path = join(tmp, `${names.join('+')}.jsonl`);
  writeFileSync(path, names.map((p, i) => JSON.stringify({ id: `p${i}`, problem: p, answer: '42' })).join('\n') + '\n');
  return path;
}

function traces(path: string): Trace[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Trace);
}

test('annotate --model --vote 8/3 --vote-adaptive: adaptive voting runs per problem and every attempt is costed', async () => {
  const out = join(tmp, 'voted.jsonl');
  const r = await runCli(['annotate', problems(), '-o', out, '--model', 'deepseek-r1:7b', '--host', ollama.url, '--mode', 'mrt', '--vote', '8/3', '--vote-adaptive', '--seed', '3', '--no-report']);
  assert.equal(r.code, 0, r.stderr);
  const [easy, hard] = traces(out);
  for (const t of [easy, hard]) {
    const v = validateTrace(t);
    assert.ok(v.ok, v.ok ? '' : JSON.stringify(v.errors));
    assert.deepEqual(t.budget?.policy.vote, { n: 8, m: 3, adaptive: true });
  }
  const adaptive = (t: Trace) => t.budget?.decisions.find((d) => d.kind === 'vote' && d.data?.adaptive === true);
  assert.equal(adaptive(easy)?.data?.confident, true);
  assert.equal(adaptive(hard)?.data?.confident, false);
  assert.deepEqual(
    easy.budget?.attempts?.map((a) => [a.thinkingTokens, a.responseTokens, a.probeTokens ?? 0]),
    [[272, 17, 30]],
  );
  assert.deepEqual(
    hard.budget?.attempts?.map((a) => [a.thinkingTokens, a.responseTokens, a.probeTokens ?? 0]),
    [[272, 17, 30], [272, 17, 0], [272, 17, 0]],
  );
});

test('annotate --model --early-stop-mode dynasor --probe-every 32: the policy reaches every solve', async () => {
  const out = join(tmp, 'dynasor.jsonl');
  const r = await runCli(['annotate', problems(['PROBLEM-LONG-THREE']), '-o', out, '--model', 'deepseek-r1:7b', '--host', ollama.url, '--mode', 'mrt', '--early-stop-mode', 'dynasor', '--probe-every', '32', '--no-report']);
  assert.equal(r.code, 0, r.stderr);
  const [t] = traces(out);
  assert.deepEqual(t.budget?.policy.earlyStop, { mode: 'dynasor', everyTokens: 32, window: 2 });
  const stop = t.budget?.decisions.find((d) => d.kind === 'early-stop');
  assert.equal(stop?.data?.mode, 'dynasor', JSON.stringify(t.budget?.decisions));
  assert.ok(t.episodes.length < 24);
  assert.equal(t.final.answer, '42');
});

test('annotate --model --max-thinking 80 --forcing s1: the s1 forcing text reaches every solve; a bad value is refused by name', async () => {
  const out = join(tmp, 's1.jsonl');
  const r = await runCli(['annotate', problems(), '-o', out, '--model', 'deepseek-r1:7b', '--host', ollama.url, '--mode', 'mrt', '--max-thinking', '80', '--forcing', 's1', '--limit', '1', '--no-report']);
  assert.equal(r.code, 0, r.stderr);
  const [t] = traces(out);
  const forced = t.budget?.decisions.find((d) => d.kind === 'forced-stop');
  assert.equal(forced?.data?.forcing, 's1');
  assert.ok(t.response.startsWith('Final Answer:'));
  const bad = await runCli(['annotate', problems(), '-o', join(tmp, 'bad.jsonl'), '--model', 'deepseek-r1:7b', '--host', ollama.url, '--forcing', 'mrt']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--forcing: expected boxed or s1, got "mrt"/);
});
