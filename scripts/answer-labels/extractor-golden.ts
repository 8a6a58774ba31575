/**
 * Golden record of the intermediate-answer extractor: findIntermediateAnswer run on every episode
 * of every real trace (./real-episodes: the traces the labelled-set and coverage scripts read), with
 * the problem, the gold and the names of earlier episodes exactly as src/core/annotate.ts passes
 * them. The SHA-256 of all outputs is asserted in test/core/answers/extractor-golden.test.ts, so a
 * change of any output (a speed-up must make none) is seen and must update the hash knowingly.
 *
 * Run: node --import tsx scripts/answer-labels/extractor-golden.ts [out.jsonl]
 * prints the episode count and the hash; with a path, writes one line per episode there.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { findIntermediateAnswer, learnAnswerNames } from '../../src/core/answers';
import { episodesOf, loadRealTraces, type RealTrace } from './real-episodes';

/** One line per episode: where it is, then answer, start, end, how (or null). */
export function extractorOutputLines(traces: readonly RealTrace[]): string[] {
  const lines: string[] = [];
  for (const trace of traces) {
    let names: readonly string[] = [];
    for (const ep of episodesOf(trace)) {
      const found = findIntermediateAnswer(ep.text, { problem: trace.problem, gold: trace.gold, names });
      names = learnAnswerNames(ep.text, trace.problem, names);
      lines.push(JSON.stringify([trace.file, trace.record, ep.index, found === null ? null : [found.answer, found.start, found.end, found.how]]));
    }
  }
  return lines;
}

/** SHA-256 (hex) of the output lines joined by newlines. */
export function extractorOutputHash(lines: readonly string[]): string {
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

if (require.main === module) {
  const sharedData = resolve(__dirname, '../../../shared/data');
  const lines = extractorOutputLines(loadRealTraces(sharedData));
  console.log(`${lines.length} episodes, sha256 ${extractorOutputHash(lines)}`);
  const out = process.argv[2];
  if (out) writeFileSync(out, lines.join('\n') + '\n');
}
