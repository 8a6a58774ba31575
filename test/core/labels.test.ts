import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { LABEL_CUES, OPENING_CHARS, labelEpisode } from '../../src/core/labels';
import type { EpisodeLabel } from '../../src/core/trace';
import { thoughtAnchorsProblemDirs } from './segment-data';
import { skipWithoutData } from '../support/shared-data';

test('labels from cues', () => {
  assert.deepEqual(labelEpisode('Wait, that is wrong. Let me redo it.'), ['backtracking']);
  assert.deepEqual(labelEpisode('Let me verify: 3 * 4 = 12, which matches.'), ['computation', 'verification']);
  assert.deepEqual(labelEpisode('Alternatively, use a different approach.'), ['alternative']);
  assert.deepEqual(labelEpisode('First, let me figure out what is asked.'), ['planning']);
  assert.deepEqual(labelEpisode('So the answer is \\boxed{12}.'), ['answer']);
  assert.deepEqual(labelEpisode('The dog is brown.'), []);
  assert.deepEqual(labelEpisode('   '), []);
  assert.deepEqual(labelEpisode('Waiting rooms are quiet.'), [], 'whole words only');
});

test('backtracking cues count only in the opening; answers anywhere; isLast finds a stated answer', () => {
  const long = 'Compute the sum of the series. '.repeat(Math.ceil(OPENING_CHARS / 20));
  assert.ok(!labelEpisode(long + 'Wait, no.').includes('backtracking'));
  assert.ok(labelEpisode(long + 'The final answer is 4.').includes('answer'));
  assert.ok(!labelEpisode('Thus the total is 42.').includes('answer'));
  assert.ok(labelEpisode('Thus the total is 42.', { isLast: true }).includes('answer'));
});

test('every label has documented cues; output is a subset in fixed order for any text', () => {
  const order: EpisodeLabel[] = ['planning', 'computation', 'verification', 'backtracking', 'alternative', 'answer'];
  for (const l of order) assert.ok(LABEL_CUES[l].length > 0);
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), fc.boolean(), (s, isLast) => {
      const labels = labelEpisode(s, { isLast });
      const idx = labels.map((l) => order.indexOf(l));
      assert.ok(idx.every((i, k) => i >= 0 && (k === 0 || i > idx[k - 1])));
    }),
    { numRuns: 1000 },
  );
});

test('agreement with Thought Anchors LLM tags stays at the documented level', { skip: skipWithoutData('traces', 'thought-anchors.com') }, () => {
  const pairs: [EpisodeLabel, string, number][] = [
    ['verification', 'self_checking', 0.3],
    ['backtracking', 'uncertainty_management', 0.45],
    ['planning', 'plan_generation', 0.25],
    ['computation', 'active_computation', 0.4],
    ['answer', 'final_answer_emission', 0.6],
  ];
  const rows: { ours: EpisodeLabel[]; tags: string[] }[] = [];
  for (const dir of thoughtAnchorsProblemDirs()) {
    const chunks = JSON.parse(readFileSync(path.join(dir, 'chunks_labeled.json'), 'utf8')) as { chunk: string; function_tags: string[] }[];
    chunks.forEach((c, i) => rows.push({ ours: labelEpisode(c.chunk, { isLast: i === chunks.length - 1 }), tags: c.function_tags }));
  }
  // 40 traces, 5814 labeled chunks in all.
  assert.equal(thoughtAnchorsProblemDirs().length, 40);
  assert.equal(rows.length, 5814);
  for (const [label, tag, minKappa] of pairs) {
    let tp = 0, fp = 0, fn = 0, tn = 0;
    for (const r of rows) {
      const p = r.ours.includes(label);
      const g = r.tags.includes(tag);
      if (p && g) tp++;
      else if (p) fp++;
      else if (g) fn++;
      else tn++;
    }
    const n = rows.length;
    const po = (tp + tn) / n;
    const pe = ((tp + fp) / n) * ((tp + fn) / n) + ((fn + tn) / n) * ((fp + tn) / n);
    const kappa = (po - pe) / (1 - pe);
    assert.ok(kappa >= minKappa, `${label} vs ${tag}: kappa ${kappa.toFixed(2)} < ${minKappa}`);
  }
});
