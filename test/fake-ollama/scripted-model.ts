/**
 * A SCRIPTED REASONING MODEL behind the fake Ollama server, for tests of progress estimation,
 * budget policies and extensions. It is deterministic and knows a list of problems:
 *
 * - Chat / non-raw generate: when a prompt (or any message) contains `problem.match`, the model
 *   thinks `episodes.join("\n\n")` and answers `problem.response`. With thinking off, it
 *   answers only. Unknown prompts get a short generic thought and answer.
 *
 * - Raw generate: the prompt is split at the model family's thinking markers
 *   (`<think>`/`</think>`, or harmony `<|channel|>analysis<|message|>`/`<|end|>`).
 *   j = how many of the problem's episodes appear (whole, in order) in the thinking prefix.
 *   * Forced answer (the prompt closed the thinking): the answer is correct with probability
 *     `accuracy[j]`, else one of `wrongAnswers`. Two ways to draw (AnswerDraw):
 *     - { seed } (sampling): u is a seeded pseudo-random draw for (seed, problem, j, n), so
 *       the k probes of a prefix are k Bernoulli(accuracy[j]) samples with real sampling
 *       noise, the same on every run. A request repeating an earlier request's options.seed at
 *       the same prefix gets the same answer, as a real server does, so a runner that forgot
 *       to vary the seed sees no noise at all. Estimator tests use this (binomial bounds).
 *     - 'quasi' (the default): the draw is quasi-random:
 *     u = vanDerCorput(n), correct iff u < accuracy[j], where n counts earlier forced answers
 *     for (problem, j). The base-2 van der Corput sequence (0, 1/2, 1/4, 3/4, 1/8, ...) fills
 *     [0,1) evenly, so the first K probes at one prefix give ceil(K·accuracy[j]) correct
 *     answers exactly when K is a power of two, and within ±1 otherwise. options.seed does not
 *     enter the draw: probe runners that vary the seed per probe and runners that keep it fixed
 *     both get the intended proportion (the counter stands in for sampling noise; call
 *     resetCounters() to start over).
 *     With options.temperature 0 the answer is greedy: correct iff accuracy[j] ≥ 0.5.
 *     Completion: `${answer}}` + a short tail when the prompt ends with "\boxed{", else
 *     ` \boxed{${answer}}` + tail. The tail has hedging words ("Hmm, wait, but ...") when
 *     `hedge[j]` is true, so Dynasor-style stability checks can be exercised.
 *   * A prompt inside the thinking that ends with "\boxed{" (Dynasor-CoT's probe) is a forced
 *     answer after the whole episodes it contains, drawn as above.
 *   * Continuation inside thinking (no end marker after the opening one): the model goes on
 *     with the rest of episode j (if the prompt ends in a prefix of it, e.g. "Wait"), then the
 *     remaining episodes, closes the thinking and answers `response`. When every episode is
 *     already in the prompt (an extension after the last one) it adds one short re-check
 *     episode that confirms `correctAnswer`.
 *   Prompts matching no problem get a fixed short text.
 */

import { seededRandom } from '../support/prng';
import { readerReply } from './answer-reader';

export interface ScriptedProblem {
  /** Substring that identifies the problem in a prompt or in the messages. */
  match: string;
  /** Thinking text of each episode, in order (each after the first starts with a marker like "Wait, ..."). */
  episodes: string[];
  /** Answer text after thinking, e.g. "The answer is \\boxed{42}." */
  response: string;
  correctAnswer: string;
  /** Answers given by wrong forced answers. */
  wrongAnswers: string[];
  /** P(correct forced answer) after j episodes, j = 0..episodes.length (index 0 = empty thinking). */
  accuracy: number[];
  /** Forced answers after j episodes contain hedging words. */
  hedge?: boolean[];
}

export type FakeFamily = 'deepseek-r1' | 'qwq' | 'qwen3' | 'gpt-oss' | 'generic';

export interface FakeModelDetails {
  parent_model?: string;
  format?: string;
  family?: string;
  families?: string[];
  parameter_size?: string;
  quantization_level?: string;
}

export interface FakeModelConfig {
  name: string;
  family: FakeFamily;
  /** As /api/show reports them: "completion", "thinking", "tools", ... */
  capabilities: string[];
  /** How thinking reaches the client: a separate field, inline <think> tags, or not at all. */
  thinking: 'field' | 'inline' | 'none';
  template?: string;
  details?: FakeModelDetails;
}

/** A piece of model output before tokenisation. */
export interface ScriptedOutput {
  thinking: string;
  content: string;
}

const UNKNOWN_PROMPT_REPLY = 'I have no script for this prompt.';

/** How forced answers are drawn: quasi-random proportions, or seeded Bernoulli sampling. */
export type AnswerDraw = 'quasi' | { seed: number };

export class ScriptedModel {
  private readonly counters = new Map<string, number>();
  /** Sampling mode: the draw index n an earlier request with the same (prefix, options.seed) got. */
  private readonly drawOfSeed = new Map<string, number>();

  constructor(
    readonly problems: ScriptedProblem[],
    readonly draw: AnswerDraw = 'quasi',
  ) {
    for (const p of problems) {
      if (p.accuracy.length !== p.episodes.length + 1) {
        throw new Error(`scripted problem "${p.match}": accuracy needs ${p.episodes.length + 1} entries (j = 0..${p.episodes.length})`);
      }
    }
  }

  findProblem(text: string): ScriptedProblem | undefined {
    return this.problems.find((p) => text.includes(p.match));
  }

  /** Forget the per-prefix counters (start a fresh "sampling session"). */
  resetCounters(): void {
    this.counters.clear();
    this.drawOfSeed.clear();
  }

  /** Chat or templated generate: full thinking, then the response. */
  answer(prompt: string, think: boolean): ScriptedOutput {
    const read = readerReply(prompt);
    if (read !== null) return { thinking: '', content: read };
    const problem = this.findProblem(prompt);
    if (!problem) {
      const topic = prompt.replace(/\s+/g, ' ').trim().slice(0, 60);
      return {
        thinking: think ? `The user wrote: "${topic}". There is no scripted problem here, so I will say so.` : '',
        content: UNKNOWN_PROMPT_REPLY,
      };
    }
    return { thinking: think ? problem.episodes.join('\n\n') : '', content: problem.response };
  }

  /** Raw generate: the text that follows `prompt` verbatim (markers included). */
  continueRaw(family: FakeFamily, prompt: string, options: { seed?: number; temperature?: number } = {}): string {
    const problem = this.findProblem(prompt);
    const open = family === 'gpt-oss' ? '<|channel|>analysis<|message|>' : '<think>';
    const close = family === 'gpt-oss' ? '<|end|>' : '</think>';
    const openAt = prompt.lastIndexOf(open);
    if (!problem) return openAt >= 0 ? ` ${UNKNOWN_PROMPT_REPLY}` : UNKNOWN_PROMPT_REPLY;
    if (openAt < 0) return problem.response;
    const afterOpen = prompt.slice(openAt + open.length);
    const closeAt = afterOpen.indexOf(close);
    if (closeAt >= 0) {
      const j = countEpisodes(problem, afterOpen.slice(0, closeAt)).count;
      return this.forcedAnswer(problem, j, prompt, options);
    }
    // A probe inside the thinking that opens the answer box (Dynasor-CoT's probe) is answered too.
    if (prompt.endsWith('\\boxed{')) return this.forcedAnswer(problem, countEpisodes(problem, afterOpen).count, prompt, options);
    return continueThinking(problem, afterOpen, family);
  }

  private forcedAnswer(
    problem: ScriptedProblem,
    j: number,
    prompt: string,
    options: { seed?: number; temperature?: number },
  ): string {
    const key = `${problem.match}\u0000${j}`;
    const draw = this.draw;
    const seedKey = draw !== 'quasi' && options.seed !== undefined ? `${key}\u0000${options.seed}` : undefined;
    let n = seedKey !== undefined ? this.drawOfSeed.get(seedKey) : undefined;
    if (n === undefined) {
      n = this.counters.get(key) ?? 0;
      this.counters.set(key, n + 1);
      if (seedKey !== undefined) this.drawOfSeed.set(seedKey, n);
    }
    const p = problem.accuracy[j];
    let correct: boolean;
    let wrongIndex = n;
    if (options.temperature === 0) correct = p >= 0.5;
    else if (draw === 'quasi') correct = vanDerCorput(n) < p;
    else {
      const r = seededRandom(draw.seed, problem.match, j, n);
      correct = r() < p;
      wrongIndex = Math.floor(r() * 1e6);
    }
    const wrong = problem.wrongAnswers.length > 0 ? problem.wrongAnswers[wrongIndex % problem.wrongAnswers.length] : `not ${problem.correctAnswer}`;
    const answer = correct ? problem.correctAnswer : wrong;
    const tail = problem.hedge?.[j]
      ? '\n\nHmm, wait, but maybe I should double-check that.'
      : '\n\nThis is my final answer.';
    return prompt.endsWith('\\boxed{') ? `${answer}}${tail}` : ` \\boxed{${answer}}${tail}`;
  }
}

/** How many episodes (whole, in order) the thinking contains, and where the last one ends. */
export function countEpisodes(problem: ScriptedProblem, thinking: string): { count: number; end: number } {
  let end = 0;
  let count = 0;
  for (const episode of problem.episodes) {
    const at = thinking.indexOf(episode.trim(), end);
    if (at < 0) break;
    end = at + episode.trim().length;
    count++;
  }
  return { count, end };
}

function continueThinking(problem: ScriptedProblem, thinking: string, family: FakeFamily): string {
  const { count: j, end } = countEpisodes(problem, thinking);
  const partial = thinking.slice(end).replace(/^\s+/, '');
  const rest = problem.episodes.slice(j);
  let text: string;
  if (rest.length === 0) {
    const recheck = `let me double-check the result once more. Everything is consistent, so the answer is ${problem.correctAnswer}.`;
    text = partial === '' ? `${separator(thinking)}Wait, ${recheck}` : `, ${recheck}`;
  } else if (partial !== '' && rest[0].startsWith(partial)) {
    text = [rest[0].slice(partial.length), ...rest.slice(1)].join('\n\n');
  } else if (partial !== '') {
    text = `, let me reconsider.\n\n${rest.join('\n\n')}`;
  } else {
    text = separator(thinking) + rest.join('\n\n');
  }
  const closing = family === 'gpt-oss' ? '<|end|><|start|>assistant<|channel|>final<|message|>' : '\n</think>\n\n';
  return `${text}${closing}${problem.response}`;
}

function separator(thinking: string): string {
  if (thinking === '' || thinking.endsWith('\n\n')) return '';
  return thinking.endsWith('\n') ? '\n' : '\n\n';
}

/** n-th element of the base-2 van der Corput sequence: the bits of n mirrored after the point. */
export function vanDerCorput(n: number): number {
  let u = 0;
  let scale = 0.5;
  for (let k = n; k > 0; k = Math.floor(k / 2)) {
    if (k % 2 === 1) u += scale;
    scale /= 2;
  }
  return u;
}
