/**
 * Dataset input: a problem set (JSONL, JSON, CSV, Parquet: problems to generate traces for)
 * or a file/directory of existing traces (annotated without regenerating, read through
 * src/io/read-records; directories walked by src/io/inputs like every command). Every record
 * gets a stable id; unusable records become issues that name file, line and field.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import type { TraceInput } from '../../core/annotate';
import type { Trace } from '../../core/trace';
import { recordHasModelOutput } from '../../formats/problem-set';
import { formatLocation, type FieldNames, type RecordFormat } from '../../formats/types';
import { detectFields, toProblemRecord, type FieldMapping } from '../../formats/tabular/fields';
import type { Table } from '../../formats/tabular/read';
import { holdsTracesByKind, traceFilesUnder } from '../../io/inputs';
import { INVALID_UTF8, readRecords } from '../../io/read-records';
import { readTable } from '../../io/tables';

export type InputKind = 'problems' | 'traces';

export interface ProblemItem {
  kind: 'problem';
  /** The input's own id (when it has one), else a hash of the problem text. */
  baseId: string;
  problem: string;
  gold: string | null;
  where: string;
  extra: Record<string, unknown>;
}

export interface TraceItem {
  kind: 'trace';
  baseId: string;
  input: TraceInput;
  /** Set when the record already was one of our traces (its progress can be kept). */
  trace?: Trace;
  where: string;
}

export type InputItem = ProblemItem | TraceItem;

export interface InputIssue {
  where: string;
  field?: string;
  message: string;
}

export interface LoadedInput {
  kind: InputKind;
  items: InputItem[];
  /** Unusable records: reported and skipped. */
  issues: InputIssue[];
  /**
   * Records read but not clean (bytes that are not UTF-8 read as U+FFFD, an id repeated and
   * made unique): reported, still processed; `--strict` refuses them like issues.
   */
  warnings: InputIssue[];
  /** For problem sets: the field mapping used. */
  mapping?: FieldMapping;
}

export function shortHash(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 16);
}

/**
 * Field names the user chose (`--problem-field a,b`…): each list is tried in order, in problem
 * sets (the first that is a column) and in trace files (the first present in a record).
 */
export interface FieldChoice {
  problem?: string | string[];
  gold?: string | string[];
  output?: string | string[];
  /** Problem sets: the id column. */
  id?: string;
}

const listOf = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The choice as the job's configuration records it: one name stays a string (older jobs resume). */
export function normalizeFieldChoice(choice: FieldChoice | undefined): FieldChoice | undefined {
  if (!choice) return undefined;
  const out: FieldChoice = {};
  for (const key of ['problem', 'gold', 'output'] as const) {
    const names = listOf(choice[key]);
    if (names.length) out[key] = names.length === 1 ? names[0] : names;
  }
  if (choice.id) out.id = choice.id;
  return Object.keys(out).length ? out : undefined;
}

export interface LoadOptions {
  /** Force the interpretation instead of detecting it. */
  kind?: InputKind;
  mapping?: FieldChoice;
  /** Files never taken from a directory (the job's own output). */
  exclude?: string[];
  /** `--input-format`: the records are traces of this format (no detection). */
  format?: RecordFormat;
}

export async function loadInput(path: string, opts: LoadOptions = {}): Promise<LoadedInput> {
  const traceFields = traceFieldNames(opts.mapping);
  if (statSync(path).isDirectory()) {
    if (opts.kind === 'problems') throw new Error(`${path}: a directory can only hold traces; give a problem-set file`);
    const items: InputItem[] = [];
    const issues: InputIssue[] = [];
    const warnings: InputIssue[] = [];
    for (const f of await traceFilesUnder(path, opts.exclude)) {
      const r = await loadTraces(f, traceFields, opts.format);
      items.push(...r.items);
      issues.push(...r.issues);
      warnings.push(...r.warnings);
    }
    return { kind: 'traces', ...uniqueIds(items, warnings), issues };
  }
  let table: Table | null = null;
  let kind = opts.kind;
  // A named record format is a trace format: no problem-set detection.
  if (kind === undefined && opts.format !== undefined) kind = 'traces';
  if (kind === undefined && (await holdsTracesByKind(path))) kind = 'traces';
  if (kind === undefined) {
    table = await readTable(path);
    const first = table.rows[0]?.values;
    kind = (table.format === 'json' || table.format === 'jsonl') && first && recordHasModelOutput(first, path, listOf(opts.mapping?.output)) ? 'traces' : 'problems';
  }
  if (kind === 'traces') {
    const r = await loadTraces(path, traceFields, opts.format);
    return { kind, ...uniqueIds(r.items, r.warnings), issues: r.issues };
  }
  table ??= await readTable(path);
  return loadProblems(table, path, opts.mapping ?? {});
}

/** The first chosen name of each list that is a column; none present: the error names them all. */
function columnChoice(columns: string[], choice: FieldChoice): Partial<FieldMapping> | string {
  const out: Partial<FieldMapping> = {};
  for (const key of ['problem', 'gold'] as const) {
    const names = listOf(choice[key]);
    if (names.length === 0) continue;
    const hit = names.find((n) => columns.includes(n));
    if (hit === undefined) return `none of the ${key} field(s) ${names.map((n) => `"${n}"`).join(', ')} is a column; columns are: ${columns.join(', ') || '(none)'}`;
    out[key] = hit;
  }
  if (choice.id !== undefined) out.id = choice.id;
  return out;
}

function loadProblems(table: Table, path: string, choice: FieldChoice): LoadedInput {
  const issues: InputIssue[] = [];
  const warnings: InputIssue[] = [];
  for (const i of table.issues) {
    // A line with bytes that are not UTF-8 is still read (with U+FFFD): a warning, not a skipped row.
    (i.message.startsWith(INVALID_UTF8) ? warnings : issues).push({ where: issueWhere(path, i.where), ...(i.field ? { field: i.field } : {}), message: i.message });
  }
  const override = columnChoice(table.columns, choice);
  if (typeof override === 'string') {
    if (table.rows.length === 0 && issues.length) return { kind: 'problems', items: [], issues, warnings };
    throw new Error(`${path}: ${override}`);
  }
  const detected = detectFields(table.columns, override);
  if (!detected.ok) {
    if (table.rows.length === 0 && issues.length) return { kind: 'problems', items: [], issues, warnings };
    throw new Error(`${path}: ${detected.message}`);
  }
  const items: InputItem[] = [];
  for (const row of table.rows) {
    const r = toProblemRecord(row, detected.mapping);
    if (!r.ok) {
      issues.push({ where: issueWhere(path, row.where), field: r.field, message: r.message.replace(`${row.where}: `, '') });
      continue;
    }
    const { record } = r;
    items.push({
      kind: 'problem',
      baseId: record.inputId ?? `p-${shortHash(record.problem)}`,
      problem: record.problem,
      gold: record.gold,
      where: `${path}: ${record.where}`,
      extra: smallExtras(record.extra),
    });
  }
  return { kind: 'problems', ...uniqueIds(items, warnings), issues, mapping: detected.mapping };
}

/** `set.jsonl:7` for a table's "line 7" (the `file:line: field: message` form); `set.json: item 3` otherwise. */
function issueWhere(path: string, where: string): string {
  const line = /^line (\d+)$/.exec(where);
  return line ? `${path}:${line[1]}` : `${path}: ${where}`;
}

/** Field names for generic trace files, from an explicit choice (`--problem-field`, `--output-field`…), in order. */
function traceFieldNames(choice: FieldChoice = {}): Partial<FieldNames> {
  const names: Partial<FieldNames> = {};
  for (const key of ['problem', 'gold', 'output'] as const) {
    const list = listOf(choice[key]);
    if (list.length) names[key] = list;
  }
  return names;
}

async function loadTraces(path: string, fields: Partial<FieldNames> = {}, format?: RecordFormat): Promise<{ items: InputItem[]; issues: InputIssue[]; warnings: InputIssue[] }> {
  const items: InputItem[] = [];
  const issues: InputIssue[] = [];
  const warnings: InputIssue[] = [];
  for await (const r of readRecords(path, { fields, ...(format ? { format } : {}) })) {
    const where = formatLocation(r.loc);
    if (!r.ok) {
      for (const e of r.errors) issues.push({ where, field: e.field, message: e.message });
      continue;
    }
    for (const w of r.warnings ?? []) warnings.push({ where, field: w.field, message: w.message });
    const { input, trace } = r.record;
    const baseId = input.id ?? `t-${shortHash(input.problem, input.raw ?? input.thinking ?? '', input.response ?? '')}`;
    items.push({ kind: 'trace', baseId, input: { ...input, id: baseId }, ...(trace ? { trace } : {}), where });
  }
  return { items, issues, warnings };
}

/** Keep benchmark metadata (level, subject, url…) but not long texts like full solutions. */
function smallExtras(extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(extra)) {
    if (typeof v === 'string' ? v.length <= 200 : typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}

/**
 * Repeated ids get a stable "#2", "#3" suffix in input order, so every record stays addressable;
 * each one is said in `warnings` (within one trace file the reader already did this and said so,
 * so what is left here are repeats across files and in problem sets).
 */
function uniqueIds<T extends InputItem>(items: T[], warnings: InputIssue[]): { items: T[]; warnings: InputIssue[] } {
  const seen = new Map<string, number>();
  const firstWhere = new Map<string, string>();
  const out = items.map((it) => {
    const n = (seen.get(it.baseId) ?? 0) + 1;
    seen.set(it.baseId, n);
    if (n === 1) {
      firstWhere.set(it.baseId, it.where);
      return it;
    }
    const baseId = `${it.baseId}#${n}`;
    warnings.push({ where: it.where, field: 'id', message: `duplicate of ${firstWhere.get(it.baseId)}; written as "${baseId}"` });
    return it.kind === 'trace' ? { ...it, baseId, input: { ...it.input, id: baseId } } : { ...it, baseId };
  });
  return { items: out, warnings };
}
