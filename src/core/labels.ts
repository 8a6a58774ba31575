/**
 * Episode labels from documented cue lists (docs/labels.md has the agreement measured against
 * the LLM-made tags of Thought Anchors). A label is given when one of its cues occurs in the
 * part of the episode where that behaviour shows: re-checking, backing off and switching
 * approach announce themselves at the start of an episode ("Wait, ...", "Let me verify ..."),
 * so those cues are looked for in the opening; computation and answers can be anywhere.
 * String cues match case-insensitively as whole words; RegExp cues are used as they are.
 * Pure and cheap: a few regex tests per episode.
 */
import type { EpisodeLabel } from './trace';

export const LABEL_CUES: Record<EpisodeLabel, readonly (string | RegExp)[]> = {
  verification: [
    'let me check',
    'let me verify',
    'let me double-check',
    'let me double check',
    'let me confirm',
    'let me make sure',
    'double-check',
    'to verify',
    'to check',
    'verify',
    'verifying',
    'sanity check',
    'check again',
    'checks out',
    'plugging back',
    'plug back',
    'plugging in',
    'substituting back',
    'which matches',
    'that matches',
    'is consistent',
    'seems correct',
    'seems right',
    'is correct',
    "that's correct",
    'seems consistent',
    'seems logical',
    'makes sense',
    'confident',
    'let me see if',
    'let me just',
    'that works',
    /^\W*(yes|yep|right|correct)\b/i,
  ],
  backtracking: [
    'wait',
    'hold on',
    'hmm',
    'oops',
    'mistake',
    'i made an error',
    'was wrong',
    "that's not right",
    "that's wrong",
    'not correct',
    'incorrect',
    "doesn't make sense",
    "that can't be",
    'contradiction',
    'reconsider',
    're-examine',
    'let me re-',
    'no, ',
    /^\W*no\b/i,
    /^\W*actually\b/i,
    /^\W*but\b/i,
  ],
  alternative: [
    'alternatively',
    'another approach',
    'another way',
    'different approach',
    'different method',
    'other approach',
    'instead',
    'or maybe',
    'or perhaps',
    'what if',
    'on second thought',
    'is there another',
  ],
  planning: [
    /\b(?:let me|let's|let us) (?:try|think|start|first|figure|consider|approach|break|plan|recall|denote|set up|see how|see what|outline)\b/i,
    'i need to',
    'we need to',
    'i should',
    'i will',
    "i'll",
    'the plan',
    'my approach',
    'the approach',
    'the strategy',
    'the goal',
    'first,',
    'next,',
    'then,',
    'step by step',
    'to find',
    'to solve',
    'to figure out',
    'i think i',
    'maybe i can',
    'perhaps i can',
    'we can use',
    'i can use',
  ],
  computation: [
    /\d\s*(?:[-+*/×÷^=]|\\times|\\cdot|\\div)\s*[-(\d\\]/,
    /[a-z)\]}]\s*(?:=|\\times|\\cdot)\s*[-(\d\\a-z]/i,
    /\\(?:frac|sqrt|binom|sum|prod|int)\b/,
    'calculate',
    'calculating',
    'compute',
    'computing',
    'multiply',
    'multiplying',
    'divide',
    'dividing',
    'simplify',
    'simplifying',
    'subtract',
    'subtracting',
    'expand',
    'expanding',
    'factor',
    'solve for',
    'substitute',
    'substituting',
  ],
  answer: [
    /\\boxed\s*\{/,
    'final answer',
    'the answer is',
    'the answer should be',
    'the answer would be',
    'so the answer',
    'answer:',
  ],
};

/** Labels whose cues only count in the opening of an episode. */
const OPENING_ONLY: ReadonlySet<EpisodeLabel> = new Set(['verification', 'backtracking', 'alternative', 'planning']);
/** How much of an episode counts as its opening (characters). */
export const OPENING_CHARS = 160;

const LABEL_ORDER: readonly EpisodeLabel[] = ['planning', 'computation', 'verification', 'backtracking', 'alternative', 'answer'];

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Start-of-word assertion of string cues (shared, so a combined regex can test it once). */
const WORD_START = '(?<![\\p{L}\\p{N}])';
/** End-of-word assertion of string cues. */
const WORD_END = '(?![\\p{L}\\p{N}])';

function cueRegExp(cue: string | RegExp): RegExp {
  if (cue instanceof RegExp) return cue;
  // Whole words: a cue that starts/ends with a letter must not be glued to another letter.
  const lead = /^\w/.test(cue) ? WORD_START : '';
  const trail = /\w$/.test(cue) ? WORD_END : '';
  return new RegExp(lead + escapeRegExp(cue).replace(/'/g, "['\u2019]") + trail, 'iu');
}

/** One regex per cue: the definition of what a cue matches. */
const PER_CUE: ReadonlyArray<[EpisodeLabel, RegExp[]]> = LABEL_ORDER.map((label) => [label, LABEL_CUES[label].map(cueRegExp)]);

/** A cue that cannot share a regex with others: stateful flags, backreferences, named groups. */
function standsAlone(re: RegExp): boolean {
  return re.global || re.sticky || /\\[1-9]|\\k<|\(\?<[^=!]/.test(re.source);
}

/** Whether some cue of a label occurs in a text. */
interface CueTest {
  test(text: string): boolean;
}

/**
 * Whole-word cues sharing a flag set, tested fast but exactly. A pattern that opens with a
 * lookbehind defeats the regex engine's scan for a first character, which made these the
 * slowest part of labelling. So a cheap scan without the word assertions finds each place
 * where some cue's letters occur (every whole-word match is one of them), and the exact
 * pattern is tried only there (sticky, so it looks at that position alone).
 */
class WholeWordCues implements CueTest {
  private readonly candidates: RegExp;
  private readonly exact: RegExp;

  constructor(alternatives: readonly string[], flags: string) {
    const bare = alternatives.map((a) => (a.endsWith(`${WORD_END})`) ? `${a.slice(0, -WORD_END.length - 1)})` : a));
    this.candidates = new RegExp(bare.join('|'), `${flags}g`);
    this.exact = new RegExp(`${WORD_START}(?:${alternatives.join('|')})`, `${flags}y`);
  }

  test(text: string): boolean {
    const { candidates, exact } = this;
    candidates.lastIndex = 0;
    for (let m = candidates.exec(text); m !== null; m = candidates.exec(text)) {
      exact.lastIndex = m.index;
      if (exact.test(text)) return true;
      candidates.lastIndex = m.index + 1;
    }
    return false;
  }
}

/**
 * The cues of a label joined into one alternation per flag set: "does any cue match" is then
 * one scan of the text instead of one per cue, and alternation keeps the answer the same.
 */
function combine(res: readonly RegExp[]): CueTest[] {
  const byFlags = new Map<string, { wordStart: string[]; other: string[] }>();
  const alone: RegExp[] = [];
  for (const re of res) {
    if (standsAlone(re)) {
      alone.push(re);
      continue;
    }
    const group = byFlags.get(re.flags) ?? { wordStart: [], other: [] };
    byFlags.set(re.flags, group);
    // L(?:a)|L(?:b) matches where L(?:a|b) does: the shared assertion is factored out.
    if (re.source.startsWith(WORD_START)) group.wordStart.push(`(?:${re.source.slice(WORD_START.length)})`);
    else group.other.push(`(?:${re.source})`);
  }
  const joined: CueTest[] = [];
  for (const [flags, { wordStart, other }] of byFlags) {
    if (wordStart.length > 0) joined.push(new WholeWordCues(wordStart, flags));
    if (other.length > 0) joined.push(new RegExp(other.join('|'), flags));
  }
  return [...joined, ...alone];
}

const COMBINED: ReadonlyArray<[EpisodeLabel, CueTest[]]> = PER_CUE.map(([label, res]) => [label, combine(res)]);

export interface LabelContext {
  /** The last episode of the thinking (answers are usually stated there). */
  isLast?: boolean;
}

/** Labels for one episode (or sentence chunk), in a fixed order; [] when no cue fires. */
export function labelEpisode(text: string, context: LabelContext = {}): EpisodeLabel[] {
  return labelWith(COMBINED, text, context);
}

/** The reference definition (each cue tested on its own); labelEpisode must equal it. */
export function labelEpisodeByEachCue(text: string, context: LabelContext = {}): EpisodeLabel[] {
  return labelWith(PER_CUE, text, context);
}

function labelWith(matchers: ReadonlyArray<[EpisodeLabel, readonly CueTest[]]>, text: string, context: LabelContext): EpisodeLabel[] {
  const body = text.trim();
  if (body.length === 0) return [];
  const opening = body.length > OPENING_CHARS ? body.slice(0, OPENING_CHARS) : body;
  const labels: EpisodeLabel[] = [];
  for (const [label, res] of matchers) {
    const where = OPENING_ONLY.has(label) ? opening : body;
    if (res.some((re) => re.test(where))) labels.push(label);
  }
  // The last episode states the answer in so many words more often than it boxes it.
  if (context.isLast && !labels.includes('answer') && /\b(so|thus|therefore|hence)\b[^.]{0,80}\b(is|=)\b/i.test(body.slice(-400))) {
    labels.push('answer');
  }
  return labels;
}
