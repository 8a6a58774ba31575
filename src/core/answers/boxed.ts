/**
 * Boxed answers and answer-text tidying, shared by extraction and normalisation (kept apart from
 * ./extract so that ./normalize can use them without an import cycle). Pure; never throws.
 */
import { matchingBrace } from './latex';

export const BOXED_COMMAND = /\\(?:boxed|fbox|framebox)(?![a-zA-Z])/g;

/** Content of every complete `\boxed{...}` / `\fbox{...}` / `\boxed 5` in order of appearance. */
export function allBoxed(text: string): string[] {
  const found: string[] = [];
  // Every command above contains "box": most episodes have none, and this scan is far cheaper.
  if (!text.includes('box')) return found;
  for (const m of text.matchAll(BOXED_COMMAND)) {
    let i = (m.index ?? 0) + m[0].length;
    if (text[i] === '{') {
      const close = matchingBrace(text, i);
      if (close > 0) found.push(text.slice(i + 1, close));
      continue;
    }
    // Hendrycks form "\boxed 5": one token after a space, up to whitespace or "$".
    if (text[i] !== ' ') continue;
    while (text[i] === ' ') i++;
    if (text[i] === '{') {
      const close = matchingBrace(text, i);
      if (close > 0) found.push(text.slice(i + 1, close));
      continue;
    }
    const token = /^[^\s$]+/.exec(text.slice(i));
    if (token) found.push(token[0]);
  }
  return found;
}

/**
 * Content of the last complete `\boxed{...}` (or `\fbox{...}`, or `\boxed 5`),
 * nested braces of any depth. An unclosed trailing `\boxed{` (cut-off text) is
 * skipped in favour of the last complete one. Null when there is none.
 */
export function lastBoxed(text: string): string | null {
  if (typeof text !== 'string') return null;
  const all = allBoxed(text);
  return all.length > 0 ? all[all.length - 1].trim() : null;
}

/**
 * Tidy an answer cut out of prose: drop "I hope it is correct", `$...$`,
 * `\(...\)`, `\[...\]`, bold markers and trailing punctuation.
 */
export function cleanAnswerText(raw: string): string {
  let s = raw.trim();
  s = s.replace(/\.?\s*I hope it is correct\.?\s*$/i, '').trim();
  for (let pass = 0; pass < 4; pass++) {
    const before = s;
    s = s.replace(/^\*\*(.*)\*\*$/s, '$1').trim();
    s = s.replace(/^\$\$(.*)\$\$$/s, '$1').trim();
    s = s.replace(/^\$(.*)\$$/s, '$1').trim();
    s = s.replace(/^\\\((.*)\\\)$/s, '$1').trim();
    s = s.replace(/^\\\[(.*)\\\]$/s, '$1').trim();
    // "!" stays: 5! is a factorial, not an exclamation.
    s = s.replace(/[.,;:]+$/, '').trim();
    if (s.startsWith('\\boxed') || s.startsWith('\\fbox')) {
      const inner = lastBoxed(s);
      if (inner !== null && allBoxed(s).length === 1) s = inner;
    }
    if (s === before) break;
  }
  return s;
}

