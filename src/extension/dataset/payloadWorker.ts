/**
 * Worker thread entry (dist/payloadWorker.js): reads a trace file and computes the dataset
 * view's payload (the report over every trace, and one row per trace) off the extension host's
 * thread. The report over 10,000 traces takes 0.3–1.2 s in one call, and the traces it needs
 * would otherwise sit on the host's heap while it runs; here neither touches the host's event
 * loop, which only receives the finished payload (a few MB of small rows). No `vscode` import.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SegmentOptions } from '../../core/segment';
import { readAnyTraces } from '../trace/traceReader';
import { datasetPayload } from './rows';

export interface PayloadJob {
  path: string;
  where: { file: string; name: string };
  segment?: SegmentOptions;
}

async function main(job: PayloadJob): Promise<void> {
  // sliceMs: this thread blocks no one, so the reader need not yield.
  const loaded = await readAnyTraces(job.path, { segment: job.segment, sliceMs: 1_000 });
  const payload = datasetPayload(loaded.traces, job.where, loaded.problems);
  parentPort?.postMessage({ ok: true, payload, traces: loaded.traces.length });
}

if (parentPort && workerData) {
  main(workerData as PayloadJob).catch((err: unknown) => parentPort?.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) }));
}
