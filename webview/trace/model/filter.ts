/**
 * Which episodes are visible (label/verdict filters) and where the search query matches
 * (pure, case-insensitive, plain substring: the query is never treated as a pattern).
 */
import type { Episode, EpisodeLabel, Verdict } from '../../../src/core/trace';
import type { ViewFilters } from '../../../src/shared/protocol';

export const ALL_LABELS: readonly EpisodeLabel[] = ['planning', 'computation', 'verification', 'backtracking', 'alternative', 'answer'];
export const ALL_VERDICTS: readonly Verdict[] = ['correct', 'incorrect', 'none'];

export function emptyFilters(): ViewFilters {
  return { labels: [], verdicts: [], query: '' };
}

export function passesFilters(episode: Episode, filters: ViewFilters): boolean {
  if (filters.labels.length > 0 && !episode.labels.some((l) => filters.labels.includes(l))) return false;
  if (filters.verdicts.length > 0 && !filters.verdicts.includes(episode.verdict)) return false;
  return true;
}

/** [start, end) ranges of every non-overlapping occurrence of `query` in `text`. */
export function findMatches(text: string, query: string, limit = 10_000): [number, number][] {
  const out: [number, number][] = [];
  if (query === '') return out;
  const hay = text.toLowerCase();
  const needle = query.toLowerCase();
  // toLowerCase can change length for a few characters (e.g. "İ"); fall back to exact case then.
  const sameLength = hay.length === text.length && needle.length === query.length;
  const h = sameLength ? hay : text;
  const n = sameLength ? needle : query;
  let at = h.indexOf(n);
  while (at >= 0 && out.length < limit) {
    out.push([at, at + n.length]);
    at = h.indexOf(n, at + n.length);
  }
  return out;
}

export interface SearchHit {
  /** Position of the episode in trace.episodes. */
  position: number;
  /** Which match inside that episode (0-based). */
  occurrence: number;
}

/** All hits in visible episodes, in reading order, for n/N stepping. */
export function searchHits(episodes: readonly Episode[], filters: ViewFilters, limit = 10_000): SearchHit[] {
  const hits: SearchHit[] = [];
  if (filters.query === '') return hits;
  for (let position = 0; position < episodes.length && hits.length < limit; position++) {
    const episode = episodes[position];
    if (!passesFilters(episode, filters)) continue;
    const count = findMatches(episode.text, filters.query, limit - hits.length).length;
    for (let occurrence = 0; occurrence < count; occurrence++) hits.push({ position, occurrence });
  }
  return hits;
}
