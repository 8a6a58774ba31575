/**
 * Grading decisions for episodes and final answers, on top of the math-aware equivalence
 * check in ./answers. Results are cached: traces repeat the same intermediate answer many
 * times and a symbolic comparison costs far more than a map lookup.
 */
import { checkEquivalence } from './answers';
import type { Verdict } from './trace';

export interface Equivalence {
  equivalent: boolean;
  reason: string;
}

const CACHE_LIMIT = 4096;
const cache = new Map<string, Equivalence>();

/** checkEquivalence with a bounded memo (oldest entries evicted first). */
export function equivalent(reference: string, candidate: string): Equivalence {
  const key = `${reference}\u0000${candidate}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let result: Equivalence;
  try {
    const r = checkEquivalence(reference, candidate);
    result = { equivalent: r.equivalent, reason: r.reason };
  } catch (err) {
    // A grader failure on odd model text must not sink the trace: count it as not equivalent.
    result = { equivalent: false, reason: `grader error: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, result);
  return result;
}

function hasGold(gold: string | null | undefined): gold is string {
  return typeof gold === 'string' && gold.trim() !== '';
}

/** 'correct'/'incorrect' when the episode states an answer and a gold answer exists, else 'none'. */
export function episodeVerdict(answer: string | undefined, gold: string | null | undefined): Verdict {
  if (answer === undefined || !hasGold(gold)) return 'none';
  return equivalent(gold, answer).equivalent ? 'correct' : 'incorrect';
}

/** Final-answer grade: null when there is no gold answer; a missing answer is incorrect. */
export function gradeFinal(answer: string | null, gold: string | null | undefined): { correct: boolean | null; reason?: string } {
  if (!hasGold(gold)) return { correct: null };
  if (answer === null) return { correct: false, reason: 'no final answer found' };
  const r = equivalent(gold, answer);
  return { correct: r.equivalent, reason: r.reason };
}
