/**
 * Which traces of a dataset a reviewer should look at, in what order, and how far they are
 * (the dataset view's review queue; pure). Criteria:
 * - `incorrect`: the final answer is graded incorrect;
 * - `disagree`: some episode's automatic verdict disagrees with mu's delta (an episode stating
 *   a correct answer while mu fell, or an incorrect one while mu rose);
 * - `uncertain`: some episode's mu interval is wide (95% half-width above `maxHalfWidth`);
 * - `all`.
 * A seeded sample of N (a Fisher-Yates shuffle with a fixed generator, so the same seed gives
 * the same traces on every machine) keeps the order stable; `next` is the first queued trace
 * not yet reviewed, so a reviewer resumes where they left off.
 */

import { muInterval } from '../mu-interval';

/** The criteria a reviewer can choose (besides `all`), in the order the dataset view lists them. */
export const QUEUE_CRITERIA = ['incorrect', 'disagree', 'uncertain'] as const;
export type QueueCriterion = (typeof QUEUE_CRITERIA)[number] | 'all';

export interface QueueTrace {
  id: string;
  final: { correct: boolean | null };
  episodes: readonly { verdict: string; progress?: { mu: number; delta: number; ci?: number; interval?: [number, number] } }[];
}

export interface QueueOptions {
  criteria: readonly QueueCriterion[];
  /** Keep a random sample of this many (after the criteria). */
  sample?: { n: number; seed: number };
  /** `uncertain`: half-width above which mu is uncertain. Default 0.25. */
  maxHalfWidth?: number;
}

export interface ReviewQueue {
  /** Trace ids in review order. */
  ids: string[];
  reviewed: number;
  /** First id not yet reviewed; null when the queue is done. */
  next: string | null;
  /** "37 / 200 reviewed". */
  progress: string;
}

export function matchesCriterion(t: QueueTrace, c: QueueCriterion, maxHalfWidth = 0.25): boolean {
  switch (c) {
    case 'all':
      return true;
    case 'incorrect':
      return t.final.correct === false;
    case 'disagree':
      return t.episodes.some((e) => e.progress !== undefined && ((e.verdict === 'correct' && e.progress.delta < 0) || (e.verdict === 'incorrect' && e.progress.delta > 0)));
    case 'uncertain':
      // Half the width of μ's interval as every view draws it (muInterval: version 2's `interval`,
      // else version 1's μ ± ci, clipped to [0, 1]), so a queued trace's band looks as wide as said.
      return t.episodes.some((e) => {
        const band = muInterval(e.progress);
        return band !== null && (band[1] - band[0]) / 2 > maxHalfWidth;
      });
  }
}

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const r = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export function buildReviewQueue(traces: readonly QueueTrace[], reviewed: ReadonlySet<string>, opts: QueueOptions): ReviewQueue {
  const criteria = opts.criteria.length ? opts.criteria : (['all'] as const);
  let ids = traces.filter((t) => criteria.some((c) => matchesCriterion(t, c, opts.maxHalfWidth))).map((t) => t.id);
  if (opts.sample) ids = shuffled(ids, opts.sample.seed).slice(0, opts.sample.n);
  const done = ids.filter((id) => reviewed.has(id)).length;
  return { ids, reviewed: done, next: ids.find((id) => !reviewed.has(id)) ?? null, progress: `${done} / ${ids.length} reviewed` };
}
