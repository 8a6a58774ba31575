/**
 * OpenAI chat completion objects (API reference, "The chat completion object": id, object,
 * created, model, choices[].message, finish_reason), one per trace, as JSONL. The assistant
 * message carries the thinking in both `reasoning_content` and `reasoning` (the two names
 * OpenAI-compatible servers use, see src/formats/chat.ts REASONING_FIELDS). The request's
 * `messages` (the problem as the user turn) are kept beside the response, as logging proxies
 * do; the gold answer goes to `metadata.gold` (the object's string-valued metadata map).
 * Read back by src/formats/chat.ts (fromOpenAIChat). Pure.
 */
import type { Trace } from '../../core/trace';
import { answerMarkupProblem, type UnwritableTrace } from './common';

export interface OpenAIChatCompletion {
  id: string;
  object: 'chat.completion';
  /** Unix seconds. */
  created: number;
  model: string;
  choices: {
    index: number;
    message: { role: 'assistant'; content: string; reasoning_content: string; reasoning: string };
    /** `length` when the trace was cut off, else `stop`. */
    finish_reason: 'stop' | 'length';
  }[];
  messages: { role: 'user'; content: string }[];
  metadata?: { gold: string };
}

export interface OpenAIChatOptions {
  /** Unix seconds for traces without `source.createdAt` (a writer is pure: the caller reads the clock). */
  created: number;
}

export function toOpenAIChatCompletion(t: Trace, opts: OpenAIChatOptions): OpenAIChatCompletion | UnwritableTrace {
  const problem = answerMarkupProblem(t);
  if (problem) return problem;
  const recorded = t.source.createdAt ? Date.parse(t.source.createdAt) : Number.NaN;
  const completion: OpenAIChatCompletion = {
    id: t.id,
    object: 'chat.completion',
    created: Number.isFinite(recorded) ? Math.floor(recorded / 1000) : opts.created,
    model: t.model ?? '',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: t.response, reasoning_content: t.thinking, reasoning: t.thinking },
        finish_reason: t.truncated ? 'length' : 'stop',
      },
    ],
    messages: [{ role: 'user', content: t.problem }],
  };
  if (t.gold !== null && t.gold !== undefined) completion.metadata = { gold: t.gold };
  return completion;
}
