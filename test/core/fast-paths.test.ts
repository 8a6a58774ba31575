/**
 * The fast paths of the offline engine equal their reference definitions: estimateTokens vs
 * estimateTokensByRegex, labelEpisode vs labelEpisodeByEachCue, on random text built from the
 * characters and phrases where the two could disagree, and on every real trace; the early
 * marker decision (settle) of the segmenter vs matching the full paragraph head.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AUTO_MARKERS, MRT_MARKERS, exactMatcher, tolerantMatcher } from '../../src/core/segment/markers';
import { traceId } from '../../src/core/annotate';
import { LABEL_CUES, labelEpisode, labelEpisodeByEachCue } from '../../src/core/labels';
import { estimateTokens, estimateTokensByRegex } from '../../src/core/tokens';
import { REAL_TRACE_COUNT, REAL_TRACE_COUNT_WITHOUT_SOLUTIONS, loadRealTraces } from './segment-data';
import { skipWithoutData } from '../support/shared-data';

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

test('estimateTokens equals the regex definition on every real trace and its prefixes', { skip: skipWithoutData('traces') }, () => {
  assert.equal(loadRealTraces(true).length, REAL_TRACE_COUNT);
  for (const t of loadRealTraces(true)) {
    assert.equal(estimateTokens(t.thinking), estimateTokensByRegex(t.thinking), t.name);
    for (const cut of [0.37, 0.81]) {
      const prefix = t.thinking.slice(0, Math.floor(t.thinking.length * cut));
      assert.equal(estimateTokens(prefix), estimateTokensByRegex(prefix), `${t.name} prefix ${cut}`);
    }
  }
});

// Cue phrases themselves (so random text hits cues often), glue and word-boundary characters.
const CUE_WORDS = Object.values(LABEL_CUES)
  .flat()
  .filter((c): c is string => typeof c === 'string');
const labelText = fc
  .array(fc.oneof(fc.constantFrom(...CUE_WORDS), fc.constantFrom(...TRICKY), fc.constantFrom('So', ' is ', 'thus', '\\boxed{', '3 + 4', 'x = 2', '\\frac', 'Yes', 'No')), { maxLength: 40 })
  .map((a) => a.join(''));

test('labelEpisode (one regex per label) equals testing each cue on its own', () => {
  fc.assert(
    fc.property(labelText, fc.boolean(), (s, isLast) => assert.deepEqual(labelEpisode(s, { isLast }), labelEpisodeByEachCue(s, { isLast }), JSON.stringify(s))),
    { numRuns: 20000 },
  );
});

test('labelEpisode equals testing each cue on its own for the sentences of a third of the real traces', { skip: skipWithoutData('traces') }, () => {
  // Every third trace (all three sources): the per-cue reference is slow.
  const third = loadRealTraces(false).filter((_, i) => i % 3 === 0);
  assert.equal(third.length, Math.ceil(REAL_TRACE_COUNT_WITHOUT_SOLUTIONS / 3));
  for (const t of third) {
    const pieces = t.thinking.split(/(?<=[.?!]\s)|\n\n/);
    pieces.forEach((p, i) => assert.deepEqual(labelEpisode(p, { isLast: i === pieces.length - 1 }), labelEpisodeByEachCue(p, { isLast: i === pieces.length - 1 }), `${t.name}: ${p.slice(0, 80)}`));
  }
});

// Marker heads: decoration, marker words and their pieces, spaces, hyphens, case changes.
const HEAD_PARTS = [
  ...AUTO_MARKERS, ...MRT_MARKERS, 'wait', 'WAIT', 'Wai', 'Hmmmm', 'hm', 'But', 'Let me', 'double', '-', ' ', '  ', '\t', '\n',
  '*', '**', '_', '>', '#', '- ', '\u2022', '"', '\u201C', '(', '[', '\uFEFF', ',', '.', '?', 'ing', 'x', 'So', 'Okay', 'é', '\ud83d\ude00',
];
const headText = fc.array(fc.constantFrom(...HEAD_PARTS), { maxLength: 12 }).map((a) => a.join(''));
const markerList = fc.array(fc.constantFrom(...AUTO_MARKERS, 'Hmm', 're-think', 'Ok so', '?!', 'é\ud83d\ude00'), { minLength: 0, maxLength: 6 });

test('marker settle: an early decision on a short head is the decision on the full head', () => {
  fc.assert(
    fc.property(headText, markerList, fc.boolean(), (text, custom, useCustom) => {
      for (const matcher of [tolerantMatcher(useCustom ? custom : AUTO_MARKERS), exactMatcher(useCustom ? custom : MRT_MARKERS)]) {
        const full = text.slice(0, matcher.headLength);
        for (let k = 0; k < full.length; k++) {
          const settled = matcher.settle?.(full.slice(0, k));
          if (settled) assert.equal(settled.opener, matcher.match(full), `${JSON.stringify(full.slice(0, k))} of ${JSON.stringify(full)}`);
        }
      }
    }),
    { numRuns: 1500 },
  );
});

/** traceId's definition: cyrb53 of problem + "\u0000" + thinking as one string. */
function traceIdOfJoined(problem: string, thinking: string): string {
  const text = `${problem}\u0000${thinking}`;
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}

test('traceId (hashed part by part) equals hashing the joined text', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (problem, thinking) => assert.equal(traceId(problem, thinking), traceIdOfJoined(problem, thinking))),
    { numRuns: 5000 },
  );
  assert.equal(traceId('What is 2+3?', 'Okay.'), traceIdOfJoined('What is 2+3?', 'Okay.'));
});
