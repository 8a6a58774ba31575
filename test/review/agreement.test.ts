import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binaryAgreement, cohenKappa, humanVerdictsVsMu, humanVsAutomaticLabels, interAnnotator, type ReviewedEpisode } from '../../src/core/review/agreement';
import { makeAnnotation } from '../../src/core/review/annotation';
import { rangeStates } from '../../src/core/review/resolve';

test("Cohen's kappa by hand: po 3/4, pe 1/2 gives 0.5; one category each gives null; perfect gives 1", () => {
  assert.equal(cohenKappa([true, true, false, false], [true, false, false, false]), 0.5);
  assert.equal(cohenKappa(['a', 'a'], ['a', 'a']), null);
  assert.equal(cohenKappa(['good', 'bad', 'neutral'], ['good', 'bad', 'neutral']), 1);
  assert.equal(cohenKappa([], []), null);
  // 3 classes: a = g g b n, b = g b b n: po = 3/4; pe = (2/4)(1/4) + (1/4)(2/4) + (1/4)(1/4) = 5/16; kappa = (12/16 - 5/16)/(11/16) = 7/11
  assert.ok(Math.abs((cohenKappa(['g', 'g', 'b', 'n'], ['g', 'b', 'b', 'n']) as number) - 7 / 11) < 1e-12);
});

test('precision and recall of automatic labels against human truth', () => {
  const a = binaryAgreement([true, true, false, false, true], [true, false, true, false, true]);
  assert.deepEqual([a.tp, a.fp, a.fn, a.tn], [2, 1, 1, 1]);
  assert.equal(a.precision, 2 / 3);
  assert.equal(a.recall, 2 / 3);
  assert.equal(binaryAgreement([false], [false]).precision, null);
});

const ep = (index: number, automaticLabels: ReviewedEpisode['automaticLabels'], muDelta: number | undefined, labels?: ReviewedEpisode['automaticLabels'], stepVerdict?: 'good' | 'bad' | 'neutral'): ReviewedEpisode => ({
  traceId: 't',
  index,
  automaticLabels,
  muDelta,
  review: labels === undefined && stepVerdict === undefined ? undefined : { by: {}, ...(labels ? { labels: [...labels] } : {}), ...(stepVerdict ? { stepVerdict } : {}) },
});

test('human vs automatic: only episodes whose labels a human set count; verdicts vs the sign of delta', () => {
  const episodes = [
    ep(0, ['planning'], 0.2, ['planning'], 'good'),
    ep(1, ['verification'], -0.1, ['verification', 'backtracking'], 'bad'),
    ep(2, ['verification'], 0, [], 'good'),
    ep(3, ['computation'], undefined, undefined, 'neutral'),
    ep(4, ['computation'], 0.1),
  ];
  const labels = humanVsAutomaticLabels(episodes);
  assert.equal(labels.reviewed, 3);
  assert.deepEqual([labels.perClass.verification.tp, labels.perClass.verification.fp], [1, 1]);
  assert.equal(labels.perClass.backtracking.recall, 0);
  const v = humanVerdictsVsMu(episodes);
  assert.equal(v.n, 3);
  assert.equal(v.withoutDelta, 1);
  assert.equal(v.confusion.good.neutral, 1);
  assert.equal(v.agreement, 2 / 3);
});

test('inter-annotator agreement pairs targets by trace and range; unpaired targets counted', () => {
  const t = new Date('2026-01-01T00:00:00Z');
  const A = [
    makeAnnotation('ann', t, 't1', { start: 0, end: 5 }, { kind: 'labels', value: ['planning'] }),
    makeAnnotation('ann', t, 't1', { start: 0, end: 5 }, { kind: 'stepVerdict', value: 'good' }),
    makeAnnotation('ann', t, 't1', { start: 7, end: 9 }, { kind: 'labels', value: [] }),
    makeAnnotation('ann', t, 't1', { start: 7, end: 9 }, { kind: 'stepVerdict', value: 'bad' }),
    makeAnnotation('ann', t, 't2', { start: 0, end: 3 }, { kind: 'stepVerdict', value: 'good' }),
  ];
  const B = [
    makeAnnotation('bob', t, 't1', { start: 0, end: 5 }, { kind: 'labels', value: ['planning'] }),
    makeAnnotation('bob', t, 't1', { start: 0, end: 5 }, { kind: 'stepVerdict', value: 'good' }),
    makeAnnotation('bob', t, 't1', { start: 7, end: 9 }, { kind: 'labels', value: ['computation'] }),
    makeAnnotation('bob', t, 't1', { start: 7, end: 9 }, { kind: 'stepVerdict', value: 'neutral' }),
    makeAnnotation('bob', t, 't1', { start: 10, end: 12 }, { kind: 'stepVerdict', value: 'bad' }),
  ];
  const r = interAnnotator(rangeStates(A), rangeStates(B));
  assert.equal(r.labelled, 2);
  assert.equal(r.labelKappa.planning, 1, 'planning on the first, not on the second, for both');
  assert.equal(r.labelKappa.computation, 0);
  assert.equal(r.verdicts, 2);
  assert.equal(r.verdictAgreement, 0.5);
  assert.deepEqual([r.onlyA, r.onlyB], [1, 1]);
  // One sidecar, two reviewers: --who picks each.
  const both = rangeStates([...A, ...B], 'ann');
  assert.equal(both.get('t1 7-9')?.stepVerdict, 'bad');
});
