/** The compare view's axis maths (webview/compare/model.ts): spans, points, the divergence mark, merged chart series. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ComparedEpisode, ComparedTrace } from '../../src/core/compare';
import { afterX, axisEnd, chartData, divergenceX, episodeAt, episodeSpan } from '../../webview/compare/model';

function traceOf(tokens: number[], mu: (number | null)[]): ComparedTrace {
  let at = 0;
  const episodes: ComparedEpisode[] = tokens.map((t, index) => {
    const e: ComparedEpisode = { index, startTokens: at, endTokens: at + t, labels: [], verdict: 'none', answer: null, mu: mu[index] ?? null, interval: mu[index] === null || mu[index] === undefined ? null : [Math.max(0, mu[index]! - 0.1), Math.min(1, mu[index]! + 0.1)] };
    at += t;
    return e;
  });
  return { label: 't', id: 't', model: null, problem: 'p', gold: null, episodeTokens: at, episodes, decisions: [], maxThinkingTokens: null };
}

test('spans and points: by index episode j is [j, j+1) with μ at j+1; by tokens its running token range with μ at its end', () => {
  const t = traceOf([10, 30], [0.5, 1]);
  assert.deepEqual(episodeSpan(t.episodes[1], 1, 'index'), [1, 2]);
  assert.deepEqual(episodeSpan(t.episodes[1], 1, 'tokens'), [10, 40]);
  assert.equal(afterX(t.episodes[1], 1, 'index'), 2);
  assert.equal(afterX(t.episodes[1], 1, 'tokens'), 40);
  const u = traceOf([5, 5, 5], [null, null, null]);
  assert.equal(axisEnd([t, u], 'index'), 3);
  assert.equal(axisEnd([t, u], 'tokens'), 40);
  assert.equal(divergenceX({ alignment: 'index', at: 1, episodes: [1, 1], answers: ['1', '2'], pair: [0, 1] }, 'index'), 2, 'after episode 1 = the end of column 1');
  assert.equal(divergenceX({ alignment: 'tokens', at: 25, episodes: [1, 1], answers: ['1', '2'], pair: [0, 1] }, 'tokens'), 25);
  assert.equal(divergenceX(null, 'index'), null);
});

test('chart series: one x array (the union of the probed points), null where a trace has no μ there', () => {
  const a = traceOf([10, 10, 10], [0.25, null, 0.75]);
  const b = traceOf([15, 15], [0.5, 1]);
  const byTokens = chartData([a, b], 'tokens');
  assert.deepEqual(byTokens.xs, [10, 15, 30]);
  assert.deepEqual(byTokens.mu, [[0.25, null, 0.75], [null, 0.5, 1]]);
  assert.deepEqual(byTokens.hi[1], [null, 0.6, 1]);
  const byIndex = chartData([a, b], 'index');
  assert.deepEqual(byIndex.xs, [1, 2, 3]);
  assert.deepEqual(byIndex.mu, [[0.25, null, 0.75], [0.5, 1, null]]);
});

test('episodeAt (the strips\' hover): the column by index; by tokens the episode whose span holds x, against a linear scan', () => {
  const t = traceOf([10, 0, 30, 5], [null, null, null, null]);
  assert.equal(episodeAt(t, 2.7, 'index'), 2);
  assert.equal(episodeAt(t, 4, 'index'), -1, 'past the last column');
  assert.equal(episodeAt(t, -0.5, 'tokens'), -1);
  for (let x = 0; x < 50; x += 0.5) {
    const linear = t.episodes.findIndex((e) => e.startTokens <= x && x < e.endTokens);
    assert.equal(episodeAt(t, x, 'tokens'), linear, `x = ${x}`);
  }
  assert.equal(episodeAt(t, 10, 'tokens'), 2, 'an empty episode is never hovered; the next one starts there');
  assert.equal(episodeAt(traceOf([], []), 0, 'tokens'), -1);
});
