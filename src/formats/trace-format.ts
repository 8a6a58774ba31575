/**
 * Our own trace format v1. A complete record (what the tool writes) is validated against the
 * schema on read. A minimal one, hand-made or exported elsewhere, that carries only what cannot
 * be recomputed (id, problem, gold, thinking, response, model, and no episodes, metrics or
 * final) is read as raw input: annotating recomputes the derived fields.
 */
import { validateTrace } from '../core/schema';
import { traceToInput, type TraceInput } from '../core/annotate';
import { isObject, kindOf, optionalAnswer, remainingFields } from './fields';
import { RecordError, type ImportedRecord, type RecordLocation } from './types';

export function looksLikeOurTrace(value: unknown): boolean {
  return isObject(value) && 'version' in value;
}

/** Fields only the tool derives: a record with any of them is a complete trace, checked strictly. */
const DERIVED_FIELDS = ['episodes', 'metrics', 'final'];

export function fromOurTrace(value: unknown, loc: RecordLocation = { path: '-' }): ImportedRecord[] {
  if (isObject(value) && (value.version === 1 || value.version === 2) && !DERIVED_FIELDS.some((f) => f in value)) return [{ input: minimalTraceInput(value, loc) }];
  const r = validateTrace(value);
  if (!r.ok) throw new RecordError(r.errors);
  return [{ input: traceToInput(r.trace), trace: r.trace }];
}

function minimalTraceInput(obj: Record<string, unknown>, loc: RecordLocation): TraceInput {
  const errors: { field: string; message: string }[] = [];
  const text = (field: string, required: boolean): string | undefined => {
    const v = obj[field];
    if (v === undefined || v === null) {
      if (required) errors.push({ field, message: 'is required (a minimal trace needs problem and thinking)' });
      return undefined;
    }
    if (typeof v !== 'string') errors.push({ field, message: `must be a string, got ${kindOf(v)}` });
    return typeof v === 'string' ? v : undefined;
  };
  const problem = text('problem', true);
  const thinking = text('thinking', true);
  const response = text('response', false);
  const model = text('model', false);
  const id = text('id', false);
  let gold: string | null = null;
  try {
    gold = optionalAnswer(obj, 'gold');
  } catch (err) {
    if (err instanceof RecordError) errors.push(...err.errors);
  }
  if (errors.length > 0) throw new RecordError(errors);
  const extra = remainingFields(obj, ['version', 'id', 'problem', 'gold', 'thinking', 'response', 'model', 'truncated']);
  const input: TraceInput = {
    problem: problem as string,
    gold,
    model: model ?? null,
    source: { kind: 'import:trace-minimal', path: loc.path, ...(loc.line !== undefined ? { line: loc.line } : {}), extra },
    thinking: thinking as string,
    response: response ?? '',
    truncated: obj.truncated === true,
  };
  if (thinking === '') extra.noReasoning = true;
  if (id !== undefined && id !== '') input.id = id;
  return input;
}
