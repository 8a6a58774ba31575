/**
 * Field detection for problem sets: which column holds the problem, the gold answer and the id.
 * Known benchmark layouts (GSM8K, MATH-500, AIME, AMC, ...) load without a mapping; anything
 * else can be mapped explicitly.
 */
import { extractGoldAnswer } from '../../core/answers';
import type { TableRow } from './read';

export interface FieldMapping {
  problem: string;
  /** Column with the gold answer (a short answer, or a solution to extract it from). */
  gold?: string;
  id?: string;
  /** Trace files only: the field holding the model's output (`--output-field`). */
  output?: string;
}

/** Candidate names in order of preference (compared case-insensitively). */
export const PROBLEM_FIELDS = ['problem', 'question', 'prompt', 'query', 'input', 'instruction'];
export const GOLD_FIELDS = ['answer', 'gt_answer', 'gt', 'final_answer', 'ground_truth', 'target', 'expected_answer', 'label', 'solution', 'gt_solution', 'output'];
export const ID_FIELDS = ['id', 'unique_id', 'idx', 'problem_id', 'uid', 'qid', 'question_id', 'index'];

function pick(columns: string[], candidates: string[]): string | undefined {
  const byLower = new Map(columns.map((c) => [c.toLowerCase(), c]));
  for (const name of candidates) {
    const hit = byLower.get(name);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

export type MappingResult = { ok: true; mapping: FieldMapping } | { ok: false; message: string };

/**
 * Detect the mapping from column names; explicit choices in `override` win.
 * Fails with a message listing the columns when no problem column can be found.
 */
export function detectFields(columns: string[], chosen: Partial<FieldMapping> = {}): MappingResult {
  // A problem set has no output column; an output mapping only matters for traces.
  const { output: _output, ...override } = chosen;
  for (const [role, col] of Object.entries(override)) {
    if (col !== undefined && !columns.includes(col)) {
      return { ok: false, message: `mapped ${role} column "${col}" not found; columns are: ${columns.join(', ') || '(none)'}` };
    }
  }
  const problem = override.problem ?? pick(columns, PROBLEM_FIELDS);
  if (!problem) {
    return {
      ok: false,
      message: `no problem column found (looked for ${PROBLEM_FIELDS.join(', ')}); columns are: ${columns.join(', ') || '(none)'}. Map one with --problem-field COLUMN`,
    };
  }
  const gold = override.gold ?? pick(columns, GOLD_FIELDS);
  const id = override.id ?? pick(columns, ID_FIELDS);
  return { ok: true, mapping: { problem, ...(gold ? { gold } : {}), ...(id ? { id } : {}) } };
}

export interface ProblemRecord {
  /** The input's own id, when it has one (stringified). */
  inputId?: string;
  problem: string;
  gold: string | null;
  where: string;
  /** Original row values not used by the mapping (kept in the trace's source.extra). */
  extra: Record<string, unknown>;
}

export type RecordResult = { ok: true; record: ProblemRecord } | { ok: false; field: string; message: string };

/** Turn a scalar cell into text: integral floats print as integers (AMC answers are floats like 27.0). */
export function cellText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return null;
}

/**
 * A gold cell is either the short answer already, or a solution text holding it
 * (GSM8K's "#### N", MATH's \boxed{}): extract in the second case.
 */
export function goldFromCell(value: unknown): string | null {
  const text = cellText(value);
  if (text === null) return null;
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (/####|\\boxed|\\fbox/.test(trimmed)) return extractGoldAnswer(trimmed) ?? null;
  return trimmed;
}

export function toProblemRecord(row: TableRow, mapping: FieldMapping): RecordResult {
  const rawProblem = row.values[mapping.problem];
  // A problem is text: a number or an object there is a wrong column, not a problem to solve.
  if (rawProblem !== null && rawProblem !== undefined && typeof rawProblem !== 'string') {
    return { ok: false, field: mapping.problem, message: `${row.where}: field "${mapping.problem}" must be a string, got ${typeName(rawProblem)}` };
  }
  const problem = cellText(rawProblem);
  if (problem === null || problem.trim() === '') {
    return { ok: false, field: mapping.problem, message: `${row.where}: field "${mapping.problem}" is missing or empty` };
  }
  let gold: string | null = null;
  if (mapping.gold) {
    const raw = row.values[mapping.gold];
    // Numbers are answers as datasets store them (AMC: 27.0 → "27"); anything else is an error, never a silent null.
    if (raw !== null && raw !== undefined && typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'bigint') {
      return { ok: false, field: mapping.gold, message: `${row.where}: field "${mapping.gold}" must be a string or number, got ${typeName(raw)}` };
    }
    gold = goldFromCell(raw);
    if (gold === null && cellText(raw) !== null && cellText(raw)!.trim() !== '') {
      return { ok: false, field: mapping.gold, message: `${row.where}: no answer could be extracted from field "${mapping.gold}"` };
    }
  }
  const idText = mapping.id ? cellText(row.values[mapping.id]) : null;
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row.values)) {
    if (k !== mapping.problem && k !== mapping.gold && k !== mapping.id) extra[k] = v;
  }
  return {
    ok: true,
    record: { ...(idText !== null && idText !== '' ? { inputId: idText } : {}), problem, gold, where: row.where, extra },
  };
}

function typeName(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}
