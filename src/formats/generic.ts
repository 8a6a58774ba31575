/**
 * Generic JSON/JSONL: a problem, an optional gold answer and the model's output, under
 * configurable field names (defaults in DEFAULT_FIELD_NAMES). Records that carry the thinking
 * separately (`thinking` + `response`, as Ollama returns them) are taken as they are.
 */
import type { TraceInput } from '../core/annotate';
import { firstPresent, kindOf, optionalAnswer, remainingFields, requireObject } from './fields';
import { holdsReasoningMarkup } from './markup';
import { RecordError, type FieldNames, type ImportedRecord, type RecordLocation } from './types';

export function fromGeneric(value: unknown, loc: RecordLocation, names: FieldNames): ImportedRecord[] {
  const obj = requireObject(value);
  const problemField = firstPresent(obj, names.problem);
  const goldField = firstPresent(obj, names.gold);
  // A thinking field that is there but not text is an error, never an empty trace.
  if (obj.thinking !== undefined && obj.thinking !== null && typeof obj.thinking !== 'string') {
    throw new RecordError({ field: 'thinking', message: `must be a string, got ${kindOf(obj.thinking)}` });
  }
  const hasSplitThinking = typeof obj.thinking === 'string';
  if (hasSplitThinking && obj.response !== undefined && obj.response !== null && typeof obj.response !== 'string') {
    throw new RecordError({ field: 'response', message: `must be a string, got ${kindOf(obj.response)}` });
  }
  const markupOnly = names.outputIfMarkup ?? [];
  const candidates = names.output.filter((n) => n !== goldField && n !== problemField);
  // `solution` without reasoning markup is a benchmark's reference solution, not model output.
  const outputField = hasSplitThinking ? undefined : firstPresent(obj, candidates.filter((n) => !markupOnly.includes(n) || holdsReasoningMarkup(obj[n])));
  if (problemField === undefined) {
    throw new RecordError({ field: names.problem.join('|'), message: 'is required (no problem field; choose one with --problem-field)' });
  }
  const problem = obj[problemField];
  if (typeof problem !== 'string') throw new RecordError({ field: problemField, message: `must be a string, got ${kindOf(problem)}` });
  const gold = goldField === undefined ? null : optionalAnswer(obj, goldField);

  const input: TraceInput = {
    problem,
    gold,
    model: typeof obj.model === 'string' ? obj.model : null,
    source: { kind: 'import:jsonl', path: loc.path, ...(loc.line !== undefined ? { line: loc.line } : {}), extra: {} },
  };
  if (typeof obj.id === 'string' && obj.id !== '') input.id = obj.id;
  else if (typeof obj.id === 'number') input.id = String(obj.id);

  const used = [problemField, 'model', 'id'];
  if (goldField) used.push(goldField);
  if (hasSplitThinking) {
    input.thinking = obj.thinking as string;
    input.response = typeof obj.response === 'string' ? obj.response : '';
    if (typeof obj.truncated === 'boolean') input.truncated = obj.truncated;
    used.push('thinking', 'response', 'truncated');
  } else {
    if (outputField === undefined) {
      const reference = candidates.find((n) => markupOnly.includes(n) && typeof obj[n] === 'string');
      throw new RecordError({
        field: names.output.join('|'),
        message: reference
          ? `is required: the record has no model output to annotate ("${reference}" has no <think> markup, so it is read as a reference solution; pass --output-field ${reference} if it is model output)`
          : 'is required: the record has no model output to annotate (choose the field with --output-field)',
      });
    }
    input.raw = outputText(obj[outputField], outputField);
    used.push(outputField);
  }
  input.source.extra = remainingFields(obj, used);
  return [{ input }];
}

/** A string, or the first string of a list of samples. */
function outputText(v: unknown, field: string): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  throw new RecordError({ field, message: `must be a string (the model output), got ${kindOf(v)}` });
}
