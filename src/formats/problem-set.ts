/**
 * Telling a problem set (problems with reference answers or solutions, no model output) from
 * a file of traces, from one record. Used by the offline annotator, which must not mistake a
 * benchmark's reference `solution` for a model's output, and shared with the dataset loader.
 */
import { detectRecordFormat } from './detect';
import { firstPresent, isObject } from './fields';
import { holdsReasoningMarkup } from './markup';
import { GOLD_FIELDS, PROBLEM_FIELDS } from './tabular/fields';
import { DEFAULT_FIELD_NAMES, type FieldNames } from './types';

/** Fields that, when present, mean the record carries a model's output. */
export const MODEL_OUTPUT_FIELDS: readonly string[] = ['thinking', 'raw', 'full_cot', 'output', 'response', 'completion', 'generation', 'code', 'episodes'];

export { holdsReasoningMarkup };

/**
 * Whether one record holds a model's output: a known trace format, an output field, or a
 * field that is output only with reasoning markup in it (`solution`). `outputFields` are the
 * caller's explicit output fields (`--output-field`): present means output.
 */
export function recordHasModelOutput(value: Record<string, unknown>, path: string, outputFields: readonly string[] = []): boolean {
  if (detectRecordFormat(value, path) !== 'generic') return true;
  if (MODEL_OUTPUT_FIELDS.some((f) => f in value)) return true;
  if (outputFields.some((f) => value[f] !== undefined && value[f] !== null)) return true;
  const markupOnly = DEFAULT_FIELD_NAMES.outputIfMarkup ?? [];
  return markupOnly.some((f) => holdsReasoningMarkup(value[f]));
}

export interface ProblemRecordShape {
  problemField: string;
  goldField?: string;
}

function pickCaseInsensitive(keys: string[], candidates: readonly string[]): string | undefined {
  const byLower = new Map(keys.map((k) => [k.toLowerCase(), k]));
  for (const c of candidates) {
    const hit = byLower.get(c);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/**
 * The problem and gold fields of a record that is a problem with no model output, or null
 * when it is (or may be) a trace, or has no problem field at all. Field names are the
 * caller's (`--problem-field`, `--gold-field`) first, then the names problem sets use.
 */
export function problemRecordShape(value: unknown, path: string, names: Partial<FieldNames> = {}, explicitOutputFields: readonly string[] = []): ProblemRecordShape | null {
  if (!isObject(value)) return null;
  if (recordHasModelOutput(value, path, explicitOutputFields)) return null;
  const keys = Object.keys(value).filter((k) => value[k] !== undefined && value[k] !== null);
  const problemField = (names.problem && firstPresent(value, names.problem)) || pickCaseInsensitive(keys, PROBLEM_FIELDS);
  if (problemField === undefined || typeof value[problemField] !== 'string') return null;
  const goldField = (names.gold && firstPresent(value, names.gold)) || pickCaseInsensitive(keys, [...DEFAULT_FIELD_NAMES.gold, ...GOLD_FIELDS]);
  return { problemField, ...(goldField !== undefined && goldField !== problemField ? { goldField } : {}) };
}
