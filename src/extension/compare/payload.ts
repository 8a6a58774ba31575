/** The compare view's payload, built from the comparison (pure: the host sends it, tests render it). */
import { describeDivergence, type Alignment, type Comparison } from '../../core/compare';
import type { ComparePayload, CompareSource } from '../../shared/compare-protocol';

/**
 * `sources`: where each trace can be read again (the page keeps them for a window reload);
 * default: nowhere recorded, each by its id and origin only. `missing`: what a restore could not read.
 */
export function comparePayload(comparison: Comparison, origins: readonly string[], alignment: Alignment, sources?: readonly CompareSource[], missing: readonly string[] = []): ComparePayload {
  return {
    comparison,
    origins: [...origins],
    divergenceText: { index: describeDivergence(comparison, 'index'), tokens: describeDivergence(comparison, 'tokens') },
    alignment,
    sources: sources ? [...sources] : comparison.traces.map((t, i) => ({ id: t.id, origin: origins[i] ?? '' })),
    ...(missing.length ? { missing: [...missing] } : {}),
  };
}
