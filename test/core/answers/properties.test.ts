import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { answerKey, checkEquivalence, extractFinalAnswer, extractIntermediateAnswer, lastBoxed, readForcedAnswer } from '../../../src/core/answers';

const smallInt = fc.integer({ min: -999, max: 999 });
const positive = fc.integer({ min: 1, max: 99 });
const variable = fc.constantFrom('x', 'y', 'n', 'a');

/** Answers in the shapes graders meet: numbers, fractions, roots, tuples, sets, polynomials, intervals. */
const answer: fc.Arbitrary<string> = fc.oneof(
  smallInt.map(String),
  fc.tuple(smallInt, positive).map(([p, q]) => `\\frac{${p}}{${q}}`),
  fc.tuple(smallInt, positive).map(([p, q]) => `${p}/${q}`),
  fc.tuple(smallInt, fc.integer({ min: 0, max: 999 })).map(([a, b]) => `${a}.${b}`),
  fc.tuple(positive, positive).map(([a, b]) => `${a}\\sqrt{${b}}`),
  fc.tuple(smallInt, smallInt).map(([a, b]) => `(${a}, ${b})`),
  fc.tuple(smallInt, smallInt, fc.constantFrom('[', '('), fc.constantFrom(']', ')')).map(([a, b, o, c]) => `${o}${a}, ${b}${c}`),
  fc.array(smallInt, { minLength: 1, maxLength: 4 }).map((xs) => `\\{${xs.join(', ')}\\}`),
  fc.tuple(positive, smallInt, variable).map(([a, b, v]) => `${a}${v}^2 + ${b}${v}`),
  fc.tuple(positive, positive).map(([a, b]) => `${a}\\pi/${b}`),
  fc.constantFrom('A', '(B)', '\\text{(C)}', 'x^2', '\\infty', '1011_2'),
);

/** LaTeX-looking noise: the pieces that trip parsers. */
const latexNoise = fc
  .array(fc.constantFrom('\\', '{', '}', '(', ')', '[', ']', '^', '_', '\\frac', '\\sqrt', '\\boxed', '\\left', '\\text{', '1', '0', 'x', ',', '=', '.', '-', ' ', '\\infty', '\\pi', '$', '%', '\\!', '\\cup', '\\pm', '<', 'e', '!', '10^{10^{10}}'), { maxLength: 25 })
  .map((xs) => xs.join(''));

test('checkEquivalence(x, x) holds for generated answers', () => {
  fc.assert(
    fc.property(answer, (a) => {
      const v = checkEquivalence(a, a);
      assert.equal(v.equivalent, true, `${a}: ${v.reason}`);
    }),
    { numRuns: 300 },
  );
});

test('checkEquivalence never throws, whatever the input (unicode, LaTeX noise)', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), latexNoise, answer), fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), latexNoise, answer), (a, b) => {
      const v = checkEquivalence(a, b);
      assert.equal(typeof v.equivalent, 'boolean');
      assert.equal(typeof v.reason, 'string');
      assert.ok(v.reason.length > 0 && v.reason.length < 200);
    }),
    { numRuns: 200 },
  );
});

test('extractors never throw on arbitrary text', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), latexNoise), (t) => {
      lastBoxed(t);
      extractFinalAnswer(t);
      extractIntermediateAnswer(t);
      readForcedAnswer(t);
      answerKey(t);
    }),
    { numRuns: 400 },
  );
});

test('a rational written as \\frac, a/b, \\dfrac and (when it terminates) a decimal is one answer; a neighbour is not', () => {
  fc.assert(
    fc.property(fc.integer({ min: -5000, max: 5000 }), fc.constantFrom(1, 2, 4, 5, 8, 10, 16, 20, 25, 3, 7, 9), (p, q) => {
      const forms = [`\\frac{${p}}{${q}}`, `${p}/${q}`, `\\dfrac{${p}}{${q}}`];
      if ([1, 2, 4, 5, 8, 10, 16, 20, 25].includes(q)) forms.push(String(p / q));
      for (const a of forms) {
        for (const b of forms) assert.equal(checkEquivalence(a, b).equivalent, true, `${a} vs ${b}`);
      }
      assert.equal(checkEquivalence(forms[0], `\\frac{${p + 1}}{${q}}`).equivalent, false);
    }),
    { numRuns: 150 },
  );
});

test('equivalence is symmetric on generated pairs', () => {
  fc.assert(
    fc.property(answer, answer, (a, b) => {
      assert.equal(checkEquivalence(a, b).equivalent, checkEquivalence(b, a).equivalent, `${a} / ${b}`);
    }),
    { numRuns: 300 },
  );
});

test('equal non-empty keys imply equivalence', () => {
  const collide = fc.array(fc.constantFrom('1', '2', ' ', ',', '0', '.', '/', '\\frac{1}{2}', '$', '\\!', 'x', '=', '(', ')'), { maxLength: 8 }).map((xs) => xs.join(''));
  fc.assert(
    fc.property(fc.oneof(collide, answer), fc.oneof(collide, answer), (a, b) => {
      const ka = answerKey(a);
      if (ka !== '' && ka === answerKey(b)) assert.equal(checkEquivalence(a, b).equivalent, true, `${a} / ${b} share key ${ka}`);
    }),
    { numRuns: 1000 },
  );
});

test('cosmetic rewrites keep the key: spaces, $...$, \\left/\\right, dfrac', () => {
  fc.assert(
    fc.property(answer, (a) => {
      const dressed = `$ ${a.replace(/\\frac/g, '\\dfrac').replace(/\(/g, '\\left(').replace(/\)/g, '\\right)').replace(/,/g, ' , ')} $`;
      assert.equal(answerKey(dressed), answerKey(a), `${a} -> ${dressed}`);
    }),
    { numRuns: 300 },
  );
});
