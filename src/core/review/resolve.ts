/**
 * From the lines of a sidecar to what a reviewer sees: the latest value per
 * (trace, target, kind) wins (file order is write order: appends are serialised by the file
 * system), and each range is re-attached to the trace's current segmentation: a range equal to
 * an episode's [start, end) is attached to it, any other range is `detached` (shown with its
 * quote, never dropped). Pure.
 */
import type { EpisodeLabel } from '../trace';
import { targetKey, type ReviewAnnotation, type ReviewTarget, type StepVerdict } from './annotation';

/** What a reviewer set on one target; a field is absent when never set. */
export interface ReviewState {
  labels?: EpisodeLabel[];
  /** null: set, then cleared. */
  stepVerdict?: StepVerdict | null;
  note?: string;
  tags?: string[];
  reviewed?: boolean;
  /** Who made the latest change of each kind, and when. */
  by: Partial<Record<ReviewAnnotation['kind'], { who: string; at: string }>>;
  quote?: string;
}

export interface DetachedReview {
  start: number;
  end: number;
  state: ReviewState;
}

export interface TraceReview {
  trace: ReviewState;
  /** Episode index -> its review, for ranges that match an episode exactly. */
  episodes: Map<number, ReviewState>;
  /** Ranges that match no current episode, in text order. */
  detached: DetachedReview[];
}

function apply(state: ReviewState, a: ReviewAnnotation): void {
  switch (a.kind) {
    case 'labels':
      state.labels = a.value;
      break;
    case 'stepVerdict':
      state.stepVerdict = a.value;
      break;
    case 'note':
      state.note = a.value;
      break;
    case 'tags':
      state.tags = a.value;
      break;
    case 'reviewed':
      state.reviewed = a.value;
      break;
  }
  state.by[a.kind] = { who: a.who, at: a.at };
  if (a.quote !== undefined) state.quote = a.quote;
}

/** Latest state per target of one trace, keyed by targetKey, in order of first appearance. */
export function latestPerTarget(annotations: Iterable<ReviewAnnotation>, traceId: string, who?: string): Map<string, { target: ReviewTarget; state: ReviewState }> {
  const out = new Map<string, { target: ReviewTarget; state: ReviewState }>();
  for (const a of annotations) {
    if (a.trace !== traceId || (who !== undefined && a.who !== who)) continue;
    const key = targetKey(a.target);
    let entry = out.get(key);
    if (!entry) {
      entry = { target: a.target, state: { by: {} } };
      out.set(key, entry);
    }
    apply(entry.state, a);
  }
  return out;
}

/**
 * The review of one trace against its current episodes (only `start`/`end` are read).
 * `who` keeps one reviewer's lines only (inter-annotator agreement).
 */
export function resolveReview(
  annotations: Iterable<ReviewAnnotation>,
  traceId: string,
  episodes: readonly { start: number; end: number }[],
  who?: string,
): TraceReview {
  const byRange = new Map<string, number>();
  episodes.forEach((e, i) => byRange.set(`${e.start}-${e.end}`, i));
  const review: TraceReview = { trace: { by: {} }, episodes: new Map(), detached: [] };
  for (const [key, { target, state }] of latestPerTarget(annotations, traceId, who)) {
    if (target === 'trace') {
      review.trace = state;
      continue;
    }
    const index = byRange.get(key);
    if (index !== undefined) review.episodes.set(index, state);
    else review.detached.push({ start: target.start, end: target.end, state });
  }
  review.detached.sort((a, b) => a.start - b.start || a.end - b.end);
  return review;
}

/** Trace ids with a `reviewed: true` state (latest write), for progress like "37 / 200 reviewed". */
export function reviewedTraces(annotations: Iterable<ReviewAnnotation>): Set<string> {
  const latest = new Map<string, boolean>();
  for (const a of annotations) if (a.kind === 'reviewed' && a.target === 'trace') latest.set(a.trace, a.value);
  return new Set([...latest].filter(([, v]) => v).map(([id]) => id));
}

/** Latest state of every range target of every trace, keyed by `traceId targetKey` (inter-annotator agreement). */
export function rangeStates(annotations: readonly ReviewAnnotation[], who?: string): Map<string, ReviewState> {
  const out = new Map<string, ReviewState>();
  for (const id of new Set(annotations.map((a) => a.trace))) {
    for (const [key, { target, state }] of latestPerTarget(annotations, id, who)) if (target !== 'trace') out.set(`${id} ${key}`, state);
  }
  return out;
}
