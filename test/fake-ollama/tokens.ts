/**
 * Word-ish tokenisation for the fake model: leading spaces stick to the next word or
 * punctuation mark (as in BPE vocabularies), runs of newlines are their own tokens, and the
 * given special markers ("<think>", "</think>", harmony tokens) are single tokens.
 * Concatenating the tokens always gives back the input exactly.
 */
const WORDISH = /[^\S\n]*[\p{L}\p{N}_]+|[^\S\n]*[^\s\p{L}\p{N}_]|\n+|[^\S\n]+/gu;

export function tokenize(text: string, specials: readonly string[] = []): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > 0) {
    let at = -1;
    let special = '';
    for (const s of specials) {
      const i = rest.indexOf(s);
      if (i >= 0 && (at < 0 || i < at)) {
        at = i;
        special = s;
      }
    }
    const plain = at < 0 ? rest : rest.slice(0, at);
    out.push(...(plain.match(WORDISH) ?? []));
    if (at < 0) break;
    out.push(special);
    rest = rest.slice(at + special.length);
  }
  return out;
}

export const SPECIAL_TOKENS = [
  '<think>',
  '</think>',
  '<|start|>',
  '<|end|>',
  '<|channel|>',
  '<|message|>',
  '<|return|>',
] as const;
