/**
 * Typed messages between the extension host and the compare view (two or more traces side by
 * side), and the host-side validator for what the view sends. The host computes everything
 * (src/core/compare.ts); the page only draws it. Model text inside the payload (answers,
 * labels, problems) is untrusted: the page puts it into the DOM as text only.
 */
import type { Alignment, Comparison } from '../core/compare';

export const COMPARE_PROTOCOL_VERSION = 1 as const;

export interface ComparePayload {
  comparison: Comparison;
  /** Where each trace came from ("file:line", "re-run", …), in the comparison's order. */
  origins: string[];
  /** The divergence sentence for each alignment (describeDivergence). */
  divergenceText: Record<Alignment, string>;
  /** The alignment to start with (the page's saved choice wins). */
  alignment: Alignment;
}

export type HostToCompareView =
  | ({ type: 'compare' } & ComparePayload)
  | { type: 'error'; message: string }
  | { type: 'notice'; message: string }
  /** Shown again after being hidden: a page that kept its content answers 'ready'. */
  | { type: 'ping' };

export type CompareViewToHost =
  | { type: 'ready' }
  /** The page drew a comparison of this many traces under this alignment. */
  | { type: 'shown'; traces: number; alignment: Alignment }
  /** Open trace `position` (of the comparison) in a trace view. */
  | { type: 'open-trace'; position: number }
  | { type: 'log'; level: 'error' | 'warn' | 'info'; message: string };

export interface PersistedCompareState {
  version: typeof COMPARE_PROTOCOL_VERSION;
  alignment: Alignment;
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
