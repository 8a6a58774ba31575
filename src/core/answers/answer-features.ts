/**
 * Candidates for the answer one episode states, and general features of each, for the fitted
 * scorer (./scored-answer, weights in ./answer-weights). Every value a sentence of the episode
 * writes is a candidate (numbers, fractions, radicals, tuples, counts in words), with its place;
 * the features say where it stands (episode, paragraph, sentence end), how it is put forward
 * (openers, "answer", "=" after working, hedges, rejections, questions), what it is about (the
 * question's words, head noun, counted noun, asked symbols, the problem's own numbers, its type
 * against the gold's) and whether the episode comes back to it; since the fifth round also the
 * context around its sentence (a result restated without working, a rounded value or the unrounded
 * one, two values left open near it, a hypothesis opened just before, how the episode ends). The
 * rule reader's pick is one feature among them. Pure; no I/O.
 */
import {
  CASE_MARK, CONNECTOR_BEFORE, HEDGE, NUMBER_WORDS, OPENER, RATE_AFTER, REJECTED_AFTER,
  chainLeftSides, cleanProseValue, closesSentence, countsThings, isCaseClause, isProblemNumber, rateAsked, sentencesOf, valuesIn,
} from './conclusions';
import { rememberedByText } from '../memo';
import { squeezeSymbol, stem, type QuestionTarget } from './question-target';

export interface AnswerCandidate {
  answer: string;
  /** Offsets within the episode text. */
  start: number;
  end: number;
  features: number[];
}

/** Feature names, in the order of `AnswerCandidate.features` (the weights module follows it). */
export const FEATURE_NAMES = [
  'bias',
  'rule-pick', 'rule-same-value', 'rule-other-value',
  'position-in-episode', 'last-candidate', 'in-last-two-sentences', 'ends-paragraph', 'last-in-sentence',
  'closes-sentence', 'opener', 'answer-word', 'confirmed-near', 'hedged', 'rejected-after', 'question',
  'problem-number', 'repeated-later', 'occurrences',
  'after-equals', 'after-working', 'connector-before',
  'question-words', 'head-noun', 'counted-noun-after', 'asked-symbol',
  'rate-after', 'in-aside', 'list-item', 'not-whole-for-count', 'tentative-start', 'case-mark',
  'unit-kind-match', 'long-tail', 'boxed', 'number-word', 'only-value-in-sentence',
  'last-closing', 'last-put-forward',
  // Fifth round: context beyond the value's own sentence.
  'rounded-after', 'rounded-value', 'open-alternative', 'result-verb', 'last-result',
  'last-own-value', 'plain-claim', 'open-rival', 'ends-with-question', 'ends-open', 'restated-result',
  'hypothesis-before', 'rounded-as-asked', 'unrounded-as-asked',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];
const F = Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, i])) as Record<FeatureName, number>;

/** The rule reader's pick, as the scorer sees it. */
export interface RulePick {
  answer: string;
  start: number;
  end: number;
  how: string;
}

const ANSWER_WORD = /\b(answer|final|result)\b/i;
const CONFIRMED = /\b(correct|consistent|checks out|makes sense|confident|confirm|confirms|that's right|seems right|yep|same (?:answer|result)|matches)\b/i;
const TENTATIVE_START = /^\s*(?:(?:wait|hmm|but|and|alternatively|or)[,.]?\s*)*(?:if|suppose|let's say|let me try|for example|for instance|maybe|perhaps|what if|assume|assuming|let's check|check|try)\b/i;
const MAX_CANDIDATES = 80;
/** After a value: the episode rounds it to another one ("6.1836729%, which rounds to 6.18%"). */
const ROUNDED_AFTER = /^[^.?!\n]{0,40}?\b(?:rounds?(?:\s+(?:off|up|down))?\s+to|rounded(?:\s+(?:off|up|down))?(?:\s+to)?|rounding|≈|approximately|approx\.?|about)\s*[$\\(]*\s*-?\d|^\s*[$\\)]*\s*≈/i;
/** Before a value: it is the rounded one ("rounds to 6.18%", "≈ 5.8"). */
const ROUNDED_BEFORE = /(?:\brounds?(?:\s+(?:off|up|down))?\s+to|\brounded(?:\s+(?:off|up|down))?(?:\s+to)?(?:\s+the\s+nearest\s+\w+)?,?(?:\s+(?:that's|it's|is|gives|we get))?|≈|\bapproximately|\bapprox\.?|\babout)\s*\$?\s*$/i;
/** Two values left open near it: "which one is correct?", "19 vs 20", "conflicting". */
const OPEN_ALTERNATIVE = /\b(?:conflict\w*|contradict\w*|discrepanc\w*|inconsisten\w*|which one|which (?:is|answer is) (?:it|correct|right)|vs\.?|versus|doesn't match|don't match|do not match|does not match|differs?|different (?:answer|result)s?)\b/i;
/** A verb of arriving right before the value: "gives 588", "I get 52.5", "leaves 20", "is 5". */
const RESULT_VERB = /\b(?:gives?|giving|gave|get|gets|got|getting|yields?|leaves?|leaving|left|comes?(?: out)? to|equals?|makes?|totals?|is|are|was|were|would be|becomes?|that's|it's)\s+(?:a |an |the |just |only |exactly |about |approximately |roughly )?\$?\s*$/i;
/** A sentence that opens a hypothesis: "Wait, but if …", "Alternatively, perhaps …", "Suppose …". */
const HYPOTHESIS_START = /^\s*(?:(?:wait|hmm|but|and|alternatively|or|so|now|then|okay|ok)[,.]?\s*)*(?:if|suppose|perhaps|maybe|assuming|assume|what if|let's assume|let's suppose|alternatively)\b/i;
const DOUBT = /\b(?:perhaps|maybe|alternatively|not sure|unsure|confus\w*|which one|or is it|i'm not certain)\b/i;
const ARITHMETIC = /[=+×÷*\/^]|\d\s*[-−]\s*\d|\\(?:frac|times|cdot|div)/;

// Stems of the words of a sentence; the same words recur across episodes: remembered.
const rememberedStem = rememberedByText(stem, 50000);
/** Stems of the runs of three or more letters a-z of the lowercased text (what /[a-z]{3,}/g matches, read by hand: it was the cost). */
function wordsOf(text: string): string[] {
  const out: string[] = [];
  const lower = text.toLowerCase();
  let runStart = -1;
  for (let i = 0; i <= lower.length; i++) {
    const c = i < lower.length ? lower.charCodeAt(i) : 0;
    if (c >= 97 && c <= 122) {
      if (runStart < 0) runStart = i;
      continue;
    }
    if (runStart >= 0 && i - runStart >= 3) {
      out.push(rememberedStem(lower.slice(runStart, i)));
    }
    runStart = -1;
  }
  return out;
}

/** Where a value may start, and what may stand right before it (or the sentence start). */
const VALUE_START = /[\d\-−$\\√([]/g;
const VALUE_BEFORE = /[\s=:(≈~$*,]/;
const NINE_WORDS = /^\s*\S+(?:\s+\S+){8}/;

interface RawCandidate {
  sentence: number;
  /** Offsets within the sentence. */
  at: number;
  end: number;
  raw: string;
  answer: string;
  numberWord: boolean;
}

/** Every value a sentence writes (numbers, maths groups, counts in words), cleaned the way the grader reads them. */
function rawCandidates(sentences: readonly { text: string }[], target: QuestionTarget): RawCandidate[] {
  const out: RawCandidate[] = [];
  for (const [k, s] of sentences.entries()) {
    const t = s.text;
    for (const v of valuesIn(t, VALUE_START, VALUE_BEFORE)) {
      const answer = cleanProseValue(v.text);
      // "789,798,879,897" is a list of numbers, not one number with thousands marks.
      if (answer !== '' && /[\d]|\\(?:sqrt|frac|pi)|π|√/.test(answer) && !/\d{16,}/.test(answer)) out.push({ sentence: k, at: v.start, end: v.end, raw: v.text, answer, numberWord: false });
    }
    if (target.countNoun !== null) {
      for (const m of t.matchAll(/\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b/gi)) {
        out.push({ sentence: k, at: m.index ?? 0, end: (m.index ?? 0) + m[0].length, raw: m[0], answer: String(NUMBER_WORDS.indexOf(m[1].toLowerCase())), numberWord: true });
      }
    }
  }
  return out;
}

/**
 * The candidates of an episode with their features. `fits` is the gold-type check (a candidate of
 * another type is not one); `rule` the rule reader's pick or null.
 */
export function answerCandidates(text: string, target: QuestionTarget, fits: (value: string) => boolean, rule: RulePick | null): AnswerCandidate[] {
  const sentences = sentencesOf(text);
  const fitting = new Map<string, boolean>();
  const fitsOnce = (answer: string): boolean => {
    let ok = fitting.get(answer);
    if (ok === undefined) fitting.set(answer, (ok = fits(answer)));
    return ok;
  };
  let raws = rawCandidates(sentences, target).filter((c) => fitsOnce(c.answer));
  // The rule's pick is always a candidate (a box's content, "the answer is E: …" are not all read above).
  if (rule !== null && !raws.some((c) => sentences[c.sentence].start + c.at < rule.end && rule.start < sentences[c.sentence].start + c.end)) {
    let k = sentences.findIndex((s) => s.start <= rule.start && rule.start < Math.max(s.end, s.start + 1));
    if (k < 0) k = Math.max(0, sentences.findIndex((s) => s.start > rule.start) - 1);
    if (k >= 0 && k < sentences.length) {
      const s = sentences[k];
      raws.push({ sentence: k, at: Math.max(0, rule.start - s.start), end: Math.max(0, rule.end - s.start), raw: text.slice(rule.start, rule.end), answer: rule.answer, numberWord: false });
      raws.sort((a, b) => a.sentence - b.sentence || a.at - b.at);
    }
  }
  if (raws.length > MAX_CANDIDATES) raws = raws.slice(-MAX_CANDIDATES);
  const questionWords = target.words;
  const head = target.head;
  const symbols = target.symbols;
  const lastSentence = raws.length > 0 ? raws[raws.length - 1].sentence : -1;
  const textEnd = text.trimEnd().length;
  const counts = new Map<string, number>();
  for (const c of raws) counts.set(c.answer, (counts.get(c.answer) ?? 0) + 1);
  const lastIndexOf = new Map<string, number>();
  raws.forEach((c, i) => lastIndexOf.set(c.answer, i));
  const out: AnswerCandidate[] = [];
  const sentenceWords = new Map<number, string[]>();
  // The same value recurs in an episode: whether the problem gives it, once per value.
  const problemNumber = new Map<string, boolean>();
  // Tests that read only the sentence or the next one, once per sentence.
  const perSentence = new Map<number, { answerWord: boolean; confirmedNext: boolean; rejectedNext: boolean; tentative: boolean; question: boolean }>();
  // Per sentence, once: whether it leaves two values open and whether it holds working.
  const named = new Map<number, { open: boolean; arithmetic: boolean }>();
  const namedIn = (k: number): { open: boolean; arithmetic: boolean } => {
    let n = named.get(k);
    if (n === undefined) {
      const t = sentences[k].text;
      n = { open: OPEN_ALTERNATIVE.test(t), arithmetic: ARITHMETIC.test(t) };
      named.set(k, n);
    }
    return n;
  };
  const tentative = new Map<number, boolean>();
  const tentativeAt = (k: number): boolean => {
    let t = tentative.get(k);
    if (t === undefined) tentative.set(k, (t = TENTATIVE_START.test(sentences[k].text) || HYPOTHESIS_START.test(sentences[k].text)));
    return t;
  };
  // How the episode ends: on a question, or on doubt or two values left open (the same for every candidate: it weighs "no answer").
  const lastText = sentences.length > 0 ? sentences[sentences.length - 1].text : '';
  const endsWithQuestion = /\?\s*$/.test(lastText);
  let endsOpen = false;
  for (let k = Math.max(0, sentences.length - 2); k < sentences.length && !endsOpen; k++) endsOpen = OPEN_ALTERNATIVE.test(sentences[k].text) || DOUBT.test(sentences[k].text);
  // The last value that is not one of the problem's own numbers.
  let lastOwn = -1;
  for (let i = raws.length - 1; i >= 0 && lastOwn < 0; i--) if (!isProblemNumber(raws[i].answer, target)) lastOwn = i;
  for (const [i, c] of raws.entries()) {
    const s = sentences[c.sentence];
    const prefix = s.text.slice(0, c.at);
    const tail = s.text.slice(c.end);
    const next = sentences[c.sentence + 1]?.text ?? '';
    const start = s.start + c.at;
    const end = s.start + c.end;
    const f = new Array<number>(FEATURE_NAMES.length).fill(0);
    f[F.bias] = 1;
    if (rule !== null) {
      if (start < rule.end && rule.start < end) f[F['rule-pick']] = 1;
      else if (rule.answer === c.answer) f[F['rule-same-value']] = 1;
      else f[F['rule-other-value']] = 1;
    }
    f[F['position-in-episode']] = text.length > 0 ? end / text.length : 0;
    f[F['last-candidate']] = i === raws.length - 1 ? 1 : 0;
    f[F['in-last-two-sentences']] = c.sentence >= lastSentence - 1 ? 1 : 0;
    const after = text.slice(s.end, s.end + 4);
    f[F['ends-paragraph']] = s.end >= textEnd || /^\s*\n\s*\n/.test(after) ? 1 : 0;
    f[F['last-in-sentence']] = raws[i + 1]?.sentence !== c.sentence ? 1 : 0;
    f[F['closes-sentence']] = closesSentence(tail) ? 1 : 0;
    f[F.opener] = OPENER.test(prefix) ? 1 : 0;
    let once = perSentence.get(c.sentence);
    if (!once) {
      once = { answerWord: ANSWER_WORD.test(s.text), confirmedNext: CONFIRMED.test(next.slice(0, 120)), rejectedNext: REJECTED_AFTER.test(next.slice(0, 100)), tentative: TENTATIVE_START.test(s.text), question: /\?\s*$/.test(s.text) };
      perSentence.set(c.sentence, once);
    }
    f[F['answer-word']] = once.answerWord ? 1 : 0;
    f[F['confirmed-near']] = once.confirmedNext || CONFIRMED.test(tail) ? 1 : 0;
    f[F.hedged] = HEDGE.test(prefix) ? 1 : 0;
    f[F['rejected-after']] = once.rejectedNext || REJECTED_AFTER.test(tail.slice(0, 100)) ? 1 : 0;
    f[F.question] = once.question ? 1 : 0;
    let given = problemNumber.get(c.answer);
    if (given === undefined) problemNumber.set(c.answer, (given = isProblemNumber(c.answer, target)));
    f[F['problem-number']] = given ? 1 : 0;
    f[F['repeated-later']] = (lastIndexOf.get(c.answer) ?? i) > i ? 1 : 0;
    f[F.occurrences] = Math.min(3, counts.get(c.answer) ?? 1) / 3;
    f[F['after-equals']] = /[=≈]\s*\$?\s*$/.test(prefix) ? 1 : 0;
    f[F['after-working']] = afterWorking(prefix) ? 1 : 0;
    f[F['connector-before']] = CONNECTOR_BEFORE.test(prefix.slice(-48)) ? 1 : 0;
    let words = sentenceWords.get(c.sentence);
    if (!words) sentenceWords.set(c.sentence, (words = wordsOf(s.text)));
    if (questionWords.size > 0) {
      let hits = 0;
      for (const w of questionWords) if (words.includes(w)) hits++;
      f[F['question-words']] = Math.min(1, hits / Math.min(3, questionWords.size));
    }
    f[F['head-noun']] = head !== null && words.includes(head) ? 1 : 0;
    const tailWord = /^\s*(?:\\?%|\\text\{\s*)?\s*([a-z]+)/i.exec(tail)?.[1];
    f[F['counted-noun-after']] = tailWord !== undefined && target.countNouns.includes(stem(tailWord)) ? 1 : 0;
    if (symbols.length > 0) {
      const sides = chainLeftSides(s.text, c.at);
      const named = squeezeSymbol(prefix.slice(-30)).replace(/(?:is|was|equals|wouldbe|=)$/, '');
      f[F['asked-symbol']] = sides.some((side) => symbols.includes(side)) || symbols.some((sym) => named.endsWith(sym) && named !== '') ? 1 : 0;
    }
    f[F['rate-after']] = RATE_AFTER.test(tail) && !rateAsked(tail, target) ? 1 : 0;
    f[F['in-aside']] = (prefix.match(/\(/g)?.length ?? 0) > (prefix.match(/\)/g)?.length ?? 0) && !/\\\(/.test(prefix) ? 1 : 0;
    // "…, 7/2 and 5" or "3, 4": one item of a list (", since abc = 1" after a value is no list).
    f[F['list-item']] = /(?:,|\band|\bor)\s*$/i.test(prefix) || /^\s*(?:,|and\b|or\b)\s*\$?-?\d/i.test(tail) ? 1 : 0;
    f[F['not-whole-for-count']] = countsThings(target) && !/^-?\d+$/.test(c.answer) ? 1 : 0;
    f[F['tentative-start']] = once.tentative ? 1 : 0;
    f[F['case-mark']] = CASE_MARK.test(prefix) || isCaseClause(prefix, target) ? 1 : 0;
    f[F['unit-kind-match']] = (target.kind === 'money' && /\$/.test(c.raw)) || (target.kind === 'percent' && (/%/.test(c.raw) || /^\s*(?:\\?%|percent)/i.test(tail))) || (target.kind === 'time' && /^\s*(?:hours?|minutes?|seconds?|days?|weeks?|months?|years?)\b/i.test(tail)) ? 1 : 0;
    // More than eight words after it (= tail.trim().split(/\s+/).length > 8, without splitting the whole tail).
    f[F['long-tail']] = NINE_WORDS.test(tail) ? 1 : 0;
    f[F.boxed] = /\\boxed\s*\{?\s*$/.test(prefix) ? 1 : 0;
    f[F['number-word']] = c.numberWord ? 1 : 0;
    f[F['only-value-in-sentence']] = raws[i - 1]?.sentence !== c.sentence && raws[i + 1]?.sentence !== c.sentence ? 1 : 0;
    f[F['rounded-after']] = ROUNDED_AFTER.test(tail) || /^\s*(?:rounds?|rounded|≈|approximately)\b/i.test(next) ? 1 : 0;
    f[F['rounded-value']] = ROUNDED_BEFORE.test(prefix.slice(-60)) ? 1 : 0;
    // When the question asks for rounding, the rounded value answers it and the unrounded one is a step.
    f[F['rounded-as-asked']] = target.rounding && f[F['rounded-value']] === 1 ? 1 : 0;
    f[F['unrounded-as-asked']] = target.rounding && f[F['rounded-after']] === 1 ? 1 : 0;
    let open = false;
    for (let k = Math.max(0, c.sentence - 2); k <= Math.min(sentences.length - 1, c.sentence + 2) && !open; k++) open = namedIn(k).open;
    f[F['open-alternative']] = open ? 1 : 0;
    const resultVerb = RESULT_VERB.test(prefix.slice(-40));
    f[F['result-verb']] = resultVerb ? 1 : 0;
    f[F['last-result']] = i === raws.length - 1 && (resultVerb || f[F['after-equals']] === 1) ? 1 : 0;
    f[F['last-own-value']] = i === lastOwn ? 1 : 0;
    f[F['plain-claim']] = f[F['only-value-in-sentence']] === 1 && !namedIn(c.sentence).arithmetic && words.length >= 3 ? 1 : 0;
    // A hypothesis opened just before ("Wait, but if the smaller square is attached …, perhaps …"): a value under it.
    let hypothesis = false;
    for (let k = Math.max(0, c.sentence - 2); k < c.sentence && !hypothesis; k++) hypothesis = tentativeAt(k);
    f[F['hypothesis-before']] = hypothesis ? 1 : 0;
    f[F['ends-with-question']] = endsWithQuestion ? 1 : 0;
    f[F['ends-open']] = endsOpen ? 1 : 0;
    out.push({ answer: c.answer, start, end, features: f });
  }
  // A value worked out ("720 - 700 = 20 kg", "gives 588") and then stated again without working ("So 20 kg over."): the result restated.
  const worked = new Set<string>();
  for (const [i, c] of out.entries()) {
    const g = c.features;
    if (worked.has(c.answer) && !namedIn(raws[i].sentence).arithmetic) g[F['restated-result']] = 1;
    if (g[F['after-working']] === 1 || g[F['result-verb']] === 1 || (g[F['after-equals']] === 1 && g[F['problem-number']] === 0)) worked.add(c.answer);
  }
  // Another value put forward (closing its sentence after an opener, "answer" or a verb of arriving) within two sentences, and words of two values left open: "the answer should be 19 bits. But earlier … I got 20 bits. So, which one is correct?"
  const F_OPEN = F['open-alternative'];
  for (const [i, c] of out.entries()) {
    if (c.features[F_OPEN] !== 1) continue;
    const k = raws[i].sentence;
    for (const [j, d] of out.entries()) {
      if (d.answer === c.answer || Math.abs(raws[j].sentence - k) > 2 || d.features[F['problem-number']] === 1) continue;
      const g = d.features;
      if (g[F['closes-sentence']] === 1 && (g[F.opener] === 1 || g[F['answer-word']] === 1 || g[F['result-verb']] === 1)) {
        c.features[F['open-rival']] = 1;
        break;
      }
    }
  }
  // Relative to the others: the last value that closes a sentence, the last one put forward (opener or connector, closing).
  let closingSeen = false;
  let forwardSeen = false;
  for (let i = out.length - 1; i >= 0; i--) {
    const f = out[i].features;
    if (f[F['closes-sentence']] === 1) {
      if (!closingSeen) f[F['last-closing']] = 1;
      closingSeen = true;
      if (f[F.opener] === 1 || f[F['connector-before']] === 1) {
        if (!forwardSeen) f[F['last-put-forward']] = 1;
        forwardSeen = true;
      }
    }
  }
  return out;
}

const WORKED_TO_EQUALS = /[\d)]\s*[+\-*/×÷·^−]\s*[\d(][^=]*=\s*\$?\s*$/;

/**
 * "3 + 4 = " right before the value (WORKED_TO_EQUALS on the whole prefix). The working lies after the
 * "=" before the closing one, so only that stretch is searched: on the whole prefix the regex tried
 * every operator of a long sentence and scanned on from each.
 */
function afterWorking(prefix: string): boolean {
  if (!/=\s*\$?\s*$/.test(prefix)) return false;
  const closing = prefix.lastIndexOf('=');
  const before = closing > 0 ? prefix.lastIndexOf('=', closing - 1) : -1;
  return WORKED_TO_EQUALS.test(before < 0 ? prefix : prefix.slice(before + 1));
}

/** The linear score of a candidate: weights · features. */
export function candidateScore(features: readonly number[], weights: readonly number[]): number {
  let z = 0;
  for (let i = 0; i < features.length; i++) z += features[i] * (weights[i] ?? 0);
  return z;
}
