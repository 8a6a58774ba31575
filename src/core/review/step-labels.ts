/**
 * Step labels for process-reward exports (TRL stepwise: one boolean per episode) with human
 * verdicts where a reviewer gave one, the automatic rule's label elsewhere, and per step which
 * one was used. good → true, bad → false, neutral → `neutralAs` (default true: a neutral step is
 * not a mistake, like our automatic rule keeps steps without an answer as good). Pure; the
 * export (src/runs/dataset/export.ts) is to call it with the trace's resolved review.
 */
import type { StepVerdict } from './annotation';
import type { TraceReview } from './resolve';

export type StepLabelSource = 'human' | 'automatic';

export interface MergedStepLabels {
  labels: boolean[];
  sources: StepLabelSource[];
  /** Steps labelled by a human. */
  human: number;
}

export function labelOfVerdict(v: StepVerdict, neutralAs = true): boolean {
  return v === 'good' ? true : v === 'bad' ? false : neutralAs;
}

export function mergeStepLabels(automatic: readonly boolean[], review: TraceReview | undefined, neutralAs = true): MergedStepLabels {
  const labels: boolean[] = [];
  const sources: StepLabelSource[] = [];
  automatic.forEach((auto, i) => {
    const v = review?.episodes.get(i)?.stepVerdict;
    if (v) {
      labels.push(labelOfVerdict(v, neutralAs));
      sources.push('human');
    } else {
      labels.push(auto);
      sources.push('automatic');
    }
  });
  return { labels, sources, human: sources.filter((s) => s === 'human').length };
}
