/**
 * The one shared Compute Engine (creating one costs ~300 ms), used only as a
 * LaTeX -> MathJSON parser, in NON-canonical mode: canonicalisation is not
 * bounded (x^{x^{x^{...}}} ten levels deep never finishes), the plain parse is.
 * Parsing is further bounded by an input-length cap and a nesting-depth cap;
 * results are cached because the same answers recur (vote tallies, probes).
 */
import { ComputeEngine } from '@cortex-js/compute-engine';

/** Longer inputs are not parsed: no real answer is this long, and parse time grows with length. */
export const MAX_PARSE_LENGTH = 250;
/** Deeper bracket nesting is refused: real answers stay under 6 levels, parse time grows with depth. */
export const MAX_NESTING = 16;
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

function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (const ch of text) {
    if (ch === '{' || ch === '(' || ch === '[') max = Math.max(max, ++depth);
    else if (ch === '}' || ch === ')' || ch === ']') depth--;
  }
  return max;
}

/** MathJSON of `latex` (non-canonical), or null when it cannot be parsed (too long, too deep, engine error). */
export function parseLatex(latex: string): unknown | null {
  if (latex.length > MAX_PARSE_LENGTH || nestingDepth(latex) > MAX_NESTING) return null;
  const hit = cache.get(latex);
  if (hit !== undefined) return hit;
  let json: unknown | null;
  try {
    json = getEngine().parse(latex, { canonical: false }).json;
  } catch {
    json = null;
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(latex, json);
  return json;
}

/** Forget cached parses (benchmarks measure cold and warm runs). */
export function clearParseCache(): void {
  cache.clear();
}
