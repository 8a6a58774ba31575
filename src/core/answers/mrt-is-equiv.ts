/**
 * MRT's answer judge, ported rule for rule: `is_equiv` and `_strip_string` of
 * CMU-AIRe/MRT analysis/code/grader.py (lines 3-151, the Hendrycks MATH string normalisation),
 * which `solution_eq_ans` (lines 174-175) applies to the last box of prompt + rollout in
 * regret.ipynb. Two answers are equal when their stripped strings are; any Python exception
 * inside the strip (an `IndexError`, a failed `assert`) makes it compare the raw strings.
 *
 * It is strict on purpose: `\frac{2}{4}` is not `\frac{1}{2}`, `0.50` is not `\frac{1}{2}`.
 * The `mrt` probe recipe judges with it (docs/fidelity.md); our math-aware `equivalent`
 * (src/core/answers/equivalence.ts) is the other judge. Python indexes by code point, so the
 * lengths and first characters below do too.
 */

/** Python raised inside `_strip_string`: `is_equiv` falls back to `str1 == str2`. */
class PythonError extends Error {}

const codePoints = (s: string): string[] => Array.from(s);

/** `s[i]` in Python: an IndexError past the end. */
function at(s: string, i: number): string {
  const cps = codePoints(s);
  if (i >= cps.length) throw new PythonError('IndexError');
  return cps[i];
}

/** grader.py `_fix_fracs`, lines 3-32. */
function fixFracs(string: string): string {
  const substrs = string.split('\\frac');
  let out = substrs[0];
  for (const substr of substrs.slice(1)) {
    out += '\\frac';
    if (at(substr, 0) === '{') {
      out += substr;
      continue;
    }
    const cps = codePoints(substr);
    if (cps.length < 2) return string;
    const [a, b] = cps;
    const post = cps.slice(2).join('');
    out += b !== '{' ? `{${a}}{${b}}${post}` : `{${a}}${b}${post}`;
  }
  return out;
}

/** `int(x)` whose `str()` gives x back: what `assert string == "{}/{}".format(a, b)` leaves. */
const CANONICAL_INT = /^(?:-?[1-9][0-9]*|0)$/;

/** grader.py `_fix_a_slash_b`, lines 34-46. */
function fixASlashB(string: string): string {
  const parts = string.split('/');
  if (parts.length !== 2) return string;
  const [a, b] = parts;
  if (!CANONICAL_INT.test(a) || !CANONICAL_INT.test(b)) return string;
  return `\\frac{${a}}{${b}}`;
}

/** grader.py `_remove_right_units`, lines 48-55 (its assert raises on two or more). */
function removeRightUnits(string: string): string {
  if (!string.includes('\\text{ ')) return string;
  const splits = string.split('\\text{ ');
  if (splits.length !== 2) throw new PythonError('AssertionError');
  return splits[0];
}

/** grader.py `_fix_sqrt`, lines 57-69. */
function fixSqrt(string: string): string {
  if (!string.includes('\\sqrt')) return string;
  const splits = string.split('\\sqrt');
  let out = splits[0];
  for (const split of splits.slice(1)) {
    const first = at(split, 0);
    out += first !== '{' ? `\\sqrt{${first}}${codePoints(split).slice(1).join('')}` : `\\sqrt${split}`;
  }
  return out;
}

/** grader.py `_strip_string`, lines 71-138. */
export function mrtStripString(input: string): string {
  let s = input.replaceAll('\n', '');
  s = s.replaceAll('\\!', '');
  s = s.replaceAll('\\\\', '\\');
  s = s.replaceAll('tfrac', 'frac').replaceAll('dfrac', 'frac');
  s = s.replaceAll('\\left', '').replaceAll('\\right', '');
  s = s.replaceAll('^{\\circ}', '').replaceAll('^\\circ', '');
  s = s.replaceAll('\\$', '');
  s = removeRightUnits(s);
  // Lines 105-106: "\\%" and "\%" are the same two characters in Python.
  s = s.replaceAll('\\%', '');
  s = s.replaceAll(' .', ' 0.').replaceAll('{.', '{0.');
  if (s.length === 0) return s;
  if (s[0] === '.') s = `0${s}`;
  const sides = s.split('=');
  if (sides.length === 2 && codePoints(sides[0]).length <= 2) s = sides[1];
  s = fixSqrt(s);
  s = s.replaceAll(' ', '');
  s = fixFracs(s);
  if (s === '0.5') s = '\\frac{1}{2}';
  return fixASlashB(s);
}

/** grader.py `is_equiv`, lines 140-151: null on either side is never equal. */
export function mrtIsEquiv(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return false;
  try {
    return mrtStripString(a) === mrtStripString(b);
  } catch (err) {
    if (err instanceof PythonError) return a === b;
    throw err;
  }
}

/**
 * The class of an answer under `mrtIsEquiv`: its stripped string, or the answer itself where the
 * strip raises (is_equiv then compares raw strings). Two answers share a class exactly when
 * is_equiv holds, so grouping by it is regret_additional.ipynb's grouping (each answer joins the
 * first stored key it is_equiv-matches).
 */
export function mrtAnswerClass(answer: string): string {
  try {
    return mrtStripString(answer);
  } catch (err) {
    if (err instanceof PythonError) return answer;
    throw err;
  }
}
