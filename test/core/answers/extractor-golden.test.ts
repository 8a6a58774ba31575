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

/**
 * Recorded for the fifth round's scorer (new features, answers chosen by value, weights fitted on four
 * sets): `node --import tsx scripts/answer-labels/extractor-golden.ts`. The fourth round's was
 * adb0482333fd6b0cfbb68d4c505564f1fd54fa577bb284f074f96b680ca8b74e (recorded at 0105a5f).
 */
const EXPECTED = { episodes: 10821, sha256: '8f02cd70bc84ebab527a5f9f5e801f3e5edd542eb7339b2698e0ee143fe16a9b' };

test('findIntermediateAnswer gives the recorded outputs on every real episode', { skip: skipWithoutData('traces') }, () => {
  const lines = extractorOutputLines(loadRealTraces(sharedData));
  assert.deepEqual({ episodes: lines.length, sha256: extractorOutputHash(lines) }, EXPECTED);
});
