/**
 * The extractor's outputs on every episode of the real traces, pinned by one hash
 * (scripts/answer-labels/extractor-golden.ts). Speed-ups must leave it unchanged; a change meant
 * to alter answers updates EXPECTED here, knowingly, with the new count and hash the script prints.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractorOutputHash, extractorOutputLines } from '../../../scripts/answer-labels/extractor-golden';
import { loadRealTraces } from '../../../scripts/answer-labels/real-episodes';
import { sharedData, skipWithoutData } from '../../support/shared-data';

/** Recorded at 0105a5f (the fourth round's fitted scorer), before the speed-ups. */
const EXPECTED = { episodes: 10821, sha256: 'adb0482333fd6b0cfbb68d4c505564f1fd54fa577bb284f074f96b680ca8b74e' };

test('findIntermediateAnswer gives the recorded outputs on every real episode', { skip: skipWithoutData('traces') }, () => {
  const lines = extractorOutputLines(loadRealTraces(sharedData));
  assert.deepEqual({ episodes: lines.length, sha256: extractorOutputHash(lines) }, EXPECTED);
});
