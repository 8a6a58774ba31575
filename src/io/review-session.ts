/**
 * One reviewer's session on one trace file, for front ends (the trace view's review panel, the
 * dataset view's queue): the sidecar path, who is reviewing (looked up once), and a `set` that
 * appends one change and returns it. Reading goes through readSidecar + resolveReview, so two
 * windows on the same file see each other's changes on their next read.
 */
import { dirname } from 'node:path';
import { makeAnnotation, type ReviewAnnotation, type ReviewTarget, type ReviewValue } from '../core/review/annotation';
import { resolveReview, reviewedTraces, type TraceReview } from '../core/review/resolve';
import { appendAnnotation, readSidecar, sidecarPathFor, type SidecarContents } from './review-sidecar';
import { reviewerIdentity } from './reviewer';

export class ReviewSession {
  readonly sidecar: string;
  readonly who: string;

  constructor(
    readonly tracePath: string,
    opts: { who?: string; sidecar?: string } = {},
  ) {
    this.sidecar = opts.sidecar ?? sidecarPathFor(tracePath);
    this.who = opts.who ?? reviewerIdentity(dirname(tracePath));
  }

  /** Records one change now; `thinking` gives a range target its quote. */
  set(traceId: string, target: ReviewTarget, value: ReviewValue, thinking?: string, at: Date = new Date()): ReviewAnnotation {
    const annotation = makeAnnotation(this.who, at, traceId, target, value, thinking);
    appendAnnotation(this.sidecar, annotation, this.tracePath);
    return annotation;
  }

  read(): Promise<SidecarContents> {
    return readSidecar(this.sidecar);
  }

  /** The review of one trace against its current episodes, plus the set of reviewed trace ids. */
  async review(traceId: string, episodes: readonly { start: number; end: number }[]): Promise<{ review: TraceReview; reviewed: Set<string>; contents: SidecarContents }> {
    const contents = await this.read();
    return { review: resolveReview(contents.annotations, traceId, episodes), reviewed: reviewedTraces(contents.annotations), contents };
  }
}
