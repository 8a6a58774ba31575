import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startFakeOllama, type FakeOllama } from '../fake-ollama/server';
import { tokenize } from '../fake-ollama/tokens';
import { validateTrace } from '../../src/core/schema';
import type { Trace } from '../../src/core/trace';
import { parseVote, toSolveOptions } from '../../src/cli/commands/solve';
import { productProblem } from './scripted';
import { cliBundle } from '../cli/helpers';

const root = resolve(__dirname, '../..');
let fake: FakeOllama;

before(async () => {
  fake = await startFakeOllama({ tokenDelayMs: 1, problems: [productProblem('PROBLEM-CLI', 4, [0, 0.25, 0.5, 0.75, 1])] });
});
after(() => fake.close());

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI, bundled from source once per process (test/cli/helpers: a tsx start-up per call
 * costs seconds of CPU); `onStdout` may act on the live output (e.g. send Ctrl-C).
 */
async function cli(args: string[], env: Record<string, string> = {}, onStdout?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<Ran> {
  const bundle = await cliBundle();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bundle, ...args], {
      cwd: root,
      env: { ...process.env, OLLAMA_HOST: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      onStdout?.(stdout, child);
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

function valid(trace: Trace): Trace {
  const v = validateTrace(trace);
  assert.ok(v.ok, v.ok ? '' : JSON.stringify(v.errors));
  return trace;
}

test('flag parsing: vote N/M, think levels, budget and progress options', () => {
  assert.deepEqual(parseVote('5/3'), { n: 5, m: 3 });
  assert.throws(() => parseVote('3/5'), /--vote: .*M must not be above N/);
  assert.throws(() => parseVote('five'), /--vote: expected a whole number/);
  const o = toSolveOptions('p', { model: 'm', samples: 4, maxThinking: '100', earlyStop: true, plateau: '0.05', vote: '3/2', voteAdaptive: true, think: 'LOW', timeout: 50 });
  assert.deepEqual(o.budget, { maxThinkingTokens: 100, earlyStop: { window: 3, plateau: 0.05 }, vote: { n: 3, m: 2, adaptive: true }, think: 'low' });
  assert.throws(() => toSolveOptions('p', { model: 'm', earlyStop: true, plateau: '2', think: 'max' }), (e: Error) => /--plateau: expected a number from 0 to 1/.test(e.message) && /--think: /.test(e.message));
  // Fixed K is the default (no `adaptive`); the probe flags pass through by name.
  assert.deepEqual(o.progress, { samples: 4 });
  const probes = toSolveOptions('p', { model: 'm', samples: 8, probeRecipe: 'quick', adaptiveSamples: true, regretBudgets: [1000, 2000], regretK: 5 });
  assert.deepEqual(probes.progress, { samples: 8, recipe: 'quick', adaptive: true, regretBudgets: [1000, 2000], regretK: 5 });
  // Probe flags without probes are refused by name, not ignored.
  assert.throws(() => toSolveOptions('p', { model: 'm', probeRecipe: 'quick', regretK: 3 }), (e: Error) => /--probe-recipe is used only by progress probes/.test(e.message) && /--regret-k is used only by progress probes/.test(e.message));
  assert.equal(o.idleTimeoutMs, 50);
  assert.equal(toSolveOptions('p', { model: 'm' }).progress, false);
});

test('solve --json prints a valid finished trace', async () => {
  const r = await cli(['solve', 'PROBLEM-CLI: 6 x 7', '--model', 'deepseek-r1:7b', '--host', fake.url, '--gold', '42', '--progress', '--samples', '3', '--segment', 'mrt', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const trace = valid(JSON.parse(r.stdout) as Trace);
  assert.equal(trace.final.answer, '42');
  assert.equal(trace.final.correct, true);
  assert.equal(trace.episodes.length, 4);
  assert.ok(trace.episodes.every((e) => e.progress !== undefined));
});

test('solve streams episodes, probe updates and a summary; host from OLLAMA_HOST', async () => {
  const r = await cli(['solve', 'PROBLEM-CLI', '-m', 'deepseek-r1:7b', '--gold', '42', '--progress', '--samples', '2', '--segment', 'mrt', '--max-episodes', '3'], { OLLAMA_HOST: fake.url });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.ok(lines.some((l) => /^#0\s.*answer 41 ✗/.test(l)), r.stdout);
  assert.ok(lines.some((l) => /^#1\s+"Wait".*answer 42 ✓/.test(l)), r.stdout);
  assert.ok(lines.some((l) => /↳ #\d mu \d\.\d\d/.test(l)), 'late probe results are printed as updates');
  assert.ok(lines.some((l) => /⚑ max-episodes/.test(l)));
  assert.ok(lines.some((l) => l.startsWith('final answer: ')));
  assert.ok(lines.some((l) => l.startsWith('stop: budget')));
  assert.equal(r.stderr.includes('\u001b['), false, 'no spinner when stderr is not a terminal');
});

test('usage errors exit 2, run errors exit 1 with one clear line', async () => {
  const bad = await cli(['solve', 'p', '--model', 'deepseek-r1:7b', '--vote', '2/3']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--vote: 3 agreeing answers can never come from 2 attempts/);
  const noModel = await cli(['solve', 'p']);
  assert.equal(noModel.code, 2);
  const badPlateau = await cli(['solve', 'p', '-m', 'x', '--plateau', '2']);
  assert.equal(badPlateau.code, 2);
  assert.match(badPlateau.stderr, /--plateau: needs --early-stop/);
  // Every bad budget flag is named at once, before anything runs.
  const several = await cli(['solve', 'p', '-m', 'x', '--early-stop', '--plateau', '2', '--window', '0', '--min-thinking', 'lots']);
  assert.equal(several.code, 2);
  assert.match(several.stderr, /--window: expected a whole number from 1 to 1000, got 0/);
  assert.match(several.stderr, /--plateau: expected a number from 0 to 1 \(a change in μ\), got 2/);
  assert.match(several.stderr, /--min-thinking: expected a whole number from 0 to 10000000, got "lots"/);

  const missing = await cli(['solve', 'PROBLEM-CLI', '--model', 'nope:1b', '--host', fake.url]);
  assert.equal(missing.code, 1);
  const errLines = missing.stderr.trim().split('\n');
  assert.equal(errLines.length, 1, missing.stderr);
  assert.match(errLines[0], /nope:1b/);
});

test('Ctrl-C cancels cleanly and saves the partial trace', async (t) => {
  // The stream stalls inside episode #1's last paragraph until Ctrl-C: #0 has closed (and is
  // printed), the thinking is unfinished, whatever the machine's load. (With the stream running
  // on, a loaded machine could finish the thinking before the signal arrived.)
  const problem = productProblem('PROBLEM-CLI', 4, [0, 0.25, 0.5, 0.75, 1]);
  const [first, second] = problem.episodes;
  const intoSecondEpisode = tokenize(`${first}\n\n${second.slice(0, second.lastIndexOf('\n\n') + 20)}`).length;
  const stalling = await startFakeOllama({ tokenDelayMs: 1, problems: [problem], faults: { stallAfterChunks: intoSecondEpisode } });
  t.after(() => stalling.close());
  const dir = mkdtempSync(join(tmpdir(), 'rl-solve-'));
  const out = join(dir, 'partial.json');
  let sent = false;
  const r = await cli(['solve', 'PROBLEM-CLI', '-m', 'deepseek-r1:7b', '--host', stalling.url, '--segment', 'mrt', '-o', out], {}, (text, child) => {
    if (!sent && /^#0\s/m.test(text)) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  assert.ok(sent, `no episode line before exit; stdout: ${r.stdout}; stderr: ${r.stderr}`);
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /cancelled \(Ctrl-C\); partial trace saved/);
  assert.ok(existsSync(out));
  const trace = valid(JSON.parse(readFileSync(out, 'utf8')) as Trace);
  assert.equal(trace.budget?.stop, 'cancelled');
  assert.equal(trace.episodes.length, 2, 'episode #0 and the unfinished #1');
  assert.ok(trace.thinking.startsWith(first) && trace.thinking.length < `${first}\n\n${second}`.length, 'the thinking up to the stall, kept');
});
