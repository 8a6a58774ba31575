/**
 * A collapsed card's one-line preview of its episode's text (pure: no DOM). Made for every card
 * that scrolls into view, so it is built from slices of the episode's text instead of through a
 * regular expression's intermediate strings: with `replace(/\s+/g, ' ')` the previews were about
 * half of what the script allocated while a 10,000-episode trace scrolled (docs/webview.md).
 */

/** Characters of the preview (the card's CSS cuts it to the width, with an ellipsis). */
export const PREVIEW_CHARS = 220;

/** JavaScript's `\s`: WhiteSpace and LineTerminator code units. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * The text's first 2 × PREVIEW_CHARS characters with each run of whitespace made one space and
 * both ends trimmed, cut to PREVIEW_CHARS with "…" when longer: the same string as
 * `text.slice(0, 2n).replace(/\s+/g, ' ').trim()` cut at n (the unit test holds it to that).
 */
export function previewText(text: string): string {
  const end = Math.min(text.length, PREVIEW_CHARS * 2);
  let out = '';
  let count = 0;
  /** The preview filled up with more text after it. */
  let full = false;
  let i = 0;
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  // Text from `from` up to the next whitespace run that is not a lone ' ' is copied as one slice.
  let from = i;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (!isSpace(c)) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < end && isSpace(text.charCodeAt(j))) j++;
    if (j === end) break; // whitespace at the end: trimmed
    if (c === 32 && j === i + 1) {
      i = j; // a lone space is already what the run becomes
      continue;
    }
    if (count + (i - from) >= PREVIEW_CHARS) {
      full = true; // this slice fills the preview, and a space and more text follow
      break;
    }
    out += text.slice(from, i) + ' ';
    count += i - from + 1;
    from = i = j;
  }
  // [from, i) is the last slice: up to the end of the (trimmed) text, or the one that filled the preview.
  if (full || count + (i - from) > PREVIEW_CHARS) return `${out}${text.slice(from, from + PREVIEW_CHARS - count)}…`;
  return out + text.slice(from, i);
}
