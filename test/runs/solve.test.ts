import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeOllama, type FakeOllama } from '../fake-ollama/server';
import { OllamaBackend } from '../../src/model/ollama';
import { startSolve } from '../../src/runs/solve';
import { validateTrace } from '../../src/core/schema';
import type { Trace } from '../../src/core/trace';
import { collect, ofType, productProblem } from './scripted';

const ACC = [0, 0.25, 0.5, 0.75, 1];
let fake: FakeOllama;

before(async () => {
  fake = await startFakeOllama({
    // Forced answers are Bernoulli(ACC[j]) samples from a seeded generator: real sampling
    // noise, the same on every run, so the estimator checks below are binomial bounds.
    draw: { seed: 20261201 },
    problems: [
      productProblem('PROBLEM-CURVE', 4, ACC),
      productProblem('PROBLEM-SURE', 4, [0, 1, 1, 1, 1]),
    ],
  });
});
after(() => fake.close());

function backend(): OllamaBackend {
  return new OllamaBackend({ host: fake.url });
}

function assertValid(trace: Trace): void {
  const v = validateTrace(trace);
  assert.ok(v.ok, v.ok ? '' : JSON.stringify(v.errors));
}

const generateRequests = (from: number) => fake.requests.slice(from).filter((r) => r.path === '/api/generate');

test('a run produces a valid annotated trace with verdicts, progress and server stats', async () => {
  const { trace, events } = await collect(
    startSolve(backend(), {
      problem: 'PROBLEM-CURVE: what is 6 times 7?',
      model: 'deepseek-r1:7b',
      gold: '42',
      segment: { mode: 'mrt' },
      progress: { samples: 4, adaptive: false },
    }),
  );
  assertValid(trace);
  assert.equal(trace.budget?.stop, 'done');
  assert.equal(trace.error, undefined);
  assert.equal(trace.episodes.length, 4);
  assert.deepEqual(trace.episodes.map((e) => e.answer), ['41', '42', '42', '42']);
  assert.deepEqual(trace.episodes.map((e) => e.verdict), ['incorrect', 'correct', 'correct', 'correct']);
  assert.deepEqual(trace.episodes.map((e) => e.opener ?? null), [null, 'Wait', 'Alternatively', 'But wait']);
  assert.deepEqual(trace.final, { answer: '42', correct: true, ...(trace.final.reason ? { reason: trace.final.reason } : {}) });
  assert.ok(trace.response.includes('\\boxed{42}'));
  assert.ok(trace.episodes.every((e) => e.progress && e.progress.samples === 4 && e.progress.basis === 'gold'));
  assert.ok(trace.metrics.evalTokens && trace.metrics.evalTokens > 50, 'eval_count from the done chunk');
  assert.ok(trace.metrics.promptTokens && trace.metrics.promptTokens > 0);
  assert.ok(trace.metrics.durationMs !== undefined && trace.metrics.tokensPerSecond !== undefined);
  assert.equal(trace.metrics.firstCorrectEpisode, 1);
  assert.ok(trace.metrics.cumulativeRegret !== undefined && trace.metrics.regret && trace.metrics.regret.length >= 1);

  // Event stream: started first, done last, every episode opened and closed in order.
  assert.equal(events[0].type, 'started');
  assert.equal(events[events.length - 1].type, 'done');
  assert.deepEqual(ofType(events, 'episode-closed').map((e) => e.episode.index), [0, 1, 2, 3]);
  assert.deepEqual(ofType(events, 'episode-opened').map((e) => e.episode.index), [0, 1, 2, 3]);
  assert.ok(ofType(events, 'episode-grew').length > 10);
  assert.deepEqual(ofType(events, 'answer-seen').map((e) => e.answer), ['41', '42', '42', '42']);
  assert.ok(ofType(events, 'response-grew').length >= 1);
  const probed = new Set(ofType(events, 'probe-result').map((e) => e.episodeIndex));
  assert.deepEqual([...probed].sort(), [0, 1, 2, 3]);
  const tokens = ofType(events, 'tokens');
  assert.ok(tokens.length > 0 && tokens[tokens.length - 1].thinkingTokens > 0);
  // The chat request asked for streaming and carried the problem with the boxed instruction.
  const chat = fake.requests.find((r) => r.path === '/api/chat');
  assert.ok(chat && JSON.stringify(chat.body).includes('PROBLEM-CURVE') && JSON.stringify(chat.body).includes('\\\\boxed{}'));
});

function binomialBound(p: number, k: number): number {
  // 3 standard deviations plus one sample of slack: fails only if the estimator is biased.
  return 3 * Math.sqrt((p * (1 - p)) / k) + 1 / k;
}

test('pooled over 4 runs (k=32), mu stays within 4 standard errors of the scripted accuracy (a band narrower than a 0.2 bias)', async () => {
  const runs = 4;
  const k = 32;
  const successes = ACC.slice(1).map(() => 0);
  const halfway: number[] = []; // per-run mu of the episode with accuracy 0.5
  for (let r = 0; r < runs; r++) {
    const { trace } = await collect(
      startSolve(backend(), {
        problem: 'PROBLEM-CURVE pooled',
        model: 'deepseek-r1:7b',
        gold: '42',
        segment: { mode: 'mrt' },
        progress: { samples: k, adaptive: false, concurrency: 4 },
        sampling: { seed: 100 + r },
      }),
    );
    assert.equal(trace.episodes.length, successes.length);
    trace.episodes.forEach((e, j) => {
      assert.equal(e.progress?.samples, k);
      successes[j] += Math.round((e.progress?.mu ?? NaN) * k);
    });
    halfway.push(trace.episodes[1].progress?.mu ?? NaN);
  }
  const n = runs * k;
  successes.forEach((s, j) => {
    const p = ACC[j + 1];
    // Two-sided 4-sigma band (p-value 6e-5 per episode for an unbiased estimator), plus half a sample for discreteness.
    const band = 4 * Math.sqrt((p * (1 - p)) / n) + 1 / (2 * n);
    assert.ok(band <= 0.2, `band ${band} too wide to catch a 0.2 bias`);
    assert.ok(Math.abs(s / n - p) <= band, `episode ${j}: ${s}/${n} = ${(s / n).toFixed(3)} vs ${p} (band ±${band.toFixed(3)})`);
  });
  // Sampling noise is there: runs at p = 0.5 disagree (quasi-random draws would give 0.5 every time).
  assert.ok(new Set(halfway).size > 1, `no sampling noise: ${halfway}`);
});

for (const k of [8, 32]) {
  test(`the estimator recovers a scripted mu curve (k=${k}, fixed sampling)`, async () => {
    const { trace } = await collect(
      startSolve(backend(), {
        problem: 'PROBLEM-CURVE again',
        model: 'deepseek-r1:7b',
        gold: '42',
        segment: { mode: 'mrt' },
        progress: { samples: k, adaptive: false, concurrency: 4 },
      }),
    );
    assertValid(trace);
    const mus = trace.episodes.map((e) => e.progress?.mu);
    trace.episodes.forEach((e, j) => {
      const p = ACC[j + 1];
      assert.equal(e.progress?.samples, k);
      assert.ok(Math.abs((e.progress?.mu ?? -1) - p) <= binomialBound(p, k), `episode ${j}: mu ${e.progress?.mu} vs ${p} (k=${k}); all ${mus}`);
    });
    // delta of episode 0 is measured against the empty-thinking prefix (accuracy 0).
    assert.ok(Math.abs((trace.episodes[0].progress?.delta ?? -1) - (trace.episodes[0].progress?.mu ?? 0)) <= binomialBound(0, k));
    for (let j = 1; j < trace.episodes.length; j++) {
      const d = (trace.episodes[j].progress?.mu ?? 0) - (trace.episodes[j - 1].progress?.mu ?? 0);
      assert.ok(Math.abs((trace.episodes[j].progress?.delta ?? NaN) - d) < 1e-12);
    }
  });
}

test('adaptive sampling (Beta-posterior width rule) stops early on unanimous prefixes and uses fewer requests', async () => {
  const count = async (adaptive: boolean): Promise<{ requests: number; trace: Trace }> => {
    const from = fake.requests.length;
    const { trace } = await collect(
      startSolve(backend(), {
        problem: 'PROBLEM-SURE: 6 times 7',
        model: 'deepseek-r1:7b',
        gold: '42',
        segment: { mode: 'mrt' },
        progress: { samples: 8, adaptive },
      }),
    );
    return { requests: generateRequests(from).length, trace };
  };
  const fixed = await count(false);
  const adaptive = await count(true);
  assert.equal(fixed.requests, 5 * 8, 'empty prefix + 4 episodes, 8 samples each');
  // Jeffreys posterior after n unanimous probes: the 95% interval is first <= 0.3 wide at n = 7.
  assert.equal(adaptive.requests, 5 * 7, 'every prefix is unanimous: the width rule stops at 7 samples');
  assert.ok(adaptive.trace.episodes.every((e) => e.progress?.samples === 7 && e.progress.mu === 1));
  assert.equal(adaptive.trace.probes?.sampling, 'adaptive');
  assert.equal(fixed.trace.probes?.sampling, 'fixed');
  assert.deepEqual(
    adaptive.trace.episodes.map((e) => e.progress?.mu),
    fixed.trace.episodes.map((e) => e.progress?.mu),
  );
});

test('without gold, progress is measured against the trace’s own final answer (basis self)', async () => {
  const { trace, events } = await collect(
    startSolve(backend(), {
      problem: 'PROBLEM-SURE: no gold this time',
      model: 'deepseek-r1:7b',
      segment: { mode: 'mrt' },
      progress: { samples: 4, adaptive: false },
    }),
  );
  assertValid(trace);
  assert.equal(trace.final.answer, '42');
  assert.equal(trace.final.correct, null);
  assert.ok(trace.episodes.every((e) => e.verdict === 'none'));
  assert.ok(trace.episodes.every((e) => e.progress?.basis === 'self' && e.progress.mu === 1));
  const last = new Map<number, number>();
  for (const e of ofType(events, 'probe-result')) last.set(e.episodeIndex, e.progress.mu);
  assert.deepEqual([...last.values()], [1, 1, 1, 1], 'the last probe-result per episode matches the final answer');
});
