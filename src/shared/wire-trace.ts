/**
 * The trace as the host posts it in a 'load' message. An episode's text is almost always
 * `thinking.slice(start, end)`, so sending both carried the thinking twice (≈11 MB instead of
 * ≈5.5 MB at 10,000 episodes, all of it structured-cloned into the page before the first card).
 * `packTrace` leaves out every text the page can slice back; `unpackTrace` slices it back and
 * checks the offsets. An episode whose text differs from its slice keeps its text.
 */
import type { Episode, Trace } from '../core/trace';

/** An episode without its text when the text is the thinking between its offsets. */
export type WireEpisode = Omit<Episode, 'text'> & { text?: string };

export type WireTrace = Omit<Trace, 'episodes'> & { episodes: WireEpisode[] };

export function packTrace(trace: Trace): WireTrace {
  const thinking = trace.thinking;
  const episodes = trace.episodes.map((episode): WireEpisode => {
    if (episode.text.length !== episode.end - episode.start || thinking.slice(episode.start, episode.end) !== episode.text) return episode;
    const { text: _sliced, ...rest } = episode;
    return rest;
  });
  return { ...trace, episodes };
}

/**
 * Puts back the texts packTrace left out, in place (the message's own objects: no copy of
 * 10,000 episodes before the first card); throws when an episode has neither a text nor
 * offsets inside the thinking.
 */
export function unpackTrace(wire: WireTrace): Trace {
  const thinking = typeof wire.thinking === 'string' ? wire.thinking : '';
  wire.episodes.forEach((episode, position) => {
    if (typeof episode.text === 'string') return;
    const { start, end } = episode;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > thinking.length) {
      throw new Error(`load: episodes[${position}]: no text, and [start, end) = [${String(start)}, ${String(end)}) is not inside the thinking (${thinking.length} characters)`);
    }
    episode.text = thinking.slice(start, end);
  });
  return wire as Trace;
}
