/**
 * Where things sit on the compare view's shared x axis, for either alignment. By index, episode
 * j spans [j, j + 1) and mu after it sits at j + 1 ("episodes completed"); by tokens, an episode
 * spans its running token range and mu sits at its end. Pure: no DOM.
 */
import type { Alignment, ComparedEpisode, ComparedTrace, Divergence } from '../../src/core/compare';

export function episodeSpan(e: ComparedEpisode, position: number, by: Alignment): [number, number] {
  return by === 'index' ? [position, position + 1] : [e.startTokens, e.endTokens];
}

/** x of the point "after this episode". */
export function afterX(e: ComparedEpisode, position: number, by: Alignment): number {
  return by === 'index' ? position + 1 : e.endTokens;
}

/** The end of the shared axis: the longest trace. */
export function axisEnd(traces: readonly ComparedTrace[], by: Alignment): number {
  return Math.max(1, ...traces.map((t) => (by === 'index' ? t.episodes.length : t.episodeTokens)));
}

/** x of the divergence mark: after episode `at` (index) or at token `at`. */
export function divergenceX(d: Divergence | null, by: Alignment): number | null {
  if (!d) return null;
  return by === 'index' ? d.at + 1 : d.at;
}

export interface ChartData {
  xs: number[];
  /** Per trace, aligned on xs: mu, and the interval's ends (null where unknown). */
  mu: (number | null)[][];
  lo: (number | null)[][];
  hi: (number | null)[][];
}

/** Every trace's mu points on the union of their x values (uPlot needs one x array). */
export function chartData(traces: readonly ComparedTrace[], by: Alignment): ChartData {
  const points = traces.map((t) => t.episodes.map((e, i) => ({ x: afterX(e, i, by), e })).filter((p) => p.e.mu !== null));
  const xs = [...new Set(points.flatMap((ps) => ps.map((p) => p.x)))].sort((a, b) => a - b);
  const column = (f: (e: ComparedEpisode) => number | null) =>
    points.map((ps) => {
      const at = new Map(ps.map((p) => [p.x, f(p.e)]));
      return xs.map((x) => at.get(x) ?? null);
    });
  return { xs, mu: column((e) => e.mu), lo: column((e) => e.interval?.[0] ?? null), hi: column((e) => e.interval?.[1] ?? null) };
}

/** The first episode (position) whose intermediate answer is correct, or -1. */
export function firstCorrect(t: ComparedTrace): number {
  return t.episodes.findIndex((e) => e.verdict === 'correct');
}

/**
 * The position of the episode of `t` that spans axis value `x` (the strips' hover), or -1 past
 * its end. By index the column; by tokens a binary search over the running token spans.
 */
export function episodeAt(t: ComparedTrace, x: number, by: Alignment): number {
  const n = t.episodes.length;
  if (n === 0 || x < 0) return -1;
  if (by === 'index') return x < n ? Math.floor(x) : -1;
  if (x >= t.episodes[n - 1].endTokens) return -1;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t.episodes[mid].endTokens <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
