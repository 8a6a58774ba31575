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
import type { DatasetPayload, DatasetRow } from '../../shared/dataset-protocol';
import { computeReport, slimForReport, type DatasetReport } from '../../core/report';
import type { FileStamp, LinePlace } from '../../io/trace-offsets';
import { indexTraceFile, readAnyTraces, type ReadProgress } from '../trace/traceReader';
import { sameProblemKey } from '../trace/traceList';
import { datasetPayload, datasetRow, queueTrace } from './rows';
import { FIRST_PAGE } from './rowPages';

export interface PayloadJob {
  path: string;
  where: { file: string; name: string };
  segment?: SegmentOptions;
  /** Index the file (our `.trace.jsonl` only) instead of reading it as any format. */
  index?: boolean;
  /** Rows in the first page (default FIRST_PAGE). */
  firstPage?: number;
  /** `index` only: false when no report is wanted (the trace editor's picker): the worker then keeps no trace either. */
  report?: boolean;
}

/** Everything the host keeps of an indexed file instead of its traces. */
export interface TraceFileSummary {
  places: LinePlace[];
  /** Each trace's id. */
  ids: string[];
  /** lineDigest of each trace's line: a trace read again with it needs no validation. */
  digests: string[];
  stamp: FileStamp;
  /** sameProblemKey of each trace's problem (Compare from the dataset view). */
  problemKeys: string[];
  /** What the review queue reads of each trace (id, final verdict, episodes with progress). */
  queue: QueueTrace[];
}

/**
 * Rows of an indexed file go to the host in chunks of CHUNK as they are read: the host
 * deserializes each in its own event-loop turn (the whole payload in one message held the host
 * for ~600 ms under load), and the places travel as a transferred Float64Array
 * (offset, length, line per trace), not as objects.
 */
export const CHUNK = 200;

export interface RowsChunk {
  type: 'rows';
  rows: DatasetRow[];
  places: Float64Array;
  digests: string[];
  problemKeys: string[];
  queue: QueueTrace[];
}

export type WorkerMessage =
  | { type: 'progress'; progress: ReadProgress }
  | RowsChunk
  /** The rows so far make the first page: the report over them. */
  | { type: 'first'; report?: DatasetReport; stamp: FileStamp; progress: ReadProgress }
  /** An indexed file read to its end (its rows came in chunks); no report when the job asked for none. */
  | { type: 'indexed'; report?: DatasetReport; problems: string[]; stamp: FileStamp }
  | { type: 'done'; payload: DatasetPayload }
  | { type: 'failed'; error: string };

async function indexed(job: PayloadJob, post: (m: WorkerMessage, transfer?: ArrayBuffer[]) => void): Promise<void> {
  const report = job.report !== false;
  const traces: Trace[] = [];
  let current: Trace | undefined;
  let chunk: Omit<RowsChunk, 'places'> & { places: number[] } = { type: 'rows', rows: [], places: [], digests: [], problemKeys: [], queue: [] };
  const flush = () => {
    if (chunk.rows.length === 0) return;
    const places = Float64Array.from(chunk.places);
    post({ ...chunk, places }, [places.buffer]);
    chunk = { type: 'rows', rows: [], places: [], digests: [], problemKeys: [], queue: [] };
  };
  const index = await indexTraceFile(
    job.path,
    (trace, i) => {
      // Kept only for the report at the end: without their texts, so the worker's heap does not grow with the file's text.
      if (report) traces.push(slimForReport(trace));
      current = trace;
      return datasetRow(trace, i);
    },
    {
      sliceMs: 1_000,
      firstPage: job.firstPage ?? FIRST_PAGE,
      onProgress: (progress) => post({ type: 'progress', progress }),
      onIndexed: (_i, place, row, digest) => {
        chunk.rows.push(row);
        chunk.digests.push(digest);
        chunk.places.push(place.offset, place.length, place.line);
        chunk.problemKeys.push(sameProblemKey(current!.problem));
        chunk.queue.push(queueTrace(current!));
        current = undefined;
        if (chunk.rows.length >= CHUNK) flush();
      },
      onFirstPage: (sofar, progress) => {
        flush();
        post({ type: 'first', ...(report ? { report: computeReport(traces.slice(0, sofar.places.length)) } : {}), stamp: sofar.stamp, progress });
      },
    },
  );
  flush();
  post({ type: 'indexed', ...(report ? { report: computeReport(traces) } : {}), problems: index.problems, stamp: index.stamp });
}

async function main(job: PayloadJob, post: (m: WorkerMessage, transfer?: ArrayBuffer[]) => void): Promise<void> {
  if (job.index) return indexed(job, post);
  // sliceMs: this thread blocks no one, so the reader need not yield.
  const loaded = await readAnyTraces(job.path, { segment: job.segment, sliceMs: 1_000 });
  post({ type: 'done', payload: datasetPayload(loaded.traces, job.where, loaded.problems) });
}

if (parentPort && workerData) {
  const port = parentPort;
  main(workerData as PayloadJob, (m, transfer) => port.postMessage(m, transfer)).catch((err: unknown) => port.postMessage({ type: 'failed', error: err instanceof Error ? err.message : String(err) } satisfies WorkerMessage));
}
