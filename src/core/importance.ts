/**
 * Counterfactual importance of episodes, as Thought Anchors defines it for sentence chunks
 * (interp-reasoning/thought-anchors @ 2a15f77; docs/importance.md maps every definition to its
 * file and line). Pure: given the rollouts resampled from each prefix, with an answer and a
 * similarity flag each, compute the importance values with bootstrap intervals, and decide
 * which prefixes still need samples (adaptive allocation).
 *
 * Notation: sets[j] (j = 0..n) holds the rollouts resampled from the prefix that keeps episodes
 * 0..j-1, i.e. episode j removed and written again by the model. For episode i, "without i" is
 * sets[i] and "with i" is sets[i+1] (TA: chunk_info[chunk_idx] and chunk_info[next_chunk_idx],
 * analyze_rollouts.py:407-416). sets[n] (the whole thinking kept) gives the last episode a
 * "with" set; TA has no next chunk there and returns 0 (analyze_rollouts.py:407-409).
 */

/** One resampled continuation. */
export interface Rollout {
  /** Normalised final answer (answerKey); null when no answer was read (TA drops those, analyze_rollouts.py:927). */
  answer: string | null;
  /** Whether the answer is correct (against gold, else the trace's own final answer); null when unknown. */
  correct: boolean | null;
  /**
   * Whether the first episode the model wrote (its replacement of the removed episode) is
   * similar to the removed one: embedding cosine >= threshold (TA analyze_rollouts.py:427-438).
   * null when it could not be embedded (TA skips such rollouts, analyze_rollouts.py:427).
   */
  similar: boolean | null;
}

/** TA's smoothing constant when laplace_smooth is off (the default): analyze_rollouts.py:770. */
export const TA_ALPHA = 1e-9;
/** TA's rollouts per chunk: generate_rollouts.py:33 (--num_rollouts 100). */
export const TA_ROLLOUTS_PER_CHUNK = 100;
/** TA's similarity threshold for all-MiniLM-L6-v2 on sentence chunks: analyze_rollouts.py:64. */
export const TA_SIMILARITY_THRESHOLD = 0.8;
export const TA_EMBEDDING_MODEL = 'all-MiniLM-L6-v2';

export type ImportanceMeasure =
  /** TA calculate_counterfactual_importance_kl (analyze_rollouts.py:388-506). */
  | 'counterfactual-kl'
  /** TA calculate_resampling_importance_kl (analyze_rollouts.py:539-593). */
  | 'resampling-kl'
  /** TA calculate_counterfactual_importance_accuracy (analyze_rollouts.py:305-386). */
  | 'counterfactual-accuracy'
  /** TA calculate_resampling_importance_accuracy (analyze_rollouts.py:508-537). */
  | 'resampling-accuracy';

function answered(rollouts: readonly Rollout[]): Rollout[] {
  return rollouts.filter((r) => r.answer !== null && r.answer !== '');
}

function counts(rollouts: readonly Rollout[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rollouts) if (r.answer !== null && r.answer !== '') m.set(r.answer, (m.get(r.answer) ?? 0) + 1);
  return m;
}

/**
 * KL(P || Q) between two answer distributions, TA's calculate_kl_divergence with
 * use_prob_true False (its CLI default: `-pt` is store_false with default False,
 * analyze_rollouts.py:68): counts + alpha over the union of answers, in nats, floored at 0;
 * 0 when either side has no answer (analyze_rollouts.py:707-787, answer branch 736-787).
 */
export function answerKl(p: readonly Rollout[], q: readonly Rollout[], alpha = TA_ALPHA): number {
  const c1 = counts(p);
  const c2 = counts(q);
  if (c1.size === 0 || c2.size === 0) return 0;
  const all = new Set([...c1.keys(), ...c2.keys()]);
  const v = all.size;
  let t1 = 0;
  let t2 = 0;
  for (const n of c1.values()) t1 += n;
  for (const n of c2.values()) t2 += n;
  let kl = 0;
  for (const a of all) {
    const pa = ((c1.get(a) ?? 0) + alpha) / (t1 + alpha * v);
    const qa = ((c2.get(a) ?? 0) + alpha) / (t2 + alpha * v);
    kl += pa * Math.log(pa / qa);
  }
  return Math.max(0, kl);
}

/** Share correct among rollouts with an answer and a known verdict (TA analyze_rollouts.py:908-910). */
export function accuracy(rollouts: readonly Rollout[]): number {
  const known = answered(rollouts).filter((r) => r.correct !== null);
  return known.length === 0 ? 0 : known.filter((r) => r.correct === true).length / known.length;
}

/** The value of `measure` for one episode from its without/with sets. */
export function importanceValue(measure: ImportanceMeasure, without: readonly Rollout[], withIt: readonly Rollout[]): number {
  const w = answered(without);
  const next = answered(withIt);
  switch (measure) {
    case 'resampling-kl':
      // TA: KL(chunk_i's solutions || chunk_{i+1}'s solutions), analyze_rollouts.py:593.
      return answerKl(w, next);
    case 'resampling-accuracy':
      // TA: next accuracy - current accuracy, analyze_rollouts.py:533.
      return w.length === 0 || next.length === 0 ? 0 : accuracy(next) - accuracy(w);
    case 'counterfactual-kl': {
      const dissimilar = w.filter((r) => r.similar === false);
      const similar = w.filter((r) => r.similar === true);
      if (dissimilar.length === 0 || next.length === 0) return 0; // analyze_rollouts.py:441-442
      // KL(dissimilar || next + similar): use_similar_chunks defaults True, analyze_rollouts.py:504.
      return answerKl(dissimilar, [...next, ...similar]);
    }
    case 'counterfactual-accuracy': {
      const dissimilar = w.filter((r) => r.similar === false);
      if (dissimilar.length === 0 || next.length === 0) return 0; // analyze_rollouts.py:369-370
      // TA's sign: dissimilar accuracy - next accuracy, analyze_rollouts.py:383.
      return accuracy(dissimilar) - accuracy(next);
    }
  }
}

/** Small seeded generator (mulberry32) so intervals are reproducible. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function resample<T>(xs: readonly T[], r: () => number): T[] {
  const out = new Array<T>(xs.length);
  for (let k = 0; k < xs.length; k++) out[k] = xs[Math.floor(r() * xs.length)];
  return out;
}

export interface ImportanceEstimate {
  value: number;
  /** 95% percentile bootstrap interval: both sets resampled with replacement, `bootstrap` times. */
  interval: [number, number];
  /** Rollouts resampled without this episode (its own prefix). */
  samples: number;
  /** Of those, replacements similar to the episode (counterfactual measures filter them). */
  similar: number;
}

export const DEFAULT_BOOTSTRAP = 400;

export function estimateImportance(
  measure: ImportanceMeasure,
  without: readonly Rollout[],
  withIt: readonly Rollout[],
  opts: { bootstrap?: number; seed?: number } = {},
): ImportanceEstimate {
  const value = importanceValue(measure, without, withIt);
  const b = opts.bootstrap ?? DEFAULT_BOOTSTRAP;
  const r = generator(opts.seed ?? 1);
  const draws: number[] = [];
  if (without.length > 0 && withIt.length > 0) {
    for (let k = 0; k < b; k++) draws.push(importanceValue(measure, resample(without, r), resample(withIt, r)));
  }
  draws.sort((x, y) => x - y);
  const at = (q: number): number => (draws.length === 0 ? value : draws[Math.min(draws.length - 1, Math.max(0, Math.floor(q * draws.length)))]);
  return {
    value,
    interval: [Math.min(at(0.025), value), Math.max(at(0.975), value)],
    samples: without.length,
    similar: without.filter((x) => x.similar === true).length,
  };
}

/** Estimates for every episode i = 0..sets.length-2. */
export function estimateAll(measure: ImportanceMeasure, sets: readonly (readonly Rollout[])[], opts: { bootstrap?: number; seed?: number } = {}): ImportanceEstimate[] {
  const out: ImportanceEstimate[] = [];
  for (let i = 0; i + 1 < sets.length; i++) out.push(estimateImportance(measure, sets[i], sets[i + 1], { ...opts, seed: (opts.seed ?? 1) + i * 7919 }));
  return out;
}

/**
 * Adaptive allocation: sample every prefix in rounds; an episode is settled once
 * - 'small': its interval lies wholly below `small`, or it is outside the current top `topK`
 *   and its interval lies wholly below the interval of every top-`topK` episode (it cannot
 *   enter the top), or
 * - 'ranked': it is in the current top `topK`, its interval lies wholly above `small`, and it
 *   overlaps no other episode that is not settled small (its place in the ranking is fixed), or
 * - 'large': its interval lies wholly above `large` (clearly an anchor; its order among other
 *   clearly large episodes rests on the point values), or
 * - 'cap': both its sets reached `maxSamples` (TA's 100 by default).
 * Never while an answer of P is missing from Q (supportGap, below the cap): the KL term then
 * rests on TA's 1e-9 smoothing and swings by ~20 nats times that answer's share.
 * A prefix gets another round while an episode that uses it ("without" or "with") is unsettled.
 */
export interface AdaptivePlan {
  /** Rollouts added to an active prefix per round. */
  round: number;
  /** No decision before each set has this many. */
  minSamples: number;
  /** Cap per prefix (TA's fixed count by default). */
  maxSamples: number;
  /** Below this an episode is unimportant (in the measure's unit: nats for KL). */
  small: number;
  /** Above this an episode is clearly important. */
  large: number;
  /** How many top episodes must be ranked. */
  topK: number;
}

export const DEFAULT_ADAPTIVE_PLAN: AdaptivePlan = { round: 10, minSamples: 20, maxSamples: TA_ROLLOUTS_PER_CHUNK, small: 0.1, large: 0.3, topK: 3 };

export type Settlement = 'small' | 'ranked' | 'large' | 'cap' | null;

/**
 * An answer of the KL's first distribution P that the second, Q, never shows (KL measures
 * only): its term p·ln(p / (1e-9/|Q|)) is ~20 nats × p and rests on the smoothing constant. An
 * answer only Q shows adds ~0, so that direction does not count.
 */
export function supportGap(measure: ImportanceMeasure, without: readonly Rollout[], withIt: readonly Rollout[]): boolean {
  if (!measure.endsWith('-kl')) return false;
  const w = answered(without);
  const p = measure === 'counterfactual-kl' ? w.filter((r) => r.similar === false) : w;
  const q = measure === 'counterfactual-kl' ? [...answered(withIt), ...w.filter((r) => r.similar === true)] : answered(withIt);
  const inQ = counts(q);
  return inQ.size > 0 && [...counts(p).keys()].some((k) => !inQ.has(k));
}

/** Settlement of every episode given all sets and their estimates. */
export function settlements(measure: ImportanceMeasure, sets: readonly (readonly Rollout[])[], estimates: readonly ImportanceEstimate[], plan: AdaptivePlan): Settlement[] {
  const top = new Set(rankEpisodes(estimates).slice(0, plan.topK));
  const topFloor = Math.min(...[...top].map((i) => estimates[i].interval[0]));
  const ready = estimates.map((_, i) => {
    const without = sets[i];
    const withIt = sets[i + 1];
    return without.length >= plan.minSamples && withIt.length >= plan.minSamples && !supportGap(measure, without, withIt);
  });
  const out = estimates.map((e, i) => ready[i] && (e.interval[1] < plan.small || (!top.has(i) && e.interval[1] < topFloor)));
  return estimates.map((e, i) => {
    if (sets[i].length >= plan.maxSamples && sets[i + 1].length >= plan.maxSamples) return 'cap';
    if (!ready[i]) return null;
    if (out[i]) return 'small';
    if (e.interval[0] > plan.large) return 'large';
    if (!top.has(i) || e.interval[0] < plan.small) return null;
    const overlaps = estimates.some((o, k) => k !== i && !out[k] && o.interval[0] <= e.interval[1] && e.interval[0] <= o.interval[1]);
    return overlaps ? null : 'ranked';
  });
}

/** Prefixes j (0..n) that need another round. */
export function prefixesToSample(measure: ImportanceMeasure, sets: readonly (readonly Rollout[])[], estimates: readonly ImportanceEstimate[], plan: AdaptivePlan): number[] {
  const n = sets.length - 1;
  const open = settlements(measure, sets, estimates, plan).map((s) => s === null);
  const out: number[] = [];
  for (let j = 0; j <= n; j++) {
    if (sets[j].length >= plan.maxSamples) continue;
    if ((j < n && open[j]) || (j > 0 && open[j - 1])) out.push(j);
  }
  return out;
}

/** Episode indices by importance, highest first (ties: earlier first). */
export function rankEpisodes(estimates: readonly ImportanceEstimate[]): number[] {
  return estimates.map((e, i) => ({ v: e.value, i })).sort((a, b) => b.v - a.v || a.i - b.i).map((x) => x.i);
}

export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let k = 0; k < Math.min(a.length, b.length); k++) {
    dot += a[k] * b[k];
    na += a[k] * a[k];
    nb += b[k] * b[k];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/**
 * The method's name. TA's recipe is sentence chunks + all-MiniLM-L6-v2 + cosine 0.8; anything
 * else (our episodes, another embedding model or threshold) is a variant named by what differs.
 */
export function methodName(measure: ImportanceMeasure, segmentation: string, embedModel: string | null, threshold: number): string {
  const ta = segmentation === 'sentence' && embedModel !== null && /^all-minilm(:l6)?(-v2)?(:latest)?$/i.test(embedModel) && threshold === TA_SIMILARITY_THRESHOLD;
  if (ta) return `ta-${measure}`;
  const filter = measure.startsWith('counterfactual') ? `/cos>=${threshold}@${embedModel ?? 'none'}` : '';
  return `episode-${measure}[${segmentation}${filter}]`;
}
