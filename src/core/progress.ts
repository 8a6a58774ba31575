/**
 * Small helpers for MRT progress (mu_j = share of forced answers that are correct after
 * episode j): the Wilson interval (an option of src/core/probe-estimate.ts), answer histograms,
 * the mu curve and the early-stop plateau. The estimates themselves: src/core/probe-estimate.ts
 * and src/core/probe-progress.ts; the probe requests: src/runs/probes.ts.
 */
import type { EpisodeProgress } from './trace';

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
