/**
 * The trace view names the definition behind every μ and regret number: recipe, statistics,
 * comparator; a version-1 trace says it recorded none. And the chart's band comes from the
 * version-2 interval (or version 1's μ ± ci).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EpisodeProgress, Trace } from '../../src/core/trace';
import { intervalText, muSeriesLabel, probeRows, progressDetail, recipeChip } from '../../webview/trace/model/probe-text';
import { chartSeries, summarize } from '../../webview/trace/model/summary';
import { syntheticTrace } from '../../webview/dev/make-samples';

function v2Trace(): Trace {
  const t = syntheticTrace(3);
  const progress = (mu: number, interval: [number, number], entropy: number): EpisodeProgress => ({
    mu, interval, delta: 0, samples: 8, correct: Math.round(mu * 8), noAnswer: 1, answers: { '42': Math.round(mu * 8) }, entropy, basis: 'self', promptTokens: 100, rolloutTokens: 800,
  });
  t.version = 2;
  t.episodes[0].progress = progress(0.25, [0.03, 0.65], 1.8);
  delete t.episodes[1].progress;
  t.episodes[2].progress = progress(0.75, [0.35, 0.97], 0.8);
  t.probes = {
    recipe: 'mrt', k: 8, sampling: 'fixed', temperature: 0.6, topP: 0.95, maxTokens: 4096, basis: 'self',
    interval: { method: 'clopper-pearson', level: 0.95 }, promptTokenCounter: 'server',
    prefix0: { mu: 0, interval: [0, 0.37], samples: 8, correct: 0, noAnswer: 3, answers: {}, entropy: 2 },
    tokens: 5000,
  };
  t.metrics = {
    ...t.metrics,
    probeTokens: 5000,
    tokenCounter: 'server',
    cumulativeRegret: [{ comparator: 'oracle', k: 4, value: 2.75, normalized: 0.6875 }, { comparator: 'majority', k: 4, value: null, normalized: null }],
    regret: [{ budget: 4096, normalized: 0.512, comparator: 'oracle' }],
  };
  return t;
}

test('a version-2 trace: the chip, legend and band name the MRT recipe and the Clopper-Pearson interval', () => {
  const t = v2Trace();
  assert.deepEqual(recipeChip(t)?.text, 'μ: MRT probe, K = 8');
  assert.equal(muSeriesLabel(t), 'μ (MRT probe)');
  assert.equal(intervalText(t), '95% Clopper-Pearson band');
  const series = chartSeries(t);
  assert.deepEqual(series.band, [[0.03, 0.65], null, [0.35, 0.97]]);
  assert.deepEqual(series.entropy, [1.8, null, 0.8]);
  assert.equal(summarize(t).cumulativeRegret, null, "version 1's own-episodes sum is not shown for a version-2 trace");
});

test('summary rows: probes, prefix 0, probe cost, cumulative regret per comparator and regret name their definitions', () => {
  const rows = new Map(probeRows(v2Trace()));
  assert.match(rows.get('Probes') ?? '', /^MRT's forced-answer probe \(pass_at_k_given_prefix\.py.*K = 8 per prefix, temperature 0\.6, top-p 0\.95, up to 4096 tokens; 95% Clopper-Pearson band; judged against the model's own final answer$/);
  assert.equal(rows.get('μ with no thinking (prefix 0)'), '0.00 (0.00–0.37), 8 samples');
  assert.equal(rows.get('Probe cost'), '5000 tokens (prompt + completion, counted by the server)');
  assert.match(rows.get('Cumulative regret (oracle, k = 4)') ?? '', /^2\.75, normalised 0\.688 \(MRT Definition 4\.1, J\* = 1\)$/);
  assert.equal(rows.get('Cumulative regret (majority, k = 4)'), 'fewer probed prefixes than k');
  assert.match(rows.get('Normalised regret @4096') ?? '', /^0\.512 \(MRT regret\.ipynb: J\* = 1, x = probe prompt \+ rollout tokens \/ 16\)$/);
  assert.equal(rows.get('Token counts'), "the server's counts");
});

test('a version-1 trace says its recipe was not recorded; its regret is named as the version-1 variant; band from μ ± ci', () => {
  const t = syntheticTrace(2);
  t.version = 1;
  t.episodes[0].progress = { mu: 0.5, delta: 0.5, samples: 4, answers: {}, basis: 'gold', ci: 0.3 };
  delete t.episodes[1].progress;
  t.metrics.regret = [{ budget: 300, normalized: 0.4 }];
  assert.equal(recipeChip(t)?.text, 'μ: version-1 probe');
  assert.equal(muSeriesLabel(t), 'μ (forced answer correct)');
  assert.equal(intervalText(t), '95% Wilson band');
  assert.deepEqual(chartSeries(t).band, [[0.2, 0.8], null]);
  assert.match(probeRows(t).find(([k]) => k.startsWith('Normalised regret'))?.[1] ?? '', /version-1 variant: μ over thinking tokens/);
  const unprobed = syntheticTrace(1);
  delete unprobed.episodes[0].progress;
  assert.equal(recipeChip(unprobed), null, 'no chip when nothing was probed');
});

test('an episode tooltip lists samples, correct, no-answer count, interval, delta interval and entropy', () => {
  const detail = progressDetail({ mu: 0.5, interval: [0.16, 0.84], delta: 0.25, deltaInterval: [-0.3, 0.7], samples: 8, correct: 4, noAnswer: 2, answers: {}, entropy: 1.5, basis: 'gold' });
  assert.equal(detail, '8 samples, 4 correct, 2 without an answer, interval 0.16–0.84, Δ +0.25 (-0.30–0.70), answer entropy 1.50 bits');
});
