import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CounterfactualModel } from '../fake-ollama/counterfactual-model';
import { FAKE_EMBEDDING_MODEL } from '../fake-ollama/embed';
import { DEFAULT_FAKE_MODELS, startFakeOllama, type FakeOllama } from '../fake-ollama/server';
import { ANCHOR_PROBLEM, ANCHORS_IN_ORDER } from './fixture';
import { validateTrace } from '../../src/core/schema';
import type { Trace } from '../../src/core/trace';

const repoRoot = join(import.meta.dirname, '..', '..');
let fake: FakeOllama;
before(async () => {
  fake = await startFakeOllama({ models: [...DEFAULT_FAKE_MODELS, FAKE_EMBEDDING_MODEL], counterfactual: new CounterfactualModel([ANCHOR_PROBLEM], 7), tokenDelayMs: 1 });
});
after(() => fake.close());

/** Runs the CLI; `poll` is called every 20 ms with a function that sends SIGINT. */
function runCli(args: string[], poll?: (kill: () => void) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = poll ? setInterval(() => poll(() => child.kill('SIGINT')), 20) : undefined;
  const bound = setTimeout(() => child.kill('SIGKILL'), 240_000);
  return new Promise((resolve) => child.on('close', (code) => {
    clearTimeout(bound);
    clearInterval(timer);
    resolve({ code, stdout, stderr });
  }));
}

test('importance CLI: Ctrl-C keeps the rollout log and writes no output; the same command resumes and ranks the anchors first', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-importance-'));
  const input = join(dir, 'run.jsonl');
  const thinking = ANCHOR_PROBLEM.episodes.join('\n\n');
  writeFileSync(input, `${JSON.stringify({ id: 'anchors', problem: ANCHOR_PROBLEM.match, gold: '69', output: `<think>\n${thinking}\n</think>\n\nSo the answer is \\boxed{69}.` })}\n`);
  const out = join(dir, 'importance.jsonl');
  const log = `${out}.rollouts.jsonl`;
  const args = ['importance', input, '--model', 'qwen3:8b', '--host', fake.url, '--mode', 'sentence', '--samples', '100', '--top-k', '2', '--concurrency', '4', '-o', out];
  let sent = false;
  const first = await runCli(args, (kill) => {
    if (!sent && existsSync(log) && readFileSync(log, 'utf8').split('\n').length > 60) {
      sent = true;
      kill();
    }
  });
  assert.ok(sent, `never interrupted: ${first.stderr}`);
  assert.equal(first.code, 130, first.stderr);
  assert.match(first.stderr, /not written/);
  assert.equal(existsSync(out), false);
  const kept = readFileSync(log, 'utf8').trim().split('\n').length;
  const second = await runCli(args);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, new RegExp(`resuming with \\d+ rollouts`));
  // OUT is a valid version-2 trace file: the trace with episodes[i].importance.
  const records = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(records.length, 1);
  const checked = validateTrace(records[0]);
  assert.ok(checked.ok, JSON.stringify(!checked.ok && checked.errors));
  const r = records[0] as Trace;
  assert.equal(r.version, 2);
  assert.equal(r.id, 'anchors');
  assert.equal(r.episodes.length, ANCHOR_PROBLEM.episodes.length);
  for (const e of r.episodes) {
    assert.equal(e.importance?.method, 'ta-counterfactual-kl');
    assert.ok(['interval', 'method', 'samples', 'similar', 'value'].every((k) => k in (e.importance ?? {})), JSON.stringify(e.importance));
  }
  const ranking = r.episodes.map((e, i) => [i, e.importance?.value ?? 0] as const).sort((a, b) => b[1] - a[1]).map(([i]) => i);
  assert.deepEqual(ranking.slice(0, 2), ANCHORS_IN_ORDER);
  const spent = Number(/rollouts spent: (\d+); TA's recipe: 100 per episode = 700/.exec(second.stdout)?.[1]);
  assert.ok(spent > 0 && spent < 800, second.stdout);
  assert.ok(kept > 0);
  // -o onto the input is refused before any work.
  const onto = await runCli(['importance', input, '--model', 'qwen3:8b', '--host', fake.url, '-o', input]);
  assert.equal(onto.code, 2);
});
