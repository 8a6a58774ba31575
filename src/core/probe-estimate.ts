/**
 * Estimating mu for one prefix from its probe outcomes, with intervals a researcher can defend
 * (docs/fidelity.md, "Estimation"). Pure.
 *
 * - mu = correct / samples over a fixed K (MRT: K = 8): unbiased.
 * - Its interval: Clopper-Pearson ("exact") by default: the only one of Clopper-Pearson, Wilson and
 *   Jeffreys whose coverage is at least the nominal level for every true p at every K. At K = 8
 *   the 95% Wilson interval covers p = 0.5 only 92.97% of the time (K = 16: 92.32%) and p near
 *   0.978 only 83.7%; Jeffreys dips to 87.9% (p near 0.26). Wilson and Jeffreys stay as options.
 * - delta = mu_j - mu_(j-1), two independent proportions (different prompts, independent samples):
 *   MOVER (Zou & Donner 2008, the generalisation of Newcombe 1998's method 10) built on the
 *   Clopper-Pearson limits by default; `newcombe` is the original on Wilson limits.
 * - Probes without an answer are counted apart (`noAnswer`); they count as not correct in mu.
 * - entropy: Shannon entropy in bits of the answered probes' answer distribution.
 * - An adaptive rule (option): Beta-posterior width; its bias and coverage are printed by
 *   bench/probe-estimate.bench.ts.
 */
import { wilsonInterval } from './progress';

export type IntervalMethod = 'clopper-pearson' | 'wilson' | 'jeffreys';
export const DEFAULT_INTERVAL_METHOD: IntervalMethod = 'clopper-pearson';
export const DEFAULT_LEVEL = 0.95;

export interface ProportionInterval {
  low: number;
  high: number;
  method: IntervalMethod;
  level: number;
}

export type DeltaIntervalMethod = 'mover-clopper-pearson' | 'newcombe';
export const DEFAULT_DELTA_METHOD: DeltaIntervalMethod = 'mover-clopper-pearson';

export interface DeltaInterval {
  low: number;
  high: number;
  method: DeltaIntervalMethod;
  level: number;
}

/* ---------------------------------------------------------------- special functions */

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normal quantile needs 0 < p < 1, got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = 0.02425;
  if (p < tail) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - tail) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** ln Gamma(x) for x > 0 (Lanczos, g = 7, 9 terms; about 15 significant digits). */
function logGamma(x: number): number {
  const g = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let s = g[0];
  for (let i = 1; i < 9; i++) s += g[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    const even = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + even * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + even / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + odd * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + odd / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

/** The regularised incomplete beta function I_x(a, b): the Beta(a, b) distribution function. */
export function betaCdf(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`beta parameters must be > 0, got ${a}, ${b}`);
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The continued fraction converges fast on the side of the mean; use the symmetry on the other.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** The q-quantile of Beta(a, b), by bisection on betaCdf (to 1e-12). */
export function betaQuantile(q: number, a: number, b: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile level must be in [0, 1], got ${q}`);
  if (q === 0) return 0;
  if (q === 1) return 1;
  let lo = 0;
  let hi = 1;
  while (hi - lo > 1e-12) {
    const mid = (lo + hi) / 2;
    if (betaCdf(mid, a, b) < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/* ---------------------------------------------------------------- intervals */

function checkCounts(successes: number, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`sample count must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > n) throw new RangeError(`successes must be an integer in [0, ${n}], got ${successes}`);
}

function checkLevel(level: number): void {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
}

// Probe counts are small (K <= a few dozen) and the simulations ask for the same ones often.
const intervalCache = new Map<string, ProportionInterval>();
const CACHE_MAX_N = 256;

/**
 * A two-sided interval for a binomial proportion. `clopper-pearson`: Beta quantiles of the exact
 * binomial tails (Clopper & Pearson 1934). `jeffreys`: equal-tailed Beta(x + 1/2, n - x + 1/2)
 * quantiles, with 0 at x = 0 and 1 at x = n (Brown, Cai & DasGupta 2001). `wilson`: the score
 * interval. With n = 0 every method gives [0, 1].
 */
export function proportionInterval(
  successes: number,
  n: number,
  opts: { method?: IntervalMethod; level?: number } = {},
): ProportionInterval {
  const method = opts.method ?? DEFAULT_INTERVAL_METHOD;
  const level = opts.level ?? DEFAULT_LEVEL;
  checkCounts(successes, n);
  checkLevel(level);
  const key = `${method}|${level}|${successes}|${n}`;
  const cached = intervalCache.get(key);
  if (cached) return cached;
  const alpha = 1 - level;
  let low: number;
  let high: number;
  if (n === 0) {
    low = 0;
    high = 1;
  } else if (method === 'wilson') {
    ({ low, high } = wilsonInterval(successes, n, normalQuantile(1 - alpha / 2)));
  } else if (method === 'jeffreys') {
    low = successes === 0 ? 0 : betaQuantile(alpha / 2, successes + 0.5, n - successes + 0.5);
    high = successes === n ? 1 : betaQuantile(1 - alpha / 2, successes + 0.5, n - successes + 0.5);
  } else if (method === 'clopper-pearson') {
    low = successes === 0 ? 0 : betaQuantile(alpha / 2, successes, n - successes + 1);
    high = successes === n ? 1 : betaQuantile(1 - alpha / 2, successes + 1, n - successes);
  } else {
    throw new RangeError(`interval method must be "clopper-pearson", "wilson" or "jeffreys", got ${JSON.stringify(method)}`);
  }
  const interval: ProportionInterval = { low, high, method, level };
  if (n <= CACHE_MAX_N) intervalCache.set(key, interval);
  return interval;
}

/**
 * An interval for p1 - p2 of two independent proportions by MOVER: with limits (l1, u1), (l2, u2)
 * of each proportion, d - sqrt((p1 - l1)^2 + (u2 - p2)^2) to d + sqrt((u1 - p1)^2 + (p2 - l2)^2).
 * `newcombe` uses Wilson limits (Newcombe 1998, method 10); the default, Clopper-Pearson limits.
 */
export function differenceInterval(
  successes1: number,
  n1: number,
  successes2: number,
  n2: number,
  opts: { method?: DeltaIntervalMethod; level?: number } = {},
): DeltaInterval {
  const method = opts.method ?? DEFAULT_DELTA_METHOD;
  const level = opts.level ?? DEFAULT_LEVEL;
  if (method !== 'mover-clopper-pearson' && method !== 'newcombe') {
    throw new RangeError(`delta interval method must be "mover-clopper-pearson" or "newcombe", got ${JSON.stringify(method)}`);
  }
  const component: IntervalMethod = method === 'newcombe' ? 'wilson' : 'clopper-pearson';
  const a = proportionInterval(successes1, n1, { method: component, level });
  const b = proportionInterval(successes2, n2, { method: component, level });
  if (n1 === 0 || n2 === 0) return { low: -1, high: 1, method, level };
  const p1 = successes1 / n1;
  const p2 = successes2 / n2;
  const d = p1 - p2;
  const low = d - Math.hypot(p1 - a.low, b.high - p2);
  const high = d + Math.hypot(a.high - p1, p2 - b.low);
  return { low: Math.max(-1, low), high: Math.min(1, high), method, level };
}

/* ---------------------------------------------------------------- one prefix */

/** One probe's outcome: its answer's equivalence-class key (null: no answer) and whether it is correct. */
export interface ProbeOutcome {
  answer: string | null;
  correct: boolean;
}

export interface PrefixEstimate {
  /** correct / samples. */
  mu: number;
  interval: ProportionInterval;
  samples: number;
  correct: number;
  /** Probes that gave no answer (counted as not correct in mu). */
  noAnswer: number;
  /** Histogram of the answered probes' keys (no-answers are in `noAnswer`, not here). */
  answers: Record<string, number>;
  /** Shannon entropy of `answers`, in bits; null when no probe answered. */
  entropy: number | null;
}

/** Shannon entropy in bits of a histogram (plug-in estimate); null for an empty one. */
export function entropyBits(histogram: Readonly<Record<string, number>>): number | null {
  let total = 0;
  for (const c of Object.values(histogram)) total += c;
  if (total === 0) return null;
  let h = 0;
  for (const c of Object.values(histogram)) if (c > 0) h -= (c / total) * Math.log2(c / total);
  // -0 when one answer has everything: report a plain 0.
  return h === 0 ? 0 : h;
}

export function estimatePrefix(outcomes: readonly ProbeOutcome[], opts: { method?: IntervalMethod; level?: number } = {}): PrefixEstimate {
  if (outcomes.length === 0) throw new RangeError('a prefix estimate needs at least one probe outcome');
  const answers: Record<string, number> = {};
  let correct = 0;
  let noAnswer = 0;
  outcomes.forEach((o, i) => {
    if (o.correct && o.answer === null) throw new RangeError(`outcome ${i}: a probe without an answer cannot be correct`);
    if (o.correct) correct++;
    if (o.answer === null) noAnswer++;
    else answers[o.answer] = (answers[o.answer] ?? 0) + 1;
  });
  const samples = outcomes.length;
  return {
    mu: correct / samples,
    interval: proportionInterval(correct, samples, opts),
    samples,
    correct,
    noAnswer,
    answers,
    entropy: entropyBits(answers),
  };
}

/** delta = mu of this prefix - mu of the one before, with its interval. */
export function estimateDelta(
  current: Pick<PrefixEstimate, 'correct' | 'samples'>,
  previous: Pick<PrefixEstimate, 'correct' | 'samples'>,
  opts: { method?: DeltaIntervalMethod; level?: number } = {},
): { delta: number; interval: DeltaInterval } {
  if (current.samples === 0 || previous.samples === 0) throw new RangeError('delta needs samples on both prefixes');
  return {
    delta: current.correct / current.samples - previous.correct / previous.samples,
    interval: differenceInterval(current.correct, current.samples, previous.correct, previous.samples, opts),
  };
}

/* ---------------------------------------------------------------- sampling rules */

/**
 * Adaptive option: after at least `minSamples`, stop once the equal-tailed `level` credible
 * interval of the Beta posterior (Jeffreys prior Beta(1/2, 1/2)) is at most `maxWidth` wide; stop
 * at `maxSamples` regardless. The posterior is the same whatever rule stopped the sampling, so the
 * credible interval stays a correct Bayesian statement; the frequentist bias of correct/samples and
 * the coverage of the reported interval are measured in bench/probe-estimate.bench.ts.
 */
export interface AdaptiveRule {
  minSamples: number;
  maxSamples: number;
  maxWidth: number;
  level: number;
}

export const DEFAULT_ADAPTIVE_RULE: Readonly<AdaptiveRule> = { minSamples: 4, maxSamples: 16, maxWidth: 0.3, level: 0.95 };

export type SamplingPlan = { kind: 'fixed'; k: number } | ({ kind: 'adaptive' } & AdaptiveRule);

export const DEFAULT_SAMPLING_PLAN: SamplingPlan = { kind: 'fixed', k: 8 };

export function posteriorInterval(successes: number, n: number, level = DEFAULT_LEVEL): { low: number; high: number } {
  checkCounts(successes, n);
  checkLevel(level);
  const alpha = 1 - level;
  return { low: betaQuantile(alpha / 2, successes + 0.5, n - successes + 0.5), high: betaQuantile(1 - alpha / 2, successes + 0.5, n - successes + 0.5) };
}

export function checkSamplingPlan(plan: SamplingPlan): void {
  if (plan.kind === 'fixed') {
    if (!Number.isInteger(plan.k) || plan.k < 1) throw new RangeError(`probe samples k must be a positive integer, got ${plan.k}`);
    return;
  }
  if (!Number.isInteger(plan.minSamples) || plan.minSamples < 1) throw new RangeError(`adaptive minSamples must be a positive integer, got ${plan.minSamples}`);
  if (!Number.isInteger(plan.maxSamples) || plan.maxSamples < plan.minSamples) throw new RangeError(`adaptive maxSamples must be an integer >= minSamples (${plan.minSamples}), got ${plan.maxSamples}`);
  if (!(plan.maxWidth > 0 && plan.maxWidth <= 1)) throw new RangeError(`adaptive maxWidth must be in (0, 1], got ${plan.maxWidth}`);
  checkLevel(plan.level);
}

export type SamplingStop = 'k' | 'max' | 'width';

/** Whether a prefix with `correct` of `n` probes is done under the plan, and why. */
export function samplingDone(plan: SamplingPlan, correct: number, n: number): SamplingStop | null {
  checkCounts(correct, n);
  if (plan.kind === 'fixed') return n >= plan.k ? 'k' : null;
  if (n >= plan.maxSamples) return 'max';
  if (n < plan.minSamples) return null;
  const { low, high } = posteriorInterval(correct, n, plan.level);
  return high - low <= plan.maxWidth ? 'width' : null;
}

/** How many more probes to request before the plan can next decide (all at once for fixed K). */
export function nextProbeCount(plan: SamplingPlan, n: number): number {
  if (plan.kind === 'fixed') return Math.max(0, plan.k - n);
  if (n >= plan.maxSamples) return 0;
  return n < plan.minSamples ? plan.minSamples - n : 1;
}
