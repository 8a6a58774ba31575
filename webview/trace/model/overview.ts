/**
 * What the overview map draws (pure: no DOM): every episode as a span of cumulative thinking
 * tokens with its colour key, μ and its interval, the first correct answer, and the budget
 * decisions, plus the text a screen reader hears instead of the canvas.
 */
import type { BudgetDecisionKind, EpisodeLabel, Trace, Verdict } from '../../../src/core/trace';
import { formatTokens } from '../../common/format';
import { muInterval } from '../../../src/core/mu-interval';

export type OverviewColouring = 'label' | 'verdict';

export interface OverviewBlock {
  /** Position in trace.episodes (what the list scrolls to). */
  position: number;
  index: number;
  /** Cumulative thinking tokens where the episode starts and ends. */
  start: number;
  end: number;
  /** The first label (the card's leading chip), null when unlabelled. */
  label: EpisodeLabel | null;
  verdict: Verdict;
  mu: number | null;
  /** 95% interval on μ: the trace's `interval` when present, else μ ± ci, clipped to [0, 1]. */
  interval: [number, number] | null;
}

export interface OverviewModel {
  totalTokens: number;
  blocks: OverviewBlock[];
  /** The first episode whose answer is correct, and where it ends. */
  firstCorrect: { position: number; index: number; atTokens: number } | null;
  decisions: { atTokens: number; kind: BudgetDecisionKind; detail: string }[];
}

// One rule for μ's band in every view (src/core/mu-interval.ts).
export { muInterval };

export function overviewModel(trace: Trace): OverviewModel {
  const blocks: OverviewBlock[] = [];
  let total = 0;
  let firstCorrect: OverviewModel['firstCorrect'] = null;
  trace.episodes.forEach((episode, position) => {
    const start = total;
    total += Math.max(0, episode.tokens || 0);
    blocks.push({
      position,
      index: episode.index,
      start,
      end: total,
      label: episode.labels[0] ?? null,
      verdict: episode.verdict,
      mu: episode.progress ? episode.progress.mu : null,
      interval: muInterval(episode.progress),
    });
    if (!firstCorrect && episode.verdict === 'correct') firstCorrect = { position, index: episode.index, atTokens: total };
  });
  const decisions = (trace.budget?.decisions ?? []).map((d) => ({ atTokens: Math.max(0, Math.min(total, d.atTokens)), kind: d.kind, detail: d.detail }));
  return { totalTokens: total, blocks, firstCorrect, decisions };
}

/** The episode (position) covering a token offset; the last one past the end, -1 when empty. */
export function positionAtTokens(model: OverviewModel, tokens: number): number {
  const blocks = model.blocks;
  if (blocks.length === 0) return -1;
  let lo = 0;
  let hi = blocks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (blocks[mid].end <= tokens) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The map in words (the canvas's description for screen readers). */
export function overviewSummary(model: OverviewModel, colouring: OverviewColouring): string {
  const n = model.blocks.length;
  if (n === 0) return 'No episodes yet.';
  const parts = [`${n} episode${n === 1 ? '' : 's'}, ${formatTokens(model.totalTokens)} thinking tokens, top to bottom; block height is the episode's tokens, colour its ${colouring === 'label' ? 'first label' : 'verdict'}.`];
  const counts = new Map<string, number>();
  for (const b of model.blocks) {
    const key = colouring === 'label' ? (b.label ?? 'unlabelled') : b.verdict === 'none' ? 'no answer' : b.verdict;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  parts.push([...counts].sort((a, b) => b[1] - a[1]).map(([k, c]) => `${k} ${c}`).join(', ') + '.');
  if (model.firstCorrect) {
    const share = model.totalTokens > 0 ? Math.round((model.firstCorrect.atTokens / model.totalTokens) * 100) : 0;
    parts.push(`First correct answer in episode #${model.firstCorrect.index}, at ${formatTokens(model.firstCorrect.atTokens)} tokens (${share}% of the thinking).`);
  } else parts.push('No correct intermediate answer.');
  const probed = model.blocks.filter((b) => b.mu !== null);
  if (probed.length > 0) {
    const first = probed[0].mu!;
    const last = probed[probed.length - 1].mu!;
    const max = Math.max(...probed.map((b) => b.mu!));
    parts.push(`μ (forced-answer accuracy) probed after ${probed.length} episodes: from ${first.toFixed(2)} to ${last.toFixed(2)}, highest ${max.toFixed(2)}.`);
  }
  if (model.decisions.length > 0) {
    parts.push(`${model.decisions.length} budget decision${model.decisions.length === 1 ? '' : 's'}: ${model.decisions.slice(0, 5).map((d) => `${d.kind} at ${formatTokens(d.atTokens)}`).join(', ')}${model.decisions.length > 5 ? ', …' : ''}.`);
  }
  return parts.join(' ');
}
