/**
 * Hugging Face chat rows (TRL's conversational format, the `messages` column of SFT sets): one
 * row per trace, a user turn (the problem) and an assistant turn (the answer) carrying the
 * thinking in both `reasoning_content` (DeepSeek API, LM Studio, llama.cpp, Qwen3's chat
 * template) and `reasoning` (vLLM since RFC #27755, Ollama's OpenAI endpoint), so a pipeline
 * that reads either name finds it. `thinkInContent` writes `<think>…</think>` into the
 * assistant content instead, for templates that expect the tags there.
 * Read back by src/formats/chat.ts (fromHfChat). Pure.
 */
import { THINK_CLOSE, THINK_OPEN, splitThinking } from '../../core/thinking';
import type { Trace } from '../../core/trace';
import { answerMarkupProblem, type UnwritableTrace } from './common';

export interface HfChatMessage {
  role: 'user' | 'assistant';
  content: string;
  reasoning_content?: string;
  reasoning?: string;
}

export interface HfChatRow {
  id: string;
  messages: HfChatMessage[];
  /** The reference answer, when the trace has one (fromHfChat reads `gold`). */
  gold?: string;
  model?: string;
}

export interface HfChatOptions {
  /** Put the thinking into the assistant content as `<think>thinking</think>\n\nresponse`, with no reasoning fields. */
  thinkInContent?: boolean;
}

/**
 * The row for a trace. With `thinkInContent`, a trace whose text the tags cannot carry (its
 * thinking holds `</think>`, the text holds Sky-T1 or harmony tokens that a reader splits on
 * first, or its answer has surrounding whitespace, which the split trims) is refused: the check
 * is the reader's own split of the written content. So is an answer holding reasoning markup,
 * in either mode (answerMarkupProblem).
 */
export function toHfChatRow(t: Trace, opts: HfChatOptions = {}): HfChatRow | UnwritableTrace {
  const problem = answerMarkupProblem(t);
  if (problem) return problem;
  const assistant: HfChatMessage = { role: 'assistant', content: t.response };
  if (opts.thinkInContent) {
    // A cut-off trace has no closing tag: readers take that as thinking that never ended.
    const content = t.truncated ? `${THINK_OPEN}${t.thinking}` : `${THINK_OPEN}${t.thinking}${THINK_CLOSE}\n\n${t.response}`;
    const back = splitThinking(content);
    if (back.thinking !== t.thinking || back.truncated !== t.truncated) {
      return { id: t.id, reason: 'its text holds thinking markup (</think>, Sky-T1 or harmony tokens) that <think> tags in the content cannot carry exactly; export without --think-in-content' };
    }
    if (back.response !== t.response) {
      // Readers of tagged text trim what follows the closing tag; a cut-off trace has no room for an answer.
      const why = t.truncated ? 'it is cut off (an unclosed <think>) yet has an answer' : 'its answer starts or ends with whitespace, which readers of <think> tags in the content trim';
      return { id: t.id, reason: `${why}, so it would not read back as written; export without --think-in-content` };
    }
    assistant.content = content;
  } else {
    assistant.reasoning_content = t.thinking;
    assistant.reasoning = t.thinking;
  }
  const row: HfChatRow = { id: t.id, messages: [{ role: 'user', content: t.problem }, assistant] };
  if (t.gold !== null && t.gold !== undefined) row.gold = t.gold;
  if (t.model) row.model = t.model;
  return row;
}
