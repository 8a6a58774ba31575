/**
 * The extension host's longest event-loop stall while it opens a big trace output (issue 12
 * item 3; goal < 50 ms). Runs the host-side reading code the extension runs
 * (src/extension/trace/traceReader.ts, what Lens.readTraces calls for the trace editor and the
 * dataset view, and the dataset view's payload) outside VS Code, in plain Node, on a file of
 * 10,000 real annotated traces (Thought Anchors MATH, repeated with new ids; ≈170 MB, the size
 * of the dataset output measured at ~5.7 s in the issue). "Before" is the old path: the whole
 * file read, split and parsed in one synchronous call (parseTraceText). Stalls are measured
 * with perf_hooks.monitorEventLoopDelay (max) and a 1 ms timer's longest gap.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { datasetPayload } from '../src/extension/dataset/rows';
import { parseTraceText } from '../src/extension/trace/traceFiles';
import { readAnyTraces, readTraceFile } from '../src/extension/trace/traceReader';
import { runDatasetJob } from '../src/runs/dataset/job';
import { payloadInWorker } from '../src/extension/dataset/payloadInWorker';

const sharedData = resolve(__dirname, '..', '../shared/data');
const COUNT = Number(process.env.HOST_READ_TRACES ?? 10_000);

interface Stall {
  totalMs: number;
  /** monitorEventLoopDelay's max, ms (resolution 1 ms). */
  loopDelayMaxMs: number;
  /** Longest gap between two ticks of a 1 ms interval timer, ms. */
  timerGapMaxMs: number;
  firstPageMs?: number;
}

async function measure(fn: (mark: () => void) => Promise<unknown> | unknown): Promise<Stall> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let last = performance.now();
  let gap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    gap = Math.max(gap, now - last);
    last = now;
  }, 1);
  histogram.enable();
  // The histogram records from its second tick on: let it start before the measured code runs.
  await new Promise((r) => setTimeout(r, 20)); // (reset() here would lose the next delay: it clears the last tick)
  last = performance.now();
  gap = 0;
  const t0 = performance.now();
  let firstPageMs: number | undefined;
  await fn(() => (firstPageMs ??= performance.now() - t0));
  const totalMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 20)); // the timer sees the end of a synchronous block
  histogram.disable();
  clearInterval(timer);
  return { totalMs, loopDelayMaxMs: histogram.max / 1e6, timerGapMaxMs: gap, ...(firstPageMs !== undefined ? { firstPageMs } : {}) };
}

function row(what: string, s: Stall): string {
  const first = s.firstPageMs !== undefined ? s.firstPageMs.toFixed(0) : '–';
  return `| ${what} | ${s.totalMs.toFixed(0)} | ${first} | ${s.loopDelayMaxMs.toFixed(1)} | ${s.timerGapMaxMs.toFixed(1)} |`;
}

async function main(): Promise<void> {
  if (!existsSync(sharedData)) {
    console.log(`notice: ${sharedData} not found; skipping`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'rl-bench-hostread-'));
  try {
    const base = join(dir, 'cots.trace.jsonl');
    await runDatasetJob({ input: join(sharedData, 'traces/thought-anchors-cots-math'), output: base, report: false });
    const lines = readFileSync(base, 'utf8').trim().split('\n');
    const file = join(dir, `n${COUNT}.trace.jsonl`);
    const text = Array.from({ length: COUNT }, (_, i) => {
      const t = JSON.parse(lines[i % lines.length]) as { id: string };
      t.id = `${t.id}-${i}`;
      return JSON.stringify(t);
    }).join('\n') + '\n';
    writeFileSync(file, text);
    const mb = (Buffer.byteLength(text) / 1e6).toFixed(0);
    console.log(`\nExtension host, opening ${COUNT} traces (${mb} MB), plain Node running the host's code (ms)\n`);
    console.log('| path | total | first page | event-loop delay max | 1 ms timer longest gap |');
    console.log('|---|---:|---:|---:|---:|');
    const before = await measure(() => {
      const loaded = parseTraceText(readFileSync(file, 'utf8'), `n${COUNT}.trace.jsonl`);
      JSON.stringify(datasetPayload(loaded.traces, { file, name: 'x' }));
    });
    console.log(row('before: readFile + parseTraceText + payload, one synchronous call (dataset view)', before));
    const editor = await measure((mark) => readTraceFile(file, { onFirstPage: mark }));
    console.log(row('after: trace editor, readTraceFile (streamed, yields every 8 ms)', editor));
    let payloadMs = 0;
    const view = await measure(async (mark) => {
      const loaded = await readAnyTraces(file, {
        onFirstPage: (traces) => {
          JSON.stringify(datasetPayload(traces, { file, name: 'x' }));
          mark();
        },
      });
      await new Promise((r) => setImmediate(r));
      const t = performance.now();
      JSON.stringify(datasetPayload(loaded.traces, { file, name: 'x' }));
      payloadMs = performance.now() - t;
    });
    console.log(row('after (host computes the payload): dataset view, readAnyTraces + first page + payload', view));
    // What the dataset view does now: the payload from a worker thread, the host only reads its traces.
    const workerFile = join(__dirname, '../src/extension/dataset/payloadWorker.ts');
    let rows = 0;
    const withWorker = await measure(async (mark) => {
      const payload = payloadInWorker(workerFile, { path: file, where: { file, name: 'x' } }, { evalCode: `require('tsx/cjs'); require(${JSON.stringify(workerFile)});` });
      await readAnyTraces(file, {
        onFirstPage: (traces) => {
          JSON.stringify(datasetPayload(traces, { file, name: 'x' }));
          mark();
        },
      });
      const p = await payload;
      rows = p.rows.length;
      JSON.stringify(p);
    });
    console.log(row(`after: dataset view, readAnyTraces + first page, payload from the worker thread (${rows} rows)`, withWorker));
    const idle = await measure(() => new Promise((r) => setTimeout(r, 3000)));
    console.log(row('floor: the same 3 s with nothing to do (other load on the machine)', idle));
    console.log(`\nthe host computing the final payload (report + rows + JSON) in one piece: ${payloadMs.toFixed(0)} ms`);
    console.log(`goal: longest stall < 50 ms (before: ${before.timerGapMaxMs.toFixed(0)} ms)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
