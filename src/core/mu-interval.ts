/**
 * μ's interval as the views draw it (chart band, overview map, compare strips, summary): the
 * recorded `interval` [low, high] of a version-2 trace (Clopper-Pearson by default, see
 * `probes.interval`), else version 1's μ ± `ci` (Wilson half-width), clipped to [0, 1]; null when
 * the episode has neither. One rule, so every view shows the same band.
 */
import type { EpisodeProgress } from './trace';

export function muInterval<P extends Pick<EpisodeProgress, 'mu' | 'interval' | 'ci'>>(progress: P | undefined): [number, number] | null {
  if (!progress || !Number.isFinite(progress.mu)) return null;
  const recorded: unknown = progress.interval;
  if (Array.isArray(recorded) && recorded.length === 2 && recorded.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    const [a, b] = recorded as [number, number];
    return [Math.max(0, Math.min(a, b)), Math.min(1, Math.max(a, b))];
  }
  if (typeof progress.ci !== 'number' || !Number.isFinite(progress.ci)) return null;
  return [Math.max(0, progress.mu - progress.ci), Math.min(1, progress.mu + progress.ci)];
}
