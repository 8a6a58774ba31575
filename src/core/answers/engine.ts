/**
 * The one shared Compute Engine (creating one costs ~300 ms), used only as a
 * LaTeX -> MathJSON parser. Parsing is bounded by an input-length cap; results
 * are cached because the same answers recur (vote tallies, probes).
 */
import { ComputeEngine } from '@cortex-js/compute-engine';

/** Longer inputs are not parsed: no real answer is this long, and parse time grows with length. */
export const MAX_PARSE_LENGTH = 400;
const CACHE_LIMIT = 5000;

let engine: ComputeEngine | null = null;
const cache = new Map<string, unknown>();

function getEngine(): ComputeEngine {
  if (engine === null) {
    engine = new ComputeEngine();
    engine.timeLimit = 500;
  }
  return engine;
}

/** MathJSON of `latex` in canonical form, or null when it cannot be parsed (too long, engine error). */
export function parseLatex(latex: string): unknown | null {
  if (latex.length > MAX_PARSE_LENGTH) return null;
  const hit = cache.get(latex);
  if (hit !== undefined) return hit;
  let json: unknown | null;
  try {
    json = getEngine().parse(latex, { canonical: true }).json;
  } catch {
    json = null;
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(latex, json);
  return json;
}
