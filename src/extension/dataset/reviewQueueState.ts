/**
 * The dataset view's review queue as the page sees it, from the file's traces, the trace ids its
 * review sidecar marks reviewed, and the reviewer's choice (src/core/review/queue.ts decides
 * which traces and in what order). Pure: no vscode, no I/O, so tests run it directly.
 */
import { buildReviewQueue, matchesCriterion, QUEUE_CRITERIA, type QueueCriterion, type QueueTrace } from '../../core/review/queue';
import type { ReviewQueueChoice, ReviewQueueState } from '../../shared/dataset-protocol';

export const DEFAULT_QUEUE_CHOICE: ReviewQueueChoice = { criteria: ['incorrect'] };

export interface QueueOrder {
  /** File indexes of the queued traces, in review order. */
  indexes: number[];
  state: ReviewQueueState;
}

/** The queue of `traces` for `choice`; `reviewed` holds the ids marked reviewed in the sidecar. */
export function reviewQueueOrder(
  traces: readonly QueueTrace[],
  reviewed: ReadonlySet<string>,
  choice: ReviewQueueChoice,
  sidecar: { name: string; skippedLines: number },
): QueueOrder {
  // A file may repeat an id (the same trace appended twice): the queue takes its first line.
  const firstIndex = new Map<string, number>();
  const unique: QueueTrace[] = [];
  traces.forEach((t, i) => {
    if (firstIndex.has(t.id)) return;
    firstIndex.set(t.id, i);
    unique.push(t);
  });
  const queue = buildReviewQueue(unique, reviewed, { criteria: choice.criteria, ...(choice.sample ? { sample: choice.sample } : {}) });
  const indexes = queue.ids.map((id) => firstIndex.get(id)!);
  const counts = {} as Record<QueueCriterion, number>;
  for (const c of [...QUEUE_CRITERIA, 'all'] as const) counts[c] = unique.filter((t) => matchesCriterion(t, c)).length;
  const position = queue.next === null ? -1 : queue.ids.indexOf(queue.next);
  return {
    indexes,
    state: {
      choice,
      queued: queue.ids.length,
      reviewed: queue.reviewed,
      next: queue.next === null ? null : { index: indexes[position], id: queue.next, position },
      counts,
      sidecar: sidecar.name,
      skippedLines: sidecar.skippedLines,
    },
  };
}
