/** Small typed accessors that turn a wrong field into a RecordError naming it. */
import { RecordError } from './types';

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function requireObject(v: unknown, what = 'record'): JsonObject {
  if (!isObject(v)) {
    const got = v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
    throw new RecordError({ field: '(record)', message: `must be a JSON object (${what}), got ${got}` });
  }
  return v;
}

export function requireString(obj: JsonObject, field: string, prefix = ''): string {
  const v = obj[field];
  if (v === undefined || v === null) throw new RecordError({ field: prefix + field, message: 'is required' });
  if (typeof v !== 'string') throw new RecordError({ field: prefix + field, message: `must be a string, got ${kindOf(v)}` });
  return v;
}

/** Answers are often numbers in datasets (AMC: 27.0); keep their text form. */
export function optionalAnswer(obj: JsonObject, field: string, prefix = ''): string | null {
  const v = obj[field];
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new RecordError({ field: prefix + field, message: `must be a string or number, got ${kindOf(v)}` });
}

export function firstPresent(obj: JsonObject, names: readonly string[]): string | undefined {
  return names.find((n) => obj[n] !== undefined && obj[n] !== null);
}

export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Copies every field not consumed by the importer, so no source data is lost. */
export function remainingFields(obj: JsonObject, used: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!used.includes(k)) out[k] = v;
  return out;
}
