/**
 * Per-trace summary numbers (token counts, first correct episode) and the MRT progress
 * readouts used by live runs: cumulative regret and token-normalised regret
 * (notes/algorithms.md §1.5). Pure.
 */
import { estimateTokens } from './tokens';
import type { Episode, RegretAtBudget, TraceMetrics } from './trace';

/** One point of the mu-vs-tokens curve: mu after `tokens` thinking tokens. */
export interface ProgressPoint {
  tokens: number;
  mu: number;
}

/**
 * MRT cumulative regret with the comparator J* = 1: sum over probed episodes of (1 - mu_j).
 * Episodes without progress are skipped; 0 when none was probed.
 */
export function cumulativeRegret(episodes: readonly Pick<Episode, 'progress'>[]): number {
  let sum = 0;
  for (const ep of episodes) if (ep.progress) sum += 1 - ep.progress.mu;
  return sum;
}

/**
 * MRT's token-normalised regret at a budget C: 1 - (area under mu over tokens)/C, with (0, 0)
 * prepended; if every point lies before C the last mu is extended flat to C, otherwise mu is
 * linearly interpolated at C and the curve truncated there (regret.ipynb, np.trapz).
 */
export function normalizedRegret(points: readonly ProgressPoint[], budget: number): number {
  if (!(budget > 0) || !Number.isFinite(budget)) throw new RangeError(`budget must be a positive finite number, got ${budget}`);
  for (const p of points) {
    if (!Number.isFinite(p.tokens) || p.tokens < 0) throw new RangeError(`point tokens must be finite and >= 0, got ${p.tokens}`);
    if (!Number.isFinite(p.mu)) throw new RangeError(`point mu must be finite, got ${p.mu}`);
  }
  const curve: ProgressPoint[] = [{ tokens: 0, mu: 0 }, ...[...points].sort((a, b) => a.tokens - b.tokens)];
  let area = 0;
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1];
    const b = curve[i];
    if (b.tokens >= budget) {
      // Interpolate mu at the budget and stop: nothing past the budget counts.
      const width = b.tokens - a.tokens;
      const muAtBudget = width === 0 ? b.mu : a.mu + ((b.mu - a.mu) * (budget - a.tokens)) / width;
      area += ((a.mu + muAtBudget) / 2) * (budget - a.tokens);
      return 1 - area / budget;
    }
    area += ((a.mu + b.mu) / 2) * (b.tokens - a.tokens);
  }
  const last = curve[curve.length - 1];
  area += last.mu * (budget - last.tokens);
  return 1 - area / budget;
}

/** mu after each probed episode, at the cumulative episode tokens up to its end. */
export function progressPoints(episodes: readonly Pick<Episode, 'tokens' | 'progress'>[]): ProgressPoint[] {
  const points: ProgressPoint[] = [];
  let tokens = 0;
  for (const ep of episodes) {
    tokens += ep.tokens;
    if (ep.progress) points.push({ tokens, mu: ep.progress.mu });
  }
  return points;
}

export function regretAtBudgets(episodes: readonly Pick<Episode, 'tokens' | 'progress'>[], budgets: readonly number[]): RegretAtBudget[] {
  const points = progressPoints(episodes);
  if (points.length === 0) return [];
  return budgets.filter((b) => b > 0 && Number.isFinite(b)).map((budget) => ({ budget, normalized: normalizedRegret(points, budget) }));
}

export function firstCorrectEpisode(episodes: readonly Pick<Episode, 'verdict'>[]): number | null {
  const i = episodes.findIndex((ep) => ep.verdict === 'correct');
  return i < 0 ? null : i;
}

/** Thinking tokens in the episodes after episode `index` (episodes cover the thinking). */
export function tokensAfter(episodes: readonly Pick<Episode, 'tokens'>[], index: number): number {
  let sum = 0;
  for (let i = index + 1; i < episodes.length; i++) sum += episodes[i].tokens;
  return sum;
}

export interface MetricsInput {
  thinking: string;
  response: string;
  episodes: readonly Episode[];
  /** Budgets at which to report normalised regret (only when some episode has progress). */
  regretBudgets?: readonly number[];
  /** Live-run numbers to carry over (timing, server token counts). */
  carry?: Partial<TraceMetrics>;
}

export function computeMetrics(input: MetricsInput): TraceMetrics {
  const { thinking, response, episodes } = input;
  const thinkingTokens = estimateTokens(thinking);
  const first = firstCorrectEpisode(episodes);
  const metrics: TraceMetrics = {
    thinkingTokens,
    responseTokens: estimateTokens(response),
    episodes: episodes.length,
    firstCorrectEpisode: first,
    tokensAfterFirstCorrect: first === null ? null : tokensAfter(episodes, first),
  };
  const carry = input.carry ?? {};
  for (const key of ['durationMs', 'promptTokens', 'evalTokens', 'tokensPerSecond'] as const) {
    if (carry[key] !== undefined) metrics[key] = carry[key];
  }
  if (episodes.some((ep) => ep.progress)) {
    metrics.cumulativeRegret = cumulativeRegret(episodes);
    const budgets = input.regretBudgets && input.regretBudgets.length > 0 ? input.regretBudgets : [Math.max(1, thinkingTokens)];
    metrics.regret = regretAtBudgets(episodes, budgets);
  } else if (carry.cumulativeRegret !== undefined || carry.regret !== undefined) {
    if (carry.cumulativeRegret !== undefined) metrics.cumulativeRegret = carry.cumulativeRegret;
    if (carry.regret !== undefined) metrics.regret = carry.regret;
  }
  return metrics;
}
