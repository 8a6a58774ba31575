/**
 * What a problem asks for, read from its question sentence, so that a conclusion in the
 * thinking can be told apart from a step value: "How many cards does Becca have?" asks a count
 * of cards; "Find $m+n$." asks the symbol m+n; "What is the slope of the line …" asks a slope;
 * "how long" asks a time. Pure; a heuristic reading, never throws.
 */

export type TargetKind = 'count' | 'money' | 'time' | 'percent' | 'other';

export interface QuestionTarget {
  /** Asked symbols, squeezed (no spaces, no `$`): "m+n", "a_{2023}", "p(5)", "k". */
  symbols: string[];
  /** Head noun of the asked phrase ("slope", "probability", "number"), singular, lower case. */
  head: string | null;
  /** Specific content words of the question sentence (stems, lower case). */
  words: Set<string>;
  kind: TargetKind;
  /** For "how many X": the stem of X ("card", "email", "hour"). */
  countNoun: string | null;
  /** For "how many X and Y": every noun of the counted phrase ("glass", "plate"). */
  countNouns: string[];
  /** The problem asks for rounding ("to the nearest tenth"). */
  rounding: boolean;
  /** Numbers written in the problem (canonical text: "25", "0.75"; fractions as their value). */
  problemNumbers: Set<string>;
  /** The question compares ("how many more", "difference"): a claim must say so too. */
  comparative: boolean;
  /** The question asks the value of a written expression ("Compute $3(1+3(…))$"): no noun names it. */
  expressionValue: boolean;
  /** Periods the question asks a rate over ("How many cups … every day" → day): a per-day value answers it. */
  ratePeriods: string[];
  /** The question asks a total of several parts ("how many total pets do the three have", "in total", "together"). */
  totalAsked: boolean;
  /** The question restricts what is counted ("if she doesn't want the green plates adjacent"). */
  restricted: boolean;
  /** The question sentence, lower case, whitespace squeezed. */
  question: string;
  /** The maths the asked noun is of ("the coefficient of $a^2b^2$" → a^2b^2), squeezed, or null. */
  headObject: string | null;
  /** The problem measures in a named unit (cm, inches, …): "12 units" in the thinking are a figure's own units. */
  namedUnit: boolean;
}

/** Nouns that name an aggregate or a generic quantity: they match only together with an of-object. */
export const GENERIC_HEADS = new Set(['number', 'sum', 'total', 'value', 'amount', 'product', 'difference', 'result', 'quotient', 'remainder', 'ratio', 'count']);

const STOP_WORDS = new Set(
  ('a an the of in on at to for from by with and or if is are was were be been being do does did done has have had ' +
    'what which who whom whose how many much find compute determine evaluate calculate give express write enter simplify solve ' +
    'that this these those there their them they it its his her he she you your we our us i me my can could will would shall should may might must ' +
    'all each every any some such as than then so not no yes let when where while into onto over under after before during ' +
    'answer form simplest simplified common fraction decimal nearest tenth hundredth thousandth whole integer integers positive negative real ' +
    'number numbers possible following given least greatest largest smallest maximum minimum exactly only also both either other ' +
    'value values total sum amount one two three four five six seven eight nine ten ' +
    'still now more less most fewest times time per same different new old first second third last next')
    .split(' '),
);

const ADJECTIVES_BEFORE_HEAD = new Set(['smallest', 'largest', 'greatest', 'least', 'maximum', 'minimum', 'total', 'positive', 'negative', 'exact', 'possible', 'final', 'combined', 'new', 'original', 'average', 'expected', 'resulting', 'shortest', 'longest', 'sum', 'same', 'entire', 'whole', 'real', 'distinct', 'remaining', 'equivalent', 'annual', 'all', 'such', 'its', 'their', 'his', 'her', 'this', 'that', 'different', 'more', 'fewer', 'many', 'much']);

const IRREGULAR: Record<string, string> = {
  made: 'make', paid: 'pay', spent: 'spend', bought: 'buy', ate: 'eat', eaten: 'eat', took: 'take', taken: 'take', gave: 'give', given: 'give',
  sold: 'sell', had: 'have', has: 'have', got: 'get', left: 'leave', won: 'win', ran: 'run', drove: 'drive', grew: 'grow', kept: 'keep', lost: 'lose',
};

/** Crude singular stem: "cards" → "card", "pieces" → "piece", "glasses" → "glass", "paid" → "pay". */
export function stem(word: string): string {
  const w = word.toLowerCase();
  if (IRREGULAR[w]) return IRREGULAR[w];
  if (w.length > 4 && w.endsWith('sses')) return w.slice(0, -2);
  if (w.length > 4 && w.endsWith('ies')) return w.slice(0, -3) + 'y';
  if (w.length > 5 && w.endsWith('toes')) return w.slice(0, -2); // potatoes, tomatoes
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) return w.slice(0, -1);
  return w;
}

/** Two words are the same word up to an ending: "save"/"saved", "spend"/"spent", "respond"/"responds". */
export function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  const shorter = Math.min(a.length, b.length);
  if (shorter < 4) return false;
  let common = 0;
  while (common < shorter && a[common] === b[common]) common++;
  return common >= 4 && common >= shorter - 1;
}

/** Squeeze a symbol for comparison: no spaces, `$`, `\left`/`\right`, trailing punctuation; "DC" → "CD". */
export function squeezeSymbol(s: string): string {
  let t = s.replace(/\$|\\left|\\right|\s+/g, '').replace(/[.,;:?!]+$/, '');
  t = t.replace(/\\[,!;: ]/g, '');
  // A segment named by two points reads the same both ways.
  if (/^[A-Z]{2}$/.test(t)) t = [...t].sort().join('');
  return t;
}

const QUESTION_VERBS = /\b(find|compute|determine|evaluate|calculate|what|how|which|simplify|solve|express|give|enter|write|round)\b/i;

/** The sentence that asks: the last one with "?", else the last with an asking verb. */
export function questionSentence(problem: string): string {
  const text = problem.replace(/\[asy\][\s\S]*?\[\/asy\]/g, ' ').replace(/\s+/g, ' ').trim();
  // Split after ". ", "? ", "! " outside $…$ (a "." inside math is a decimal point or an ending).
  const sentences: string[] = [];
  let start = 0;
  let inMath = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '$' && (inMath || !/\d/.test(text[i + 1] ?? ''))) inMath = !inMath;
    if (!inMath && (ch === '.' || ch === '?' || ch === '!') && (i + 1 === text.length || text[i + 1] === ' ')) {
      sentences.push(text.slice(start, i + 1).trim());
      start = i + 1;
    }
  }
  if (start < text.length) sentences.push(text.slice(start).trim());
  // Instructions about the form ("Enter all the solutions, separated by commas.") ask nothing new.
  const asking = sentences.filter((s) => !/^\(?(express|give|write|enter|round|note|hint)\b/i.test(s));
  const withMark = asking.filter((s) => s.includes('?'));
  if (withMark.length > 0) return withMark[withMark.length - 1];
  const withVerb = asking.filter((s) => QUESTION_VERBS.test(s));
  if (withVerb.length > 0) return withVerb[withVerb.length - 1];
  return sentences[sentences.length - 1] ?? '';
}

function canonicalNumber(raw: string): string {
  const n = Number(raw.replace(/,/g, ''));
  return Number.isFinite(n) ? String(n) : raw;
}

/** Reads the question of a problem. An empty problem gives an empty target (nothing specific matches). */
export function questionTarget(problem: string | undefined): QuestionTarget {
  const target: QuestionTarget = { symbols: [], head: null, words: new Set(), kind: 'other', countNoun: null, countNouns: [], rounding: false, problemNumbers: new Set(), comparative: false, expressionValue: false, ratePeriods: [], totalAsked: false, restricted: false, headObject: null, question: '', namedUnit: false };
  if (typeof problem !== 'string' || problem.trim() === '') return target;
  // The figure's code is not the problem's numbers, and "(1,7)" is a pair, not 17: a comma only groups thousands.
  const stated = problem.replace(/\[asy\][\s\S]*?\[\/asy\]/g, ' ');
  for (const m of stated.matchAll(/(?<![\w.,])(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?/g)) target.problemNumbers.add(canonicalNumber(m[0]));
  for (const m of stated.matchAll(/\\[dt]?frac\s*\{?(\d+)\}?\s*\{?(\d+)\}?|(?<![\w.])(\d+)\s*\/\s*(\d+)(?![\d.])/g)) {
    const num = Number(m[1] ?? m[3]);
    const den = Number(m[2] ?? m[4]);
    if (den !== 0) target.problemNumbers.add(String(num / den));
  }
  const q = questionSentence(problem);
  target.expressionValue = /\b(compute|evaluate|simplify|calculate|find the value of|what is the value of|determine the value of)\b\s*(the\s+value\s+of\s+)?(\$|\\\[|\\\()/i.test(q) || /^\s*(compute|evaluate|simplify)\b/i.test(q)
    // "Find \[a(b - c)^2 + …\]": a displayed expression to find the value of.
    || /\bfind\s*\\\[/i.test(q);
  // Only the asking part: "If Peter and Martha have totals of 64 and 56 …, how many more …" asks no total,
  // and "the baboons need 100 bananas every month, how many … for 2 months?" asks no monthly rate.
  const asking = q.slice(Math.max(0, q.search(/\b(what|how|find|compute|determine|calculate)\b/i)));
  target.ratePeriods = [...asking.matchAll(/\b(?:a|an|per|each|every)\s+([a-z]+)/gi)].map((m) => stem(m[1]));
  target.namedUnit = /\b(cm|mm|km|centimet(?:er|re)s?|met(?:er|re)s?|inch(?:es)?|feet|foot|yards?|miles?)\b/i.test(stated);
  target.totalAsked = /\b(total|totals|altogether|together|combined|in all|all together|both)\b/i.test(asking);
  target.question = q.toLowerCase();
  const headObject = /\b(?:what is|find|compute|determine)\s+the\s+(?:[a-z-]+\s+){0,2}?[a-z]+\s+of\s+(\$[^$]{1,30}\$|\\\([^]{1,30}?\\\))/i.exec(q);
  target.headObject = headObject ? squeezeSymbol(headObject[1].replace(/^\\\(|\\\)$/g, '')) : null;
  target.restricted = /\b(not|never|no two|without|cannot|neither|nor)\b|n't\b/i.test(q);
  target.comparative = /\bhow (many|much) (more|fewer|less)\b|\bdifference\b/i.test(q);
  // Rounding asked of the answer itself, not of quantities in the story ("round all his prices").
  // Maths is blanked first: "Round $54.\\overline{54}$ to the nearest hundredth" has a decimal point inside.
  target.rounding = /\b(answer|result)\b[^.]{0,60}\bnearest\b|(^|[.?!]\s+)round\b[^.]{0,60}\bnearest\b/i.test(problem.replace(/\$[^$]*\$/g, 'X'));

  // Asked symbols: the math right after an asking verb, or a short math group closing the question.
  const asked = /\b(?:find|compute|determine|evaluate|calculate|what is|what's|what are|what was|then find|value of|find the value of)\s+((?:the\s+)?(?:value\s+of\s+)?)(\$[^$]{1,30}\$|\\\([^)]{1,30}\\\))/gi;
  for (const m of q.matchAll(asked)) target.symbols.push(squeezeSymbol(m[2].replace(/^\\\(|\\\)$/g, '')));
  // "Find all real numbers $k$ such that …": the named unknown.
  const unknown = /\b(?:find|compute|determine)\s+(?:all\s+)?(?:the\s+)?(?:possible\s+)?(?:real\s+|positive\s+|negative\s+|integer\s+|complex\s+)*(?:numbers?|values?|solutions?|integers?|roots?)\s+(\$[^$]{1,12}\$)/i.exec(q);
  if (unknown) target.symbols.push(squeezeSymbol(unknown[1]));
  const closing = /(\$[^$]{1,20}\$)\s*[?.]?\s*\$?\s*$/.exec(q);
  // "the positive difference between 23 and $x$?": a closing group that is one term of the asked phrase is not asked.
  const termOf = closing ? /\b(and|between|from|than|with|to|in|on|by)\s*$/i.test(q.slice(0, closing.index)) : false;
  if (closing && !termOf && /\b(find|compute|what|determine|evaluate)\b/i.test(q)) target.symbols.push(squeezeSymbol(closing[1]));
  // Plain-text segment names: "what is the length of CE?" → CE.
  const segment = /\b(?:length|measure) of \$?([A-Z]{2})\$?/.exec(q);
  if (segment) target.symbols.push(squeezeSymbol(segment[1]));
  target.symbols = [...new Set(target.symbols.filter((s) => s !== '' && !s.includes('=') && s.length <= 24))];

  // Head noun: the last word of the noun phrase after an asking phrase, before "of", "that", a verb…
  // A possessive belongs to the word before the head: "the tank’s water depth" asks a depth.
  const headMatch = /\b(?:what is|what was|what are|what will be|find|compute|determine|calculate|evaluate|how many|how much)\s+(?:is\s+)?(?:the\s+)?((?:[a-z-]+(?:['’]s)?\s*){0,5})/i.exec(q);
  if (headMatch) {
    const words: string[] = [];
    for (const raw of headMatch[1].trim().split(/\s+/)) {
      // "base-2 digits (bits)": brackets and marks are not part of the word.
      const w = raw.replace(/['’]s$/, '').replace(/[^A-Za-z-]/g, '').replace(/^-+|-+$/g, '');
      if (w === '') continue;
      if (/^(of|that|which|who|with|in|on|for|to|from|when|where|if|such|does|do|did|is|are|was|were|will|would|can|could|has|have|had|there|between|among|than)$/i.test(w)) break;
      // A subject after the noun opens a relative clause: "the greatest distance the dog can be",
      // "the total amount she made".
      if (words.some((x) => !/^(the|a|an)$/i.test(x) && !ADJECTIVES_BEFORE_HEAD.has(x.toLowerCase())) && /^(the|a|an|she|he|they|it|we|you|i)$/i.test(w)) break;
      words.push(w);
    }
    const nouns = words.filter((w) => !ADJECTIVES_BEFORE_HEAD.has(w.toLowerCase()) && !/^(the|a|an)$/i.test(w) && /^[a-z]/.test(w));
    if (nouns.length > 0) target.head = stem(nouns[nouns.length - 1]);
    // "glasses and plates" counts two things; "pizza pieces" one (the last word of each group).
    if (/^how many/i.test(headMatch[0])) {
      const groups = nouns.join(' ').split(/\s+(?:and|or)\s+/i).map((g) => g.trim().split(/\s+/).pop() ?? '').filter((w) => w !== '');
      target.countNouns = groups.map(stem);
    }
  }

  const howManyAt = /\bhow many\s+((?:[a-z-]+\s+){0,3})/i.exec(q);
  const howMany = howManyAt ? [howManyAt[0], howManyAt[1].trim().split(/\s+/).find((w) => !ADJECTIVES_BEFORE_HEAD.has(w.toLowerCase())) ?? ''] : null;
  if (/\bhow long\b|\bhow many (hours|minutes|seconds|days|weeks|months|years)\b/i.test(q)) target.kind = 'time';
  else if (/\bhow many cents\b/i.test(q)) target.kind = 'count';
  else if (/\bhow much\b/i.test(q) && (/\b(cost|costs|pay|paid|spend|spent|make|made|earn|earned|save|saved|money|dollars|price|owe|charge)\b/i.test(q) || /\$/.test(q))) target.kind = 'money';
  else if (/\bhow many (dollars|cents)\b/i.test(q)) target.kind = 'money';
  // "Calculate the total amount she made in two months": an amount earned or spent is money.
  else if (/\b(amount|money)\b/i.test(q) && /\b(cost|costs|pay|paid|spend|spent|make|made|earn|earned|earns|save|saved|owe|charge|sales|sell|sold)\b/i.test(q)) target.kind = 'money';
  else if (/\bpercent(age)?\b|%/i.test(q)) target.kind = 'percent';
  else if (howMany) target.kind = 'count';
  if (howMany && howMany[1] !== '') target.countNoun = target.countNouns.length > 0 ? target.countNouns[target.countNouns.length - 1] : stem(howMany[1]);
  // "Find the number of $x$-intercepts …" counts too.
  const numberOf = /\b(?:find|compute|determine|what is)\s+the\s+(?:total\s+)?number\s+of\s+(?:\$[^$]*\$-?)?((?:[a-z-]+\s+){0,2}?)([a-z]+)\b/i.exec(q);
  if (target.countNoun === null && numberOf) {
    target.countNoun = stem(numberOf[2]);
    if (target.kind === 'other') target.kind = 'count';
  }
  if (target.countNoun !== null && !target.countNouns.includes(target.countNoun)) target.countNouns.push(target.countNoun);

  // Content words of the asking clause only ("If Artie sells 12 pots …, how much will he make?" → make).
  const askAt = q.search(/\b(what|how|find|compute|determine|evaluate|calculate|which|simplify|express|give|enter|write)\b/i);
  // A short lead-in stays: "Together, how much did the three of them spend?"
  const leadIn = askAt > 0 ? q.slice(0, askAt) : '';
  let clause = askAt > 0 && leadIn.trim().split(/\s+/).length > 2 ? q.slice(askAt) : q;
  clause = clause.replace(/\s(if|when|given that|assuming)\s[\s\S]*$/i, ' ').replace(/,?\s+(as in|as shown|such as|for example)\b[\s\S]*$/i, ' ');
  for (const m of clause.matchAll(/(?<![\\$_^{])\b([A-Za-z][a-z]{2,})\b/g)) {
    const word = m[1];
    // Capitalised words inside a sentence are names ("Becca", "Andrea"): steps mention them too.
    if (/^[A-Z]/.test(word) && (m.index ?? 0) > 0) continue;
    const w = stem(word);
    if (STOP_WORDS.has(word.toLowerCase()) || STOP_WORDS.has(w)) continue;
    target.words.add(w);
  }
  return target;
}

// A trace asks one question for all its episodes (10^5 of them): read it once.
let lastProblem: string | null = null;
let lastTarget: QuestionTarget | null = null;

/** questionTarget, remembered for the last problem asked (every episode of a trace asks the same). */
export function cachedQuestionTarget(problem: string): QuestionTarget {
  if (problem !== lastProblem || lastTarget === null) {
    lastTarget = questionTarget(problem);
    lastProblem = problem;
  }
  return lastTarget;
}
