/**
 * A scripted word problem whose thinking exercises every self-check outcome (MRT segmentation:
 * three paragraphs per episode, each later one opening with "Wait"): a slip (6), a re-check
 * that fixes it (changed 6 → 8), one that confirms 8, and one that states no answer. The gold
 * is on an `Answer:` line after the problem, as Solve Problem… finds it in a selection.
 */
import type { ScriptedProblem } from './scripted-model';

export const CHANGE_PROBLEM_TEXT = 'Tom buys 4 pens at 3 dollars each and pays with a 20-dollar bill. How much change does he get?';

/**
 * R1 distills restate a problem at length before solving it; here that also keeps a slow stream
 * (15 ms per token) going for several seconds before the first answer, so a test sees the
 * verdicts arrive in a page that is already showing the live run.
 */
const RESTATEMENT = Array.from({ length: 100 }, (_, k) => `Pen ${(k % 4) + 1} of the 4 costs 3 dollars, and the bill Tom hands over is 20 dollars.`).join(' ');

export const CHANGE_PROBLEM: ScriptedProblem = {
  match: CHANGE_PROBLEM_TEXT,
  episodes: [
    `Tom buys 4 pens at 3 dollars each.\n\n${RESTATEMENT}\n\nSo he spends 4 × 3 = 12 dollars, pays with 20, and the change is 20 - 12 = 6.\n\nSo the answer is 6.`,
    'Wait, let me check the subtraction again.\n\n20 - 12 = 8, not 6.\n\nSo the answer is 8.',
    'Wait, let me verify once more.\n\n12 + 8 = 20, which is what he paid.\n\nYes, the answer is 8.',
    'Wait, let me double-check the price per pen.\n\n4 pens at 3 dollars each is what the problem says.\n\nThat matches.',
  ],
  response: 'Tom gets \\boxed{8} dollars in change.',
  correctAnswer: '8',
  wrongAnswers: ['6'],
  accuracy: [0.25, 0.25, 0.75, 1, 1],
};
