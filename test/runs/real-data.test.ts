/**
 * Real R1-distill traces (../shared/data/traces/thought-anchors.com) replayed through a live
 * run: the fake server streams each real thinking token by token, and the run's episodes must
 * be exactly what the offline annotator makes of the same text, with verdicts against the
 * real gold answers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startFakeOllama, type ScriptedProblem } from '../fake-ollama/server';
import { OllamaBackend } from '../../src/model/ollama';
import { startSolve } from '../../src/runs/solve';
import { annotateTrace } from '../../src/core/annotate';
import { splitThinking } from '../../src/core/thinking';
import { validateTrace } from '../../src/core/schema';
import { thoughtAnchorsProblemDirs } from '../core/segment-data';
import { skipWithoutData } from '../support/shared-data';

test('live runs on real traces segment and grade exactly like the offline annotator', { skip: skipWithoutData('traces', 'thought-anchors.com') }, async (t) => {
  const dirs = thoughtAnchorsProblemDirs().filter((_, i) => i % 5 === 0); // 8 of 40, both models, right and wrong
  assert.equal(dirs.length, 8);
  const cases = dirs.map((dir, i) => {
    const base = JSON.parse(readFileSync(path.join(dir, 'base_solution.json'), 'utf8')) as { full_cot: string };
    const problem = JSON.parse(readFileSync(path.join(dir, 'problem.json'), 'utf8')) as { gt_answer: string };
    const split = splitThinking(base.full_cot);
    const match = `REAL-TRACE-${i}-${path.basename(dir)}`;
    const scripted: ScriptedProblem = { match, episodes: [split.thinking], response: split.response, correctAnswer: problem.gt_answer, wrongAnswers: ['0'], accuracy: [0, 1] };
    return { dir, match, scripted, split, gold: problem.gt_answer };
  });
  const fake = await startFakeOllama({ problems: cases.map((c) => c.scripted) });
  t.after(() => fake.close());
  let checked = 0;
  for (const c of cases) {
    checked++;
    const live = await startSolve(new OllamaBackend({ host: fake.url }), { problem: c.match, model: 'deepseek-r1:7b', gold: c.gold, segment: { mode: 'mrt' } }).finished;
    const v = validateTrace(live);
    assert.ok(v.ok, `${c.dir}: ${v.ok ? '' : JSON.stringify(v.errors)}`);
    // Streamed token by token, the text must arrive intact.
    assert.equal(live.thinking, c.split.thinking, c.dir);
    assert.equal(live.response, c.split.response, c.dir);
    const offline = annotateTrace({ problem: c.match, gold: c.gold, source: { kind: 'test' }, thinking: live.thinking, response: live.response }, { segment: { mode: 'mrt' } });
    const shape = (eps: typeof live.episodes) => eps.map((e) => ({ start: e.start, end: e.end, opener: e.opener, labels: e.labels, answer: e.answer, verdict: e.verdict, check: e.check, tokens: e.tokens }));
    assert.deepEqual(shape(live.episodes), shape(offline.episodes), c.dir);
    assert.deepEqual(live.final, offline.final, c.dir);
    assert.ok(live.episodes.length >= 1);
  }
  assert.equal(checked, 8);
});
