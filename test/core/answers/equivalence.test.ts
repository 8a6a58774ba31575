import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerKey, checkEquivalence } from '../../../src/core/answers';

function same(gold: string, pred: string, problem?: string): void {
  const v = checkEquivalence(gold, pred, { problem });
  assert.equal(v.equivalent, true, `${gold} vs ${pred}: ${v.reason}`);
}
function differ(gold: string, pred: string): void {
  const v = checkEquivalence(gold, pred);
  assert.equal(v.equivalent, false, `${gold} vs ${pred} should differ: ${v.reason}`);
}

test('Hendrycks _strip_string rules', () => {
  same('\\frac{1}{2}', '\\dfrac12');
  same('\\tfrac{3}{4}', '\\frac34');
  same('\\left(1,2\\right)', '(1,2)');
  same('\\$5', '5');
  same('50\\%', '50');
  same('30^\\circ', '30');
  same('30^{\\circ}', '30');
  same('.5', '0.5');
  same('k = 5', '5');
  same('\\sqrt3', '\\sqrt{3}');
  same('5 \\text{ cm}', '5');
});

test('fractions, decimals, roots, pi, scientific notation', () => {
  same('0.5', '\\frac12');
  same('1/2', '0.5');
  same('2\\sqrt2', '\\sqrt8');
  same('\\frac{\\sqrt{3}}{3}', '\\frac{1}{\\sqrt{3}}');
  same('\\pi', '3.14159265');
  differ('\\pi', '3.14');
  same('1.2\\times10^3', '1200');
  same('1.2e3', '1200');
  same('.0000672', '6.72\\times10^{-5}');
  same('3\\frac12', '7/2');
  same('137 \\frac{1}{2}', '275/2');
  same('\\frac{9}{\\pi^2}(\\sqrt{3}+3)', '\\frac{9(3 + \\sqrt{3})}{\\pi^2}');
});

test('numbers: relative tolerance 1e-6 for decimals, exact for integers', () => {
  same('0.333333', '\\frac{1}{3}');
  differ('6.17', '6.18');
  differ('2865', '2864');
  differ('188743314', '188743315');
  differ('2^{30}', '1073741825');
  same('2^{30}', '1073741824');
  differ('0.0000672', '0.0000673');
});

test('thousands separators, units, \\text, percent, degrees, dollars (real false negatives)', () => {
  same('5225 \\text{ cubic inches}', '5225');
  same('486 \\sqrt{3}', '486\\sqrt{3}');
  same('\\dfrac{1}{29,\\!322,\\!216}', '\\dfrac{1}{29322216}');
  same('1,000', '1000');
  same('58,500', '58500');
  same('864 \\mbox{ inches}^2', '864');
  same('\\frac{270}7\\text{ degrees}', '\\frac{270}{7}');
  same('\\$32,\\!348', '32348');
  same('\\text{Evelyn}', 'evelyn');
});

test('plain-text maths outside LaTeX: superscripts, √, π, minus sign', () => {
  same('x^3 - 6x^2 + 64', 'x³ - 6x² + 64');
  same('4\\sqrt{34}', '4√34');
  same('\\sqrt{x+1}', '√(x+1)');
  same('3\\pi', '3π');
  same('-5', '−5');
});

test('equations, intervals, tuples, sets, unordered lists, unions', () => {
  same('x = 5', '5');
  same('y = 2x + 3', '2x+3');
  same('5x - 7y + 11z + 4 = 0', '-10x+14y-22z-8=0');
  differ('x + y = 1', 'x - y = 1');
  same('(1,2)', '(1, 2)');
  differ('[1,2)', '(1,2)');
  differ('(1,2)', '(2,1)');
  same('\\{1,2\\}', '\\{2,1\\}');
  same('1, 2', '2, 1');
  differ('1, 2', '1, 2, 3');
  same('1 \\pm \\sqrt{19}', '1-\\sqrt{19}, 1+\\sqrt{19}');
  same('(0,9) \\cup (9,36)', '(9,36)\\cup(0,9)');
  same('x \\in [-2,7]', '[-2,7]');
  same('\\left( -\\infty, -\\frac{7}{4} \\right) \\cup \\left( -\\frac{3}{2}, \\infty \\right)', 'x < -\\frac{7}{4} \\text{ or } x > -\\frac{3}{2}');
  same('[2, 5)', '2 \\le x < 5');
  differ('(2, 5)', '2 \\le x < 5');
});

test('polynomials and expressions with variables', () => {
  same('(x+1)^2', 'x^2+2x+1');
  differ('(x+1)^2', 'x^2+x+1');
  same('\\sqrt{x}', 'x^{1/2}');
  same('(a+5)(b+2)', 'ab+2a+5b+10');
  differ('2k', '2n');
});

test('complex numbers, matrices, bases, choice letters', () => {
  same('-2 + 7i', '7i-2');
  differ('1+2i', '1-2i');
  same('\\begin{pmatrix} -1/3 \\\\ 2/3 \\end{pmatrix}', '\\begin{bmatrix} -\\frac{1}{3} \\\\ \\frac{2}{3} \\end{bmatrix}');
  differ('\\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix}', '\\begin{pmatrix} 1 & 0 \\\\ 0 & 2 \\end{pmatrix}');
  same('1011_2', '1011');
  same('11_{10}', '11');
  same('(A)', 'A');
  same('\\text{(C)}', 'C');
  same('\\textbf{(B)}', '(B)');
  differ('A', 'B');
  differ('\\frac{1}{6}', 'C');
  same('\\frac{1}{6}', 'C', '$\\mathrm{(A) \\frac{\\sqrt{3}}{12} } \\qquad \\mathrm{(B) \\frac{\\sqrt{6}}{16} } \\qquad \\mathrm{(C) \\frac{1}{6} } \\qquad \\mathrm{(D) \\frac{\\sqrt{2}}{8} }$');
});

test('garbage never throws and gives short reasons', () => {
  assert.deepEqual(checkEquivalence('5', ''), { equivalent: false, reason: 'empty prediction' });
  assert.deepEqual(checkEquivalence('', '5'), { equivalent: false, reason: 'empty gold' });
  assert.equal(checkEquivalence('5', '\\frac{').equivalent, false);
  assert.equal(checkEquivalence('5', '10^{10^{10}}').equivalent, false);
  assert.equal(checkEquivalence('\\frac{1}{0}', '1').equivalent, false);
  assert.equal(checkEquivalence(undefined as unknown as string, null as unknown as string).equivalent, false);
  assert.match(checkEquivalence('5', '6').reason, /different values 5 vs 6/);
  assert.match(checkEquivalence('0.5', '\\frac{1}{2}').reason, /exact match after normalisation/);
  assert.match(checkEquivalence('5', '\\sqrt{25}').reason, /^numeric/);
  assert.match(checkEquivalence('(x+1)^2', 'x^2+2x+1').reason, /^symbolic/);
});

test('answerKey groups equal answers', () => {
  assert.equal(answerKey('0.5'), answerKey('\\dfrac{1}{2}'));
  assert.equal(answerKey('1, 2'), answerKey('2,1'));
  assert.equal(answerKey('x = 5'), answerKey('5'));
  assert.equal(answerKey('\\$1,\\!000'), '1000');
  assert.notEqual(answerKey('(1,2)'), answerKey('(2,1)'));
  assert.notEqual(answerKey('[1,2)'), answerKey('(1,2)'));
  assert.equal(answerKey(''), '');
});
