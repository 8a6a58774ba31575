/**
 * Real reasoning traces from ../shared/data/traces (read in place, never copied), with their
 * thinking extracted by splitThinking. Used by the segmentation, label and token tests and
 * by bench/segment.bench.ts and scripts/label-agreement.ts.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { splitThinking } from '../../src/core/thinking';
import { parseRecordedStream } from '../fake-ollama/recorded';
import { dataPath, repoRoot, sharedData } from '../support/shared-data';

export { repoRoot };
export const dataRoot = sharedData;
export const tracesRoot = dataPath('traces');

/** How many texts loadRealTraces() gives: 40 full_cot + 40 solution (Thought Anchors), 153 cots/math, 100 Sky-T1. */
export const REAL_TRACE_COUNT = 333;
/** loadRealTraces(false): without the 40 Thought Anchors `solution` texts. */
export const REAL_TRACE_COUNT_WITHOUT_SOLUTIONS = 293;

export interface RealTrace {
  /** Where it came from: file path (and record) relative to the data root. */
  name: string;
  source: 'thought-anchors.com' | 'thought-anchors-cots-math' | 'skythought';
  raw: string;
  thinking: string;
  truncated: boolean;
}

/** For the benches: true when the traces are present; otherwise prints why they are skipped. Tests use test/support/shared-data. */
export function haveData(): boolean {
  if (existsSync(tracesRoot)) return true;
  console.log(`notice: ${tracesRoot} is absent; tests on real traces are skipped`);
  return false;
}

function dirs(p: string): string[] {
  return readdirSync(p, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** Thought Anchors (thought-anchors.com) problem folders: model/correctness/problem. */
export function thoughtAnchorsProblemDirs(): string[] {
  const root = path.join(tracesRoot, 'thought-anchors.com');
  const out: string[] = [];
  for (const model of dirs(root))
    for (const kind of dirs(path.join(root, model)))
      for (const problem of dirs(path.join(root, model, kind))) out.push(path.join(root, model, kind, problem));
  return out;
}

const loaded = new Map<boolean, readonly RealTrace[]>();

/** Every real trace; `withSolutionField` adds the TA `solution` texts as separate traces. Read once per process. */
export function loadRealTraces(withSolutionField = true): readonly RealTrace[] {
  let traces = loaded.get(withSolutionField);
  if (!traces) loaded.set(withSolutionField, (traces = readRealTraces(withSolutionField)));
  return traces;
}

function readRealTraces(withSolutionField: boolean): RealTrace[] {
  const out: RealTrace[] = [];
  const add = (name: string, source: RealTrace['source'], raw: string) => {
    const s = splitThinking(raw);
    out.push({ name, source, raw, thinking: s.thinking, truncated: s.truncated });
  };
  for (const dir of thoughtAnchorsProblemDirs()) {
    const base = JSON.parse(readFileSync(path.join(dir, 'base_solution.json'), 'utf8'));
    const rel = path.relative(dataRoot, dir);
    add(`${rel}/base_solution.json#full_cot`, 'thought-anchors.com', base.full_cot);
    if (withSolutionField) add(`${rel}/base_solution.json#solution`, 'thought-anchors.com', base.solution);
  }
  const cots = path.join(tracesRoot, 'thought-anchors-cots-math');
  for (const problem of dirs(cots)) {
    const file = path.join(cots, problem, 'solutions.json');
    if (!existsSync(file)) continue;
    const solutions = JSON.parse(readFileSync(file, 'utf8')) as { solution: string }[];
    solutions.forEach((s, i) => add(`${path.relative(dataRoot, file)}#${i}`, 'thought-anchors-cots-math', s.solution));
  }
  const sky = path.join(tracesRoot, 'skythought');
  for (const f of readdirSync(sky).filter((n) => n.endsWith('.jsonl')).sort()) {
    const lines = readFileSync(path.join(sky, f), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      const rec = JSON.parse(line) as { code: string[] };
      add(`traces/skythought/${f}:${i + 1}`, 'skythought', rec.code[0]);
    });
  }
  return out;
}

/** The streams of one recorded-stream file: the demo run, then the debug run when it is whole (test/fake-ollama/recorded). */
export function recordedStreams(file: string): Record<string, unknown>[][] {
  const r = parseRecordedStream(readFileSync(file, 'utf8'), path.basename(file));
  return [r.chunks, ...(r.debugChunks ? [r.debugChunks] : [])];
}
