/**
 * MRT's regret, computed the way CMU-AIRe/MRT's released analysis computes it (commit 1815a8c):
 *
 * - token regret (`analysis/code/regret.ipynb`, cells 10 and 14): per trace, points
 *   (x_j, mu_j) for prefix 0 ... full with x_j = prompt tokens of the probe + (summed rollout
 *   tokens of that prefix's probes) / 16; (0, 0) prepended; flat extension to the budget C0 when
 *   every x < C0, else linear interpolation at C0 and truncation; area = trapz / C0;
 *   normalised regret = 1 - area (the comparator J* = 1, named `oracle`).
 * - cumulative regret (paper Definition 4.1) over a common episode budget k, one entry per
 *   comparator: `oracle` (J* = 1) and `majority` (`analysis/code/regret_additional.ipynb`
 *   cells 7, 8 and 10: sequential vs parallel maj@k from the same prefix).
 *
 * Pure. Comparators are never mixed into one number: each result names its comparator.
 */

/** regret.ipynb cell 10: `base_flops + flops / 16` (the rollouts of a prefix number K = 8). */
export const MRT_ROLLOUT_DIVISOR = 16;

/** regret.ipynb cell 14: `for cutoff in [4096, 8192, 12288, 16384]`. */
export const DEFAULT_REGRET_BUDGETS: readonly number[] = [4096, 8192, 12288, 16384];

export type RegretComparator = 'oracle' | 'majority';

/** Which counter gave a curve's prompt tokens. */
export type PromptTokenCounter = 'server' | 'estimate';

/** One probed prefix of a trace, as the regret curve needs it. */
export interface ProbedPrefix {
  /** Tokens of the probe prompt (template + problem + prefix + stop text). */
  promptTokens: number;
  /** Generated tokens summed over the prefix's probe samples. */
  rolloutTokens: number;
  /** Share of the prefix's probes judged correct. */
  mu: number;
}

export interface TokenRegret {
  budget: number;
  /** 1 - (area under mu over the MRT x-axis, cut or extended to the budget) / budget. */
  normalized: number;
  comparator: 'oracle';
}

export interface TokenRegretResult {
  regret: TokenRegret[];
  /** The curve's x values before (0, 0) is prepended. */
  x: number[];
  /** Whether x rises with the prefix. The notebook assumes it does; see mrtCutoffArea. */
  monotone: boolean;
}

function checkFinite(name: string, v: number, min = -Infinity): void {
  if (!Number.isFinite(v) || v < min) throw new RangeError(`${name} must be a finite number >= ${min}, got ${v}`);
}

/** x_j of regret.ipynb cell 10: prompt tokens + rollout tokens / 16. */
export function mrtX(prefix: Pick<ProbedPrefix, 'promptTokens' | 'rolloutTokens'>): number {
  return prefix.promptTokens + prefix.rolloutTokens / MRT_ROLLOUT_DIVISOR;
}

/** numpy.trapz(y, x): the sum of (x[i+1] - x[i]) * (y[i] + y[i+1]) / 2, in the given order. */
export function trapz(y: readonly number[], x: readonly number[]): number {
  if (y.length !== x.length) throw new RangeError(`trapz needs as many y as x, got ${y.length} and ${x.length}`);
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return area;
}

/**
 * The area of regret.ipynb cell 14 for one trace at one cutoff, statement by statement:
 *   y = [0] + pass_at_1; x = [0] + flops
 *   filtered_x = x[x < cutoff]
 *   all below: trapz(y + [y[-1]], x + [cutoff]) / cutoff                     (flat extension)
 *   else: i = len(filtered_x) - 1; y_c = y[i] + (cutoff - x[i]) / (x[i+1] - x[i]) * (y[i+1] - y[i])
 *         trapz(y[:i+1] + [y_c], filtered_x + [cutoff]) / cutoff              (interpolation)
 * On a rising x this is the area under the piecewise-linear curve up to the cutoff. When x falls
 * somewhere (possible: a prefix's 8 rollouts can be long while the next prefix's are short) the
 * notebook's statements are reproduced as they are, not repaired; TokenRegretResult.monotone says so.
 */
export function mrtCutoffArea(xs: readonly number[], ys: readonly number[], cutoff: number): number {
  if (xs.length !== ys.length) throw new RangeError(`as many mu values as x values are needed, got ${ys.length} and ${xs.length}`);
  if (!(cutoff > 0) || !Number.isFinite(cutoff)) throw new RangeError(`budget must be a positive finite number, got ${cutoff}`);
  xs.forEach((v, j) => checkFinite(`x[${j}]`, v, 0));
  ys.forEach((v, j) => checkFinite(`mu[${j}]`, v));
  const y = [0, ...ys];
  const x = [0, ...xs];
  const filtered = x.filter((v) => v < cutoff);
  if (filtered.length === x.length) return trapz([...y, y[y.length - 1]], [...x, cutoff]) / cutoff;
  const i = filtered.length - 1;
  const yAtCutoff = y[i] + ((cutoff - x[i]) / (x[i + 1] - x[i])) * (y[i + 1] - y[i]);
  return trapz([...y.slice(0, i + 1), yAtCutoff], [...filtered, cutoff]) / cutoff;
}

/** Normalised regret of one trace at each budget (oracle comparator, J* = 1). */
export function mrtTokenRegret(prefixes: readonly ProbedPrefix[], budgets: readonly number[] = DEFAULT_REGRET_BUDGETS): TokenRegretResult {
  prefixes.forEach((p, j) => {
    checkFinite(`prefixes[${j}].promptTokens`, p.promptTokens, 0);
    checkFinite(`prefixes[${j}].rolloutTokens`, p.rolloutTokens, 0);
  });
  const x = prefixes.map(mrtX);
  const mu = prefixes.map((p) => p.mu);
  const monotone = x.every((v, j) => j === 0 || v >= x[j - 1]);
  if (prefixes.length === 0) return { regret: [], x, monotone };
  const regret = budgets.map((budget) => ({ budget, normalized: 1 - mrtCutoffArea(x, mu, budget), comparator: 'oracle' as const }));
  return { regret, x, monotone };
}

/**
 * The dataset number of regret.ipynb cell 14: the mean over traces within a problem, then the
 * mean over problems (`all_problems_area += np.mean(areas)` ... `/ 15`), per budget. Traces that
 * lack a budget are left out of that budget's mean.
 */
export function meanTokenRegret(traces: readonly { problem: string; regret: readonly TokenRegret[] }[]): TokenRegret[] {
  const byBudget = new Map<number, Map<string, number[]>>();
  for (const t of traces) {
    for (const r of t.regret) {
      const problems = byBudget.get(r.budget) ?? new Map<string, number[]>();
      byBudget.set(r.budget, problems);
      const list = problems.get(t.problem) ?? [];
      problems.set(t.problem, list);
      list.push(r.normalized);
    }
  }
  return [...byBudget.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([budget, problems]) => {
      const perProblem = [...problems.values()].map(mean);
      return { budget, normalized: mean(perProblem), comparator: 'oracle' as const };
    });
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/* ---------------------------------------------------------------- prompt-token counter */

/** Prompt-token counts of one probed prefix: the server's per sample, and our estimate. */
export interface PrefixPromptCounts {
  /** `prompt_eval_count` of each sample; null/undefined where the server gave none. */
  server: readonly (number | null | undefined)[];
  /** Our estimate of the same prompt's tokens. */
  estimate: number;
}

export interface PromptTokenChoice {
  counter: PromptTokenCounter;
  promptTokens: number[];
  /** Why the estimate was used (null when the server's counts were). */
  reason: string | null;
}

/**
 * A server count below this share of our estimate cannot be the whole prompt: the estimate is off
 * by -8% to +27% against the real tokenizers on the thought-anchors traces (issue 10), so only a
 * count of the newly evaluated tokens (a reused cached prefix) falls this low.
 */
export const MIN_SERVER_SHARE_OF_ESTIMATE = 0.5;

/**
 * Which prompt-token counts a trace's curve uses. The server's (largest over a prefix's samples:
 * later samples of the same prompt reuse its cache) unless some prefix has none, or the counts look
 * like a cache that reported only new tokens: a count that shrinks while the prompt grows (by our
 * estimate), or one far below the estimate. Then the estimate for every prefix, so one curve never
 * mixes counters.
 */
export function choosePromptTokens(prefixes: readonly PrefixPromptCounts[]): PromptTokenChoice {
  const estimate = prefixes.map((p) => p.estimate);
  const fallback = (reason: string): PromptTokenChoice => ({ counter: 'estimate', promptTokens: estimate, reason });
  const server: number[] = [];
  for (let j = 0; j < prefixes.length; j++) {
    const counts = prefixes[j].server.filter((c): c is number => typeof c === 'number' && Number.isFinite(c) && c > 0);
    if (counts.length === 0) return fallback(`the server gave no prompt token count for prefix ${j}`);
    server.push(Math.max(...counts));
  }
  for (let j = 0; j < prefixes.length; j++) {
    if (server[j] < MIN_SERVER_SHARE_OF_ESTIMATE * estimate[j]) {
      return fallback(`prefix ${j}: server counted ${server[j]} prompt tokens, under half our estimate ${estimate[j]} (a reused prompt cache counts only new tokens)`);
    }
    if (j > 0 && estimate[j] > estimate[j - 1] && server[j] < server[j - 1]) {
      return fallback(`prefix ${j}: server count ${server[j]} shrank from ${server[j - 1]} while the prompt grew (a reused prompt cache counts only new tokens)`);
    }
  }
  return { counter: 'server', promptTokens: server, reason: null };
}

/* ---------------------------------------------------------------- cumulative regret */

export interface CumulativeRegret {
  comparator: RegretComparator;
  /** The common episode budget. */
  k: number;
  /** Sum over the budget's episodes of (comparator success - model success), in episode units. */
  value: number;
  /** value / (sum of the comparator's success over the same episodes); null when that sum is 0. */
  normalized: number | null;
  /** Episodes of this trace that entered the sum (fewer than k when the comparator stops at the trace's end). */
  episodesUsed: number;
}

function checkBudget(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`episode budget k must be a positive integer, got ${k}`);
}

/**
 * Definition 4.1 with J* = 1: the sum over j = 0 .. k-1 of (1 - mu_j), mu_j of prefix j (prefix 0
 * = no thinking, the last = the whole thinking). Past the trace's end mu stays at the whole
 * thinking's value (the flat extension regret.ipynb uses on the token axis), so every trace is
 * summed over the same k.
 */
export function oracleCumulativeRegret(mus: readonly number[], k: number): CumulativeRegret {
  checkBudget(k);
  if (mus.length === 0) throw new RangeError('oracle cumulative regret needs mu of at least prefix 0');
  mus.forEach((v, j) => checkFinite(`mu[${j}]`, v));
  let value = 0;
  for (let j = 0; j < k; j++) value += 1 - mus[Math.min(j, mus.length - 1)];
  return { comparator: 'oracle', k, value, normalized: value / k, episodesUsed: k };
}

/** One stored probe answer, as the majority vote needs it. */
export interface ProbeVote {
  /** Equivalence-class key of the answer; null when the probe gave none (`noAnswer`). */
  answer: string | null;
  correct: boolean;
  /**
   * Vote weight. MRT: `2 ** mean_token_logprob` of the rollout (regret_additional.ipynb cell 7,
   * `counts[key] += 2 ** probs`, probs from `calculate_likelihoods`). Default 1 (an unweighted vote).
   */
  weight?: number;
}

function subsetsOfSize(n: number, k: number, visit: (indices: readonly number[]) => void): void {
  const idx: number[] = [];
  const walk = (start: number): void => {
    if (idx.length === k) return visit(idx);
    for (let i = start; i <= n - (k - idx.length); i++) {
      idx.push(i);
      walk(i + 1);
      idx.pop();
    }
  };
  walk(0);
}

/**
 * maj@k as regret_additional.ipynb cell 7 (`compute_maj_at_k`) scores one size-k draw: weights summed
 * per answer; correct answers form one group; a no-answer takes a slot but never competes; 1 when
 * the correct group outweighs every other answer, 0.5 on a tie (unless nothing answered), else 0.
 * The notebook averages 100,000 random draws (`random.sample`); this averages every size-k subset
 * once, the exact expectation those draws estimate.
 */
export function majorityAtK(votes: readonly ProbeVote[], k: number): number {
  if (!Number.isInteger(k) || k < 1 || k > votes.length) throw new RangeError(`maj@k needs 1 <= k <= ${votes.length} votes, got k = ${k}`);
  const weight = votes.map((v, i) => {
    const w = v.weight ?? 1;
    if (!(w > 0) || !Number.isFinite(w)) throw new RangeError(`votes[${i}].weight must be a positive finite number, got ${w}`);
    return w;
  });
  let reward = 0;
  let draws = 0;
  subsetsOfSize(votes.length, k, (indices) => {
    draws++;
    let correct = -Infinity;
    const others = new Map<string, number>();
    for (const i of indices) {
      const v = votes[i];
      if (v.correct) correct = (correct === -Infinity ? 0 : correct) + weight[i];
      else if (v.answer !== null) others.set(v.answer, (others.get(v.answer) ?? 0) + weight[i]);
    }
    let bestOther = -Infinity;
    for (const w of others.values()) bestOther = Math.max(bestOther, w);
    if (correct > bestOther) reward += 1;
    else if (correct === bestOther && correct !== -Infinity) reward += 0.5;
  });
  return reward / draws;
}

/** regret_additional.ipynb cell 8: maj@1 (= correct / total), then maj@2, maj@4, maj@8. */
export const MAJORITY_KS: readonly number[] = [1, 2, 4, 8];

/** [maj@1, maj@2, maj@4, maj@8] of one prefix's votes (needs at least 8 votes, as the notebook). */
export function majorityProfile(votes: readonly ProbeVote[]): number[] {
  if (votes.length < 8) throw new RangeError(`the majority comparator needs at least 8 probe answers per prefix (maj@8), got ${votes.length}`);
  return [votes.filter((v) => v.correct).length / votes.length, ...MAJORITY_KS.slice(1).map((k) => majorityAtK(votes, k))];
}

/** regret_additional.ipynb cell 10: compute axis `lst_x = [1, 2, 4, 6]` within one episode. */
const EPISODE_X = [1, 2, 4, 6];

/**
 * Cumulative regret against the majority comparator, regret_additional.ipynb cell 10
 * (`get_all_areas`) for one trace: for each episode i < min(L, k), on x = 1, 2, 4, 6
 *   green (parallel)   = [maj@1, maj@2, maj@4, (maj@4 + maj@8) / 2] from prefix i
 *   blue (sequential)  = maj@1 of prefix i rising linearly to maj@1 of prefix i+1 at x = 6
 *   optimal            = max(green, blue) at those four points
 * red = trapz(optimal) - trapz(blue), total = trapz(optimal). `normalized` = sum red / sum total (the
 * notebook's per-trace ratio; null where it skips the trace, total = 0). `value` = sum red / 5, the
 * per-episode mean gap (x spans 5 per episode), in the same episode units as the oracle's value.
 * The notebook's "matched compute" is this fixed exchange (one episode = five more forced answers),
 * not measured tokens. No flat extension: a trace shorter than k sums its own L episodes.
 */
export function majorityCumulativeRegret(prefixVotes: readonly (readonly ProbeVote[])[], k: number): CumulativeRegret {
  checkBudget(k);
  const profiles = prefixVotes.map((votes) => majorityProfile(votes));
  const used = Math.min(profiles.length - 1, k);
  let red = 0;
  let total = 0;
  for (let i = 0; i < used; i++) {
    const maj = profiles[i];
    const next = profiles[i + 1][0];
    const green = [maj[0], maj[1], maj[2], (maj[2] + maj[3]) / 2];
    const blue = EPISODE_X.map((x) => maj[0] + ((x - 1) / (6 - 1)) * (next - maj[0]));
    const optimal = green.map((g, j) => Math.max(g, blue[j]));
    red += trapz(optimal, EPISODE_X) - trapz(blue, EPISODE_X);
    total += trapz(optimal, EPISODE_X);
  }
  return { comparator: 'majority', k, value: red / 5, normalized: total === 0 ? null : red / total, episodesUsed: Math.max(0, used) };
}

/**
 * regret_additional.ipynb cell 10's dataset number: the mean of the per-trace ratios over every
 * trace that has one (pooled over traces, not per problem first). Null when none has.
 */
export function meanNormalizedCumulativeRegret(entries: readonly CumulativeRegret[]): { comparator: RegretComparator; k: number; normalized: number | null; traces: number; skipped: number } | null {
  if (entries.length === 0) return null;
  const { comparator, k } = entries[0];
  for (const e of entries) {
    if (e.comparator !== comparator || e.k !== k) throw new RangeError(`cannot average cumulative regret over different comparators or budgets (${comparator}@${k} vs ${e.comparator}@${e.k})`);
  }
  const ratios = entries.map((e) => e.normalized).filter((v): v is number => v !== null);
  return { comparator, k, normalized: ratios.length === 0 ? null : mean(ratios), traces: ratios.length, skipped: entries.length - ratios.length };
}

/** A probed prefix as the cumulative regrets need it: its mu and its stored probe answers. */
export interface PrefixOutcomes {
  mu: number;
  votes: readonly ProbeVote[];
}

export interface CumulativeRegrets {
  /** One entry per comparator that could be computed, `oracle` first; never merged. */
  entries: CumulativeRegret[];
  /** Why a comparator is missing (e.g. fewer than 8 answers on some prefix), keyed by comparator. */
  missing: Partial<Record<RegretComparator, string>>;
}

/**
 * Both comparators of one trace at a common episode budget k, prefixes 0 .. full in order. The
 * majority entry needs maj@8 on every prefix it uses (the notebook's shape); without it the entry
 * is left out and `missing.majority` says why.
 */
export function cumulativeRegrets(prefixes: readonly PrefixOutcomes[], k: number): CumulativeRegrets {
  const entries = [oracleCumulativeRegret(prefixes.map((p) => p.mu), k)];
  const missing: CumulativeRegrets['missing'] = {};
  const short = prefixes.findIndex((p) => p.votes.length < 8);
  if (short >= 0) missing.majority = `prefix ${short} has ${prefixes[short].votes.length} probe answers; maj@8 needs 8`;
  else entries.push(majorityCumulativeRegret(prefixes.map((p) => p.votes), k));
  return { entries, missing };
}
