/**
 * Turns annotated traces into what the dataset view needs: one small row per trace for the
 * table, and the whole payload (report + rows). Pure: no vscode, no I/O, so tests run it
 * directly and the host can build a payload for 10k traces without the view seeing trace text.
 */
import type { EpisodeLabel, Trace } from '../../core/trace';
import type { QueueTrace } from '../../core/review/queue';
import { computeReport } from '../../core/report';
import type { DatasetJobState, DatasetPayload, DatasetRow } from '../../shared/dataset-protocol';
import { problemTitle } from '../trace/traceFiles';

const LABEL_ORDER: EpisodeLabel[] = ['planning', 'computation', 'verification', 'backtracking', 'alternative', 'answer'];
const PROBLEM_CHARS = 120;

export function datasetRow(trace: Trace, index: number): DatasetRow {
  const labels = new Set<EpisodeLabel>();
  let finalMu: number | null = null;
  for (const e of trace.episodes) {
    for (const l of e.labels) labels.add(l);
    if (e.progress && Number.isFinite(e.progress.mu)) finalMu = e.progress.mu;
  }
  const after = trace.metrics.tokensAfterFirstCorrect;
  return {
    index,
    id: trace.id,
    problem: problemTitle(trace.problem, PROBLEM_CHARS),
    model: trace.model ?? '',
    correct: trace.final.correct === true ? true : trace.final.correct === false ? false : null,
    error: typeof trace.error === 'string' && trace.error !== '',
    episodes: trace.episodes.length,
    thinkingTokens: trace.metrics.thinkingTokens,
    tokensAfterFirstCorrect: typeof after === 'number' && Number.isFinite(after) ? after : null,
    finalMu,
    labels: LABEL_ORDER.filter((l) => labels.has(l)),
  };
}

export function datasetPayload(
  traces: readonly Trace[],
  where: { file: string; name: string },
  problems: string[] = [],
  job?: DatasetJobState,
  now?: Date,
): DatasetPayload {
  return {
    file: where.file,
    name: where.name,
    report: computeReport(traces, now ? { now } : {}),
    rows: traces.map(datasetRow),
    problems,
    ...(job ? { job } : {}),
  };
}

/** What the review queue reads of a trace (id, final verdict, the episodes with progress), kept instead of the trace. */
export function queueTrace(trace: Trace): QueueTrace {
  const episodes: QueueTrace['episodes'][number][] = [];
  for (const e of trace.episodes) {
    if (!e.progress) continue;
    const { mu, delta, ci, interval } = e.progress as { mu: number; delta: number; ci?: number; interval?: [number, number] };
    episodes.push({ verdict: e.verdict, progress: { mu, delta, ...(ci !== undefined ? { ci } : {}), ...(interval ? { interval } : {}) } });
  }
  return { id: trace.id, final: { correct: trace.final.correct ?? null }, episodes };
}
