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
  /** What the format needs, in the order the first unmet need is named (a dotted path and its test). */
  needs: [string, (v: unknown) => boolean][];
  /** What the format is, for the message. */
  what: string;
}

const present = (v: unknown): boolean => v !== undefined && v !== null;
const list = (v: unknown): boolean => Array.isArray(v);
const nonEmptyList = (v: unknown): boolean => Array.isArray(v) && v.length > 0;

const SHAPES: Partial<Record<RecordFormat, Shape>> = {
  'openai-chat': { fits: looksLikeOpenAIChat, needs: [['choices', nonEmptyList], ['choices.0.message', isObject]], what: 'a list of choices, each with a message object (an OpenAI chat completion)' },
  'openai-chunks': { fits: looksLikeChatChunk, needs: [['choices', nonEmptyList], ['choices.0.delta', isObject]], what: 'a list of choices, each with a delta object (a streamed chat.completion.chunk)' },
  'openai-responses': { fits: looksLikeOpenAIResponse, needs: [['object', (v) => v === 'response'], ['output', list]], what: '"response", beside a list of output items (a Responses API object)' },
  'hf-chat': { fits: looksLikeHfChat, needs: [['messages', nonEmptyList]], what: 'a list of {role, content} (or "conversations" of {from, value})' },
  'open-webui': { fits: looksLikeOpenWebUI, needs: [['chat', isObject], ['chat.messages', list]], what: 'an object with a list of messages (an Open WebUI chat)' },
  'inspect-sample': { fits: looksLikeInspectSample, needs: [['input', present], ['target', present], ['epoch', present], ['messages', list]], what: 'input, target, epoch and a list of messages (an Inspect sample)' },
  'lm-eval-sample': { fits: looksLikeLmEvalSample, needs: [['doc', isObject], ['resps', list], ['filtered_resps', present], ['doc_id', present]], what: 'doc, resps, filtered_resps and doc_id or target (an lm-eval --log_samples record)' },
  'lighteval-detail': { fits: looksLikeLightevalDetail, needs: [['doc', isObject], ['model_response', isObject]], what: 'doc and model_response objects (a lighteval detail row; before lighteval #709: full_prompt, predictions, gold)' },
  'qwen-math-eval': { fits: looksLikeQwenMathEval, needs: [['question', (v) => typeof v === 'string'], ['code', list]], what: 'question and a list of generations in code (a Qwen2.5-Math eval record)' },
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
  const v = at(value, field);
  if (v === undefined || v === null) return { field, message: `is required: ${shape.what}; got none (${format} is ${why})` };
  return { field, message: `is ${describe(v)}, not what ${format} needs: ${shape.what} (${format} is ${why})` };
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return v.length === 0 ? 'an empty list' : `a list of ${kindOf(v[0])}`;
  const kind = kindOf(v);
  return `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;
}

/** The value at a dotted path (`chat.messages`, `choices.0.message`). */
function at(value: unknown, path: string): unknown {
  let v: unknown = value;
  for (const key of path.split('.')) v = Array.isArray(v) ? v[Number(key)] : isObject(v) ? v[key] : undefined;
  return v;
}

/** The first unmet need; all met (the format's own test is finer), the first. */
function firstWrong(obj: JsonObject, needs: Shape['needs']): string {
  return (needs.find(([path, ok]) => !ok(at(obj, path))) ?? needs[0])[0];
}
