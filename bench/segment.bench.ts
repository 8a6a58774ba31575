/**
 * Segmentation throughput on real traces (../shared/data/traces) concatenated to ~50 MB:
 * whole-text and 4-character streaming, per mode; linearity (time at 2x input); and the
 * issue's target: segmenting 50 MB takes at most 3x reading + JSON-parsing the same data
 * from a JSONL file. All ratios are measured in this one run.
 * Run: npm run bench -- segment
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { segmentThinking, StreamingSegmenter, type SegmentOptions } from '../src/core/segment/index';
import { haveData, loadRealTraces } from '../test/core/segment-data';

const TARGET_BYTES = 50e6;
const MODES: SegmentOptions[] = [{ mode: 'mrt' }, { mode: 'auto' }, { mode: 'sentence' }];

function time(fn: () => void, repeat = 1): number {
  let best = Infinity;
  for (let r = 0; r < repeat; r++) {
    (globalThis as { gc?: () => void }).gc?.();
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

function stream(text: string, opts: SegmentOptions, size: number): number {
  const s = new StreamingSegmenter(opts);
  let n = 0;
  for (let i = 0; i < text.length; i += size) n += s.push(text.slice(i, i + size)).length;
  return n + s.finish().length;
}

function main(): void {
  if (!haveData()) return;
  const base = loadRealTraces(false).map((t) => t.thinking);
  const records: string[] = [];
  let chars = 0;
  while (chars < TARGET_BYTES) for (const t of base) {
    records.push(t);
    chars += t.length;
  }
  const mb = chars / 1e6;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'segment-bench-'));
  const file = path.join(dir, 'traces.jsonl');
  writeFileSync(file, records.map((thinking, i) => JSON.stringify({ id: i, thinking })).join('\n') + '\n');
  const readParse = time(() => {
    let n = 0;
    for (const line of readFileSync(file, 'utf8').split('\n')) if (line) n += (JSON.parse(line) as { thinking: string }).thinking.length;
    if (n !== chars) throw new Error('read+parse lost text');
  }, 3);
  rmSync(dir, { recursive: true, force: true });

  // Warm the JIT on a slice so the first measured row is not paying for compilation.
  const warm = records.slice(0, 60);
  for (const opts of MODES) warm.forEach((t) => (segmentThinking(t, opts), stream(t, opts, 4)));

  console.log(`input: ${records.length} real traces (${base.length} distinct), ${mb.toFixed(1)} MB of thinking`);
  console.log(`read + JSON.parse of the same JSONL: ${readParse.toFixed(0)} ms\n`);
  console.log('| mode | input | ms | MB/s | x read+parse |');
  console.log('|---|---|---|---|---|');
  for (const opts of MODES) {
    const whole = time(() => records.forEach((t) => segmentThinking(t, opts)), 2);
    const streamed = time(() => records.forEach((t) => stream(t, opts, 4)), 1);
    for (const [label, ms] of [['whole text', whole], ['4-char stream', streamed]] as const) {
      console.log(`| ${opts.mode} | ${label} | ${ms.toFixed(0)} | ${(mb / (ms / 1000)).toFixed(0)} | ${(ms / readParse).toFixed(2)} |`);
    }
  }

  // Linearity on one long text: half of it vs all of it.
  const big = records.join('\n\n');
  const half = big.slice(0, Math.floor(big.length / 2));
  console.log('\n| mode | input | time(1x) ms | time(2x) ms | ratio |');
  console.log('|---|---|---|---|---|');
  for (const opts of MODES) {
    const w1 = time(() => segmentThinking(half, opts), 2);
    const w2 = time(() => segmentThinking(big, opts), 2);
    console.log(`| ${opts.mode} | whole text | ${w1.toFixed(0)} | ${w2.toFixed(0)} | ${(w2 / w1).toFixed(2)} |`);
    const s1 = time(() => stream(half, opts, 4), 1);
    const s2 = time(() => stream(big, opts, 4), 1);
    console.log(`| ${opts.mode} | 4-char stream | ${s1.toFixed(0)} | ${s2.toFixed(0)} | ${(s2 / s1).toFixed(2)} |`);
  }
}

main();
