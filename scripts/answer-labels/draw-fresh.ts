/**
 * Draws a fresh held-back set of intermediate answers (docs/answers.md, "Fresh held-back set"),
 * made after the earlier sets had been read while tuning the rules: FRESH_PER_SOURCE episodes per
 * real source, uniformly at random over that source's episodes (default 'auto' segmentation) not in
 * any earlier set, with a new seed; and FRESH_PROBLEMS GSM8K test problems not used by earlier
 * prose, for prose episodes we write ourselves. One procedure, one draw per seed (FRESH_DRAWS):
 * `fresh` (seed 20261202, now tuning data), `held-back` (seed 20261203, now tuning data),
 * `round4` (seed 20261204: 30 per source, 10 problems) and `round5` (seed 20261205: 30 per source,
 * 10 problems, none of the four earlier sets).
 * It prints each episode with its problem and gold so a person can read it and write the label;
 * it never runs the extractor.
 *
 *   node --import tsx scripts/answer-labels/draw-fresh.ts [--draw fresh|held-back|round4|round5] print [FROM] [TO]
 *   node --import tsx scripts/answer-labels/draw-fresh.ts [--draw …] skeleton OUT.jsonl   # pointers, label to be filled
 *   node --import tsx scripts/answer-labels/draw-fresh.ts [--draw …] problems             # the GSM8K problems to write prose for
 * (`--draw` defaults to `fresh`, the first draw made with this script.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { seededRandom } from '../../test/support/prng';
import { REAL_SOURCES, episodeKey, episodesOf, loadRealTraces, textHash, type RealEpisode } from './real-episodes';
import { LABEL_DIR } from './labelled-set';

export const FRESH_SEED = 20261202;
export const FRESH_PER_SOURCE = 50;
export const FRESH_PROBLEMS = 15;

/** A draw: its seed and the label files of the earlier sets whose episodes and problems it leaves out. */
export interface FreshDraw {
  seed: number;
  /** Episodes per real source and GSM8K problems drawn (FRESH_PER_SOURCE / FRESH_PROBLEMS unless smaller). */
  perSource?: number;
  problems?: number;
  excludeReal: readonly string[];
  excludeProse: readonly string[];
}

export const FRESH_DRAWS = {
  fresh: { seed: FRESH_SEED, excludeReal: ['real-episodes.jsonl'], excludeProse: ['gsm8k-prose.jsonl'] },
  'held-back': {
    seed: 20261203,
    excludeReal: ['real-episodes.jsonl', 'fresh-real-episodes.jsonl'],
    excludeProse: ['gsm8k-prose.jsonl', 'fresh-gsm8k-prose.jsonl'],
  },
  // Fourth round (scored once after the fitted scorer): smaller for the time there was to label it by reading.
  'round4': {
    seed: 20261204,
    perSource: 30,
    problems: 10,
    excludeReal: ['real-episodes.jsonl', 'fresh-real-episodes.jsonl', 'heldback-real-episodes.jsonl'],
    excludeProse: ['gsm8k-prose.jsonl', 'fresh-gsm8k-prose.jsonl', 'heldback-gsm8k-prose.jsonl'],
  },
  // Fifth held-back set: drawn like round4, leaving out all four earlier sets.
  'round5': {
    seed: 20261205,
    perSource: 30,
    problems: 10,
    excludeReal: ['real-episodes.jsonl', 'fresh-real-episodes.jsonl', 'heldback-real-episodes.jsonl', 'round4-real-episodes.jsonl'],
    excludeProse: ['gsm8k-prose.jsonl', 'fresh-gsm8k-prose.jsonl', 'heldback-gsm8k-prose.jsonl', 'round4-gsm8k-prose.jsonl'],
  },
} as const satisfies Record<string, FreshDraw>;
export type FreshDrawName = keyof typeof FRESH_DRAWS;

function shuffle<T>(pool: T[], random: () => number): T[] {
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool;
}

function jsonl(path: string): any[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
}

/** Keys of the episodes in the earlier sets: a fresh draw never repeats them. */
function earlierSetKeys(draw: FreshDraw): Set<string> {
  return new Set(draw.excludeReal.flatMap((f) => jsonl(join(LABEL_DIR, f))).map((l) => episodeKey(l.file, l.record, l.episode)));
}

/** The fresh real episodes: a seeded shuffle of each source's episodes outside the earlier sets, the first FRESH_PER_SOURCE kept. */
export function drawFreshEpisodes(sharedData: string, draw: FreshDraw = FRESH_DRAWS.fresh): RealEpisode[] {
  const traces = loadRealTraces(sharedData);
  const used = earlierSetKeys(draw);
  const drawn: RealEpisode[] = [];
  for (const source of REAL_SOURCES) {
    const pool = traces.filter((t) => t.source === source).flatMap(episodesOf)
      .filter((ep) => !used.has(episodeKey(ep.trace.file, ep.trace.record, ep.index)));
    drawn.push(...shuffle(pool, seededRandom(draw.seed, 'draw', source)).slice(0, draw.perSource ?? FRESH_PER_SOURCE));
  }
  return drawn;
}

/** 1-based GSM8K test lines for the fresh prose: seeded, none used by earlier prose. */
export function drawFreshProblems(sharedData: string, draw: FreshDraw = FRESH_DRAWS.fresh): number[] {
  const lines = readFileSync(join(sharedData, 'benchmarks/gsm8k_test__openai_grade-school-math.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  const used = new Set(draw.excludeProse.flatMap((f) => jsonl(join(LABEL_DIR, f))).map((l) => l.gsm8kLine as number));
  const pool = lines.map((_, i) => i + 1).filter((n) => !used.has(n));
  return shuffle(pool, seededRandom(draw.seed, 'gsm8k')).slice(0, draw.problems ?? FRESH_PROBLEMS);
}

function main(): void {
  const sharedData = resolve(__dirname, '../../../shared/data');
  const args = process.argv.slice(2);
  const drawAt = args.indexOf('--draw');
  const drawName = (drawAt >= 0 ? args.splice(drawAt, 2)[1] : 'fresh') as FreshDrawName;
  const draw: FreshDraw | undefined = FRESH_DRAWS[drawName];
  if (!draw) {
    console.error(`unknown --draw ${drawName}: ${Object.keys(FRESH_DRAWS).join(', ')}`);
    process.exit(2);
  }
  const [command, a, b] = args;
  if (command === 'problems') {
    const lines = readFileSync(join(sharedData, 'benchmarks/gsm8k_test__openai_grade-school-math.jsonl'), 'utf8').split('\n');
    for (const n of drawFreshProblems(sharedData, draw)) {
      const r = JSON.parse(lines[n - 1]);
      console.log(`\n=== gsm8k line ${n}\nQ: ${r.question}\nA: ${r.answer}`);
    }
    return;
  }
  const drawn = drawFreshEpisodes(sharedData, draw);
  if (command === 'print') {
    const from = Number(a ?? 0);
    const to = Number(b ?? drawn.length);
    drawn.slice(from, to).forEach((ep, k) => {
      const t = ep.trace;
      console.log(`\n=== #${from + k} ${episodeKey(t.file, t.record, ep.index)} (${t.model}, final ${t.finalCorrect ? 'correct' : 'incorrect'})`);
      console.log(`PROBLEM: ${t.problem.replace(/\s+/g, ' ').slice(0, 600)}`);
      console.log(`GOLD: ${t.gold}`);
      console.log('--- episode text ---');
      console.log(ep.text);
    });
  } else if (command === 'skeleton' && a) {
    const lines = drawn.map((ep) => JSON.stringify({
      source: ep.trace.source, file: ep.trace.file, record: ep.trace.record, mode: 'auto', episode: ep.index,
      hash: textHash(ep.text), label: '?',
    }));
    writeFileSync(a, lines.join('\n') + '\n');
  } else {
    console.error('usage: draw-fresh.ts [--draw fresh|held-back|round4|round5] print [FROM] [TO] | skeleton OUT.jsonl | problems');
    process.exit(2);
  }
}

if (require.main === module) main();
