/**
 * Token count estimate without a tokenizer table. Method: split the text the way byte-level
 * BPE tokenizers of current reasoning models pre-tokenize it (the GPT-4 / Qwen2 split
 * pattern: words with their leading space or sign, digits, punctuation runs, whitespace),
 * then charge each piece what such a piece costs on average. The per-piece costs were
 * fitted on the real math traces in ../shared/data/traces against the o200k BPE (gpt-oss):
 * a word of <= 9 letters is ~1 token, 10-14 letters ~1.2, longer ones ~1 per 7 letters;
 * a punctuation run of <= 2 characters is ~1 token, 3 ~1.2, longer ~1 per 2.7; whitespace
 * runs 1. Digits are counted one token each, as the Qwen2 tokenizer (DeepSeek-R1 distills,
 * QwQ, Qwen3, Sky-T1) splits them. Letters outside Latin scripts cost ~1 token each.
 * Measured error: docs/segmentation.md ("Token estimate").
 *
 * Speed: estimateTokensByRegex is the definition (one regex match and a few more regex tests
 * per piece). estimateTokens gives exactly the same number, but walks ASCII text with a
 * character-class table and asks the regex only about pieces that touch non-ASCII characters
 * (whose Unicode classes and case folding only the regex knows). Tested equal on random text.
 */

const PIECE = /'(?:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+/giu;
const NON_LATIN = /[^\u0000-\u024f\u1e00-\u1eff]/gu;
const LETTER = /\p{L}/u;

function pieceCost(piece: string): number {
  const first = piece.charCodeAt(0);
  const len = piece.length;
  if (len === 1) return 1;
  if (first === 32 || first === 10 || first === 13 || first === 9) {
    if (piece.trim().length === 0) return 1; // whitespace run
  }
  if (LETTER.test(piece)) {
    const nonLatin = piece.match(NON_LATIN);
    if (nonLatin && nonLatin.length > 1) return nonLatin.length + (len - nonLatin.length) / 4;
    return wordCost(len);
  }
  // punctuation run (possibly with a leading space and trailing newlines)
  const core = piece.replace(/^ |[\r\n]+$/g, '').length;
  return punctuationCost(core);
}

/** A Latin word piece of `len` characters (its leading space or sign included). */
function wordCost(len: number): number {
  if (len <= 10) return 1;
  if (len <= 15) return 1.2;
  return len / 7;
}

/** A punctuation run of `core` characters (without its leading space and trailing newlines). */
function punctuationCost(core: number): number {
  if (core <= 2) return 1;
  if (core === 3) return 1.2;
  return core / 2.7;
}

/** The reference definition: every piece found and priced by regex. */
export function estimateTokensByRegex(text: string): number {
  if (text.length === 0) return 0;
  let total = 0;
  PIECE.lastIndex = 0;
  for (let m = PIECE.exec(text); m !== null; m = PIECE.exec(text)) total += pieceCost(m[0]);
  return Math.max(1, Math.round(total));
}

// Character classes of ASCII codes as PIECE sees them; anything >= 128 goes to the regex.
const LETTER_CLASS = 1;
const DIGIT_CLASS = 2;
const SPACE_CLASS = 3;
const OTHER_CLASS = 4;
const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  ASCII_CLASS[c] = /\p{L}/u.test(ch) ? LETTER_CLASS : /\p{N}/u.test(ch) ? DIGIT_CLASS : /\s/u.test(ch) ? SPACE_CLASS : OTHER_CLASS;
}

/** Class of the code unit at `i`: 0 for non-ASCII, -1 past the end. */
function classAt(text: string, i: number): number {
  if (i >= text.length) return -1;
  const c = text.charCodeAt(i);
  return c < 128 ? ASCII_CLASS[c] : 0;
}

/** End of the run of `cls` characters from `i`; -1 when the run stops at a non-ASCII character. */
function runEnd(text: string, i: number, cls: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c >= 128) return -1;
    if (ASCII_CLASS[c] !== cls) return i;
    i++;
  }
  return n;
}

function isContractionLetter(c: number): boolean {
  // s d m t, either case ("'S" matches: the pattern is case-insensitive).
  const l = c | 32;
  return l === 115 || l === 100 || l === 109 || l === 116;
}

/**
 * Cost and end of the ASCII-decidable piece at `p`, written into `piece`; false when deciding
 * it needs a non-ASCII character (then the regex takes that piece).
 */
const piece = { end: 0, cost: 0 };
function asciiPiece(text: string, p: number): boolean {
  const cls = classAt(text, p);
  const c = text.charCodeAt(p);
  if (cls === LETTER_CLASS) {
    const q = runEnd(text, p + 1, LETTER_CLASS);
    if (q < 0) return false;
    piece.end = q;
    piece.cost = wordCost(q - p);
    return true;
  }
  if (cls === DIGIT_CLASS) {
    piece.end = p + 1;
    piece.cost = 1;
    return true;
  }
  if (cls === 0) return false;
  const next = classAt(text, p + 1);
  if (next === 0) return false;
  if (c === 39 /* ' */ && next === LETTER_CLASS) {
    const d = text.charCodeAt(p + 1);
    if (isContractionLetter(d)) {
      piece.end = p + 2;
      piece.cost = 1;
      return true;
    }
    const after = classAt(text, p + 2);
    if (after === 0) return false;
    if (after === LETTER_CLASS) {
      const pair = String.fromCharCode(d | 32, text.charCodeAt(p + 2) | 32);
      if (pair === 'll' || pair === 've' || pair === 're') {
        piece.end = p + 3;
        piece.cost = 1;
        return true;
      }
    }
  }
  // [^\r\n\p{L}\p{N}]?\p{L}+ : one sign or space glued to a word.
  if (next === LETTER_CLASS && c !== 10 && c !== 13) {
    const q = runEnd(text, p + 2, LETTER_CLASS);
    if (q < 0) return false;
    piece.end = q;
    piece.cost = wordCost(q - p);
    return true;
  }
  // ' ?[^\s\p{L}\p{N}]+[\r\n]*' : a punctuation run, maybe after a space, with its newlines.
  if (cls === OTHER_CLASS || (c === 32 && next === OTHER_CLASS)) {
    const from = cls === OTHER_CLASS ? p : p + 1;
    const q = runEnd(text, from + 1, OTHER_CLASS);
    if (q < 0) return false;
    let r = q;
    for (let d = text.charCodeAt(r); r < text.length && (d === 10 || d === 13); d = text.charCodeAt(++r));
    piece.end = r;
    piece.cost = r - p === 1 ? 1 : punctuationCost(q - from);
    return true;
  }
  // Whitespace: \s*[\r\n]+ (up to the last line break of the run), else \s+(?!\S), else \s+.
  const w = runEnd(text, p + 1, SPACE_CLASS);
  if (w < 0) return false;
  let end = -1;
  for (let j = w - 1; j >= p; j--) {
    const d = text.charCodeAt(j);
    if (d === 10 || d === 13) {
      end = j + 1;
      break;
    }
  }
  if (end < 0) end = w === text.length || w - p < 2 ? w : w - 1;
  piece.end = end;
  // A run opening with \v or \f is priced by the general rule (it is not a "whitespace run" there).
  piece.cost = end - p === 1 || c === 32 || c === 10 || c === 13 || c === 9 ? 1 : pieceCost(text.slice(p, end));
  return true;
}

/** Approximate number of BPE tokens in `text` (0 for ''); equals estimateTokensByRegex. */
export function estimateTokens(text: string): number {
  const n = text.length;
  if (n === 0) return 0;
  let total = 0;
  let p = 0;
  while (p < n) {
    // Inline fast lane for the most common pieces: "word", " word" and a digit.
    const c = text.charCodeAt(p);
    if (c < 128) {
      const cls = ASCII_CLASS[c];
      if (cls === DIGIT_CLASS) {
        total += 1;
        p++;
        continue;
      }
      const next = classAt(text, p + 1);
      const wordFrom = cls === LETTER_CLASS ? p + 1 : c === 32 && next === LETTER_CLASS ? p + 2 : -1;
      if (wordFrom >= 0) {
        const q = runEnd(text, wordFrom, LETTER_CLASS);
        if (q >= 0) {
          total += wordCost(q - p);
          p = q;
          continue;
        }
      }
      // One sign before a space or digit (", " "=1"), or one space before a digit: 1 each.
      if ((cls === OTHER_CLASS && c !== 39 && (next === DIGIT_CLASS || text.charCodeAt(p + 1) === 32)) || (c === 32 && next === DIGIT_CLASS)) {
        total += 1;
        p++;
        continue;
      }
    }
    if (asciiPiece(text, p)) {
      total += piece.cost;
      p = piece.end;
      continue;
    }
    PIECE.lastIndex = p;
    const m = PIECE.exec(text);
    if (m === null) break;
    total += pieceCost(m[0]);
    p = PIECE.lastIndex;
  }
  return Math.max(1, Math.round(total));
}
