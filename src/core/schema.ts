/**
 * Validation of trace formats 1 and 2: the JSON Schema (schema/trace.v2.schema.json, its
 * validator generated at build time into trace-validator.generated.ts, so no file I/O and no
 * compile at run time; version 2 only adds optional fields, so it validates version-1 records
 * too) plus the rules a schema cannot express (offsets, order, text slices, which fields a
 * version-1 record may carry).
 * Field paths look like `episodes[3].verdict`; callers prefix file and line.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { validate as generatedValidator } from './trace-validator.generated';
import type { Trace } from './trace';

export interface FieldError {
  field: string;
  message: string;
}

export type TraceValidation = { ok: true; trace: Trace } | { ok: false; errors: FieldError[] };

/**
 * The schema's ajv validator, generated at build time from schema/trace.v2.schema.json
 * (scripts/trace-validator.mjs: standalone code, options allErrors, strict, verbose): compiling
 * it at run time cost every process 127 ms, up to 2 s under load, on its first validation.
 */
const schemaValidator = generatedValidator as unknown as ValidateFunction;

/** Enough errors to fix a record; a garbage record would otherwise produce hundreds. */
const MAX_ERRORS = 20;

export function validateTrace(value: unknown): TraceValidation {
  if (!schemaValidator(value)) {
    return { ok: false, errors: describeSchemaErrors(schemaValidator.errors ?? []).slice(0, MAX_ERRORS) };
  }
  const trace = value as Trace;
  const errors = semanticErrors(trace);
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, MAX_ERRORS) };
  return { ok: true, trace };
}

/** `/episodes/3/verdict` -> `episodes[3].verdict`. */
export function fieldPath(instancePath: string, child?: string): string {
  const parts = instancePath.split('/').slice(1);
  if (child !== undefined) parts.push(child);
  let out = '';
  for (const raw of parts) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(part)) out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out === '' ? '(record)' : out;
}

function describeSchemaErrors(errors: ErrorObject[]): FieldError[] {
  // anyOf failures also report every branch's error at the same path: keep only the summary.
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'anyOf' && anyOfPaths.has(e.instancePath)) continue;
    const err = describeSchemaError(e);
    const key = `${err.field}\u0000${err.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(err);
    }
  }
  return out;
}

function describeSchemaError(e: ErrorObject): FieldError {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { field: fieldPath(e.instancePath, String(params.missingProperty)), message: 'is required' };
    case 'additionalProperties':
      return {
        field: fieldPath(e.instancePath, String(params.additionalProperty)),
        message: 'is not a field of the trace format (put extra data under source.extra)',
      };
    case 'enum':
      return {
        field: fieldPath(e.instancePath),
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${preview(e.data)}`,
      };
    case 'const':
      return { field: fieldPath(e.instancePath), message: `must be ${JSON.stringify(params.allowedValue)}, got ${preview(e.data)}` };
    case 'type':
      return { field: fieldPath(e.instancePath), message: `must be ${String(params.type).replace(',', ' or ')}, got ${typeName(e.data)}` };
    case 'anyOf':
      return { field: fieldPath(e.instancePath), message: `has an invalid value ${preview(e.data)}` };
    default:
      return { field: fieldPath(e.instancePath), message: `${e.message ?? 'is invalid'}${e.data !== undefined ? `, got ${preview(e.data)}` : ''}` };
  }
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function preview(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** Rules beyond the schema: episodes are the thinking text, cut in order. */
function semanticErrors(t: Trace): FieldError[] {
  const errors: FieldError[] = [];
  const n = t.thinking.length;
  let prevEnd = 0;
  t.episodes.forEach((ep, i) => {
    const at = `episodes[${i}]`;
    if (ep.index !== i) errors.push({ field: `${at}.index`, message: `must be ${i} (episodes are numbered 0, 1, 2, ... in order), got ${ep.index}` });
    if (ep.end < ep.start) errors.push({ field: `${at}.end`, message: `must be >= start (${ep.start}), got ${ep.end}` });
    if (ep.end > n) errors.push({ field: `${at}.end`, message: `must be <= thinking length (${n}), got ${ep.end}` });
    if (ep.start < prevEnd) {
      errors.push({ field: `${at}.start`, message: `must be >= the previous episode's end (${prevEnd}), got ${ep.start}` });
    } else if (ep.start <= n && t.thinking.slice(prevEnd, ep.start).trim() !== '') {
      errors.push({ field: `${at}.start`, message: `leaves non-blank thinking text uncovered between ${prevEnd} and ${ep.start}` });
    }
    if (ep.end >= ep.start && ep.end <= n && t.thinking.slice(ep.start, ep.end) !== ep.text) {
      errors.push({ field: `${at}.text`, message: `must equal thinking.slice(${ep.start}, ${ep.end})` });
    }
    if (ep.answer === undefined && (ep.answerSource !== undefined || ep.answerRange !== undefined)) {
      errors.push({ field: `${at}.${ep.answerSource !== undefined ? 'answerSource' : 'answerRange'}`, message: 'is set but the episode states no answer' });
    }
    if (ep.answerRange !== undefined) {
      const [a, b] = ep.answerRange;
      if (a > b || a < ep.start || b > ep.end) {
        errors.push({ field: `${at}.answerRange`, message: `must lie within the episode (${ep.start}..${ep.end}) with start <= end, got [${a}, ${b}]` });
      }
    }
    prevEnd = Math.max(prevEnd, ep.end);
  });
  if (t.episodes.length > 0 && prevEnd <= n && t.thinking.slice(prevEnd).trim() !== '') {
    errors.push({ field: `episodes[${t.episodes.length - 1}].end`, message: `leaves non-blank thinking text after offset ${prevEnd} uncovered` });
  }
  if (t.episodes.length === 0 && t.thinking.trim() !== '') {
    errors.push({ field: 'episodes', message: 'must not be empty when thinking has text' });
  }
  if (t.metrics.episodes !== t.episodes.length) {
    errors.push({ field: 'metrics.episodes', message: `must equal the number of episodes (${t.episodes.length}), got ${t.metrics.episodes}` });
  }
  if (t.version === 1) errors.push(...versionTwoFields(t));
  const first = t.metrics.firstCorrectEpisode;
  if (first !== null && first >= t.episodes.length) {
    errors.push({ field: 'metrics.firstCorrectEpisode', message: `must be < the number of episodes (${t.episodes.length}), got ${first}` });
  }
  return errors;
}

/** Fields version 2 introduced: a record that says version 1 must not carry them (it would be read with the wrong meaning). */
function versionTwoFields(t: Trace): FieldError[] {
  const found: string[] = [];
  if (t.probes !== undefined) found.push('probes');
  if (Array.isArray(t.metrics.cumulativeRegret)) found.push('metrics.cumulativeRegret');
  for (const key of ['tokenCounter', 'probeTokens'] as const) if (t.metrics[key] !== undefined) found.push(`metrics.${key}`);
  const regret = (t.metrics.regret ?? []).findIndex((r) => r.comparator !== undefined);
  if (regret >= 0) found.push(`metrics.regret[${regret}].comparator`);
  if (t.budget?.attempts !== undefined) found.push('budget.attempts');
  t.episodes.forEach((ep, i) => {
    if (ep.importance !== undefined) found.push(`episodes[${i}].importance`);
    const p = ep.progress as Record<string, unknown> | undefined;
    for (const key of ['interval', 'deltaInterval', 'correct', 'noAnswer', 'entropy', 'promptTokens', 'rolloutTokens', 'recipe']) {
      if (p && p[key] !== undefined) found.push(`episodes[${i}].progress.${key}`);
    }
  });
  return found.slice(0, 5).map((field) => ({ field, message: 'is a field of trace format version 2, but the record says "version": 1 (set it to 2)' }));
}
