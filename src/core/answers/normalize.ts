/**
 * Answer normalisation: the Hendrycks MATH `_strip_string` rules (see
 * notes/algorithms.md §5.6) plus the forms real traces use (thousands
 * separators, \text units, choice letters, base subscripts). Two outputs:
 * - normalizeAnswer: clean LaTeX that still parses (single spaces kept);
 * - compactElement: one list element squeezed for string comparison.
 */
import { cleanAnswerText } from './boxed';
import { outerGroup, replaceCommand, splitTopLevel } from './latex';

/** Commands whose argument is kept as plain text. */
const TEXT_COMMANDS = ['text', 'textbf', 'textit', 'textrm', 'mathrm', 'mathbf', 'mathit', 'mbox', 'operatorname', 'mathsf', 'texttt'];

/** Replace `,` that separate thousands ("1,000", "29,322,216") outside tuple/interval brackets. */
function dropThousandsSeparators(s: string): string {
  return s.replace(/(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,])(?!\.\d)/g, (match, offset: number) => {
    // Inside ( ) or [ ] a comma more likely separates coordinates: "(10,100)".
    let depth = 0;
    for (let i = 0; i < offset; i++) {
      const ch = s[i];
      if (ch === '\\') {
        i++;
        continue;
      }
      if (ch === '(' || ch === '[') depth++;
      else if (ch === ')' || ch === ']') depth--;
    }
    return depth > 0 ? match : match.replace(/,/g, '');
  });
}

/** Trailing unit words after a numeric value: "5225 cubic inches", "15 cm^2", "30 degrees". */
function dropTrailingUnits(s: string): string {
  const m = /^(.*?[\d}.)])\s*((?:[a-zA-Z]{2,}\s*)+)(\^\{?[23]\}?)?$/.exec(s);
  if (!m) return s;
  const value = m[1];
  const words = m[2].trim().split(/\s+/);
  if (words.some((w) => /^(or|and|to|i)$/i.test(w))) return s;
  // The value part must be a number-like expression (letters only inside commands).
  if (/[a-zA-Z]/.test(value.replace(/\\[a-zA-Z]+/g, ''))) return s;
  return value.trim();
}

const UNICODE_MATH: Record<string, string> = {
  '²': '^2', '³': '^3', '⁴': '^4', 'π': '\\pi ', '×': '\\times ', '·': '\\cdot ', '⋅': '\\cdot ', '−': '-', '–': '-',
  '÷': '/', '≤': '\\le ', '≥': '\\ge ', '∞': '\\infty ', '±': '\\pm ', '∪': '\\cup ',
};

/** Plain-text maths that models write outside LaTeX: x², 4√34, √(x+1), π, ≤. */
function replaceUnicodeMath(s: string): string {
  let out = s.replace(/√\s*\(([^()]*)\)/g, '\\sqrt{$1}').replace(/√\s*(\d+(?:\.\d+)?|[a-zA-Z])/g, '\\sqrt{$1}').replace(/√/g, '\\sqrt');
  out = out.replace(/[²³⁴π×·⋅−–÷≤≥∞±∪]/g, (ch) => UNICODE_MATH[ch] ?? ch);
  return out;
}

/**
 * Clean LaTeX for an answer, keeping its meaning: wrappers ($, \(\), \[\],
 * \boxed{}), spacing commands, \left/\right, dfrac/tfrac, degrees, \$,
 * percent, \text{} and units, thousands separators, \frac12 and \sqrt3
 * shorthands, leading ".5".
 */
export function normalizeAnswer(raw: string): string {
  if (typeof raw !== 'string') return '';
  let s = cleanAnswerText(raw.replace(/\r?\n/g, ' '));
  s = s.replace(/\\displaystyle/g, '');
  s = replaceUnicodeMath(s);
  // Thousands separators written for print: 29,\!322 and 1{,}000.
  s = s.replace(/(\d),\\!\s*(?=\d)/g, '$1').replace(/(\d)\{,\}(?=\d)/g, '$1');
  // (?<!\\) keeps the row break "\\" of matrices intact.
  s = s.replace(/(?<!\\)\\!/g, '');
  s = s.replace(/(?<!\\)\\[,;:> ]/g, ' ').replace(/\\q?quad(?![a-zA-Z])/g, ' ').replace(/~/g, ' ');
  s = s.replace(/\\[dt]frac(?![a-zA-Z])/g, '\\frac');
  s = s.replace(/\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|big|Big|bigg|Bigg)(?![a-zA-Z])\.?/g, '');
  s = s.replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ|°|\\degree(?![a-zA-Z])/g, '');
  s = s.replace(/\\\$/g, '').replace(/\$/g, '');
  s = s.replace(/\\%|%/g, '');
  s = s.replace(/\\text\{\s*(or|and)\s*\}/g, ' $1 ');
  for (const cmd of TEXT_COMMANDS) s = replaceCommand(s, cmd, (inner) => ` ${inner} `);
  s = s.replace(/\s+/g, ' ').trim();
  s = s.replace(/\s*\b(?:degrees?|percent|dollars?)\b\s*$/i, '');
  s = dropTrailingUnits(s);
  s = dropThousandsSeparators(s);
  s = s.replace(/\\frac\s*(\d)\s*(\d)/g, '\\frac{$1}{$2}');
  s = s.replace(/\\frac\s*(\d)\s*\{/g, '\\frac{$1}{');
  s = s.replace(/\\frac\s*\{([^{}]*)\}\s*(\d)/g, '\\frac{$1}{$2}');
  s = s.replace(/\\sqrt\s*(\d|[a-zA-Z](?![a-zA-Z]))/g, '\\sqrt{$1}');
  s = s.replace(/(^|[\s{(\[,=+-])\.(\d)/g, '$10.$2');
  s = s.replace(/[.\s]+$/, '').trim();
  return s;
}

/** A lone choice letter "A", "(A)", "A)" -> "A"; null otherwise. Only A–E (lowercase letters are variables). */
export function choiceLetter(s: string): string | null {
  const m = /^\(?([A-E])\)?$/.exec(s.replace(/\s+/g, ''));
  return m ? m[1] : null;
}

/**
 * Squeeze one list element for string comparison: no spaces; "x = 5" -> "5"
 * when the left side is a short name (Hendrycks rule: at most 2 characters,
 * or one letter with a subscript); base subscripts dropped (1011_2 -> 1011);
 * "(A)" -> "A".
 */
export function compactElement(element: string): string {
  let s = element.replace(/\s+/g, '');
  const eq = s.split('=');
  if (eq.length === 2 && (eq[0].length <= 2 || /^[a-zA-Z]_\{?\w+\}?$/.test(eq[0])) && eq[1] !== '') s = eq[1];
  const letter = choiceLetter(s);
  if (letter) return letter;
  const base = /^([0-9A-F]+)_\{?(\d{1,2})\}?$/.exec(s);
  if (base) s = base[1];
  // Mixed number with a space "137 \frac{1}{2}" is already squeezed; protect "{}" wrappers around plain values.
  const wrapped = /^\{([^{}]*)\}$/.exec(s);
  if (wrapped) s = wrapped[1];
  return s;
}

export type AnswerShape =
  | { kind: 'scalar'; text: string }
  /** Unordered: a bare list "1, 2" or a set "\{1, 2\}". */
  | { kind: 'list'; items: string[]; set: boolean }
  /** Ordered, with bracket kinds: a tuple, a point or an interval. */
  | { kind: 'group'; open: string; close: string; items: string[] }
  | { kind: 'union'; parts: AnswerShape[] }
  | { kind: 'matrix'; rows: string[][] };


function expandPlusMinus(items: string[]): string[] {
  const out: string[] = [];
  for (const item of items) {
    const parts = splitTopLevel(item, '\\pm');
    if (parts.length === 2 && parts[0].trim() !== '') {
      out.push(`${parts[0]}+${parts[1]}`, `${parts[0]}-${parts[1]}`);
    } else out.push(item);
  }
  return out;
}

/** The structure of a normalised answer: lists, sets, tuples/intervals, unions, matrices, or one scalar. */
export function answerShape(normalized: string): AnswerShape {
  const s = normalized.trim();
  const matrix = /^\\begin\{([pbvBV]?matrix|array)\}(?:\{[^}]*\})?([\s\S]*)\\end\{\1\}$/.exec(s);
  if (matrix) {
    const rows = matrix[2]
      .split(/\\\\/)
      .map((r) => r.trim())
      .filter((r) => r !== '')
      .map((r) => r.split('&').map((c) => c.trim()));
    return { kind: 'matrix', rows };
  }
  const unionParts = splitTopLevel(s, '\\cup');
  if (unionParts.length > 1) return { kind: 'union', parts: unionParts.map((p) => answerShape(p.trim())) };
  // "x \in [-2,7]" -> the interval.
  const member = /^[a-zA-Z]\s*\\in\s*(.+)$/.exec(s);
  if (member) return answerShape(member[1]);
  const group = outerGroup(s);
  if (group) {
    const items = splitTopLevel(group.inner, ',').map((x) => x.trim());
    if (group.open === '\\{') return { kind: 'list', items: expandPlusMinus(items), set: true };
    // Plain braces only group in LaTeX: "{1, 2}" reads as the list "1, 2".
    if (group.open === '{' && group.close === '}' && items.length >= 2) return { kind: 'list', items: expandPlusMinus(items), set: false };
    if (items.length >= 2) return { kind: 'group', open: group.open, close: group.close, items };
    if (group.open === '{' && group.close === '}') return answerShape(group.inner);
    return { kind: 'scalar', text: s };
  }
  const items = expandPlusMinus(splitTopLevel(s, ',').map((x) => x.trim()));
  if (items.length >= 2) return { kind: 'list', items, set: false };
  return { kind: 'scalar', text: s };
}
