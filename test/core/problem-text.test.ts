import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cleanGold, splitProblemAndGold } from '../../src/core/problem-text';

test('an Answer: line after the problem is the gold, and it and what follows leave the problem', () => {
  assert.deepEqual(splitProblemAndGold('What is 17 + 25?\n\nAnswer: 42'), { problem: 'What is 17 + 25?', gold: '42', goldLine: 3, form: 'answer-colon' });
  assert.equal(splitProblemAndGold('Find x.\n**Answer:** $\\frac{1}{2}$.').gold, '\\frac{1}{2}');
  assert.equal(splitProblemAndGold('Find x.\nFinal answer: \\(x = 3\\)').gold, 'x = 3');
  assert.equal(splitProblemAndGold('Find x.\ngold answer = -10,\\!000').gold, '-10,\\!000');
  const withSolution = splitProblemAndGold('Q: what is 2+2?\nAnswer: 4\nSolution: two and two make four.');
  assert.deepEqual([withSolution.problem, withSolution.gold], ['Q: what is 2+2?', '4']);
});

test('GSM8K #### lines (thousands commas dropped) and boxed lines', () => {
  const gsm = splitProblemAndGold('Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did she sell altogether?\n#### 72');
  assert.deepEqual([gsm.gold, gsm.form, gsm.goldLine], ['72', 'gsm8k', 2]);
  assert.equal(splitProblemAndGold('How many?\n#### 1,000').gold, '1000');
  const boxed = splitProblemAndGold('Simplify $\\frac{2}{4}$.\n\n$\\boxed{\\frac{1}{2}}$');
  assert.deepEqual([boxed.problem, boxed.gold, boxed.form], ['Simplify $\\frac{2}{4}$.', '\\frac{1}{2}', 'boxed']);
  assert.equal(splitProblemAndGold('Compute it.\nThe answer is \\boxed{7}.').gold, '7');
});

test('no gold: a first line is never the answer, a sentence mentioning \\boxed is problem text, answers inside sentences are not lines', () => {
  assert.deepEqual(splitProblemAndGold('Answer: what is 2+2?'), { problem: 'Answer: what is 2+2?', gold: null });
  assert.equal(splitProblemAndGold('Put your final result in \\boxed{} and explain the steps you took in detail please.\nWhat is 3+4?').gold, null);
  assert.equal(splitProblemAndGold('What is 3+4? The answer: seven is wrong.').gold, null);
  assert.equal(splitProblemAndGold('What is 3+4?\nAnswer:   ').gold, null, 'an empty answer line is no gold');
  assert.deepEqual(splitProblemAndGold('  just a problem  \n'), { problem: 'just a problem', gold: null });
});

test('cleanGold strips the wrappers typed around an answer, nothing inside', () => {
  assert.equal(cleanGold(' $42$. '), '42');
  assert.equal(cleanGold('**\\(x^2\\)**'), 'x^2');
  assert.equal(cleanGold('\\boxed{(1, 2)}'), '(1, 2)');
  assert.equal(cleanGold('5!'), '5!');
  assert.equal(cleanGold('3.5'), '3.5');
});

test('property: the problem part never contains the gold line, and text without answer lines is kept whole', () => {
  fc.assert(
    fc.property(fc.array(fc.stringMatching(/^[a-z ?0-9+]{1,30}$/), { minLength: 1, maxLength: 5 }), fc.integer({ min: 0, max: 99999 }), (lines, n) => {
      const problem = lines.join('\n');
      assert.equal(splitProblemAndGold(problem).gold, null);
      const r = splitProblemAndGold(`${problem}\nAnswer: ${n}`);
      if (problem.trim() === '') return;
      assert.equal(r.gold, String(n));
      assert.equal(r.problem, problem.trim());
    }),
  );
});
