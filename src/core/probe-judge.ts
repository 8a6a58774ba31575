/**
 * Who judges a probe's answer against the reference, recorded in `probes.judge`:
 * - `mrt-is-equiv` for the `mrt` recipe, as regret.ipynb does (`solution_eq_ans` = grader.py
 *   `is_equiv`, a strict string match after `_strip_string`: `\frac{2}{4}` is not `\frac{1}{2}`);
 * - `math-equivalent` for `quick`: our math-aware equivalence (src/core/verdicts.ts).
 * Traces written before the field existed were judged `math-equivalent`.
 */
import { answerKey } from './answers';
import { mrtAnswerClass, mrtIsEquiv } from './answers/mrt-is-equiv';
import type { ProbeJudgeName, ProbeRecipeId } from './trace';
import { equivalent } from './verdicts';

export function probeJudgeName(recipe: ProbeRecipeId): ProbeJudgeName {
  return recipe === 'mrt' ? 'mrt-is-equiv' : 'math-equivalent';
}

/** The judge by its recorded name (absent: `math-equivalent`). */
export function judgeNamed(name: ProbeJudgeName | undefined): (reference: string, answer: string) => boolean {
  return name === 'mrt-is-equiv' ? (reference, answer) => mrtIsEquiv(answer, reference) : (reference, answer) => equivalent(reference, answer).equivalent;
}

export function probeJudge(recipe: ProbeRecipeId): (reference: string, answer: string) => boolean {
  return judgeNamed(probeJudgeName(recipe));
}

/**
 * How probe answers are grouped into `answers` (the histogram behind entropy and the majority
 * comparator): by the judge's classes, so every answer of a group is judged alike. `mrt`:
 * grader.py's stripped string; `quick`: our answer key.
 */
export function probeAnswerKey(recipe: ProbeRecipeId): (answer: string) => string {
  return probeJudgeName(recipe) === 'mrt-is-equiv' ? mrtAnswerClass : answerKey;
}
