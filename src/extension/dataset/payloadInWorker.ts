/**
 * Runs payloadWorker.ts in a worker thread and returns its payload (see there for why). The
 * worker file is dist/payloadWorker.js in the extension; the bench runs the .ts source through tsx. No `vscode` import.
 */
import { Worker } from 'node:worker_threads';
import type { DatasetPayload } from '../../shared/dataset-protocol';
import type { ReadProgress } from '../trace/traceReader';
import type { PayloadJob, TraceFileSummary, WorkerMessage } from './payloadWorker';

export interface WorkerRunOptions {
  /** Run this code as the worker instead of `workerFile` (the bench and tests load the .ts source through tsx). */
  evalCode?: string;
  signal?: AbortSignal;
  onProgress?(progress: ReadProgress): void;
  /** An indexed file's first page of rows (and where those traces are), before the rest is read. */
  onFirstPage?(payload: DatasetPayload, summary: TraceFileSummary, progress: ReadProgress): void;
}

export interface WorkerResult {
  payload: DatasetPayload;
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
    worker.on('message', (m: WorkerMessage) => {
      if (settled) return;
      if (m.type === 'progress') opts.onProgress?.(m.progress);
      else if (m.type === 'first') opts.onFirstPage?.(m.payload, m.summary, m.progress);
      else if (m.type === 'done') done(() => resolve({ payload: m.payload, ...(m.summary ? { summary: m.summary } : {}) }));
      else done(() => reject(new Error(m.error)));
    });
    worker.once('error', (err) => done(() => reject(err)));
    worker.once('exit', (code) => done(() => reject(new Error(`the payload worker stopped (exit code ${code}) before it answered`))));
  });
}

/** The payload of a file read as any format (the worker's first job). */
export async function payloadInWorker(workerFile: string, job: PayloadJob, opts: Pick<WorkerRunOptions, 'evalCode' | 'signal'> = {}): Promise<DatasetPayload> {
  return (await runPayloadWorker(workerFile, { ...job, index: false }, opts)).payload;
}
