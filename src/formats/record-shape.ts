/**
 * What a record must have at its top to be read as a format, checked before it is converted
 * when the format was not detected from this record itself (the file's format, decided by its
 * first record, or `--input-format`). A record of another shape is then a field error naming
 * what is missing, never a converter's TypeError. Formats whose readers check every field they
 * use themselves (ours, generic, Thought Anchors) need no check here. Pure.
 */
import type { FieldError } from '../core/schema';
import { looksLikeHfChat, looksLikeOpenAIChat, looksLikeOpenWebUI } from './chat';
import { looksLikeChatChunk } from './chat-chunks';
import { isObject, kindOf, type JsonObject } from './fields';
import { looksLikeInspectSample } from './inspect';
import { looksLikeLightevalDetail } from './lighteval';
import { looksLikeLmEvalSample } from './lm-eval';
import { looksLikeOpenAIResponse } from './openai-responses';
import { looksLikeQwenMathEval } from './qwen-math-eval';
import type { RecordFormat } from './types';

interface Shape {
  fits: (value: unknown) => boolean;
  /** The fields the format needs, in the order the first missing one is named. */
  needs: string[];
  /** What the format is, for the message. */
  what: string;
}

const SHAPES: Partial<Record<RecordFormat, Shape>> = {
  'openai-chat': { fits: looksLikeOpenAIChat, needs: ['choices'], what: 'a list of choices, each with a message object (an OpenAI chat completion)' },
  'openai-chunks': { fits: looksLikeChatChunk, needs: ['choices'], what: 'a list of choices, each with a delta object (a streamed chat.completion.chunk)' },
  'openai-responses': { fits: looksLikeOpenAIResponse, needs: ['object', 'output'], what: 'object: "response" and a list of output items (a Responses API object)' },
  'hf-chat': { fits: looksLikeHfChat, needs: ['messages'], what: 'a list of {role, content} (or "conversations" of {from, value})' },
  'open-webui': { fits: looksLikeOpenWebUI, needs: ['chat'], what: 'an object with a list of messages (an Open WebUI chat)' },
  'inspect-sample': { fits: looksLikeInspectSample, needs: ['input', 'target', 'epoch', 'messages'], what: 'input, target, epoch and a list of messages (an Inspect sample)' },
  'lm-eval-sample': { fits: looksLikeLmEvalSample, needs: ['doc', 'resps', 'filtered_resps', 'doc_id'], what: 'doc, resps, filtered_resps and doc_id or target (an lm-eval --log_samples record)' },
  'lighteval-detail': { fits: looksLikeLightevalDetail, needs: ['doc', 'model_response'], what: 'doc and model_response objects (a lighteval detail row; before lighteval #709: full_prompt, predictions, gold)' },
  'qwen-math-eval': { fits: looksLikeQwenMathEval, needs: ['question', 'code'], what: 'question and a list of generations in code (a Qwen2.5-Math eval record)' },
};

/**
 * Null when `value` has the shape of `format` (or the format's reader checks its own fields);
 * else the error, naming the first needed field that is missing or wrong. `why` says where the
 * format came from ("the file's format, from line 1", "--input-format hf-chat").
 */
export function recordShapeError(format: RecordFormat, value: unknown, why: string): FieldError | null {
  const shape = SHAPES[format];
  if (!shape || shape.fits(value)) return null;
  if (!isObject(value)) return { field: '(record)', message: `must be a JSON object (${format}, ${why}), got ${kindOf(value)}` };
  const field = firstWrong(value, shape.needs);
  const got = kindOf(value[field.split('.')[0]]);
  return { field, message: `is required: ${shape.what}; got ${got === 'undefined' ? 'none' : got} (${format} is ${why})` };
}

/** The first needed field that is absent, else the first (its content is what is wrong). */
function firstWrong(obj: JsonObject, needs: string[]): string {
  return needs.find((f) => obj[f] === undefined || obj[f] === null) ?? needs[0];
}
