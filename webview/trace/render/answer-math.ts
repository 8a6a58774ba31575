/**
 * An answer (final or gold) as math: `-10,\!000` or `\frac{1}{2}` typeset by KaTeX instead of
 * shown as TeX source. Answers are model text: KaTeX runs with trust off and its HTML goes
 * through the same sanitiser as episode bodies. Prose answers ("160 minutes") stay text.
 */
import { createSanitizer, renderTex, type Sanitizer } from './markdown';

let sanitizer: Sanitizer | null = null;

/** Answers longer than this stay text: a paragraph is not a formula. */
const MAX_MATH = 300;

/**
 * True when the answer reads as TeX or a formula, not prose: no run of three or more letters
 * outside a command (`\frac`) or a `\text{…}`/`\mathrm{…}` group, and not too long.
 */
export function looksLikeMath(answer: string): boolean {
  const a = answer.trim().replace(/^\$+|\$+$/g, '').trim();
  if (a === '' || a.length > MAX_MATH) return false;
  const withoutText = a.replace(/\\(?:text|textbf|mathrm|mathbf|operatorname|mbox)\s*\{[^{}]*\}/g, '').replace(/\\[A-Za-z]+/g, '');
  return !/[A-Za-z]{3,}/.test(withoutText);
}

/** Strips the math delimiters an answer may carry, so KaTeX gets the formula itself. */
function texOf(answer: string): string {
  const a = answer.trim();
  const wrapped = /^\$\$([\s\S]*)\$\$$/.exec(a) ?? /^\$([\s\S]*)\$$/.exec(a) ?? /^\\\(([\s\S]*)\\\)$/.exec(a) ?? /^\\\[([\s\S]*)\\\]$/.exec(a);
  return (wrapped ? wrapped[1] : a).trim();
}

/**
 * The answer as typeset math inside a `<span class="rl-answer-math">` (the TeX source in its
 * title, for copying), or as `<code>` text when it is prose or KaTeX cannot parse it.
 */
export function answerNode(answer: string, doc: Document = document): HTMLElement {
  if (looksLikeMath(answer)) {
    const html = renderTex(texOf(answer), false);
    if (!html.includes('math-error') && !html.includes('katex-error')) {
      sanitizer ??= createSanitizer(doc.defaultView as Window & typeof globalThis);
      const span = doc.createElement('span');
      span.className = 'rl-answer-math';
      span.title = answer;
      span.appendChild(sanitizer.toFragment(html));
      return span;
    }
  }
  const code = doc.createElement('code');
  code.textContent = answer;
  return code;
}
