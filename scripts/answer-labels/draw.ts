/**
 * Draws the hand-labelled evaluation set of intermediate answers (docs/answers.md, "Labelled set"):
 * PER_SOURCE episodes per real source, uniformly at random over that source's episodes (default
 * 'auto' segmentation), with a fixed seed, and prints each one with its problem and gold answer so
 * a person can read it and write the label. It never runs the extractor.
 *
 *   node --import tsx scripts/answer-labels/draw.ts print [FROM] [TO]   # read episodes FROM..TO-1
 *   node --import tsx scripts/answer-labels/draw.ts skeleton OUT.jsonl   # pointers, label to be filled
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { seededRandom } from '../../test/support/prng';
import { REAL_SOURCES, episodeKey, episodesOf, loadRealTraces, textHash, type RealEpisode } from './real-episodes';

export const DRAW_SEED = 20261201;
export const PER_SOURCE = 100;

/** The drawn episodes: a seeded Fisher-Yates shuffle of each source's episodes, the first PER_SOURCE kept. */
export function drawEpisodes(sharedData: string): RealEpisode[] {
  const traces = loadRealTraces(sharedData);
  const drawn: RealEpisode[] = [];
  for (const source of REAL_SOURCES) {
    const pool = traces.filter((t) => t.source === source).flatMap(episodesOf);
    const random = seededRandom(DRAW_SEED, 'draw', source);
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    drawn.push(...pool.slice(0, PER_SOURCE));
  }
  return drawn;
}

function main(): void {
  const sharedData = resolve(__dirname, '../../../shared/data');
  const [command, a, b] = process.argv.slice(2);
  const drawn = drawEpisodes(sharedData);
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
    console.error('usage: draw.ts print [FROM] [TO] | draw.ts skeleton OUT.jsonl');
    process.exit(2);
  }
}

if (require.main === module) main();
