/**
 * The screenshot trace: a REAL R1-distill thinking (Thought Anchors, ../shared/data, read in
 * place) replayed by the scripted fake Ollama and solved through the real run pipeline with
 * its gold answer and progress probes. Episodes, labels and verdicts come from the real text;
 * only the forced-answer accuracy curve (μ) is set here.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { annotateTrace } from '../../src/core/annotate';
import { splitThinking } from '../../src/core/thinking';
import { validateTrace } from '../../src/core/schema';
import type { Trace } from '../../src/core/trace';
import { OllamaBackend } from '../../src/model/ollama';
import { startSolve } from '../../src/runs/solve';
import { startFakeOllama } from '../fake-ollama/server';
import type { ScriptedProblem } from '../fake-ollama/scripted-model';
import { repoRoot } from './harness';

/** R1-Distill-Llama-8B on a MATH problem: the coefficients first, then p(5) (right), then more checking. */
export const REAL_TRACE_DIR = path.resolve(repoRoot, '../shared/data/traces/thought-anchors.com/deepseek-r1-distill-llama-8b/correct_base_solution/problem_4164');

/** μ after j episodes (j = 0..6): low while the first, wrong answer stands, high once it is fixed. */
const ACCURACY = [0, 0.125, 0.25, 0.375, 0.5, 0.875, 1];

export interface RealScripted {
  problem: string;
  gold: string;
  scripted: ScriptedProblem;
}

/** The scripted problem built from the real trace, or undefined when ../shared/data is absent. */
export function realScriptedProblem(): RealScripted | undefined {
  if (!existsSync(REAL_TRACE_DIR)) return undefined;
  const base = JSON.parse(readFileSync(path.join(REAL_TRACE_DIR, 'base_solution.json'), 'utf8')) as { full_cot: string };
  const meta = JSON.parse(readFileSync(path.join(REAL_TRACE_DIR, 'problem.json'), 'utf8')) as { problem: string; gt_answer: string };
  const split = splitThinking(base.full_cot);
  const offline = annotateTrace({ problem: meta.problem, gold: meta.gt_answer, source: { kind: 'test' }, thinking: split.thinking, response: split.response }, { segment: { mode: 'mrt' } });
  const episodes = offline.episodes.map((e) => e.text.trim());
  if (episodes.length + 1 !== ACCURACY.length) throw new Error(`${REAL_TRACE_DIR}: expected ${ACCURACY.length - 1} MRT episodes, got ${episodes.length}`);
  const scripted: ScriptedProblem = {
    match: meta.problem.slice(0, 80),
    episodes,
    response: split.response.trim(),
    correctAnswer: meta.gt_answer,
    wrongAnswers: ['-\\frac{1}{12}', '\\frac{5}{12}'],
    accuracy: ACCURACY,
  };
  return { problem: meta.problem, gold: meta.gt_answer, scripted };
}

/** Solves the real-trace problem live (gold + 8 probes per episode) and writes `<dir>/<name>`. */
export async function writeRealSolvedTrace(dir: string, name: string): Promise<{ file: string; trace: Trace } | undefined> {
  const real = realScriptedProblem();
  if (!real) return undefined;
  const fake = await startFakeOllama({ problems: [real.scripted] });
  try {
    const run = startSolve(new OllamaBackend({ host: fake.url }), {
      problem: real.problem,
      model: 'deepseek-r1:7b',
      gold: real.gold,
      progress: { samples: 8 },
      segment: { mode: 'mrt' },
    });
    const trace = await run.finished;
    const checked = validateTrace(trace);
    if (!checked.ok) throw new Error(`real solved trace is invalid: ${JSON.stringify(checked.errors.slice(0, 3))}`);
    const file = path.join(dir, name);
    writeFileSync(file, JSON.stringify(checked.trace, null, 2));
    return { file, trace: checked.trace };
  } finally {
    await fake.close();
  }
}
