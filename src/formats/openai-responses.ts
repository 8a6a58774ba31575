/**
 * OpenAI Responses API objects (API reference, "The response object": `object: "response"`,
 * `output[]` items). The thinking is in `reasoning` items: their `content` parts of type
 * `reasoning_text` (full reasoning, as vLLM and gpt-oss servers return it) or else their
 * `summary` parts (`summary_text`, what OpenAI's hosted models return); the answer is the
 * `output_text` parts of `message` items. When both content and summary are present the content
 * is the thinking and the summary is kept in `source.extra.otherReasoning.summary`.
 */
import type { TraceInput } from '../core/annotate';
import { isObject, kindOf, remainingFields, requireObject, type JsonObject } from './fields';
import { RecordError, type ImportedRecord, type RecordLocation } from './types';

export function looksLikeOpenAIResponse(value: unknown): boolean {
  return isObject(value) && value.object === 'response' && Array.isArray(value.output);
}

function partTexts(parts: unknown, field: string, types: string[]): string[] {
  if (parts === undefined || parts === null) return [];
  if (!Array.isArray(parts)) throw new RecordError({ field, message: `must be an array of parts, got ${kindOf(parts)}` });
  const out: string[] = [];
  parts.forEach((p, i) => {
    if (!isObject(p)) throw new RecordError({ field: `${field}[${i}]`, message: `must be an object, got ${kindOf(p)}` });
    if (!types.includes(String(p.type))) return;
    if (typeof p.text !== 'string') throw new RecordError({ field: `${field}[${i}].text`, message: `must be a string, got ${kindOf(p.text)}` });
    out.push(p.text);
  });
  return out;
}

export function fromOpenAIResponse(value: unknown, loc: RecordLocation): ImportedRecord[] {
  const obj = requireObject(value);
  const content: string[] = [];
  const summary: string[] = [];
  const answer: string[] = [];
  (obj.output as unknown[]).forEach((item, i) => {
    if (!isObject(item)) throw new RecordError({ field: `output[${i}]`, message: `must be an object, got ${kindOf(item)}` });
    if (item.type === 'reasoning') {
      content.push(...partTexts(item.content, `output[${i}].content`, ['reasoning_text']));
      summary.push(...partTexts(item.summary, `output[${i}].summary`, ['summary_text']));
    } else if (item.type === 'message') {
      answer.push(...partTexts(item.content, `output[${i}].content`, ['output_text']));
    }
  });
  const extra: JsonObject = remainingFields(obj, ['id', 'model', 'output', 'input']);
  let thinking = '';
  if (content.length > 0) {
    thinking = content.join('\n\n');
    extra.reasoningFrom = 'reasoning.content';
    if (summary.length > 0) extra.otherReasoning = { summary: summary.join('\n\n') };
  } else if (summary.length > 0) {
    thinking = summary.join('\n\n');
    extra.reasoningFrom = 'reasoning.summary';
  } else {
    extra.noReasoning = true;
  }
  const input: TraceInput = {
    problem: typeof obj.input === 'string' ? obj.input : '',
    gold: null,
    model: typeof obj.model === 'string' ? obj.model : null,
    source: { kind: 'import:openai-responses', path: loc.path, ...(loc.line !== undefined ? { line: loc.line } : {}), extra },
    thinking,
    response: answer.join(''), // as written, like every answer taken from a field
    truncated: obj.status === 'incomplete' && answer.length === 0,
  };
  if (typeof obj.id === 'string' && obj.id !== '') input.id = obj.id;
  if (Array.isArray(obj.input)) extra.input = obj.input;
  return [{ input }];
}
