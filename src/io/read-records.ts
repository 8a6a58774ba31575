/**
 * Reads any supported input file (or stdin for "-") as a stream of trace records, each either
 * ready for the pipeline or a list of field errors with its file and line. Bad records never
 * stop the rest; nothing is dropped or changed silently: a record that is read but was not
 * clean carries warnings (a line with bytes that are not UTF-8, read with U+FFFD; an id
 * repeated from an earlier line, made unique as `id#2`), and empty input is an error, never
 * an empty trace. Every message is made safe to print (terminalSafeLine): they quote input.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FieldError } from '../core/schema';
import { terminalSafeLine } from '../core/terminal-text';
import { arrayElementLines, baseName, convertRecord, convertText, detectContainer, detectRecordFormat, looksBinary } from '../formats/detect';
import { ChunkLogAssembler } from '../formats/chat-chunks';
import { inspectLogResults, looksLikeInspectLog } from '../formats/inspect';
import { recordShapeError } from '../formats/record-shape';
import { parseSiblingProblem } from '../formats/thought-anchors';
import { RecordError, formatLocation, resolveFieldNames, type FieldNames, type FileFormat, type ImportedRecord, type RecordFormat, type RecordLocation, type SiblingProblem } from '../formats/types';
import { isInspectEvalFileName, readInspectEval } from './inspect-eval';
import { readJsonl } from './jsonl';
import { isParquetFileName, parquetRows } from './parquet-records';
import { peekChunks, readAllText, textChunks, type DecodedText } from './lines';

export interface ReadOptions {
  /** Field names for the generic JSONL format (each list replaces the default list). */
  fields?: Partial<FieldNames>;
  /** The text to read instead of opening `path` (stdin already read by a check; a DecodedText keeps its UTF-8 report). */
  source?: AsyncIterable<string>;
  /**
   * Read every record as this format instead of detecting it (`--input-format`): a record that
   * is not of it is reported as that format's field error, never taken for another format.
   */
  format?: RecordFormat;
}

export type RecordResult =
  | { ok: true; loc: RecordLocation; format: FileFormat; record: ImportedRecord; warnings?: FieldError[] }
  | { ok: false; loc: RecordLocation; errors: FieldError[] };

/** The warning for a line whose bytes are not all UTF-8. */
export const INVALID_UTF8 = 'invalid UTF-8 (bytes that are not UTF-8 were read as U+FFFD)';

export async function* readRecords(path: string, opts: ReadOptions = {}): AsyncGenerator<RecordResult> {
  const ids = new UniqueIds();
  for await (const r of readRawRecords(path, opts)) yield safe(r.ok ? ids.check(r) : r);
}

async function* readRawRecords(path: string, opts: ReadOptions): AsyncGenerator<RecordResult> {
  const fields: FieldNames = resolveFieldNames(opts.fields);
  // Binary containers, read by random access one sample or row group at a time.
  if (!opts.source && isInspectEvalFileName(path) && (opts.format === undefined || opts.format === 'inspect-sample' || opts.format === 'inspect-log')) {
    yield* readInspectEval(path);
    return;
  }
  if (!opts.source && isParquetFileName(path)) {
    const converter = new RecordConverter(path, fields, opts.format);
    for await (const row of parquetRows(path)) {
      if (!row.ok) yield row;
      else for (const result of await converter.convert(row.value, row.loc)) yield row.warnings ? withWarnings(result, row.warnings) : result;
    }
    return;
  }
  let head: string;
  let all: AsyncIterable<string>;
  const source = opts.source ?? textChunks(path);
  const invalidUtf8 = (source as Partial<DecodedText>).invalidUtf8Lines ?? new Set<number>();
  try {
    ({ head, all } = await peekChunks(source));
  } catch (err) {
    yield fileError(path, `cannot read: ${describeIoError(err)}`);
    return;
  }
  if (looksBinary(head)) {
    yield fileError(path, 'looks like a binary file (NUL bytes or invalid UTF-8), not text or JSON');
    return;
  }
  const container = detectContainer(path, head);
  const converter = new RecordConverter(path, fields, opts.format);
  if (opts.format !== undefined && container === 'text') {
    yield fileError(path, `--input-format ${opts.format} reads JSON or JSONL records, and ${formatLocation({ path })} is text (leave --input-format out to read it as text)`);
    return;
  }
  try {
    if (container === 'jsonl') {
      for await (const r of readJsonl(all)) {
        const loc: RecordLocation = { path, line: r.line };
        const utf8: FieldError[] = invalidUtf8.has(r.line) ? [{ field: '(line)', message: INVALID_UTF8 }] : [];
        if (!r.ok) {
          yield { ok: false, loc, errors: [...utf8, { field: '(line)', message: r.message }] };
          continue;
        }
        for (const result of await converter.convert(r.value, loc)) yield utf8.length ? withWarnings(result, utf8) : result;
      }
      yield* converter.finish();
    } else if (container === 'json') {
      const text = await readAllText(all);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        yield { ok: false, loc: { path, line: lineOfJsonError(err, text) }, errors: [{ field: '(file)', message: `invalid JSON: ${shortJsonError(err)}` }] };
        return;
      }
      const utf8 = utf8Warnings(invalidUtf8);
      if ((opts.format === undefined || opts.format === 'inspect-log') && looksLikeInspectLog(value)) {
        yield* inspectLogResults(value, path).map((result, i) => (i === 0 && utf8.length ? withWarnings(result, utf8) : result));
      } else if (Array.isArray(value)) {
        const lines = arrayElementLines(text);
        for (let i = 0; i < value.length; i++) {
          for (const result of await converter.convert(value[i], { path, line: lines[i], index: i })) yield i === 0 && utf8.length ? withWarnings(result, utf8) : result;
        }
        yield* converter.finish();
        if (value.length === 0) yield fileError(path, `no traces in ${formatLocation({ path })}: the JSON array is empty`);
      } else {
        for (const result of await converter.convert(value, { path, line: 1 })) yield utf8.length ? withWarnings(result, utf8) : result;
        yield* converter.finish();
      }
    } else {
      const text = await readAllText(all);
      if (text.trim() === '') {
        yield fileError(path, `no traces in ${formatLocation({ path })}: it is empty`);
        return;
      }
      const utf8 = utf8Warnings(invalidUtf8);
      let read: ReturnType<typeof convertText>;
      try {
        read = convertText(text, path);
      } catch (err) {
        yield { ok: false, loc: { path, line: 1 }, errors: err instanceof RecordError ? err.errors : [{ field: '(file)', message: String(err) }] };
        return;
      }
      for (const record of read.records) yield { ok: true, loc: { path, line: record.input.source.line ?? 1 }, format: read.format, record, ...(utf8.length ? { warnings: utf8 } : {}) };
    }
  } catch (err) {
    yield fileError(path, `read failed: ${describeIoError(err)}`);
  }
}

/**
 * Decides the record format from the first usable record (or takes `--input-format`), then
 * converts every record with it. A later record not in that format's shape is reported as a
 * field error naming what it lacks (recordShapeError), never handed to the converter.
 */
class RecordConverter {
  private format: RecordFormat | null;
  /** Why records are read as `format`: for the message about one that is not. */
  private formatReason: string;
  private sibling: SiblingProblem | null | undefined;
  private siblingErrors: RecordResult[] = [];
  /** Streamed chunk logs: pieces gathered across records until their choice finishes. */
  private readonly chunks = new ChunkLogAssembler();

  constructor(
    private readonly path: string,
    private readonly fields: FieldNames,
    forced?: RecordFormat,
  ) {
    this.format = forced ?? null;
    this.formatReason = forced ? `named by --input-format ${forced}` : '';
  }

  async convert(value: unknown, loc: RecordLocation): Promise<RecordResult[]> {
    if (this.format !== null) {
      const deviation = recordShapeError(this.format, value, this.formatReason);
      if (deviation) return [{ ok: false, loc, errors: [deviation] }];
    }
    const format = this.format ?? detectRecordFormat(value, this.path);
    const out: RecordResult[] = [];
    if ((format === 'thought-anchors-base' || format === 'thought-anchors-solutions') && this.sibling === undefined) {
      this.sibling = await this.readSibling();
      out.push(...this.siblingErrors);
    }
    try {
      const records = convertRecord(format, value, loc, { fields: this.fields, sibling: this.sibling ?? null, chunks: this.chunks });
      if (this.format === null) {
        this.format = format;
        this.formatReason = `the file's format, detected from its record at ${whereInFile(loc)}`;
      }
      for (const record of records) out.push({ ok: true, loc, format, record });
    } catch (err) {
      out.push({ ok: false, loc, errors: err instanceof RecordError ? err.errors : [{ field: '(record)', message: `could not be read: ${String(err)}` }] });
    }
    return out;
  }

  /** Streams still open at the end of the file, read as cut off. */
  finish(): RecordResult[] {
    if (this.format !== 'openai-chunks') return [];
    return this.chunks.finish().map((record) => ({ ok: true, loc: { path: this.path, line: record.input.source.line }, format: 'openai-chunks', record }));
  }

  /** Thought Anchors keep problem and gold answer in problem.json beside the traces. */
  private async readSibling(): Promise<SiblingProblem | null> {
    if (this.path === '-' || baseName(this.path) === 'problem.json') return null;
    const siblingPath = join(dirname(this.path), 'problem.json');
    let text: string;
    try {
      text = await readFile(siblingPath, 'utf8');
    } catch {
      return null; // optional: the problem text then comes from the prompt, and there is no gold
    }
    try {
      return parseSiblingProblem(JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text));
    } catch (err) {
      const errors = err instanceof RecordError ? err.errors : [{ field: '(file)', message: `invalid JSON: ${shortJsonError(err)}` }];
      this.siblingErrors.push({ ok: false, loc: { path: siblingPath, line: 1 }, errors });
      return null;
    }
  }
}

/** `line 3`, `row 12`, `[4]`: where in its file a record is, for messages that name another record. */
function whereInFile(loc: RecordLocation): string {
  const parts = [loc.line !== undefined ? `line ${loc.line}` : '', loc.index !== undefined ? `[${loc.index}]` : '', loc.entry ?? ''].filter(Boolean);
  return parts.join(' ') || 'its start';
}

/** For a whole-file record: the lines that held bad bytes, named in the message. */
function utf8Warnings(lines: ReadonlySet<number>): FieldError[] {
  if (lines.size === 0) return [];
  const list = [...lines].sort((a, b) => a - b);
  const shown = list.slice(0, 10).join(', ') + (list.length > 10 ? ', …' : '');
  return [{ field: '(file)', message: `${INVALID_UTF8} on line${list.length > 1 ? 's' : ''} ${shown}` }];
}

function withWarnings(result: RecordResult, warnings: FieldError[]): RecordResult {
  if (!result.ok) return { ...result, errors: [...warnings, ...result.errors] };
  return { ...result, warnings: [...(result.warnings ?? []), ...warnings] };
}

/** Every text that may quote input, made safe to print. */
function safe(result: RecordResult): RecordResult {
  const clean = (errors: FieldError[]): FieldError[] => errors.map((e) => ({ field: terminalSafeLine(e.field), message: terminalSafeLine(e.message) }));
  if (!result.ok) return { ...result, errors: clean(result.errors) };
  return result.warnings ? { ...result, warnings: clean(result.warnings) } : result;
}

/**
 * Ids seen in one file: a repeated id is made unique (`a#2`, `a#3`, skipping ids the file
 * uses itself) and reported as a warning naming the line it repeats.
 */
class UniqueIds {
  private readonly firstLine = new Map<string, number | undefined>();
  private readonly used = new Set<string>();

  check(result: Extract<RecordResult, { ok: true }>): RecordResult {
    const id = result.record.input.id;
    if (id === undefined) return result;
    if (!this.used.has(id)) {
      this.used.add(id);
      this.firstLine.set(id, result.loc.line);
      return result;
    }
    let n = 2;
    while (this.used.has(`${id}#${n}`)) n++;
    const unique = `${id}#${n}`;
    this.used.add(unique);
    const first = this.firstLine.get(id);
    const record: ImportedRecord = {
      input: { ...result.record.input, id: unique },
      ...(result.record.trace ? { trace: { ...result.record.trace, id: unique } } : {}),
    };
    const where = first !== undefined ? `line ${first}` : 'an earlier record';
    return withWarnings({ ...result, record }, [{ field: 'id', message: `duplicate of ${where}; written as "${unique}"` }]);
  }
}

function fileError(path: string, message: string): RecordResult {
  return { ok: false, loc: { path }, errors: [{ field: '(file)', message }] };
}

function describeIoError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return 'no such file';
  if (e?.code === 'EISDIR') return 'is a directory';
  if (e?.code === 'EACCES') return 'permission denied';
  return e instanceof Error ? e.message : String(err);
}

function shortJsonError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.length > 160 ? `${message.slice(0, 157)}...` : message;
}

/** Node reports "... at position N"; turn N into a 1-based line. */
function lineOfJsonError(err: unknown, text: string): number {
  const m = /position (\d+)/.exec(err instanceof Error ? err.message : '');
  if (!m) return 1;
  const pos = Math.min(Number(m[1]), text.length);
  let line = 1;
  for (let i = 0; i < pos; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
