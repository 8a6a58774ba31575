/**
 * Per-trace summary numbers (token counts, first correct episode) and MRT's regret readouts.
 * Version 2 (probes with their token costs): MRT's normalised token regret exactly as
 * regret.ipynb (src/core/regret.ts, comparator `oracle`, budgets shared by every trace) and
 * cumulative regret over a common episode budget k, one entry per comparator (`oracle`,
 * `majority`). Version 1 numbers (Σ(1 − mu) over the trace's own probed episodes; regret on
 * thinking tokens) are still computed for version-1 progress, so old traces keep their meaning.
 * Pure.
 */
import { cumulativeRegrets, DEFAULT_REGRET_BUDGETS, mrtTokenRegret, type ProbeVote } from './regret';
import { estimateTokens } from './tokens';
import { judgeNamed } from './probe-judge';
import type { CumulativeRegretEntry, Episode, PrefixProbes, ProbeJudgeName, ProbeSettings, RegretAtBudget, TraceMetrics } from './trace';

/**
 * Default common episode budget k for cumulative regret. Every trace is summed over the same k
 * (MRT Definition 4.1 needs one budget); the `oracle` entry holds mu flat past a trace's end,
 * the `majority` entry (regret_additional.ipynb) sums only episodes the trace has, so k should not
 * exceed most traces' episode counts: 8 keeps both comparators on the same episodes for traces of
 * 8 or more episodes, and equals MRT's K = 8 probes per prefix (one unit of comparison per
 * episode). Datasets with longer traces pass --regret-k.
 */
export const DEFAULT_REGRET_K = 8;

/** The majority comparator is computed for prefixes with at most this many probes (exact enumeration). */
export const MAX_MAJORITY_VOTES = 16;

/** One point of the mu-vs-tokens curve: mu after `tokens` thinking tokens. */
export interface ProgressPoint {
  tokens: number;
  mu: number;
}

/**
 * Version 1's cumulative regret (kept for version-1 progress): sum over probed episodes of
 * (1 - mu_j), no shared budget. Episodes without progress are skipped; 0 when none was probed.
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
  /** The trace's probe settings (version 2): prefix 0 and how the probes were made. */
  probes?: ProbeSettings;
  /**
   * Version 2: token budgets C0 for MRT's regret (default DEFAULT_REGRET_BUDGETS). Version-1
   * progress: budgets for the old thinking-token regret (default the trace's own length).
   */
  regretBudgets?: readonly number[];
  /** Version 2: common episode budget for cumulative regret (default DEFAULT_REGRET_K). */
  regretK?: number;
  /** What `correct` meant for the probes: gold, or the trace's final answer (self basis). */
  reference?: string | null;
  /** The trace's format version: version 2 records the token counter. */
  version?: number;
  /** Live-run numbers to carry over (timing, server token counts). */
  carry?: Partial<TraceMetrics>;
}

/** Whether the trace's progress carries version 2's probe costs on prefix 0 and every probed episode. */
export function hasMrtProbes(probes: ProbeSettings | undefined, episodes: readonly Pick<Episode, 'progress'>[]): boolean {
  const costed = (p: PrefixProbes | undefined): boolean => p !== undefined && p.promptTokens !== undefined && p.rolloutTokens !== undefined;
  if (!costed(probes?.prefix0)) return false;
  const probed = episodes.filter((e) => e.progress);
  return probed.length > 0 && probed.every((e) => costed(e.progress));
}

/**
 * The stored histogram as votes for the majority comparator: each key's count, correct when the
 * key is equivalent to the reference by the probes' recorded judge (src/core/probe-judge.ts). Null when that does not reproduce the stored correct count
 * (e.g. no reference), so the comparator is left out rather than guessed.
 */
export function storedVotes(p: PrefixProbes, reference: string | null | undefined, judge?: ProbeJudgeName): ProbeVote[] | null {
  if (reference === null || reference === undefined) return null;
  const same = judgeNamed(judge);
  const votes: ProbeVote[] = [];
  let correct = 0;
  for (const [key, count] of Object.entries(p.answers)) {
    const ok = same(reference, key);
    if (ok) correct += count;
    for (let i = 0; i < count; i++) votes.push({ answer: key, correct: ok });
  }
  for (let i = 0; i < (p.noAnswer ?? 0); i++) votes.push({ answer: null, correct: false });
  if (votes.length !== p.samples || (p.correct !== undefined && correct !== p.correct)) return null;
  return votes;
}

/** Version 2's regret numbers of a trace with costed probes (hasMrtProbes). */
export function mrtRegretMetrics(
  probes: ProbeSettings,
  episodes: readonly Pick<Episode, 'progress'>[],
  opts: { budgets?: readonly number[]; k?: number; reference?: string | null } = {},
): { regret: RegretAtBudget[]; cumulativeRegret: CumulativeRegretEntry[]; probeTokens: number; monotone: boolean } {
  const prefixes: PrefixProbes[] = [probes.prefix0 as PrefixProbes, ...episodes.flatMap((e) => (e.progress ? [e.progress] : []))];
  const budgets = opts.budgets && opts.budgets.length ? opts.budgets : DEFAULT_REGRET_BUDGETS;
  const tokenRegret = mrtTokenRegret(
    prefixes.map((p) => ({ promptTokens: p.promptTokens as number, rolloutTokens: p.rolloutTokens as number, mu: p.mu })),
    budgets,
  );
  // maj@k is exact over every size-k subset (src/core/regret.ts): C(16, 8) = 12,870 draws per
  // prefix; beyond MAX_MAJORITY_VOTES samples the enumeration is too slow and the entry is left out.
  const votes = prefixes.map((p) => (p.samples <= MAX_MAJORITY_VOTES ? storedVotes(p, opts.reference, probes.judge) : null));
  const k = opts.k ?? DEFAULT_REGRET_K;
  const both = cumulativeRegrets(
    prefixes.map((p, j) => ({ mu: p.mu, votes: votes[j] ?? [] })),
    k,
  );
  const cumulativeRegret: CumulativeRegretEntry[] = both.entries.map((e) => ({ comparator: e.comparator, k: e.k, value: e.value, normalized: e.normalized }));
  const probeTokens = probes.tokens ?? prefixes.reduce((n, p) => n + p.samples * (p.promptTokens as number) + (p.rolloutTokens as number), 0);
  return { regret: tokenRegret.regret, cumulativeRegret, probeTokens, monotone: tokenRegret.monotone };
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
  // Thinking and response tokens are our estimate (src/core/tokens.ts) whatever counted the probes.
  if (input.version === 2) metrics.tokenCounter = 'estimate';
  if (input.probes && hasMrtProbes(input.probes, episodes)) {
    const v2 = mrtRegretMetrics(input.probes, episodes, { budgets: input.regretBudgets, k: input.regretK, reference: input.reference });
    metrics.cumulativeRegret = v2.cumulativeRegret;
    metrics.regret = v2.regret;
    metrics.probeTokens = v2.probeTokens;
  } else if (!input.probes && episodes.some((ep) => ep.progress)) {
    // Version-1 progress (no probes block): version 1's numbers, so old traces keep their meaning.
    // A version-2 trace whose probes are not all in yet (live, self basis unsettled) gets none.
    metrics.cumulativeRegret = cumulativeRegret(episodes);
    const budgets = input.regretBudgets && input.regretBudgets.length > 0 ? input.regretBudgets : [Math.max(1, thinkingTokens)];
    metrics.regret = regretAtBudgets(episodes, budgets);
  } else if (carry.cumulativeRegret !== undefined || carry.regret !== undefined) {
    if (carry.cumulativeRegret !== undefined) metrics.cumulativeRegret = carry.cumulativeRegret;
    if (carry.regret !== undefined) metrics.regret = carry.regret;
    if (carry.probeTokens !== undefined) metrics.probeTokens = carry.probeTokens;
  }
  return metrics;
}
