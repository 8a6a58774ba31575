/**
 * Answer extraction from model text: final answers, answers stated inside
 * an episode of thinking, gold answers of benchmarks, and forced-answer probes.
 * Rules and cue lists are documented in docs/answers.md. Pure; never throws.
 */
import { matchingBrace } from './latex';

export type ExtractionRule = 'boxed' | 'final-answer-is' | 'answer-colon' | 'gsm8k' | 'bold' | 'last-number';

export interface ExtractedAnswer {
  answer: string;
  how: ExtractionRule;
}

const BOXED_COMMAND = /\\(?:boxed|fbox|framebox)(?![a-zA-Z])/g;

/** Content of every complete `\boxed{...}` / `\fbox{...}` / `\boxed 5` in order of appearance. */
function allBoxed(text: string): string[] {
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
 * The last boxed answer; when the line holding it has several distinct boxed
 * values ("The solutions are \boxed{81} and \boxed{256}") they are joined
 * with ", " as one list answer.
 */
function boxedOnLastLine(body: string): string | null {
  const last = lastBoxed(body);
  if (last === null) return null;
  const at = Math.max(body.lastIndexOf('\\boxed'), body.lastIndexOf('\\fbox'), body.lastIndexOf('\\framebox'));
  const lineStart = body.lastIndexOf('\n', at) + 1;
  const lineEndRaw = body.indexOf('\n', at);
  const line = body.slice(lineStart, lineEndRaw < 0 ? body.length : lineEndRaw);
  const values = [...new Set(allBoxed(line).map((v) => cleanAnswerText(v)).filter((v) => v !== ''))];
  return values.length > 1 ? values.join(', ') : cleanAnswerText(last);
}

/** Text after the thinking: after the last `</think>` or `<|end_of_thought|>` if present. */
function responsePart(text: string): string {
  const markers = ['</think>', '<|end_of_thought|>'];
  let cut = -1;
  let len = 0;
  for (const mk of markers) {
    const at = text.lastIndexOf(mk);
    if (at > cut) {
      cut = at;
      len = mk.length;
    }
  }
  return cut >= 0 ? text.slice(cut + len) : text;
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

/** Value after a cue: a `$...$` / `\(...\)` group if it opens right away, else the rest of the line/sentence. */
function valueAfterCue(rest: string): string {
  const r = rest.replace(/^[\s:]+/, '');
  const dollar = /^\$\$?([^$]+)\$\$?/.exec(r);
  if (dollar) return dollar[1];
  const paren = /^\\\(([\s\S]+?)\\\)/.exec(r);
  if (paren) return paren[1];
  const bracket = /^\\\[([\s\S]+?)\\\]/.exec(r);
  if (bracket) return bracket[1];
  const boxed = lastBoxed(r.split('\n')[0]);
  if (boxed !== null && /^\\(boxed|fbox)/.test(r)) return boxed;
  const line = r.split('\n')[0];
  // End at a sentence break ". " (not a decimal point) or "I hope".
  const stop = /(\.\s|\.$|\s+I hope)/.exec(line);
  return stop ? line.slice(0, stop.index) : line;
}

function lastMatch(re: RegExp, text: string): RegExpExecArray | null {
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
  let last: RegExpExecArray | null = null;
  for (let m = g.exec(text); m !== null; m = g.exec(text)) {
    last = m;
    if (m[0].length === 0) g.lastIndex++;
  }
  return last;
}

const NUMBER = /-?\d[\d,]*(?:\.\d+)?(?:\/\d+)?/g;

/**
 * Final answer of a model output. Only the text after `</think>` (or
 * `<|end_of_thought|>`) is read when such a marker is present. Priority:
 * last `\boxed`; "final answer is X"; "Answer: X"; GSM8K "#### X"; a bold
 * `**X**` closing the text; the last number.
 */
export function extractFinalAnswer(text: string): ExtractedAnswer | null {
  if (typeof text !== 'string' || text.trim() === '') return null;
  const body = responsePart(text);

  const boxed = boxedOnLastLine(body);
  if (boxed !== null && boxed !== '') return { answer: boxed, how: 'boxed' };

  const finalIs = lastMatch(/final answer\s*(?:is|:)\s*/i, body);
  if (finalIs) {
    const v = cleanAnswerText(valueAfterCue(body.slice(finalIs.index + finalIs[0].length)));
    if (v !== '') return { answer: v, how: 'final-answer-is' };
  }

  const answerColon = lastMatch(/\banswer\s*(?:\*\*)?\s*[:：]\s*(?:\*\*)?/i, body);
  if (answerColon) {
    const v = cleanAnswerText(valueAfterCue(body.slice(answerColon.index + answerColon[0].length)));
    if (v !== '') return { answer: v, how: 'answer-colon' };
  }

  const gsm = lastMatch(/####\s*([^\n]+)/, body);
  if (gsm) {
    const v = cleanAnswerText(gsm[1]).replace(/(\d),(?=\d{3}\b)/g, '$1');
    if (v !== '') return { answer: v, how: 'gsm8k' };
  }

  const bold = /\*\*([^*\n]{1,80})\*\*[\s.!]*$/.exec(body);
  if (bold) {
    const v = cleanAnswerText(bold[1]);
    if (v !== '') return { answer: v, how: 'bold' };
  }

  const numbers = body.match(NUMBER);
  if (numbers && numbers.length > 0) {
    const v = numbers[numbers.length - 1].replace(/(\d),(?=\d{3}\b)/g, '$1').replace(/,+$/, '');
    if (v !== '' && v !== '-') return { answer: v, how: 'last-number' };
  }
  return null;
}

/** Words that make a sentence hypothetical or a question: "if the answer is 5", "maybe x = 3". */
const HEDGES = /\b(if|maybe|perhaps|suppose|supposing|assume|assuming|might|could|whether|wonder|not|isn't|wasn't|guess|probably|expect|expected|unless|instead of|rather than)\b/i;

/** A stated value must look like a short math answer, not prose. */
function looksLikeAnswer(v: string): boolean {
  if (v.length === 0 || v.length > 60) return false;
  if (v.includes('?')) return false;
  const withoutCommands = v.replace(/\\[a-zA-Z]+/g, ' ').replace(/\\text\{[^}]*\}/g, ' ');
  const words = withoutCommands.match(/[a-zA-Z]{3,}/g) ?? [];
  if (words.length > 0) return false;
  return /[0-9]/.test(v) || /\\(frac|sqrt|pi|infty)/.test(v) || /^\(?[A-E]\)?$/.test(v);
}

/** The sentence of `text` that contains position `at` (split on ". ", "! ", "? " and newlines). */
function sentenceAround(text: string, at: number): { sentence: string; start: number } {
  let start = 0;
  for (let i = at - 1; i >= 0; i--) {
    const ch = text[i];
    if (ch === '\n' || ((ch === '.' || ch === '!' || ch === '?') && /\s/.test(text[i + 1] ?? ''))) {
      start = i + 1;
      break;
    }
  }
  const tail = /(\n|[.!?](\s|$))/.exec(text.slice(at));
  const end = tail ? at + tail.index + 1 : text.length;
  return { sentence: text.slice(start, end), start };
}

const ANSWER_CUE = /\b(?:final )?answer (?:is|should be|would be|must be|will be)\s*[:]?\s*/gi;
// "So, a = 6" mostly names a sub-result; only the stronger openers count, for one plain variable.
const CONCLUSION_CUE = /(?:^|[.\n]\s*)(?:Therefore|Thus|Hence)\s*,?\s*(?:the (?:value of |solution is )?)?([a-zA-Z])\s*=\s*/gm;
const IS_SOLUTION_CUE = /\b([a-zA-Z])\s*=\s*([^\s,]+)\s+is the (?:solution|answer)\b/g;
// Literal text each cue above needs (same case rules): an episode without it skips that cue's
// scan, which costs far more than this one (the cues open with \b or a class, so the regex
// engine cannot look for a fixed first character).
const ANSWER_CUE_NEEDS = /answer /i;
const CONCLUSION_CUE_NEEDS = /Therefore|Thus|Hence/;
const IS_SOLUTION_CUE_NEEDS = 'is the ';

/** Keep a value only if the sentence stating it is not hedged and the value is a short math answer. */
function acceptStated(text: string, cueAt: number, value: string): string | null {
  const { sentence, start } = sentenceAround(text, cueAt);
  if (/\?\s*$/.test(sentence.trim())) return null;
  if (HEDGES.test(text.slice(start, cueAt))) return null;
  const v = cleanAnswerText(value);
  return looksLikeAnswer(v) ? v : null;
}

/**
 * An answer stated inside one episode of thinking, or null. Conservative on
 * purpose (a wrong pick becomes a false "incorrect" verdict). Cues, strongest first:
 * 1. `\boxed{X}` (last one in the episode);
 * 2. "(the) (final) answer is / should be / would be / must be / will be X";
 * 3. a sentence opening with "So / Therefore / Thus / Hence" that sets a single
 *    variable: "Therefore, m = 6.";
 * 4. "x = 5 is the solution / answer".
 * Rejected: questions, hedged sentences (if, maybe, perhaps, suppose, not, ...),
 * values longer than 60 characters, values with words, values with no digit or
 * math command, and for cue 3 values that still contain a variable.
 */
export function extractIntermediateAnswer(episodeText: string): string | null {
  if (typeof episodeText !== 'string' || episodeText.trim() === '') return null;
  const text = episodeText;

  const boxed = boxedOnLastLine(text);
  if (boxed !== null && boxed !== '' && boxed.length <= 120) return boxed;

  let best: string | null = null;
  if (ANSWER_CUE_NEEDS.test(text)) for (const m of text.matchAll(ANSWER_CUE)) {
    const at = m.index ?? 0;
    const value = valueAfterCue(text.slice(at + m[0].length));
    // "the answer is E: \\(X\\)" states the value X of choice E.
    const unlabeled = value.replace(/^\(?[A-E]\)?\s*[:.]\s+(?=\S)/, '');
    const accepted = acceptStated(text, at, valueAfterCue(unlabeled).split(/,\s+(?:which|since|because|so|but)\b/)[0]);
    if (accepted !== null) best = accepted;
  }
  if (best !== null) return best;

  if (CONCLUSION_CUE_NEEDS.test(text)) for (const m of text.matchAll(CONCLUSION_CUE)) {
    const at = (m.index ?? 0) + m[0].search(/[A-Z]/);
    const rest = text.slice((m.index ?? 0) + m[0].length);
    // The value must close the sentence: "Therefore, m = 6." but not "Thus, D = 0, which means ...".
    const closing = /^([^\n]*?)\s*(?:\.\s|\.$|$|\n)/.exec(rest);
    if (!closing) continue;
    const value = closing[1];
    // A value that still names a variable is a step, not an answer ("x = 2y + 1").
    const plain = value.replace(/\\[a-zA-Z]+/g, '');
    if (/[a-zA-Z]/.test(plain)) continue;
    if (/[=<>,;±≈]|\\pm|\\approx/.test(value)) continue;
    const accepted = acceptStated(text, at, value);
    if (accepted !== null) best = accepted;
  }
  if (best !== null) return best;

  if (text.includes(IS_SOLUTION_CUE_NEEDS)) for (const m of text.matchAll(IS_SOLUTION_CUE)) {
    const accepted = acceptStated(text, m.index ?? 0, m[2]);
    if (accepted !== null) best = accepted;
  }
  return best;
}

/**
 * Gold answer of a benchmark record: the last `\boxed{}` of a MATH solution,
 * the "#### N" line of a GSM8K solution (commas dropped), else the trimmed
 * text. Numbers (AMC23 stores floats) are written without a trailing ".0".
 */
export function extractGoldAnswer(solutionOrAnswer: string | number): string {
  if (typeof solutionOrAnswer === 'number') return Number.isFinite(solutionOrAnswer) ? String(solutionOrAnswer) : '';
  if (typeof solutionOrAnswer !== 'string') return '';
  const boxed = lastBoxed(solutionOrAnswer);
  if (boxed !== null && boxed !== '') return boxed;
  const gsm = lastMatch(/####\s*([^\n]+)/, solutionOrAnswer);
  if (gsm) return gsm[1].trim().replace(/,/g, '');
  return solutionOrAnswer.trim();
}

/**
 * Answer of a forced-answer probe whose prompt ended inside `\boxed{`
 * (Dynasor rule): the completion up to the first `}` that closes nothing.
 * When the completion has no such brace (for example the `}` was a stop
 * string and got stripped), a short single-line remainder (at most 40
 * characters, balanced braces) is taken as the answer; otherwise null.
 */
export function readForcedAnswer(completion: string): string | null {
  if (typeof completion !== 'string') return null;
  const closed = readToUnbalancedBrace(completion);
  if (closed.found) return closed.answer;
  const v = completion.trim();
  if (closed.balanced && v !== '' && v.length <= 40 && !v.includes('\n')) return v;
  return null;
}

/**
 * The text before the first `}` that no `{` opened (Dynasor's parse of a completion that
 * continues inside `\boxed{`). Escaped braces `\{ \}` are part of the answer. `found` is
 * false when no such brace occurs; `answer` is null when the text before it is empty.
 */
export function readToUnbalancedBrace(completion: string): { found: boolean; answer: string | null; balanced: boolean } {
  let depth = 0;
  for (let i = 0; i < completion.length; i++) {
    const ch = completion[i];
    if (ch === '\\' && i + 1 < completion.length && (completion[i + 1] === '{' || completion[i + 1] === '}')) {
      i++;
      continue;
    }
    if (ch === '{') depth++;
    else if (ch === '}') {
      if (depth === 0) {
        const answer = completion.slice(0, i).trim();
        return { found: true, answer: answer === '' ? null : answer, balanced: true };
      }
      depth--;
    }
  }
  return { found: false, answer: null, balanced: depth === 0 };
}
