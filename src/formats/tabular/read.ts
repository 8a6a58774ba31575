/**
 * Readers for tabular problem sets: JSONL, JSON arrays, CSV and Parquet.
 * Every row keeps where it came from (line for JSONL/CSV, item/row index otherwise) so that
 * bad input can be reported precisely; a bad row becomes an issue, never an exception.
 * Pure: bytes or text in, a table out (src/io/tables.ts reads the file).
 */
import Papa from 'papaparse';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';

export type TableFormat = 'jsonl' | 'json' | 'csv' | 'parquet';

export interface TableRow {
  values: Record<string, unknown>;
  /** 1-based position: line number for JSONL/CSV, item/row number for JSON arrays and Parquet. */
  position: number;
  /** Human-readable location, e.g. "line 12" or "item 3". */
  where: string;
}

export interface TableIssue {
  where: string;
  position: number;
  field?: string;
  message: string;
}

export interface Table {
  format: TableFormat;
  /** Column names in first-seen order. */
  columns: string[];
  rows: TableRow[];
  issues: TableIssue[];
}

/** The extension of the last path segment, with its dot ("" when none), like node's extname. */
function extensionOf(path: string): string {
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot) : '';
}

export function formatFromPath(path: string): TableFormat | undefined {
  const ext = extensionOf(path.replace(/\.(gz)$/i, '')).toLowerCase();
  switch (ext) {
    case '.jsonl':
    case '.ndjson':
      return 'jsonl';
    case '.json':
      return 'json';
    case '.csv':
    case '.tsv':
      return 'csv';
    case '.parquet':
    case '.pq':
      return 'parquet';
    default:
      return undefined;
  }
}

/** Guess the format from content when the extension says nothing. */
export function sniffFormat(bytes: Uint8Array): TableFormat {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x41 && bytes[2] === 0x52 && bytes[3] === 0x31) return 'parquet';
  const head = new TextDecoder().decode(bytes.subarray(0, 4096)).trimStart();
  if (head.startsWith('[')) return 'json';
  if (head.startsWith('{')) {
    // A pretty-printed single object is JSON; one object per line is JSONL.
    const firstLine = head.split('\n', 1)[0].trim();
    return firstLine.endsWith('}') ? 'jsonl' : 'json';
  }
  return 'csv';
}

export async function parseTable(bytes: Uint8Array, format: TableFormat): Promise<Table> {
  switch (format) {
    case 'parquet':
      return parseParquet(bytes);
    case 'csv':
      return withUtf8Issues(parseCsv(decodeText(bytes)), bytes);
    case 'json':
      return withUtf8Issues(parseJsonArray(decodeText(bytes)), bytes);
    case 'jsonl':
      return withUtf8Issues(parseJsonl(decodeText(bytes)), bytes);
  }
}

function decodeText(bytes: Uint8Array): string {
  const text = new TextDecoder('utf-8').decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** 1-based lines holding bytes that are not UTF-8 (decoded as U+FFFD); empty for clean text. */
export function invalidUtf8Lines(bytes: Uint8Array): number[] {
  const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  try {
    fatal.decode(bytes);
    return []; // the common case: one pass
  } catch {
    const bad: number[] = [];
    let line = 1;
    for (let from = 0; from <= bytes.length; line++) {
      const nl = bytes.indexOf(0x0a, from);
      const end = nl < 0 ? bytes.length : nl;
      try {
        new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(from, end));
      } catch {
        bad.push(line);
      }
      if (nl < 0) break;
      from = nl + 1;
    }
    return bad;
  }
}

/** The table, with an issue for every line that held bytes that are not UTF-8 (the row is still read, with U+FFFD). */
function withUtf8Issues(table: Table, bytes: Uint8Array): Table {
  for (const line of invalidUtf8Lines(bytes)) {
    table.issues.push({ position: line, where: `line ${line}`, field: '(line)', message: 'invalid UTF-8 (bytes that are not UTF-8 were read as U+FFFD)' });
  }
  table.issues.sort((a, b) => a.position - b.position);
  return table;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class TableBuilder {
  private readonly seen = new Set<string>();
  readonly table: Table;
  constructor(format: TableFormat) {
    this.table = { format, columns: [], rows: [], issues: [] };
  }
  row(values: Record<string, unknown>, position: number, where: string): void {
    for (const key of Object.keys(values)) {
      if (!this.seen.has(key)) {
        this.seen.add(key);
        this.table.columns.push(key);
      }
    }
    this.table.rows.push({ values, position, where });
  }
  issue(position: number, where: string, message: string, field?: string): void {
    this.table.issues.push({ position, where, message, ...(field ? { field } : {}) });
  }
}

export function parseJsonl(text: string): Table {
  const b = new TableBuilder('jsonl');
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line.trim() === '') continue;
    const where = `line ${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      const truncated = i === lines.length - 1;
      b.issue(i + 1, where, `${truncated ? 'incomplete last line' : 'invalid JSON'}: ${(err as Error).message}`);
      continue;
    }
    if (!isPlainObject(value)) {
      b.issue(i + 1, where, `expected a JSON object, found ${Array.isArray(value) ? 'an array' : typeof value}`);
      continue;
    }
    b.row(value, i + 1, where);
  }
  return b.table;
}

export function parseJsonArray(text: string): Table {
  const b = new TableBuilder('json');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    b.issue(0, 'file', `invalid JSON: ${(err as Error).message}`);
    return b.table;
  }
  // Accept {"data": [...]} / {"rows": [...]} wrappers and a single object as one record.
  if (isPlainObject(value)) {
    const inner = ['data', 'rows', 'records', 'examples', 'problems'].map((k) => (value as Record<string, unknown>)[k]).find(Array.isArray);
    value = inner ?? [value];
  }
  if (!Array.isArray(value)) {
    b.issue(0, 'file', `expected a JSON array of objects, found ${typeof value}`);
    return b.table;
  }
  value.forEach((item, i) => {
    const where = `item ${i + 1}`;
    if (isPlainObject(item)) b.row(item, i + 1, where);
    else b.issue(i + 1, where, `expected a JSON object, found ${Array.isArray(item) ? 'an array' : typeof item}`);
  });
  return b.table;
}

export function parseCsv(text: string): Table {
  const b = new TableBuilder('csv');
  // Line starts let us turn Papa's character cursor into a line number (quoted fields may span lines).
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const lineAt = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  let rowStart = 0;
  let first = true;
  Papa.parse<Record<string, unknown>>(text, {
    header: true,
    skipEmptyLines: 'greedy',
    dynamicTyping: false,
    step: (result) => {
      // The header occupies the text before the first row's cursor; find where this row began.
      if (first) {
        rowStart = text.indexOf('\n') + 1;
        first = false;
      }
      while (rowStart < text.length && (text[rowStart] === '\n' || text[rowStart] === '\r')) rowStart++;
      const line = lineAt(rowStart);
      const where = `line ${line}`;
      rowStart = result.meta.cursor;
      for (const e of result.errors) b.issue(line, where, `CSV: ${e.message}`);
      if (result.errors.some((e) => e.type === 'Quotes')) return;
      const values = { ...result.data };
      delete (values as Record<string, unknown>).__parsed_extra;
      b.row(values, line, where);
    },
  });
  return b.table;
}

export async function parseParquet(bytes: Uint8Array): Promise<Table> {
  const b = new TableBuilder('parquet');
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  try {
    parquetMetadata(file);
  } catch (err) {
    b.issue(0, 'file', `not a readable Parquet file: ${(err as Error).message}`);
    return b.table;
  }
  const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
  rows.forEach((row, i) => b.row(normaliseParquetValues(row), i + 1, `row ${i + 1}`));
  return b.table;
}

/** BigInt (INT64) values become numbers when safe, strings otherwise, so rows stay JSON-serialisable. */
function normaliseParquetValues(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (typeof v === 'bigint') out[k] = v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
    else out[k] = v;
  }
  return out;
}
