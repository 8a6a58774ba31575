/**
 * One prefix's judged probes as the trace stores them (version 2: `probes.prefix0` and
 * `episodes[j].progress`): mu with its interval, delta with its interval, the correct and
 * no-answer counts, the answer histogram, its entropy in bits, and the prefix's token costs.
 * Pure; the estimators are src/core/probe-estimate.ts, the requests src/runs/probes.ts.
 */
import {
  DEFAULT_DELTA_METHOD,
  DEFAULT_INTERVAL_METHOD,
  DEFAULT_LEVEL,
  estimateDelta,
  estimatePrefix,
  type DeltaIntervalMethod,
  type IntervalMethod,
} from './probe-estimate';
import type { EpisodeProgress, PrefixProbes, ProgressBasis } from './trace';

/** One probe as judged: its answer's equivalence key (null: no answer) and whether it is correct. */
export interface JudgedProbe {
  key: string | null;
  correct: boolean;
}

export interface PrefixCosts {
  /** Prompt tokens of the probe request (one prompt per prefix). */
  promptTokens?: number;
  /** Generated tokens of all the prefix's probes, summed. */
  rolloutTokens?: number;
}

export interface IntervalChoice {
  method?: IntervalMethod;
  level?: number;
  deltaMethod?: DeltaIntervalMethod;
}

export const DEFAULT_INTERVALS = { method: DEFAULT_INTERVAL_METHOD, level: DEFAULT_LEVEL, deltaMethod: DEFAULT_DELTA_METHOD } as const;

/** PrefixProbes from judged probes (at least one). A correct probe always has an answer. */
export function prefixProbes(probes: readonly JudgedProbe[], costs: PrefixCosts = {}, choice: IntervalChoice = {}): PrefixProbes {
  const est = estimatePrefix(
    probes.map((p) => ({ answer: p.key, correct: p.correct && p.key !== null })),
    { method: choice.method ?? DEFAULT_INTERVALS.method, level: choice.level ?? DEFAULT_INTERVALS.level },
  );
  return {
    mu: est.mu,
    interval: [est.interval.low, est.interval.high],
    samples: est.samples,
    correct: est.correct,
    noAnswer: est.noAnswer,
    answers: est.answers,
    entropy: est.entropy,
    ...(costs.promptTokens !== undefined ? { promptTokens: costs.promptTokens } : {}),
    ...(costs.rolloutTokens !== undefined ? { rolloutTokens: costs.rolloutTokens } : {}),
  };
}

/**
 * An episode's progress: its prefix's probes, delta = mu_j - mu_(j-1) against the previous
 * prefix (prefix 0 for episode 0), and delta's interval (the two prefixes' probes are
 * independent samples: MOVER on Clopper-Pearson limits by default).
 */
export function episodeProgress(
  current: PrefixProbes,
  previous: Pick<PrefixProbes, 'mu' | 'samples' | 'correct'>,
  basis: ProgressBasis,
  choice: IntervalChoice = {},
): EpisodeProgress {
  const cur = { correct: current.correct ?? Math.round(current.mu * current.samples), samples: current.samples };
  const prev = { correct: previous.correct ?? Math.round(previous.mu * previous.samples), samples: previous.samples };
  const d = estimateDelta(cur, prev, { method: choice.deltaMethod ?? DEFAULT_INTERVALS.deltaMethod, level: choice.level ?? DEFAULT_INTERVALS.level });
  return { ...current, delta: d.delta, deltaInterval: [d.interval.low, d.interval.high], basis };
}
