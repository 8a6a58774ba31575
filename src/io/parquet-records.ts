/**
 * Rows of a Parquet file as JSON records, one row group at a time: the footer (metadata) is
 * read first, then each row group's column chunks, so memory is bounded by a row group, never
 * the file (lighteval details and Hugging Face datasets write groups of at most a few thousand
 * rows). Values come out as JSON (INT64 as numbers, dates as ISO text: hyparquet's toJson).
 * A row group that cannot be decoded is reported with its row range and the next is read. A
 * string whose bytes are not UTF-8 is read with U+FFFD and its row carries a warning naming the
 * column, as a JSONL line with such bytes does (so --strict refuses it like any input problem).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { readAt } from './read-at';
import { parquetMetadataAsync, parquetReadObjects, toJson, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import type { FieldError } from '../core/schema';
import { baseName, detectRecordFormat } from '../formats/detect';
import type { RecordFormat, RecordLocation } from '../formats/types';

export function isParquetFileName(path: string): boolean {
  return /\.(parquet|pq)$/i.test(baseName(path));
}

export type ParquetRow = { ok: true; loc: RecordLocation; value: unknown; warnings?: FieldError[] } | { ok: false; loc: RecordLocation; errors: FieldError[] };

const INVALID_UTF8_VALUE = 'invalid UTF-8 (bytes that are not UTF-8 were read as U+FFFD)';

/** hyparquet's string parser, but remembering each string that was not UTF-8 (read with U+FFFD). */
function utf8CheckingStrings(): { lossy: Set<string>; stringFromBytes: (bytes: Uint8Array | undefined) => string | undefined } {
  const strict = new TextDecoder('utf-8', { fatal: true });
  const lenient = new TextDecoder('utf-8');
  const lossy = new Set<string>();
  return {
    lossy,
    stringFromBytes(bytes) {
      if (!bytes) return undefined;
      try {
        return strict.decode(bytes);
      } catch {
        const text = lenient.decode(bytes);
        lossy.add(text);
        return text;
      }
    },
  };
}

/** The columns of a row holding a string that was read with U+FFFD. */
function lossyColumns(row: Record<string, unknown>, lossy: ReadonlySet<string>): string[] {
  const holds = (v: unknown): boolean => {
    if (typeof v === 'string') return lossy.has(v);
    if (Array.isArray(v)) return v.some(holds);
    return typeof v === 'object' && v !== null && Object.values(v).some(holds);
  };
  return Object.keys(row).filter((k) => holds(row[k]));
}

function asyncBuffer(handle: FileHandle, size: number): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start, end = size) {
      const bytes = await readAt(handle, start, end - start);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
    },
  };
}

/** Rows are numbered from 1, as a reader counts them: `row 1` is the first. */
export async function* parquetRows(path: string): AsyncGenerator<ParquetRow> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    yield { ok: false, loc: { path }, errors: [{ field: '(file)', message: `cannot read: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(err)}` }] };
    return;
  }
  try {
    const file = asyncBuffer(handle, (await handle.stat()).size);
    let metadata: FileMetaData;
    try {
      metadata = await parquetMetadataAsync(file);
    } catch (err) {
      yield { ok: false, loc: { path }, errors: [{ field: '(file)', message: `not a readable Parquet file: ${err instanceof Error ? err.message : String(err)}` }] };
      return;
    }
    if (Number(metadata.num_rows) === 0) {
      yield { ok: false, loc: { path }, errors: [{ field: '(file)', message: 'the Parquet file has no rows' }] };
      return;
    }
    let rowStart = 0;
    for (const group of metadata.row_groups) {
      const rowEnd = rowStart + Number(group.num_rows);
      let rows: Record<string, unknown>[];
      const strings = utf8CheckingStrings();
      try {
        rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd, parsers: { stringFromBytes: strings.stringFromBytes as (bytes: Uint8Array) => string } });
      } catch (err) {
        yield { ok: false, loc: { path, entry: `rows ${rowStart + 1}-${rowEnd}` }, errors: [{ field: '(row group)', message: `cannot be decoded: ${err instanceof Error ? err.message : String(err)}` }] };
        rowStart = rowEnd;
        continue;
      }
      for (let i = 0; i < rows.length; i++) {
        const loc = { path, entry: `row ${rowStart + i + 1}` };
        const bad = strings.lossy.size > 0 ? lossyColumns(rows[i], strings.lossy) : [];
        yield { ok: true, loc, value: toJson(rows[i]), ...(bad.length ? { warnings: bad.map((field) => ({ field, message: INVALID_UTF8_VALUE })) } : {}) };
      }
      rowStart = rowEnd;
    }
  } finally {
    await handle.close();
  }
}

/**
 * Whether a Parquet file holds model outputs in a format we read (lighteval details, chat rows)
 * rather than a problem set: judged from its first row, as detection judges a JSONL file.
 */
export async function parquetHoldsTraces(path: string): Promise<boolean> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const file = asyncBuffer(handle, (await handle.stat()).size);
    const metadata = await parquetMetadataAsync(file);
    if (Number(metadata.num_rows) === 0) return false;
    const [first] = await parquetReadObjects({ file, metadata, rowStart: 0, rowEnd: 1 });
    return first !== undefined && TRACE_ROW_FORMATS.has(detectRecordFormat(toJson(first), path));
  } catch {
    return false; // unreadable: the problem-set reader reports it
  } finally {
    await handle?.close();
  }
}

/** Record formats a Parquet row may be in; a generic row is a problem set's. */
const TRACE_ROW_FORMATS = new Set<RecordFormat>(['lighteval-detail', 'hf-chat', 'openai-chat', 'openai-responses', 'lm-eval-sample', 'inspect-sample', 'trace']);
