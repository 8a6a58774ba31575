/**
 * Which format a file is in. The container (one JSON value, JSONL, or plain text) is decided
 * from the file name and its first bytes; the record format from the first record.
 * Ours: a `.trace.json`/`.trace.jsonl` name or a `version` field.
 */
import { fromHfChat, fromOpenAIChat, fromOpenWebUI, looksLikeHfChat, looksLikeOpenAIChat, looksLikeOpenWebUI } from './chat';
import { ChunkLogAssembler, looksLikeChatChunk } from './chat-chunks';
import { fromGeneric } from './generic';
import { fromHarmonyText, looksLikeHarmonyText } from './harmony';
import { fromInspectSample, looksLikeInspectLog, looksLikeInspectSample } from './inspect';
import { fromLightevalDetail, looksLikeLightevalDetail } from './lighteval';
import { fromLmEvalSample, looksLikeLmEvalSample } from './lm-eval';
import { fromOpenAIResponse, looksLikeOpenAIResponse } from './openai-responses';
import { fromQwenMathEval, looksLikeQwenMathEval } from './qwen-math-eval';
import { fromBaseSolution, fromSolutionsEntry, looksLikeBaseSolution, looksLikeSolutionsEntry } from './thought-anchors';
import { fromOurTrace, looksLikeOurTrace } from './trace-format';
import { fromPlainText } from './text';
import { RecordError, type FieldNames, type FileFormat, type ImportedRecord, type RecordFormat, type RecordLocation, type SiblingProblem } from './types';

export type Container = 'json' | 'jsonl' | 'text';

export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? path;
}

export function isOurTraceFileName(path: string): boolean {
  return /\.trace\.jsonl?$/i.test(baseName(path));
}

/**
 * NUL bytes (or mostly replacement characters) in the first line mean this is not a text
 * file. Only the first line is judged, so one junk line later in a JSONL file stays that
 * line's own error and the other records are still read.
 */
export function looksBinary(head: string): boolean {
  const newline = head.indexOf('\n');
  const sample = head.slice(0, Math.min(4096, newline >= 0 ? newline : 4096));
  if (sample.includes('\u0000')) return true;
  let bad = 0;
  for (const ch of sample) if (ch === '\ufffd') bad++;
  return sample.length > 0 && bad / sample.length > 0.1;
}

/**
 * `head` is the start of the file (BOM removed). JSONL when named so, or when the first line
 * is a whole JSON object; JSON when named .json or when it starts with `[` or a multi-line `{`.
 */
export function detectContainer(path: string, head: string): Container {
  const name = baseName(path).toLowerCase();
  if (/\.(jsonl|ndjson)$/.test(name)) return 'jsonl';
  if (name.endsWith('.json')) return 'json';
  if (/\.(txt|md|text|log)$/.test(name)) return 'text';
  const trimmed = head.trimStart();
  if (trimmed.startsWith('[')) return 'json';
  if (!trimmed.startsWith('{')) return 'text';
  const newline = trimmed.indexOf('\n');
  if (newline < 0) return 'jsonl'; // one line (perhaps longer than the head): JSONL handles it
  try {
    JSON.parse(trimmed.slice(0, newline));
    return 'jsonl';
  } catch {
    return 'json';
  }
}

export function detectRecordFormat(value: unknown, path: string): RecordFormat {
  if (isOurTraceFileName(path)) return 'trace';
  // Inspect logs and samples carry a `version`/`epoch` of their own: tried before ours.
  if (looksLikeInspectLog(value)) return 'inspect-log';
  if (looksLikeInspectSample(value)) return 'inspect-sample';
  if (looksLikeOurTrace(value)) return 'trace';
  const name = baseName(path).toLowerCase();
  if (name === 'base_solution.json' || looksLikeBaseSolution(value)) return 'thought-anchors-base';
  if (name === 'solutions.json' || looksLikeSolutionsEntry(value)) return 'thought-anchors-solutions';
  if (looksLikeQwenMathEval(value)) return 'qwen-math-eval';
  if (looksLikeOpenWebUI(value)) return 'open-webui';
  if (looksLikeOpenAIChat(value)) return 'openai-chat';
  if (looksLikeChatChunk(value)) return 'openai-chunks';
  if (looksLikeOpenAIResponse(value)) return 'openai-responses';
  if (looksLikeHfChat(value)) return 'hf-chat';
  if (looksLikeLmEvalSample(value)) return 'lm-eval-sample';
  if (looksLikeLightevalDetail(value)) return 'lighteval-detail';
  return 'generic';
}

/** A plain text file: gpt-oss harmony when it opens with a harmony token, else text with its markup. */
export function convertText(text: string, path: string): { format: FileFormat; records: ImportedRecord[] } {
  if (looksLikeHarmonyText(text)) return { format: 'harmony', records: fromHarmonyText(text, path) };
  return { format: 'text', records: fromPlainText(text, path) };
}

export interface ConvertContext {
  fields: FieldNames;
  sibling: SiblingProblem | null;
  /** Streamed chunk logs span many records: the caller keeps one per file and calls finish() at its end. */
  chunks?: ChunkLogAssembler;
}

export function convertRecord(format: RecordFormat, value: unknown, loc: RecordLocation, ctx: ConvertContext): ImportedRecord[] {
  switch (format) {
    case 'trace':
      return fromOurTrace(value, loc);
    case 'thought-anchors-base':
      return fromBaseSolution(value, loc, ctx.sibling);
    case 'thought-anchors-solutions':
      return fromSolutionsEntry(value, loc, ctx.sibling);
    case 'qwen-math-eval':
      return fromQwenMathEval(value, loc);
    case 'openai-chat':
      return fromOpenAIChat(value, loc);
    case 'hf-chat':
      return fromHfChat(value, loc);
    case 'open-webui':
      return fromOpenWebUI(value, loc);
    case 'openai-chunks':
      if (!ctx.chunks) throw new RecordError({ field: '(record)', message: 'a streamed chunk needs the rest of its stream (read the whole file)' });
      return ctx.chunks.push(value, loc);
    case 'openai-responses':
      return fromOpenAIResponse(value, loc);
    case 'inspect-log':
      // A whole log holds many samples, each reported on its own: the reader splits it (inspectLogResults).
      throw new RecordError({ field: '(record)', message: 'an Inspect log inside a list of records: give the log file itself' });
    case 'inspect-sample':
      return fromInspectSample(value, loc);
    case 'lm-eval-sample':
      return fromLmEvalSample(value, loc);
    case 'lighteval-detail':
      return fromLightevalDetail(value, loc);
    case 'generic':
      return fromGeneric(value, loc, ctx.fields);
  }
}

/**
 * 1-based line on which each element of a top-level JSON array starts, so messages and
 * source.line can point into pretty-printed files. `text` must be valid JSON.
 */
export function arrayElementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      continue;
    }
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) continue;
    if (depth === 1 && expectElement && c !== 93) {
      lines.push(line);
      expectElement = false;
    }
    if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      depth++;
      if (depth === 1 && c === 91) expectElement = true;
    } else if (c === 93 || c === 125) depth--;
    else if (c === 44 && depth === 1) expectElement = true;
  }
  return text.trimStart().startsWith('[') ? lines : [];
}
