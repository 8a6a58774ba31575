/**
 * Conclusion statements in prose thinking: sentences that put a value forward as the answer to
 * the problem ("So, the total time would be 160 minutes.", "Therefore, the slope is -2.",
 * "m + n + p = 462 + 40 + 3 = 505.", "So he responds to 320 emails."), told apart from step
 * values by what the question asks (./question-target). Each found value keeps its character
 * range in the text. Pure; never throws.
 */
import { rememberedByText } from '../memo';
import { normalizeAnswer } from './normalize';
import { GENERIC_HEADS, sameWord, squeezeSymbol, stem, type QuestionTarget } from './question-target';

export interface Sentence {
  start: number;
  end: number;
  text: string;
}

/**
 * Sentences of `text` with their offsets: breaks at ". ", "? ", "! " and line ends, never inside
 * `$…$`, `\(…\)`, `\[…\]` or braces (display maths spans lines).
 */
export function sentencesOf(text: string): readonly Sentence[] {
  // The rule reader and the scorer both split the same episode: the last split is remembered.
  if (lastSplit !== null && lastSplit.text === text) return lastSplit.sentences;
  const sentences = splitSentences(text);
  lastSplit = { text, sentences };
  return sentences;
}

let lastSplit: { text: string; sentences: readonly Sentence[] } | null = null;

function splitSentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  let start = 0;
  let depth = 0;
  let dollar = false;
  const push = (end: number) => {
    const raw = text.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const body = raw.trim();
    if (body !== '') out.push({ start: start + lead, end: start + lead + body.length, text: body });
    start = end;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length) {
      const next = text[i + 1];
      if (next === '(' || next === '[') depth++;
      else if ((next === ')' || next === ']') && depth > 0) depth--;
      i++;
      continue;
    }
    if (ch === '$') {
      // "$26" outside maths is money, not an opening "$".
      const next = text.charCodeAt(i + 1);
      if (dollar || !(next >= 48 && next <= 57)) dollar = !dollar;
      continue;
    }
    if (ch === '{') depth++;
    else if (ch === '}' && depth > 0) depth--;
    if (depth > 0 || dollar) continue;
    if (ch === '\n') {
      // "Thus, the area is\n\[ 16 \]": display maths after a stating word belongs to the sentence.
      const before = text.slice(start, i).trimEnd();
      if (/(\bis|\bare|\bbe|=|:|\bget|\bgives?|\bequals)$/i.test(before) && /^\s*(\\\[|\$\$)/.test(text.slice(i + 1))) continue;
      push(i + 1);
    }
    // "8! = 40320": a "!" after a digit or ")" is a factorial, not the end of a sentence.
    // … but "(n-1)! So, here, n is 9" ends one: a capitalised word follows.
    else if ((ch === '.' || ch === '?' || (ch === '!' && (!isDigitOrParen(text.charCodeAt(i - 1)) || /^!\s+[A-Z][a-z]/.test(text.slice(i, i + 4))))) && (i + 1 === text.length || isSpace(text.charCodeAt(i + 1)))) push(i + 1);
  }
  push(text.length);
  return out;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 160;
}

function isDigitOrParen(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 41;
}

export interface ValueSpan {
  /** Offsets within the sentence. */
  start: number;
  end: number;
  text: string;
}

/** Units and ordinals written against a number. */
const GLUED_UNITS = new Set(['cm', 'mm', 'km', 'kg', 'mg', 'ml', 'th', 'st', 'nd', 'rd', 'am', 'pm', 'ft', 'in', 'min', 'hr', 'hrs', 'lb', 'lbs', 'oz', 'sec', 'mph', 'kph', 'yd', 'mi', 'pts', 'deg', 'rad', 'cal', 'cup', 'gal', 'qt', 'pt', 'mb', 'gb', 'kb', 'sq', 'cu', 'ms', 'ns', 'hz']);
const FUNCTION_WORDS = new Set(['sqrt', 'frac', 'dfrac', 'tfrac', 'pi', 'cdot', 'times', 'sin', 'cos', 'tan', 'log', 'ln', 'infty', 'pm', 'circ', 'left', 'right', 'text', 'mathrm', 'boxed', 'cup', 'binom']);
const CLOSE_OF: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/**
 * A maths value starting at `from` in `s` (a number, fraction, radical, tuple, interval, short
 * expression), or null. Stops at English words, `=`, `<`, `>`, `≈`, a comma or sentence end outside
 * brackets. An inline `$…$` or `\(…\)` group opening at `from` is taken whole.
 */
export function readValue(s: string, from: number): ValueSpan | null {
  let i = from;
  if (s.startsWith('$$', i)) {
    const close = s.indexOf('$$', i + 2);
    if (close > 0) return groupValue(s, i, i + 2, close, close + 2);
  }
  if (s.startsWith('$', i) && !/^\$\d/.test(s.slice(i))) {
    const close = s.indexOf('$', i + 1);
    if (close > i + 1) return groupValue(s, i, i + 1, close, close + 1);
  }
  if (s.startsWith('\\(', i) || s.startsWith('\\[', i)) {
    const closer = s[i + 1] === '(' ? '\\)' : '\\]';
    const close = s.indexOf(closer, i + 2);
    if (close > 0) return groupValue(s, i, i + 2, close, close + 2);
  }
  const stack: string[] = [];
  let end = i;
  let sawDigit = false;
  while (i < s.length) {
    const ch = s[i];
    const rest = s.slice(i);
    let back = i - 1;
    while (back >= from && s[back] === ' ') back--;
    const lastToken = back >= from ? s[back] : '';
    if (/^\d/.test(ch)) {
      const num = /^\d+(?:,\d{3})*(?:\.\d+)?/.exec(rest)!;
      i += num[0].length;
      end = i;
      sawDigit = true;
      continue;
    }
    if (ch === '\\') {
      const cmd = /^\\([a-zA-Z]+)/.exec(rest);
      if (cmd) {
        if (!FUNCTION_WORDS.has(cmd[1]) && cmd[1].length > 1 && !/^(alpha|beta|theta|gamma|omega|dfrac|tfrac|ge|le|ne)$/.test(cmd[1])) break;
        i += cmd[0].length;
        end = i;
        continue;
      }
      if (rest.startsWith('\\{') || rest.startsWith('\\}')) {
        i += 2;
        end = i;
        continue;
      }
      break;
    }
    if (ch === '(' || ch === '[' || ch === '{') {
      stack.push(CLOSE_OF[ch]);
      i++;
      continue;
    }
    if (ch === ')' || ch === ']' || ch === '}') {
      if (stack.length === 0) break;
      stack.pop(); // "[1,2)" closes "[" with ")": intervals mix kinds
      i++;
      end = i;
      continue;
    }
    if (ch === '!' && /[\d)]/.test(s[i - 1] ?? '') && !/^!\s*(\s[A-Z]|$)/.test(rest)) {
      // 8! is a factorial; "is 5!" closing a sentence is taken as an exclamation.
      i++;
      end = i;
      continue;
    }
    if (/[+\-*/^_×·÷−√π%$']/.test(ch) || ch === '²' || ch === '³') {
      i++;
      if (/[π%²³']/.test(ch)) end = i;
      continue;
    }
    if (ch === ',') {
      if (stack.length > 0) {
        i++;
        continue;
      }
      // A thousands separator was consumed with its number; a comma here ends the value.
      break;
    }
    if (ch === ' ') {
      // Spaces only between maths tokens: "3 + 4", "x^3 - 6x^2".
      const next = /^ +(\S)/.exec(rest);
      if (!next) break;
      if (stack.length > 0 || /[+\-*/^×·÷−]/.test(lastToken) || /^[+\-*/^×·÷−)\]]/.test(next[1])) {
        i++;
        continue;
      }
      break;
    }
    if (/[a-zA-Z]/.test(ch)) {
      const word = /^[a-zA-Z]+/.exec(rest)![0];
      if (word.length === 1 || FUNCTION_WORDS.has(word)) {
        i += word.length;
        end = i;
        continue;
      }
      // "-9abc": letters glued to a number are a product of variables, not a unit ("5cm", "6th" are units).
      if (/[\d)]/.test(s[i - 1] ?? '') && /^[a-z]{2,3}$/.test(word) && !GLUED_UNITS.has(word)) return null;
      // "6x^2", "2k": a number times a one-letter variable was handled above; a longer word ends it.
      break;
    }
    break;
  }
  if (stack.length > 0) return null;
  let text = s.slice(from, end);
  // Drop trailing operators the loop kept: "5 +" → "5".
  const trimmed = text.replace(/[\s+\-*/^_×·÷−]+$/, '');
  end = from + trimmed.length;
  text = trimmed;
  if (text === '' || (!sawDigit && !/\\(sqrt|frac|pi)|√|π/.test(text))) return null;
  return { start: from, end, text };
}

/**
 * A maths group `$…$`, `\\(…\\)`, `\\[…\\]` as a value: the whole group, or when it is a chain
 * "3^7 = 729 \\cdot 3 = 2187" its last side (the span then starts inside the group, so the
 * sentence before it reads "… = " like prose does).
 */
function groupValue(s: string, open: number, innerStart: number, innerEnd: number, close: number): ValueSpan {
  const inner = s.slice(innerStart, innerEnd);
  const eq = inner.lastIndexOf('=');
  if (eq >= 0 && !/[<>]|\\[lg]e|\\neq/.test(inner)) {
    const lead = inner.slice(eq + 1).search(/\S/);
    const start = innerStart + eq + 1 + Math.max(0, lead);
    const text = s.slice(start, innerEnd).trim();
    if (text !== '') return { start, end: start + text.length, text };
  }
  return { start: open, end: close, text: inner.trim() };
}

/** Words that make what follows hypothetical: "if the answer is 5", "maybe x = 3". */
const HEDGE = /\b(if|when(?!\s+(?:multiplied|divided|added|subtracted|rounded|simplified|reduced|squared|cubed|converted|expressed|written|computed|calculated|evaluated)\b)|maybe|perhaps|suppose|supposing|assume|assuming|might|could|whether|wonder|guess|probably|expect|unless|instead of|rather than|let's say|say(?=,|\s+(?:we|I|it's|it is|there)\b)|try|trying|check if|not sure|doesn't|isn't|wasn't|not)\b/i;
/** What may stand right before a stated value: a verb or preposition of stating, or a maths mark. */
const CONNECTOR_BEFORE = /(?:[=:≈~(]|\*\*|\$|\b(?:is|are|was|were|be|been|equals|equal to|of|to|gives|give|get|gets|got|has|have|had|needs|need|make|makes|made|spend|spends|spent|save|saves|saved|take|takes|took|pay|pays|paid|cost|costs|earn|earns|earned|ate|eaten|bought|sold|contains|holds|about|approximately|roughly|exactly|just|that's|it's|becomes|yields|remains|leaves|left|with|by|at|all|total|totals|gave|gives|responds to|needed|ordered|spent|sells|sell|each|of about))\s*$/i;
/** A value rejected right after it is stated: "which is 10°, but that seems too small". */
const REJECTED_AFTER = /^[^.?!\n]{0,80}?\b(but that(?:'s)? (?:seems (?:wrong|off|too|odd|strange|unlikely|incorrect|high|low|small|large|big|like a lot|a bit|inconsistent|impossible)|can't|cannot|doesn't|does not|isn't|is not|not|would|contradicts|gives|means|was|wrong)|that can't|that cannot|can't be right|doesn't seem right|doesn't make sense|not right|is wrong|that's wrong|seems off|too small|too large|too big|too high|too low|impossible|contradict|not possible|not an integer|not a perfect|is not|isn't|miscalculated|made a mistake|made an error|seems different|different from (?:my|the) (?:previous|earlier|first))\b|^\s*(wait,?\s*no\b|no,|hmm,? that's not|that can't|that's not|that doesn't|but that's not|that seems wrong|that's impossible)/i;
/** A claim about one case of a case split: "the probability for k=2 is …", "in this case". */
const CASE_MARK = /\bfor (?:the )?(?:case\b|[a-zA-Z]\s*=)|\b(?:in|for) (?:this|that|each|every|the first|the second|the third) (?:case|step|part|layer|level|day|month|person|one)\b|\bcase \d|\bper\b|\b(?:specific|particular|given) (?:order|case|arrangement|sequence|outcome)\b/i;
/** A value with its unit (or money) right before "is / = / equals": what follows rewrites it in another unit. */
const CONVERSION_BEFORE = /(?:\$\s*\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)?\s*([a-z]+))\s*(?:is|are|=|equals|makes)\s*$/i;
/** Words that make a claim a total of parts. */
const TOTALLING = /\b(total|totals|altogether|together|combined|in all|all together|both|all three|all four|the (?:two|three|four|five) of them|all of them|overall|sum)\b/i;
/** A sentence that only follows on from the one before. */
const FOLLOW_ON = /^\s*(so|then|that gives|which gives|this gives)\b/i;
/** A sentence that sets up a hypothesis the next one may conclude under. */
const HYPOTHESIS_START = /^\s*(?:(?:wait|hmm|alternatively|or)[,.]?\s*)*(?:perhaps|maybe|suppose|assume|assuming|what if|if that's the case|if so|if this is (?:the case|true|right)|let's say|let me assume|let's assume|let's suppose|say)\b/i;
/** A sentence that checks one case: "let's check n=1: …", "try x = 2". */
const CHECKED_CASE = /\b(?:check|try|take|consider|plug(?:ging)? in|test|for)\s+\$?\\?\(?\s*[a-zA-Z]\s*=\s*-?\d/i;
/** The answer to a question the episode just asked itself: "That would be …", "It's …". */
const SELF_ANSWER = /^\s*(?:so,?\s*)?(?:that would be|that's|that is|it's|it is|it would be|the answer is|this is|that gives|which is)\b/i;
/** Openers of a concluding sentence. */
const OPENER = /(^|[,;:]\s*|\b)(so|therefore|thus|hence|then|finally|in total|altogether|together|in all|combined|overall|all together|that gives|which gives|this gives|that means|this means|which means|yes|i think|i'm confident|i am confident|i'm pretty sure|i can confidently say|confirms?|consistent(ly)?|indeed|in conclusion|all in all|to summarize)\b/i;
/** Words after the value that make it a rate, not a total: "64 emails a day". */
const RATE_AFTER = /^\s*(?:[a-z]+\s+){0,3}?(?:a|per|each|every|an)\s+(day|week|month|year|hour|minute|second|box|person|room|plate|copy|pot|row|setting|piece|sack|unit|item|one)\b|^\s*(?:[a-z]+\s+){0,2}?(each|apiece)\b/i;

/** "the result is 29524, which when multiplied by 3 gives ": a value, then what the sentence works it into. */
const CONTINUATION = /(\d[\d,]*(?:\.\d+)?)\s*,\s*which\b[^.,=]*?\b(?:gives?|is|equals|becomes|makes|yields|comes to)\s*$/i;

/**
 * The claim a sentence makes about an earlier value carries over to the value it arrives at:
 * "the result is 29524, which when multiplied by 3 gives 88,572" claims 88,572.
 */
function carriedClaim(sentence: string, prefix: string, target: QuestionTarget): ConclusionHow | null {
  const cont = CONTINUATION.exec(prefix);
  if (!cont) return null;
  const earlier = readValue(sentence, cont.index);
  if (!earlier) return null;
  const before = sentence.slice(0, earlier.start);
  if (HEDGE.test(before)) return null;
  return classify(sentence, earlier, before, sentence.slice(earlier.end), target);
}

/** Nouns counted in measures, where a fraction is a fine answer ("2.5 cups"). */
const MEASURE_NOUNS = /^(cup|pound|ounce|gallon|liter|litre|quart|pint|mile|kilometer|meter|metre|foot|feet|inch|inche|yard|hour|minute|second|day|week|month|year|kilogram|gram|kg|ton|degree|percent|cent|dollar|unit|acre|square|cubic|time|liter|ml|teaspoon|tablespoon|slice|piece|bag|can|bottle|box)$/;

/** The question counts discrete things ("how many positive solutions", "the number of ways"): the answer is a whole number. */
function countsThings(target: QuestionTarget): boolean {
  return target.kind === 'count' && target.countNoun !== null && target.countNouns.every((n) => !MEASURE_NOUNS.test(n));
}

/** A clause about one case; "per box" is no case when the question asks per box. */
function isCaseClause(clause: string, target: QuestionTarget): boolean {
  if (CASE_MARK.test(withoutAskedPeriods(clause, PER_PERIOD, target))) return true;
  // "So, each month, the interest rate is 0.5%": a rate over a period the question does not ask.
  return PERIOD_MARK.test(withoutAskedPeriods(clause, EACH_PERIOD, target));
}

const PER_PERIOD = /\bper\s+([a-z]+)/gi;
const EACH_PERIOD = /\b(?:each|every)\s+([a-z]+)/gi;

/** `clause` with "per box" / "each day" blanked where the question asks per that period (most ask none: nothing to do). */
function withoutAskedPeriods(clause: string, period: RegExp, target: QuestionTarget): string {
  if (target.ratePeriods.length === 0) return clause;
  return clause.replace(period, (m: string, w: string) => (target.ratePeriods.includes(stem(w)) ? ' ' : m));
}

const PERIOD_MARK = /\b(?:each|every)\s+(?:day|week|month|year|hour|minute|second)\b/i;

/** The period a rate names ("a day", "per week") is the one the question asks about. */
function rateAsked(tail: string, target: QuestionTarget): boolean {
  const m = RATE_AFTER.exec(tail);
  const unit = m?.[1] ?? null;
  return unit !== null && target.ratePeriods.includes(stem(unit));
}

/**
 * A subject matches the target when it names the asked quantity and little else: the head noun
 * ("the slope", "the probability") or enough of the question's words, with no more words of its
 * own than words of the question ("the probability of rolling an even number on a single die" is
 * a different probability).
 */
export function subjectMatches(subject: string, target: QuestionTarget): boolean {
  const words = [...subject.toLowerCase().matchAll(/[a-z]{3,}/g)].map((m) => stem(m[0])).filter((w) => !SUBJECT_STOP.has(w));
  if (words.includes('answer') || /\b(final|only|complete) (real )?(solution|answer)s?\b|\bsolution set\b/i.test(subject)) return true;
  // "the result of g(g(g(10.5)))" names the value of another expression than the one asked.
  const ofMath = /\bof\s+(\$[^$]+\$|\\\([^]*?\\\)|[A-Za-z]\([^\s]*\))\s*(?:is|was|=|equals|would be)?\s*$/.exec(subject);
  const named = ofMath ? squeezeSymbol(ofMath[1].replace(/^\\\(|\\\)$/g, '')) : null;
  if (named !== null && target.symbols.length > 0 && !target.symbols.includes(named)) return false;
  // "the coefficient of c^0" when the coefficient of a^2b^2 is asked.
  if (named !== null && target.headObject !== null && named !== target.headObject) return false;
  if (target.comparative && !words.some((w) => /^(more|fewer|less|difference|than)$/.test(w))) return false;
  // "the number of cards he sold" when the question asks how many he started with: another count.
  const relative = /\b[a-z]+\s+(?:that\s+|which\s+)?(?:he|she|they|we|you|i|it)\s+([a-z]{3,})\b/i.exec(subject);
  if (relative && !AUX_VERBS.has(relative[1].toLowerCase()) && [...target.words].some((w) => !AUX_VERBS.has(w)) && !inQuestion(stem(relative[1].toLowerCase()), target)) return false;
  // "So, total numbers: 112" for "How many three-digit numbers …": the counted noun alone names the count.
  // "Sum is 462 + 40 + 3 = 505." when $m+n+p$ is asked: the sum of the asked letters.
  if (words.length === 1 && words[0] === 'sum' && target.symbols.some((sym) => /^[a-z](?:\+[a-z])+$/i.test(sym))) return true;
  const counted = target.kind === 'count' ? target.countNoun : null;
  if (counted !== null && words.length > 0 && words.every((w) => sameWord(w, counted) || w === 'number') && words.some((w) => sameWord(w, counted)) && /\btotal\b/i.test(subject)) return true;
  const hits = words.filter((w) => inQuestion(w, target) || w === target.head || w === target.countNoun);
  const extras = words.filter((w) => !hits.includes(w) && !GENERIC_HEADS.has(w) && !UNIT_OR_MATH.has(w));
  // "Compute $3(1+3(…))$": "the entire expression is …", "the value of the given expression is …".
  if (target.expressionValue && words.every((w) => EXPRESSION_SUBJECT.has(w) || UNIT_OR_MATH.has(w)) && (words.some((w) => EXPRESSION_SUBJECT.has(w)) || /\b(total|result|answer|value)\b/i.test(subject))) return true;
  if (extras.length > hits.length) return false;
  const specificHits = hits.filter((w) => !GENERIC_HEADS.has(w));
  // "the total number of possible tickets" when the probability is asked: a count of something else.
  if (target.kind !== 'count' && target.head && !GENERIC_HEADS.has(target.head) && !words.includes(target.head) && /\b(number|count) of\b/i.test(subject)) return false;
  if (target.head && !GENERIC_HEADS.has(target.head) && words.includes(target.head)) return true;
  // "The difference is 52 - 51 = 1 inch." when a difference is asked: the bare head names it.
  if (target.head && words.length === 1 && words[0] === target.head) return true;
  // "the total number of paths with exactly four turns" for "the number of such paths that …".
  if (target.head && GENERIC_HEADS.has(target.head) && words.includes(target.head) && specificHits.length >= 1) return true;
  if (words.includes('result') && extras.length === 0) return true;
  const need = Math.min(2, Math.max(1, target.words.size));
  if (specificHits.length >= need) return true;
  // "the number of acceptable arrangements is 588" for "How many ways … to arrange …".
  return target.kind === 'count' && words.includes('number') && specificHits.length >= 1;
}

/** Verbs of having and being: "the cards he has" names no other quantity. */
const AUX_VERBS = new Set(['has', 'have', 'had', 'is', 'are', 'was', 'were', 'be', 'get', 'gets', 'got', 'will', 'would', 'can', 'could', 'should', 'must', 'need', 'needs', 'want', 'wants', 'does', 'did', 'currently', 'now', 'still', 'ends', 'end']);

/** Words a subject may carry without naming another quantity: units and maths. */
const UNIT_OR_MATH = new Set(['sqrt', 'frac', 'cdot', 'time', 'pi', 'sin', 'cos', 'tan', 'log', 'cm', 'mm', 'km', 'inch', 'inche', 'feet', 'foot', 'meter', 'unit', 'degree', 'approximately', 'about', 'roughly', 'exactly', 'simplifie', 'simplify', 'reduce', 'evaluate', 'work', 'out', 'rounded', 'round', 'nearest', 'tenth', 'hundredth', 'whole']);
/** Subjects that name "the value asked" when the question is a bare expression. */
const EXPRESSION_SUBJECT = new Set(['value', 'expression', 'result', 'given', 'original', 'entire', 'whole']);

/** Words that say nothing about which quantity a subject names. */
const SUBJECT_STOP = new Set(('exactly such four five six seven eight nine ten the and that this these those there their them they its his her she you our are was were has have had ' +
  'would will should could must can been being for with from into then than thus hence therefore so also just only indeed ' +
  'now which what who all each both one two three final finally total overall altogether together entire whole ' +
  'get got gives give make makes made equal equals become becomes comes come ' +
  'think confident sure pretty say can confidently means mean yes okay wait let see know correct right').split(' '));

/** Squeezed left-hand sides of an "A = B = value" chain ending at `valueAt`. */
function chainLeftSides(sentence: string, valueAt: number): string[] {
  const before = sentence.slice(0, valueAt);
  if (!/=\s*$/.test(before)) return [];
  const parts = before.split('=');
  parts.pop();
  // The first side may carry prose: "so, m + n + p" → take the maths tail. A side with prose opens
  // the chain: in "a = -30.5, so g(-30.5) = -(-30.5) = 30.5" the chain of 30.5 starts at g(-30.5).
  const sides: string[] = [];
  for (let k = parts.length - 1; k >= 0; k--) {
    const tail = parts[k].replace(/^.*(?:\b(?:is|so|thus|hence|therefore|then|get|gives|that|and|which means|means|mean)\b|[,:])\s*/i, '');
    sides.push(squeezeSymbol(tail.trim()));
    if (tail !== parts[k]) break;
  }
  return sides;
}

export type ConclusionHow = 'asked-symbol' | 'conclusion' | 'count' | 'rounded';

export interface Conclusion {
  answer: string;
  /** Offsets within the whole text. */
  start: number;
  end: number;
  how: ConclusionHow;
}

/** Tail after a value that still closes the sentence: units, "in total", "per burger", "now". */
function closesSentence(tail: string): boolean {
  const t = tail.replace(/^\s*(\\\)|\$|\*\*|\\\])\s*/, '');
  if (/^\s*[.!]?\s*$/.test(t)) return true;
  if (/^\s*(times|plus|minus|divided|over|multiplied|squared|cubed|factorial|raised|mod)\b/i.test(t)) return false;
  // "29524, which when multiplied by 3 gives 88,572": the sentence works the value on into another
  // (not "48, which is 2^4 * 3^1, giving … 10 divisors": an explanation of the same value).
  if (/^\s*,\s*(which|since|because|so|as|and that|and this|and so)\b/i.test(t)) return !/\b(multipl|divid|times|plus|minus|add|subtract)\w*\b[^.]*\d/i.test(t);
  // "its only divisors are 1 and itself": one item of a list.
  if (/^\s*(and|or)\b/i.test(t)) return false;
  if (/\d|=|\?/.test(t)) return false;
  const words = t.trim().replace(/[.!,;:)]+$/, '').split(/\s+/).filter((w) => w !== '');
  return words.length <= 8 && !words.some((w) => /^(but|if|because|since|which|although|though|when|where|than|and then|or)$/i.test(w));
}

/**
 * Every value `readValue` reads in `text`, left to right, each read where `start` matches (a global
 * regex) after a character `before` allows (or at the text's start); the walk goes on after each
 * value read. Jumping from one possible start to the next: testing every character was the cost.
 */
export function* valuesIn(text: string, start: RegExp, before: RegExp): Generator<ValueSpan> {
  if (!/[\d√]|\\(?:frac|sqrt)/.test(text)) return;
  start.lastIndex = 0;
  for (let m = start.exec(text); m !== null; m = start.exec(text)) {
    const i = m.index;
    if (i !== 0 && !before.test(text[i - 1])) continue;
    const v = readValue(text, i);
    if (!v) continue;
    // Set before yielding: the caller may itself run other regexes, never this one.
    start.lastIndex = Math.max(i + 1, v.end);
    yield v;
  }
}

/** Candidate values of a sentence that close it (the last one first). */
function closingValues(sentence: string): ValueSpan[] {
  const found: ValueSpan[] = [];
  for (const v of valuesIn(sentence, CLOSING_VALUE_START, CLOSING_VALUE_BEFORE)) if (closesSentence(sentence.slice(v.end))) found.push(v);
  return found.reverse();
}

/** Where a closing value may start; a polynomial may open with its variable: "x³ - 6x² + 64", "x^2 + 1". */
const CLOSING_VALUE_START = /[\d\-−$\\√(\[]|[a-z](?=[²³^])/g;
/** What may stand right before a value's start (or the sentence start). */
const CLOSING_VALUE_BEFORE = /[\s=:(≈~$*]/;

/**
 * Money, percent and thousands marks dropped the way the grader reads them. The grader's cleaning
 * is most of a value's cost and the same few numbers recur in every episode: remembered.
 */
export const cleanProseValue: (raw: string) => string = rememberedByText(cleanProseValueOf, 20000);

function cleanProseValueOf(raw: string): string {
  let v = raw.trim().replace(/^\$\s*/, '').replace(/^\\\$\s*/, '');
  // Plain-text radicals as the grader reads them: "3*sqrt(11)" → "3\sqrt{11}".
  v = v.replace(/\*?\s*sqrt\s*\(([^()]*)\)/g, '\\sqrt{$1}').replace(/\*?\s*sqrt\s*(\d+)/g, '\\sqrt{$1}');
  v = normalizeAnswer(v);
  return v;
}

/**
 * The last conclusion statement of `text` about the asked quantity, or null.
 * `accept` checks the value's type against the gold answer (caller's rule).
 */
export function lastConclusion(text: string, questionTarget: QuestionTarget, accept: (value: string) => boolean): Conclusion | null {
  // Nothing to state without a digit or a radical/fraction (or a number word for a count).
  if (!/[\d√]|\\(frac|sqrt)/.test(text) && questionTarget.countNoun === null) return null;
  const target = withAliases(text, questionTarget);
  const sentences = sentencesOf(text);
  let best: Conclusion | null = null;
  // "Now, to find the number of arrangements where …, I subtract …" announces that the arithmetic that follows works out the asked quantity.
  let announced = false;
  for (const [k, s] of sentences.entries()) {
    if (/\?\s*$/.test(s.text)) continue;
    const announce = ANNOUNCE.exec(s.text);
    if (announce) announced = !HEDGE.test(s.text.slice(0, announce.index)) && announcesAsked(announce[1], target);
    else if (announced) {
      const worked = WORKED_OUT.exec(s.text);
      if (worked && !REJECTED_AFTER.test(sentences[k + 1]?.text.slice(0, 100) ?? '')) {
        const at = s.text.length - worked[0].length + worked[0].indexOf(worked[1]);
        const answer = cleanProseValue(worked[1]);
        if (answer !== '' && accept(answer) && !/\d{16,}/.test(answer)) {
          const conclusion: Conclusion = { answer, start: s.start + at, end: s.start + at + worked[1].length, how: 'conclusion' };
          if (best === null || conclusion.start > best.start) best = conclusion;
        }
        continue;
      }
      // Prose with words of its own ends the announced working ("Total arrangements: 756" only lists its terms).
      if (!/^[A-Za-z ]{1,30}:\s*[-\d$]/.test(s.text) && /[a-z]{4,}/i.test(s.text.replace(/^\s*(so|then|thus|therefore|hence)\b/i, ''))) announced = false;
    }
    const next = sentences[k + 1]?.text ?? '';
    const previous = sentences[k - 1]?.text ?? '';
    // "Wait, perhaps the figure is …. So, the distance is √17.", "let's check n=1: …. So, units digit 5.":
    // a sentence that only follows on ("So", "Then") stays inside the hypothesis or case before it.
    if (FOLLOW_ON.test(s.text) && !/\b(confident|sure|answer|final)\b/i.test(s.text) && (HYPOTHESIS_START.test(previous) || CHECKED_CASE.test(previous)) && !REJECTED_AFTER.test(previous)) continue;
    // "So, how many more 4's are printed than 8's? That would be 188 - 98 = 90.": the episode asks the question itself.
    const answersOwnQuestion = /\?\s*$/.test(previous) && clauseMeetsQuestion(previous, target, 2) && SELF_ANSWER.test(s.text);
    // "So total expression is … = -9abc. Which would be -9, since abc = 1.": the claim goes on in this sentence.
    const continued = continuedClaim(s.text, previous, next, target);
    if (continued !== null) {
      const answer = cleanProseValue(continued.text);
      if (answer !== '' && accept(answer)) {
        const conclusion: Conclusion = { answer, start: s.start + continued.start, end: s.start + continued.end, how: 'conclusion' };
        if (best === null || conclusion.start > best.start) best = conclusion;
        continue;
      }
    }
    for (const v of closingValues(s.text)) {
      const prefix = s.text.slice(0, v.start);
      const tail = s.text.slice(v.end);
      // "(5 + √34)/2, (5 - √34)/2, and 7/2": the last item of a list is not the claim.
      if (/(?:,|\band|\bor)\s*$/i.test(prefix)) continue;
      if (answersOwnQuestion && !HEDGE.test(prefix) && !REJECTED_AFTER.test(next.slice(0, 100))) {
        const answer = cleanProseValue(v.text);
        if (answer !== '' && accept(answer)) {
          const conclusion: Conclusion = { answer, start: s.start + v.start, end: s.start + v.end, how: 'conclusion' };
          if (best === null || conclusion.start > best.start) best = conclusion;
          break;
        }
      }
      // "Difference: 188 - 98 = 90" when the difference is asked: a label naming the asked quantity.
      const label = /^\s*([A-Za-z]+)\s*:\s*[^:=]*=\s*$/.exec(prefix);
      if (label && (stem(label[1]) === target.head || (target.comparative && /^difference$/i.test(label[1]))) && !REJECTED_AFTER.test(next.slice(0, 100))) {
        const answer = cleanProseValue(v.text);
        if (answer !== '' && accept(answer)) {
          const conclusion: Conclusion = { answer, start: s.start + v.start, end: s.start + v.end, how: 'conclusion' };
          if (best === null || conclusion.start > best.start) best = conclusion;
          break;
        }
      }
      // "That gives l = 38, area 608.": the asked noun right before the value names it.
      const headFirst = compiled(target).headLast?.test(prefix.slice(-40)) ?? false;
      // Anchored-at-end tests read only the prefix's tail: scanning whole sentences from every start was the cost.
      const near = prefix.slice(-48);
      // "…, so 50%": a value the sentence arrives at after its working.
      const soAfterComma = /,\s*so\s*$/i.test(near) && /%$|^\\?\$/.test(v.text.trim());
      if (!CONNECTOR_BEFORE.test(near) && !headFirst && !soAfterComma && !askedVerbBefore(near, target)) continue;
      // "8 units (from 2 to 10)": a value inside an aside is not the sentence's claim.
      if ((prefix.match(/\(/g)?.length ?? 0) > (prefix.match(/\)/g)?.length ?? 0) && !/\\\(/.test(prefix)) continue;
      // "If C is the number of cards he started with, then … so C = 150": a definition, not a hypothesis.
      if (HEDGE.test(prefix.replace(DEFINING_IF, ' '))) continue;
      if (REJECTED_AFTER.test(tail.slice(0, 100)) || REJECTED_AFTER.test(next.slice(0, 100))) continue;
      // "So, total numbers: 2 * 2 = 4. So, for m=1, we have 4 numbers.": the next sentence says whose case it was.
      if (isCaseClause(next, target) && new RegExp(`(?:^|[^\\d.])${v.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\d.])`).test(next)) continue;
      // "If the smaller square is …, then B would be at (1,1) …. The distance … would be 5.656": still the hypothesis.
      if (/^\s*(?:(?:wait|hmm|alternatively)[,.]?\s*)*if\b/i.test(previous) && /\bwould\b/i.test(prefix)) continue;
      // "sqrt(208) ≈ 14.4 units" when the problem measures in cm: the figure's own units.
      if (target.namedUnit && /^\s*units?\b/i.test(tail)) continue;
      // A rate is a step unless the question asks for that rate ("How many cups … every day").
      if (RATE_AFTER.test(tail) && !rateAsked(tail, target)) continue;
      // The claim test is cheap regexes; cleaning runs the grader's normaliser, so it comes last.
      const how = classify(s.text, v, prefix, tail, target, previous) ?? carriedClaim(s.text, prefix, target) ?? superlativeOf(prefix, target);
      if (how === null) continue;
      const answer = cleanProseValue(v.text);
      if (answer === '' || !accept(answer)) continue;
      // "789,798,879,897,978,987" is a list of numbers, not one number with thousands marks.
      if (/\d{16,}/.test(answer)) continue;
      // "How many positive solutions": x = (√5 - 1)/2 is a solution, not their number.
      if (countsThings(target) && !/^\d+$/.test(answer)) continue;
      // A percentage is asked: "2/4 = 0.5" is the proportion, not the percentage the episode states.
      if (target.kind === 'percent' && !/%/.test(v.text) && !/^\s*(%|\\%|percent)/i.test(tail) && isProportion(answer)) continue;
      const conclusion: Conclusion = { answer, start: s.start + v.start, end: s.start + v.end, how };
      if (best === null || conclusion.start > best.start) best = conclusion;
      break; // the closing value of a sentence is its claim; earlier ones are its working
    }
  }
  const worded = lastWordedCount(sentences, target);
  if (worded !== null && (best === null || worded.start > best.start)) best = worded;
  return best;
}

/**
 * "Therefore, … gives the minimal sum of 1." when the minimum sum is asked: the asked head noun, with
 * the question's own superlative, closing the prefix as "… of". Needs an opener.
 */
function superlativeOf(prefix: string, target: QuestionTarget): ConclusionHow | null {
  const m = /\bthe\s+(minimal|minimum|maximal|maximum|smallest|largest|least|greatest)\s+([a-z]+)\s+of\s*$/i.exec(prefix);
  if (!m || !OPENER.test(prefix) || HEDGE.test(prefix)) return null;
  const asked = /\b(minimal|minimum|maximal|maximum|smallest|largest|least|greatest)\s+([a-z]+)/i.exec(target.question);
  const side = (w: string) => (/^(minimal|minimum|smallest|least)$/i.test(w) ? 'min' : 'max');
  return asked !== null && side(asked[1]) === side(m[1]) && stem(asked[2].toLowerCase()) === stem(m[2].toLowerCase()) ? 'conclusion' : null;
}

/** "to find the number of …", "I need to compute the new volume": what the following arithmetic works out. */
const ANNOUNCE = /\b(?:to (?:find|get|compute|calculate|work out|determine)|(?:I|we) (?:need|want|have) to (?:find|compute|calculate|work out|determine)|let(?:'s| me| us) (?:find|compute|calculate|work out|determine))\s+(?:the\s+)?([^?!]+?)[.:]?\s*$/i;
/**
 * The announced quantity is the asked one: its noun phrase matches, and when the question restricts
 * what is counted ("if she doesn't want the green plates adjacent") the announced condition is the
 * negated one ("where the two green plates are not adjacent"), not the complement being subtracted.
 */
function announcesAsked(phrase: string, target: QuestionTarget): boolean {
  const noun = phrase.split(/,|:|;|\bI\b|\bwe\b/)[0];
  const rel = /\b(?:where|in which|such that|that|with|when)\b/i.exec(noun);
  const condition = rel ? noun.slice(rel.index) : '';
  if (target.restricted && !/\b(?:not|no|never|without|non)\b|n't\b/i.test(condition)) return false;
  return subjectMatches(rel ? noun.slice(0, rel.index) : noun, target);
}

/** A sentence that is only arithmetic ending in its value: "So, 756 - 168 = 588." */
const WORKED_OUT = /^\s*(?:(?:so|then|thus|therefore|hence|that gives|which gives)\s*,?\s*)?[\d(][\d\s+\-*/×÷·.,()^−]*[+\-*/×÷·−][\d\s+\-*/×÷·.,()^−]*=\s*(-?\d[\d,]*(?:\.\d+)?)\s*[.!]?\s*$/i;

/** A sentence that only goes on with the one before: "Which would be -9, since abc = 1." */
const CONTINUES = /^\s*(?:which|that)\s+(?:would be|is|equals|gives|becomes|simplifies to|comes to|makes it)\s+/i;

/**
 * The value of a sentence that continues the claim of the one before ("… = -9abc. Which would be
 * -9, since abc = 1."): the sentence before must make a claim about the asked quantity with its
 * closing value, and this one must state a plain value right after its opening.
 */
function continuedClaim(sentence: string, previous: string, next: string, target: QuestionTarget): ValueSpan | null {
  const open = CONTINUES.exec(sentence);
  if (!open || previous === '' || HEDGE.test(previous) || REJECTED_AFTER.test(sentence) || REJECTED_AFTER.test(next.slice(0, 100))) return null;
  const v = readValue(sentence, open[0].length);
  if (!v || !/^[-−]?[\d.,/]+$/.test(v.text.replace(/\s/g, ''))) return null;
  // What follows the value may only explain it: "…, since abc = 1", "."
  const after = sentence.slice(v.end);
  if (!/^\s*(?:[.!]\s*$|,\s*(?:since|because|as)\b)/i.test(after)) return null;
  // The value before may be an expression still in letters ("= -9abc"): read it up to the sentence end.
  const tailValue = /(?:=|\b(?:is|are|equals))\s*([^=\s][^=]{0,40}?)\s*[.]?\s*$/i.exec(previous);
  const claimed: ValueSpan | undefined = closingValues(previous)[0] ?? (tailValue ? { start: previous.length - tailValue[0].length + tailValue[0].indexOf(tailValue[1]), end: 0, text: tailValue[1] } : undefined);
  if (!claimed) return null;
  if (claimed.end === 0) claimed.end = claimed.start + claimed.text.length;
  const how = classify(previous, claimed, previous.slice(0, claimed.start), previous.slice(claimed.end), target);
  return how === null ? null : v;
}

/** "If C is the number of cards he started with, then": a letter defined, not a case supposed. */
const DEFINING_IF = /\bif\s+\$?\\?\(?\s*[A-Za-z]\s*\$?\\?\)?\s+(?:is|be|denotes|represents|stands for)\s+the\s+[^,;]*[,;]\s*(?:then\b)?/gi;

/** Object pronouns after a stating verb: "it would take him 6 years", "cost her $12". */
const VERB_OBJECT = /\b(?:take|takes|took|cost|costs|give|gives|gave|pay|pays|paid|owe|owes|leave|leaves|left)\s+(?:him|her|them|me|us|you|it)\s*$/i;

/** The word right before the value is the question's own verb ("to order 1400 bananas" for "how many … to order"). */
function askedVerbBefore(near: string, target: QuestionTarget): boolean {
  if (VERB_OBJECT.test(near)) return true;
  const word = /([a-z]{3,})\s*$/i.exec(near)?.[1];
  if (!word) return false;
  const w = stem(word.toLowerCase());
  return target.words.has(w) && !target.countNouns.some((n) => sameWord(w, n)) && w !== target.head;
}

/** A value in [0, 1] written as a decimal or fraction. */
function isProportion(answer: string): boolean {
  const frac = /^(\d+)\/(\d+)$|^\\frac\{(\d+)\}\{(\d+)\}$/.exec(answer);
  const n = frac ? Number(frac[1] ?? frac[3]) / Number(frac[2] ?? frac[4]) : /^0?\.\d+$|^[01]$/.test(answer) ? Number(answer) : NaN;
  return Number.isFinite(n) && n > 0 && n <= 1;
}

const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty'];

/** "So, 32 has six distinct positive factors.", "only one good pair": a count in words, for a how-many question. */
function lastWordedCount(sentences: readonly Sentence[], target: QuestionTarget): Conclusion | null {
  if (target.countNoun === null) return null;
  let best: Conclusion | null = null;
  const re = compiled(target).wordedCount;
  if (re === null) return null;
  for (const s of sentences) {
    if (/\?\s*$/.test(s.text) || !OPENER.test(s.text)) continue;
    for (const m of s.text.matchAll(re)) {
      const at = m.index ?? 0;
      const prefix = s.text.slice(0, at);
      const bare = prefix.replace(/\b(only|just|exactly)\s*$/i, '');
      // "Therefore, only one good pair.": an opener alone states the count.
      const openerOnly = /^\s*(so|therefore|thus|hence|in total|altogether)\s*,?\s*$/i.test(bare);
      if (HEDGE.test(prefix) || CASE_MARK.test(prefix) || (!CONNECTOR_BEFORE.test(bare) && !openerOnly)) continue;
      if (!closesSentence(s.text.slice(at + m[0].length))) continue;
      const value = String(NUMBER_WORDS.indexOf(m[1].toLowerCase()));
      const conclusion: Conclusion = { answer: value, start: s.start + at, end: s.start + at + m[1].length, how: 'count' };
      if (best === null || conclusion.start > best.start) best = conclusion;
    }
  }
  return best;
}

interface CompiledTarget {
  /** The asked (specific) head noun right before a value: "…, area 608". */
  headLast: RegExp | null;
  /** A subject opening with the head noun: "Area = …". */
  headFirst: RegExp | null;
  aliasNouns: string[];
  aliasPatterns: RegExp[];
  /** "six distinct positive factors": a count in words of the counted noun. */
  wordedCount: RegExp | null;
}

// Keyed by the target's word set: targets that add symbols (withAliases, the annotator's names) are
// shallow copies sharing it, and these regexes read only head, words and countNouns, never symbols.
const compiledTargets = new WeakMap<QuestionTarget['words'], CompiledTarget>();

/** Regexes that depend only on the question, built once per question. */
function compiled(target: QuestionTarget): CompiledTarget {
  let c = compiledTargets.get(target.words);
  if (c) return c;
  const head = target.head !== null && !GENERIC_HEADS.has(target.head) ? target.head.replace(/[^a-z-]/g, '') : null;
  // The asked noun and the question's other specific nouns ("the inradius 'r'" for "the length of the inradius").
  const aliasNouns = [...new Set([target.head, ...target.words].filter((w): w is string => w !== null && w.length >= 3 && !/^(number|value|total|amount|result|count|sum)$/.test(w)))].map((n) => n.replace(/[^a-z-]/g, ''));
  const name = `(?:[a-z]+\\s+){0,3}?(?:${aliasNouns.join('|')})s?\\b`;
  const counted = target.countNouns.map((n) => n.replace(/[^a-z-]/g, '')).filter((n) => n !== '');
  c = {
    wordedCount: counted.length === 0 ? null : new RegExp(`\\b(${NUMBER_WORDS.join('|')})\\s+((?:[a-z-]+\\s+){0,3}?)(${counted.join('|')})(?:s|es)?\\b`, 'gi'),
    headLast: head ? new RegExp(`\\b${head}s?\\s*$`, 'i') : null,
    headFirst: head ? new RegExp(`^\\s*${head}s?\\b`, 'i') : null,
    aliasNouns,
    aliasPatterns: aliasNouns.length === 0 ? [] : [
      new RegExp(`(?:^|[\\s(,])\\$?\\\\?\\(?\\s*([A-Za-z])\\s*\\$?\\\\?\\)?\\s+(?:is|be|denotes?|represents?|stands for)\\s+the\\s+${name}`, 'gi'),
      new RegExp(`\\b(?:let|call|denote)\\s+\\$?\\\\?\\(?\\s*([A-Za-z])\\s*\\$?\\\\?\\)?\\s+(?:be\\s+)?the\\s+${name}`, 'gi'),
      new RegExp(`\\bthe\\s+${name}\\s+(?:be\\s+|is\\s+)?(?:as\\s+|by\\s+)?['"‘’]?\\$?\\\\?\\(?\\s*([A-Za-z])\\s*\\$?\\\\?\\)?['"‘’]?(?=[\\s,.;:]|$)`, 'gi'),
    ],
  };
  compiledTargets.set(target.words, c);
  return c;
}

/**
 * Letters the episode itself names the asked quantity by: "r is the common ratio", "Let X be
 * the original price", "denote the cost of one burger as 'b'". Only for a specific head noun.
 */
function withAliases(text: string, target: QuestionTarget): QuestionTarget {
  const named = withSuperlativeAlias(text, withRewrittenSymbols(text, target));
  if (named !== target) return withAliases(text, named);
  const letters = aliasLetters(text, target);
  if (letters.length === 0) return target;
  const aliases = new Set(target.symbols);
  for (const letter of letters) aliases.add(letter);
  return aliases.size === target.symbols.length ? target : { ...target, symbols: [...aliases] };
}

// The rule reader and then learnAnswerNames scan the same episode for the same question: the last scan is remembered.
let lastAliasScan: { text: string; compiled: CompiledTarget; countNouns: readonly string[]; letters: string[] } | null = null;

/** Letters `text` names the question's nouns by, in the order found (they depend on the question's words, never on its symbols). */
function aliasLetters(text: string, target: QuestionTarget): string[] {
  const c = compiled(target);
  if (lastAliasScan !== null && lastAliasScan.text === text && lastAliasScan.compiled === c && lastAliasScan.countNouns === target.countNouns) return lastAliasScan.letters;
  const letters: string[] = [];
  // Cheap test first: most episodes name none of the nouns.
  if (c.aliasPatterns.length > 0 && c.aliasNouns.some((n) => text.includes(n))) {
    for (const re of c.aliasPatterns) {
      for (const m of text.matchAll(re)) {
        if (!m[1] || /^(a|I|A)$/.test(m[1])) continue;
        // "the cost of one burger as 'b' dollars" names a price in dollars, not the cents asked.
        const unit = /^\s*([a-z]+)/i.exec(text.slice((m.index ?? 0) + m[0].length));
        if (unit && /^(dollars?|cents?|hours?|minutes?|seconds?|days?|inches|inch|feet|foot|meters?|cm|km|miles?|pounds?|kg|grams?)$/i.test(unit[1]) && !target.countNouns.includes(stem(unit[1]))) continue;
        letters.push(m[1]);
      }
    }
  }
  lastAliasScan = { text, compiled: c, countNouns: target.countNouns, letters };
  return letters;
}

/**
 * Letters `text` names the asked quantity by that the question does not already ask ("Let x be
 * the number of players on the defense"): what a later episode may state the answer as.
 */
export function askedNamesIn(text: string, target: QuestionTarget): string[] {
  const own = new Set(target.symbols);
  return withAliases(text, target).symbols.filter((s) => !own.has(s));
}

/** "f(f(f(17))), which is f(12)": the asked application rewritten as a simpler one names the same value. */
function withRewrittenSymbols(text: string, target: QuestionTarget): QuestionTarget {
  const added = new Set(target.symbols);
  for (const symbol of target.symbols) {
    if (!symbol.includes('(') || !text.includes(symbol)) continue;
    const re = new RegExp(`${symbol.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*(?:,\\s*which is|=|is)\\s+([a-zA-Z]\\([^()\\s]{1,20}\\))`, 'g');
    for (const m of text.matchAll(re)) added.add(squeezeSymbol(m[1]));
  }
  return added.size === target.symbols.length ? target : { ...target, symbols: [...added] };
}

const SUPERLATIVE = /\b(least|smallest|greatest|largest|minimum|maximum|minimal|maximal)\b/i;

/** "we're looking for the least such N" when the least integer is asked: N names the answer. */
function withSuperlativeAlias(text: string, target: QuestionTarget): QuestionTarget {
  const word = SUPERLATIVE.exec(target.question)?.[1];
  if (!word || !text.toLowerCase().includes(word.toLowerCase())) return target;
  const re = superlativeAlias(word.toLowerCase());
  const added = new Set(target.symbols);
  for (const m of text.matchAll(re)) if (m[1] && !/^(a|I|A)$/.test(m[1])) added.add(m[1]);
  return added.size === target.symbols.length ? target : { ...target, symbols: [...added] };
}

const superlativeRegexes = new Map<string, RegExp>();
function superlativeAlias(word: string): RegExp {
  let re = superlativeRegexes.get(word);
  if (!re) superlativeRegexes.set(word, (re = new RegExp(`\\bthe\\s+${word}\\s+(?:such\\s+|possible\\s+|positive\\s+|value\\s+of\\s+)*\\$?\\\\?\\(?\\s*([A-Za-z])\\s*\\$?\\\\?\\)?(?=[\\s,.;:]|$)`, 'gi')));
  return re;
}

function isProblemNumber(value: string, target: QuestionTarget): boolean {
  const v = value.replace(/^[a-zA-Z]\s*=\s*/, '').replace(/,/g, '').replace(/^\\?\$\s*|\s*\\?%$/g, '');
  const frac = /^(-?\d+)\s*\/\s*(\d+)$/.exec(v);
  const n = frac ? Number(frac[1]) / Number(frac[2]) : Number(v);
  return Number.isFinite(n) && target.problemNumbers.has(String(n));
}

function classify(sentence: string, v: ValueSpan, prefix: string, tail: string, target: QuestionTarget, previous = ''): ConclusionHow | null {
  // One case of a case split names the asked letter too: "From Case 2, the exact solution is x = 7/2."
  if (isCaseClause(lastClause(prefix), target)) return null;
  // "m + n + p = 462 + 40 + 3 = 505": the asked symbol is set equal to the value.
  const sides = chainLeftSides(sentence, v.start);
  if (sides.some((side) => target.symbols.includes(side))) return 'asked-symbol';
  // "the equivalent annual interest rate r is 6.18%": the asked symbol closes the subject.
  const named = /(?:^|[\s(])\$?\\?\(?\s*([A-Za-z](?:_\{?\w+\}?)?|[A-Z]{2})\s*\$?\\?\)?\s+(?:is|was|would be|should be|must be|equals|comes to)\s*$/.exec(prefix.slice(-60));
  // "The annual rate r is 6%, so in decimal …": the problem's own number restated is no answer.
  if (named && target.symbols.includes(squeezeSymbol(named[1])) && !HEDGE.test(prefix) && !isProblemNumber(v.text, target)) return 'asked-symbol';
  // "Therefore, f(12) is -1." when the episode said f(f(f(17))) is f(12).
  const applied = /(?:^|[\s(,])([a-zA-Z]\([^()\s]{1,20}\))\s+(?:is|was|would be|should be|must be|equals|=)\s*$/.exec(prefix.slice(-60));
  if (applied && target.symbols.includes(squeezeSymbol(applied[1])) && !HEDGE.test(prefix)) return 'asked-symbol';
  // "the value of \\(f(2023)\\) is 96": the asked symbol as written maths closes the subject.
  const namedMath = /(?:\$([^$]{1,30})\$|\\\(([^)]{1,30}(?:\)[^)]{0,10})?)\\\))\s+(?:is|was|would be|should be|must be|equals)\s*$/.exec(prefix.slice(-80));
  if (namedMath && target.symbols.includes(squeezeSymbol(namedMath[1] ?? namedMath[2])) && !HEDGE.test(prefix)) return 'asked-symbol';
  // Worked out right here: "0.75 × 1200 = 900", "= 8!"; not a restated given.
  const arithmeticBefore = /[\d)!]\s*[-+*/×·÷^]\s*[\d(][^=]*=\s*\$?\s*$/.test(prefix.slice(-120));
  // "… would pay 60 + 30 = $90 in all.": a closing "in all" concludes like an opening "so".
  const opener = OPENER.test(prefix) || /^\s*(?:in all|in total|altogether|all together|total)\s*[.!]?\s*$/i.test(tail);
  // "Rounded to the nearest hundredth, that's 6.17%."
  if (target.rounding && /\bround(s|ed|ing)?\b/i.test(prefix)) return 'rounded';
  // "So I'm confident: **82 degrees**." — a bold value after an opener.
  if (/\*\*\s*$/.test(prefix) && OPENER.test(prefix)) return 'conclusion';
  // "So he responds to 320 emails.", "so it would take 5 additional hours": the value carries the asked unit.
  const unitAfter = /^\s*(?:[a-z]+\s+)?([a-z]+)/i.exec(tail);
  const clause = lastClause(prefix);
  // The clause and the words after the value: "So Jeff has 128 glasses and plates now."
  const claim = clause + ' ' + tail;
  // Without an opener, a claim must echo the question more: "She needed to pay $11 for the dinner."
  const echoes = opener ? 1 : 2;
  const countUnit = target.countNoun !== null && /^\s*(?:[a-z]+\s+){0,2}[a-z]+/i.test(tail) && [...tail.matchAll(/[a-z]+/gi)].slice(0, 3).some((m) => isCounted(m[0], target));
  // "so the total is 7 × 25 = 175 kilograms": a bare total, worked out or not.
  const bareTotal = /^\s*(?:so,?\s*)?(?:the\s+)?(?:grand\s+)?total\s+(?:is|=|comes to)\s*(?:[^=a-z]*=\s*)?\$?\s*$/i.test(clause);
  // "How many glasses and plates": a claim about one of them ("42 plates are left") is a step.
  const allCounted = target.countNouns.length < 2 || target.countNouns.every((n) => [...claim.matchAll(/[a-z]+/gi)].some((m) => sameWord(stem(m[0]), n)));
  // "how many total pets do the three have": one part ("so Marcia has 4 + 2 = 6 pets") is a step;
  // the claim must total ("altogether", "in total", "the three of them") or add parts right there.
  // One named party ("so Marcia has 4 + 2 = 6 pets") is a part even when it adds; "the two of them" is a
  // part when the question asks all three.
  const partyClaim = /\b[A-Z][a-z]+\s+(?:has|had|have|gets|got|earns|earned|pays|paid|spends|spent|needs|needed|bought|buys|makes|made|owns|owned|sold|sells|would|will)\b/.test(clause);
  const group = /\b(?:the\s+)?(two|three|four|five|six)\s+of\s+(?:them|us|you)\b|\bboth\b/i.exec(claim);
  const otherGroup = group !== null && !new RegExp(`\\b${group[1] ?? '(?:both|two)'}\\b`, 'i').test(target.question);
  const totals = !target.totalAsked || (!otherGroup && (bareTotal || TOTALLING.test(claim) || (!partyClaim && /[\d)]\s*\+\s*[^=]*=\s*\$?\s*$/.test(prefix.slice(-120)))));
  if (countUnit && allCounted && totals && (arithmeticBefore || !isProblemNumber(v.text, target)) && (bareTotal || clauseMeetsQuestion(claim, target, echoes))) return 'count';
  // "$0.80 is 80 cents", "900 minutes = 15 hours": a value rewritten in the asked unit.
  const converted = CONVERSION_BEFORE.exec(prefix.slice(-40));
  // The rewritten value must be of the asked thing: "the soda is $0.40, which is 40 cents" is not the burger's price.
  if (countUnit && converted && !isCounted(converted[1] ?? '', target) && (clauseMeetsQuestion(previous + ' ' + sentence, target, 1) || sentence.slice(0, v.start).trim().split(/\s+/).length <= 4)) return 'count';
  // "So Sophia bought 4 in total.": a bare count that says it is the total.
  if (target.kind === 'count' && opener && /^\s*(in total|altogether|in all|all together|total)\s*[.!]?\s*$/i.test(tail) && clauseMeetsQuestion(claim, target, 1)) return 'count';
  if (isCaseClause(clause, target) || /\b(for example|for instance|e\.g\.)/i.test(prefix)) return null;
  // "the number of ways where exactly two Americans get medals" when at most one is asked: a case the question does not name.
  const qualifier = /\b(?:where|in which|with|when|if)\s+((?:exactly|at least|at most|only)\s+[a-z0-9]+|zero\b|none\b|no\s+[a-z]+)/i.exec(clause);
  if (qualifier && !target.question.includes(qualifier[1].toLowerCase())) return null;
  // "So, total 10 numbers for m=2", "So k = 1/8 = 12.5%": the value of another variable, not a claim about the asked one.
  const assigned = /(?:^|[^\w\\])([a-zA-Z])\s*=\s*(?:[^=]*=\s*)?$/.exec(prefix.slice(-80));
  if (assigned && !target.symbols.includes(assigned[1])) return null;
  // "So, here, n is 9, so it's (9-1)!": the value of a letter the question does not ask.
  const letterIs = /(?:^|[^\w\\])([b-zB-HJ-Z])\s+is\s*$/.exec(prefix.slice(-40));
  if (letterIs && !target.symbols.includes(letterIs[1])) return null;
  // "How many cents does a burger cost?": "$0.80" is the same price in another unit.
  if (target.countNoun === 'cent' && (/\$\s*$/.test(prefix) || v.text.startsWith('$'))) return null;
  const inDollars = /\$\s*$/.test(prefix + (v.text.startsWith('$') ? '$' : '')) || /^\s*(dollars?|pesos?|euros?|pounds?|yen|rupees?|bucks)\b/i.test(tail);
  if (target.kind === 'money' && inDollars && totals && (clauseMeetsQuestion(claim, target, echoes) || (bareTotal && target.totalAsked))) return 'count';
  if (target.kind === 'time' && totals && unitAfter && /^(hours?|minutes?|seconds?|days?|weeks?|months?|years?)$/i.test(unitAfter[1]) && (clauseMeetsQuestion(claim, target, echoes) || (opener && /\b(total|whole|entire)?\s*time\b/i.test(clause)))) return 'count';
  // "…, which is 20%." when a percentage is asked.
  if (target.kind === 'percent' && (/\d\s*[-+*/×·÷]\s*\d/.test(prefix) || !isProblemNumber(v.text, target)) && (/%\s*$/.test(v.text) || /^\s*(%|\\%|percent)/i.test(tail)) && (opener || /\b(which|that)\s+(is|'s)\s*$|\bthat's\s*$/i.test(prefix) || clauseMeetsQuestion(claim, target, 2))) return 'count';
  // "there are 89 more 4's than 8's": the value carries the comparison asked.
  if (target.comparative && opener && /^\s*(more|fewer|less)\b/i.test(tail) && (arithmeticBefore || !isProblemNumber(v.text, target))) return 'count';
  // "Therefore, the slope is -2." / "So the total is 123 children." A clause that is only arithmetic
  // after a colon takes its subject from before it: "the number of acceptable arrangements is … : 756 - 168 = 588".
  const stated = (/[a-z]{2}/i.test(clause.replace(/\\[a-z]+|sqrt/gi, '')) ? clause : subjectBeforeColon(prefix, clause)).replace(OPENER, ' ');
  // "total expression is -3abc - 6abc = ": the working after the verb is maths, not words of the subject.
  const verbAt = /\s(?:is|are|was|were|equals)\s/i.exec(stated);
  const subject = verbAt && !/[a-z]{4,}/i.test(stated.slice(verbAt.index + verbAt[0].length).replace(/\\[a-z]+|sqrt/gi, '')) ? stated.slice(0, verbAt.index + verbAt[0].length) : stated;
  // Without an opener the subject must open the sentence as a noun phrase: "The area is 16.", "Area = 32/2 = 16 cm²".
  const nounPhraseFirst = /^\s*(the|their|its|his|her|our|this|that)\b/i.test(subject) || /^\s*(Sum|Total|Product|Difference)\b/.test(subject) || (compiled(target).headFirst?.test(subject) ?? false);
  // "the total number of unrestricted arrangements" when the question restricts them is a step.
  if (target.restricted && /\b(unrestricted|without (?:any )?restrictions?|no restrictions?|with no restriction)\b/i.test(subject)) return null;
  // Totals of amounts: "she pays 75 - 15 = $60 for the two services" is a part when she pays in all.
  const adds = target.kind === 'count' || target.kind === 'money' || target.kind === 'time';
  if ((opener || nounPhraseFirst) && (totals || !adds) && subjectMatches(subject, target)) {
    if (!arithmeticBefore && isProblemNumber(v.text, target) && !/\b(answer|result)\s+(?:is|was|should be|would be|must be|=|:)\s*$/i.test(prefix)) return null;
    return 'conclusion';
  }
  return null;
}

/** The subject of "S is … : 756 - 168 = ": S, when the prefix before the colon states one. */
function subjectBeforeColon(prefix: string, clause: string): string {
  const colon = prefix.lastIndexOf(':');
  if (colon < 0) return clause;
  const before = lastClause(prefix.slice(0, colon));
  const verb = /\s(?:is|are|was|were|equals|would be|will be)\s/i.exec(before);
  if (verb) return before.slice(0, verb.index + verb[0].length);
  // "So, total numbers: 112": a label after an opener names the claim.
  return OPENER.test(before) && before.trim().split(/\s+/).length <= 4 ? before : clause;
}

/**
 * Count, money and time claims: the clause stating the value shares a word with the question
 * other than the unit ("So he responds to 320 emails" for "How many emails does he respond to"),
 * or says it is a total; when the question has no other word, the unit alone is enough.
 */
/** A word of the text names the counted noun ("potato" for "potatoes", "cups" for "cup"). */
function isCounted(word: string, target: QuestionTarget): boolean {
  const w = stem(word);
  return target.countNouns.some((n) => sameWord(w, n));
}

function clauseMeetsQuestion(clause: string, target: QuestionTarget, atLeast = 1): boolean {
  const words = [...clause.toLowerCase().matchAll(/[a-z]{3,}/g)].map((m) => stem(m[0]));
  if (target.comparative && !words.some((w) => /^(more|fewer|less|difference|than)$/.test(w))) return false;
  const others = [...target.words].filter((w) => !target.countNouns.includes(w));
  if (others.length === 0) return atLeast <= 1;
  const met = new Set(others.filter((o) => words.some((w) => sameWord(w, o))));
  return met.size >= atLeast;
}

/** A word of the question, up to its ending. */
function inQuestion(word: string, target: QuestionTarget): boolean {
  if (target.words.has(word)) return true;
  for (const w of target.words) if (sameWord(w, word)) return true;
  return false;
}

/** The clause a value belongs to: the prefix after its last ", so", ";", ":" or ", and" break. */
function lastClause(prefix: string): string {
  let cut = 0;
  // "…, which simplifies to 9/34" continues the clause before it: the same quantity, rewritten.
  for (const m of prefix.matchAll(CLAUSE_BREAK)) cut = (m.index ?? 0) + m[0].length;
  // A short label before a colon belongs to the claim: "Together: 6 + 5 + 3 = $14".
  const colon = prefix.lastIndexOf(':');
  if (colon >= cut && prefix.slice(0, colon).trim().split(/\s+/).length > 2) cut = colon + 1;
  return prefix.slice(cut);
}

const CLAUSE_BREAK = /;|,\s*(?=so\b|and\b|then\b|which\b(?!\s+(?:is|equals|simplifies|reduces|rounds|gives|becomes|comes|works))|while\b)|\band\s+(?=the\b|she\b|he\b|they\b|it\b)/gi;

// The scored reader (./answer-features) turns these rules' tests into features of every candidate.
export { HEDGE, REJECTED_AFTER, OPENER, CONNECTOR_BEFORE, RATE_AFTER, CASE_MARK, NUMBER_WORDS, closesSentence, isProblemNumber, chainLeftSides, countsThings, rateAsked, isCaseClause };
