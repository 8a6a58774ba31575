/**
 * Sequential voting over independent attempts, adaptive voting, Dynasor-CoT early stop and the
 * s1 forcing text, against the fake Ollama server with the real client. Every token number is
 * worked out by hand from the scripted texts:
 * - a productProblem of 4 episodes thinks 272 tokens (src/core/tokens.ts estimate of the joined
 *   episodes) and answers 17 tokens ("Adding seven six times … \boxed{42}.");
 * - a forced answer that starts inside \boxed{ is "42}\n\nThis is my final answer." = 9 fake
 *   tokens + the end-of-generation token = 10 eval_count (hedged: 16 + 1 = 17).
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeOllama, type FakeOllama } from '../fake-ollama/server';
import { OllamaBackend } from '../../src/model/ollama';
import { startSolve } from '../../src/runs/solve';
import { validateTrace } from '../../src/core/schema';
import {
  DYNASOR_PROBE_TEXT,
  dynasorCertain,
  dynasorConsistentAnswer,
  dynasorExitResponse,
  resolvePolicy,
  spentTokens,
  type DynasorProbe,
} from '../../src/core/budget';
import { parseBudgetPolicy } from '../../src/core/budget-policy';
import { cappedScore, summarize } from '../../src/core/report';
import { formatSummary } from '../../src/cli/commands/solve';
import { budgetFromFlags } from '../../src/cli/util/budget-flags';
import type { BudgetDecision, Trace } from '../../src/core/trace';
import { collect, productProblem } from './scripted';

const THINKING_4 = 272;
const RESPONSE = 17;
const PROBE_EVAL = 10;
const HEDGED_PROBE_EVAL = 17;
/** Long enough that the stream still runs when the probes come back on a busy machine. */
const LONG = 24;

let fake: FakeOllama;
before(async () => {
  fake = await startFakeOllama({
    tokenDelayMs: 1,
    problems: [
      // Easy: forced answers are right from the first episode on, so also before the last one.
      productProblem('PROBLEM-VOTE-EASY', 4, [0, 1, 1, 1, 1]),
      // Hard: forced answers are wrong until the last episode states the answer; on the full
      // thinking they are right (what the old rule looked at).
      productProblem('PROBLEM-VOTE-HARD', 4, [0, 0, 0, 0, 1]),
      productProblem('PROBLEM-DYNASOR', LONG, [0, ...Array(LONG).fill(1)]),
      productProblem('PROBLEM-HEDGED-PROBES', LONG, [0, ...Array(LONG).fill(1)], Array(LONG + 1).fill(true)),
      productProblem('PROBLEM-S1', 4, [0, 0.25, 0.5, 0.75, 1]),
    ],
  });
});
after(() => fake.close());

const backend = (): OllamaBackend => new OllamaBackend({ host: fake.url });
const decisions = (t: Trace, kind: BudgetDecision['kind']): BudgetDecision[] => (t.budget?.decisions ?? []).filter((d) => d.kind === kind);

function valid(trace: Trace): Trace {
  const v = validateTrace(trace);
  assert.ok(v.ok, v.ok ? '' : JSON.stringify(v.errors));
  return trace;
}

interface RawBody {
  prompt: string;
  options: { temperature?: number; top_p?: number; num_predict?: number };
}
const rawSince = (from: number): RawBody[] => fake.requests.slice(from).filter((r) => r.path === '/api/generate').map((r) => r.body as RawBody);
const chatsSince = (from: number): number => fake.requests.slice(from).filter((r) => r.path === '/api/chat').length;

test('the default vote is IBPO\'s: up to 8 attempts, consensus at 3', () => {
  assert.deepEqual(resolvePolicy({ vote: {} }).vote, { n: 8, m: 3, adaptive: false });
  assert.deepEqual(parseBudgetPolicy({ vote: { n: 2 } }), { ok: true, policy: { vote: { n: 2, m: 2 } } });
  assert.deepEqual(budgetFromFlags({ vote: '8' }), { ok: true, policy: { vote: { n: 8, m: 3 } } });
});

test('voting: every attempt\'s tokens are stored and summed (3 attempts × 272 thinking + 17 response)', async () => {
  const from = fake.requests.length;
  const { trace } = await collect(
    startSolve(backend(), { problem: 'PROBLEM-VOTE-EASY', model: 'deepseek-r1:7b', gold: '42', segment: { mode: 'mrt' }, budget: { vote: { n: 8, m: 3 } }, sampling: { seed: 5 } }),
  );
  valid(trace);
  assert.equal(chatsSince(from), 3, 'three attempts reach the consensus of 3');
  assert.deepEqual(trace.budget?.attempts, [
    { index: 0, thinkingTokens: THINKING_4, responseTokens: RESPONSE, answer: '42', stop: 'done' },
    { index: 1, thinkingTokens: THINKING_4, responseTokens: RESPONSE, answer: '42', stop: 'done' },
    { index: 2, thinkingTokens: THINKING_4, responseTokens: RESPONSE, answer: '42', stop: 'done' },
  ]);
  // The trace's own thinking is attempt 1's; the totals are every attempt's.
  assert.equal(trace.metrics.thinkingTokens, THINKING_4);
  assert.equal(decisions(trace, 'vote').at(-1)?.data?.method, 'sequential voting over independent attempts');
  assert.deepEqual(spentTokens(trace), { attempts: 3, thinking: 816, response: 51, probe: 0, total: 867 });
  assert.equal(trace.final.correct, true);
  // Reports and accuracy vs tokens use the sum: 500 thinking tokens pay for attempt 1, not the vote.
  const report = summarize([trace], { budgets: [500, 1000] });
  assert.equal(report.thinkingTokens.mean, 816);
  assert.equal(report.responseTokens.mean, 51);
  assert.equal(cappedScore(trace, 500), null, 'not finished within 500 tokens, and nothing probed fits');
  assert.deepEqual(cappedScore(trace, 1000), { score: 1, finished: true });
  // The CLI summary says what the run spent beside the trace's own (attempt 1) numbers.
  assert.ok(formatSummary(trace).includes('spent over 3 attempts: thinking 816 + response 51 + probes 0 = 867 tok (probe tokens as the server counted them)'));
});

test('a single attempt is one entry, and a trace without attempts counts its own metrics', async () => {
  const { trace } = await collect(startSolve(backend(), { problem: 'PROBLEM-VOTE-EASY', model: 'deepseek-r1:7b', gold: '42', segment: { mode: 'mrt' } }));
  valid(trace);
  assert.deepEqual(trace.budget?.attempts, [{ index: 0, thinkingTokens: THINKING_4, responseTokens: RESPONSE, answer: '42', stop: 'done' }]);
  const { budget: _budget, ...withoutBudget } = trace;
  assert.deepEqual(spentTokens(withoutBudget), { attempts: 1, thinking: THINKING_4, response: RESPONSE, probe: 0, total: THINKING_4 + RESPONSE });
});

test('adaptive voting, easy problem: forced answers before the last episode agree → one attempt, probe tokens charged to it', async () => {
  const from = fake.requests.length;
  const { trace } = await collect(
    startSolve(backend(), { problem: 'PROBLEM-VOTE-EASY', model: 'deepseek-r1:7b', gold: '42', segment: { mode: 'mrt' }, budget: { vote: { n: 8, m: 3, adaptive: true } } }),
  );
  valid(trace);
  assert.equal(chatsSince(from), 1);
  const d = decisions(trace, 'vote').find((x) => x.data?.adaptive === true);
  assert.equal(d?.data?.rule, 'agree-before-last-episode');
  assert.equal(d?.data?.confident, true);
  assert.equal(d?.data?.prefixEpisodes, 3);
  assert.deepEqual(d?.data?.probeAnswers, ['42', '42', '42']);
  assert.equal(d?.data?.probeTokens, 3 * PROBE_EVAL);
  // The probes saw episodes 0-2 and not the last one.
  const probes = rawSince(from);
  assert.equal(probes.length, 3);
  for (const p of probes) {
    assert.ok(p.prompt.includes('(pass 2)') && !p.prompt.includes('(pass 3)'), 'prefix = the thinking before the last episode');
  }
  assert.deepEqual(trace.budget?.attempts, [{ index: 0, thinkingTokens: THINKING_4, responseTokens: RESPONSE, probeTokens: 30, answer: '42', stop: 'done' }]);
  assert.deepEqual(spentTokens(trace), { attempts: 1, thinking: THINKING_4, response: RESPONSE, probe: 30, total: 319 });
  assert.equal(trace.final.correct, true);
});

test('adaptive voting, hard problem: forced answers before the last episode disagree → voting goes on (the full thinking would have agreed)', async () => {
  const from = fake.requests.length;
  const { trace } = await collect(
    startSolve(backend(), { problem: 'PROBLEM-VOTE-HARD', model: 'deepseek-r1:7b', gold: '42', segment: { mode: 'mrt' }, budget: { vote: { n: 8, m: 3, adaptive: true } }, sampling: { seed: 2 } }),
  );
  valid(trace);
  assert.equal(chatsSince(from), 3);
  const d = decisions(trace, 'vote').find((x) => x.data?.adaptive === true);
  assert.equal(d?.data?.confident, false);
  assert.ok((d?.data?.probeAnswers as string[]).every((a) => a !== '42'), 'accuracy 0 before the last episode');
  const attempts = trace.budget?.attempts ?? [];
  assert.equal(attempts.length, 3);
  assert.equal(attempts[0].probeTokens, 30);
  assert.deepEqual(spentTokens(trace), { attempts: 3, thinking: 816, response: 51, probe: 30, total: 897 });
  assert.equal(trace.final.correct, true);
});

test('dynasor: a probe inside the thinking every 32 tokens; two agreeing answers stop it and the answer is output directly', async () => {
  const from = fake.requests.length;
  const { trace } = await collect(
    startSolve(backend(), {
      problem: 'PROBLEM-DYNASOR',
      model: 'deepseek-r1:7b',
      gold: '42',
      segment: { mode: 'mrt' },
      budget: { earlyStop: { mode: 'dynasor', everyTokens: 32, window: 2 } },
    }),
  );
  valid(trace);
  assert.deepEqual(trace.budget?.policy.earlyStop, { mode: 'dynasor', everyTokens: 32, window: 2 });
  const [d] = decisions(trace, 'early-stop');
  assert.equal(d?.data?.mode, 'dynasor');
  assert.equal(d?.data?.answer, '42');
  assert.equal(trace.budget?.stop, 'budget');
  assert.ok(trace.episodes.length < LONG, `stopped after ${trace.episodes.length} of ${LONG} episodes`);
  // Dynasor's exit text, no forced-answer request: every raw request is a Dynasor probe.
  assert.equal(trace.response, dynasorExitResponse('42'));
  assert.equal(trace.final.answer, '42');
  const probes = rawSince(from);
  assert.ok(probes.length >= 2);
  for (const p of probes) {
    assert.ok(p.prompt.endsWith(DYNASOR_PROBE_TEXT), 'Dynasor probe text appended to the thinking');
    assert.ok(!p.prompt.includes('</think>'), 'the thinking is not closed');
    assert.deepEqual(p.options, { temperature: 0.6, top_p: 0.95, num_predict: 20, seed: p.options && (p.options as { seed: number }).seed });
  }
  // Probes are 32 tokens apart (our estimate), the first after 32 thinking tokens.
  const at = d?.data?.probesAt as number[];
  assert.ok(at.every((t) => t >= 32));
  assert.equal(trace.budget?.attempts?.[0].probeTokens, probes.length * PROBE_EVAL);
});

test('dynasor: hedged probe answers never stop it (hedge words as substrings)', async () => {
  const from = fake.requests.length;
  const { trace } = await collect(
    startSolve(backend(), { problem: 'PROBLEM-HEDGED-PROBES', model: 'deepseek-r1:7b', gold: '42', segment: { mode: 'mrt' }, budget: { earlyStop: { mode: 'dynasor', everyTokens: 64, window: 2 } } }),
  );
  valid(trace);
  assert.equal(decisions(trace, 'early-stop').length, 0);
  assert.equal(trace.budget?.stop, 'done');
  assert.equal(trace.episodes.length, LONG);
  const probes = rawSince(from);
  assert.ok(probes.length >= 5, `${probes.length} probes over ${trace.metrics.thinkingTokens} tokens`);
  assert.equal(trace.budget?.attempts?.[0].probeTokens, probes.length * HEDGED_PROBE_EVAL);
});

test('s1 forcing text: the capped thinking is closed and "Final Answer:" opens the answer', async () => {
  const from = fake.requests.length;
  const { trace } = await collect(
    startSolve(backend(), { problem: 'PROBLEM-S1', model: 'deepseek-r1:7b', gold: '42', segment: { mode: 'mrt' }, budget: { maxThinkingTokens: 80 }, forcing: 's1' }),
  );
  valid(trace);
  const [d] = decisions(trace, 'forced-stop');
  assert.equal(d?.data?.forcing, 's1');
  assert.equal(d?.data?.answerPrefix, 'Final Answer:');
  const [forced] = rawSince(from);
  assert.ok(forced.prompt.endsWith('\n</think>\n\nFinal Answer:'), JSON.stringify(forced.prompt.slice(-40)));
  assert.ok(!forced.prompt.includes('Time is up'), 'no stop sentence');
  assert.ok(trace.response.startsWith('Final Answer: \\boxed{'));
  assert.ok(['41', '42', '36'].includes(trace.final.answer ?? ''));
});

test('the default forcing text is named "boxed" in the decision', async () => {
  const from = fake.requests.length;
  const { trace } = await collect(startSolve(backend(), { problem: 'PROBLEM-S1', model: 'deepseek-r1:7b', gold: '42', segment: { mode: 'mrt' }, budget: { maxThinkingTokens: 80 } }));
  const [d] = decisions(trace, 'forced-stop');
  assert.equal(d?.data?.forcing, 'boxed');
  assert.ok(rawSince(from)[0].prompt.endsWith('**Final Answer**\n\n\\boxed{'));
});

test('Dynasor\'s certainty and agreement rules (cot.py lines 99, 105)', () => {
  // Substrings, as Dynasor: "no" inside "know" or "not" is hedging.
  assert.equal(dynasorCertain('42}\n\nThis is my final answer.'), true);
  assert.equal(dynasorCertain('42} I know it'), false);
  assert.equal(dynasorCertain('42} Hmm'), false);
  const p = (answer: string | null, text = `${answer}} done`): DynasorProbe => ({ atTokens: 0, answer, text });
  const same = (a: string, b: string): boolean => a.replace(/\s/g, '') === b.replace(/\s/g, '');
  assert.equal(dynasorConsistentAnswer([p('41'), p('42'), p('4 2')], 2, same), '4 2');
  assert.equal(dynasorConsistentAnswer([p('42'), p('41')], 2, same), null);
  assert.equal(dynasorConsistentAnswer([p('42')], 2, same), null, 'fewer probes than the window');
  assert.equal(dynasorConsistentAnswer([p('42'), p(null, '')], 2, same), null, 'an empty answer breaks agreement');
  assert.equal(dynasorConsistentAnswer([p('42'), p('42', '42} but')], 2, same), null, 'a hedge in the window');
});

test('early-stop modes: parsing and flags', () => {
  assert.deepEqual(parseBudgetPolicy({ earlyStop: { mode: 'dynasor' } }), { ok: true, policy: { earlyStop: { mode: 'dynasor', everyTokens: 32, window: 2 } } });
  assert.deepEqual(parseBudgetPolicy({ earlyStop: { mode: 'episode', window: 2 } }), { ok: true, policy: { earlyStop: { window: 2, plateau: 0.05 } } });
  const bad = parseBudgetPolicy({ earlyStop: { mode: 'dynasor', plateau: 0.1, everyTokens: 2 } });
  assert.ok(!bad.ok);
  assert.deepEqual(bad.errors.map((e) => e.field), ['earlyStop.plateau', 'earlyStop.everyTokens']);
  const mode = parseBudgetPolicy({ earlyStop: { mode: 'deer' } });
  assert.ok(!mode.ok && mode.errors[0].field === 'earlyStop.mode');
  assert.deepEqual(resolvePolicy({ earlyStop: true }).earlyStop, { mode: 'episode', window: 3, plateau: 0.05 });
  assert.deepEqual(budgetFromFlags({ earlyStopMode: 'dynasor', probeEvery: '64', window: '3' }), { ok: true, policy: { earlyStop: { mode: 'dynasor', everyTokens: 64, window: 3 } } });
  assert.deepEqual(budgetFromFlags({ earlyStop: true, probeEvery: '64' }), { ok: false, errors: [{ flag: '--probe-every', message: 'needs --early-stop-mode dynasor' }] });
});
