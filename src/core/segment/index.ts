/**
 * Episode segmentation of a thinking stream, incremental and exact: feeding the text in any
 * chunking gives the same segments as feeding it whole. Modes (docs/segmentation.md):
 *   mrt       MRT's rule exactly (six markers, >= 3 paragraphs per episode)
 *   auto      broader, case-tolerant marker list for current reasoning models (default)
 *   sentence  Thought Anchors' sentence chunks
 * Segments are contiguous and cover the whole text: seg[0].start = 0, seg[k].end =
 * seg[k+1].start, last end = text.length, and text === thinking.slice(start, end).
 * Separators ("\n\n", or the spaces after a sentence) belong to the segment before them.
 */
import type { SegmentMode } from '../trace';
import { AUTO_MARKERS, MRT_MARKERS, exactMatcher, tolerantMatcher } from './markers';
import { NONE as SHARED_NONE, ParagraphBoundaryScanner, type Boundary } from './paragraph';
import { SentenceBoundaryScanner } from './sentence';

export { AUTO_MARKERS, MRT_MARKERS } from './markers';

// A module-local binding: an imported one can compile to a property load on every push.
const NONE = SHARED_NONE;

export interface SegmentOptions {
  /** Default 'auto'. */
  mode?: SegmentMode;
  /** At most this many boundaries; the rest of the text is the last episode. Default: no cap. */
  maxSteps?: number;
  /** Merge consecutive episodes in groups of this many (MRT plots). Default 1. */
  groupSize?: number;
  /** Marker list instead of the mode's own (mrt: exact prefixes; auto: tolerant matching). */
  markers?: string[];
  /** Fewest paragraphs an episode holds before a marker may end it. Default 3 (mrt and auto). */
  minParagraphs?: number;
  /** Fewest characters an episode holds before a marker may end it. Default 0 (mrt), 200 (auto). */
  minChars?: number;
}

export interface Segment {
  index: number;
  start: number;
  end: number;
  text: string;
  opener?: string;
}

export interface OpenSegment {
  index: number;
  start: number;
  text: string;
  opener?: string;
}

/**
 * The result of a push that ends no segment (nearly every push of a token stream), shared:
 * a fresh empty array per push showed in profiles of 4-character streams. Frozen, so a caller
 * that tried to add to it would fail loudly instead of corrupting every later result.
 */
const NO_SEGMENTS: readonly Segment[] = Object.freeze([]);

export const DEFAULT_MIN_PARAGRAPHS = 3;
export const AUTO_DEFAULT_MIN_CHARS = 200;

interface BoundaryScanner {
  push(chunk: string): Boundary[];
  finish(): Boundary[];
}

function checkCount(name: string, value: number | undefined, min: number, allowInfinity: boolean): void {
  if (value === undefined) return;
  const ok = (Number.isInteger(value) || (allowInfinity && value === Infinity)) && value >= min;
  if (!ok) throw new RangeError(`segment option ${name} must be an integer >= ${min}, got ${String(value)}`);
}

function makeScanner(opts: SegmentOptions): BoundaryScanner {
  const mode = opts.mode ?? 'auto';
  const maxSteps = opts.maxSteps ?? Infinity;
  if (mode === 'sentence') return new SentenceBoundaryScanner(maxSteps);
  if (mode === 'mrt') {
    return new ParagraphBoundaryScanner({
      matcher: exactMatcher(opts.markers ?? MRT_MARKERS),
      minParagraphs: opts.minParagraphs ?? DEFAULT_MIN_PARAGRAPHS,
      minChars: opts.minChars ?? 0,
      maxSteps,
    });
  }
  if (mode === 'auto') {
    return new ParagraphBoundaryScanner({
      matcher: tolerantMatcher(opts.markers ?? AUTO_MARKERS),
      minParagraphs: opts.minParagraphs ?? DEFAULT_MIN_PARAGRAPHS,
      minChars: opts.minChars ?? AUTO_DEFAULT_MIN_CHARS,
      maxSteps,
    });
  }
  throw new RangeError(`unknown segmentation mode ${JSON.stringify(mode)} (expected mrt, auto or sentence)`);
}

export class StreamingSegmenter {
  private readonly scanner: BoundaryScanner;
  private readonly groupSize: number;
  /** Text of finished raw episodes, and of the raw episode still growing. */
  private committed = '';
  private buf = '';
  private rawStart = 0;
  private rawOpener: string | undefined;
  /** Raw episodes of the group not emitted yet. */
  private group: Segment[] = [];
  private groupIndex = 0;
  private finished = false;

  constructor(opts: SegmentOptions = {}) {
    checkCount('maxSteps', opts.maxSteps, 0, true);
    checkCount('groupSize', opts.groupSize, 1, false);
    checkCount('minParagraphs', opts.minParagraphs, 1, false);
    checkCount('minChars', opts.minChars, 0, false);
    this.scanner = makeScanner(opts);
    this.groupSize = opts.groupSize ?? 1;
  }

  /** Segments whose end became certain with this chunk, in order. */
  push(chunk: string): readonly Segment[] {
    if (this.finished) throw new Error('StreamingSegmenter.push called after finish()');
    if (chunk.length === 0) return NO_SEGMENTS;
    this.buf += chunk;
    const boundaries = this.scanner.push(chunk);
    return boundaries === NONE ? NO_SEGMENTS : this.closeAt(boundaries);
  }

  /** End of thinking: flushes the remaining segment(s). */
  finish(): Segment[] {
    if (this.finished) return [];
    const out = this.closeAt(this.scanner.finish());
    this.finished = true;
    if (this.buf.length > 0) this.closeRaw(this.rawStart + this.buf.length, undefined, out);
    if (this.group.length > 0) out.push(this.emitGroup());
    return out;
  }

  /** The segment still growing (for live display); null when nothing is pending. */
  get open(): OpenSegment | null {
    if (this.buf.length === 0 && this.group.length === 0) return null;
    const first = this.group[0];
    return {
      index: this.groupIndex,
      start: first ? first.start : this.rawStart,
      text: this.group.map((s) => s.text).join('') + this.buf,
      opener: first ? first.opener : this.rawOpener,
    };
  }

  /** All thinking text pushed so far. */
  get text(): string {
    return this.committed + this.buf;
  }

  private closeAt(boundaries: Boundary[]): Segment[] {
    const out: Segment[] = [];
    for (const b of boundaries) this.closeRaw(b.at, b.opener, out);
    return out;
  }

  /** Ends the raw episode growing in `buf` at `end`; adds what becomes final to `out`. */
  private closeRaw(end: number, nextOpener: string | undefined, out: Segment[]): void {
    const length = end - this.rawStart;
    const text = this.buf.slice(0, length);
    this.buf = this.buf.slice(length);
    this.committed += text;
    const raw: Segment = { index: -1, start: this.rawStart, end, text };
    if (this.rawOpener !== undefined) raw.opener = this.rawOpener;
    this.rawStart = end;
    this.rawOpener = nextOpener;
    if (this.groupSize === 1) {
      // No grouping (the usual case): the raw episode is the segment.
      raw.index = this.groupIndex++;
      out.push(raw);
      return;
    }
    this.group.push(raw);
    if (this.group.length >= this.groupSize) out.push(this.emitGroup());
  }

  private emitGroup(): Segment {
    const parts = this.group;
    this.group = [];
    const first = parts[0];
    const seg: Segment = {
      index: this.groupIndex++,
      start: first.start,
      end: parts[parts.length - 1].end,
      text: parts.length === 1 ? first.text : parts.map((s) => s.text).join(''),
    };
    if (first.opener !== undefined) seg.opener = first.opener;
    return seg;
  }
}

/** Whole-text segmentation; identical to one push(text) followed by finish(). */
export function segmentThinking(text: string, opts?: SegmentOptions): Segment[] {
  const s = new StreamingSegmenter(opts);
  return [...s.push(text), ...s.finish()];
}
