/**
 * Runs payloadWorker.ts in a worker thread and returns its payload (see there for why). The
 * worker file is dist/payloadWorker.js in the extension; the bench runs the .ts source through tsx. No `vscode` import.
 */
import { Worker } from 'node:worker_threads';
import type { DatasetPayload } from '../../shared/dataset-protocol';
import type { PayloadJob } from './payloadWorker';

/** `opts.evalCode`: run this code as the worker instead of `workerFile` (the bench loads the .ts source through tsx). */
export function payloadInWorker(workerFile: string, job: PayloadJob, opts: { evalCode?: string; signal?: AbortSignal } = {}): Promise<DatasetPayload> {
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
    worker.once('message', (m: { ok: true; payload: DatasetPayload } | { ok: false; error: string }) => done(() => (m.ok ? resolve(m.payload) : reject(new Error(m.error)))));
    worker.once('error', (err) => done(() => reject(err)));
    worker.once('exit', (code) => done(() => reject(new Error(`the payload worker stopped (exit code ${code}) before it answered`))));
  });
}
