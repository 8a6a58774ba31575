/** Synthetic μ for views that only draw it (the compare view's tests and benchmark). */
import type { Trace } from '../../src/core/trace';

/** μ after each episode = the share of correct intermediate answers so far (± 0.1), basis gold. */
export function withProgress(t: Trace): Trace {
  let right = 0;
  let seen = 0;
  return {
    ...t,
    episodes: t.episodes.map((e) => {
      if (e.verdict !== 'none') seen++;
      if (e.verdict === 'correct') right++;
      return { ...e, progress: { mu: seen ? right / seen : 0, delta: 0, samples: 8, answers: {}, basis: 'gold' as const, ci: 0.1 } };
    }),
  };
}
