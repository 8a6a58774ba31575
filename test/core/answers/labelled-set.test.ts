/**
 * The intermediate-answer extractor against the hand-labelled set (docs/answers.md, "Labelled
 * set"): precision and recall per source and per set must stay at or above the floors below,
 * set a little under what the rules reach; and over all real traces, the share of final-correct
 * traces whose thinking contains the gold that get a correct intermediate answer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findIntermediateAnswer } from '../../../src/core/answers';
import { loadLabelledSet } from '../../../scripts/answer-labels/labelled-set';
import { loadRealTraces } from '../../../scripts/answer-labels/real-episodes';
import { earlierNames, formatTable, judge, ruleExtractor, scoreTable } from '../../../scripts/answer-labels/score';
import { traceCoverage } from '../../../scripts/answer-labels/trace-coverage';
import { sharedData, skipWithoutData } from '../../support/shared-data';

const skip = skipWithoutData('traces') || skipWithoutData('benchmarks');

/**
 * [precision, recall] floors, in percent, per "source set": `tuning` is the first labelled set,
 * `fresh` the 20261202 set, `held-back` the 20261203 set, `round4` the 20261204 set: all four are
 * the fifth round's training data (the scorer's weights are fitted on them; in-sample figures here,
 * cross-validated ones in docs/answers.md "Fifth round"). The fifth round moved some floors down:
 * the scorer now has one threshold (0.60) for the rule reader's picks too (it was 0.35), chosen on
 * out-of-fold picks over the four sets, so some rule picks the rules were read from (tuning,
 * 20261202) fall under it in-sample, while the cross-validated recall rose (70.3% → 74.7% at 95%
 * precision). Others moved up where measured. Floors sit about one item under the measured values.
 */
const FLOORS: Record<string, [number, number]> = {
  'skythought tuning': [95, 85],
  'thought-anchors-cots-math tuning': [95, 82],
  'thought-anchors.com tuning': [95, 85],
  'gsm8k-prose tuning': [95, 94],
  'all tuning': [96, 87],
  'skythought fresh': [95, 95],
  'thought-anchors-cots-math fresh': [85, 49],
  'thought-anchors.com fresh': [95, 77],
  'gsm8k-prose fresh': [95, 68],
  'all fresh': [96, 69],
  'skythought held-back': [95, 45],
  'thought-anchors-cots-math held-back': [91, 50],
  'thought-anchors.com held-back': [94, 84],
  'gsm8k-prose held-back': [80, 56],
  'all held-back': [89, 64],
  'skythought round4': [95, 95],
  'thought-anchors-cots-math round4': [95, 60],
  'thought-anchors.com round4': [83, 52],
  'gsm8k-prose round4': [95, 40],
  'all round4': [93, 57],
  // The fifth held-back set (20261205), labelled before the fifth round and measured once after it
  // (precision 78.6%, recall 66.7%; the fourth round's scorer 84.0% / 63.6%; goals 95% / 90% unmet).
  'skythought round5': [95, 95],
  'thought-anchors-cots-math round5': [66, 33],
  'thought-anchors.com round5': [72, 79],
  'gsm8k-prose round5': [71, 44],
  'all round5': [75, 63],
};

test('labelled set: precision and recall per source and per set stay above their floors', { skip }, () => {
  const set = loadLabelledSet(sharedData);
  assert.equal(set.length, 944);
  assert.equal(set.filter((e) => e.set === 'round5' && e.source !== 'gsm8k-prose').length, 90);
  assert.equal(set.filter((e) => e.set === 'round5' && e.source === 'gsm8k-prose').length, 20);
  assert.equal(set.filter((e) => e.set === 'round4' && e.source !== 'gsm8k-prose').length, 90);
  assert.equal(set.filter((e) => e.set === 'round4' && e.source === 'gsm8k-prose').length, 20);
  assert.equal(set.filter((e) => e.set === 'held-back' && e.source !== 'gsm8k-prose').length, 150);
  assert.equal(set.filter((e) => e.set === 'held-back' && e.source === 'gsm8k-prose').length, 30);
  assert.equal(set.filter((e) => e.set === 'tuning').length, 364);
  assert.equal(set.filter((e) => e.set === 'tuning' && e.source !== 'gsm8k-prose').length, 300);
  assert.equal(set.filter((e) => e.set === 'fresh' && e.source !== 'gsm8k-prose').length, 150);
  assert.equal(set.filter((e) => e.set === 'fresh' && e.source === 'gsm8k-prose').length, 30);
  const outcomes = judge(set, ruleExtractor);
  const table = scoreTable(outcomes);
  console.log(formatTable(table));
  for (const [key, [precision, recall]] of Object.entries(FLOORS)) {
    const s = table.get(key);
    assert.ok(s, key);
    assert.ok(100 * s.precision >= precision, `${key}: precision ${(100 * s.precision).toFixed(1)}% < floor ${precision}%`);
    assert.ok(100 * s.recall >= recall, `${key}: recall ${(100 * s.recall).toFixed(1)}% < floor ${recall}%`);
  }
});

test('labelled set: every found answer carries its place in the episode text', { skip }, () => {
  for (const item of loadLabelledSet(sharedData)) {
    const found = findIntermediateAnswer(item.text, { problem: item.problem, gold: item.gold, names: earlierNames(item) });
    if (found === null) continue;
    assert.ok(found.start >= 0 && found.start < found.end && found.end <= item.text.length, `${item.key}: range ${found.start}-${found.end}`);
    const shown = item.text.slice(found.start, found.end);
    // The range holds the value as written: its digits (or maths) are those of the answer.
    // Superscripts as written ("x³ - 6x² + 64") are the powers the cleaned answer spells "x^3".
    const digits = (s: string) => s.replace(/²/g, '2').replace(/³/g, '3').replace(/[^0-9]/g, '');
    const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
    const asWord = words.indexOf(shown.toLowerCase());
    assert.ok(digits(shown) === digits(found.answer) || digits(found.answer) === '' || shown.includes(found.answer) || String(asWord) === found.answer, `${item.key}: range shows ${JSON.stringify(shown)} for ${JSON.stringify(found.answer)}`);
  }
});

test('all real traces: final-correct traces whose thinking holds the gold get a correct intermediate answer (≥ 90%); none numerically equal is judged incorrect', { skip }, () => {
  const coverage = traceCoverage(loadRealTraces(sharedData), true);
  const share = coverage.covered / coverage.containsGold;
  console.log(`final-correct ${coverage.finalCorrect}, thinking holds the gold ${coverage.containsGold}, covered ${coverage.covered} (${(100 * share).toFixed(1)}%)`);
  assert.ok(coverage.containsGold >= 180, `only ${coverage.containsGold} traces hold the gold`);
  assert.ok(share >= 0.9, `covered ${(100 * share).toFixed(1)}%`);
  assert.deepEqual(coverage.falseIncorrect.map((f) => `${f.trace.file}: ${f.answer}`), []);
});
