/**
 * The third round of intermediate-answer rules (issue 11; docs/answers.md, "Third round"): names
 * carried from earlier episodes, conclusions that continue into the next sentence, announced
 * working, and the step values they must not take. Each case is a phrasing seen in the tuning sets
 * or written for this test (none is a held-back item).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractIntermediateAnswer, findIntermediateAnswer, learnAnswerNames } from '../../../src/core/answers';
import { findRuleAnswer } from '../../../src/core/answers/extract';
import { annotateTrace, TraceAnnotator } from '../../../src/core/annotate';

const marbles = 'Tom has three times as many marbles as Ann, and together they have 56. How many marbles does Tom have?';

test('learnAnswerNames: a letter an episode names the asked quantity by is kept for later episodes', () => {
  assert.deepEqual(learnAnswerNames('Let n be the number of marbles Tom has. Then Ann has n/3.', marbles), ['n']);
  // Nothing named, or no problem: the same list back.
  const known = ['n'];
  assert.equal(learnAnswerNames('Ann has 14 marbles.', marbles, known), known);
  assert.deepEqual(learnAnswerNames('Let n be the number of marbles Tom has.', null), []);
  // A letter naming another quantity is not the answer's name.
  assert.deepEqual(learnAnswerNames('Let d be the number of days.', marbles), []);
});

test('findIntermediateAnswer: "n = 42" states the answer only when an earlier episode named n', () => {
  const text = 'So 4n/3 = 56, which gives n = 56 × 3 / 4 = 42.';
  assert.equal(extractIntermediateAnswer(text, { problem: marbles, gold: '42' }), null);
  assert.equal(extractIntermediateAnswer(text, { problem: marbles, gold: '42', names: ['n'] }), '42');
});

test('TraceAnnotator: names learned in one episode resolve the answer of a later one (live and offline)', () => {
  const thinking = 'Let n be the number of marbles Tom has. Then Ann has n/3 marbles.\n\nWait, together they have n + n/3 = 4n/3 = 56, which gives n = 56 × 3 / 4 = 42.\n\n';
  // Short episodes: every "Wait" paragraph opens one.
  const segment = { minParagraphs: 1, minChars: 0 };
  const live = new TraceAnnotator({ problem: marbles, gold: '42', segment });
  const episodes = [...live.pushThinking(thinking), ...live.finishThinking()];
  assert.ok(episodes.length >= 2, `segments: ${episodes.length}`);
  const last = episodes[episodes.length - 1];
  assert.equal(last.answer, '42');
  assert.equal(last.verdict, 'correct');
  // setGold re-reads the closed episodes with the names learned again.
  live.setGold('42');
  assert.equal(live.episodes[live.episodes.length - 1].answer, '42');
  const offline = annotateTrace({ problem: marbles, gold: '42', source: { kind: 'file', path: 'x.jsonl' } as never, thinking, response: 'The answer is 42.' }, { segment });
  assert.equal(offline.episodes[offline.episodes.length - 1].answer, '42');
});

test('findIntermediateAnswer: third-round conclusions', () => {
  const cases: { problem: string; text: string; answer: string }[] = [
    // A conclusion that goes on in the next sentence.
    { problem: 'Let $a,$ $b,$ $c$ be the roots of $x^3 - x - 1 = 0.$ Find \\[a(b - c)^2 + b(c - a)^2 + c(a - b)^2.\\]', text: 'So total expression is -3abc -6abc = -9abc\n\nWhich would be -9, since abc = 1.', answer: '-9' },
    // Announced working, then bare arithmetic.
    { problem: 'How many ways are there to seat them around the table if the two brothers do not sit next to each other?', text: 'Now, to find the number of seatings where the brothers are not adjacent, I subtract.\n\nTotal seatings: 120\n\nSo, 120 - 48 = 72.', answer: '72' },
    // "in all" closing a claim; the question's verb right before the value.
    { problem: 'A manicure is $35. How much would she pay in all?', text: 'Karen would pay 60 + 30 = $90 in all.', answer: '90' },
    { problem: 'How many bananas does he need to order to last for 2 months?', text: 'So he needs to order 1400 bananas.', answer: '1400' },
    // The asked superlative; a sum of the asked letters; a definition is no hedge.
    { problem: 'Find the minimum sum of the labels of the eight chosen squares.', text: 'Therefore, picking the diagonal gives the minimal sum of 1.', answer: '1' },
    { problem: 'The volume is $\\frac{m + n\\pi}{p},$ find $m + n + p.$', text: 'So, m=462, n=40, p=3. Sum is 462 + 40 + 3 = 505.', answer: '505' },
    { problem: 'He keeps a third of his cards and sells the rest. How many cards did he start with?', text: 'If C is the number of cards he started with, then (2/3)C = 100, so C = 100 × 3/2 = 150.', answer: '150' },
  ];
  // The rule reader (the scorer's strongest feature) reads them all.
  for (const c of cases) assert.equal(findRuleAnswer(c.text, { problem: c.problem, gold: '1' })?.answer, c.answer, c.text);
  // The fitted scorer keeps them all (in the fourth round it lost the continued claim "… = −9abc. Which
  // would be −9, since abc = 1.", where a later value closes the episode; the fifth round's features read it).
  for (const c of cases) assert.equal(findIntermediateAnswer(c.text, { problem: c.problem, gold: '1' })?.answer, c.answer, c.text);
});

test('findIntermediateAnswer: third-round step values are not answers', () => {
  const steps: { problem: string; text: string }[] = [
    // One named party of a total; two of three; a difference when a total is paid; one car of both.
    { problem: 'If Cindy has four pets, how many total pets do the three have?', text: 'Marcia has two more than Cindy, so Marcia has 4 + 2 = 6 pets.' },
    { problem: "If their mother earns twice their combined salary, what's the total amount of money they all have together?", text: 'Together the two of them earn 5000 + 10000 = $15,000.' },
    { problem: 'How much would she pay in all?', text: 'With 20% off, she pays 75 - 15 = $60 for the two services.' },
    { problem: 'How much do both cars cost?', text: 'The red car is 40% cheaper, which means the red car costs 100 - 40 = $60.' },
    // Another count than the asked one; a monthly rate when two months are asked; a rate over a period not asked.
    { problem: 'How many cards did he start with?', text: 'Each card sells for $1.5, so the number of cards he sold is 150 / 1.5 = 100.' },
    { problem: 'The baboons need 100 bananas every month. How many bananas does he need to order to last for 2 months?', text: 'So every month that is 200 + 400 + 100 = 700 bananas.' },
    { problem: 'It compounds monthly at 6 percent. If this is equivalent to a rate of $r$ percent, then what is $r$?', text: 'So, each month, the interest rate is 0.5%.' },
    // The problem's number restated; a figure's own units; an aside; a list read as thousands; a proportion for a percentage.
    { problem: 'It compounds monthly at 6 percent. If this is equivalent to a rate of $r$ percent, then what is $r$?', text: 'The annual rate r is 6%, so in decimal that is 0.06.' },
    { problem: 'The smaller square has a perimeter of 4 cm. What is the distance from point A to point B?', text: 'So, the distance would be sqrt(208) ≈ 14.4 units.' },
    { problem: 'The smaller square has a perimeter of 4 cm. What is the distance from point A to point B?', text: 'So the vertical distance is 8 units (from 2 to 10).' },
    { problem: 'How many three-digit numbers have three distinct digits?', text: 'So, numbers are 789,798,879,897,978,987.' },
    { problem: 'What is the percentage chance a baby wearing a bow is wearing purple?', text: 'So 2 purple bows out of 4 bows total, 2/4 = 0.5.' },
    // A case named in the next sentence; a letter not asked; a value rejected as miscalculated; letters glued to a number.
    { problem: 'How many three-digit numbers have three distinct digits?', text: 'So, total numbers: 2 * 2 = 4.\n\nSo, for m=1, we have 4 numbers.' },
    { problem: 'How many ways are there to arrange the plates?', text: 'The number of circular arrangements for n objects is (n-1)! So, here, n is 9, so it is (9-1)! = 8!.' },
    { problem: 'Find the area of the triangle.', text: 'So, the area is 108/24 = 9/2. Wait, maybe I miscalculated.' },
    { problem: 'Find \\[a(b - c)^2 + b(c - a)^2 + c(a - b)^2.\\]', text: 'So the total expression is -9abc.' },
  ];
  for (const s of steps) {
    assert.equal(extractIntermediateAnswer(s.text, { problem: s.problem, gold: '1' }), null, s.text);
    assert.equal(findRuleAnswer(s.text, { problem: s.problem, gold: '1' }), null, s.text);
  }
});
