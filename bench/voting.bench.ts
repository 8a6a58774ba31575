/**
 * Voting and early-stop costs on the scripted fake model (real client, loopback):
 *
 * 1. Sequential voting over independent attempts at IBPO's 8/3 vs adaptive voting (one attempt
 *    when 3 forced answers on attempt 1's thinking before its last episode agree with its
 *    answer). Easy problems settle early (forced answers right from episode 1), hard ones only
 *    in the last episode. Uncapped, every attempt of a scripted problem thinks and answers the
 *    same, so accuracy cannot differ; capped at 150 thinking tokens the answers are forced and
 *    drawn from the scripted accuracy at the cut, so attempts disagree and the vote matters.
 * 2. Dynasor-CoT early stop (probe every 32 / 64 tokens, window 2) vs no early stop and vs the
 *    per-episode rule (one greedy forced answer per episode, window 3) on a long problem whose
 *    forced answers are right from episode 1.
 * Tokens are every attempt's thinking + response + probe tokens (src/core/budget.ts spentTokens).
 * Run: npm run bench -- voting
 */
import { startFakeOllama, type ScriptedProblem } from '../test/fake-ollama/server';
import { productProblem } from '../test/runs/scripted';
import { OllamaBackend } from '../src/model/ollama';
import { startSolve } from '../src/runs/solve';
import { spentTokens } from '../src/core/budget';
import type { BudgetPolicy, Trace } from '../src/core/trace';

const EASY = [0, 1, 1, 1, 1, 1];
const HARD = [0, 0, 0.25, 0.25, 0.25, 1];
const problems: ScriptedProblem[] = [];
for (let i = 0; i < 4; i++) problems.push(productProblem(`BENCH-EASY-${i}-`, 5, EASY));
for (let i = 0; i < 4; i++) problems.push(productProblem(`BENCH-HARD-${i}-`, 5, HARD));
const LONG = productProblem('BENCH-LONG-', 12, [0, ...Array(12).fill(1)]);

interface Row {
  variant: string;
  traces: number;
  attempts: number;
  tokens: number;
  probe: number;
  correct: number;
  requests: number;
}

async function main(): Promise<void> {
  const fake = await startFakeOllama({ tokenDelayMs: 1, problems: [...problems, LONG] });
  const backend = new OllamaBackend({ host: fake.url });
  const solve = (problem: string, budget: BudgetPolicy, seed: number): Promise<Trace> =>
    startSolve(backend, { problem, model: 'deepseek-r1:7b', gold: '42', segment: { mode: 'mrt' }, budget, sampling: { seed } }).finished;

  const run = async (variant: string, list: ScriptedProblem[], budget: BudgetPolicy): Promise<Row> => {
    const row: Row = { variant, traces: 0, attempts: 0, tokens: 0, probe: 0, correct: 0, requests: 0 };
    const from = fake.requests.length;
    for (const [i, p] of list.entries()) {
      const t = await solve(p.match, budget, 11 + i);
      const s = spentTokens(t);
      row.traces++;
      row.attempts += s.attempts;
      row.tokens += s.total;
      row.probe += s.probe;
      if (t.final.correct) row.correct++;
    }
    row.requests = fake.requests.slice(from).filter((r) => r.path === '/api/chat' || r.path === '/api/generate').length;
    return row;
  };

  const rows: Row[] = [];
  const easy = problems.filter((p) => p.match.includes('EASY'));
  const hard = problems.filter((p) => p.match.includes('HARD'));
  for (const [label, list] of [['easy', easy], ['hard', hard]] as const) {
    rows.push(await run(`SV 8/3, ${label}`, list, { vote: { n: 8, m: 3 } }));
    rows.push(await run(`ASV 8/3, ${label}`, list, { vote: { n: 8, m: 3, adaptive: true } }));
  }
  for (const [label, list] of [['easy', easy], ['hard', hard]] as const) {
    rows.push(await run(`SV 8/3, cap 150, ${label}`, list, { maxThinkingTokens: 150, vote: { n: 8, m: 3 } }));
    rows.push(await run(`ASV 8/3, cap 150, ${label}`, list, { maxThinkingTokens: 150, vote: { n: 8, m: 3, adaptive: true } }));
  }
  const long = [LONG, LONG, LONG];
  rows.push(await run('no early stop, long', long, {}));
  rows.push(await run('early stop per episode (W 3), long', long, { earlyStop: { window: 3 } }));
  rows.push(await run('Dynasor every 32 (W 2), long', long, { earlyStop: { mode: 'dynasor', everyTokens: 32, window: 2 } }));
  rows.push(await run('Dynasor every 64 (W 2), long', long, { earlyStop: { mode: 'dynasor', everyTokens: 64, window: 2 } }));
  await fake.close();

  console.log('variant | traces | attempts / trace | tokens / trace (thinking + response + probe) | of which probe | requests / trace | accuracy');
  console.log('---|---:|---:|---:|---:|---:|---:');
  for (const r of rows) {
    const per = (x: number): string => (x / r.traces).toFixed(1);
    console.log(`${r.variant} | ${r.traces} | ${per(r.attempts)} | ${per(r.tokens)} | ${per(r.probe)} | ${per(r.requests)} | ${(r.correct / r.traces).toFixed(2)}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
