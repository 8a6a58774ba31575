/**
 * Caps every answer meets before any parsing (normalising, shape splitting, LaTeX parsing are
 * recursive and grow with length and depth: `\boxed{` nested 30 000 deep took 50 s and could
 * overflow the stack). No real answer comes near either limit; past them the verdict is a
 * clear "too long" / "too deeply nested" in O(length), never a crash or a wait.
 */

/** Characters of one answer (gold or prediction). */
export const MAX_ANSWER_CHARS = 10_000;
/** Levels of bracket nesting ({, (, [) in one answer. */
export const MAX_ANSWER_NESTING = 200;

/** Why `text` is refused before parsing ("answer too long (…)"), or null when it is within the caps. */
export function answerLimitProblem(text: string): string | null {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 123 || c === 40 || c === 91) {
      if (++depth > MAX_ANSWER_NESTING) return `answer too deeply nested (more than ${MAX_ANSWER_NESTING} levels of brackets)`;
    } else if ((c === 125 || c === 41 || c === 93) && depth > 0) depth--;
  }
  if (text.length > MAX_ANSWER_CHARS) return `answer too long (${text.length} characters; limit ${MAX_ANSWER_CHARS})`;
  return null;
}
