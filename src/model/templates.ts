/**
 * Raw prompt templates per model family, for `/api/generate` with `raw: true`.
 *
 * Two kinds of prompt:
 * - a thinking prefix: the chat template up to and including the opening of the assistant's
 *   thinking, followed by the thinking so far, so the model continues INSIDE its thinking
 *   (used for "Wait" extensions and for continuing after a budget decision);
 * - a forced-answer prompt: the same, then a forced stop sentence, the end-of-thinking marker
 *   and an answer prefix that ends inside `\boxed{`, so a probe only needs a few tokens.
 *
 * Sources (notes/algorithms.md §1.3, §5.5, §6):
 * - forced stop sentence: MRT `pass_at_k_given_prefix.py` ("Time is up. ..."), CMU-AIRe/MRT;
 *   Qwen3's own budget sentence from QwenLM/Qwen3 docs/thinking_budget.md;
 * - answer prefix ending in `\boxed{`: Dynasor-CoT probes (`... **Final Answer**\n\n\\[ \\boxed{`)
 *   and Thought Anchors (`</think>\n\nTherefore, the final answers is \\boxed{`);
 *   MRT's own prefix ("**Step-by-Step Explanation and Answer:**\n\n1. **") needs ~4096 tokens
 *   per probe, which is too slow for live probes on a local model.
 * - chat templates: DeepSeek-R1 README (force "<think>\n", no system prompt), QwQ/Qwen ChatML,
 *   openai/harmony docs/format.md for gpt-oss.
 *
 * Probes and closing braces: do NOT send `stop: ["}"]`: the answer may contain nested braces
 * (`\frac{1}{2}`) and would be cut at the first one. Send a small `num_predict` (see
 * FORCED_ANSWER_NUM_PREDICT) and read the completion with `readBoxedCompletion`, which stops at
 * the first UNBALANCED closing brace (Dynasor does the same).
 */
import type { ModelFamily } from './types';
import { readToUnbalancedBrace } from '../core/answers/extract';

export interface ForcedAnswerTemplate {
  /** Text appended inside the thinking to make the model stop (before the end marker). */
  forcedStopText: string;
  /** Text after the end-of-thinking marker; ends inside `\boxed{`. */
  answerPrefix: string;
}

/** Tokens a forced-answer probe needs for "answer}" plus a short tail (Dynasor uses 20). */
export const FORCED_ANSWER_NUM_PREDICT = 32;

/** MRT's stop template sentence (CMU-AIRe/MRT analysis/code/pass_at_k_given_prefix.py). */
export const MRT_FORCED_STOP =
  "Time is up.\n\nGiven the time I've spent and the approaches I've tried, I should stop thinking and formulate a final answer based on what I already have.";

/** Qwen3's thinking-budget sentence (QwenLM/Qwen3 docs/source/getting_started/thinking_budget.md). */
export const QWEN3_FORCED_STOP =
  'Considering the limited time by the user, I have to give the solution based on the thinking directly now.';

/** Dynasor-CoT style answer opening; ends inside \boxed{ so the answer is the next few tokens. */
export const BOXED_ANSWER_PREFIX = '**Final Answer**\n\n\\boxed{';

const R1_BOS = '<｜begin▁of▁sentence｜>';
const HARMONY_FINAL = '<|start|>assistant<|channel|>final<|message|>';
const HARMONY_ANALYSIS = '<|start|>assistant<|channel|>analysis<|message|>';

export function defaultForcedAnswer(family: ModelFamily): ForcedAnswerTemplate {
  switch (family) {
    case 'qwen3':
      return { forcedStopText: QWEN3_FORCED_STOP, answerPrefix: BOXED_ANSWER_PREFIX };
    case 'deepseek-r1':
    case 'qwq':
    case 'gpt-oss':
    case 'generic':
      return { forcedStopText: MRT_FORCED_STOP, answerPrefix: BOXED_ANSWER_PREFIX };
  }
}

/** The text that ends thinking: "</think>" or harmony's end of the analysis message. */
export function endOfThinkingMarker(family: ModelFamily): string {
  return family === 'gpt-oss' ? '<|end|>' : '</think>';
}

/** The text that opens thinking in our rendered prompts. */
export function startOfThinkingMarker(family: ModelFamily): string {
  return family === 'gpt-oss' ? '<|channel|>analysis<|message|>' : '<think>';
}

/**
 * Prompt that continues INSIDE the thinking. `thinking` is inserted verbatim (no trimming), so
 * the caller decides the exact continuation point (e.g. append "\n\nWait").
 */
export function renderThinkingPrefix(
  family: ModelFamily,
  problem: string,
  thinking: string,
  opts: { system?: string } = {},
): string {
  const system = opts.system?.trim() ? opts.system : undefined;
  switch (family) {
    case 'deepseek-r1':
      // R1's template puts any system text right after BOS; the README advises none.
      return `${R1_BOS}${system ?? ''}<｜User｜>${problem}<｜Assistant｜><think>\n${thinking}`;
    case 'qwq':
    case 'qwen3': {
      const sys = system ? `<|im_start|>system\n${system}<|im_end|>\n` : '';
      return `${sys}<|im_start|>user\n${problem}<|im_end|>\n<|im_start|>assistant\n<think>\n${thinking}`;
    }
    case 'gpt-oss': {
      // Harmony needs a system message naming the channels; instructions go in a developer message.
      const head =
        '<|start|>system<|message|>Reasoning: medium\n\n# Valid channels: analysis, final. Channel must be included for every message.<|end|>';
      const dev = system ? `<|start|>developer<|message|># Instructions\n\n${system}<|end|>` : '';
      return `${head}${dev}<|start|>user<|message|>${problem}<|end|>${HARMONY_ANALYSIS}${thinking}`;
    }
    case 'generic': {
      const sys = system ? `${system}\n\n` : '';
      return `${sys}Problem: ${problem}\n\n<think>\n${thinking}`;
    }
  }
}

/**
 * Prompt that ends the thinking after `thinkingPrefix` and opens the answer inside `\boxed{`.
 * The thinking prefix is separated from the stop sentence by a blank line (MRT joins episodes
 * with "\n\n" and appends "\n\n" before its stop template); an empty prefix gets none.
 */
export function renderForcedAnswerPrompt(
  family: ModelFamily,
  problem: string,
  thinkingPrefix: string,
  t: Partial<ForcedAnswerTemplate> = {},
  opts: { system?: string } = {},
): string {
  const template = { ...defaultForcedAnswer(family), ...t };
  const body = thinkingPrefix.replace(/\s+$/, '');
  const stop = template.forcedStopText;
  const thinking = body === '' ? stop : stop === '' ? body : `${body}\n\n${stop}`;
  const prefix = renderThinkingPrefix(family, problem, thinking, opts);
  if (family === 'gpt-oss') return `${prefix}<|end|>${HARMONY_FINAL}${template.answerPrefix}`;
  return `${prefix}\n</think>\n\n${template.answerPrefix}`;
}

/** True when a rendered prompt stops inside an open thinking block (continuation = thinking). */
export function promptEndsInsideThinking(prompt: string): boolean {
  const openThink = prompt.lastIndexOf('<think>');
  if (openThink >= 0 && openThink > prompt.lastIndexOf('</think>')) return true;
  const openAnalysis = prompt.lastIndexOf('<|channel|>analysis<|message|>');
  return openAnalysis >= 0 && openAnalysis > prompt.lastIndexOf('<|end|>');
}

/**
 * Read a completion that starts inside `\boxed{`: the text up to the first closing brace that
 * is not balanced by an opening one. Returns null when the braces never close (the probe ran out
 * of tokens) or the answer is empty.
 */
export function readBoxedCompletion(completion: string): string | null {
  return readToUnbalancedBrace(completion).answer;
}
