import { test } from 'node:test';
import assert from 'node:assert/strict';
import { annotateTrace, TraceAnnotator, withEpisodeAnswers } from '../../src/core/annotate';
import { validateTrace } from '../../src/core/schema';
import { checkEffect, selfCheckOutcome, summarizeSelfChecks } from '../../src/core/self-check';
import { describeSelfCheckCounts, describeSelfCheckEffects } from '../../src/core/self-check-text';
import { summarize } from '../../src/core/report';
import type { Trace } from '../../src/core/trace';
import { CHANGE_PROBLEM } from '../fake-ollama/self-check-problem';

/** A word problem in R1's manner: a slip, a re-check that fixes it, one that confirms, one that states nothing. */
const THINKING = CHANGE_PROBLEM.episodes.join('\n\n');

function solved(gold: string | null): Trace {
  const t = annotateTrace({ problem: 'How much change does Tom get?', gold, source: { kind: 'test' }, thinking: THINKING, response: 'He gets \\boxed{8} dollars.' }, { segment: { mode: 'mrt' } });
  const r = validateTrace(t);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  return t;
}

test('every verification episode gets an outcome: changed (from → to), confirmed, found no answer', () => {
  const t = solved('8');
  const got = t.episodes.map((e) => [e.labels.includes('verification'), e.answer, e.check, e.standingAnswer]);
  assert.deepEqual(got, [
    [false, '6', undefined, undefined],
    [true, '8', 'changed', '6'],
    [true, '8', 'confirmed', '8'],
    [true, undefined, 'no-answer', '8'],
  ]);
  assert.deepEqual(t.episodes.map((e) => e.verdict), ['incorrect', 'correct', 'correct', 'none']);
  assert.deepEqual(t.episodes.map((e) => e.answerSource), ['rule', 'rule', 'rule', undefined]);
});

test('the check outcome does not depend on gold; a first answer in a verification episode is "stated"', () => {
  assert.deepEqual(solved(null).episodes.map((e) => e.check), solved('8').episodes.map((e) => e.check));
  assert.deepEqual(selfCheckOutcome(['verification'], '5', undefined), { check: 'stated' });
  assert.equal(selfCheckOutcome(['planning', 'answer'], '5', '4'), undefined);
  // Equivalence, not string equality: 0.5 restates 1/2.
  assert.equal(selfCheckOutcome(['verification'], '0.5', '\\frac{1}{2}')?.check, 'confirmed');
});

test('effects by the correctness of the standing and the new answer', () => {
  assert.equal(checkEffect('confirmed', true, true), 'confirmed-right');
  assert.equal(checkEffect('confirmed', false, false), 'confirmed-wrong');
  assert.equal(checkEffect('changed', false, true), 'fixed-wrong');
  assert.equal(checkEffect('changed', true, false), 'broke-right');
  assert.equal(checkEffect('changed', false, false), 'wrong-to-wrong');
});

test('summary against gold: one fix, one confirmation of a right answer, one check without an answer', () => {
  const s = summarizeSelfChecks([solved('8')]);
  assert.equal(s.checks, 3);
  assert.deepEqual([s.confirmed, s.changed, s.noAnswer, s.stated, s.graded], [1, 1, 1, 0, 2]);
  assert.equal(s.effects['fixed-wrong'], 1);
  assert.equal(s.effects['confirmed-right'], 1);
  assert.equal(s.effects['broke-right'], 0);
  assert.deepEqual([s.goldTraces, s.selfTraces], [1, 0]);
  assert.match(describeSelfCheckEffects(s), /^of 2 re-checks against the gold answer: 1 confirmed a right answer \(50\.0%\), 1 fixed a wrong one \(50\.0%\), 0 broke a right one/);
  assert.match(describeSelfCheckCounts(s), /^3 verification episodes: 1 confirmed the standing answer, 1 changed it, 1 found no answer/);
});

test('a wrong gold turns the same checks into "broke a right one"; without gold the final answer is the basis and the text says so', () => {
  const wrongGold = summarizeSelfChecks([solved('6')]);
  assert.equal(wrongGold.effects['broke-right'], 1);
  assert.equal(wrongGold.effects['confirmed-wrong'], 1);
  const self = summarizeSelfChecks([solved(null)]);
  assert.deepEqual([self.goldTraces, self.selfTraces], [0, 1]);
  assert.equal(self.effects['fixed-wrong'], 1, 'the final answer 8 is the reference');
  assert.match(describeSelfCheckEffects(self), /own final answer \(no gold: self basis\)/);
  const mixed = summarizeSelfChecks([solved('8'), solved(null)]);
  assert.match(describeSelfCheckEffects(mixed), /gold answer in 1 traces, each trace's own final answer in 1 without gold/);
});

test('old traces (check only on confirmed/changed, no standingAnswer) read and count the same', () => {
  const t = solved('8');
  const old: Trace = {
    ...t,
    episodes: t.episodes.map((e) => {
      const { standingAnswer: _s, answerSource: _a, ...rest } = e;
      if (rest.check === 'no-answer' || rest.check === 'stated') delete rest.check;
      return rest;
    }),
  };
  assert.ok(validateTrace(old).ok);
  assert.deepEqual(summarizeSelfChecks([old]), summarizeSelfChecks([t]));
});

test('the dataset report carries the self-check summary and intermediate-answer accuracy', () => {
  const g = summarize([solved('8'), solved('8')]);
  assert.equal(g.selfChecks.checks, 6);
  assert.equal(g.selfChecks.effects['fixed-wrong'], 2);
  assert.equal(g.intermediateAccuracy, 4 / 6);
  assert.equal(summarize([solved(null)]).intermediateAccuracy, null);
  assert.equal(g.selfChecks.text.effects, describeSelfCheckEffects(g.selfChecks));
  assert.match(g.selfChecks.text.counts, /^6 verification episodes/);
});

test('withEpisodeAnswers: a model-read answer re-grades, re-checks and recomputes first-correct metrics', () => {
  const t = solved('8');
  assert.equal(t.metrics.firstCorrectEpisode, 1);
  // Suppose the model reads "8" out of episode 0 (where the rules read 6) and nothing else changes.
  const changed = withEpisodeAnswers(t, [{ answer: '8', source: 'model' }]);
  assert.ok(validateTrace(changed).ok);
  assert.equal(changed.episodes[0].answerSource, 'model');
  assert.equal(changed.episodes[0].verdict, 'correct');
  assert.equal(changed.episodes[1].check, 'confirmed');
  assert.equal(changed.metrics.firstCorrectEpisode, 0);
  assert.ok((changed.metrics.tokensAfterFirstCorrect ?? 0) > (t.metrics.tokensAfterFirstCorrect ?? 0));
  // null removes an answer; the check that followed becomes the first statement.
  const removed = withEpisodeAnswers(t, [null]);
  assert.equal(removed.episodes[0].answer, undefined);
  assert.equal(removed.episodes[0].answerSource, undefined);
  assert.equal(removed.episodes[1].check, 'stated');
  assert.equal(removed.final.answer, '8', 'the final answer from the response stays');
});

test('answerRange points into the thinking at the stated value, for rule answers only; re-reading with a new gold keeps it', () => {
  const t = solved('8');
  for (const e of t.episodes) {
    if (e.answer === undefined) {
      assert.equal(e.answerRange, undefined);
      continue;
    }
    assert.ok(e.answerRange, `episode ${e.index} has a range`);
    const [a, b] = e.answerRange;
    assert.ok(e.start <= a && b <= e.end);
    assert.equal(t.thinking.slice(a, b), e.answer, `episode ${e.index}`);
  }
  const modelRead = withEpisodeAnswers(t, [{ answer: '8', source: 'model' }]);
  assert.equal(modelRead.episodes[0].answerRange, undefined, 'no position is guessed for a model answer');
});

test('TraceAnnotator.setGold re-reads, re-grades and re-checks the closed episodes', () => {
  const ann = new TraceAnnotator({ problem: 'How much change does Tom get?', segment: { mode: 'mrt' } });
  ann.pushThinking(`${THINKING}\n\n`);
  ann.finishThinking();
  assert.ok(ann.episodes.every((e) => e.verdict === 'none'));
  ann.setGold('8');
  const ref = solved('8').episodes;
  assert.deepEqual(ann.episodes.map((e) => [e.answer, e.verdict, e.check, e.standingAnswer]), ref.map((e) => [e.answer, e.verdict, e.check, e.standingAnswer]));
});
