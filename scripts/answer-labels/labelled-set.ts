/**
 * The hand-labelled evaluation set of intermediate answers (docs/answers.md, "Labelled set"):
 * test/data/answer-labels/real-episodes.jsonl (pointers into ../shared/data plus the label) and
 * test/data/answer-labels/gsm8k-prose.jsonl (episodes we wrote, text stored). Loads both, resolves
 * the pointers to episode text, checks the text hash, and splits every item into the tune or the
 * held-back half by a seeded hash of its key (so the split never depends on the extractor).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededUniform } from '../../test/support/prng';
import { episodeKey, episodesOf, loadRealTraces, textHash, type RealSource } from './real-episodes';

export const SPLIT_SEED = 20261201;
export type Half = 'tune' | 'held-back';
export type LabelSource = RealSource | 'gsm8k-prose';

export interface LabelledEpisode {
  key: string;
  source: LabelSource;
  half: Half;
  problem: string;
  gold: string;
  text: string;
  /** The answer to the problem the episode asserts, or null when it asserts none. */
  label: string | null;
  reason?: string;
}

/** Tune or held-back, from a seeded hash of the key: about half each, fixed forever. */
export function halfOf(key: string): Half {
  return seededUniform(SPLIT_SEED, 'half', key) < 0.5 ? 'tune' : 'held-back';
}

interface RealLabelLine {
  source: RealSource;
  file: string;
  record: number;
  mode: 'auto';
  episode: number;
  hash: string;
  label: string | null;
  reason?: string;
}

interface ProseLabelLine {
  id: string;
  gsm8kLine: number;
  gold: string;
  text: string;
  label: string | null;
  reason?: string;
}

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as T);
}

export const LABEL_DIR = join(__dirname, '../../test/data/answer-labels');

/**
 * Every labelled episode. Throws when a pointer no longer resolves or its text hash changed
 * (the data or the default segmenter moved: the label may no longer fit the episode).
 */
export function loadLabelledSet(sharedData: string): LabelledEpisode[] {
  const out: LabelledEpisode[] = [];
  const traces = loadRealTraces(sharedData);
  const byPointer = new Map(traces.map((t) => [`${t.file}#${t.record}`, t]));
  const episodeCache = new Map<string, ReturnType<typeof episodesOf>>();
  for (const [i, line] of readJsonl<RealLabelLine>(join(LABEL_DIR, 'real-episodes.jsonl')).entries()) {
    const trace = byPointer.get(`${line.file}#${line.record}`);
    if (!trace) throw new Error(`real-episodes.jsonl:${i + 1}: no trace ${line.file} record ${line.record}`);
    const pointer = `${line.file}#${line.record}`;
    let episodes = episodeCache.get(pointer);
    if (!episodes) episodeCache.set(pointer, (episodes = episodesOf(trace)));
    const ep = episodes[line.episode];
    if (!ep || textHash(ep.text) !== line.hash) {
      throw new Error(`real-episodes.jsonl:${i + 1}: episode ${line.episode} of ${pointer} changed (hash ${ep ? textHash(ep.text) : 'none'} ≠ ${line.hash})`);
    }
    const key = episodeKey(line.file, line.record, line.episode);
    const item: LabelledEpisode = { key, source: line.source, half: halfOf(key), problem: trace.problem, gold: trace.gold, text: ep.text, label: line.label };
    if (line.reason) item.reason = line.reason;
    out.push(item);
  }
  const gsm8k = readFileSync(join(sharedData, 'benchmarks/gsm8k_test__openai_grade-school-math.jsonl'), 'utf8').split('\n');
  for (const line of readJsonl<ProseLabelLine>(join(LABEL_DIR, 'gsm8k-prose.jsonl'))) {
    const problem = JSON.parse(gsm8k[line.gsm8kLine - 1]).question as string;
    const item: LabelledEpisode = { key: line.id, source: 'gsm8k-prose', half: halfOf(line.id), problem, gold: line.gold, text: line.text, label: line.label };
    if (line.reason) item.reason = line.reason;
    out.push(item);
  }
  return out;
}
