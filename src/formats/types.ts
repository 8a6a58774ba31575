/**
 * What format parsers produce and how they report bad records. Parsers are pure: they get
 * already-read text or parsed JSON plus the file name; reading files is src/io's job.
 */
import type { FieldError } from '../core/schema';
import type { TraceInput } from '../core/annotate';
import type { Trace } from '../core/trace';

/** Where a record came from: file path (or "-" for stdin), 1-based line, array index. */
export interface RecordLocation {
  path: string;
  line?: number;
  /** Position inside a top-level JSON array, when the file is one. */
  index?: number;
  /** A part of a container file: a zip member (`samples/1_epoch_1.json`), `samples[3]` of a JSON log, `row 12` of a Parquet file. */
  entry?: string;
}

/** One record ready for the pipeline; `trace` is set when the record already was in our format. */
export interface ImportedRecord {
  input: TraceInput;
  trace?: Trace;
}

export type RecordFormat =
  | 'trace'
  | 'qwen-math-eval'
  | 'thought-anchors-base'
  | 'thought-anchors-solutions'
  | 'openai-chat'
  | 'openai-chunks'
  | 'openai-responses'
  | 'hf-chat'
  | 'open-webui'
  | 'inspect-log'
  | 'inspect-sample'
  | 'lm-eval-sample'
  | 'lighteval-detail'
  | 'generic';
export type FileFormat = RecordFormat | 'text' | 'harmony';

/** The record formats a user may name (`--input-format`) instead of detection. */
export const RECORD_FORMATS: readonly RecordFormat[] = [
  'trace', 'qwen-math-eval', 'thought-anchors-base', 'thought-anchors-solutions', 'openai-chat', 'openai-chunks', 'openai-responses',
  'hf-chat', 'open-webui', 'inspect-log', 'inspect-sample', 'lm-eval-sample', 'lighteval-detail', 'generic',
];

/** Field names for the generic JSONL format, most preferred first. */
export interface FieldNames {
  problem: string[];
  gold: string[];
  output: string[];
  /**
   * Output fields taken only when they hold reasoning markup (`<think>`…): in benchmarks
   * `solution` is the reference solution, in Thought Anchors files it is the model's trace.
   * Empty when the output fields were chosen explicitly (`--output-field solution`).
   */
  outputIfMarkup?: string[];
}

export const DEFAULT_FIELD_NAMES: Readonly<FieldNames> = Object.freeze({
  problem: ['problem', 'question', 'prompt'],
  gold: ['gold', 'answer', 'gt', 'gt_answer'],
  output: ['output', 'response', 'completion', 'generation', 'solution'],
  outputIfMarkup: ['solution'],
});

/** Field names for a read: the defaults, with the caller's lists replacing them. */
export function resolveFieldNames(chosen: Partial<FieldNames> = {}): FieldNames {
  const names: FieldNames = { ...DEFAULT_FIELD_NAMES, ...chosen };
  // Output fields named by the caller are output, with or without markup.
  if (chosen.output && chosen.outputIfMarkup === undefined) names.outputIfMarkup = [];
  return names;
}

/** Gold answer and problem text from a Thought Anchors `problem.json` beside the traces. */
export interface SiblingProblem {
  problem?: string;
  gold?: string;
  extra: Record<string, unknown>;
}

/** A record that cannot be used, with every field that is wrong. */
export class RecordError extends Error {
  readonly errors: FieldError[];
  constructor(errors: FieldError[] | FieldError) {
    const list = Array.isArray(errors) ? errors : [errors];
    super(list.map((e) => `${e.field}: ${e.message}`).join('; '));
    this.name = 'RecordError';
    this.errors = list;
  }
}

/** `traces.jsonl:17` or `solutions.json:3[2]`, the prefix of every message about a record. */
export function formatLocation(loc: RecordLocation): string {
  let s = loc.path === '-' ? '<stdin>' : loc.path;
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.index !== undefined) s += `[${loc.index}]`;
  if (loc.entry !== undefined) s += `:${loc.entry}`;
  return s;
}
