import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeOllama, type FakeOllama } from '../fake-ollama/server';
import { OllamaBackend } from '../../src/model/ollama';
import { startSolve } from '../../src/runs/solve';
import { validateTrace } from '../../src/core/schema';
import type { BudgetDecision, BudgetPolicy, Trace } from '../../src/core/trace';
import { collect, ofType, productProblem } from './scripted';

let fake: FakeOllama;
const LONG = 10;

before(async () => {
  fake = await startFakeOllama({
    // A small per-chunk delay keeps the stream running while background probes finish.
    tokenDelayMs: 1,
    problems: [
      productProblem('PROBLEM-BUDGET', 4, [0, 0.25, 0.5, 0.75, 1]),
      productProblem('PROBLEM-SHORT', 1, [0, 1]),
      productProblem('PROBLEM-STABLE', LONG, [0, ...Array(LONG).fill(1)]),
      productProblem('PROBLEM-HEDGE', LONG, [0, ...Array(LONG).fill(1)], Array(LONG + 1).fill(true)),
      // Hedged forced answers: the stability rule never fires, so only the plateau can stop these.
      productProblem('PROBLEM-PLATEAU', LONG, [0, ...Array(LONG).fill(0.5)], Array(LONG + 1).fill(true)),
      // mu after episode i is accuracy[i + 1]: 0.25, 0.5, 0.75, then flat at 0.75.
      productProblem('PROBLEM-RISE', LONG, [0, 0.25, 0.5, ...Array(LONG - 2).fill(0.75)], Array(LONG + 1).fill(true)),
      productProblem('PROBLEM-COIN', 4, [0.5, 0.5, 0.5, 0.5, 0.5]),
    ],
  });
});
after(() => fake.close());

const backend = (): OllamaBackend => new OllamaBackend({ host: fake.url });

function valid(trace: Trace): Trace {
  const v = validateTrace(trace);
  assert.ok(v.ok, v.ok ? '' : JSON.stringify(v.errors));
  return trace;
}

const decisions = (t: Trace, kind: BudgetDecision['kind']): BudgetDecision[] => (t.budget?.decisions ?? []).filter((d) => d.kind === kind);

test('max thinking: the stream stops at the cap and the answer is forced (s1)', async () => {
  const from = fake.requests.length;
  const { trace, events } = await collect(
    startSolve(backend(), {
      problem: 'PROBLEM-BUDGET',
      model: 'deepseek-r1:7b',
      gold: '42',
      segment: { mode: 'mrt' },
      budget: { maxThinkingTokens: 80 },
    }),
  );
  valid(trace);
  assert.equal(trace.budget?.stop, 'budget');
  const [d] = decisions(trace, 'forced-stop');
  assert.ok(d, 'forced-stop recorded');
  assert.ok(d.atTokens >= 80 && d.atTokens < 100, `stopped at ${d.atTokens}`);
  assert.ok(ofType(events, 'budget-decision').some((e) => e.decision.kind === 'forced-stop'));
  assert.ok(trace.metrics.thinkingTokens < 110, `thinking ${trace.metrics.thinkingTokens} tokens`);
  // The forced answer came from a raw generate that closed the thinking and opened \boxed{.
  const forced = fake.requests.slice(from).filter((r) => r.path === '/api/generate');
  assert.equal(forced.length, 1);
  const prompt = (forced[0].body as { prompt: string; raw: boolean }).prompt;
  assert.ok(prompt.includes('</think>') && prompt.endsWith('\\boxed{'));
  assert.ok(trace.response.startsWith('**Final Answer**'));
  assert.ok(trace.final.answer === '41' || trace.final.answer === '42' || trace.final.answer === '36');
  assert.ok(fake.disconnects >= 1, 'the chat stream was aborted');
});

test('min thinking with extensions: the end of thinking is suppressed and "Wait" appended, at most N times', async () => {
  const { trace } = await collect(
    startSolve(backend(), {
      problem: 'PROBLEM-SHORT',
      model: 'deepseek-r1:7b',
      gold: '42',
      segment: { mode: 'mrt' },
      budget: { minThinkingTokens: 100_000, extensions: 2 },
    }),
  );
  valid(trace);
  assert.equal(trace.budget?.stop, 'done');
  const ext = decisions(trace, 'extension');
  assert.equal(ext.length, 2);
  assert.deepEqual(ext.map((d) => d.data?.appended), ['Wait', 'Wait']);
  assert.equal((trace.thinking.match(/\n\nWait/g) ?? []).length, 2, 'two appended "Wait" paragraphs');
  assert.ok(trace.thinking.includes('double-check the result once more'), 'the model continued after "Wait"');
  // MRT needs 3 paragraphs per episode: the first "Wait" opens episode 1, the second joins it.
  assert.equal(trace.episodes.length, 2);
  assert.equal(trace.episodes[1].opener, 'Wait');
  assert.ok(trace.response.includes('\\boxed{42}'));
  assert.equal(trace.final.correct, true);
  // What the model said before we suppressed its end is kept with the decision.
  assert.ok(ext.every((d) => typeof d.data?.suppressedResponse === 'string'));
});

test('extensions stop once the minimum is reached', async () => {
  const { trace } = await collect(
    startSolve(backend(), { problem: 'PROBLEM-SHORT', model: 'deepseek-r1:7b', segment: { mode: 'mrt' }, budget: { minThinkingTokens: 80, extensions: 5 } }),
  );
  valid(trace);
  const ext = decisions(trace, 'extension');
  assert.ok(ext.length >= 1 && ext.length < 5, `${ext.length} extensions`);
  assert.ok(trace.metrics.thinkingTokens >= 80);
});

test('max episodes: the answer is forced once N episodes have closed', async () => {
  const { trace } = await collect(
    startSolve(backend(), { problem: 'PROBLEM-BUDGET', model: 'deepseek-r1:7b', gold: '42', segment: { mode: 'mrt' }, budget: { maxEpisodes: 2 } }),
  );
  valid(trace);
  assert.equal(trace.budget?.stop, 'budget');
  const [d] = decisions(trace, 'max-episodes');
  assert.ok(d);
  assert.equal(d.atEpisode, 1);
  // Two full episodes plus the start of the third (kept: it was received before the stop).
  assert.ok(trace.episodes.length === 2 || trace.episodes.length === 3);
  assert.ok(trace.episodes[1].text.includes('pass 1'));
  assert.ok(!trace.thinking.includes('pass 3'));
});

test('early stop: forced answers stable for the window → stop and force the answer', async () => {
  const { trace } = await collect(
    startSolve(backend(), {
      problem: 'PROBLEM-STABLE',
      model: 'deepseek-r1:7b',
      gold: '42',
      segment: { mode: 'mrt' },
      progress: { samples: 4 },
      budget: { earlyStop: { window: 2 } },
    }),
  );
  valid(trace);
  const [d] = decisions(trace, 'early-stop');
  assert.ok(d, 'early stop decided');
  assert.equal(d.data?.reason, 'stable');
  assert.equal(d.data?.answer, '42');
  assert.equal(trace.budget?.stop, 'budget');
  assert.ok(trace.episodes.length < LONG, `stopped after ${trace.episodes.length} of ${LONG} episodes`);
  assert.equal(trace.final.answer, '42');
});

test('early stop never fires while forced answers hedge', async () => {
  const { trace } = await collect(
    startSolve(backend(), {
      problem: 'PROBLEM-HEDGE',
      model: 'deepseek-r1:7b',
      gold: '42',
      segment: { mode: 'mrt' },
      progress: { samples: 3 },
      // plateau 0: stop only if mu fell (it stays at 1 here), so only the stability rule is under test.
      budget: { earlyStop: { window: 2, plateau: 0 } },
    }),
  );
  valid(trace);
  assert.equal(decisions(trace, 'early-stop').length, 0);
  assert.equal(trace.budget?.stop, 'done');
  assert.equal(trace.episodes.length, LONG);
});

test('early stop without progress probes uses one greedy probe per episode', async () => {
  const from = fake.requests.length;
  const { trace } = await collect(
    startSolve(backend(), { problem: 'PROBLEM-STABLE', model: 'deepseek-r1:7b', segment: { mode: 'mrt' }, budget: { earlyStop: true } }),
  );
  valid(trace);
  assert.equal(decisions(trace, 'early-stop').length, 1);
  assert.ok(trace.episodes.every((e) => e.progress === undefined), 'greedy stop probes are not progress estimates');
  const probes = fake.requests.slice(from).filter((r) => r.path === '/api/generate' && (r.body as { options?: { num_predict?: number } }).options?.num_predict === 32);
  assert.ok(probes.length >= 3);
  assert.ok(probes.every((r) => (r.body as { options: { temperature: number } }).options.temperature === 0));
});

test('early stop on a plateau of mu', async () => {
  const { trace } = await collect(
    startSolve(backend(), {
      problem: 'PROBLEM-PLATEAU',
      model: 'deepseek-r1:7b',
      gold: '42',
      segment: { mode: 'mrt' },
      progress: { samples: 4, adaptive: false },
      // Window left out, as settings JSON may: the default 3 applies and the plateau is kept.
      budget: { earlyStop: { plateau: 0.05 } } as BudgetPolicy,
    }),
  );
  valid(trace);
  assert.deepEqual(trace.budget?.policy.earlyStop, { window: 3, plateau: 0.05 }, 'the trace records the policy that ran');
  const [d] = decisions(trace, 'early-stop');
  assert.ok(d && d.data?.reason === 'plateau', JSON.stringify(trace.budget?.decisions));
  assert.ok(trace.episodes.length < LONG);
});

test('plateau delta decides when a rising mu counts as flat: mu rose by less than delta over the window', async () => {
  // mu by episode: 0.25, 0.5, 0.75, 0.75, 0.75 … With window 2, over episodes 1..3 mu rose by 0.25
  // and over 2..4 by 0: delta 0.05 stops at episode 4, delta 0.3 already at episode 3.
  for (const [plateau, episode] of [[0.05, 4], [0.3, 3]] as const) {
    const { trace } = await collect(
      startSolve(backend(), {
        problem: 'PROBLEM-RISE',
        model: 'deepseek-r1:7b',
        gold: '42',
        segment: { mode: 'mrt' },
        progress: { samples: 4, adaptive: false },
        budget: { earlyStop: { window: 2, plateau } },
      }),
    );
    valid(trace);
    const stops = decisions(trace, 'early-stop');
    assert.equal(stops.length, 1, JSON.stringify(trace.budget?.decisions));
    const d = stops[0];
    assert.equal(d.atEpisode, episode, `plateau ${plateau}: ${d.detail}`);
    assert.equal(d.data?.reason, 'plateau');
    assert.equal(d.data?.window, 2);
    assert.equal(d.data?.plateau, plateau);
    assert.equal(d.data?.mu, 0.75);
    assert.equal(d.data?.muBefore, episode === 4 ? 0.75 : 0.5);
    assert.equal(trace.budget?.stop, 'budget');
    assert.ok(trace.episodes.length < LONG, `${trace.episodes.length} episodes`);
  }
});

test('vote N/M: attempts stop when M agree; the trace records each vote, the tally and the winner', async () => {
  const from = fake.requests.length;
  const { trace } = await collect(
    startSolve(backend(), { problem: 'PROBLEM-BUDGET', model: 'deepseek-r1:7b', gold: '42', segment: { mode: 'mrt' }, budget: { vote: { n: 5, m: 2 } }, sampling: { seed: 7 } }),
  );
  valid(trace);
  const votes = decisions(trace, 'vote');
  const chats = fake.requests.slice(from).filter((r) => r.path === '/api/chat');
  assert.equal(chats.length, 2, 'the scripted model answers 42 every time: 2 attempts reach M=2');
  assert.deepEqual(chats.map((c) => (c.body as { options?: { seed?: number } }).options?.seed), [7, 8]);
  const final = votes[votes.length - 1];
  assert.equal(final.data?.winner, '42');
  assert.equal(final.data?.agreed, true);
  assert.equal(final.data?.attempts, 2);
  assert.equal(votes.length, 3, 'one per attempt plus the result');
  assert.equal(trace.final.answer, '42');
  assert.equal(trace.final.correct, true);
  assert.ok(trace.episodes.length === 4, 'the trace holds the first attempt’s thinking');
});

test('adaptive vote: one attempt when forced answers after it are unanimous', async () => {
  const from = fake.requests.length;
  const { trace } = await collect(
    startSolve(backend(), { problem: 'PROBLEM-BUDGET', model: 'deepseek-r1:7b', gold: '42', segment: { mode: 'mrt' }, budget: { vote: { n: 5, m: 3, adaptive: true } } }),
  );
  valid(trace);
  assert.equal(fake.requests.slice(from).filter((r) => r.path === '/api/chat').length, 1);
  const adaptive = decisions(trace, 'vote').find((d) => d.data?.adaptive === true);
  assert.equal(adaptive?.data?.confident, true);
  assert.equal(trace.final.answer, '42');
});

test('vote without consensus: up to N attempts, the plurality answer wins', async () => {
  const { trace } = await collect(
    startSolve(backend(), {
      problem: 'PROBLEM-COIN',
      model: 'deepseek-r1:7b',
      gold: '42',
      segment: { mode: 'mrt' },
      // A tiny cap forces every attempt's answer; the scripted forced answers are coin flips.
      budget: { maxThinkingTokens: 5, vote: { n: 4, m: 4 } },
      sampling: { seed: 3 },
    }),
  );
  valid(trace);
  const final = decisions(trace, 'vote').at(-1);
  const tally = final?.data?.tally as { answer: string; count: number }[];
  const attempts = final?.data?.attempts as number;
  assert.ok(attempts >= 1 && attempts <= 4);
  assert.equal(tally.reduce((n, g) => n + g.count, 0) + (final?.data?.abstained as number[]).length, attempts);
  const best = Math.max(...tally.map((g) => g.count));
  assert.equal(tally.find((g) => g.answer === final?.data?.winner)?.count, best);
  assert.equal(trace.final.answer, final?.data?.winner);
});

test('think level: recorded when the model accepts it, a clear error before streaming when not', async () => {
  const ok = await collect(
    startSolve(backend(), { problem: 'PROBLEM-BUDGET', model: 'gpt-oss:20b', budget: { think: 'high' }, segment: { mode: 'mrt' } }),
  );
  valid(ok.trace);
  const [d] = decisions(ok.trace, 'think-level');
  assert.equal(d?.data?.think, 'high');
  const chat = fake.requests.filter((r) => r.path === '/api/chat').at(-1);
  assert.equal((chat?.body as { think?: unknown }).think, 'high');

  const before = fake.requests.filter((r) => r.path === '/api/chat').length;
  const bad = await collect(startSolve(backend(), { problem: 'PROBLEM-BUDGET', model: 'deepseek-r1:7b', budget: { think: 'high' } }));
  valid(bad.trace);
  assert.equal(bad.trace.budget?.stop, 'error');
  assert.match(bad.trace.error ?? '', /does not accept think level "high"/);
  const err = ofType(bad.events, 'error')[0];
  assert.equal(err.kind, 'think-unsupported');
  assert.equal(fake.requests.filter((r) => r.path === '/api/chat').length, before, 'nothing was streamed');

  const plain = await collect(startSolve(backend(), { problem: 'PROBLEM-BUDGET', model: 'llama3.2:1b', budget: { think: true } }));
  assert.match(plain.trace.error ?? '', /does not support thinking/);
});
