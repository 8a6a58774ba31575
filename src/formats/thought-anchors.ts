/**
 * Thought Anchors traces: `base_solution.json` (one object: prompt, solution, full_cot,
 * answer, is_correct) and `solutions.json` (array of {seed, solution, answer, is_correct},
 * `solution` = prompt + `<think>` + trace). The problem and gold answer come from the
 * `problem.json` beside them when present (read by src/io and passed in).
 */
import type { TraceInput } from '../core/annotate';
import { isObject, remainingFields, requireObject, requireString } from './fields';
import type { ImportedRecord, RecordLocation, SiblingProblem } from './types';

const KIND = 'import:thought-anchors';

export function looksLikeBaseSolution(value: unknown): boolean {
  return isObject(value) && typeof value.solution === 'string' && (typeof value.full_cot === 'string' || typeof value.prompt === 'string');
}

export function looksLikeSolutionsEntry(value: unknown): boolean {
  return isObject(value) && typeof value.solution === 'string' && 'seed' in value;
}

/** The dataset's prompts read "Solve this math problem ... Problem: <problem> Solution: \n<think>\n". */
export function problemFromPrompt(prompt: string): string {
  const before = prompt.split('<think>')[0];
  const m = /Problem:\s*([\s\S]*?)\s*Solution:\s*$/.exec(before);
  return (m ? m[1] : before).trim();
}

/** thought-anchors.com layout: <model>/<correct|incorrect>_base_solution/problem_<id>/base_solution.json. */
export function modelFromPath(path: string): string | null {
  const parts = path.split(/[\\/]/);
  const n = parts.length;
  if (n >= 4 && /_base_solution$/.test(parts[n - 3]) && /^problem_/.test(parts[n - 2])) return parts[n - 4] || null;
  return null;
}

function location(loc: RecordLocation, extra: Record<string, unknown>): TraceInput['source'] {
  return { kind: KIND, path: loc.path, ...(loc.line !== undefined ? { line: loc.line } : {}), extra };
}

export function fromBaseSolution(value: unknown, loc: RecordLocation, sibling: SiblingProblem | null): ImportedRecord[] {
  const obj = requireObject(value, 'a Thought Anchors base solution');
  const solution = requireString(obj, 'solution');
  const prompt = typeof obj.prompt === 'string' ? obj.prompt : '';
  // `solution` starts inside the thinking: the `<think>` tag is the prompt's last word.
  const raw = typeof obj.full_cot === 'string' && obj.full_cot.includes('<think>') ? obj.full_cot : prompt.includes('<think>') ? `<think>${prompt.split('<think>').slice(1).join('<think>')}${solution}` : solution;
  const extra = { ...remainingFields(obj, ['solution', 'full_cot']), ...(sibling ? { problemFile: sibling.extra } : {}) };
  const input: TraceInput = {
    problem: sibling?.problem ?? problemFromPrompt(prompt),
    gold: sibling?.gold ?? null,
    model: modelFromPath(loc.path),
    source: location(loc, extra),
    raw,
  };
  return [{ input }];
}

export function fromSolutionsEntry(value: unknown, loc: RecordLocation, sibling: SiblingProblem | null): ImportedRecord[] {
  const obj = requireObject(value, 'a Thought Anchors solutions entry');
  const solution = requireString(obj, 'solution');
  const thinkAt = solution.indexOf('<think>');
  const prompt = thinkAt >= 0 ? solution.slice(0, thinkAt) : '';
  const extra: Record<string, unknown> = { ...remainingFields(obj, ['solution']), prompt };
  if (sibling) extra.problemFile = sibling.extra;
  const input: TraceInput = {
    problem: sibling?.problem ?? problemFromPrompt(prompt),
    gold: sibling?.gold ?? null,
    model: null,
    source: location(loc, extra),
    raw: solution,
  };
  return [{ input }];
}

/** `problem.json`: {problem, gt_answer, level, type, gt_solution, ...}. */
export function parseSiblingProblem(value: unknown): SiblingProblem {
  const obj = requireObject(value, 'problem.json');
  const problem = typeof obj.problem === 'string' ? obj.problem : undefined;
  const goldValue = obj.gt_answer ?? obj.answer;
  const gold = typeof goldValue === 'string' ? goldValue : typeof goldValue === 'number' ? String(goldValue) : undefined;
  return { problem, gold, extra: remainingFields(obj, ['problem', 'gt_solution']) };
}
