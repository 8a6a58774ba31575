/**
 * A fake probe model that answers with real (seeded) randomness, and the loop that probes one
 * prefix with it the way the estimator expects: build the `mrt` probe, draw completions until the
 * sampling plan stops, read each answer from prompt + completion, judge it against the gold answer.
 * Used by test/core/probe-estimate.test.ts and bench/probe-estimate.bench.ts.
 */
import { assistantTurnText, probeAnswer, probeTurn, type ProbeSubject } from '../../src/core/probe-recipes';
import { estimatePrefix, nextProbeCount, samplingDone, type IntervalMethod, type PrefixEstimate, type SamplingPlan } from '../../src/core/probe-estimate';
import { segmentThinking } from '../../src/core/segment';

export const GOLD = '42';
const WRONG = ['41', '43', '24'];

export interface FakeModelTruth {
  /** Probability that a completion's answer is correct. */
  p: number;
  /** Of the incorrect completions, the share that give no boxed answer at all. */
  noAnswerShare: number;
}

/** One completion of the fake model: a boxed answer that is right with probability p. */
export function fakeCompletion(rng: () => number, truth: FakeModelTruth): string {
  if (rng() < truth.p) return `Combining the steps.** The total is 6 * 7.\n\nSo the answer is $\\boxed{${GOLD}}$.`;
  if (rng() < truth.noAnswerShare) return 'Rethinking the setup.** Let me set up the equations again and';
  return `Combining the steps.** The total is off.\n\nSo the answer is $\\boxed{${WRONG[Math.floor(rng() * WRONG.length)]}}$.`;
}

const THINKING = 'Let me find 6 times 7.\n\nSix sevens.\n\nThat is 42.\n\nWait, check: 7 * 6.\n\nStill the same.\n\nDone.';
const SUBJECT: ProbeSubject = { thinking: THINKING, episodes: segmentThinking(THINKING, { mode: 'mrt' }) };
/** A middle-prefix mrt probe prompt with no box in it (so every answer comes from the completion). */
export const SIMULATED_PROMPT = `<｜User｜>What is 6 times 7?<｜Assistant｜>${assistantTurnText(probeTurn('mrt', SUBJECT, 1))}`;

export interface SimulatedPrefix {
  estimate: PrefixEstimate;
  requests: number;
}

/** Probe one prefix of a fake model under a sampling plan. */
export function simulatePrefix(rng: () => number, truth: FakeModelTruth, plan: SamplingPlan, method?: IntervalMethod): SimulatedPrefix {
  const outcomes: { answer: string | null; correct: boolean }[] = [];
  let correct = 0;
  while (samplingDone(plan, correct, outcomes.length) === null) {
    for (let i = nextProbeCount(plan, outcomes.length); i > 0; i--) {
      const answer = probeAnswer('mrt', SIMULATED_PROMPT, fakeCompletion(rng, truth));
      const isCorrect = answer === GOLD;
      if (isCorrect) correct++;
      outcomes.push({ answer, correct: isCorrect });
    }
  }
  return { estimate: estimatePrefix(outcomes, method ? { method } : {}), requests: outcomes.length };
}

export interface CellSummary {
  p: number;
  prefixes: number;
  meanRequests: number;
  /** mean(mu) - p */
  bias: number;
  /** Share of prefixes whose interval contains p. */
  coverage: number;
  meanWidth: number;
}

/** `prefixes` simulated prefixes at one true p. */
export function simulateCell(rng: () => number, p: number, plan: SamplingPlan, prefixes: number, method?: IntervalMethod): CellSummary {
  let muSum = 0;
  let covered = 0;
  let requests = 0;
  let width = 0;
  for (let i = 0; i < prefixes; i++) {
    const { estimate, requests: r } = simulatePrefix(rng, { p, noAnswerShare: 0.3 }, plan, method);
    muSum += estimate.mu;
    requests += r;
    width += estimate.interval.high - estimate.interval.low;
    if (estimate.interval.low <= p && p <= estimate.interval.high) covered++;
  }
  return { p, prefixes, meanRequests: requests / prefixes, bias: muSum / prefixes - p, coverage: covered / prefixes, meanWidth: width / prefixes };
}

export const TRUE_P_GRID: readonly number[] = [0, 0.05, 0.2, 0.5, 0.8, 0.95, 1];
