/** The compare view's payload, built from the comparison (pure: the host sends it, tests render it). */
import { describeDivergence, type Alignment, type Comparison } from '../../core/compare';
import type { ComparePayload } from '../../shared/compare-protocol';

export function comparePayload(comparison: Comparison, origins: readonly string[], alignment: Alignment): ComparePayload {
  return {
    comparison,
    origins: [...origins],
    divergenceText: { index: describeDivergence(comparison, 'index'), tokens: describeDivergence(comparison, 'tokens') },
    alignment,
  };
}
