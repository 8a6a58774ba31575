/**
 * Chat-shaped records, where most reasoning traces live:
 *   openai-chat   an OpenAI-compatible chat completion (`choices[].message`); one trace per choice
 *   hf-chat       a Hugging Face chat row (`messages` role/content, or `conversations` from/value);
 *                 one trace per assistant turn that has thinking, id `row#turn`
 *   open-webui    one chat of an Open WebUI export (`chat.messages`), reasoning in
 *                 `<details type="reasoning">` blocks of the assistant content
 * The thinking may sit in a field of the message or inline in its content; when several hold
 * some, the first of REASONING_FIELDS (then inline markup) is the trace's thinking and the others
 * are kept in `source.extra.otherReasoning`, with the choice in `source.extra.reasoningFrom`.
 * A turn with no reasoning at all is still a trace, marked `source.extra.noReasoning: true`.
 */
import type { TraceInput } from '../core/annotate';
import { splitThinking } from '../core/thinking';
import { isObject, kindOf, optionalAnswer, remainingFields, requireObject, type JsonObject } from './fields';
import { holdsReasoningMarkup } from './markup';
import { RecordError, type ImportedRecord, type RecordLocation } from './types';

/**
 * Message fields that carry thinking, in the order one is chosen: `reasoning` (vLLM's current
 * name, Ollama's and OpenRouter's), `reasoning_content` (DeepSeek API, LM Studio, llama.cpp,
 * older vLLM), `thinking` (Ollama native API, some SFT sets).
 */
export const REASONING_FIELDS = ['reasoning', 'reasoning_content', 'thinking'] as const;

export function looksLikeOpenAIChat(value: unknown): boolean {
  if (!isObject(value) || !Array.isArray(value.choices) || value.choices.length === 0) return false;
  return isObject(value.choices[0]) && isObject(value.choices[0].message);
}

export function looksLikeHfChat(value: unknown): boolean {
  if (!isObject(value)) return false;
  const list = Array.isArray(value.messages) ? value.messages : Array.isArray(value.conversations) ? value.conversations : null;
  return list !== null && list.length > 0 && isObject(list[0]) && ('role' in list[0] || 'from' in list[0]);
}

export function looksLikeOpenWebUI(value: unknown): boolean {
  return isObject(value) && isObject(value.chat) && Array.isArray(value.chat.messages);
}

/** The split of one assistant message: which source gave the thinking, and the others kept. */
interface ChosenReasoning {
  thinking: string;
  response: string;
  truncated: boolean;
  from: string | null;
  others: JsonObject;
}

/** Text of a message content: a string, or OpenAI content parts (`[{type: 'text', text}]`). */
function contentText(v: unknown, field: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    return v
      .map((part, i) => {
        if (typeof part === 'string') return part;
        if (isObject(part) && typeof part.text === 'string') return part.text;
        throw new RecordError({ field: `${field}[${i}]`, message: `must be a text part, got ${kindOf(part)}` });
      })
      .join('');
  }
  throw new RecordError({ field, message: `must be a string or a list of text parts, got ${kindOf(v)}` });
}

/**
 * A content without inline markup is the answer exactly as written (a round trip through our
 * writers gives it back byte for byte); only a split of inline markup trims what follows the
 * closing tag (src/core/thinking.ts), as every reader of tagged text does.
 */
function chooseReasoning(message: JsonObject, content: string, prefix: string): ChosenReasoning {
  const fromFields: [string, string][] = [];
  for (const name of REASONING_FIELDS) {
    const v = message[name];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw new RecordError({ field: prefix + name, message: `must be a string, got ${kindOf(v)}` });
    if (v !== '') fromFields.push([name, v]);
  }
  const inline = holdsReasoningMarkup(content) ? splitThinking(content) : null;
  const others: JsonObject = {};
  if (fromFields.length > 0) {
    const [from, thinking] = fromFields[0];
    for (const [name, text] of fromFields.slice(1)) if (text !== thinking) others[name] = text;
    if (inline && inline.thinking !== '') others.contentInline = inline.thinking;
    return { thinking, response: inline ? inline.response : content, truncated: false, from, others };
  }
  if (inline) return { thinking: inline.thinking, response: inline.response, truncated: inline.truncated, from: 'content-markup', others };
  return { thinking: '', response: content, truncated: false, from: null, others };
}

function inputFrom(kind: string, loc: RecordLocation, problem: string, chosen: ChosenReasoning, extra: JsonObject): TraceInput {
  const meta: JsonObject = { ...extra };
  if (chosen.from) meta.reasoningFrom = chosen.from;
  else meta.noReasoning = true;
  if (Object.keys(chosen.others).length > 0) meta.otherReasoning = chosen.others;
  return {
    problem,
    gold: null,
    model: null,
    source: { kind, path: loc.path, ...(loc.line !== undefined ? { line: loc.line } : {}), extra: meta },
    thinking: chosen.thinking,
    response: chosen.response,
    truncated: chosen.truncated,
  };
}

function recordId(obj: JsonObject): string | undefined {
  if (typeof obj.id === 'string' && obj.id !== '') return obj.id;
  if (typeof obj.id === 'number') return String(obj.id);
  return undefined;
}

/** Problem text of a chat completion log: the request's last user message when the log kept it. */
function lastUserText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (isObject(m) && m.role === 'user') return contentText(m.content, `messages[${i}].content`);
  }
  return '';
}

/** OpenAI API reference, "The chat completion object": id, model, choices[].message. */
export function fromOpenAIChat(value: unknown, loc: RecordLocation): ImportedRecord[] {
  const obj = requireObject(value);
  const choices = obj.choices as unknown[];
  const request = isObject(obj.request) ? obj.request : null;
  const problem = lastUserText(obj.messages ?? request?.messages);
  const id = recordId(obj);
  const rest = remainingFields(obj, ['choices', 'id', 'model', 'messages', 'request']);
  return choices.map((choice, i) => {
    const prefix = `choices[${i}].`;
    if (!isObject(choice) || !isObject(choice.message)) throw new RecordError({ field: `${prefix}message`, message: 'must be an object' });
    const message = choice.message;
    const content = contentText(message.content, `${prefix}message.content`);
    const chosen = chooseReasoning(message, content, `${prefix}message.`);
    const extra: JsonObject = { ...rest, ...remainingFields(choice, ['message', 'index']), ...remainingFields(message, ['content', ...REASONING_FIELDS]) };
    if (choices.length > 1) extra.choice = i;
    if (choice.finish_reason === 'length' && chosen.response === '') chosen.truncated = true;
    const input = inputFrom('import:openai-chat', loc, problem, chosen, extra);
    if (typeof obj.model === 'string') input.model = obj.model;
    // Not in the API object: a log's string metadata map may name the reference answer (our openai-chat writer puts it there).
    if (isObject(obj.metadata)) input.gold = optionalAnswer(obj.metadata, 'gold', 'metadata.');
    if (id !== undefined) input.id = choices.length > 1 ? `${id}#${i}` : id;
    return { input };
  });
}

interface Turn {
  role: string;
  content: string;
  message: JsonObject;
}

/** ShareGPT `from` names onto chat roles. */
const SHAREGPT_ROLES: Record<string, string> = { human: 'user', gpt: 'assistant', system: 'system', user: 'user', assistant: 'assistant' };

function turnsOf(list: unknown[], field: string): Turn[] {
  return list.map((m, i) => {
    if (!isObject(m)) throw new RecordError({ field: `${field}[${i}]`, message: `must be an object, got ${kindOf(m)}` });
    if (typeof m.role === 'string') return { role: m.role, content: contentText(m.content, `${field}[${i}].content`), message: m };
    if (typeof m.from === 'string') return { role: SHAREGPT_ROLES[m.from] ?? m.from, content: contentText(m.value, `${field}[${i}].value`), message: m };
    throw new RecordError({ field: `${field}[${i}].role`, message: 'is required (role/content or from/value)' });
  });
}

/**
 * One trace per assistant turn with thinking (its problem: the user message before it); a row
 * whose assistant turns have none gives its last assistant turn, marked noReasoning.
 */
function tracesOfTurns(turns: Turn[], field: string, kind: string, loc: RecordLocation, rowId: string | undefined, rowExtra: JsonObject, gold: string | null, model: string | null, split: (content: string, message: JsonObject, prefix: string) => ChosenReasoning): ImportedRecord[] {
  const assistant: { index: number; turn: number; chosen: ChosenReasoning; problem: string }[] = [];
  let lastUser = '';
  let turnNumber = 0;
  turns.forEach((t, index) => {
    if (t.role === 'user') lastUser = t.content;
    if (t.role !== 'assistant') return;
    turnNumber++;
    assistant.push({ index, turn: turnNumber, chosen: split(t.content, t.message, `${field}[${index}].`), problem: lastUser });
  });
  if (assistant.length === 0) throw new RecordError({ field, message: 'has no assistant message: there is no model output to read' });
  const withThinking = assistant.filter((a) => a.chosen.from !== null);
  const picked = withThinking.length > 0 ? withThinking : [assistant[assistant.length - 1]];
  const base = rowId ?? (loc.line !== undefined ? `line${loc.line}${loc.index !== undefined ? `-${loc.index}` : ''}` : undefined);
  return picked.map((a) => {
    const extra: JsonObject = { ...rowExtra, turn: a.turn, messageIndex: a.index, ...remainingFields(turns[a.index].message, ['role', 'content', 'from', 'value', ...REASONING_FIELDS]) };
    const input = inputFrom(kind, loc, a.problem, a.chosen, extra);
    input.gold = gold;
    input.model = typeof turns[a.index].message.model === 'string' ? (turns[a.index].message.model as string) : model;
    if (base !== undefined) input.id = assistant.length > 1 ? `${base}#${a.turn}` : base;
    return { input };
  });
}

/** Hugging Face chat templating docs ("messages" of role/content) and ShareGPT rows ("conversations" of from/value). */
export function fromHfChat(value: unknown, loc: RecordLocation): ImportedRecord[] {
  const obj = requireObject(value);
  const field = Array.isArray(obj.messages) ? 'messages' : 'conversations';
  // A row without either list (a file whose first row set the format, or --input-format hf-chat).
  if (!Array.isArray(obj[field])) throw new RecordError({ field: 'messages', message: `is required: a list of {role, content} (or "conversations" of {from, value}), got ${kindOf(obj.messages)}` });
  const turns = turnsOf(obj[field] as unknown[], field);
  const gold = optionalAnswer(obj, 'gold') ?? optionalAnswer(obj, 'answer');
  const model = typeof obj.model === 'string' ? obj.model : null;
  const rowExtra = remainingFields(obj, [field, 'id', 'gold', 'answer', 'model']);
  return tracesOfTurns(turns, field, 'import:hf-chat', loc, recordId(obj), rowExtra, gold, model, (content, message, prefix) => chooseReasoning(message, content, prefix));
}

/**
 * Open WebUI writes a model's reasoning into the assistant content as
 * `<details type="reasoning" done="true" duration="N">\n<summary>Thought for N seconds</summary>\n> line…\n</details>\n`
 * (backend/open_webui/utils/middleware.py), each line quoted with "> ".
 */
const WEBUI_REASONING = /<details\s+type="reasoning"[^>]*>\s*(?:<summary>[\s\S]*?<\/summary>)?\n?([\s\S]*?)<\/details>\s*/g;

function splitOpenWebUI(content: string, message: JsonObject, prefix: string): ChosenReasoning {
  const blocks: string[] = [];
  let unfinished = false;
  const response = content.replace(WEBUI_REASONING, (all: string, body: string) => {
    blocks.push(unquote(body));
    if (/^<details[^>]*\sdone="false"/.test(all)) unfinished = true; // the stream stopped while thinking
    return '';
  });
  if (blocks.length === 0) return chooseReasoning(message, content, prefix);
  return { thinking: blocks.join('\n\n'), response: unfinished ? '' : response.trim(), truncated: unfinished, from: 'details-reasoning', others: {} };
}

/** Open WebUI quotes every reasoning line with "> "; undo it. */
function unquote(body: string): string {
  return body
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => (line.startsWith('> ') ? line.slice(2) : line === '>' ? '' : line))
    .join('\n');
}

/** One chat of an Open WebUI export (Settings → Chats → Export: a JSON array of {id, title, chat: {messages, history, models}}). */
export function fromOpenWebUI(value: unknown, loc: RecordLocation): ImportedRecord[] {
  const obj = requireObject(value);
  const chat = obj.chat as JsonObject;
  const turns = turnsOf(chat.messages as unknown[], 'chat.messages');
  const models = Array.isArray(chat.models) && typeof chat.models[0] === 'string' ? chat.models[0] : null;
  const rowExtra: JsonObject = {};
  if (typeof obj.title === 'string') rowExtra.title = obj.title;
  return tracesOfTurns(turns, 'chat.messages', 'import:open-webui', loc, recordId(obj), rowExtra, null, models, splitOpenWebUI);
}
