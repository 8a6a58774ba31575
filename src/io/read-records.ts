/**
 * Reads any supported input file (or stdin for "-") as a stream of trace records, each either
 * ready for the pipeline or a list of field errors with its file and line. Bad records never
 * stop the rest; nothing is dropped silently.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FieldError } from '../core/schema';
import { arrayElementLines, baseName, convertRecord, detectContainer, detectRecordFormat, looksBinary } from '../formats/detect';
import { fromPlainText } from '../formats/text';
import { parseSiblingProblem } from '../formats/thought-anchors';
import { RecordError, resolveFieldNames, type FieldNames, type ImportedRecord, type RecordFormat, type RecordLocation, type SiblingProblem } from '../formats/types';
import { readJsonl } from './jsonl';
import { peekChunks, readAllText, textChunks } from './lines';

export interface ReadOptions {
  /** Field names for the generic JSONL format (each list replaces the default list). */
  fields?: Partial<FieldNames>;
  /** The text to read instead of opening `path` (stdin already read by a check). */
  source?: AsyncIterable<string>;
}

export type RecordResult =
  | { ok: true; loc: RecordLocation; format: RecordFormat | 'text'; record: ImportedRecord }
  | { ok: false; loc: RecordLocation; errors: FieldError[] };

export async function* readRecords(path: string, opts: ReadOptions = {}): AsyncGenerator<RecordResult> {
  const fields: FieldNames = resolveFieldNames(opts.fields);
  let head: string;
  let all: AsyncIterable<string>;
  try {
    ({ head, all } = await peekChunks(opts.source ?? textChunks(path)));
  } catch (err) {
    yield fileError(path, `cannot read: ${describeIoError(err)}`);
    return;
  }
  if (looksBinary(head)) {
    yield fileError(path, 'looks like a binary file (NUL bytes or invalid UTF-8), not text or JSON');
    return;
  }
  const container = detectContainer(path, head);
  const converter = new RecordConverter(path, fields);
  try {
    if (container === 'jsonl') {
      for await (const r of readJsonl(all)) {
        const loc: RecordLocation = { path, line: r.line };
        if (!r.ok) {
          yield { ok: false, loc, errors: [{ field: '(line)', message: r.message }] };
          continue;
        }
        yield* await converter.convert(r.value, loc);
      }
    } else if (container === 'json') {
      const text = await readAllText(all);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        yield { ok: false, loc: { path, line: lineOfJsonError(err, text) }, errors: [{ field: '(file)', message: `invalid JSON: ${shortJsonError(err)}` }] };
        return;
      }
      if (Array.isArray(value)) {
        const lines = arrayElementLines(text);
        for (let i = 0; i < value.length; i++) yield* await converter.convert(value[i], { path, line: lines[i], index: i });
      } else {
        yield* await converter.convert(value, { path, line: 1 });
      }
    } else {
      const text = await readAllText(all);
      for (const record of fromPlainText(text, path)) yield { ok: true, loc: { path, line: 1 }, format: 'text', record };
    }
  } catch (err) {
    yield fileError(path, `read failed: ${describeIoError(err)}`);
  }
}

/** Decides the record format from the first usable record, then converts every record with it. */
class RecordConverter {
  private format: RecordFormat | null = null;
  private sibling: SiblingProblem | null | undefined;
  private siblingErrors: RecordResult[] = [];

  constructor(
    private readonly path: string,
    private readonly fields: FieldNames,
  ) {}

  async convert(value: unknown, loc: RecordLocation): Promise<RecordResult[]> {
    const format = this.format ?? detectRecordFormat(value, this.path);
    const out: RecordResult[] = [];
    if ((format === 'thought-anchors-base' || format === 'thought-anchors-solutions') && this.sibling === undefined) {
      this.sibling = await this.readSibling();
      out.push(...this.siblingErrors);
    }
    try {
      const records = convertRecord(format, value, loc, { fields: this.fields, sibling: this.sibling ?? null });
      this.format = format;
      for (const record of records) out.push({ ok: true, loc, format, record });
    } catch (err) {
      out.push({ ok: false, loc, errors: err instanceof RecordError ? err.errors : [{ field: '(record)', message: `could not be read: ${String(err)}` }] });
    }
    return out;
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
