/**
 * Dataset input: a problem set (JSONL, JSON, CSV, Parquet: problems to generate traces for)
 * or a file/directory of existing traces (annotated without regenerating, read through
 * src/io/read-records). Every record gets a stable id; unusable records become issues that
 * name file, line and field.
 */
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TraceInput } from '../../core/annotate';
import type { Trace } from '../../core/trace';
import { detectRecordFormat } from '../../formats/detect';
import { formatLocation, type FieldNames } from '../../formats/types';
import { detectFields, toProblemRecord, type FieldMapping } from '../../formats/tabular/fields';
import { readTable, type Table } from '../../formats/tabular/read';
import { readRecords } from '../../io/read-records';

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
  issues: InputIssue[];
  /** For problem sets: the field mapping used. */
  mapping?: FieldMapping;
}

export function shortHash(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 16);
}

/** Fields that mean a row carries a model's output (then it is a trace, not a problem). */
const OUTPUT_FIELDS = ['thinking', 'raw', 'full_cot', 'output', 'response', 'completion', 'generation', 'code', 'episodes'];
const THINK_MARKUP = /<think>|<\/think>|<\|begin_of_thought\|>|<\|channel\|>analysis/;

/** Decide from one record whether a JSON(L) file holds traces or problems. */
export function looksLikeTraceRecord(value: Record<string, unknown>, path: string): boolean {
  if (detectRecordFormat(value, path) !== 'generic') return true;
  if (OUTPUT_FIELDS.some((f) => f in value)) return true;
  return typeof value.solution === 'string' && THINK_MARKUP.test(value.solution);
}

/** Trace files inside a directory (Thought Anchors layouts, our traces, JSONL exports). */
export function traceFilesIn(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name === 'base_solution.json' || name === 'solutions.json' || name.endsWith('.jsonl')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

export interface LoadOptions {
  /** Force the interpretation instead of detecting it. */
  kind?: InputKind;
  mapping?: Partial<FieldMapping>;
}

export async function loadInput(path: string, opts: LoadOptions = {}): Promise<LoadedInput> {
  const traceFields = traceFieldNames(opts.mapping);
  if (statSync(path).isDirectory()) {
    if (opts.kind === 'problems') throw new Error(`${path}: a directory can only hold traces; give a problem-set file`);
    const items: InputItem[] = [];
    const issues: InputIssue[] = [];
    for (const f of traceFilesIn(path)) {
      const r = await loadTraces(f, traceFields);
      items.push(...r.items);
      issues.push(...r.issues);
    }
    return { kind: 'traces', items: dedupeIds(items), issues };
  }
  let table: Table | null = null;
  let kind = opts.kind;
  if (kind === undefined) {
    table = await readTable(path);
    const first = table.rows[0]?.values;
    const named = opts.mapping?.output;
    kind = (table.format === 'json' || table.format === 'jsonl') && first && (looksLikeTraceRecord(first, path) || (named !== undefined && first[named] != null)) ? 'traces' : 'problems';
  }
  if (kind === 'traces') {
    const r = await loadTraces(path, traceFields);
    return { kind, items: dedupeIds(r.items), issues: r.issues };
  }
  table ??= await readTable(path);
  return loadProblems(table, path, opts.mapping ?? {});
}

function loadProblems(table: Table, path: string, override: Partial<FieldMapping>): LoadedInput {
  const issues: InputIssue[] = table.issues.map((i) => ({ where: `${path}: ${i.where}`, ...(i.field ? { field: i.field } : {}), message: i.message }));
  const detected = detectFields(table.columns, override);
  if (!detected.ok) {
    if (table.rows.length === 0 && issues.length) return { kind: 'problems', items: [], issues };
    throw new Error(`${path}: ${detected.message}`);
  }
  const items: InputItem[] = [];
  for (const row of table.rows) {
    const r = toProblemRecord(row, detected.mapping);
    if (!r.ok) {
      issues.push({ where: `${path}: ${row.where}`, field: r.field, message: r.message.replace(`${row.where}: `, '') });
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
  return { kind: 'problems', items: dedupeIds(items), issues, mapping: detected.mapping };
}

/** Field names for generic trace files, from an explicit mapping (`--problem-field`, `--output-field`…). */
function traceFieldNames(mapping: Partial<FieldMapping> = {}): Partial<FieldNames> {
  return {
    ...(mapping.problem ? { problem: [mapping.problem] } : {}),
    ...(mapping.gold ? { gold: [mapping.gold] } : {}),
    ...(mapping.output ? { output: [mapping.output] } : {}),
  };
}

async function loadTraces(path: string, fields: Partial<FieldNames> = {}): Promise<{ items: InputItem[]; issues: InputIssue[] }> {
  const items: InputItem[] = [];
  const issues: InputIssue[] = [];
  for await (const r of readRecords(path, { fields })) {
    const where = formatLocation(r.loc);
    if (!r.ok) {
      for (const e of r.errors) issues.push({ where, field: e.field, message: e.message });
      continue;
    }
    const { input, trace } = r.record;
    const baseId = input.id ?? `t-${shortHash(input.problem, input.raw ?? input.thinking ?? '', input.response ?? '')}`;
    items.push({ kind: 'trace', baseId, input: { ...input, id: baseId }, ...(trace ? { trace } : {}), where });
  }
  return { items, issues };
}

/** Keep benchmark metadata (level, subject, url…) but not long texts like full solutions. */
function smallExtras(extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(extra)) {
    if (typeof v === 'string' ? v.length <= 200 : typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}

/** Repeated ids get a stable "#2", "#3" suffix in input order, so every record stays addressable. */
function dedupeIds<T extends InputItem>(items: T[]): T[] {
  const seen = new Map<string, number>();
  return items.map((it) => {
    const n = (seen.get(it.baseId) ?? 0) + 1;
    seen.set(it.baseId, n);
    if (n === 1) return it;
    const baseId = `${it.baseId}#${n}`;
    return it.kind === 'trace' ? { ...it, baseId, input: { ...it.input, id: baseId } } : { ...it, baseId };
  });
}
