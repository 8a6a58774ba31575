/**
 * The real traces of ../shared/data/traces, read in place and segmented into episodes the way the
 * tool does it (splitThinking, then segmentThinking in the default 'auto' mode). Used by the draw
 * script that printed the episodes we labelled by hand, and by the test that scores the extractor
 * against those labels: both must see the same episodes, which the text hash in each label checks.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkEquivalence, extractFinalAnswer, extractGoldAnswer } from '../../src/core/answers';
import { segmentThinking } from '../../src/core/segment';
import { splitThinking } from '../../src/core/thinking';

export type RealSource = 'skythought' | 'thought-anchors-cots-math' | 'thought-anchors.com';
export const REAL_SOURCES: readonly RealSource[] = ['skythought', 'thought-anchors-cots-math', 'thought-anchors.com'];

/** One real trace; `file` is relative to shared/data, `record` the 1-based line (jsonl) or 0-based array index. */
export interface RealTrace {
  source: RealSource;
  file: string;
  record: number;
  model: string;
  problem: string;
  gold: string;
  /** The source's own grade of the final answer. */
  sourceCorrect: boolean;
  /** Our grade: the final answer we extract from the response is equivalent to the gold. */
  finalCorrect: boolean;
  thinking: string;
  truncated: boolean;
  /** The whole model output (thinking and response), for the final answer. */
  raw: string;
}

/** Short content hash of an episode's text: a label whose episode text changed is stale. */
export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

function readJson(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function subdirs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
}

/** Every real trace, in a fixed order (sorted paths, then record order). */
export function loadRealTraces(sharedData: string): RealTrace[] {
  const out: RealTrace[] = [];
  const sky = join(sharedData, 'traces/skythought');
  for (const f of readdirSync(sky).filter((x) => x.endsWith('.jsonl')).sort()) {
    const lines = readFileSync(join(sky, f), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      const r = JSON.parse(line);
      const split = splitThinking(String(r.code[0]));
      out.push({
        source: 'skythought', file: `traces/skythought/${f}`, record: i + 1, model: f.split('__')[0],
        problem: String(r.question), gold: extractGoldAnswer(r.gt), sourceCorrect: r.score[0] === true,
        finalCorrect: false, thinking: split.thinking, truncated: split.truncated, raw: String(r.code[0]),
      });
    });
  }
  const cots = join(sharedData, 'traces/thought-anchors-cots-math');
  for (const dir of subdirs(cots).filter((d) => d.startsWith('problem_'))) {
    const solutionsPath = join(cots, dir, 'solutions.json');
    if (!existsSync(solutionsPath)) continue;
    const problem = readJson(join(cots, dir, 'problem.json'));
    (readJson(solutionsPath) as any[]).forEach((s, i) => {
      const split = splitThinking(String(s.solution));
      out.push({
        source: 'thought-anchors-cots-math', file: `traces/thought-anchors-cots-math/${dir}/solutions.json`, record: i,
        model: 'R1-distill (cots/math)', problem: String(problem.problem), gold: extractGoldAnswer(problem.gt_answer),
        sourceCorrect: s.is_correct === true || s.is_correct === 'True', finalCorrect: false, thinking: split.thinking,
        truncated: split.truncated, raw: String(s.solution),
      });
    });
  }
  const ta = join(sharedData, 'traces/thought-anchors.com');
  for (const model of subdirs(ta)) {
    for (const kind of subdirs(join(ta, model))) {
      for (const p of subdirs(join(ta, model, kind))) {
        const dir = join(ta, model, kind, p);
        if (!existsSync(join(dir, 'base_solution.json'))) continue;
        const problem = readJson(join(dir, 'problem.json'));
        const sol = readJson(join(dir, 'base_solution.json'));
        const split = splitThinking(String(sol.full_cot));
        out.push({
          source: 'thought-anchors.com', file: `traces/thought-anchors.com/${model}/${kind}/${p}/base_solution.json`, record: 0,
          model, problem: String(problem.problem), gold: extractGoldAnswer(problem.gt_answer), sourceCorrect: sol.is_correct === true,
          finalCorrect: false, thinking: split.thinking, truncated: split.truncated, raw: String(sol.full_cot),
        });
      }
    }
  }
  for (const t of out) {
    const final = extractFinalAnswer(t.raw);
    t.finalCorrect = final !== null && checkEquivalence(t.gold, final.answer, { problem: t.problem }).equivalent;
  }
  return out;
}

export interface RealEpisode {
  trace: RealTrace;
  index: number;
  start: number;
  end: number;
  text: string;
}

/** Episodes of a trace with the tool's default segmentation ('auto'). */
export function episodesOf(trace: RealTrace): RealEpisode[] {
  return segmentThinking(trace.thinking, { mode: 'auto' }).map((s) => ({ trace, index: s.index, start: s.start, end: s.end, text: s.text }));
}

/** Key that names an episode in the label file. */
export function episodeKey(file: string, record: number, index: number): string {
  return `${file}#${record}@${index}`;
}
