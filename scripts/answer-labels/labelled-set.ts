/**
 * The hand-labelled evaluation sets of intermediate answers (docs/answers.md, "Labelled set"):
 * - the tuning set: test/data/answer-labels/real-episodes.jsonl (pointers into ../shared/data plus
 *   the label) and gsm8k-prose.jsonl (episodes we wrote, text stored), drawn with seed 20261201.
 *   It was first split into a tune and a held-back half (`firstHalf`, a seeded hash of the key);
 *   both halves were read while changing the rules, so both are tuning data now;
 * - the fresh set: fresh-real-episodes.jsonl and fresh-gsm8k-prose.jsonl, drawn with seed 20261202
 *   (scripts/answer-labels/draw-fresh.ts) and labelled before the second round's rule changes; its
 *   items were read after that round, so it is tuning data for the third round;
 * - the held-back set: heldback-real-episodes.jsonl and heldback-gsm8k-prose.jsonl, drawn with seed
 *   20261203 (`draw-fresh.ts --draw held-back`) and labelled before the third round's changes;
 *   training data for the fourth round's fitted scorer;
 * - the fourth held-back set: round4-real-episodes.jsonl and round4-gsm8k-prose.jsonl, seed
 *   20261204 (`draw-fresh.ts --draw round4`), labelled before the fourth round; training data for
 *   the fifth round;
 * - the fifth held-back set: round5-real-episodes.jsonl and round5-gsm8k-prose.jsonl, seed
 *   20261205 (`draw-fresh.ts --draw round5`), labelled before the fifth round's extractor changes
 *   and scored once after them.
 * Loads them, resolves the pointers to episode text and checks the text hash. Each item carries
 * the episodes before it (the same trace, or the same problem's prose), which the annotator reads
 * for names of the asked quantity (src/core/answers/answer-names.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededUniform } from '../../test/support/prng';
import { episodeKey, episodesOf, loadRealTraces, textHash, type RealSource } from './real-episodes';

export const SPLIT_SEED = 20261201;
export type Half = 'tune' | 'held-back';
/**
 * Which labelled set an item belongs to: rules are changed by reading `tuning` and `fresh` (the
 * 20261202 set, tuning data since the third round), never `held-back` (20261203).
 */
export type LabelSet = 'tuning' | 'fresh' | 'held-back' | 'round4' | 'round5';
export const LABEL_SETS: readonly LabelSet[] = ['tuning', 'fresh', 'held-back', 'round4', 'round5'];
/**
 * The sets the extractor may be fitted or changed on: since the fourth round the 20261203 set
 * (`held-back`, measured once after the third round) is training data too, and since the fifth round
 * `round4` (20261204, scored once after the fourth round's fitted scorer).
 */
export const TUNING_SETS: readonly LabelSet[] = ['tuning', 'fresh', 'held-back', 'round4'];
export type LabelSource = RealSource | 'gsm8k-prose';

export interface LabelledEpisode {
  key: string;
  source: LabelSource;
  set: LabelSet;
  /** The first set's old split (tune / held-back), kept to compare with the numbers of that time. */
  firstHalf?: Half;
  problem: string;
  gold: string;
  text: string;
  /** Texts of the episodes before it in its trace (prose: the same problem's episodes before it), oldest first. */
  earlier: string[];
  /** The answer to the problem the episode asserts, or null when it asserts none. */
  label: string | null;
  reason?: string;
}

/** The first set's tune or held-back half, from a seeded hash of the key: about half each, fixed forever. */
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

const LABEL_FILES: Record<LabelSet, { real: string; prose: string }> = {
  tuning: { real: 'real-episodes.jsonl', prose: 'gsm8k-prose.jsonl' },
  fresh: { real: 'fresh-real-episodes.jsonl', prose: 'fresh-gsm8k-prose.jsonl' },
  'held-back': { real: 'heldback-real-episodes.jsonl', prose: 'heldback-gsm8k-prose.jsonl' },
  round4: { real: 'round4-real-episodes.jsonl', prose: 'round4-gsm8k-prose.jsonl' },
  round5: { real: 'round5-real-episodes.jsonl', prose: 'round5-gsm8k-prose.jsonl' },
};

/**
 * Every labelled episode of both sets. Throws when a pointer no longer resolves or its text hash
 * changed (the data or the default segmenter moved: the label may no longer fit the episode).
 */
export function loadLabelledSet(sharedData: string, sets: readonly LabelSet[] = LABEL_SETS): LabelledEpisode[] {
  const out: LabelledEpisode[] = [];
  const traces = loadRealTraces(sharedData);
  const byPointer = new Map(traces.map((t) => [`${t.file}#${t.record}`, t]));
  const episodeCache = new Map<string, ReturnType<typeof episodesOf>>();
  const gsm8k = readFileSync(join(sharedData, 'benchmarks/gsm8k_test__openai_grade-school-math.jsonl'), 'utf8').split('\n');
  for (const set of sets) {
    const { real, prose } = LABEL_FILES[set];
    for (const [i, line] of readJsonl<RealLabelLine>(join(LABEL_DIR, real)).entries()) {
      const pointer = `${line.file}#${line.record}`;
      const trace = byPointer.get(pointer);
      if (!trace) throw new Error(`${real}:${i + 1}: no trace ${line.file} record ${line.record}`);
      let episodes = episodeCache.get(pointer);
      if (!episodes) episodeCache.set(pointer, (episodes = episodesOf(trace)));
      const ep = episodes[line.episode];
      if (!ep || textHash(ep.text) !== line.hash) {
        throw new Error(`${real}:${i + 1}: episode ${line.episode} of ${pointer} changed (hash ${ep ? textHash(ep.text) : 'none'} ≠ ${line.hash})`);
      }
      const key = episodeKey(line.file, line.record, line.episode);
      const earlier = episodes.slice(0, line.episode).map((e) => e.text);
      const item: LabelledEpisode = { key, source: line.source, set, problem: trace.problem, gold: trace.gold, text: ep.text, earlier, label: line.label };
      if (set === 'tuning') item.firstHalf = halfOf(key);
      if (line.reason) item.reason = line.reason;
      out.push(item);
    }
    const proseBefore = new Map<number, string[]>();
    for (const line of readJsonl<ProseLabelLine>(join(LABEL_DIR, prose))) {
      const problem = JSON.parse(gsm8k[line.gsm8kLine - 1]).question as string;
      // The file holds each problem's episodes in thinking order: the ones before are its earlier episodes.
      const before = proseBefore.get(line.gsm8kLine) ?? [];
      proseBefore.set(line.gsm8kLine, [...before, line.text]);
      const item: LabelledEpisode = { key: line.id, source: 'gsm8k-prose', set, problem, gold: line.gold, text: line.text, earlier: before, label: line.label };
      if (set === 'tuning') item.firstHalf = halfOf(line.id);
      if (line.reason) item.reason = line.reason;
      out.push(item);
    }
  }
  return out;
}
