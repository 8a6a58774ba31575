/**
 * Worker thread entry (dist/payloadWorker.js): reads a trace file and computes the dataset
 * view's payload (the report over every trace, and one row per trace) off the extension host's
 * thread. The report over 10,000 traces takes 0.3–1.2 s in one call, and the traces it needs
 * would otherwise sit on the host's heap while it runs; here neither touches the host's event
 * loop, which only receives the finished payload (a few MB of small rows). No `vscode` import.
 *
 * `index` (a `.trace.jsonl`): the worker also says where each trace is in the file (line
 * places), the key of its problem and what the review queue needs of it, sends progress and a
 * first page, so the host never parses the file at all and parses one trace when it is shown.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SegmentOptions } from '../../core/segment';
import type { Trace } from '../../core/trace';
import type { QueueTrace } from '../../core/review/queue';
import type { DatasetPayload } from '../../shared/dataset-protocol';
import type { FileStamp, LinePlace } from '../../io/trace-offsets';
import { indexTraceFile, readAnyTraces, type ReadProgress } from '../trace/traceReader';
import { sameProblemKey } from '../trace/traceList';
import { datasetPayload, datasetRow } from './rows';

export interface PayloadJob {
  path: string;
  where: { file: string; name: string };
  segment?: SegmentOptions;
  /** Index the file (our `.trace.jsonl` only) instead of reading it as any format. */
  index?: boolean;
  /** Rows in the first page (default 200). */
  firstPage?: number;
}

/** Everything the host keeps of an indexed file instead of its traces. */
export interface TraceFileSummary {
  places: LinePlace[];
  stamp: FileStamp;
  /** sameProblemKey of each trace's problem (Compare from the dataset view). */
  problemKeys: string[];
  /** What the review queue reads of each trace (id, final verdict, episodes with progress). */
  queue: QueueTrace[];
}

export type WorkerMessage =
  | { type: 'progress'; progress: ReadProgress }
  | { type: 'first'; payload: DatasetPayload; summary: TraceFileSummary; progress: ReadProgress }
  | { type: 'done'; payload: DatasetPayload; summary?: TraceFileSummary }
  | { type: 'failed'; error: string };

function queueTrace(trace: Trace): QueueTrace {
  const episodes: QueueTrace['episodes'][number][] = [];
  for (const e of trace.episodes) {
    if (!e.progress) continue;
    const { delta, ci, interval } = e.progress as { delta: number; ci?: number; interval?: [number, number] };
    episodes.push({ verdict: e.verdict, progress: { delta, ...(ci !== undefined ? { ci } : {}), ...(interval ? { interval } : {}) } });
  }
  return { id: trace.id, final: { correct: trace.final.correct ?? null }, episodes };
}

async function indexed(job: PayloadJob, post: (m: WorkerMessage) => void): Promise<void> {
  const traces: Trace[] = [];
  const problemKeys: string[] = [];
  const queue: QueueTrace[] = [];
  const index = await indexTraceFile(
    job.path,
    (trace, i) => {
      traces.push(trace);
      problemKeys.push(sameProblemKey(trace.problem));
      queue.push(queueTrace(trace));
      return datasetRow(trace, i);
    },
    {
      sliceMs: 1_000,
      firstPage: job.firstPage,
      onProgress: (progress) => post({ type: 'progress', progress }),
      onFirstPage: (sofar, progress) => {
        const count = sofar.places.length;
        const summary = { places: sofar.places.slice(), stamp: sofar.stamp, problemKeys: problemKeys.slice(0, count), queue: queue.slice(0, count) };
        post({ type: 'first', payload: datasetPayload(traces.slice(0, count), job.where, []), summary, progress });
      },
    },
  );
  const payload = { ...datasetPayload(traces, job.where, index.problems), rows: index.summaries };
  post({ type: 'done', payload, summary: { places: index.places, stamp: index.stamp, problemKeys, queue } });
}

async function main(job: PayloadJob, post: (m: WorkerMessage) => void): Promise<void> {
  if (job.index) return indexed(job, post);
  // sliceMs: this thread blocks no one, so the reader need not yield.
  const loaded = await readAnyTraces(job.path, { segment: job.segment, sliceMs: 1_000 });
  post({ type: 'done', payload: datasetPayload(loaded.traces, job.where, loaded.problems) });
}

if (parentPort && workerData) {
  const port = parentPort;
  main(workerData as PayloadJob, (m) => port.postMessage(m)).catch((err: unknown) => port.postMessage({ type: 'failed', error: err instanceof Error ? err.message : String(err) } satisfies WorkerMessage));
}
