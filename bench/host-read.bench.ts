/**
 * The extension host's longest event-loop stall while it opens a big trace output (issue 12
 * item 3; goal < 50 ms). Runs the host-side reading code the extension runs
 * (src/extension/trace/traceReader.ts, what Lens.readTraces calls for the trace editor and the
 * dataset view, and the dataset view's payload) outside VS Code, in plain Node, on a file of
 * 10,000 real annotated traces (Thought Anchors MATH, repeated with new ids; ≈170 MB, the size
 * of the dataset output measured at ~5.7 s in the issue). "Before" is the old path: the whole
 * file read, split and parsed in one synchronous call (parseTraceText); "traces kept" is the
 * streamed reader that keeps every parsed trace on the host (the first fix); "places kept" is
 * what ships now: the host keeps each trace's line place and small row, and parses the one
 * shown (src/io/trace-offsets.ts, OffsetTraceList). Stalls are measured with
 * perf_hooks.monitorEventLoopDelay (max) and a 1 ms timer's longest gap; "heap held" is the
 * host's heap after a full GC with the result still referenced, minus the heap before.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { datasetPayload } from '../src/extension/dataset/rows';
import { parseTraceText } from '../src/extension/trace/traceFiles';
import { indexTraceFile, readAnyTraces, readTraceFile } from '../src/extension/trace/traceReader';
import { listItem, OffsetTraceList } from '../src/extension/trace/traceList';
import { runDatasetJob } from '../src/runs/dataset/job';
import { indexedTraceList, payloadInWorker, runPayloadWorker } from '../src/extension/dataset/payloadInWorker';
import { loadavg } from 'node:os';
import { annotateTrace } from '../src/core/annotate';
import { computeReport } from '../src/core/report';
import { validateTrace } from '../src/core/schema';
import { build } from 'esbuild';

const sharedData = resolve(__dirname, '..', '../shared/data');
const COUNT = Number(process.env.HOST_READ_TRACES ?? 10_000);

interface Stall {
  totalMs: number;
  /** monitorEventLoopDelay's max, ms (resolution 1 ms). */
  loopDelayMaxMs: number;
  /** Longest gap between two ticks of a 1 ms interval timer, ms. */
  timerGapMaxMs: number;
  firstPageMs?: number;
  /** Host heap still held by the result after a full GC, MB. */
  heldMb?: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
function heapAfterGc(): number {
  gc?.();
  return process.memoryUsage().heapUsed / 1e6;
}

async function measure(fn: (mark: () => void) => Promise<unknown> | unknown): Promise<Stall> {
  const heapBefore = heapAfterGc();
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
  const result = await fn(() => (firstPageMs ??= performance.now() - t0));
  const totalMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 20)); // the timer sees the end of a synchronous block
  histogram.disable();
  clearInterval(timer);
  const heldMb = gc ? heapAfterGc() - heapBefore : undefined;
  void result; // held until the heap was measured
  return { totalMs, loopDelayMaxMs: histogram.max / 1e6, timerGapMaxMs: gap, ...(firstPageMs !== undefined ? { firstPageMs } : {}), ...(heldMb !== undefined ? { heldMb } : {}) };
}

function row(what: string, s: Stall): string {
  const first = s.firstPageMs !== undefined ? s.firstPageMs.toFixed(0) : '–';
  const held = s.heldMb !== undefined ? Math.max(0, s.heldMb).toFixed(0) : '–';
  return `| ${what} | ${s.totalMs.toFixed(0)} | ${first} | ${s.loopDelayMaxMs.toFixed(1)} | ${s.timerGapMaxMs.toFixed(1)} | ${held} |`;
}

async function main(): Promise<void> {
  if (!existsSync(sharedData)) {
    console.log(`notice: ${sharedData} not found; skipping`);
    return;
  }
  // One-time costs the first trace shown on a fresh extension host pays (compiling the schema
  // validator), and the first report (the worker pays that one), measured before anything warmed them.
  const sample = annotateTrace({ id: 'warm', problem: 'What is 17 + 25?', gold: '42', source: { kind: 'bench' }, raw: '<think>17 + 25 = 42.</think>\\boxed{42}' });
  let t = performance.now();
  validateTrace(JSON.parse(JSON.stringify(sample)));
  const firstValidateMs = performance.now() - t;
  t = performance.now();
  computeReport([sample]);
  const firstReportMs = performance.now() - t;
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
    console.log(`\nExtension host, opening ${COUNT} traces (${mb} MB), plain Node running the host's code (ms; heap MB); load average before: ${loadavg().map((l) => l.toFixed(1)).join(' / ')}\n`);
    console.log('| path | total | first page | event-loop delay max | 1 ms timer longest gap | heap held |');
    console.log('|---|---:|---:|---:|---:|---:|');
    // The worker as the extension ships it: one bundled file (loading the .ts sources through tsx
    // inside the worker took seconds of its start-up).
    const workerFile = join(dir, 'payloadWorker.js');
    await build({ entryPoints: [join(__dirname, '../src/extension/dataset/payloadWorker.ts')], outfile: workerFile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
    const where = { file, name: 'x' };
    const middle = Math.floor(COUNT / 2);
    const before = await measure(() => {
      const loaded = parseTraceText(readFileSync(file, 'utf8'), `n${COUNT}.trace.jsonl`);
      JSON.stringify(datasetPayload(loaded.traces, where));
      return loaded;
    });
    console.log(row('before: readFile + parseTraceText + payload, one synchronous call (dataset view)', before));
    const editorKept = await measure((mark) => readTraceFile(file, { onFirstPage: mark }));
    console.log(row('traces kept: trace editor, readTraceFile (streamed, yields every 8 ms)', editorKept));
    let rows = 0;
    const viewKept = await measure(async (mark) => {
      const payload = payloadInWorker(workerFile, { path: file, where });
      const loaded = await readAnyTraces(file, {
        onFirstPage: (traces) => {
          JSON.stringify(datasetPayload(traces, where));
          mark();
        },
      });
      const p = await payload;
      rows = p.rows.length;
      JSON.stringify(p);
      return loaded;
    });
    console.log(row(`traces kept: dataset view, readAnyTraces + first page, payload from the worker (${rows} rows)`, viewKept));
    let openOneMs = 0;
    const editorPlaces = await measure(async () => {
      const index = await indexTraceFile(file, listItem);
      const list = new OffsetTraceList(file, index.places, index.ids, (i) => index.summaries[i], index.stamp, index.digests);
      await new Promise((r) => setImmediate(r));
      const t = performance.now();
      list.at(middle); // the picker's choice, read and parsed when shown
      openOneMs = performance.now() - t;
      return list;
    });
    console.log(row('places kept, host indexing: trace editor, indexTraceFile on the host (parse, summarize, drop; yields every 8 ms) + one trace shown (the fallback when the worker fails)', editorPlaces));
    const editorWorker = await measure(async () => {
      const result = await runPayloadWorker(workerFile, { path: file, where, index: true, report: false });
      const list = indexedTraceList(file, result.rows, result.summary!);
      await new Promise((r) => setImmediate(r));
      list.items(); // the picker's entries
      list.at(middle); // the picker's choice, read and parsed when shown
      return list;
    });
    console.log(row('places kept: trace editor, the worker indexes the file (no report), the host parses none + one trace shown', editorWorker));
    let indexedRows = 0;
    let postMs = 0;
    let indexedPayload: unknown;
    const viewPlaces = await measure(async (mark) => {
      const fromWorker = runPayloadWorker(workerFile, { path: file, where, index: true }, {
        onFirstPage: (first) => {
          JSON.stringify(first); // what goes to the page
          mark();
        },
      });
      const { payload, summary } = await fromWorker;
      indexedRows = payload!.rows.length;
      indexedPayload = payload;
      await new Promise((r) => setImmediate(r));
      const list = indexedTraceList(file, payload!.rows, summary!);
      await list.load(middle); // a row opened
      return { payload, summary, list };
    });
    console.log(row(`places kept: dataset view, the worker indexes the file and computes the payload (${indexedRows} rows), the host parses none + one row opened`, viewPlaces));
    const post = await measure(() => {
      const t = performance.now();
      const json = JSON.stringify(indexedPayload); // what webview.postMessage does with it on the host
      postMs = performance.now() - t;
      return json;
    });
    console.log(row(`places kept: dataset view, then the post of the whole payload to the page (one message; JSON as webview.postMessage makes it)`, post));
    const idle = await measure(() => new Promise((r) => setTimeout(r, 3000)));
    console.log(row('floor: the same 3 s with nothing to do (other load on the machine)', idle));
    console.log(`\none trace read from its place and parsed (synchronously, as a trace view shows it): ${openOneMs.toFixed(1)} ms`);
    console.log(`the whole payload (${indexedRows} rows) serialized in one piece, as webview.postMessage does on the host: ${postMs.toFixed(0)} ms`);
    console.log(`once per process: the first validateTrace call (compiles the schema validator; the first trace a fresh host shows pays it) ${firstValidateMs.toFixed(0)} ms; the first computeReport call ${firstReportMs.toFixed(0)} ms (paid in the worker)`);
    console.log(`load average after: ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (2 cores)`);
    console.log(`goal: longest stall < 50 ms (before: ${before.timerGapMaxMs.toFixed(0)} ms)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
