/**
 * Segmentation throughput on real traces (../shared/data/traces) repeated to ~50 MB, against
 * reading + JSON-parsing the same data from a JSONL file. Per mode: whole text, and a
 * 4-character stream (one push per 4 characters, as a fast token stream arrives). Goal (issue
 * 8, item 10): the 4-character stream within 1.5x of whole-text segmentation in every mode.
 * The stream's time includes cutting the text into chunks, which is not segmentation work (a
 * live stream's chunks come from the model): it is timed on its own, handing each chunk to a
 * consumer that only keeps it, and the ratio is shown with and without it. Then linearity:
 * one long text at half and at full length.
 *
 * Every number is the best of 3 runs (linearity: median of 5 alternating runs) after a
 * warm-up, all in this one process, so the ratios compare like with like. Times are CPU time
 * of this process (user + system, GC threads included): on a shared machine wall time mostly
 * measures the other processes; it is printed beside them. Run: npm run bench -- segment
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { segmentThinking, StreamingSegmenter, type SegmentOptions } from '../src/core/segment/index';
import { haveData, loadRealTraces } from '../test/core/segment-data';

const TARGET_CHARS = 50e6;
const CHUNK = 4;
const RUNS = 3;
const LINEARITY_RUNS = 5;
const MODES: SegmentOptions[] = [{ mode: 'mrt' }, { mode: 'auto' }, { mode: 'sentence' }];

interface Timing {
  cpu: number;
  wall: number;
}

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Best (least) CPU and wall time over `count` calls of `fn`. */
function best(fn: () => Timing, count = RUNS): Timing {
  const runs: Timing[] = [];
  for (let r = 0; r < count; r++) {
    (globalThis as { gc?: () => void }).gc?.();
    runs.push(fn());
  }
  return { cpu: Math.min(...runs.map((t) => t.cpu)), wall: Math.min(...runs.map((t) => t.wall)) };
}

function timed(fn: () => void): Timing {
  const c0 = cpuNow();
  const w0 = performance.now();
  fn();
  return { cpu: cpuNow() - c0, wall: performance.now() - w0 };
}

/** Streams `text` in CHUNK-character pieces cut on the fly. */
function streamSliced(text: string, opts: SegmentOptions): number {
  const s = new StreamingSegmenter(opts);
  let n = 0;
  for (let i = 0; i < text.length; i += CHUNK) n += s.push(text.slice(i, i + CHUNK)).length;
  return n + s.finish().length;
}

/** A consumer that only keeps the last chunk, so cutting cannot be optimised away. */
class ChunkSink {
  last = '';
  count = 0;
  push(chunk: string): void {
    this.last = chunk;
    this.count += chunk.length;
  }
}

/** What the 4-char rows spend outside the segmenter: cutting the chunks and handing them over. */
function cutOnly(records: readonly string[]): number {
  let n = 0;
  for (const t of records) {
    const sink = new ChunkSink();
    for (let i = 0; i < t.length; i += CHUNK) sink.push(t.slice(i, i + CHUNK));
    n += sink.count;
  }
  return n;
}

const fmt = (ms: number) => ms.toFixed(0).padStart(6);

function main(): void {
  if (!haveData()) return;
  const base = loadRealTraces(false).map((t) => t.thinking);
  const records: string[] = [];
  let chars = 0;
  while (chars < TARGET_CHARS) for (const t of base) {
    records.push(t);
    chars += t.length;
  }
  const mb = chars / 1e6;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'segment-bench-'));
  const file = path.join(dir, 'traces.jsonl');
  writeFileSync(file, records.map((thinking, i) => JSON.stringify({ id: i, thinking })).join('\n') + '\n');
  const readParseOnce = () =>
    timed(() => {
      let n = 0;
      for (const line of readFileSync(file, 'utf8').split('\n')) if (line) n += (JSON.parse(line) as { thinking: string }).thinking.length;
      if (n !== chars) throw new Error('read+parse lost text');
    });
  readParseOnce();
  const readParse = best(readParseOnce);
  rmSync(dir, { recursive: true, force: true });

  // Warm the JIT on a slice so no measured row pays for compilation.
  for (const opts of MODES) for (const t of records.slice(0, 60)) (segmentThinking(t, opts), streamSliced(t, opts));

  console.log(`input: ${records.length} real traces (${base.length} distinct), ${mb.toFixed(1)} MB of thinking; ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}`);
  console.log(`read + JSON.parse of the same JSONL: ${readParse.cpu.toFixed(0)} ms CPU (${readParse.wall.toFixed(0)} ms wall)`);
  console.log(`times: best of ${RUNS}, CPU ms of this process; x read+parse = CPU time / read+parse CPU time\n`);
  const cut = best(() => timed(() => cutOnly(records)));
  console.log(`cutting the ${CHUNK}-char chunks and handing them to a consumer that keeps them: ${cut.cpu.toFixed(0)} ms CPU (included in the stream rows)\n`);
  console.log(`| mode | input | CPU ms | MB/s | x read+parse | x whole text | x whole text, without cutting | goal <= 1.5x (without cutting) | wall ms |`);
  console.log('|---|---|--:|--:|--:|--:|--:|---|--:|');
  for (const opts of MODES) {
    const whole = best(() => timed(() => records.forEach((t) => segmentThinking(t, opts))));
    const stream = best(() => timed(() => records.forEach((t) => streamSliced(t, opts))));
    const rate = (t: Timing) => (mb / (t.cpu / 1000)).toFixed(0);
    console.log(`| ${opts.mode} | whole text | ${fmt(whole.cpu)} | ${rate(whole)} | ${(whole.cpu / readParse.cpu).toFixed(2)} | | | | ${fmt(whole.wall)} |`);
    const ratio = stream.cpu / whole.cpu;
    const segmenterOnly = (stream.cpu - cut.cpu) / whole.cpu;
    const goal = segmenterOnly <= 1.5 ? 'met' : `missed by ${((segmenterOnly / 1.5 - 1) * 100).toFixed(0)}%`;
    console.log(`| ${opts.mode} | ${CHUNK}-char stream | ${fmt(stream.cpu)} | ${rate(stream)} | ${(stream.cpu / readParse.cpu).toFixed(2)} | ${ratio.toFixed(2)} | ${segmenterOnly.toFixed(2)} | ${goal} | ${fmt(stream.wall)} |`);
  }

  // Linearity on one long text: half of it vs all of it.
  const big = records.join('\n\n');
  const half = big.slice(0, Math.floor(big.length / 2));
  console.log(`\nLinearity: one text of ${(half.length / 1e6).toFixed(1)} MB (1x) and ${(big.length / 1e6).toFixed(1)} MB (2x); CPU ms, median of ${LINEARITY_RUNS} alternating runs\n`);
  console.log('| mode | input | 1x ms | 2x ms | ratio 2x/1x |');
  console.log('|---|---|--:|--:|--:|');
  for (const opts of MODES) {
    const cases: [string, (text: string) => unknown][] = [
      ['whole text', (text) => segmentThinking(text, opts)],
      [`${CHUNK}-char stream`, (text) => streamSliced(text, opts)],
    ];
    for (const [label, run] of cases) {
      // Alternating 1x and 2x runs, so a change in machine load hits both alike.
      const ones: Timing[] = [];
      const twos: Timing[] = [];
      for (let r = 0; r < LINEARITY_RUNS; r++) {
        ones.push(best(() => timed(() => run(half)), 1));
        twos.push(best(() => timed(() => run(big)), 1));
      }
      const mid = (xs: Timing[]) => xs.map((t) => t.cpu).sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const one = { cpu: mid(ones) };
      const two = { cpu: mid(twos) };
      console.log(`| ${opts.mode} | ${label} | ${fmt(one.cpu)} | ${fmt(two.cpu)} | ${(two.cpu / one.cpu).toFixed(2)} |`);
    }
  }
}

main();
