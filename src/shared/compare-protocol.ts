/**
 * Typed messages between the extension host and the compare view (two or more traces side by
 * side), and the host-side validator for what the view sends. The host computes everything
 * (src/core/compare.ts); the page only draws it. Model text inside the payload (answers,
 * labels, problems) is untrusted: the page puts it into the DOM as text only.
 */
import type { Alignment, Comparison } from '../core/compare';
import type { Trace } from '../core/trace';

export const COMPARE_PROTOCOL_VERSION = 1 as const;

export interface ComparePayload {
  comparison: Comparison;
  /** Where each trace came from ("file:line", "re-run", …), in the comparison's order. */
  origins: string[];
  /** The divergence sentence for each alignment (describeDivergence). */
  divergenceText: Record<Alignment, string>;
  /** The alignment to start with (the page's saved choice wins). */
  alignment: Alignment;
  /** Where each trace can be read again, in the comparison's order: the page keeps them in its state for a window reload. */
  sources: CompareSource[];
  /** Compared traces a restore could not read again (sentences), shown above the comparison. */
  missing?: string[];
}

/**
 * Where one compared trace can be read again after a window reload: a file (URI string) and the
 * trace's id in it, or, for a trace in no file (an unsaved re-run), the trace itself.
 */
export interface CompareSource {
  id: string;
  /** Its heading when it was given one ("original", "re-run"); else the model, as first time. */
  label?: string;
  /** The trace's model: names it when it cannot be read again. */
  model?: string;
  /** "file:line", "re-run", … as shown under the heading. */
  origin: string;
  file?: string;
  /** Its position among the file's traces (from 0): which one, when ids repeat. */
  position?: number;
  trace?: Trace;
}

export type HostToCompareView =
  | ({ type: 'compare' } & ComparePayload)
  | { type: 'error'; message: string }
  | { type: 'notice'; message: string }
  /** A restored comparison none of whose traces (or fewer than two) could be read again: why, per trace. */
  | { type: 'unavailable'; message: string; missing: string[] }
  /** Shown again after being hidden: a page that kept its content answers 'ready'. */
  | { type: 'ping' };

export type CompareViewToHost =
  | { type: 'ready' }
  /** The page drew a comparison of this many traces under this alignment (0: it shows why it cannot). */
  | { type: 'shown'; traces: number; alignment: Alignment }
  /** Open trace `position` (of the comparison) in a trace view. */
  | { type: 'open-trace'; position: number }
  | { type: 'log'; level: 'error' | 'warn' | 'info'; message: string };

export interface PersistedCompareState {
  version: typeof COMPARE_PROTOCOL_VERSION;
  alignment: Alignment;
  /** What a window reload reads again (absent in states saved before restoring existed). */
  sources?: CompareSource[];
}

export type ValidatedCompareMessage = { ok: true; message: CompareViewToHost } | { ok: false; error: string };

const MAX_TEXT = 10_000;
const MAX_TRACES = 64;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isAlignment(value: unknown): value is Alignment {
  return value === 'index' || value === 'tokens';
}

function isCount(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max;
}

/** Checks a message from the compare view; returns a clean copy or names the bad field. Never throws. */
export function parseCompareViewMessage(value: unknown): ValidatedCompareMessage {
  const bad = (field: string, expected: string): ValidatedCompareMessage => ({ ok: false, error: `compare view message ${field}: expected ${expected}` });
  if (!isRecord(value)) return bad('(root)', 'an object');
  switch (value.type) {
    case 'ready':
      return { ok: true, message: { type: 'ready' } };
    case 'shown':
      if (!isCount(value.traces, MAX_TRACES)) return bad('shown.traces', `an integer in [0, ${MAX_TRACES}]`);
      if (!isAlignment(value.alignment)) return bad('shown.alignment', '"index" or "tokens"');
      return { ok: true, message: { type: 'shown', traces: value.traces, alignment: value.alignment } };
    case 'open-trace':
      if (!isCount(value.position, MAX_TRACES - 1)) return bad('open-trace.position', `an integer in [0, ${MAX_TRACES - 1}]`);
      return { ok: true, message: { type: 'open-trace', position: value.position } };
    case 'log':
      if (value.level !== 'error' && value.level !== 'warn' && value.level !== 'info') return bad('log.level', '"error", "warn" or "info"');
      if (typeof value.message !== 'string') return bad('log.message', 'a string');
      return { ok: true, message: { type: 'log', level: value.level, message: value.message.slice(0, MAX_TEXT) } };
    default: {
      const t = value.type;
      return bad('type', `a known message type (got ${JSON.stringify(typeof t === 'string' ? t.slice(0, 40) : typeof t)})`);
    }
  }
}
