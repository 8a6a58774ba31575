/**
 * A SCRIPTED MODEL FOR COUNTERFACTUAL IMPORTANCE (Thought Anchors' resampling): which episodes
 * matter is known by construction. Raw continuation from a thinking prefix that holds the first
 * j episodes of a problem: the model writes episodes j..n-1 again, each either the original
 * text (with probability `regenerate[k]`, a "similar" resample) or a replacement with unrelated
 * words (a "dissimilar" one), closes the thinking and answers. The answer is correct with
 * probability baseAccuracy + Σ effects[k] over the episodes present in the final thinking
 * (clamped to [0, 1]), else one of `wrongAnswers`. So episode k's true effect on P(correct) is
 * effects[k], whatever its position or length. Draws are seeded by (model seed, problem, j,
 * request options.seed): a runner that varies the seed per rollout gets sampling noise, the same
 * on every run. Forced-answer prompts (thinking already closed) and other problems return null
 * and go to the ScriptedModel.
 */
import { seededRandom } from '../support/prng';

export interface CounterfactualProblem {
  match: string;
  /** Thinking of each episode, joined by "\n\n" in the original trace. */
  episodes: string[];
  correctAnswer: string;
  wrongAnswers: string[];
  /** P(correct) with no effective episode in the thinking. */
  baseAccuracy: number;
  /** Episode index -> change of P(correct) when it is in the thinking. */
  effects: Record<number, number>;
  /** P(a resample writes episode k again verbatim); default 0 (always a different episode). */
  regenerate?: Record<number, number>;
}

/** The replacement for episode k: words no original episode uses, so its cosine to the original is ~0. */
export function replacementText(k: number, variant: number): string {
  return `Perhaps another route helps here, option ${k}${'abcdefgh'[variant % 8]}, so I keep going.`;
}

function leadingEpisodes(episodes: string[], thinking: string): number {
  let at = 0;
  let j = 0;
  for (const e of episodes) {
    const found = thinking.indexOf(e, at);
    if (found < 0) break;
    at = found + e.length;
    j++;
  }
  return j;
}

export class CounterfactualModel {
  private readonly counters = new Map<string, number>();

  constructor(
    readonly problems: CounterfactualProblem[],
    readonly seed: number,
  ) {}

  continueRaw(prompt: string, options: { seed?: number }): string | null {
    const problem = this.problems.find((p) => prompt.includes(p.match));
    const open = prompt.lastIndexOf('<think>');
    if (!problem || open < 0 || prompt.indexOf('</think>', open) >= 0) return null;
    const thinking = prompt.slice(open + '<think>'.length);
    const j = leadingEpisodes(problem.episodes, thinking);
    const key = `${problem.match}\u0000${j}`;
    const n = options.seed ?? this.counters.get(key) ?? 0;
    if (options.seed === undefined) this.counters.set(key, n + 1);
    const r = seededRandom(this.seed, problem.match, j, n);
    let p = problem.baseAccuracy;
    for (let k = 0; k < j; k++) p += problem.effects[k] ?? 0;
    const written: string[] = [];
    for (let k = j; k < problem.episodes.length; k++) {
      if (r() < (problem.regenerate?.[k] ?? 0)) {
        written.push(problem.episodes[k]);
        p += problem.effects[k] ?? 0;
      } else written.push(replacementText(k, Math.floor(r() * 8)));
    }
    const correct = r() < Math.min(1, Math.max(0, p));
    const answer = correct ? problem.correctAnswer : problem.wrongAnswers[Math.floor(r() * problem.wrongAnswers.length)];
    const lead = thinking === '' || thinking.endsWith('\n\n') ? '' : thinking.endsWith('\n') ? '\n' : '\n\n';
    return `${lead}${written.join('\n\n')}\n</think>\n\nSo the answer is \\boxed{${answer}}.`;
  }
}
