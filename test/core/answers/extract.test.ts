import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractFinalAnswer, extractGoldAnswer, extractIntermediateAnswer, lastBoxed, readForcedAnswer } from '../../../src/core/answers';

test('lastBoxed: last box, nested braces of any depth, \\fbox and "\\boxed 5"', () => {
  assert.equal(lastBoxed('first \\boxed{1} then \\boxed{\\frac{\\sqrt{2}}{\\left(3\\right)}}'), '\\frac{\\sqrt{2}}{\\left(3\\right)}');
  assert.equal(lastBoxed('a {{{deep}}} \\boxed{{{{x}}}}'), '{{{x}}}');
  assert.equal(lastBoxed('\\fbox{7}'), '7');
  assert.equal(lastBoxed('so $\\boxed 5$.'), '5');
  assert.equal(lastBoxed('no box here'), null);
  assert.equal(lastBoxed('\\boxedx{3}'), null, 'a longer command name is not \\boxed');
});

test('lastBoxed: an unclosed trailing box (cut-off text) falls back to the last complete one', () => {
  assert.equal(lastBoxed('\\boxed{12} and later \\boxed{13'), '12');
  assert.equal(lastBoxed('\\boxed{13'), null);
});

test('extractFinalAnswer: priority and cleaning', () => {
  assert.deepEqual(extractFinalAnswer('<think>maybe \\boxed{3}</think>The answer is \\boxed{4}.'), { answer: '4', how: 'boxed' });
  assert.deepEqual(extractFinalAnswer('Therefore, the final answer is $\\frac{3}{4}$. I hope it is correct.'), { answer: '\\frac{3}{4}', how: 'final-answer-is' });
  assert.deepEqual(extractFinalAnswer('The final answer is 12.'), { answer: '12', how: 'final-answer-is' });
  assert.deepEqual(extractFinalAnswer('work...\n**Answer:** 3.5\n'), { answer: '3.5', how: 'answer-colon' });
  assert.deepEqual(extractFinalAnswer('Answer: $x = 2$'), { answer: 'x = 2', how: 'answer-colon' });
  assert.deepEqual(extractFinalAnswer('Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 eggs.\n#### 1,018'), { answer: '1018', how: 'gsm8k' });
  assert.deepEqual(extractFinalAnswer('So in total we get **42**.'), { answer: '42', how: 'bold' });
  assert.deepEqual(extractFinalAnswer('we add 3 and 4 to get 7 apples'), { answer: '7', how: 'last-number' });
  assert.equal(extractFinalAnswer('no numbers at all'), null);
  assert.equal(extractFinalAnswer(''), null);
});

test('extractFinalAnswer: only the text after </think> counts when it is there', () => {
  assert.deepEqual(extractFinalAnswer('<think>the answer is 5</think>\nIt is 6'), { answer: '6', how: 'last-number' });
  assert.deepEqual(extractFinalAnswer('<|begin_of_thought|>x=\\boxed{1}<|end_of_thought|><|begin_of_solution|>\\boxed{2}'), { answer: '2', how: 'boxed' });
});

test('extractFinalAnswer: several boxes on the closing line form one list answer', () => {
  assert.deepEqual(extractFinalAnswer('The solutions are \\boxed{81} and \\boxed{256}.'), { answer: '81, 256', how: 'boxed' });
  assert.deepEqual(extractFinalAnswer('Earlier \\boxed{3}\nFinally \\boxed{4}'), { answer: '4', how: 'boxed' });
});

test('extractIntermediateAnswer: the cues it accepts', () => {
  assert.equal(extractIntermediateAnswer('Okay, so the answer is 42.'), '42');
  assert.equal(extractIntermediateAnswer('Let me put it as \\boxed{42} for now.'), '42');
  assert.equal(extractIntermediateAnswer('Solving gives m - 4 = 2. Therefore, m = 6.'), '6');
  assert.equal(extractIntermediateAnswer('Hmm, the final answer should be 3/4.'), '3/4');
  assert.equal(extractIntermediateAnswer('So, x = 5 is the solution.'), '5');
  assert.equal(extractIntermediateAnswer('Thus, the answer is $\\frac{1}{2}$ since both cases agree.'), '\\frac{1}{2}');
  assert.equal(extractIntermediateAnswer('Therefore, the answer is E: \\( \\frac{9}{\\pi^2} \\).'), '\\frac{9}{\\pi^2}');
  assert.equal(extractIntermediateAnswer('**Final Answer** The solutions are \\boxed{81} and \\boxed{256}.'), '81, 256');
});

test('extractIntermediateAnswer: conservative — hedges, questions, steps and prose are rejected', () => {
  assert.equal(extractIntermediateAnswer('If the answer is 5, then the area would be 25.'), null);
  assert.equal(extractIntermediateAnswer('Maybe the answer is 7? Let me check.'), null);
  assert.equal(extractIntermediateAnswer('Is the answer 12?'), null);
  assert.equal(extractIntermediateAnswer('So, x = 2y + 1, and now substitute.'), null);
  assert.equal(extractIntermediateAnswer('The answer is not obvious yet.'), null);
  assert.equal(extractIntermediateAnswer('The answer is the number of ways to arrange the books.'), null);
  assert.equal(extractIntermediateAnswer('First compute 3 + 4 = 7, then multiply by 2.'), null);
  // Sub-results seen in real traces (cots/math problems 4598, 458, 2988, 7480): not answers.
  assert.equal(extractIntermediateAnswer('Let\'s compute that: 47*3 is 141, minus 18 is 123. So, S_5 = 123.'), null);
  assert.equal(extractIntermediateAnswer('Thus, D = 0, which means there is exactly one real solution.'), null);
  assert.equal(extractIntermediateAnswer('So, m=462, n=40, p=3.'), null);
  assert.equal(extractIntermediateAnswer('So, x = 13/5.'), null);
  assert.equal(extractIntermediateAnswer('Therefore, k = [1,127 ± 805] / 6'), null);
  assert.equal(extractIntermediateAnswer(''), null);
});

test('extractGoldAnswer: MATH boxed, GSM8K ####, floats, plain', () => {
  assert.equal(extractGoldAnswer('so $m=\\boxed{6}$.'), '6');
  assert.equal(extractGoldAnswer('She makes 9 * 2 = $<<9*2=18>>18 every day.\n#### 1,800'), '1800');
  assert.equal(extractGoldAnswer(27.0), '27');
  assert.equal(extractGoldAnswer(0.5), '0.5');
  assert.equal(extractGoldAnswer('  \\frac{1}{2} '), '\\frac{1}{2}');
});

test('readForcedAnswer: up to the first unmatched "}", short remainder, else null', () => {
  assert.equal(readForcedAnswer('42} \\]\nand more'), '42');
  assert.equal(readForcedAnswer('\\frac{1}{2}}$'), '\\frac{1}{2}');
  assert.equal(readForcedAnswer(' 7 '), '7', 'stop string "}" stripped by the server');
  assert.equal(readForcedAnswer('\\frac{1}{2'), null, 'unbalanced');
  assert.equal(readForcedAnswer('I think we need to reconsider the whole problem\nfrom the start'), null);
  assert.equal(readForcedAnswer('}'), null);
  assert.equal(readForcedAnswer(''), null);
});
