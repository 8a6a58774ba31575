/** Our own trace format v1: every record is validated against the schema on read. */
import { validateTrace } from '../core/schema';
import { traceToInput } from '../core/annotate';
import { isObject } from './fields';
import { RecordError, type ImportedRecord } from './types';

export function looksLikeOurTrace(value: unknown): boolean {
  return isObject(value) && 'version' in value;
}

export function fromOurTrace(value: unknown): ImportedRecord[] {
  const r = validateTrace(value);
  if (!r.ok) throw new RecordError(r.errors);
  return [{ input: traceToInput(r.trace), trace: r.trace }];
}
