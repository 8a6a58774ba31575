import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractFinalAnswer, extractGoldAnswer, extractIntermediateAnswer, findIntermediateAnswer, lastBoxed, readForcedAnswer } from '../../../src/core/answers';

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

test('findIntermediateAnswer: prose conclusions read against the question, with the value\'s place in the text', () => {
  const cases: { problem: string; text: string; answer: string; shown: string; how: string }[] = [
    { problem: 'A train leaves at noon and travels 200 km at 75 km/h. How long does the trip take, in minutes?', text: 'Speed is 75 km/h, distance 200 km.\n\nSo, the total time would be 160 minutes.', answer: '160', shown: '160', how: 'count' },
    { problem: 'A rectangle has perimeter 78 and length 20. What is the product of the length and the width?', text: 'The width is 18, so the product of length and width is 360.', answer: '360', shown: '360', how: 'conclusion' },
    { problem: 'A garden is 38 by 16 metres. What is the area of the garden?', text: 'Solving the system: w = 16. That gives l = 38, area 608.', answer: '608', shown: '608', how: 'conclusion' },
    { problem: 'Kyle bought a book for $19.50 after a 25% discount. What was the original price of the book?', text: 'P = 19.50 / 0.75 = 26. So the original price of the book was $26.', answer: '26', shown: '$26', how: 'conclusion' },
    { problem: 'Let $m$ and $n$ be such that … Find $m+n$.', text: 'Thus m = 3 and n = 5, so m + n = 3 + 5 = 8.', answer: '8', shown: '8', how: 'asked-symbol' },
    { problem: 'How many cards does Becca have?', text: 'Check: 47 + 141 + 153 = 341. So Becca has 153 cards.', answer: '153', shown: '153', how: 'count' },
    { problem: 'An infinite geometric series has first term 328 and sum 2009. What is its common ratio?', text: 'Here r is the common ratio.\n\nr = 1681 / 2009', answer: '1681 / 2009', shown: '1681 / 2009', how: 'asked-symbol' },
  ];
  for (const c of cases) {
    const found = findIntermediateAnswer(c.text, { problem: c.problem, gold: '1' });
    assert.ok(found, c.text);
    assert.equal(found.answer, c.answer, c.text);
    assert.equal(c.text.slice(found.start, found.end), c.shown, c.text);
    assert.equal(found.how, c.how, c.text);
  }
});

test('findIntermediateAnswer: step values, hedges, rates and rejected values are not answers', () => {
  const weekly = 'James gets 80 emails a day and answers 80% of them. How many emails does he respond to in a 5 day work week?';
  assert.equal(extractIntermediateAnswer('So he responds to 80 - 16 = 64 emails a day.', { problem: weekly }), null);
  assert.equal(extractIntermediateAnswer('So he responds to 64 × 5 = 320 emails.', { problem: weekly }), '320');
  const notes = 'She had 80 notes, used 220 and kept 23. How many Post-it notes were in the package that she purchased?';
  assert.equal(extractIntermediateAnswer('So the package plus the 80 is 243.', { problem: notes }), null);
  const area = 'A square has side 4. What is the area of the square?';
  assert.equal(extractIntermediateAnswer('If the area is 16, the side is 4.', { problem: area }), null);
  assert.equal(extractIntermediateAnswer('So the area is 10. Wait, no, that can\'t be right.', { problem: area }), null);
  assert.equal(extractIntermediateAnswer('So the area would be 16.', { problem: area }), '16');
  // Without the problem only the cue-word rules run.
  assert.equal(extractIntermediateAnswer('So the area would be 16.'), null);
  // The gold's type: a tuple is not answered by a number.
  assert.equal(extractIntermediateAnswer('So, the answer is 5.', { problem: 'Find the point.', gold: '(1, 2)' }), null);
});

test('findIntermediateAnswer: a box keeps its content range; several boxes on a line span all of them', () => {
  const one = 'So it is \\boxed{42}.';
  const f = findIntermediateAnswer(one);
  assert.ok(f);
  assert.equal(one.slice(f.start, f.end), '42');
  const two = 'The solutions are \\boxed{81} and \\boxed{256}.';
  const g = findIntermediateAnswer(two);
  assert.ok(g);
  assert.equal(g.answer, '81, 256');
  assert.equal(two.slice(g.start, g.end), '81} and \\boxed{256');
});
