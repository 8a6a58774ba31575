/**
 * Typed messages between the extension host and the trace webview (both directions),
 * the state the webview persists with vscode.setState, and a runtime validator for
 * webview → host messages: the webview renders untrusted model text, so the host treats
 * everything it receives from it as untrusted input.
 *
 * Host and webview import the types with `import type`; only the validator is runtime code.
 */
import type { BudgetPolicy, EpisodeLabel, Trace, Verdict } from '../core/trace';
import { formatBudgetErrors, parseBudgetPolicy } from '../core/budget-policy';
import type { RunEvent, RunStatus } from '../runs/contract';
import type { WireTrace } from './wire-trace';
import { isReviewWebviewType, readReviewMessage, type ReviewHostMessage, type ReviewWebviewMessage } from './review-protocol';
/** The run events the trace page replays, named here so the webview never imports src/runs. */
export type { RunEvent, RunStatus };

export const PROTOCOL_VERSION = 1 as const;

/** Display preferences the host reads from settings. */
export interface ViewSettings {
  /** Render Markdown + KaTeX in episode text (off: plain text, fastest). */
  renderMath: boolean;
  /** Expand every episode card on load (default: collapsed). */
  expandEpisodes: boolean;
  /** Show the mu-vs-tokens chart. */
  showChart: boolean;
}

export const DEFAULT_VIEW_SETTINGS: ViewSettings = { renderMath: true, expandEpisodes: false, showChart: true };

/** Forced-answer probing the user asks for on re-run / annotate (subset of ProbeSettings). */
export interface ProbeRequest {
  samples: number;
}

/** Where the shown trace came from, so a restored panel can ask for it again. */
export interface TraceOrigin {
  /** Absolute path or URI string of the file the trace was read from. */
  file?: string;
  /** Index of the trace inside a JSONL file. */
  index?: number;
  /** Id of the live run that produced it. */
  runId?: string;
  /** The places in `file` of the dataset review queue this view walks (`]`/`[` move through these only); `index` is one of them. */
  queue?: number[];
}

/** One row of the trace picker for multi-trace files. */
export interface TraceListItem {
  index: number;
  id: string;
  /** First line of the problem, already shortened by the host. */
  problem: string;
  correct: boolean | null;
  episodes: number;
}

// ---------------------------------------------------------------- host → webview

export type HostToWebview =
  /** Full state: sent after 'ready', after a reload, and when a new trace is selected. */
  | {
      type: 'load';
      /** Episode texts that are slices of the thinking are left out (src/shared/wire-trace.ts). */
      trace: WireTrace;
      /** True while a run is streaming into this trace ('events' follow). */
      live: boolean;
      status?: RunStatus;
      settings: ViewSettings;
      /** Budget controls start from this policy (usually the trace's own). */
      budget: BudgetPolicy;
      probe?: ProbeRequest | false;
      /** Models the user can pick for a re-run (host lists them; optional). */
      models?: string[];
      origin?: TraceOrigin;
    }
  /** Run events, batched by the host: at most one message per animation frame (~16 ms). */
  | { type: 'events'; events: RunEvent[] }
  /** The file holds several traces: show a picker; 'select-trace' answers with an index. */
  | { type: 'trace-list'; file: string; items: TraceListItem[]; selected: number }
  | { type: 'settings'; settings: ViewSettings }
  | { type: 'models'; models: string[] }
  /** Something failed on the host side (file unreadable, model unreachable, ...). */
  | { type: 'error'; message: string }
  /** Short confirmation shown in the status line ("Episode 3 copied"). */
  | { type: 'notice'; message: string }
  /**
   * The panel was hidden and is shown again: a page that kept its content answers 'ready' (it
   * may have missed updates); a page that has shown nothing yet ignores it (it says 'ready' itself).
   */
  | { type: 'ping' }
  /** Human review of the shown trace (src/shared/review-protocol.ts). */
  | ReviewHostMessage;

// ---------------------------------------------------------------- webview → host

export type ExportFormat = 'json' | 'jsonl';

export type WebviewToHost =
  /** The webview script is running and can receive 'load'. */
  | { type: 'ready' }
  /** Cancel the live run. */
  | { type: 'stop' }
  /** Run the same problem again with this budget (one click in the budget panel). */
  | { type: 'rerun'; budget: BudgetPolicy; probe: ProbeRequest | false; model?: string }
  /** Estimate progress (forced-answer probes) for the shown trace. */
  /** `model`: the one picked in the view's model field (else the host chooses one the server has). */
  | { type: 'annotate-progress'; probe: ProbeRequest; model?: string }
  | { type: 'export'; format: ExportFormat }
  /** Copy an episode's text to the clipboard (webview clipboard access is unreliable). */
  | { type: 'copy-episode'; index: number }
  /** A link in model text was clicked: the host decides whether to open it (http/https only). */
  | { type: 'open-link'; url: string }
  | { type: 'select-trace'; index: number }
  /** The page rendered a 'load': this trace, with this many episodes (tests and the host know it is shown). */
  | { type: 'shown'; traceId: string; episodes: number; live: boolean }
  /** Report a webview-side failure to the host's output channel. */
  | { type: 'log'; level: 'error' | 'warn' | 'info'; message: string }
  /** Human review: ask for it, record one change (src/shared/review-protocol.ts). */
  | ReviewWebviewMessage;

// ---------------------------------------------------------------- persisted webview state

export interface ViewFilters {
  /** Show only episodes carrying at least one of these labels (empty: all). */
  labels: EpisodeLabel[];
  /** Show only episodes with these verdicts (empty: all). */
  verdicts: Verdict[];
  /** Search query typed by the user. */
  query: string;
}

/** What the webview stores with vscode.setState; also what a panel serializer receives. */
export interface PersistedViewState {
  version: typeof PROTOCOL_VERSION;
  /** The trace itself when small enough (see MAX_PERSISTED_TRACE_CHARS); else ask via origin. */
  trace?: Trace;
  traceId?: string;
  origin?: TraceOrigin;
  live?: boolean;
  expanded: number[];
  filters: ViewFilters;
  scrollTop: number;
  /** The first episode on screen (position) and how many px of it are scrolled past; restores the place in a windowed list whose heights are partly estimated. */
  scrollAnchor?: { position: number; offset: number };
  budget?: BudgetPolicy;
  probe?: ProbeRequest | false;
  settings?: ViewSettings;
}

/** Traces with more thinking text than this are not persisted whole (state is JSON-serialised on every save). */
export const MAX_PERSISTED_TRACE_CHARS = 2_000_000;

/**
 * A view with a file behind it (a trace file, a dataset row, a saved run) is restored from the
 * file after a reload; it persists its trace too only when it is this small, to show it before the
 * host answers. The state goes to the workbench on every save (each scroll stop), and the
 * workbench stores it in an idle callback that ran 66-83 ms for a 1,000-episode trace (1 MB), on
 * the view's main thread in code-server, in the middle of the next scroll.
 */
export const MAX_PERSISTED_FILE_TRACE_CHARS = 100_000;

// ---------------------------------------------------------------- validation (host side)

export type Validated<T> = { ok: true; message: T } | { ok: false; error: string };

const LOG_LEVELS = new Set(['error', 'warn', 'info']);
const MAX_TEXT = 10_000;
const MAX_URL = 4_096;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIntIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

class Invalid extends Error {}

function fail(field: string, expected: string): never {
  throw new Invalid(`${field}: expected ${expected}`);
}

/** Rebuilds a BudgetPolicy from untrusted input with the one core parser (every bad field named). Throws Invalid. */
function readBudget(value: unknown, path: string): BudgetPolicy {
  if (!isRecord(value)) fail(path, 'an object');
  const parsed = parseBudgetPolicy(value);
  if (!parsed.ok) throw new Invalid(formatBudgetErrors(parsed.errors, `${path}.`));
  return parsed.policy;
}

function readProbe(value: unknown, path: string): ProbeRequest {
  if (!isRecord(value)) fail(path, 'an object { samples }');
  if (!isIntIn(value.samples, 1, 64)) fail(`${path}.samples`, 'an integer in [1, 64]');
  return { samples: value.samples };
}

/**
 * Checks a message received from the webview. Returns a clean copy holding only known
 * fields, or a message naming the offending field. Never throws.
 */
export function parseWebviewMessage(value: unknown): Validated<WebviewToHost> {
  try {
    return { ok: true, message: readMessage(value) };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, error: `webview message ${err.message}` };
    throw err;
  }
}

function readMessage(value: unknown): WebviewToHost {
  if (!isRecord(value)) fail('(root)', 'an object');
  const type = value.type;
  if (isReviewWebviewType(type)) {
    try {
      return readReviewMessage(value);
    } catch (err) {
      throw new Invalid((err as Error).message);
    }
  }
  switch (type) {
    case 'ready':
    case 'stop':
      return { type };
    case 'rerun': {
      const budget = readBudget(value.budget, 'rerun.budget');
      const probe = value.probe === false || value.probe === undefined ? false : readProbe(value.probe, 'rerun.probe');
      if (value.model !== undefined && (typeof value.model !== 'string' || value.model.length === 0 || value.model.length > 200)) {
        fail('rerun.model', 'a non-empty string of at most 200 characters');
      }
      const msg: WebviewToHost = { type, budget, probe };
      if (typeof value.model === 'string') msg.model = value.model;
      return msg;
    }
    case 'annotate-progress': {
      const probe = readProbe(value.probe, 'annotate-progress.probe');
      if (value.model !== undefined && (typeof value.model !== 'string' || value.model.length === 0 || value.model.length > 200)) {
        fail('annotate-progress.model', 'a non-empty string of at most 200 characters');
      }
      return typeof value.model === 'string' ? { type, probe, model: value.model } : { type, probe };
    }
    case 'export':
      if (value.format !== 'json' && value.format !== 'jsonl') fail('export.format', '"json" or "jsonl"');
      return { type, format: value.format };
    case 'copy-episode':
    case 'select-trace':
      if (!isIntIn(value.index, 0, 10_000_000)) fail(`${type}.index`, 'a non-negative integer');
      return { type, index: value.index };
    case 'shown':
      if (typeof value.traceId !== 'string' || value.traceId.length > MAX_TEXT) fail('shown.traceId', `a string of at most ${MAX_TEXT} characters`);
      if (!isIntIn(value.episodes, 0, 10_000_000)) fail('shown.episodes', 'a non-negative integer');
      if (typeof value.live !== 'boolean') fail('shown.live', 'a boolean');
      return { type, traceId: value.traceId, episodes: value.episodes, live: value.live };
    case 'open-link': {
      const url = value.url;
      if (typeof url !== 'string' || url.length > MAX_URL) fail('open-link.url', `a string of at most ${MAX_URL} characters`);
      if (!isSafeExternalUrl(url)) fail('open-link.url', 'an http(s) or mailto URL');
      return { type, url };
    }
    case 'log': {
      if (typeof value.level !== 'string' || !LOG_LEVELS.has(value.level)) fail('log.level', '"error", "warn" or "info"');
      if (typeof value.message !== 'string') fail('log.message', 'a string');
      return { type, level: value.level as 'error' | 'warn' | 'info', message: value.message.slice(0, MAX_TEXT) };
    }
    default:
      fail('type', `a known message type (got ${JSON.stringify(typeof type === 'string' ? type.slice(0, 40) : typeof type)})`);
  }
}

/** Links from model text may only leave the webview as http(s) or mailto URLs. */
export function isSafeExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' || parsed.protocol === 'mailto:';
}
