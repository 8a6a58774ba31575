/**
 * Numbers the view derives from a trace: where the first correct answer appeared, how many
 * thinking tokens came after it, regret, and the mu-vs-tokens series for the chart.
 * The trace's own metrics win when present (they were computed by core with exact counts);
 * otherwise the values are derived from the episodes, so partial live traces still show them.
 */
import type { Trace } from '../../../src/core/trace';
import { muInterval } from './overview';

export interface TraceSummary {
  thinkingTokens: number;
  responseTokens: number;
  episodes: number;
  firstCorrectEpisode: number | null;
  /** Thinking tokens at the end of the first correct episode. */
  firstCorrectAtTokens: number | null;
  tokensAfterFirstCorrect: number | null;
  /** tokensAfterFirstCorrect / thinkingTokens, in [0, 1]. */
  wastedShare: number | null;
  cumulativeRegret: number | null;
  probedEpisodes: number;
  /** Basis of the probes ('gold' or 'self'); null when nothing was probed. */
  basis: 'gold' | 'self' | null;
  budgetTokens: number | null;
}

export interface ChartSeries {
  /** Cumulative thinking tokens at the end of each episode. */
  tokens: number[];
  /** mu after each episode, null where not probed. */
  mu: (number | null)[];
  /** μ's interval [low, high] (version 2 `interval`, or version 1's μ ± ci), null where unknown. */
  band: ([number, number] | null)[];
  /** Entropy of the forced answers in bits (version 2), null where unknown. */
  entropy: (number | null)[];
  /** Cumulative tokens where each episode starts (boundaries). */
  starts: number[];
}

export function episodeEndTokens(trace: Trace): number[] {
  const ends: number[] = [];
  let total = 0;
  for (const episode of trace.episodes) {
    total += Math.max(0, episode.tokens || 0);
    ends.push(total);
  }
  return ends;
}

export function summarize(trace: Trace): TraceSummary {
  const ends = episodeEndTokens(trace);
  const summedTokens = ends.length ? ends[ends.length - 1] : 0;
  const thinkingTokens = Math.max(trace.metrics?.thinkingTokens ?? 0, summedTokens);
  let first: number | null = trace.metrics?.firstCorrectEpisode ?? null;
  if (first === null) {
    const found = trace.episodes.find((e) => e.verdict === 'correct');
    first = found ? found.index : null;
  }
  const position = first === null ? -1 : trace.episodes.findIndex((e) => e.index === first);
  const firstCorrectAtTokens = position >= 0 ? ends[position] : null;
  let after: number | null = trace.metrics?.tokensAfterFirstCorrect ?? null;
  if (after === null && firstCorrectAtTokens !== null) after = Math.max(0, summedTokens - firstCorrectAtTokens);

  let regret = 0;
  let probed = 0;
  let basis: 'gold' | 'self' | null = null;
  for (const episode of trace.episodes) {
    if (!episode.progress) continue;
    probed++;
    regret += 1 - episode.progress.mu;
    basis ??= episode.progress.basis;
  }
  return {
    thinkingTokens,
    responseTokens: trace.metrics?.responseTokens ?? 0,
    episodes: trace.episodes.length,
    firstCorrectEpisode: first,
    firstCorrectAtTokens,
    tokensAfterFirstCorrect: after,
    wastedShare: after !== null && thinkingTokens > 0 ? Math.min(1, after / thinkingTokens) : null,
    // Version 1's quantity (sum of 1 − μ over own probed episodes); a version-2 trace stores MRT's per comparator instead.
    cumulativeRegret: typeof trace.metrics?.cumulativeRegret === 'number' ? trace.metrics.cumulativeRegret : probed > 0 && !trace.probes && !Array.isArray(trace.metrics?.cumulativeRegret) ? regret : null,
    probedEpisodes: probed,
    basis,
    budgetTokens: trace.budget?.policy.maxThinkingTokens ?? null,
  };
}

export function chartSeries(trace: Trace): ChartSeries {
  const tokens = episodeEndTokens(trace);
  const starts = tokens.map((end, i) => end - Math.max(0, trace.episodes[i].tokens || 0));
  return {
    tokens,
    mu: trace.episodes.map((e) => (e.progress ? e.progress.mu : null)),
    band: trace.episodes.map((e) => muInterval(e.progress)),
    entropy: trace.episodes.map((e) => (typeof e.progress?.entropy === 'number' ? e.progress.entropy : null)),
    starts,
  };
}

export { formatDuration, formatTokens } from '../../common/format';
