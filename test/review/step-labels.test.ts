import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeAnnotation } from '../../src/core/review/annotation';
import { resolveReview } from '../../src/core/review/resolve';
import { mergeStepLabels } from '../../src/core/review/step-labels';

test('human step verdicts replace the automatic label where given (cleared ones do not), each step says which', () => {
  const t = new Date('2026-01-01T00:00:00Z');
  const episodes = [{ start: 0, end: 4 }, { start: 6, end: 9 }, { start: 11, end: 15 }, { start: 17, end: 20 }];
  const log = [
    makeAnnotation('ann', t, 'x', episodes[0], { kind: 'stepVerdict', value: 'bad' }),
    makeAnnotation('ann', t, 'x', episodes[1], { kind: 'stepVerdict', value: 'neutral' }),
    makeAnnotation('ann', t, 'x', episodes[2], { kind: 'stepVerdict', value: 'good' }),
    makeAnnotation('ann', t, 'x', episodes[2], { kind: 'stepVerdict', value: null }),
  ];
  const merged = mergeStepLabels([true, false, false, false], resolveReview(log, 'x', episodes));
  assert.deepEqual(merged.labels, [false, true, false, false]);
  assert.deepEqual(merged.sources, ['human', 'human', 'automatic', 'automatic']);
  assert.equal(merged.human, 2);
  assert.deepEqual(mergeStepLabels([true, false, false, false], resolveReview(log, 'x', episodes), false).labels, [false, false, false, false]);
  assert.deepEqual(mergeStepLabels([true], undefined).sources, ['automatic']);
});
