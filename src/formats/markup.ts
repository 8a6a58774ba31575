/** Reasoning markup: R1/QwQ `<think>` (and its aliases), Sky-T1's thought tags, gpt-oss harmony channels. */
const REASONING_MARKUP = /<\/?(think|thinking|reasoning|reason|thought)>|<\|begin_of_thought\|>|<\|channel\|>analysis/;

/** Whether a value is text with reasoning markup in it (then it is a model's output). */
export function holdsReasoningMarkup(value: unknown): boolean {
  return typeof value === 'string' && REASONING_MARKUP.test(value);
}
