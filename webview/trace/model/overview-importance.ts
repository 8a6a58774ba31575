/**
 * Counterfactual importance for the overview map (pure: no DOM). Values of different methods
 * are not on one scale, so the map shows one method: the one most episodes were measured by.
 * Each measured episode's bar is its value as a share of the largest; the top anchors are the
 * three largest values above zero (the same rule as the cards' "anchor N" marks).
 */
import type { Episode, Trace } from '../../../src/core/trace';

export const TOP_ANCHORS = 3;

export interface ImportanceBar {
  /** Position in trace.episodes. */
  position: number;
  index: number;
  value: number;
  /** max(0, value) / the largest value: the bar's length. */
  share: number;
  /** 1 for the largest value, up to TOP_ANCHORS; null otherwise. */
  anchor: number | null;
}

export interface OverviewImportance {
  method: string;
  /** What the value is, in words (from the method's measure). */
  definition: string;
  /** The unit of the value ("nats", or "" for a difference of accuracies). */
  unit: string;
  max: number;
  bars: ImportanceBar[];
  /** Episodes measured by another method (not drawn). */
  otherMethods: number;
  /** Episodes with no importance value. */
  unmeasured: number;
}

/** The measure inside a method name: "ta-counterfactual-kl", "episode-counterfactual-kl[auto/cos>=0.8@all-minilm]". */
function measureOf(method: string): string {
  return method.replace(/^(ta|episode)-/, '').replace(/\[.*$/, '');
}

const DEFINITIONS: Record<string, { definition: string; unit: string }> = {
  'counterfactual-kl': { definition: 'counterfactual importance: KL divergence of the final answers resampled without the episode (replacements unlike it) from those with it', unit: 'nats' },
  'resampling-kl': { definition: 'resampling importance: KL divergence of the final answers resampled from before the episode from those resampled after it', unit: 'nats' },
  'counterfactual-accuracy': { definition: 'counterfactual importance: accuracy of the rollouts without the episode (replacements unlike it) minus accuracy with it', unit: '' },
  'resampling-accuracy': { definition: 'resampling importance: accuracy of the rollouts resampled after the episode minus before it', unit: '' },
};

/** Short names of the measures for the map's legend (the full definition is in its title and description). */
export const MEASURE_SHORT: Record<string, string> = {
  'counterfactual-kl': 'counterfactual KL',
  'resampling-kl': 'resampling KL',
  'counterfactual-accuracy': 'counterfactual Δ accuracy',
  'resampling-accuracy': 'resampling Δ accuracy',
};

export function shortMeasure(method: string): string {
  return MEASURE_SHORT[measureOf(method)] ?? method;
}

/** Whether the method is Thought Anchors' own recipe (sentence chunks, all-MiniLM, cosine 0.8) or a named variant. */
export function recipeOf(method: string): 'TA recipe' | 'variant' {
  return method.startsWith('ta-') ? 'TA recipe' : 'variant';
}

function measured(e: Episode): boolean {
  return !!e.importance && typeof e.importance.method === 'string' && Number.isFinite(e.importance.value);
}

/** The top anchors of a set of episodes: the largest values above zero, largest first. */
export function topAnchors<T extends { value: number }>(items: readonly T[]): T[] {
  return items.filter((x) => x.value > 0).sort((a, b) => b.value - a.value).slice(0, TOP_ANCHORS);
}

/** The map's importance strip, or null when no episode of the trace was measured. */
export function overviewImportance(trace: Trace): OverviewImportance | null {
  const byMethod = new Map<string, number>();
  for (const e of trace.episodes) if (measured(e)) byMethod.set(e.importance!.method, (byMethod.get(e.importance!.method) ?? 0) + 1);
  if (byMethod.size === 0) return null;
  const [method, count] = [...byMethod].sort((a, b) => b[1] - a[1])[0];
  const bars: ImportanceBar[] = [];
  trace.episodes.forEach((e, position) => {
    if (measured(e) && e.importance!.method === method) bars.push({ position, index: e.index, value: e.importance!.value, share: 0, anchor: null });
  });
  const max = Math.max(0, ...bars.map((b) => b.value));
  for (const b of bars) b.share = max > 0 ? Math.max(0, b.value) / max : 0;
  topAnchors(bars).forEach((b, rank) => (b.anchor = rank + 1));
  const known = DEFINITIONS[measureOf(method)] ?? { definition: `importance by ${method}`, unit: '' };
  let total = 0;
  for (const n of byMethod.values()) total += n;
  return { method, ...known, max, bars, otherMethods: total - count, unmeasured: trace.episodes.length - total };
}

/** A value with its unit. */
export function formatImportance(value: number, unit: string): string {
  return `${value.toFixed(2)}${unit ? ` ${unit}` : ''}`;
}

/** The strip in words, for the map's description (screen readers) and its legend's title. */
export function importanceSummary(model: OverviewImportance): string {
  const anchors = model.bars.filter((b) => b.anchor !== null).sort((a, b) => a.anchor! - b.anchor!);
  const parts = [
    `Importance strip (right edge): ${model.method} (${recipeOf(model.method)}), ${model.definition}${model.unit ? `, in ${model.unit}` : ''}; each bar is the episode's value as a share of the largest, ${formatImportance(model.max, model.unit)}.`,
    `${model.bars.length} episode${model.bars.length === 1 ? '' : 's'} measured${model.unmeasured > 0 ? `, ${model.unmeasured} not measured` : ''}${model.otherMethods > 0 ? `, ${model.otherMethods} measured by another method (not drawn)` : ''}.`,
    anchors.length > 0
      ? `Top anchors (largest values above zero): ${anchors.map((b) => `${b.anchor}. episode #${b.index} (${formatImportance(b.value, model.unit)})`).join(', ')}.`
      : 'No episode has an importance above zero.',
  ];
  return parts.join(' ');
}
