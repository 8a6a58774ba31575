/**
 * Streaming sentence segmentation (mode `sentence`), after Thought Anchors'
 * `split_solution_into_chunks` (interp-reasoning/thought-anchors utils.py):
 * a piece ends after a character i where text[i:i+2] == "\n\n", text[i:i+4] == "\r\n\r\n",
 * or text[i] is . ? ! followed by a space or "\n". Whitespace-only pieces vanish. Pieces
 * (stripped) shorter than 10 characters are merged into the next one (lengths counted with
 * the " " TA joins them with); a short last chunk is merged into the previous one.
 * Differences from TA, on purpose: the text after the last boundary is always kept (TA's
 * current code drops it), and chunks are reported as contiguous slices of the original text
 * (whitespace between chunks belongs to the chunk before) instead of stripped copies.
 * A boundary is certain once the next chunk has reached 10 characters, so it is reported then.
 */
import { NONE as SHARED_NONE, type Boundary } from './paragraph';

// A module-local binding: an imported one can compile to a getter call, paid on every push.
const NONE = SHARED_NONE;

export const MIN_CHUNK_CHARS = 10;

/** /\s/u per UTF-16 code unit, filled lazily: 0 unknown, 1 space, 2 not a space. */
const SPACE_CACHE = new Uint8Array(65536);

/** Whether the code unit `code` at `w[j]` is whitespace. */
function isSpace(code: number, w: string, j: number): boolean {
  if (code === 32 || (code >= 9 && code <= 13)) return true;
  if (code <= 127) return false;
  let known = SPACE_CACHE[code];
  if (known === 0) SPACE_CACHE[code] = known = /\s/u.test(w[j]) ? 1 : 2;
  return known === 1;
}

/** The characters that end a run of plain characters and spaces: other whitespace, . ? ! */
const NOT_PLAIN = /[.?!]|[^\S ]/g;
/** Longest chunk the push fast lane looks at (a token or a few); longer text goes to scan(). */
const FAST_LANE_MAX = 32;
/** Below this many characters a plain loop is cheaper than a regex call. */
const JUMP_MIN = 24;

export class SentenceBoundaryScanner {
  /** Absolute offset of `tail[0]`. */
  private scanned = 0;
  /** Unscanned characters that need lookahead (<= 3). */
  private tail = '';
  /** First and last non-space offsets of the piece being read; -1 when it has none yet. */
  private pieceFirst = -1;
  private pieceLast = -1;
  /** Merged length of the finished pieces of the current chunk (TA joins pieces with " "). */
  private chunkLength = 0;
  private chunkStart = -1;
  private chunkAnnounced = false;
  private firstChunk = true;
  private boundaries = 0;
  private found: Boundary[] = [];

  constructor(private readonly maxSteps: number) {}

  push(chunk: string): Boundary[] {
    // Fast lane, most pushes of a token stream: a few plain ASCII characters and spaces with no
    // lookahead pending only extend the piece (what scan() would do with them, minus its setup).
    if (this.tail.length === 0 && chunk.length <= FAST_LANE_MAX) {
      const n = chunk.length;
      let first = -1;
      let last = -1;
      let j = 0;
      for (; j < n; j++) {
        const code = chunk.charCodeAt(j);
        if (code === 32) continue;
        if (code <= 32 || code >= 127 || code === 46 || code === 63 || code === 33) break;
        if (first < 0) first = j;
        last = j;
      }
      if (j === n) {
        const base = this.scanned;
        this.scanned = base + n;
        if (first < 0) return NONE;
        this.found = NONE;
        this.addNonSpace(base + first, base + last);
        return this.found;
      }
    }
    return this.scanChunk(chunk);
  }

  private scanChunk(chunk: string): Boundary[] {
    this.found = NONE;
    this.scan(this.tail.length === 0 ? chunk : this.tail + chunk, false);
    return this.found;
  }

  finish(): Boundary[] {
    this.found = NONE;
    this.scan(this.tail, true);
    if (this.pieceFirst >= 0) this.endPiece();
    return this.found;
  }

  private scan(w: string, final: boolean): void {
    const base = this.scanned;
    const n = w.length;
    let j = 0;
    // Plain characters (not whitespace, not . ? !) only extend the piece and a space changes
    // nothing (boundaries are decided at . ? ! \n \r); a run of them is applied at once (first
    // and last non-space offset, one announce check) before the next other character. In long
    // text the end of a run is found by regex instead of character by character.
    let runFirst = -1;
    let runLast = -1;
    for (; j < n; j++) {
      const code = w.charCodeAt(j);
      if (code === 32) continue;
      if ((code > 32 && code < 127 && code !== 46 && code !== 63 && code !== 33) || (code > 127 && !isSpace(code, w, j))) {
        if (runFirst < 0) runFirst = j;
        if (n - j > JUMP_MIN) {
          NOT_PLAIN.lastIndex = j + 1;
          const stop = NOT_PLAIN.test(w) ? NOT_PLAIN.lastIndex - 1 : n;
          let last = stop - 1;
          while (w.charCodeAt(last) === 32) last--; // stops at j at the latest: w[j] is no space
          runLast = last;
          j = stop - 1;
          continue;
        }
        runLast = j;
        continue;
      }
      if (runFirst >= 0) {
        this.addNonSpace(base + runFirst, base + runLast);
        runFirst = -1;
      }
      let boundary = false;
      if (code === 46 || code === 63 || code === 33 /* . ? ! */) {
        if (j + 1 >= n) {
          if (!final) break;
        } else {
          const next = w.charCodeAt(j + 1);
          boundary = next === 32 || next === 10;
        }
      } else if (code === 10 /* \n */) {
        if (j + 1 >= n) {
          if (!final) break;
        } else boundary = w.charCodeAt(j + 1) === 10;
      } else if (code === 13 /* \r */) {
        if (j + 3 >= n && !final) break;
        boundary = j + 3 < n && w.charCodeAt(j + 1) === 10 && w.charCodeAt(j + 2) === 13 && w.charCodeAt(j + 3) === 10;
      }
      if (!isSpace(code, w, j)) this.addNonSpace(base + j, base + j);
      if (boundary && this.pieceFirst >= 0) this.endPiece();
    }
    if (runFirst >= 0) this.addNonSpace(base + runFirst, base + runLast);
    this.tail = j === n ? '' : w.slice(j);
    this.scanned = base + j;
  }

  /** Non-space characters from `first` to `last`, only plain characters and spaces between. */
  private addNonSpace(first: number, last: number): void {
    if (this.pieceFirst < 0) {
      this.pieceFirst = first;
      if (this.chunkStart < 0) this.chunkStart = first;
    }
    this.pieceLast = last;
    if (!this.chunkAnnounced) this.maybeAnnounce();
  }

  /** Length the current chunk will at least have, counting the growing piece. */
  private chunkLengthSoFar(): number {
    if (this.pieceFirst < 0) return this.chunkLength;
    const piece = this.pieceLast - this.pieceFirst + 1;
    return this.chunkLength === 0 ? piece : this.chunkLength + 1 + piece;
  }

  /** Once the chunk reaches 10 characters it can no longer merge back: its start is a boundary. */
  private maybeAnnounce(): void {
    if (this.chunkAnnounced || this.chunkLengthSoFar() < MIN_CHUNK_CHARS) return;
    this.chunkAnnounced = true;
    if (this.firstChunk) return;
    if (this.boundaries >= this.maxSteps) return;
    this.boundaries++;
    if (this.found === NONE) this.found = [];
    this.found.push({ at: this.chunkStart });
  }

  private endPiece(): void {
    this.maybeAnnounce();
    this.chunkLength = this.chunkLengthSoFar();
    this.pieceFirst = -1;
    this.pieceLast = -1;
    if (this.chunkLength >= MIN_CHUNK_CHARS) {
      this.firstChunk = false;
      this.chunkLength = 0;
      this.chunkStart = -1;
      this.chunkAnnounced = false;
    }
  }
}
