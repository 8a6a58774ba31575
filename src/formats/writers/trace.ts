/**
 * Our own format, minimal: only what cannot be recomputed (id, problem, gold, model, thinking,
 * response, truncated) under `"version": 1`, the record src/formats/trace-format.ts reads as
 * raw input and annotates again. For sharing traces without derived fields; the complete
 * format is what segment/annotate write. Pure.
 */
import type { Trace } from '../../core/trace';

/** Minimal records say version 1, the version the minimal reader takes (later versions only add derived fields). */
const MINIMAL_VERSION = 1;

export interface MinimalTrace {
  version: typeof MINIMAL_VERSION;
  id: string;
  problem: string;
  gold?: string;
  model?: string;
  thinking: string;
  response: string;
  truncated?: true;
}

export function toMinimalTrace(t: Trace): MinimalTrace {
  const out: MinimalTrace = { version: MINIMAL_VERSION, id: t.id, problem: t.problem, thinking: t.thinking, response: t.response };
  if (t.gold !== null && t.gold !== undefined) out.gold = t.gold;
  if (t.model) out.model = t.model;
  if (t.truncated) out.truncated = true;
  return out;
}
