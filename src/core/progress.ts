/**
 * Estimator maths for MRT progress (mu_j = share of forced answers that are correct after
 * episode j). Pure: the probe requests themselves live in src/runs/probes.ts.
 */
import type { EpisodeProgress, ProgressBasis } from './trace';

/** Histogram key for a forced answer that produced no parsable answer. */
export const NO_ANSWER_KEY = '(no answer)';

export interface WilsonInterval {
  low: number;
  high: number;
  /** Half the interval's width: the "+-" a reader sees next to mu. */
  halfWidth: number;
}

/**
 * Wilson score interval for a binomial proportion (95% with the default z). Unlike the normal
 * approximation it stays inside [0, 1] and is sensible at 0/n and n/n, which is where probes live.
 */
export function wilsonInterval(successes: number, n: number, z = 1.96): WilsonInterval {
  if (!Number.isFinite(n) || n <= 0) return { low: 0, high: 1, halfWidth: 0.5 };
  const k = Math.min(Math.max(successes, 0), n);
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const low = Math.max(0, center - half);
  const high = Math.min(1, center + half);
  return { low, high, halfWidth: (high - low) / 2 };
}

export interface SamplingRule {
  /** Upper bound on samples for one prefix (MRT: k = 8). */
  maxSamples: number;
  adaptive: boolean;
  /** Stop once the Wilson 95% half-width is below this. */
  ciHalfWidth: number;
  /** Stop once this many samples all gave the same answer (Dynasor-style agreement). */
  unanimousAfter: number;
}

export type SamplingStopReason = 'max' | 'unanimous' | 'interval';

/**
 * Adaptive stopping rule for one prefix. `keys` are normalised answer keys of the samples so far
 * (NO_ANSWER_KEY for none); `successes` is the number judged correct when the basis is known, or
 * null (self basis before the final answer): then the modal answer's count stands in, which bounds
 * the correct count from the side that matters (a tight modal share means a tight mu whichever
 * answer turns out to be the reference).
 */
export function samplingStop(
  keys: readonly string[],
  successes: number | null,
  rule: SamplingRule,
): SamplingStopReason | null {
  const n = keys.length;
  if (n >= rule.maxSamples) return 'max';
  if (!rule.adaptive || n === 0) return null;
  if (n >= rule.unanimousAfter) {
    // Unanimous in what mu measures: all right or all wrong (when judged), else all the same answer.
    const judgedUnanimous = successes !== null && (successes === 0 || successes === n);
    if (judgedUnanimous || keys.every((k) => k === keys[0])) return 'unanimous';
  }
  const hits = successes ?? modalCount(keys);
  if (wilsonInterval(hits, n).halfWidth < rule.ciHalfWidth) return 'interval';
  return null;
}

/** How many samples to request next for a prefix that has `done` results and is not stopped. */
export function nextBatchSize(done: number, rule: SamplingRule, concurrency: number): number {
  const remaining = Math.max(0, rule.maxSamples - done);
  if (!rule.adaptive) return remaining;
  // First look: enough samples to test unanimity; afterwards, one slot-width at a time.
  const size = done === 0 ? rule.unanimousAfter : Math.max(1, concurrency);
  return Math.min(remaining, size);
}

export function answerHistogram(keys: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
}

export function modalCount(keys: readonly string[]): number {
  let best = 0;
  for (const c of Object.values(answerHistogram(keys))) best = Math.max(best, c);
  return best;
}

/** The most frequent key; ties go to the key seen first (stable, so events don't flicker). */
export function modalKey(keys: readonly string[]): string | null {
  const hist = answerHistogram(keys);
  let best: string | null = null;
  for (const k of keys) if (best === null || hist[k] > hist[best]) best = k;
  return best;
}

/**
 * EpisodeProgress from judged samples. `prevMu` is mu of the previous prefix (the empty-thinking
 * prefix for episode 0); delta is mu - prevMu.
 */
export function progressFromSamples(
  keys: readonly string[],
  correct: readonly boolean[],
  basis: ProgressBasis,
  prevMu: number,
): EpisodeProgress {
  const n = keys.length;
  const hits = correct.filter(Boolean).length;
  const mu = n === 0 ? 0 : hits / n;
  return {
    mu,
    delta: mu - prevMu,
    samples: n,
    answers: answerHistogram(keys),
    basis,
    ci: wilsonInterval(hits, n).halfWidth,
  };
}

/** Points of the mu-vs-tokens curve used by MRT's normalised regret: (thinking tokens, mu). */
export interface MuPoint {
  tokens: number;
  mu: number;
}

/**
 * The curve (prefix tokens, mu) for probed episodes, starting with the empty-thinking prefix when
 * it was probed. Episodes without progress are skipped (the curve interpolates over them).
 */
export function muCurve(
  prefixMu: number | null,
  episodes: readonly { progress?: EpisodeProgress; endTokens: number }[],
): MuPoint[] {
  const points: MuPoint[] = [];
  if (prefixMu !== null) points.push({ tokens: 0, mu: prefixMu });
  for (const e of episodes) if (e.progress) points.push({ tokens: e.endTokens, mu: e.progress.mu });
  return points;
}

/**
 * The early-stop plateau: over the last `window` probed episodes mu rose by less than `delta`
 * (a mu change in [0, 1]). Needs window + 1 mu values: the change is measured from the episode
 * before the window. A window where mu stayed at 0 throughout is not a plateau: the model has not
 * found the answer yet, which is not the same as having stopped making progress towards it.
 */
export function muPlateaued(mus: readonly number[], window: number, delta: number): boolean {
  if (window < 1 || mus.length < window + 1) return false;
  const tail = mus.slice(-(window + 1));
  if (tail.every((m) => m === 0)) return false;
  // A rise of exactly delta is progress; the epsilon keeps 0.3 - 0.25 from counting as less than 0.05.
  return tail[tail.length - 1] - tail[0] < delta - 1e-9;
}
