/**
 * Names of the asked quantity carried from episode to episode: an episode often states the
 * answer by a letter an earlier one defined ("Let x be the number of players on the defense." …
 * next episode: "x = 105 / 3.5 = 30."). The annotator keeps what the episodes so far named and
 * gives it to findIntermediateAnswer as `ctx.names`. Pure.
 */
import { askedNamesIn } from './conclusions';
import { cachedQuestionTarget } from './question-target';

/** At most this many names are kept: a trace that names many letters is not naming the answer. */
export const MAX_ANSWER_NAMES = 8;

/**
 * The names known after reading `episodeText`: `known` plus the letters this episode names the
 * asked quantity by. Returns `known` itself when nothing new was named (callers may compare by
 * identity). Without a problem nothing is asked, so nothing is named.
 */
export function learnAnswerNames(episodeText: string, problem: string | null | undefined, known: readonly string[] = []): readonly string[] {
  if (typeof problem !== 'string' || problem.trim() === '' || typeof episodeText !== 'string') return known;
  // Cheap test first: a naming needs a one-letter name (let/call/denote/be/"is the").
  if (!/\b(let|call|denote|be|is the|represent|stands? for|as)\b/i.test(episodeText)) return known;
  const found = askedNamesIn(episodeText, cachedQuestionTarget(problem));
  const added = found.filter((n) => !known.includes(n));
  if (added.length === 0 || known.length >= MAX_ANSWER_NAMES) return known;
  return [...known, ...added].slice(0, MAX_ANSWER_NAMES);
}
