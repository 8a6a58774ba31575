/**
 * A problem as a user selects or opens it often carries its answer on a line next to it:
 * `Answer: 42`, GSM8K's `#### 42`, or a `\boxed{42}` line. splitProblemAndGold finds such a
 * line after the problem text, so Solve Problem… can offer it as the gold answer and leave it
 * out of the prompt (the model must not see the answer). Pure.
 */
import { lastBoxed } from './answers/extract';

export interface ProblemAndGold {
  /** The problem text, without the answer line and what follows it (trimmed). */
  problem: string;
  /** The answer found next to it, cleaned of `$…$`, `\(…\)`, `**`, a trailing period; null if none. */
  gold: string | null;
  /** The line the gold was read from (1-based, within the text), when found. */
  goldLine?: number;
  /** Which form it had. */
  form?: 'answer-colon' | 'gsm8k' | 'boxed';
}

/** `Answer: X`, `**Answer:** X`, `Final answer: X`, `Gold: X`, `Solution: X` (a value on the same line). */
const ANSWER_LINE = /^\s*(?:[*_]{1,2})?(?:final\s+answer|answer|gold(?:\s+answer)?|expected(?:\s+answer)?)(?:[*_]{1,2})?\s*[:：=]\s*(?:[*_]{1,2})?\s*(.+?)\s*$/i;
const GSM8K_LINE = /^\s*####\s*(.+?)\s*$/;
const BOXED_LINE = /\\(?:boxed|fbox)\s*\{/;

/** Strips the wrappers people put around an answer they type: `$…$`, `\(…\)`, `**…**`, a trailing period. */
export function cleanGold(value: string): string {
  let v = value.trim();
  for (let changed = true; changed && v !== ''; ) {
    changed = false;
    const before = v;
    v = v.replace(/^\*\*(.*)\*\*$/s, '$1').replace(/^__(.*)__$/s, '$1');
    v = v.replace(/^\$\$(.*)\$\$$/s, '$1').replace(/^\$(.*)\$$/s, '$1');
    v = v.replace(/^\\\((.*)\\\)$/s, '$1').replace(/^\\\[(.*)\\\]$/s, '$1');
    v = v.replace(/[.。]\s*$/, '').trim();
    if (v !== before) changed = true;
  }
  const boxed = lastBoxed(v);
  if (boxed !== null && boxed.trim() !== '' && /^\\(?:boxed|fbox)\s*\{/.test(v) && v.endsWith('}')) return boxed.trim();
  return v;
}

/**
 * The problem and the gold answer stated on a line after it. Only a line after some problem
 * text counts (a first line `Answer: …` is not a problem); the first such line wins, and it
 * and everything after it (a worked solution, other notes) are left out of the problem.
 */
export function splitProblemAndGold(text: string): ProblemAndGold {
  const lines = text.split(/\r?\n/);
  let seenProblem = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (seenProblem) {
      const found = goldOnLine(line);
      if (found && found.gold !== '') {
        const problem = lines.slice(0, i).join('\n').trim();
        return { problem, gold: found.gold, goldLine: i + 1, form: found.form };
      }
    }
    if (line.trim() !== '') seenProblem = true;
  }
  return { problem: text.trim(), gold: null };
}

function goldOnLine(line: string): { gold: string; form: NonNullable<ProblemAndGold['form']> } | null {
  const gsm = GSM8K_LINE.exec(line);
  if (gsm) return { gold: cleanGold(gsm[1]).replace(/(\d),(?=\d{3}\b)/g, '$1'), form: 'gsm8k' };
  const colon = ANSWER_LINE.exec(line);
  if (colon) return { gold: cleanGold(colon[1]), form: 'answer-colon' };
  if (BOXED_LINE.test(line)) {
    // A line that is (mostly) the boxed answer, not a sentence of the problem that mentions \boxed.
    const boxed = lastBoxed(line);
    const rest = line.replace(/\\(?:boxed|fbox)\s*\{.*\}/, '').replace(/[$\\()[\].,:;*\s]/g, '');
    if (boxed !== null && boxed.trim() !== '' && rest.length <= 20) return { gold: boxed.trim(), form: 'boxed' };
  }
  return null;
}
