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
    if (len <= 10) return 1; // includes the leading space or sign
    if (len <= 15) return 1.2;
    return len / 7;
  }
  // punctuation run (possibly with a leading space and trailing newlines)
  const core = piece.replace(/^ |[\r\n]+$/g, '').length;
  if (core <= 2) return 1;
  if (core === 3) return 1.2;
  return core / 2.7;
}

/** Approximate number of BPE tokens in `text` (0 for ''). */
export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  let total = 0;
  PIECE.lastIndex = 0;
  for (let m = PIECE.exec(text); m !== null; m = PIECE.exec(text)) total += pieceCost(m[0]);
  return Math.max(1, Math.round(total));
}
