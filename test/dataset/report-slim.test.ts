/**
 * slimForReport (src/core/report.ts): the dataset view's worker keeps traces without their texts
 * for the report it makes at the end; the report must be the one the whole traces give. Checked
 * on the real traces in ../shared/data (read and annotated as the dataset job does) and on
 * probed, multi-model and empty-thinking traces, which the real ones are not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeReport, slimForReport } from '../../src/core/report';
import type { Trace } from '../../src/core/trace';
import { runDatasetJob } from '../../src/runs/dataset/job';
import { dataPath, skipWithoutData } from './data';
import { episode, progress, trace } from './fixtures';

const now = new Date('2026-12-02T00:00:00Z');
const sameReport = (traces: Trace[]) => assert.deepEqual(computeReport(traces.map(slimForReport), { now }), computeReport(traces, { now }));
const bytes = (traces: Trace[]) => traces.reduce((n, t) => n + JSON.stringify(t).length, 0);

async function realTraces(): Promise<Trace[]> {
  const dir = mkdtempSync(join(tmpdir(), 'rl-report-slim-'));
  try {
    const traces: Trace[] = [];
    for (const input of [dataPath('traces', 'thought-anchors-cots-math'), dataPath('traces', 'skythought', 'Sky-T1-math-correct-5K-14B__amc23.jsonl')]) {
      const output = join(dir, `${traces.length}.trace.jsonl`);
      await runDatasetJob({ input, output, report: false });
      for (const line of readFileSync(output, 'utf8').split('\n')) if (line.trim()) traces.push(JSON.parse(line) as Trace);
    }
    return traces;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the report over slimmed real traces is the report over the whole ones, at a fraction of the size', { skip: skipWithoutData('traces') }, async () => {
  const traces = await realTraces();
  assert.ok(traces.length > 50, `${traces.length} real traces read`);
  assert.ok(traces.some((t) => t.episodes.some((e) => e.answer !== undefined)), 'some episodes state answers (the self-check and verdict paths run)');
  sameReport(traces);
  const slim = traces.map(slimForReport);
  assert.ok(bytes(slim) < 0.5 * bytes(traces), `slim ${bytes(slim)} of ${bytes(traces)} bytes`);
  assert.ok(slim.every((t) => t.episodes.every((e) => e.text === '') && t.response === '' && t.problem === ''));
});

test('the same report for probed traces, two models, a trace with no thinking and one with only spaces', () => {
  const probed = trace(
    'A',
    [episode(0, 100, { progress: progress(0.25, 0.25), text: 'Let me think. 2 + 2 = 4.' }), episode(1, 100, { progress: progress(0.5, 0.25), verdict: 'correct', labels: ['computation', 'answer'], answer: '1' }), episode(2, 100, { progress: progress(1, 0.5), labels: ['verification'], answer: '1', text: 'Check: yes, 1.' })],
    { metrics: { thinkingTokens: 300, responseTokens: 5, episodes: 3, firstCorrectEpisode: 1, tokensAfterFirstCorrect: 100, cumulativeRegret: 1.25 }, response: 'The answer is \\boxed{1}.' },
  );
  const wrong = trace('B', [episode(0, 50, { verdict: 'incorrect', labels: ['computation'], answer: '2' })], { final: { answer: '2', correct: false }, model: 'm2' });
  const none = trace('C', [], { thinking: '' });
  const spaces = trace('D', [episode(0, 1)], { thinking: '  \n ', model: 'm2' });
  sameReport([probed, wrong, none, spaces]);
  assert.equal(computeReport([none, spaces].map(slimForReport), { now }).overall.noReasoning, 2);
  assert.equal(computeReport([probed].map(slimForReport), { now }).overall.noReasoning, 0);
});
