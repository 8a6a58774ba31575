/**
 * Answer extraction from model text: final answers, answers stated inside
 * an episode of thinking, gold answers of benchmarks, and forced-answer probes.
 * Rules and cue lists are documented in docs/answers.md. Pure; never throws.
 */
import { cleanProseValue, lastConclusion, readValue, type ConclusionHow } from './conclusions';
import { BOXED_COMMAND, allBoxed, cleanAnswerText, lastBoxed } from './boxed';
import { matchingBrace } from './latex';
import { rememberedByText } from '../memo';
import { normalizeAnswer } from './normalize';
import { parseExactRational, rationalKey } from './exact';
import { cachedQuestionTarget, type QuestionTarget } from './question-target';
import { answerCandidates, candidateScore, type AnswerCandidate } from './answer-features';
import { ANSWER_WEIGHTS, type AnswerModel } from './answer-weights';

export { cleanAnswerText, lastBoxed } from './boxed';

export type ExtractionRule = 'boxed' | 'final-answer-is' | 'answer-colon' | 'gsm8k' | 'bold' | 'last-number';

export interface ExtractedAnswer {
  answer: string;
  how: ExtractionRule;
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
// "I think 505 is the answer.", "it seems that 80 is the answer"
const VALUE_IS_ANSWER_CUE = /(?:^|[\s(:])(\$?-?\d[\d,]*(?:\.\d+)?(?:\/\d+)?%?)\s+is (?:the|my) (?:final |correct |right )?answer\b/g;
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

/** What the caller knows about the episode's problem: it guides the answer's type and target. */
export interface AnswerContext {
  /** The problem text: its question says what is asked ("how many cards", "find m+n"). */
  problem?: string | null;
  /** The gold answer: only its type is used (number, expression, tuple, list, choice letter), never its value. */
  gold?: string | null;
  /**
   * Letters earlier episodes named the asked quantity by (learnAnswerNames, ./answer-names):
   * "x = 30." states the answer when an earlier episode said "Let x be the number of players on the defense".
   */
  names?: readonly string[];
}

export type IntermediateHow = 'boxed' | 'answer-is' | 'therefore-variable' | 'is-the-solution' | ConclusionHow | 'scored';

/**
 * An answer stated in an episode, with where it is. `start`/`end` are UTF-16 offsets into the
 * episode text given to findIntermediateAnswer: `episodeText.slice(start, end)` is the stated
 * value as written (for a box its content, for "$26" the "$26"), so a view can highlight it;
 * add the episode's own offset in the thinking to place it there. `answer` is the cleaned value
 * used for grading (currency, percent and thousands marks dropped as the grader does).
 */
export interface IntermediateAnswer {
  answer: string;
  start: number;
  end: number;
  how: IntermediateHow;
}

type AnswerKind = 'letter' | 'tuple' | 'list' | 'expression' | 'number';

// The kind of a value runs the grader's normaliser; the same values (and the gold) recur in every
// episode of a trace, so kinds are remembered.
const answerKind = rememberedByText(answerKindOf, 20000);

/** The broad type of an answer: what kind of value a stated answer must be to be compared with it. */
function answerKindOf(raw: string): AnswerKind {
  const s = normalizeAnswer(raw).replace(/^[a-zA-Z]\s*\\in\s*/, '');
  if (/^\(?[A-E]\)?$/.test(s)) return 'letter';
  if (/^[([].*,.*[)\]]$/.test(s) && !/\\cup/.test(s)) return 'tuple';
  if (/^[^()[\]{}]*,[^()[\]{}]*$/.test(s) || /\\cup|\\{/.test(s)) return 'list';
  // Greek letters other than π are unknowns: "\\theta/2 + \\phi" is an expression, not a number.
  const plain = s.replace(/\\(alpha|beta|gamma|delta|theta|phi|varphi|psi|omega|lambda|mu|sigma|tau|rho)\b/g, 'x').replace(/\\[a-zA-Z]+/g, '').replace(/^[a-zA-Z](_\{?\w+\}?)?\s*=/, '');
  return /[a-zA-Z]/.test(plain) ? 'expression' : 'number';
}

/** A value of the stated kind may stand for an answer of the gold's kind. */
function kindFits(gold: AnswerKind, stated: AnswerKind): boolean {
  if (gold === stated) return true;
  if (gold === 'expression') return stated === 'number';
  if (gold === 'list') return stated === 'number';
  if (gold === 'letter') return stated === 'number' || stated === 'expression';
  if (gold === 'tuple') return false;
  return false;
}

function typeCheck(ctx: AnswerContext): (value: string) => boolean {
  const gold = typeof ctx.gold === 'string' && ctx.gold.trim() !== '' ? answerKind(ctx.gold) : null;
  return (value: string) => {
    if (!looksLikeAnswer(value.replace(/\\sqrt|sqrt/g, '\\sqrt'))) {
      // Prose values such as "3*sqrt(11)" pass when they are maths only.
      if (!/^[\d\s+\-*/^().,\\a-z{}_√π]+$/i.test(value) || /[a-zA-Z]{3,}/.test(value.replace(/sqrt|frac|pi|cdot|times/g, ''))) return false;
    }
    // "\\binom{4}{2}", "8!": a count still to be worked out, not the number a numeric answer is.
    if (gold === 'number' && /\\binom|\d!|\)!/.test(value)) return false;
    return gold === null || kindFits(gold, answerKind(value));
  };
}

/** Offsets of `value` inside `text`, searched from `from`; the raw region when the cleaned value is not there verbatim. */
function locate(text: string, value: string, from: number, rawEnd: number): { start: number; end: number } {
  const at = text.indexOf(value, from);
  if (at >= 0 && at < rawEnd) return { start: at, end: at + value.length };
  return { start: from, end: Math.max(from, rawEnd) };
}

/** The last box of the episode (its whole line when that line holds several boxes), with its range. */
function lastBoxedAnswer(text: string): IntermediateAnswer | null {
  const answer = boxedOnLastLine(text);
  if (answer === null || answer === '' || answer.length > 120) return null;
  const commands = [...text.matchAll(BOXED_COMMAND)];
  // The last command whose box is complete: a cut-off trailing "\boxed{" is skipped, like lastBoxed does.
  for (let k = commands.length - 1; k >= 0; k--) {
    const at = (commands[k].index ?? 0) + commands[k][0].length;
    let open = at;
    while (text[open] === ' ') open++;
    if (text[open] === '{') {
      const close = matchingBrace(text, open);
      if (close < 0) continue;
      const lineStart = text.lastIndexOf('\n', at) + 1;
      const firstOnLine = commands.find((c) => (c.index ?? 0) >= lineStart);
      let start = open + 1;
      if (answer.includes(', ') && firstOnLine && firstOnLine !== commands[k]) {
        const firstOpen = text.indexOf('{', (firstOnLine.index ?? 0) + firstOnLine[0].length);
        if (firstOpen >= 0) start = firstOpen + 1;
      }
      return { answer, start, end: close, how: 'boxed' };
    }
    const token = /^[^\s$]+/.exec(text.slice(open));
    if (token) return { answer, start: open, end: open + token[0].length, how: 'boxed' };
  }
  return null;
}

/**
 * The answer to the problem that one episode of thinking states last, with its position, or null.
 * A wrong pick becomes a false "incorrect" verdict, so every cue has a reason to be an answer:
 * - `boxed`: `\boxed{X}` (the last box; several on one line are one list answer);
 * - `answer-is`: "(the) (final) answer is / should be / would be / must be / will be X", and
 *   "X is the answer" (a leading choice label is dropped: "the answer is E: \(X\)" gives X);
 * - `therefore-variable`: "Therefore / Thus / Hence, v = X." with a plain value closing the sentence;
 * - `is-the-solution`: "x = 5 is the solution";
 * - conclusion statements (./conclusions), which need `ctx.problem` to know what is asked:
 *   `asked-symbol` "m + n + p = 462 + 40 + 3 = 505" (the question asks m+n+p),
 *   `conclusion` "Therefore, the slope is -2." (the subject names the asked quantity),
 *   `count` "So he responds to 320 emails." (the value carries the asked unit: how many emails,
 *   how much money, how long), `rounded` "Rounded to the nearest hundredth, that's 6.17%."
 * The value read for a prose cue closes its sentence; units and currency are stripped the way
 * the grader does (normalizeAnswer). Rejected: questions, hedged sentences (if, maybe, perhaps,
 * suppose, not, ...), values rejected right after ("but that seems too small", "Wait, no"),
 * rates when a total is asked ("64 emails a day"), the problem's own numbers restated without
 * working, values with words, and values whose type does not fit `ctx.gold` (a number, an
 * expression, a tuple or interval, a list, a choice letter: only the type, never the value).
 * When several cues fire, the one stated last in the episode wins.
 */
export function findRuleAnswer(episodeText: string, ctx: AnswerContext = {}): IntermediateAnswer | null {
  if (typeof episodeText !== 'string' || episodeText.trim() === '') return null;
  const text = episodeText;
  const fits = typeCheck(ctx);
  const found: IntermediateAnswer[] = [];

  const boxed = lastBoxedAnswer(text);
  if (boxed !== null) found.push(boxed);

  if (ANSWER_CUE_NEEDS.test(text)) for (const m of text.matchAll(ANSWER_CUE)) {
    const at = m.index ?? 0;
    const restAt = at + m[0].length;
    const value = valueAfterCue(text.slice(restAt));
    // "the answer is E: \\(X\\)" states the value X of choice E.
    const unlabeled = value.replace(/^\(?[A-E]\)?\s*[:.]\s+(?=\S)/, '');
    const raw = valueAfterCue(unlabeled).split(/,\s+(?:which|since|because|so|but)\b/)[0];
    let accepted = acceptStated(text, at, raw);
    let rawAt = text.indexOf(raw, restAt);
    if (accepted === null && !HEDGES.test(sentenceAround(text, at).sentence.slice(0, Math.max(0, at - sentenceAround(text, at).start)))) {
      // "the answer is 80 cents per burger": the value, then units.
      const lead = text.slice(restAt).search(/\S/);
      const span = lead >= 0 ? readValue(text, restAt + lead) : null;
      if (span && closesUnits(text.slice(span.end))) {
        accepted = cleanProseValue(span.text);
        rawAt = span.start;
      }
    }
    if (accepted !== null && accepted !== '' && fits(accepted)) {
      const where = locate(text, accepted, rawAt < 0 ? restAt : rawAt, (rawAt < 0 ? restAt : rawAt) + Math.max(raw.length, accepted.length + 2));
      found.push({ answer: accepted, ...where, how: 'answer-is' });
    }
  }
  if (text.includes('answer')) for (const m of text.matchAll(VALUE_IS_ANSWER_CUE)) {
    const valueAt = (m.index ?? 0) + m[0].indexOf(m[1]);
    const { sentence, start } = sentenceAround(text, valueAt);
    if (/\?\s*$/.test(sentence.trim()) || HEDGES.test(text.slice(start, valueAt))) continue;
    const answer = cleanProseValue(m[1]);
    if (answer !== '' && fits(answer)) found.push({ answer, start: valueAt, end: valueAt + m[1].length, how: 'answer-is' });
  }

  const asked = typeof ctx.problem === 'string' && ctx.problem.trim() !== '' ? withNames(cachedQuestionTarget(ctx.problem), ctx.names) : null;
  if (CONCLUSION_CUE_NEEDS.test(text)) for (const m of text.matchAll(CONCLUSION_CUE)) {
    const at = (m.index ?? 0) + m[0].search(/[A-Z]/);
    const valueAt = (m.index ?? 0) + m[0].length;
    const rest = text.slice(valueAt);
    // The value must close the sentence: "Therefore, m = 6." but not "Thus, D = 0, which means ...".
    const closing = /^([^\n]*?)\s*(?:\.\s|\.$|$|\n)/.exec(rest);
    if (!closing) continue;
    // "Therefore, r = ID = 3*sqrt(11).": names of the same quantity, then its value.
    const chain = closing[1].split('=');
    const valueOffset = chain.length > 1 && chain.slice(0, -1).every((side) => /^\s*[A-Za-z]{1,3}\s*$/.test(side)) ? closing[1].lastIndexOf('=') + 1 : 0;
    const raw = closing[1].slice(valueOffset);
    // A value that still names a variable is a step, not an answer ("x = 2y + 1").
    if (/[a-zA-Z]/.test(raw.replace(/\\[a-zA-Z]+/g, '').replace(/sqrt/g, ''))) continue;
    if (/[=<>,;±≈]|\\pm|\\approx/.test(raw)) continue;
    // With a question at hand, "Thus, d = 1 + 542/288" names another unknown when the question asks for others.
    if (asked !== null && asked.symbols.length > 0 && !asked.symbols.includes(m[1])) continue;
    const value = cleanProseValue(raw);
    const accepted = acceptStated(text, at, value);
    if (accepted !== null && fits(accepted)) found.push({ answer: accepted, ...locate(text, closing[1].slice(valueOffset).trim(), valueAt, valueAt + closing[1].length), how: 'therefore-variable' });
  }

  if (text.includes(IS_SOLUTION_CUE_NEEDS)) for (const m of text.matchAll(IS_SOLUTION_CUE)) {
    const accepted = acceptStated(text, m.index ?? 0, m[2]);
    if (accepted !== null && fits(accepted)) found.push({ answer: accepted, ...locate(text, accepted, m.index ?? 0, (m.index ?? 0) + m[0].length), how: 'is-the-solution' });
  }

  if (asked !== null) {
    const conclusion = lastConclusion(text, asked, fits);
    if (conclusion !== null) found.push(conclusion);
  }

  let best: IntermediateAnswer | null = null;
  for (const candidate of found) if (best === null || candidate.start > best.start) best = candidate;
  return best;
}

/** The rule pick and every candidate of an episode with its features (for the scorer and for fitting it); null without a problem. */
export function scoredCandidates(episodeText: string, ctx: AnswerContext): { rule: IntermediateAnswer | null; candidates: AnswerCandidate[] } | null {
  const rule = findRuleAnswer(episodeText, ctx);
  if (typeof ctx.problem !== 'string' || ctx.problem.trim() === '' || typeof episodeText !== 'string' || episodeText.trim() === '') return null;
  const target = withNames(cachedQuestionTarget(ctx.problem), ctx.names);
  return { rule, candidates: answerCandidates(episodeText, target, typeCheck(ctx), rule) };
}

/**
 * The answer to the problem that one episode states, or null (issue 11, fourth round). Without a
 * problem, the rules alone (findRuleAnswer, text cues). With one, every value the episode writes is a
 * candidate (./answer-features) scored by a logistic model fitted on the hand-labelled sets
 * (./answer-weights, scripts/answer-labels/fit-scorer.ts); the value with the most probability
 * (summed over the places the episode writes it, since the fifth round) is the answer when that
 * reaches the fitted threshold. The rule reader's pick is one of the model's features;
 * when the chosen candidate is the rule's pick, the rule's result (and its `how`) is returned.
 */
export function findIntermediateAnswer(episodeText: string, ctx: AnswerContext = {}): IntermediateAnswer | null {
  const scored = scoredCandidates(episodeText, ctx);
  if (scored === null) return findRuleAnswer(episodeText, ctx);
  return chooseAnswer(scored.candidates, scored.rule, ANSWER_WEIGHTS);
}

/**
 * The answer the candidates put forward: the value with the most probability mass (the model is
 * fitted to put the mass on the label's value, which an episode may write several times: "6 / 3 =
 * 2. … → 2. Yeah, 2 people end up accepting."), when that mass reaches the threshold. The value's
 * place is its best-scored occurrence (ties: the later one); the rule's own result when the rule's
 * pick is one of the value's occurrences.
 */
export function chooseAnswer(candidates: readonly AnswerCandidate[], rule: IntermediateAnswer | null, model: AnswerModel): IntermediateAnswer | null {
  const best = bestValue(candidates, model);
  if (best === null) return null;
  const isRule = rule !== null && best.occurrences.some((c) => c.start < rule.end && rule.start < c.end);
  if (best.p < (isRule ? model.ruleThreshold : model.threshold)) return null;
  if (isRule) return rule;
  return { answer: best.top.answer, start: best.top.start, end: best.top.end, how: 'scored' };
}

/**
 * One key per value: an exact rational ("216 / 816", "9/34", "0.3125" = "5/16") by its reduced
 * form, anything else by its text. Equal keys are equivalent answers; an episode that simplifies
 * its result ("216 / 816 … simplifies to 9/34") writes one value twice.
 */
const valueKey = rememberedByText((answer: string): string => {
  // Candidates are cleaned already: only plain numbers and fractions need a look ("(-120)/288", "\\frac{9}{34}").
  if (!/^[-\d\s./()\\{}frac]+$/.test(answer)) return answer;
  const r = parseExactRational(answer.replace(/\s+/g, '').replace(/^\((-?\d+)\)\//, '$1/'));
  return r === null ? answer : `q:${rationalKey(r)}`;
}, 20000);

/** The probability of the best value (see bestValue), 0 without candidates. */
export function bestProbability(candidates: readonly AnswerCandidate[], model: AnswerModel): number {
  return bestValue(candidates, model)?.p ?? 0;
}

/**
 * The value with the most mass and its probability: for a 'choice' model the summed share of its
 * occurrences against the others and "no answer" (softmax with the no-answer score 0); for a
 * 'logistic' model its best occurrence's own sigmoid.
 */
export function bestValue(candidates: readonly AnswerCandidate[], model: AnswerModel): { p: number; top: AnswerCandidate; occurrences: AnswerCandidate[] } | null {
  if (candidates.length === 0) return null;
  const z = candidates.map((c) => candidateScore(c.features, model.weights));
  const top = Math.max(...z);
  const byValue = new Map<string, { mass: number; topZ: number; top: AnswerCandidate; occurrences: AnswerCandidate[] }>();
  const shift = Math.max(0, top);
  let sum = Math.exp(-shift);
  candidates.forEach((c, i) => {
    const e = Math.exp(z[i] - shift);
    sum += e;
    const key = valueKey(c.answer);
    const v = byValue.get(key);
    if (v === undefined) byValue.set(key, { mass: e, topZ: z[i], top: c, occurrences: [c] });
    else {
      v.mass += e;
      v.occurrences.push(c);
      // Ties go to the later occurrence: the episode's last word on it.
      if (z[i] >= v.topZ) {
        v.topZ = z[i];
        v.top = c;
      }
    }
  });
  // A 'logistic' model ranks values by their best occurrence's score, a 'choice' model by their mass.
  const weight = (v: { mass: number; topZ: number }) => (model.kind === 'logistic' ? v.topZ : v.mass);
  let best: { mass: number; topZ: number; top: AnswerCandidate; occurrences: AnswerCandidate[] } | null = null;
  for (const v of byValue.values()) {
    // Ties go to the value written later.
    if (best === null || weight(v) > weight(best) || (weight(v) === weight(best) && v.top.start > best.top.start)) best = v;
  }
  if (best === null) return null;
  const p = model.kind === 'logistic' ? 1 / (1 + Math.exp(-best.topZ)) : best.mass / sum;
  return { p, top: best.top, occurrences: best.occurrences };
}

// One target per set of names (an episode's names change rarely): rebuilt targets would lose the per-target regex cache.
let lastNamed: { base: QuestionTarget; key: string; target: QuestionTarget } | null = null;
/** The question's target with the letters earlier episodes named the asked quantity by. */
function withNames(target: QuestionTarget, names: readonly string[] | undefined): QuestionTarget {
  const extra = (names ?? []).filter((n) => !target.symbols.includes(n));
  if (extra.length === 0) return target;
  const key = extra.join('\u0000');
  if (lastNamed === null || lastNamed.base !== target || lastNamed.key !== key) lastNamed = { base: target, key, target: { ...target, symbols: [...target.symbols, ...extra] } };
  return lastNamed.target;
}

/** After a value: nothing but unit words up to the sentence end ("cents per burger."). */
function closesUnits(tail: string): boolean {
  const line = tail.split('\n')[0];
  const stop = /[.!](\s|$)/.exec(line);
  const body = (stop ? line.slice(0, stop.index) : line).trim();
  return body === '' || /^([a-zA-Z]+\s*){1,5}$/.test(body);
}

/**
 * The answer an episode states, or null: `findIntermediateAnswer(...)?.answer`. Without
 * `ctx.problem` only the cue-word rules run (boxed, "the answer is", "Therefore, v = X",
 * "x = 5 is the solution").
 */
export function extractIntermediateAnswer(episodeText: string, ctx: AnswerContext = {}): string | null {
  return findIntermediateAnswer(episodeText, ctx)?.answer ?? null;
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
