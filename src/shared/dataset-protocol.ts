/**
 * Typed messages between the extension host and the dataset view (a second webview showing
 * a whole annotated trace file: the report's numbers and charts, and a table of traces), the
 * state that view persists, and the host-side validator for what the view sends.
 *
 * The view renders untrusted text (problems, model names, ids), so everything it sends is
 * treated as untrusted input: parseDatasetViewMessage keeps only known, bounded fields.
 */
import type { EpisodeLabel } from '../core/trace';
import type { DatasetReport } from '../core/report';
import { QUEUE_CRITERIA, type QueueCriterion } from '../core/review/queue';

export const DATASET_PROTOCOL_VERSION = 1 as const;

/** One trace of the file, reduced to what the table shows, sorts and filters on. */
export interface DatasetRow {
  /** Position among the file's valid traces (what 'open-trace' sends back). */
  index: number;
  id: string;
  /** First line of the problem, shortened by the host. */
  problem: string;
  /** Model name; '' when the trace does not say. */
  model: string;
  /** Final answer graded correct / incorrect; null when there was no gold. */
  correct: boolean | null;
  /** The trace ended with an error (kept partial). */
  error: boolean;
  episodes: number;
  thinkingTokens: number;
  /** Thinking tokens spent after the first correct episode; null when none was correct. */
  tokensAfterFirstCorrect: number | null;
  /** mu of the last probed episode; null when nothing was probed. */
  finalMu: number | null;
  /** Labels carried by at least one episode. */
  labels: EpisodeLabel[];
}

/** Where the file stands when a dataset job is writing it (from its `.job.json` sidecar). */
export interface DatasetJobState {
  status: string;
  done?: number;
  total?: number;
}

export interface DatasetPayload {
  /** Absolute path (or URI string) of the trace file. */
  file: string;
  /** Base name, for the heading. */
  name: string;
  report: DatasetReport;
  rows: DatasetRow[];
  /** Lines that are not valid traces: "name.trace.jsonl:17: field: message". */
  problems: string[];
  job?: DatasetJobState;
  /**
   * Set while the file is still being read (a big file's first page is shown before the end):
   * the rows read so far, and the report over only them. More rows follow ('dataset-rows'), then
   * the report over every trace ('dataset-read').
   */
  reading?: DatasetReading;
}

/** How far the host has read a file whose rows are still arriving. */
export interface DatasetReading {
  traces: number;
  bytes: number;
  totalBytes: number;
}

/**
 * Rows travel in pages of at most DATASET_PAGE_ROWS, each posted in its own turn of the host's
 * event loop: webview.postMessage serializes a message on the extension host, and the whole
 * 10,000-row table in one message held it for 20 ms quiet, up to 600 ms under load.
 */
export const DATASET_PAGE_ROWS = 1000;

/** How a 'dataset' message's rows continue in 'dataset-rows' messages. */
export interface DatasetPaging {
  /** Numbers the load this 'dataset' begins; pages of any other load are ignored. */
  load: number;
  /** Rows the page holds once every page of this load has come; absent while the file is still being read. */
  rowCount?: number;
}

// ---------------------------------------------------------------- review queue

/** Which traces the reviewer chose to review (docs/review.md, "Review queue"). */
export interface ReviewQueueChoice {
  /** Any of these (none = every trace). */
  criteria: Exclude<QueueCriterion, 'all'>[];
  /** Keep a seeded random sample of `n` of them. */
  sample?: { n: number; seed: number };
}

/** The queue as the host computed it from the file and its review sidecar. */
export interface ReviewQueueState {
  choice: ReviewQueueChoice;
  /** Traces in the queue, and how many of them the sidecar marks reviewed. */
  queued: number;
  reviewed: number;
  /** The first queued trace not yet reviewed (file index, id, 0-based place in the queue); null when done. */
  next: { index: number; id: string; position: number } | null;
  /** Traces of the file each criterion picks (before sampling). */
  counts: Record<QueueCriterion, number>;
  /** The sidecar's file name. */
  sidecar: string;
  /** Sidecar lines left out (not annotations, or torn). */
  skippedLines: number;
}

export { QUEUE_CRITERIA };
export const MAX_QUEUE_SAMPLE = 1_000_000;

// ---------------------------------------------------------------- host → view

export type HostToDatasetView =
  /** A new load: header, report and the first rows (all of them when `paging` is absent). */
  | ({ type: 'dataset'; paging?: DatasetPaging } & DatasetPayload)
  /** The next rows of load `load`, from row `from` (the rows the page has of it); `reading` while the file is still being read. */
  | { type: 'dataset-rows'; load: number; from: number; rows: DatasetRow[]; reading?: DatasetReading }
  /** The file of load `load` is read to its end: the report over all `rowCount` rows (the rows not yet sent follow as 'dataset-rows'). */
  | { type: 'dataset-read'; load: number; report: DatasetReport; problems: string[]; rowCount: number; job?: DatasetJobState }
  | { type: 'error'; message: string }
  | { type: 'notice'; message: string }
  /** The review queue (after every payload, a choice, and a change of the review sidecar). */
  | { type: 'review-queue'; queue: ReviewQueueState }
  /** Shown again after being hidden: a page that kept its content answers 'ready'; a new page ignores it. */
  | { type: 'ping' };

// ---------------------------------------------------------------- view → host

export type DatasetViewToHost =
  /** The page's script runs and can receive 'dataset'. */
  | { type: 'ready' }
  /** Show this trace (row index and id, so a file that changed meanwhile is noticed) in the trace view. */
  | { type: 'open-trace'; index: number; id: string }
  /** Open the trace file itself in the trace editor / the HTML report in a browser tab. */
  | { type: 'open-file'; what: 'traces' | 'report' }
  /** Compare every trace of the file that has this row's problem (Compare Traces). */
  | { type: 'compare'; index: number; id: string }
  /** The page rendered a 'dataset' payload with this many rows (lets the host and tests know it is shown). */
  | { type: 'shown'; rows: number }
  /** Review these traces (kept by the host per file, so a reopened view resumes). */
  | { type: 'review-queue-set'; choice: ReviewQueueChoice }
  /** Open the first queued trace not yet reviewed in the trace view, its review panel open. */
  | { type: 'review-next' }
  | { type: 'log'; level: 'error' | 'warn' | 'info'; message: string };

// ---------------------------------------------------------------- persisted state

export type SortKey = 'index' | 'id' | 'problem' | 'model' | 'correct' | 'episodes' | 'thinkingTokens' | 'tokensAfterFirstCorrect' | 'finalMu';
export type SortDirection = 'asc' | 'desc';
export interface SortSpec {
  key: SortKey;
  dir: SortDirection;
}

export type OutcomeFilter = 'all' | 'correct' | 'incorrect' | 'ungraded' | 'error';

export interface RowFilters {
  outcome: OutcomeFilter;
  /** Only traces with at least one episode carrying this label ('' = any). */
  label: EpisodeLabel | '';
  /** Only overthinking traces: tokens after the first correct episode > overthinkingPercent% of thinking. */
  overthinking: boolean;
  overthinkingPercent: number;
  /** Only this model ('' = all). */
  model: string;
  /** Case-insensitive text in id or problem. */
  query: string;
}

export interface PersistedDatasetState {
  version: typeof DATASET_PROTOCOL_VERSION;
  /** The file shown, so a restored panel (after a window reload) can read it again. */
  file?: string;
  sort: SortSpec;
  filters: RowFilters;
  scrollTop: number;
}

export const DEFAULT_OVERTHINKING_PERCENT = 50;

// ---------------------------------------------------------------- validation (host side)

export type ValidatedDatasetMessage = { ok: true; message: DatasetViewToHost } | { ok: false; error: string };

const LOG_LEVELS = new Set(['error', 'warn', 'info']);
const MAX_TEXT = 10_000;
const MAX_ID = 1_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a message from the dataset view; returns a clean copy or names the bad field. Never throws. */
export function parseDatasetViewMessage(value: unknown): ValidatedDatasetMessage {
  const bad = (field: string, expected: string): ValidatedDatasetMessage => ({ ok: false, error: `dataset view message ${field}: expected ${expected}` });
  if (!isRecord(value)) return bad('(root)', 'an object');
  switch (value.type) {
    case 'ready':
      return { ok: true, message: { type: 'ready' } };
    case 'open-trace': {
      const { index, id } = value;
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 100_000_000) return bad('open-trace.index', 'a non-negative integer');
      if (typeof id !== 'string' || id.length > MAX_ID) return bad('open-trace.id', `a string of at most ${MAX_ID} characters`);
      return { ok: true, message: { type: 'open-trace', index, id } };
    }
    case 'compare': {
      const { index, id } = value;
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 100_000_000) return bad('compare.index', 'a non-negative integer');
      if (typeof id !== 'string' || id.length > MAX_ID) return bad('compare.id', `a string of at most ${MAX_ID} characters`);
      return { ok: true, message: { type: 'compare', index, id } };
    }
    case 'shown':
      if (typeof value.rows !== 'number' || !Number.isInteger(value.rows) || value.rows < 0 || value.rows > 100_000_000) return bad('shown.rows', 'a non-negative integer');
      return { ok: true, message: { type: 'shown', rows: value.rows } };
    case 'open-file':
      if (value.what !== 'traces' && value.what !== 'report') return bad('open-file.what', '"traces" or "report"');
      return { ok: true, message: { type: 'open-file', what: value.what } };
    case 'review-queue-set': {
      const choice = readQueueChoice(value.choice);
      if (typeof choice === 'string') return { ok: false, error: `dataset view message review-queue-set.choice${choice}` };
      return { ok: true, message: { type: 'review-queue-set', choice } };
    }
    case 'review-next':
      return { ok: true, message: { type: 'review-next' } };
    case 'log':
      if (typeof value.level !== 'string' || !LOG_LEVELS.has(value.level)) return bad('log.level', '"error", "warn" or "info"');
      if (typeof value.message !== 'string') return bad('log.message', 'a string');
      return { ok: true, message: { type: 'log', level: value.level as 'error' | 'warn' | 'info', message: value.message.slice(0, MAX_TEXT) } };
    default: {
      const t = value.type;
      return bad('type', `a known message type (got ${JSON.stringify(typeof t === 'string' ? t.slice(0, 40) : typeof t)})`);
    }
  }
}

/**
 * A clean queue choice, or the bad field's suffix and what was expected (".sample.n: expected …").
 * Used on messages from the page and on the choice kept in workspace state.
 */
export function readQueueChoice(value: unknown): ReviewQueueChoice | string {
  if (!isRecord(value)) return ': expected an object';
  const { criteria, sample } = value;
  if (!Array.isArray(criteria) || criteria.length > QUEUE_CRITERIA.length) return `.criteria: expected a list of ${QUEUE_CRITERIA.join(', ')}`;
  const picked = QUEUE_CRITERIA.filter((c) => criteria.includes(c));
  if (picked.length !== new Set(criteria).size) return `.criteria: expected a list of ${QUEUE_CRITERIA.join(', ')}`;
  if (sample === undefined) return { criteria: picked };
  if (!isRecord(sample)) return '.sample: expected {n, seed}';
  const { n, seed } = sample;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_QUEUE_SAMPLE) return `.sample.n: expected an integer from 1 to ${MAX_QUEUE_SAMPLE}`;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) return '.sample.seed: expected an integer from 0 to 4294967295';
  return { criteria: picked, sample: { n, seed } };
}
