/**
 * Streamed chat completion logs: JSONL of `chat.completion.chunk` objects (OpenAI API reference,
 * "The chat completion chunk object"), each choice's `delta` carrying pieces of `content` and of
 * the thinking (`reasoning` from vLLM and Ollama's OpenAI endpoint, `reasoning_content` from
 * DeepSeek, LM Studio and llama.cpp). Pieces are concatenated per (id, choice index), in file
 * order; a choice is done at its `finish_reason`, and one still open at the end of the file is
 * read as cut off (truncated). The assembled message is then read like a chat completion.
 */
import { fromOpenAIChat, REASONING_FIELDS } from './chat';
import { isObject, kindOf, requireObject, type JsonObject } from './fields';
import { RecordError, type ImportedRecord, type RecordLocation } from './types';

export function looksLikeChatChunk(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (value.object === 'chat.completion.chunk') return true;
  return Array.isArray(value.choices) && isObject(value.choices[0]) && isObject(value.choices[0].delta);
}

interface OpenChoice {
  loc: RecordLocation;
  id: string;
  index: number;
  model: string | null;
  texts: Record<string, string>;
  chunks: number;
}

const DELTA_FIELDS = ['content', ...REASONING_FIELDS] as const;

export class ChunkLogAssembler {
  private readonly open = new Map<string, OpenChoice>();

  /** Adds one chunk; returns the traces of the choices it finished. */
  push(value: unknown, loc: RecordLocation): ImportedRecord[] {
    const obj = requireObject(value);
    const id = typeof obj.id === 'string' || typeof obj.id === 'number' ? String(obj.id) : '';
    if (!Array.isArray(obj.choices)) throw new RecordError({ field: 'choices', message: obj.choices === undefined ? 'is required' : `must be an array, got ${kindOf(obj.choices)}` });
    const done: ImportedRecord[] = [];
    obj.choices.forEach((choice, i) => {
      if (!isObject(choice)) throw new RecordError({ field: `choices[${i}]`, message: `must be an object, got ${kindOf(choice)}` });
      const index = typeof choice.index === 'number' ? choice.index : i;
      const key = `${id}\u0000${index}`;
      let open = this.open.get(key);
      if (!open) {
        open = { loc, id, index, model: typeof obj.model === 'string' ? obj.model : null, texts: {}, chunks: 0 };
        this.open.set(key, open);
      }
      open.chunks++;
      const delta = isObject(choice.delta) ? choice.delta : {};
      for (const field of DELTA_FIELDS) {
        const piece = delta[field];
        if (piece === undefined || piece === null) continue;
        if (typeof piece !== 'string') throw new RecordError({ field: `choices[${i}].delta.${field}`, message: `must be a string, got ${kindOf(piece)}` });
        open.texts[field] = (open.texts[field] ?? '') + piece;
      }
      if (typeof choice.finish_reason === 'string') {
        this.open.delete(key);
        done.push(...assemble(open, choice.finish_reason));
      }
    });
    return done;
  }

  /** Choices never finished: read as cut off. */
  finish(): ImportedRecord[] {
    const rest = [...this.open.values()].flatMap((open) => assemble(open, null));
    this.open.clear();
    return rest;
  }
}

function assemble(open: OpenChoice, finishReason: string | null): ImportedRecord[] {
  const message: JsonObject = { role: 'assistant', ...open.texts };
  const completion: JsonObject = { choices: [{ index: open.index, message, finish_reason: finishReason }] };
  if (open.id !== '') completion.id = open.index === 0 ? open.id : `${open.id}#${open.index}`;
  if (open.model) completion.model = open.model;
  return fromOpenAIChat(completion, open.loc).map(({ input }) => {
    input.source.kind = 'import:openai-chunks';
    input.source.extra = { ...input.source.extra, chunks: open.chunks };
    if (finishReason === null) {
      input.truncated = true;
      input.source.extra.unfinished = true;
    }
    return { input };
  });
}
