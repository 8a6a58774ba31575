/**
 * Review messages between the trace view and the host (docs/review.md): the page asks for the
 * shown trace's review ('review-get') and records one change at a time ('review-set'); the host
 * appends each change to the sidecar beside the trace file (src/io/review-session.ts) and
 * answers with the trace's review as the sidecar now holds it ('review'), so what the page shows
 * is always what is on disk (other windows' changes included).
 *
 * Values are checked by the one annotation checker (src/core/review/annotation.ts): a message
 * the sidecar would refuse is refused here, naming its field.
 */
import { checkAnnotation, type ReviewKind, type ReviewTarget, type ReviewValue, type StepVerdict } from '../core/review/annotation';
/** The review's limits and label order, for the page (which takes only types from src/core). */
export { MAX_NOTE_CHARS, MAX_TAG_CHARS, MAX_TAGS, REVIEW_LABELS } from '../core/review/annotation';
import type { EpisodeLabel } from '../core/trace';

/** What a reviewer set on one target (src/core/review/resolve.ts ReviewState, as JSON). */
export interface ReviewStateView {
  labels?: EpisodeLabel[];
  stepVerdict?: StepVerdict | null;
  note?: string;
  tags?: string[];
  reviewed?: boolean;
  by: Partial<Record<ReviewKind, { who: string; at: string }>>;
  quote?: string;
}

export type ReviewHostMessage =
  /** The review of the shown trace, read from its sidecar. */
  | {
      type: 'review';
      traceId: string;
      /** Who the host records changes as (git config user.name, else the OS user). */
      who: string;
      /** The sidecar's file name (shown; the path stays on the host). */
      sidecar: string;
      trace: ReviewStateView;
      /** Episode index → its review, for ranges that match an episode. */
      episodes: { index: number; state: ReviewStateView }[];
      /** Ranges that match no current episode (kept, shown with their quote). */
      detached: { start: number; end: number; state: ReviewStateView }[];
      /** Traces of the file marked reviewed, and how many traces it holds. */
      reviewedTraces: number;
      traces: number;
      /** Sidecar lines left out: not annotations, or torn by a killed writer. */
      problems: number;
      torn: number;
      /** The trace is in a review queue (dataset view): open the review panel. */
      open?: boolean;
    }
  /** This trace cannot be reviewed here (a live run not saved to a file): why. */
  | { type: 'review-unavailable'; traceId: string; reason: string };

export type ReviewWebviewMessage =
  | { type: 'review-get'; traceId: string }
  | { type: 'review-set'; traceId: string; target: ReviewTarget; value: ReviewValue };

const MAX_ID = 10_000;

/** Checks a review message from the page; throws a `field: expected …` message (the caller wraps it). */
export function readReviewMessage(value: Record<string, unknown>): ReviewWebviewMessage {
  const type = value.type;
  if (typeof value.traceId !== 'string' || value.traceId === '' || value.traceId.length > MAX_ID) throw new Error(`${String(type)}.traceId: expected a non-empty string of at most ${MAX_ID} characters`);
  if (type === 'review-get') return { type, traceId: value.traceId };
  if (type !== 'review-set') throw new Error(`type: expected "review-get" or "review-set"`);
  // The annotation checker decides (target shape, kind for that target, value limits).
  const change = (typeof value.value === 'object' && value.value !== null ? value.value : {}) as { kind?: unknown; value?: unknown };
  const checked = checkAnnotation({ v: 1, who: 'page', at: '1970-01-01T00:00:00.000Z', trace: value.traceId, target: value.target, kind: change.kind, value: change.value });
  if (!checked.ok) throw new Error(`review-set.${checked.problem.field}: ${checked.problem.message}`);
  const a = checked.value;
  return { type, traceId: value.traceId, target: a.target, value: { kind: a.kind, value: a.value } as ReviewValue };
}

export function isReviewWebviewType(type: unknown): type is ReviewWebviewMessage['type'] {
  return type === 'review-get' || type === 'review-set';
}
