/**
 * Named probe recipes: what text a progress probe puts in the assistant turn, how it samples and
 * how its answer is read. Pure; the family chat templates (src/model/templates.ts) wrap the
 * assistant-turn text, and the probe runner sends it (docs/fidelity.md).
 *
 * - `mrt`: MRT's meta-prover probe, byte for byte as CMU-AIRe/MRT
 *   `analysis/code/pass_at_k_given_prefix.py` builds it (commit 1815a8c): mu is MRT's J_r
 *   ("pass@1 given prefix").
 * - `quick`: the immediate-answer probe the live runs used before (src/runs/probes.ts via
 *   renderForcedAnswerPrompt): a different quantity, "answer-now accuracy", at a fraction of
 *   the tokens (32 per sample instead of up to 4,096).
 */
import { readToUnbalancedBrace } from './answers/extract';

export type ProbeRecipeName = 'mrt' | 'quick';

export const PROBE_RECIPE_NAMES: readonly ProbeRecipeName[] = ['mrt', 'quick'];

export interface ProbeSampling {
  /** Samples per prefix. */
  k: number;
  temperature: number;
  /** Nucleus sampling; undefined leaves the server's default. */
  topP?: number;
  /** Generated tokens per sample (Ollama `num_predict`, vLLM `max_tokens`). */
  maxTokens: number;
}

export interface ProbeRecipe {
  name: ProbeRecipeName;
  /** What mu means under this recipe (shown next to every number it produces). */
  quantity: string;
  sampling: ProbeSampling;
}

/**
 * MRT's stop text (pass_at_k_given_prefix.py lines 27-34, `apply_stop_template`), split where the
 * family template may differ: the sentence that stays inside the thinking, then `\n</think>`,
 * then the answer header the model continues from.
 */
export const MRT_STOP_SENTENCE =
  "Time is up.\n\nGiven the time I've spent and the approaches I've tried, I should stop thinking and formulate a final answer based on what I already have.";
export const MRT_ANSWER_HEADER = '\n\n**Step-by-Step Explanation and Answer:**\n\n1. **';

/** pass_at_k_given_prefix.py line 76: episodes joined with a blank line. */
export const MRT_EPISODE_JOIN = '\n\n';

/**
 * The quick probe's texts: equal to src/model/templates.ts MRT_FORCED_STOP, QWEN3_FORCED_STOP and
 * BOXED_ANSWER_PREFIX (core may not import the model layer; test/core/probe-recipes.test.ts
 * checks they stay equal).
 */
export const QUICK_STOP_SENTENCE = MRT_STOP_SENTENCE;
export const QUICK_QWEN3_STOP_SENTENCE =
  'Considering the limited time by the user, I have to give the solution based on the thinking directly now.';
export const QUICK_ANSWER_HEADER = '\n\n**Final Answer**\n\n\\boxed{';

export const PROBE_RECIPES: Readonly<Record<ProbeRecipeName, ProbeRecipe>> = {
  mrt: {
    name: 'mrt',
    quantity: "MRT pass@1 given prefix (share of K post-termination solutions judged correct; MRT's J_r)",
    sampling: {
      // -K 8 in both analysis/scripts/regret/pass_at_k_given_prefix.sh (line 29) and scripts/r1.
      k: 8,
      // 0.6 in analysis/scripts/regret/pass_at_k_given_prefix.sh line 31 (the regret runs);
      // the script's own default is 0.7 (pass_at_k_given_prefix.py line 47), as is scripts/r1's.
      temperature: 0.6,
      // 0.95: regret script line 32 and the .py default (line 48); scripts/r1 passes --top_p 1.
      topP: 0.95,
      // 4096: regret script line 33 and the .py default (line 49).
      maxTokens: 4096,
    },
  },
  quick: {
    name: 'quick',
    quantity: 'answer-now accuracy (share of immediate boxed answers forced right after the prefix that are correct)',
    // src/runs/probes.ts DEFAULT_PROBE_SETTINGS: 8 samples, temperature 0.6, num_predict 32
    // (FORCED_ANSWER_NUM_PREDICT), no top_p sent.
    sampling: { k: 8, temperature: 0.6, maxTokens: 32 },
  },
};

export function probeRecipe(name: ProbeRecipeName): ProbeRecipe {
  const recipe = (PROBE_RECIPES as Record<string, ProbeRecipe | undefined>)[name];
  if (!recipe) throw new RangeError(`probe recipe must be one of ${PROBE_RECIPE_NAMES.map((n) => JSON.stringify(n)).join(', ')}, got ${JSON.stringify(name)}`);
  return recipe;
}

/** What a probe's prefix is: no thinking, some episodes, or the whole thinking. */
export type ProbePrefixKind = 'empty' | 'partial' | 'full';

/**
 * The assistant turn of one probe, in the parts a family template needs: `thinking` stays inside
 * the thinking block; then the end-of-thinking marker (preceded by "\n"); then `answerLead`, the
 * text the model continues from. For think-tag families the bytes are `assistantTurnText(turn)`.
 */
export interface ProbeTurn {
  recipe: ProbeRecipeName;
  prefixIndex: number;
  kind: ProbePrefixKind;
  thinking: string;
  answerLead: string;
  sampling: ProbeSampling;
}

/** Which stop sentence the quick probe uses: Qwen3's own for qwen3, MRT's for every other family. */
export type QuickStopVariant = 'mrt' | 'qwen3';

export interface ProbeSubject {
  /** The full thinking text (the quick probe cuts its prefix from it). */
  thinking: string;
  /** The episodes in order: `text` as the segmenter gives it (its trailing separator included), `end` its offset in `thinking`. */
  episodes: readonly { text: string; end: number }[];
}

/**
 * MRT's episode text from ours: break_into_meta_steps.ipynb emits
 * `"\n\n".join(steps[prev_i:i]).rstrip('\n')`, ours keeps the trailing separator
 * (docs/segmentation.md, Conventions).
 */
export function mrtEpisodeText(text: string): string {
  return text.replace(/\n+$/, '');
}

/**
 * The probe for prefix `prefixIndex` (0 = no thinking, j = the first j episodes, episodes.length =
 * the whole thinking). For `mrt` this is pass_at_k_given_prefix.py lines 74-77:
 *   prefix 0       -> apply_stop_template(problem, "")
 *   prefix 1..L-1  -> apply_stop_template(problem, "\n\n".join(episodes[:j]) + "\n\n")
 *   prefix L       -> apply_template(problem, "\n\n".join(episodes))   (appends "\n</think>")
 * With a single episode there is no partial prefix. With none, prefix 0 is the only probe (kind
 * 'empty'; the script asserts L + 1 outputs there and would fail, line 92).
 */
export function probeTurn(
  recipeName: ProbeRecipeName,
  subject: ProbeSubject,
  prefixIndex: number,
  opts: { quickStop?: QuickStopVariant } = {},
): ProbeTurn {
  const recipe = probeRecipe(recipeName);
  const count = subject.episodes.length;
  if (!Number.isInteger(prefixIndex) || prefixIndex < 0 || prefixIndex > count) {
    throw new RangeError(`probe prefix index must be an integer in [0, ${count}], got ${prefixIndex}`);
  }
  const kind: ProbePrefixKind = prefixIndex === 0 ? 'empty' : prefixIndex === count ? 'full' : 'partial';
  const base = { recipe: recipe.name, prefixIndex, kind, sampling: { ...recipe.sampling } };
  if (recipe.name === 'mrt') {
    const joined = subject.episodes.slice(0, prefixIndex).map((e) => mrtEpisodeText(e.text)).join(MRT_EPISODE_JOIN);
    if (kind === 'full') return { ...base, thinking: joined, answerLead: '' };
    const thinking = kind === 'empty' ? MRT_STOP_SENTENCE : `${joined}${MRT_EPISODE_JOIN}${MRT_STOP_SENTENCE}`;
    return { ...base, thinking, answerLead: MRT_ANSWER_HEADER };
  }
  // quick: renderForcedAnswerPrompt's rule: prefix with trailing whitespace removed, a blank
  // line, the stop sentence; every prefix (the whole thinking too) gets the stop sentence.
  const stop = opts.quickStop === 'qwen3' ? QUICK_QWEN3_STOP_SENTENCE : QUICK_STOP_SENTENCE;
  const end = prefixIndex === 0 ? 0 : subject.episodes[prefixIndex - 1].end;
  const body = subject.thinking.slice(0, end).replace(/\s+$/, '');
  const thinking = body === '' ? stop : `${body}\n\n${stop}`;
  return { ...base, thinking, answerLead: QUICK_ANSWER_HEADER };
}

/** The probes of every prefix, 0 through the whole thinking (the script's L + 1 prompts). */
export function probeTurns(recipeName: ProbeRecipeName, subject: ProbeSubject, opts: { quickStop?: QuickStopVariant } = {}): ProbeTurn[] {
  return Array.from({ length: subject.episodes.length + 1 }, (_, j) => probeTurn(recipeName, subject, j, opts));
}

/**
 * The assistant-turn bytes for a think-tag family (what follows the template's assistant opener,
 * e.g. `<｜Assistant｜>` or `<|im_start|>assistant\n<think>\n`): thinking, "\n</think>", answer lead.
 */
export function assistantTurnText(turn: Pick<ProbeTurn, 'thinking' | 'answerLead'>, endOfThinking = '</think>'): string {
  return `${turn.thinking}\n${endOfThinking}${turn.answerLead}`;
}

/**
 * The text a probe is judged on. `mrt`: the probe prompt plus the completion, as regret.ipynb
 * cell 7 does (`solution_eq_ans(prefix.prompt + rollout.text, answer)`), so a box already in the
 * prompt (the prefix, or even the problem) counts when the completion has none. `quick`: the
 * completion, which starts inside `\boxed{`.
 */
export function probeScoringText(recipeName: ProbeRecipeName, prompt: string, completion: string): string {
  return probeRecipe(recipeName).name === 'mrt' ? prompt + completion : completion;
}

/**
 * MRT's answer extraction, grader.py lines 153-159 (`extract_boxed_answer`): the last match of
 * `boxed\{((?:[^{}]|(?:{[^}]*}))*)\}`, i.e. one level of nested braces. Deeper nesting is read as
 * MRT reads it (`\boxed{\frac{1}{\sqrt{2}}}` gives `\frac{1}{\sqrt{2}`), on purpose.
 */
export function mrtBoxedAnswer(text: string): string | null {
  let last: string | null = null;
  for (const m of text.matchAll(/boxed\{((?:[^{}]|(?:\{[^}]*\}))*)\}/g)) last = m[1];
  return last;
}

/**
 * The answer a probe gave, or null (counted as `noAnswer`). `mrt`: MRT's last box of prompt +
 * completion. `quick`: the completion up to its first unbalanced `}` (the Dynasor reading the
 * live probes use, src/model/templates.ts readBoxedCompletion).
 */
export function probeAnswer(recipeName: ProbeRecipeName, prompt: string, completion: string): string | null {
  const text = probeScoringText(recipeName, prompt, completion);
  return recipeName === 'mrt' ? mrtBoxedAnswer(text) : readToUnbalancedBrace(text).answer;
}
