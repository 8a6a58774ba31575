import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { cappedScore, computeReport, summarize } from '../../src/core/report';
import { readTraceFile, renderHtml, renderMarkdown, reportBase, writeReport } from '../../src/runs/dataset/report';
import { episode, progress, trace } from './fixtures';

// A: 3 episodes of 100 tokens, probed: mu 0.25 (empty prefix 0), 0.5, 1; ends correct.
const A = trace(
  'A',
  [episode(0, 100, { progress: progress(0.25, 0.25) }), episode(1, 100, { progress: progress(0.5, 0.25), verdict: 'correct', labels: ['computation', 'answer'] }), episode(2, 100, { progress: progress(1, 0.5), labels: ['verification'] })],
  { metrics: { thinkingTokens: 300, responseTokens: 5, episodes: 3, firstCorrectEpisode: 1, tokensAfterFirstCorrect: 100, cumulativeRegret: 1.25 } },
);
// B: unprobed, 50 tokens, wrong.
const B = trace('B', [episode(0, 50, { verdict: 'incorrect', labels: ['computation'] })], { final: { answer: '2', correct: false }, model: 'm2' });
// C: ungraded.
const C = trace('C', [episode(0, 10)], { gold: null, final: { answer: null, correct: null } });

test('capped accuracy: final result when thinking fits, else mu of the last probed prefix', () => {
  assert.deepEqual(cappedScore(A, 300), { score: 1, finished: true });
  assert.deepEqual(cappedScore(A, 250), { score: 0.5, finished: false });
  assert.deepEqual(cappedScore(A, 100), { score: 0.25, finished: false });
  assert.deepEqual(cappedScore(A, 50), { score: 0, finished: false }, 'empty prefix mu = mu0 - delta0');
  assert.deepEqual(cappedScore(B, 40), null, 'unprobed and longer than the cap: unknown');
  assert.deepEqual(cappedScore(B, 50), { score: 0, finished: true });
  assert.equal(cappedScore(C, 1000), null, 'ungraded');
});

test('summary numbers on known traces', () => {
  const s = summarize([A, B, C], { budgets: [100, 300], bucket: 100 });
  assert.equal(s.traces, 3);
  assert.equal(s.graded, 2);
  assert.equal(s.accuracy, 0.5);
  assert.deepEqual(s.accuracyByBudget, [
    { budget: 100, accuracy: 0.125, n: 2, finishedBefore: 1 },
    { budget: 300, accuracy: 0.5, n: 2, finishedBefore: 2 },
  ]);
  assert.deepEqual(s.probes.map((p) => p.basis), ['gold']);
  assert.deepEqual(s.probes[0].progressByEpisode.map((p) => [p.x, p.mean, p.n]), [[0, 0.25, 1], [1, 0.5, 1], [2, 1, 1]]);
  assert.deepEqual(s.probes[0].progressByTokens.points.map((p) => [p.x, p.mean]), [[100, 0.25], [200, 0.5], [300, 1]]);
  assert.deepEqual(s.probes[0].recipes, { unrecorded: 1 });
  assert.deepEqual(s.probes[0].cumulativeRegretV1, { n: 1, mean: 1.25, median: 1.25, min: 1.25, max: 1.25 });
  assert.equal(s.labels.computation.episodes, 2);
  assert.equal(s.labels.verification.share, 1 / 5);
  assert.equal(s.tokensAfterFirstCorrect.mean, 100);
  assert.equal(s.overthinkingShare.mean, 1 / 3);
  assert.equal(s.firstCorrectRelative.mean, 2 / 3);
  assert.equal(s.anyCorrectEpisode, 0.5);
  assert.equal(s.probedTraces, 1);
  assert.equal(s.noReasoning, 0);
});

test('traces whose record carried no reasoning (or empty thinking) are counted, not silently averaged in', () => {
  const marked = trace('N', [episode(0, 10)], { source: { kind: 'import:chat', extra: { noReasoning: true } } });
  const empty = { ...trace('E', []), thinking: '', metrics: { ...trace('E', []).metrics, episodes: 0 } };
  const s = summarize([A, marked, empty]);
  assert.equal(s.noReasoning, 2);
  assert.match(renderMarkdown(computeReport([A, marked, empty]), 'T'), /\| without reasoning \(the record had none, or empty thinking\) \| 2 \|/);
});

test('gold- and self-basis probes are summarised apart; MRT regret, version-1 regret and each comparator are never averaged together', () => {
  const selfProgress = (mu: number, delta: number) => ({ ...progress(mu, delta), basis: 'self' as const });
  // S: self basis (no gold), version 2, mrt recipe, oracle regret and both cumulative comparators.
  const S = trace('S', [episode(0, 100, { progress: selfProgress(0.5, 0) }), episode(1, 100, { progress: selfProgress(1, 0.5) })], {
    version: 2,
    gold: null,
    final: { answer: '7', correct: null },
    probes: { recipe: 'mrt', k: 8, sampling: 'fixed', temperature: 0.6, topP: 0.95, maxTokens: 4096, basis: 'self', interval: { method: 'clopper-pearson', level: 0.95 } },
    metrics: {
      thinkingTokens: 200, responseTokens: 1, episodes: 2, firstCorrectEpisode: null, tokensAfterFirstCorrect: null, probeTokens: 9000,
      regret: [{ budget: 4096, normalized: 0.2, comparator: 'oracle' }],
      cumulativeRegret: [{ comparator: 'oracle', k: 3, value: 1, normalized: 1 / 3 }, { comparator: 'majority', k: 3, value: 0.5, normalized: 0.25 }],
    },
  });
  // G2: gold basis, version 2, quick recipe; its oracle entries at 4096 must not mix with S's (self) nor with A's v1 entries.
  const G2 = trace('G2', [episode(0, 100, { progress: progress(0.75, 0) })], {
    version: 2,
    probes: { recipe: 'quick', k: 8, sampling: 'fixed', temperature: 0.6, topP: 0.95, maxTokens: 32, basis: 'gold', interval: { method: 'clopper-pearson', level: 0.95 } },
    metrics: {
      thinkingTokens: 100, responseTokens: 1, episodes: 1, firstCorrectEpisode: null, tokensAfterFirstCorrect: null, probeTokens: 1000,
      regret: [{ budget: 4096, normalized: 0.6, comparator: 'oracle' }],
      cumulativeRegret: [{ comparator: 'oracle', k: 3, value: 0.75, normalized: 0.25 }, { comparator: 'majority', k: 3, value: 0, normalized: null }],
    },
  });
  const A1 = { ...A, metrics: { ...A.metrics, regret: [{ budget: 4096, normalized: 0.9 }] } };
  const s = summarize([A1, S, G2], { budgets: [100], bucket: 100 });
  assert.deepEqual(s.probes.map((p) => [p.basis, p.traces]), [['gold', 2], ['self', 1]]);
  const [gold, self] = s.probes;
  assert.deepEqual(gold.recipes, { unrecorded: 1, quick: 1 });
  assert.deepEqual(gold.normalizedRegret, [{ kind: 'oracle', budget: 4096, mean: 0.6, n: 1 }, { kind: 'thinking-tokens-v1', budget: 4096, mean: 0.9, n: 1 }]);
  assert.deepEqual(gold.cumulativeRegret, [{ comparator: 'majority', k: 3, meanNormalized: null, n: 0, skipped: 1 }, { comparator: 'oracle', k: 3, meanNormalized: 0.25, n: 1, skipped: 0 }]);
  assert.deepEqual(self.normalizedRegret, [{ kind: 'oracle', budget: 4096, mean: 0.2, n: 1 }]);
  assert.deepEqual(self.cumulativeRegret.map((c) => [c.comparator, c.meanNormalized]), [['majority', 0.25], ['oracle', 1 / 3]]);
  assert.equal(self.probeTokens.mean, 9000);
  assert.deepEqual(self.progressByEpisode.map((p) => [p.x, p.mean]), [[0, 0.5], [1, 1]]);
  // Every row names its definition and basis; a self-basis mu never counts as capped accuracy.
  assert.ok(self.rows.some(([k, v]) => /^probed traces$/.test(k) && /self basis/.test(v) && /mrt 1/.test(v)));
  assert.ok(gold.rows.some(([k]) => /MRT regret\.ipynb, J\* = 1/.test(k)));
  assert.ok(gold.rows.some(([k]) => /version-1 variant: mu over thinking tokens/.test(k)));
  assert.equal(cappedScore({ ...S, final: { answer: '7', correct: true }, gold: '7' }, 50), null, 'self-basis mu is not an accuracy');
  const md = renderMarkdown(computeReport([A1, S, G2]), 'T');
  assert.match(md, /\| gold basis: normalised regret \(MRT regret\.ipynb[^|]*\| 4096: 0\.600 \(n=1\) \|/);
  assert.match(md, /\| self basis: normalised regret \(MRT regret\.ipynb[^|]*\| 4096: 0\.200 \(n=1\) \|/);
  assert.match(md, /## Mean progress \(mu\) by episode index, self basis/);
});

test('per-model comparison appears only with several models', () => {
  assert.deepEqual(Object.keys(computeReport([A]).models), []);
  const r = computeReport([A, B]);
  assert.deepEqual(Object.keys(r.models), ['m1', 'm2']);
  assert.equal(r.models.m1.accuracy, 1);
  assert.equal(r.models.m2.accuracy, 0);
  // Shared budget grid across models.
  assert.deepEqual(r.models.m1.accuracyByBudget.map((b) => b.budget), r.models.m2.accuracyByBudget.map((b) => b.budget));
});

test('markdown and HTML escape model names; HTML has no scripts', () => {
  const evil = trace('E', [episode(0, 10)], { model: '<script>alert(1)</script>|x' });
  const r = computeReport([A, evil]);
  const html = renderHtml(r, 'T <b>');
  assert.ok(!/<script/i.test(html));
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;\|x/);
  assert.match(html, /<title>T &lt;b&gt;<\/title>/);
  const md = renderMarkdown(r, 'T');
  assert.match(md, /<script>alert\(1\)<\/script>\\\|x/, 'pipes escaped in table cells');
});

test('writer puts json, md and html beside the output; reader skips bad lines with line numbers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-report-'));
  const out = join(dir, 'run.trace.jsonl');
  writeFileSync(out, `${JSON.stringify(A)}\n{"id":3}\n${JSON.stringify(B)}\n{"id":"torn`);
  const read = await readTraceFile(out);
  assert.deepEqual(read.traces.map((t) => t.id), ['A', 'B']);
  assert.deepEqual(read.problems.map((p) => p.line), [2, 4]);
  assert.match(read.problems[1].message, /incomplete last line/);
  assert.equal(reportBase(out), join(dir, 'run.report'));
  const w = writeReport(out, read.traces);
  for (const p of [w.json, w.markdown, w.html]) assert.ok(existsSync(p), p);
  const json = JSON.parse(readFileSync(w.json, 'utf8'));
  assert.equal(json.overall.traces, 2);
  assert.match(readFileSync(w.markdown, 'utf8'), /\| accuracy \| 50\.0% \(1\/2\) \|/);
});

test('property: capped accuracy is a probability and reaches the final accuracy once every trace fits', () => {
  const arbTrace = fc
    .record({
      tokens: fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 6 }),
      mus: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 6, maxLength: 6 }),
      correct: fc.boolean(),
      probed: fc.boolean(),
    })
    .map(({ tokens, mus, correct, probed }, ) =>
      trace('t', tokens.map((t, i) => episode(i, t, probed ? { progress: progress(mus[i], i === 0 ? mus[0] : mus[i] - mus[i - 1]) } : {})), { final: { answer: 'x', correct } }),
    );
  fc.assert(
    fc.property(fc.array(arbTrace, { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 4000 }), (traces, cap) => {
      const s = summarize(traces, { budgets: [cap, 4000] });
      for (const b of s.accuracyByBudget) if (b.accuracy !== null) assert.ok(b.accuracy >= 0 && b.accuracy <= 1);
      const full = s.accuracyByBudget[1];
      assert.equal(full.n, traces.length);
      assert.ok(Math.abs((full.accuracy as number) - (s.accuracy as number)) < 1e-12);
    }),
  );
});
