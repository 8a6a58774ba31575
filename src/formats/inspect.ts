/**
 * Inspect AI eval logs (UKGovernmentBEIS/inspect_ai, schema read at commit 499e6152):
 *   `.json` log   one EvalLog object: version, status, eval (EvalSpec), plan, results, stats, …,
 *                 samples (src/inspect_ai/log/_log.py:1130-1173; field order fixed, :1133)
 *   `.eval` log   a zip: header.json (the EvalLog without samples), `_journal/start.json` while
 *                 running, one `samples/{id}_epoch_{epoch}.json` per sample
 *                 (log/_recorders/eval.py:92-101, :1470-1471); read by src/io/inspect-eval.ts
 * A sample (EvalSample, log/_log.py:400-522) has id, epoch, input (a string or chat messages,
 * :409), target (a string or a list, :415), messages (:427), output (:430), scores (:433),
 * metadata (:436), events (:479) and attachments (:522). Messages (model/_chat_message.py:20-35,
 * :157-167) have role and content: a string or a list of Content (_util/content.py), where
 * ContentText is `{type: "text", text}` (:16-29) and ContentReasoning is
 * `{type: "reasoning", reasoning, summary?, signature?, redacted}` (:32-51).
 * Large strings may be stored once in `attachments` and referenced as `attachment://<hash>`
 * (older logs: `tc://`); Inspect resolves them in message content, text and reasoning parts and
 * the input (log/_condense.py:355-385, :733-777), and so does this reader.
 *
 * One trace per assistant message that has reasoning blocks (or `<think>` markup in its text);
 * a sample with none gives its last assistant message, marked noReasoning. The problem is the
 * sample's input, the gold its target, its scores are kept in source.extra.
 */
import type { TraceInput } from '../core/annotate';
import type { FieldError } from '../core/schema';
import { splitThinking } from '../core/thinking';
import { isObject, kindOf, remainingFields, requireObject, type JsonObject } from './fields';
import { holdsReasoningMarkup } from './markup';
import { RecordError, type ImportedRecord, type RecordLocation } from './types';

/** What the log header says about every sample (EvalSpec, log/_log.py:930-1005). */
export interface InspectHeader {
  task?: string;
  model?: string;
  runId?: string;
  created?: string;
}

/** A whole `.json` log: an `eval` spec with its task and model. */
export function looksLikeInspectLog(value: unknown): boolean {
  return isObject(value) && isObject(value.eval) && typeof value.eval.task === 'string' && typeof value.eval.model === 'string' && ('samples' in value || 'status' in value);
}

/** One sample (a `samples/*.json` member, or a record of an Inspect-style sample export). */
export function looksLikeInspectSample(value: unknown): boolean {
  return isObject(value) && 'epoch' in value && 'target' in value && ('input' in value) && Array.isArray(value.messages);
}

export function inspectHeader(log: unknown): InspectHeader {
  if (!isObject(log) || !isObject(log.eval)) return {};
  const spec = log.eval;
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  return { task: text(spec.task), model: text(spec.model), runId: text(spec.run_id), created: text(spec.created) };
}

const ATTACHMENT = 'attachment://';
const OLD_ATTACHMENT = 'tc://';

/** `attachment://<hash>` (or the older `tc://`) resolved from the sample's attachments; other text as it is. */
function resolver(attachments: unknown): (text: string) => string {
  const table = isObject(attachments) ? attachments : {};
  return (text) => {
    const key = text.startsWith(ATTACHMENT) ? text.slice(ATTACHMENT.length) : text.startsWith(OLD_ATTACHMENT) ? text.slice(OLD_ATTACHMENT.length) : null;
    if (key === null) return text;
    const found = table[key];
    return typeof found === 'string' ? found : text;
  };
}

interface MessageParts {
  text: string;
  /** Reasoning blocks' text (a redacted block gives its summary, if any). */
  reasoning: string[];
  summaries: string[];
  redacted: number;
}

function messageParts(content: unknown, field: string, resolve: (t: string) => string): MessageParts {
  const out: MessageParts = { text: '', reasoning: [], summaries: [], redacted: 0 };
  if (content === undefined || content === null) return out;
  if (typeof content === 'string') {
    out.text = resolve(content);
    return out;
  }
  if (!Array.isArray(content)) throw new RecordError({ field, message: `must be a string or a list of content parts, got ${kindOf(content)}` });
  const texts: string[] = [];
  content.forEach((part, i) => {
    const at = `${field}[${i}]`;
    if (!isObject(part)) throw new RecordError({ field: at, message: `must be a content object, got ${kindOf(part)}` });
    if (part.type === 'text') {
      if (typeof part.text !== 'string') throw new RecordError({ field: `${at}.text`, message: `must be a string, got ${kindOf(part.text)}` });
      texts.push(resolve(part.text));
    } else if (part.type === 'reasoning') {
      if (typeof part.reasoning !== 'string') throw new RecordError({ field: `${at}.reasoning`, message: `must be a string, got ${kindOf(part.reasoning)}` });
      const summary = typeof part.summary === 'string' && part.summary !== '' ? part.summary : null;
      if (part.redacted === true) {
        // The reasoning text is encrypted; the summary is all that can be read (ContentReasoning.text, _util/content.py:53-57).
        out.redacted++;
        if (summary) out.reasoning.push(summary);
      } else {
        if (part.reasoning !== '') out.reasoning.push(resolve(part.reasoning));
        if (summary) out.summaries.push(summary);
      }
    }
    // Images, audio, tool use and data parts carry no text of the answer; they stay in the log.
  });
  out.text = texts.join('');
  return out;
}

function textOf(content: unknown, field: string, resolve: (t: string) => string): string {
  return messageParts(content, field, resolve).text;
}

/** The sample input as the problem: a string, or the last user message of a chat input. */
function problemOf(input: unknown, resolve: (t: string) => string): string {
  if (typeof input === 'string') return resolve(input);
  if (!Array.isArray(input)) throw new RecordError({ field: 'input', message: `must be a string or a list of chat messages, got ${kindOf(input)}` });
  for (let i = input.length - 1; i >= 0; i--) {
    const m = input[i];
    if (isObject(m) && m.role === 'user') return textOf(m.content, `input[${i}].content`, resolve);
  }
  return '';
}

function goldOf(target: unknown): string | null {
  if (typeof target === 'string') return target;
  if (Array.isArray(target) && target.length > 0 && target.every((t) => typeof t === 'string')) return target[0] as string;
  if (Array.isArray(target) && target.length === 0) return null;
  throw new RecordError({ field: 'target', message: `must be a string or a list of strings, got ${kindOf(target)}` });
}

function sampleId(obj: JsonObject): string {
  const id = obj.id;
  if (typeof id !== 'string' && typeof id !== 'number') throw new RecordError({ field: 'id', message: id === undefined ? 'is required' : `must be a string or number, got ${kindOf(id)}` });
  const epoch = typeof obj.epoch === 'number' ? obj.epoch : 1;
  return epoch === 1 ? String(id) : `${id}@epoch${epoch}`;
}

interface AssistantTurn {
  index: number;
  turn: number;
  message: JsonObject;
  parts: MessageParts;
}

/** Fields of a sample not copied to each trace: the transcript (`events`; `transcript` in older logs), the attachments (resolved into the text) and the other messages (`messageIndex` points into them). */
export const INSPECT_OMITTED_FIELDS = ['events', 'transcript', 'events_data', 'attachments', 'messages', 'output', 'timelines'] as const;

export function fromInspectSample(value: unknown, loc: RecordLocation, header: InspectHeader = {}): ImportedRecord[] {
  const obj = requireObject(value, 'an Inspect sample');
  const id = sampleId(obj);
  const resolve = resolver(obj.attachments);
  const problem = problemOf(obj.input, resolve);
  const gold = goldOf(obj.target);
  if (!Array.isArray(obj.messages)) throw new RecordError({ field: 'messages', message: `must be a list of chat messages, got ${kindOf(obj.messages)}` });
  const assistant: AssistantTurn[] = [];
  obj.messages.forEach((m, index) => {
    if (!isObject(m)) throw new RecordError({ field: `messages[${index}]`, message: `must be a chat message, got ${kindOf(m)}` });
    if (m.role !== 'assistant') return;
    assistant.push({ index, turn: assistant.length + 1, message: m, parts: messageParts(m.content, `messages[${index}].content`, resolve) });
  });
  const output = isObject(obj.output) ? obj.output : {};
  const choice = Array.isArray(output.choices) && isObject(output.choices[0]) ? output.choices[0] : null;
  if (assistant.length === 0 && choice && isObject(choice.message)) {
    // A sample that kept no conversation still has the model's output (ModelOutput.choices[0].message).
    assistant.push({ index: -1, turn: 1, message: choice.message, parts: messageParts(choice.message.content, 'output.choices[0].message.content', resolve) });
  }
  if (assistant.length === 0) throw new RecordError({ field: 'messages', message: 'has no assistant message and output has no choice: there is no model output to read' });
  const hasReasoning = (a: AssistantTurn): boolean => a.parts.reasoning.length > 0 || holdsReasoningMarkup(a.parts.text);
  const withReasoning = assistant.filter(hasReasoning);
  const picked = withReasoning.length > 0 ? withReasoning : [assistant[assistant.length - 1]];
  const last = assistant[assistant.length - 1];
  const sampleExtra: JsonObject = remainingFields(obj, ['id', 'input', 'target', ...INSPECT_OMITTED_FIELDS]);
  if (Array.isArray(obj.target) && obj.target.length > 1) sampleExtra.target = obj.target;
  if (Array.isArray(obj.input)) sampleExtra.input = obj.input;
  if (output.usage !== undefined) sampleExtra.usage = output.usage;
  if (choice && typeof choice.stop_reason === 'string') sampleExtra.stop_reason = choice.stop_reason;
  sampleExtra.sampleId = obj.id;
  if (header.task) sampleExtra.task = header.task;
  if (header.runId) sampleExtra.runId = header.runId;
  if (loc.entry) sampleExtra.entry = loc.entry;
  sampleExtra.omitted = INSPECT_OMITTED_FIELDS.filter((f) => obj[f] !== undefined);
  return picked.map((a) => {
    const extra: JsonObject = { ...sampleExtra, turn: a.turn, messageIndex: a.index, ...remainingFields(a.message, ['role', 'content', 'model']) };
    let thinking = '';
    // The text blocks exactly as written; only a split of inline markup trims (src/core/thinking.ts).
    let response = a.parts.text;
    let truncated = false;
    if (a.parts.reasoning.length > 0) {
      thinking = a.parts.reasoning.join('\n\n');
      extra.reasoningFrom = 'content.reasoning';
      if (a.parts.summaries.length > 0) extra.otherReasoning = { summary: a.parts.summaries.join('\n\n') };
      if (holdsReasoningMarkup(a.parts.text)) {
        const inline = splitThinking(a.parts.text);
        response = inline.response;
        if (inline.thinking !== '') extra.otherReasoning = { ...(extra.otherReasoning as JsonObject | undefined), contentInline: inline.thinking };
      }
    } else if (holdsReasoningMarkup(a.parts.text)) {
      const inline = splitThinking(a.parts.text);
      thinking = inline.thinking;
      response = inline.response;
      truncated = inline.truncated;
      extra.reasoningFrom = 'content-markup';
    } else {
      extra.noReasoning = true;
    }
    if (a.parts.redacted > 0) extra.redactedReasoning = a.parts.redacted;
    // Cut off by the token limit (StopReason, model/_model_output.py:95-102) before any answer.
    if (a === last && response === '' && (extra.stop_reason === 'max_tokens' || extra.stop_reason === 'model_length')) truncated = true;
    const model = typeof a.message.model === 'string' && a.message.model !== '' ? a.message.model : typeof output.model === 'string' && output.model !== '' ? output.model : (header.model ?? null);
    const input: TraceInput = {
      id: assistant.length > 1 ? `${id}#${a.turn}` : id,
      problem,
      gold,
      model,
      source: { kind: 'import:inspect', path: loc.path, ...(loc.line !== undefined ? { line: loc.line } : {}), extra },
      thinking,
      response,
      truncated,
    };
    return { input };
  });
}

/** One sample read: its traces, or what is wrong with it (the rest of the log goes on). */
export type InspectSampleResult = { ok: true; loc: RecordLocation; format: 'inspect-sample'; record: ImportedRecord } | { ok: false; loc: RecordLocation; errors: FieldError[] };

export function convertInspectSample(value: unknown, loc: RecordLocation, header: InspectHeader = {}): InspectSampleResult[] {
  try {
    return fromInspectSample(value, loc, header).map((record) => ({ ok: true, loc, format: 'inspect-sample', record }));
  } catch (err) {
    return [{ ok: false, loc, errors: err instanceof RecordError ? err.errors : [{ field: '(sample)', message: `could not be read: ${String(err)}` }] }];
  }
}

/** Every sample of a whole `.json` log, each located as `samples[i]`. */
export function inspectLogResults(log: unknown, path: string): InspectSampleResult[] {
  const obj = requireObject(log, 'an Inspect log');
  const header = inspectHeader(obj);
  if (!Array.isArray(obj.samples) || obj.samples.length === 0) {
    const why = obj.samples === undefined || obj.samples === null ? 'the log has no samples (written with log_samples off, or still running)' : Array.isArray(obj.samples) ? 'the log has no samples' : `must be a list of samples, got ${kindOf(obj.samples)}`;
    return [{ ok: false, loc: { path }, errors: [{ field: 'samples', message: why }] }];
  }
  return obj.samples.flatMap((sample, i) => convertInspectSample(sample, { path, entry: `samples[${i}]` }, header));
}
