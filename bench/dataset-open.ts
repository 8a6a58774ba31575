/**
 * The extension host's open of a dataset view, as shipped (datasetView.ts readIndexed), with its
 * event-loop stall measured: shared by bench/host-read.bench.ts (in its own warm process) and
 * bench/dataset-open-fresh.ts (one open in a fresh process, bundled as the extension is).
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { firstPageOnHost, indexedTraceList, runPayloadWorker } from '../src/extension/dataset/payloadInWorker';
import { FIRST_PAGE, RowPager } from '../src/extension/dataset/rowPages';
import type { ReadProgress } from '../src/extension/trace/traceReader';
import type { DatasetPayload } from '../src/shared/dataset-protocol';

export interface Stall {
  totalMs: number;
  /** monitorEventLoopDelay's max, ms (resolution 1 ms). */
  loopDelayMaxMs: number;
  /** Longest gap between two ticks of a 1 ms interval timer, ms. */
  timerGapMaxMs: number;
  firstPageMs?: number;
  /** Host heap still held by the result after a full GC, MB. */
  heldMb?: number;
  /** The host thread's time runnable but not running (waiting for a core), ms; Linux only. */
  runQueueMs?: number;
  /** The host's own GC pauses meanwhile: count, longest and total ms, and how much of the 1 ms timer's longest gap they were. */
  gc: { count: number; maxMs: number; totalMs: number; inLongestGapMs: number };
}

/** This (the main) thread's run_delay from /proc schedstat: time spent runnable, waiting for a core, ms. Undefined off Linux. */
function hostRunQueueMs(): number | undefined {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[1]) / 1e6;
  } catch {
    return undefined;
  }
}

const gc = (globalThis as { gc?: () => void }).gc;
function heapAfterGc(): number {
  gc?.();
  return process.memoryUsage().heapUsed / 1e6;
}

export async function measure(fn: (mark: () => void) => Promise<unknown> | unknown): Promise<Stall> {
  const heapBefore = heapAfterGc();
  const gcs: { start: number; ms: number }[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ start: e.startTime, ms: e.duration });
  });
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let last = performance.now();
  let gap = 0;
  let gapAt = [0, 0];
  const timer = setInterval(() => {
    const now = performance.now();
    if (now - last > gap) [gap, gapAt] = [now - last, [last, now]];
    last = now;
  }, 1);
  histogram.enable();
  // The histogram records from its second tick on: let it start before the measured code runs.
  await new Promise((r) => setTimeout(r, 20)); // (reset() here would lose the next delay: it clears the last tick)
  last = performance.now();
  gap = 0;
  const queuedBefore = hostRunQueueMs();
  gcObserver.observe({ entryTypes: ['gc'] });
  const t0 = performance.now();
  let firstPageMs: number | undefined;
  const result = await fn(() => (firstPageMs ??= performance.now() - t0));
  const totalMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 20)); // the timer sees the end of a synchronous block
  histogram.disable();
  clearInterval(timer);
  const queuedAfter = hostRunQueueMs();
  gcObserver.disconnect(); // (entries are delivered in a later turn: taken before the heap's own GC below)
  const overlap = (g: { start: number; ms: number }) => Math.max(0, Math.min(gapAt[1], g.start + g.ms) - Math.max(gapAt[0], g.start));
  const gc = { count: gcs.length, maxMs: Math.max(0, ...gcs.map((g) => g.ms)), totalMs: gcs.reduce((a, g) => a + g.ms, 0), inLongestGapMs: gcs.reduce((a, g) => a + overlap(g), 0) };
  const heldMb = gc ? heapAfterGc() - heapBefore : undefined;
  void result; // held until the heap was measured
  return { totalMs, loopDelayMaxMs: histogram.max / 1e6, timerGapMaxMs: gap, ...(firstPageMs !== undefined ? { firstPageMs } : {}), ...(heldMb !== undefined ? { heldMb } : {}), ...(queuedBefore !== undefined && queuedAfter !== undefined ? { runQueueMs: queuedAfter - queuedBefore } : {}), gc };
}

/**
 * The worker bundle run at the lowest CPU priority: on Linux os.setPriority without a pid is
 * setpriority(PRIO_PROCESS, 0), which changes the calling thread only (checked in
 * /proc/<pid>/task/<tid>/stat: 19 for the worker's thread, 0 for the others). Measured here only:
 * it did not make the host's stalls shorter (docs/webview.md), so the extension does not do it
 * (on macOS and Windows the same call would lower the whole extension host's priority).
 */
export function niceWorker(bundle: string): string {
  return `try { require('node:os').setPriority(19); } catch {} require(${JSON.stringify(bundle)});`;
}

export interface DatasetOpen {
  stall: Stall;
  rows: number;
  /** The pager's messages and the largest page's rows. */
  pages: { messages: number; largestPage: number };
}

/**
 * What ships (datasetView.ts readIndexed): the worker starts, the host reads the first
 * FIRST_PAGE traces itself meanwhile; the rows go to the page through the RowPager (pages of
 * DATASET_PAGE_ROWS, one per turn, each JSON.stringify'd as webview.postMessage does) as the
 * worker indexes them, then the report over all; then the middle row is opened.
 */
export async function openDatasetView(file: string, workerBundle: string, opts: { nice19?: boolean } = {}): Promise<DatasetOpen> {
  const where = { file, name: 'x' };
  let pages = { messages: 0, largestPage: 0 };
  let rows = 0;
  const stall = await measure(async (mark) => {
    let shown: 'none' | 'host' | 'worker' = 'none';
    let payload: DatasetPayload | undefined;
    const pager = new RowPager({ post: (m) => (JSON.stringify(m), m.type === 'dataset' && mark(), true) });
    const hostRead = new AbortController();
    const show = (p: DatasetPayload, progress: ReadProgress, by: 'host' | 'worker') => {
      if (shown === 'worker' || (by === 'host' && shown !== 'none')) return;
      shown = by;
      if (by === 'worker') hostRead.abort();
      payload = { ...p, reading: { traces: progress.traces, bytes: progress.bytes, totalBytes: progress.totalBytes } };
      pager.update(payload);
    };
    const fromWorker = runPayloadWorker(workerBundle, { path: file, where, index: true, firstPage: FIRST_PAGE }, {
      ...(opts.nice19 ? { evalCode: niceWorker(workerBundle) } : {}),
      onFirstPage: (p, _summary, progress) => show(p, progress, 'worker'),
      onRows: (progress) => {
        if (shown !== 'worker' || !payload) return;
        payload = { ...payload, reading: { traces: progress.traces, bytes: progress.bytes, totalBytes: progress.totalBytes } };
        pager.update(payload);
      },
    });
    void firstPageOnHost(file, where, FIRST_PAGE, hostRead.signal).then((page) => page && show(page.payload, page.progress, 'host'));
    const result = await fromWorker;
    hostRead.abort();
    rows = result.payload!.rows.length;
    pager.update(result.payload!);
    while (!pager.done) await new Promise((r) => setImmediate(r));
    pages = { ...pager.stats };
    const list = indexedTraceList(file, result.payload!.rows, result.summary!);
    await list.load(Math.floor(rows / 2)); // a row opened
    return { result, list };
  });
  return { stall, rows, pages };
}
