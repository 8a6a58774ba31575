/**
 * Streaming paragraph-and-marker segmentation (modes `mrt` and `auto`).
 *
 * Paragraphs are separated by "\n\n" (also "\n\r\n", which is how "\r\n\r\n" looks from its
 * first "\n"), found left to right without overlap exactly like Python's `text.split('\n\n')`.
 * A paragraph whose head matches a marker starts a new episode, unless the current episode
 * would then hold fewer than `minParagraphs` paragraphs (MRT: prev_i in {i, i-1, i-2}) or
 * fewer than `minChars` characters, or `maxSteps` boundaries were already made.
 * Each paragraph separator belongs to the episode before it, so an episode starts exactly at
 * its marker paragraph. Only a constant-size head of each paragraph is kept; the scan never
 * revisits text, so the cost is linear in the input.
 */
import type { MarkerMatcher } from './markers';

export interface Boundary {
  /** Offset where the new episode starts (the marker paragraph's start). */
  at: number;
  /** Marker that opens the new episode (none for sentence boundaries). */
  opener?: string;
}

/** Shared empty result: most chunks end no episode, and allocating per chunk shows in profiles. */
export const NONE: Boundary[] = [];
Object.freeze(NONE);

/** chunk.includes('\n'), without the builtin call for the few characters of a token. */
function hasLineFeed(chunk: string): boolean {
  const n = chunk.length;
  if (n > 16) return chunk.indexOf('\n') >= 0;
  for (let i = 0; i < n; i++) if (chunk.charCodeAt(i) === 10) return true;
  return false;
}

export interface ParagraphRules {
  matcher: MarkerMatcher;
  minParagraphs: number;
  minChars: number;
  maxSteps: number;
}

export class ParagraphBoundaryScanner {
  /** Absolute offset of `tail[0]`. */
  private scanned = 0;
  /** Unscanned characters kept because a separator might continue in the next chunk (<= 2). */
  private tail = '';
  private paragraphIndex = 0;
  private paragraphStart = 0;
  private head = '';
  private headDecided: boolean;
  private episodeFirstParagraph = 0;
  private episodeStart = 0;
  private boundaries = 0;
  private found: Boundary[] = [];
  /** headDecided with an empty tail: a chunk without a line feed only moves the offset. */
  private quiet: boolean;

  constructor(private readonly rules: ParagraphRules) {
    this.headDecided = !this.couldSplit();
    this.quiet = this.headDecided;
  }

  /** Feed text; returns boundaries that became certain. */
  push(chunk: string): Boundary[] {
    // Fast lane, most pushes of a token stream: inside a paragraph whose head is decided,
    // text without a line break changes nothing but the offset.
    if (this.quiet && !hasLineFeed(chunk)) {
      this.scanned += chunk.length;
      return NONE;
    }
    return this.scan(chunk);
  }

  /** The general case of push, kept apart so push itself stays small enough to be inlined. */
  private scan(chunk: string): Boundary[] {
    this.found = NONE;
    const w = this.tail.length === 0 ? chunk : this.tail + chunk;
    const base = this.scanned;
    let i = 0;
    for (;;) {
      const nl = w.indexOf('\n', i);
      if (nl < 0) {
        this.addContent(w, i, w.length);
        i = w.length;
        break;
      }
      if (nl + 1 >= w.length) {
        this.addContent(w, i, nl);
        i = nl;
        break;
      }
      const next = w.charCodeAt(nl + 1);
      let sepLength = 0;
      if (next === 10 /* \n */) sepLength = 2;
      else if (next === 13 /* \r */) {
        if (nl + 2 >= w.length) {
          this.addContent(w, i, nl);
          i = nl;
          break;
        }
        if (w.charCodeAt(nl + 2) === 10) sepLength = 3;
      }
      if (sepLength === 0) {
        this.addContent(w, i, nl + 1);
        i = nl + 1;
        continue;
      }
      this.addContent(w, i, nl);
      this.endParagraph();
      this.startParagraph(base + nl + sepLength);
      i = nl + sepLength;
    }
    this.tail = i === w.length ? '' : w.slice(i);
    this.scanned = base + i;
    this.quiet = this.headDecided && this.tail.length === 0;
    return this.found;
  }

  /** End of text: the tail cannot hold a separator any more. */
  finish(): Boundary[] {
    this.found = NONE;
    this.addContent(this.tail, 0, this.tail.length);
    this.scanned += this.tail.length;
    this.tail = '';
    this.endParagraph();
    return this.found;
  }

  /** Start offset and opener-less state of the episode still growing. */
  get openStart(): number {
    return this.episodeStart;
  }

  private addContent(w: string, from: number, to: number): void {
    if (this.headDecided || to <= from) return;
    const need = this.rules.matcher.headLength - this.head.length;
    this.head += w.slice(from, Math.min(to, from + need));
    const { matcher } = this.rules;
    if (this.head.length >= matcher.headLength) this.decide();
    else if (matcher.settle && this.couldSplit()) {
      const settled = matcher.settle(this.head);
      if (settled) this.decide(settled);
    }
  }

  private endParagraph(): void {
    if (!this.headDecided) this.decide();
  }

  private startParagraph(at: number): void {
    this.paragraphIndex++;
    this.paragraphStart = at;
    this.head = '';
    // What couldSplit() depends on only changes when a paragraph is decided, so a paragraph
    // that cannot split now never will: decide it at once and skip collecting its head.
    this.headDecided = !this.couldSplit();
  }

  /** Whether a marker here would end the episode (size minimums and the boundary cap). */
  private couldSplit(): boolean {
    const { minParagraphs, minChars, maxSteps } = this.rules;
    return (
      this.boundaries < maxSteps &&
      this.paragraphIndex - this.episodeFirstParagraph >= minParagraphs &&
      this.paragraphStart - this.episodeStart >= minChars
    );
  }

  /** Final decision for the current paragraph; the marker is matched only when it could matter. */
  private decide(settled?: { opener: string | undefined }): void {
    this.headDecided = true;
    if (!this.couldSplit()) return;
    const opener = settled ? settled.opener : this.rules.matcher.match(this.head);
    if (opener === undefined) return;
    this.boundaries++;
    this.episodeFirstParagraph = this.paragraphIndex;
    this.episodeStart = this.paragraphStart;
    if (this.found === NONE) this.found = [];
    this.found.push({ at: this.paragraphStart, opener });
  }
}
