/**
 * The host side of the trace view's review panel (docs/review.md): answers 'review-get' with the
 * shown trace's review read from the sidecar beside its file, and records each 'review-set' as
 * one appended line (src/io/review-session.ts) before answering with the review as the sidecar
 * now holds it. The trace file itself is never written. A live run can be reviewed once it was
 * saved to a file; a trace from a non-file URI cannot (no sidecar beside it).
 */
import { basename } from 'node:path';
import type { ReviewTarget } from '../../core/review/annotation';
import type { ReviewState, TraceReview } from '../../core/review/resolve';
import type { Trace } from '../../core/trace';
import { ReviewSession } from '../../io/review-session';
import type { ReviewHostMessage, ReviewStateView, ReviewWebviewMessage } from '../../shared/review-protocol';

/** What the review needs of a trace session (TraceSession provides it). */
export interface ReviewableSession {
  trace(): Trace;
  /** The trace file on disk, if the shown trace has one. */
  reviewFile(): string | undefined;
  /** Ids of the traces in that file (for "37 / 200 reviewed"); the shown one when unknown. */
  traceIds(): string[];
  post(message: ReviewHostMessage): void;
  /** The traces are a dataset view's review queue: the page opens its review panel. */
  reviewQueue?: boolean;
}

/** One ReviewSession per trace file (who is reviewing is looked up once). */
const sessions = new Map<string, ReviewSession>();

function sessionFor(file: string): ReviewSession {
  let session = sessions.get(file);
  if (!session) sessions.set(file, (session = new ReviewSession(file)));
  return session;
}

function view(state: ReviewState): ReviewStateView {
  const out: ReviewStateView = { by: state.by };
  if (state.labels !== undefined) out.labels = state.labels;
  if (state.stepVerdict !== undefined) out.stepVerdict = state.stepVerdict;
  if (state.note !== undefined) out.note = state.note;
  if (state.tags !== undefined) out.tags = state.tags;
  if (state.reviewed !== undefined) out.reviewed = state.reviewed;
  if (state.quote !== undefined) out.quote = state.quote;
  return out;
}

export function reviewMessage(traceId: string, session: ReviewSession, review: TraceReview, reviewed: Set<string>, ids: readonly string[], problems: number, torn: number): ReviewHostMessage {
  return {
    type: 'review',
    traceId,
    who: session.who,
    sidecar: basename(session.sidecar),
    trace: view(review.trace),
    episodes: [...review.episodes].map(([index, state]) => ({ index, state: view(state) })),
    detached: review.detached.map((d) => ({ start: d.start, end: d.end, state: view(d.state) })),
    reviewedTraces: ids.filter((id) => reviewed.has(id)).length,
    traces: ids.length,
    problems,
    torn,
  };
}

function sameTarget(a: ReviewTarget, b: { start: number; end: number }): boolean {
  return a !== 'trace' && a.start === b.start && a.end === b.end;
}

/** Handles one review message from the page. Throws (shown as an error in the view) when a change cannot be recorded. */
export async function handleReviewMessage(message: ReviewWebviewMessage, from: ReviewableSession): Promise<void> {
  const trace = from.trace();
  // A message about a trace no longer shown (the page raced a trace switch): the next 'load' asks again.
  if (message.traceId !== trace.id) return;
  const file = from.reviewFile();
  if (!file) {
    from.post({ type: 'review-unavailable', traceId: trace.id, reason: 'This trace has no file yet (a run still going, or not saved): reviews are stored beside the trace file.' });
    if (message.type === 'review-set') throw new Error('Review not recorded: this trace has no file to keep a review beside.');
    return;
  }
  const session = sessionFor(file);
  if (message.type === 'review-set') {
    // A range must be an episode of the trace as shown (annotations are only ever made on what the reviewer saw).
    if (message.target !== 'trace' && !trace.episodes.some((e) => sameTarget(message.target, e))) {
      throw new Error(`Review not recorded: characters ${message.target.start}–${message.target.end} are no episode of this trace.`);
    }
    session.set(trace.id, message.target, message.value, trace.thinking);
  }
  const { review, reviewed, contents } = await session.review(trace.id, trace.episodes);
  const answer = reviewMessage(trace.id, session, review, reviewed, from.traceIds(), contents.problems.length, contents.torn.length);
  from.post(from.reviewQueue && answer.type === 'review' ? { ...answer, open: true } : answer);
}
