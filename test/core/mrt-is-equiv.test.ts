/**
 * MRT's judge (src/core/answers/mrt-is-equiv.ts) against MRT's own grader.py: 642 pairs, hand
 * picked and seeded random ones built from the pieces its rules look at, whose `is_equiv` and
 * `_strip_string` values Python computed (scripts/mrt-judge/cases.py, grader.py at 1815a8c5;
 * the strip is null where Python raised). Every pair must agree, strip included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mrtIsEquiv, mrtStripString } from '../../src/core/answers/mrt-is-equiv';
import { equivalent } from '../../src/core/verdicts';

type Case = [a: string, b: string, equal: boolean, stripped: string | null];
const cases = JSON.parse(readFileSync(join(__dirname, '..', 'data', 'mrt-is-equiv-cases.json'), 'utf8')) as Case[];

test('mrtIsEquiv and mrtStripString give what grader.py gives on every recorded pair', () => {
  assert.ok(cases.length > 600);
  const wrong: string[] = [];
  for (const [a, b, equal, stripped] of cases) {
    if (mrtIsEquiv(a, b) !== equal) wrong.push(`is_equiv(${JSON.stringify(a)}, ${JSON.stringify(b)}) should be ${equal}`);
    let ours: string | null;
    try {
      ours = mrtStripString(a);
    } catch {
      ours = null;
    }
    if (ours !== stripped) wrong.push(`_strip_string(${JSON.stringify(a)}) should be ${JSON.stringify(stripped)}, got ${JSON.stringify(ours)}`);
  }
  assert.deepEqual(wrong, []);
  // Both outcomes occur, and raising strips too (the fallback to raw equality is exercised).
  assert.ok(cases.some((c) => c[2]) && cases.some((c) => !c[2]) && cases.some((c) => c[3] === null));
});

test('the strict judge is not our math-aware one: the pairs the docs name', () => {
  assert.equal(mrtIsEquiv('\\frac{2}{4}', '\\frac{1}{2}'), false);
  assert.equal(equivalent('\\frac{2}{4}', '\\frac{1}{2}').equivalent, true);
  assert.equal(mrtIsEquiv('0.5', '\\frac{1}{2}'), true, "grader.py's one decimal rule");
  assert.equal(mrtIsEquiv('0.50', '\\frac{1}{2}'), false);
  assert.equal(mrtIsEquiv(null, '1'), false);
});
