/**
 * Qwen2.5-Math evaluation output (also SkyThought's): `question`, `gt`, `code` (one generation
 * per sample), `pred`, `score`. Each generation becomes one trace.
 */
import type { TraceInput } from '../core/annotate';
import { isObject, kindOf, optionalAnswer, remainingFields, requireObject, requireString, type JsonObject } from './fields';
import { RecordError, type ImportedRecord, type RecordLocation } from './types';

export function looksLikeQwenMathEval(value: unknown): boolean {
  return isObject(value) && typeof value.question === 'string' && Array.isArray(value.code);
}

export function fromQwenMathEval(value: unknown, loc: RecordLocation): ImportedRecord[] {
  const obj = requireObject(value);
  const problem = requireString(obj, 'question');
  const code = obj.code;
  if (!Array.isArray(code)) throw new RecordError({ field: 'code', message: code === undefined ? 'is required' : `must be an array of generations, got ${kindOf(code)}` });
  if (code.length === 0) throw new RecordError({ field: 'code', message: 'has no generation' });
  code.forEach((g, i) => {
    if (typeof g !== 'string') throw new RecordError({ field: `code[${i}]`, message: `must be a string, got ${kindOf(g)}` });
  });
  const gold = optionalAnswer(obj, 'gt') ?? optionalAnswer(obj, 'answer');
  const rest = remainingFields(obj, ['question', 'code']);
  return (code as string[]).map((raw, sample) => {
    const extra: JsonObject = { ...rest, ...perSample(obj, sample) };
    if (code.length > 1) extra.sample = sample;
    const input: TraceInput = {
      problem,
      gold,
      model: null,
      source: { kind: 'import:qwen-math-eval', path: loc.path, ...(loc.line !== undefined ? { line: loc.line } : {}), extra },
      raw,
    };
    return { input };
  });
}

/** pred/score/report are lists parallel to code: keep each sample's own entry. */
function perSample(obj: JsonObject, sample: number): JsonObject {
  const out: JsonObject = {};
  for (const key of ['pred', 'score', 'report']) {
    const v = obj[key];
    if (Array.isArray(v) && v.length === (obj.code as unknown[]).length) out[key] = v[sample];
  }
  return out;
}
