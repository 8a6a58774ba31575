/**
 * The scripted importance problem (test/fake-ollama/counterfactual-model.ts) and its trace:
 * known anchors at different positions and of different strength, a long decoy episode that
 * changes nothing, episodes the model often writes again (so resampling importance misses what
 * counterfactual importance finds), one wrong answer. Used by the tests and the bench.
 */
import type { ImportanceTraceInput } from '../../src/runs/importance';
import type { CounterfactualProblem } from '../fake-ollama/counterfactual-model';

export const ANCHOR_PROBLEM: CounterfactualProblem = {
  match: 'How many lattice points lie strictly inside the circle x^2 + y^2 = 25?',
  episodes: [
    'We need the integer pairs with x squared plus y squared below twenty five.',
    'The key idea is to count the points column by column for each integer x from minus four to four.',
    'Before counting, I will note every single thing that could possibly matter here, listing symmetry across both axes, symmetry across the diagonals, the fact that the origin counts once, the fact that boundary points are excluded, the fact that negative and positive coordinates mirror each other, the fact that squares of integers up to four are zero one four nine sixteen, and the fact that careful bookkeeping avoids double counting, all of which I keep in mind without changing any plan.',
    'For x equal to zero the values of y run from minus four to four, giving nine points.',
    'Wait, for x equal to three the bound is y squared below sixteen, so y runs from minus three to three, seven points, not five.',
    'Summing the columns nine, nine, nine, seven, seven, five, five, three and three gives sixty nine.',
    'Therefore the count is sixty nine.',
  ],
  correctAnswer: '69',
  wrongAnswers: ['65'],
  baseAccuracy: 0.02,
  // Anchors at episodes 1 (+0.50 on P(correct)) and 4 (+0.45). TA's KL of the answer
  // distributions weighs the later one more: without episode 4 the dissimilar rollouts are 0.52
  // correct, with it 0.97 (~1.0 nats); without episode 1 0.11, with it 0.61 (~0.55 nats).
  // The true ranking is 4, then 1; every other episode is 0.
  effects: { 1: 0.5, 4: 0.45 },
  // Episodes 0, 5 and 6 are often written again; the decoy (2) and the anchors less often.
  regenerate: { 0: 0.7, 1: 0.3, 2: 0.2, 3: 0.5, 4: 0.2, 5: 0.6, 6: 0.7 },
};

export const ANCHORS_IN_ORDER = [4, 1];
export const DECOY = 2;

/** The original trace: episodes joined by blank lines, segmented by sentence (one sentence per episode). */
export function anchorTrace(problem: CounterfactualProblem = ANCHOR_PROBLEM): ImportanceTraceInput {
  const episodes: { start: number; end: number; text: string }[] = [];
  let thinking = '';
  for (const [i, text] of problem.episodes.entries()) {
    if (i > 0) thinking += '\n\n';
    episodes.push({ start: thinking.length, end: thinking.length + text.length, text });
    thinking += text;
  }
  return { id: 'anchors', problem: problem.match, thinking, gold: problem.correctAnswer, final: { answer: problem.correctAnswer }, episodes, source: { segmentation: { mode: 'sentence' } } };
}
