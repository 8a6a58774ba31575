/**
 * Sample scripted problems for tests (model, runs, budget). Episode texts follow MRT's
 * segmentation: paragraphs separated by blank lines, later episodes opening with a marker.
 */
import type { ScriptedProblem } from './scripted-model';

export const SUM_PROBLEM: ScriptedProblem = {
  match: 'What is 17 + 25?',
  episodes: [
    'I need to add 17 and 25.\n\n17 + 25: 7 + 5 = 12, carry 1, then 1 + 2 + 1 = 4.\n\nSo it is 42.',
    'Wait, let me double-check by counting up from 25.\n\n25 + 10 = 35, and 35 + 7 = 42.\n\nYes, 42.',
    'Alternatively, 17 + 25 = 20 + 22 = 42.\n\nAll methods agree.\n\nThe answer is 42.',
  ],
  response: 'The sum is \\boxed{42}.',
  correctAnswer: '42',
  wrongAnswers: ['41', '32'],
  accuracy: [0.25, 0.5, 0.875, 1],
  hedge: [true, true, false, false],
};

export const FRACTION_PROBLEM: ScriptedProblem = {
  match: 'Simplify 2/4.',
  episodes: [
    'Both 2 and 4 are divisible by 2.\n\nDividing gives 1/2.\n\nSo the fraction is one half.',
    'Wait, is 1/2 fully reduced?\n\n1 and 2 share no factor.\n\nYes.',
  ],
  response: 'It simplifies to \\boxed{\\frac{1}{2}}.',
  correctAnswer: '\\frac{1}{2}',
  wrongAnswers: ['\\frac{2}{4}'],
  accuracy: [0.5, 1, 1],
};

export const SAMPLE_PROBLEMS: ScriptedProblem[] = [SUM_PROBLEM, FRACTION_PROBLEM];
