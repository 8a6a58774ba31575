/**
 * lighteval details (`details/<model>/<date>/details_<task>_<date>.parquet`, one row per
 * sample), columns as huggingface/lighteval writes them (read at commit 3fd15266):
 *   src/lighteval/logging/evaluation_tracker.py:258-266, :359  one row per Detail, columns sorted
 *   src/lighteval/logging/info_loggers.py:154-166  Detail = doc, model_response, metric
 *   src/lighteval/tasks/requests.py:189-202        doc: query, choices, gold_index, instruction,
 *                                                  specific, original_query, id, …
 *   src/lighteval/models/model_output.py:122-129  model_response: input, text (one per sample),
 *                                                  text_post_processed (thinking removed),
 *                                                  reasonings (reasoning_content from the API)
 * Details written before lighteval's refactor (#709, commit 9288bd84; read at 0ba8812f,
 * info_loggers.py:199-215) have flat columns: example, instruction, full_prompt, predictions,
 * gold, choices, gold_index, metrics, specifics; they are read too.
 * The thinking is the row's `reasonings` entry, else `<think>` markup in the generated text.
 */
import type { TraceInput } from '../core/annotate';
import { splitThinking } from '../core/thinking';
import { isObject, kindOf, remainingFields, requireObject, type JsonObject } from './fields';
import { holdsReasoningMarkup } from './markup';
import { RecordError, type ImportedRecord, type RecordLocation } from './types';

export function looksLikeLightevalDetail(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (isObject(value.doc) && isObject(value.model_response)) return true;
  return typeof value.full_prompt === 'string' && Array.isArray(value.predictions) && 'gold' in value;
}

function stringList(v: unknown, field: string): (string | null)[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new RecordError({ field, message: `must be a list of strings, got ${kindOf(v)}` });
  return v.map((x, i) => {
    if (x === null || typeof x === 'string') return x;
    throw new RecordError({ field: `${field}[${i}]`, message: `must be a string, got ${kindOf(x)}` });
  });
}

/** The gold answer: `choices[gold_index]` (a list of indices gives the first; all are kept). */
function goldOf(choices: unknown, goldIndex: unknown, prefix: string): { gold: string | null; golds?: string[] } {
  if (!Array.isArray(choices)) return { gold: null };
  const indices = Array.isArray(goldIndex) ? goldIndex : goldIndex === undefined || goldIndex === null ? [] : [goldIndex];
  const golds = indices.map((i, n) => {
    const at = typeof i === 'number' ? i : Number(i);
    const text = Number.isInteger(at) ? choices[at] : undefined;
    if (typeof text !== 'string') throw new RecordError({ field: `${prefix}gold_index${Array.isArray(goldIndex) ? `[${n}]` : ''}`, message: `does not name one of the ${choices.length} choices` });
    return text;
  });
  return golds.length > 1 ? { gold: golds[0], golds } : { gold: golds[0] ?? null };
}

interface Generation {
  text: string;
  reasoning: string | null;
}

function traceOf(loc: RecordLocation, id: string | undefined, problem: string, gold: string | null, g: Generation, extra: JsonObject): TraceInput {
  let thinking = '';
  let response = g.text.trim();
  let truncated = false;
  const inline = holdsReasoningMarkup(g.text) ? splitThinking(g.text) : null;
  if (g.reasoning) {
    thinking = g.reasoning;
    extra.reasoningFrom = 'reasonings';
    if (inline) {
      response = inline.response;
      if (inline.thinking !== '' && inline.thinking !== thinking) extra.otherReasoning = { contentInline: inline.thinking };
    }
  } else if (inline) {
    ({ thinking, response, truncated } = inline);
    extra.reasoningFrom = 'content-markup';
  } else extra.noReasoning = true;
  const input: TraceInput = { problem, gold, model: null, source: { kind: 'import:lighteval', path: loc.path, ...(loc.line !== undefined ? { line: loc.line } : {}), extra }, thinking, response, truncated };
  if (id !== undefined) input.id = id;
  return input;
}

function rowId(loc: RecordLocation, docId: unknown): string | undefined {
  if (typeof docId === 'string' && docId !== '') return docId;
  if (typeof docId === 'number') return String(docId);
  return loc.entry?.replace(/\s+/g, '') ?? (loc.line !== undefined ? `line${loc.line}` : undefined);
}

export function fromLightevalDetail(value: unknown, loc: RecordLocation): ImportedRecord[] {
  const obj = requireObject(value, 'a lighteval detail');
  return isObject(obj.doc) && isObject(obj.model_response) ? fromCurrentDetail(obj, loc) : fromLegacyDetail(obj, loc);
}

function fromCurrentDetail(obj: JsonObject, loc: RecordLocation): ImportedRecord[] {
  const doc = obj.doc as JsonObject;
  const response = obj.model_response as JsonObject;
  const texts = stringList(response.text, 'model_response.text');
  const reasonings = stringList(response.reasonings, 'model_response.reasonings');
  if (texts.length === 0) throw new RecordError({ field: 'model_response.text', message: 'is empty: a log-likelihood task has no generated text to read' });
  const problem = typeof doc.original_query === 'string' && doc.original_query !== '' ? doc.original_query : typeof doc.query === 'string' ? doc.query : '';
  const { gold, golds } = goldOf(doc.choices, doc.gold_index, 'doc.');
  const base = rowId(loc, doc.id);
  const docRest = remainingFields(doc, ['original_query', ...(problem === doc.query ? ['query'] : [])]);
  const shared: JsonObject = { ...remainingFields(obj, ['doc', 'model_response']), doc: docRest, model_response: remainingFields(response, ['text', 'reasonings']) };
  if (golds) shared.golds = golds;
  return texts.map((text, k) => {
    const extra: JsonObject = { ...shared };
    if (texts.length > 1) extra.sample = k;
    const id = base !== undefined && texts.length > 1 ? `${base}#${k + 1}` : base;
    return { input: traceOf(loc, id, problem, gold, { text: text ?? '', reasoning: reasonings[k] ?? null }, extra) };
  });
}

function fromLegacyDetail(obj: JsonObject, loc: RecordLocation): ImportedRecord[] {
  const predictions = stringList(obj.predictions, 'predictions');
  if (predictions.length === 0) throw new RecordError({ field: 'predictions', message: 'is empty: there is no model output to read' });
  const problem = typeof obj.example === 'string' && obj.example !== '' ? obj.example : (obj.full_prompt as string);
  const golds = Array.isArray(obj.gold) ? stringList(obj.gold, 'gold').filter((g): g is string => g !== null) : [];
  const gold = typeof obj.gold === 'string' ? obj.gold : (golds[0] ?? null);
  const base = rowId(loc, undefined);
  const shared = remainingFields(obj, ['predictions', 'example', ...(typeof obj.gold === 'string' || golds.length <= 1 ? ['gold'] : [])]);
  return predictions.map((text, k) => {
    const extra: JsonObject = { ...shared };
    if (predictions.length > 1) extra.sample = k;
    const id = base !== undefined && predictions.length > 1 ? `${base}#${k + 1}` : base;
    return { input: traceOf(loc, id, problem, gold, { text: text ?? '', reasoning: null }, extra) };
  });
}
