/**
 * Scripted problems and helpers shared by the run tests and the run benchmark. Episodes are
 * written for the MRT segmenter (>= 3 paragraphs each, later ones open with an MRT marker), so
 * episode j of the trace is exactly scripted episode j and probes after it see j+1 episodes.
 */
import type { ScriptedProblem } from '../fake-ollama/server';
import type { RunEvent, RunHandle } from '../../src/runs/contract';
import type { Trace } from '../../src/core/trace';

const MARKERS = ['Wait', 'Alternatively', 'But wait', 'But hold on'];

/** n episodes of 3 paragraphs; episode 0 states a wrong sum, later ones the right answer. */
export function productProblem(match: string, n: number, accuracy: number[], hedge?: boolean[]): ScriptedProblem {
  const episodes: string[] = [];
  for (let i = 0; i < n; i++) {
    const opener = i === 0 ? 'We need to compute 6 times 7' : `${MARKERS[(i - 1) % MARKERS.length]}, let me check this a different way (pass ${i})`;
    const result = i === 0 ? 41 : 42;
    episodes.push(
      `${opener}. I will set up the calculation carefully before doing any arithmetic.\n\n` +
        `Six groups of seven items each means adding seven six times, or using a known product.\n\n` +
        `Doing the arithmetic step by step, the product comes out as ${result}. So the answer is ${result}.`,
    );
  }
  return {
    match,
    episodes,
    response: 'Adding seven six times gives the product. The answer is \\boxed{42}.',
    correctAnswer: '42',
    wrongAnswers: ['41', '36'],
    accuracy,
    ...(hedge ? { hedge } : {}),
  };
}

export interface Collected {
  trace: Trace;
  events: RunEvent[];
}

export async function collect(run: RunHandle): Promise<Collected> {
  const events: RunEvent[] = [];
  run.on((e) => events.push(e));
  const trace = await run.finished;
  return { trace, events };
}

export function ofType<T extends RunEvent['type']>(events: RunEvent[], type: T): Extract<RunEvent, { type: T }>[] {
  return events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
}
