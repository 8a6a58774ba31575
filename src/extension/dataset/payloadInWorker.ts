/**
 * Runs payloadWorker.ts in a worker thread and returns its payload (see there for why). The
 * worker file is dist/payloadWorker.js in the extension; the bench runs the .ts source through tsx. No `vscode` import.
 */
import { Worker } from 'node:worker_threads';
import type { DatasetPayload, DatasetRow } from '../../shared/dataset-protocol';
import type { QueueTrace } from '../../core/review/queue';
import type { LinePlace } from '../../io/trace-offsets';
import type { ReadProgress } from '../trace/traceReader';
import type { PayloadJob, TraceFileSummary, WorkerMessage } from './payloadWorker';
import type { Trace } from '../../core/trace';
import { OffsetTraceList, sameProblemKey } from '../trace/traceList';
import { problemTitle } from '../trace/traceFiles';
import { indexTraceFile } from '../trace/traceReader';
import { datasetPayload, queueTrace } from './rows';

export interface WorkerRunOptions {
  /** Run this code as the worker instead of `workerFile` (the bench and tests load the .ts source through tsx). */
  evalCode?: string;
  signal?: AbortSignal;
  onProgress?(progress: ReadProgress): void;
  /**
   * An indexed file's first page of rows (and where those traces are), before the rest is read.
   * `payload.rows` and the summary's lists are the ones the result will hold: they grow as the
   * rest is read (`onRows` says when); the report covers only the first page.
   */
  onFirstPage?(payload: DatasetPayload, summary: TraceFileSummary, progress: ReadProgress): void;
  /** After the first page, each further chunk of rows appended to those lists. */
  onRows?(progress: ReadProgress): void;
}

export interface WorkerResult {
  /** Absent when an index job asked for no report (`job.report: false`). */
  payload?: DatasetPayload;
  rows: DatasetRow[];
  problems: string[];
  /** Present when the job indexed the file (`job.index`). */
  summary?: TraceFileSummary;
}

export function runPayloadWorker(workerFile: string, job: PayloadJob, opts: WorkerRunOptions = {}): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const worker = opts.evalCode !== undefined ? new Worker(opts.evalCode, { eval: true, workerData: job }) : new Worker(workerFile, { workerData: job });
    const stop = () => void worker.terminate();
    opts.signal?.addEventListener('abort', stop, { once: true });
    let settled = false;
    const done = (f: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', stop);
      void worker.terminate();
      f();
    };
    // An indexed file's rows arrive in chunks, each deserialized in its own turn of the event loop.
    const rows: DatasetRow[] = [];
    const places: LinePlace[] = [];
    const ids: string[] = [];
    const problemKeys: string[] = [];
    const digests: string[] = [];
    const queue: QueueTrace[] = [];
    let progress: ReadProgress = { bytes: 0, totalBytes: 0, traces: 0 };
    let firstSent = false;
    worker.on('message', (m: WorkerMessage) => {
      if (settled) return;
      switch (m.type) {
        case 'progress':
          progress = m.progress;
          return opts.onProgress?.(m.progress);
        case 'rows':
          for (const r of m.rows) {
            rows.push(r);
            ids.push(r.id);
          }
          for (let i = 0; i < m.places.length; i += 3) places.push({ offset: m.places[i], length: m.places[i + 1], line: m.places[i + 2] });
          for (const k of m.problemKeys) problemKeys.push(k);
          for (const d of m.digests) digests.push(d);
          for (const q of m.queue) queue.push(q);
          if (firstSent) opts.onRows?.({ ...progress, traces: rows.length });
          return;
        case 'first': {
          if (!m.report) return;
          firstSent = true;
          progress = m.progress;
          return opts.onFirstPage?.({ file: job.where.file, name: job.where.name, report: m.report, rows, problems: [] }, { places, ids, digests, stamp: m.stamp, problemKeys, queue }, m.progress);
        }
        case 'indexed':
          return done(() =>
            resolve({
              ...(m.report ? { payload: { file: job.where.file, name: job.where.name, report: m.report, rows, problems: m.problems } } : {}),
              rows,
              problems: m.problems,
              summary: { places, ids, digests, stamp: m.stamp, problemKeys, queue },
            }),
          );
        case 'done':
          return done(() => resolve({ payload: m.payload, rows: m.payload.rows, problems: m.payload.problems }));
        case 'failed':
          return done(() => reject(new Error(m.error)));
      }
    });
    worker.once('error', (err) => done(() => reject(err)));
    worker.once('exit', (code) => done(() => reject(new Error(`the payload worker stopped (exit code ${code}) before it answered`))));
  });
}

/** The traces of an indexed file as line places, with picker entries made from its rows. */
export function indexedTraceList(path: string, rows: readonly DatasetRow[], summary: TraceFileSummary): OffsetTraceList {
  // The summary's lists themselves: a list made at the first page grows with them.
  return new OffsetTraceList(path, summary.places, summary.ids, (i) => ({ index: i, id: rows[i].id, problem: problemTitle(rows[i].problem), correct: rows[i].correct, episodes: rows[i].episodes }), summary.stamp, summary.digests);
}

/** The payload of a file read as any format (the worker's first job). */
export async function payloadInWorker(workerFile: string, job: PayloadJob, opts: Pick<WorkerRunOptions, 'evalCode' | 'signal'> = {}): Promise<DatasetPayload> {
  return (await runPayloadWorker(workerFile, { ...job, index: false }, opts)).payload!;
}

/**
 * The first `count` traces of a `.trace.jsonl`, indexed on the host (in 8 ms slices, then
 * dropped), as the worker's first page would give them: the dataset view shows them while the
 * worker starts (spawning it and loading its bundle took 0.3-0.5 s before it read a line).
 * Undefined when the file holds fewer (the worker's answer then comes soon) or `signal` aborts.
 */
export async function firstPageOnHost(path: string, where: { file: string; name: string }, count: number, signal?: AbortSignal): Promise<{ payload: DatasetPayload; summary: TraceFileSummary; progress: ReadProgress } | undefined> {
  const stop = new AbortController();
  const abort = () => stop.abort();
  signal?.addEventListener('abort', abort, { once: true });
  const traces: Trace[] = [];
  let reached: ReadProgress | undefined;
  try {
    const index = await indexTraceFile(path, (trace) => void traces.push(trace), { firstPage: count, signal: stop.signal, onFirstPage: (_sofar, progress) => ((reached = progress), stop.abort()) });
    if (!reached || signal?.aborted) return undefined;
    const payload = datasetPayload(traces, where);
    const summary: TraceFileSummary = { places: index.places, ids: index.ids, digests: index.digests, stamp: index.stamp, problemKeys: traces.map((t) => sameProblemKey(t.problem)), queue: traces.map(queueTrace) };
    return { payload, summary, progress: reached };
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}
