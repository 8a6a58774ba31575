/**
 * The overview map's importance strip as data (webview/trace/model/overview-importance.ts):
 * shares of the largest value, the top anchors, one method drawn when a trace mixes them, and
 * the words a screen reader hears.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EpisodeImportance, Trace } from '../../src/core/trace';
import { importanceSummary, overviewImportance, recipeOf, shortMeasure } from '../../webview/trace/model/overview-importance';
import { importanceRules } from '../../webview/trace/ui/importance-marks';
import { syntheticTrace } from '../../webview/dev/make-samples';

function withImportance(values: (number | null)[], method: (i: number) => string = () => 'ta-counterfactual-kl'): Trace {
  const base = syntheticTrace(values.length);
  return {
    ...base,
    version: 2,
    episodes: base.episodes.map((e, i) => {
      const value = values[i];
      if (value === null) return e;
      const importance: EpisodeImportance = { method: method(i), value, samples: 20 };
      return { ...e, importance };
    }),
  };
}

test('no measured episode: no strip', () => {
  assert.equal(overviewImportance(withImportance([null, null, null])), null);
});

test('bars are shares of the largest value; negatives and zero draw nothing; anchors are the three largest above zero', () => {
  const model = overviewImportance(withImportance([0.1, 0.4, -0.2, 0, 0.2, 0.3, null]))!;
  assert.equal(model.max, 0.4);
  assert.deepEqual(model.bars.map((b) => [b.index, Math.round(b.share * 1000) / 1000, b.anchor]), [
    [0, 0.25, null],
    [1, 1, 1],
    [2, 0, null],
    [3, 0, null],
    [4, 0.5, 3],
    [5, 0.75, 2],
  ]);
  assert.equal(model.unmeasured, 1);
  assert.equal(model.unit, 'nats');
  assert.equal(recipeOf(model.method), 'TA recipe');
  assert.equal(shortMeasure(model.method), 'counterfactual KL');
  const words = importanceSummary(model);
  assert.match(words, /ta-counterfactual-kl \(TA recipe\), counterfactual importance: KL divergence/);
  assert.match(words, /share of the largest, 0\.40 nats\. 6 episodes measured, 1 not measured\./);
  assert.match(words, /Top anchors \(largest values above zero\): 1\. episode #1 \(0\.40 nats\), 2\. episode #5 \(0\.30 nats\), 3\. episode #4 \(0\.20 nats\)\./);
});

test('the cards number the same anchors as the map', () => {
  const trace = withImportance([0.1, 0.4, -0.2, 0, 0.2, 0.3]);
  const fromCards = importanceRules(trace)
    .map((rule) => /data-index="(\d+)"\] \.rl-card-toggle::after \{ content: "anchor (\d)"/.exec(rule))
    .filter((m) => m !== null)
    .map((m) => [Number(m![1]), Number(m![2])]);
  const fromMap = overviewImportance(trace)!.bars.filter((b) => b.anchor !== null).map((b) => [b.index, b.anchor]);
  assert.deepEqual(fromCards.sort((a, b) => a[0] - b[0]), fromMap.sort((a, b) => a[0]! - b[0]!));
});

test('mixed methods: the one most episodes were measured by is drawn, the rest counted and named as not drawn', () => {
  const model = overviewImportance(withImportance([0.9, 0.1, 0.2, 0.3], (i) => (i === 0 ? 'resampling-kl' : 'episode-counterfactual-accuracy[auto/cos>=0.8@all-minilm]')))!;
  assert.equal(model.method, 'episode-counterfactual-accuracy[auto/cos>=0.8@all-minilm]');
  assert.equal(model.max, 0.3, 'the other method\'s 0.9 is not on this scale');
  assert.equal(model.otherMethods, 1);
  assert.equal(model.unit, '', 'a difference of accuracies has no unit');
  assert.equal(recipeOf(model.method), 'variant');
  assert.match(importanceSummary(model), /3 episodes measured, 1 measured by another method \(not drawn\)\./);
  assert.match(importanceSummary(model), /share of the largest, 0\.30\./);
});

test('every value below or at zero: no anchors, said so', () => {
  const model = overviewImportance(withImportance([0, -0.1]))!;
  assert.equal(model.max, 0);
  assert.ok(model.bars.every((b) => b.share === 0 && b.anchor === null));
  assert.match(importanceSummary(model), /No episode has an importance above zero\./);
});
