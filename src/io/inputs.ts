/**
 * The one trace-directory walker: turns input arguments into files ("-" stays stdin, a
 * directory gives its trace files, sorted naturally, recursively). Used by `segment`,
 * offline `annotate` and dataset jobs alike.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalPath } from './paths';

/** File names taken from a directory; problem.json, chunk labels and metrics files are not traces. */
export function isTraceFileName(name: string): boolean {
  const n = name.toLowerCase();
  if (n === 'base_solution.json' || n === 'solutions.json') return true;
  if (/\.trace\.json$/.test(n)) return true;
  return /\.(jsonl|ndjson|txt)$/.test(n);
}

export class MissingInputError extends Error {}

/**
 * `exclude` names files never taken from a directory walk (the command's own output, which
 * may live under an input directory and would otherwise be read back in).
 */
export async function expandInputs(paths: readonly string[], exclude: readonly string[] = []): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    if (p === '-') {
      out.push(p);
      continue;
    }
    let info;
    try {
      info = await stat(p);
    } catch {
      throw new MissingInputError(`input not found: ${p}`);
    }
    if (info.isDirectory()) {
      const found = await traceFilesUnder(p, exclude);
      if (found.length === 0) throw new MissingInputError(`no trace files (*.jsonl, *.trace.json, *.txt, base_solution.json, solutions.json) under ${p}`);
      out.push(...found);
    } else out.push(p);
  }
  return out;
}

/** Trace files under a directory (possibly none), minus `exclude` (e.g. the command's own output). */
export async function traceFilesUnder(dir: string, exclude: readonly string[] = []): Promise<string[]> {
  // By real path: an output named through a symlink or `..` is still recognised.
  const skip = new Set(exclude.filter((e) => e !== '-').map((e) => canonicalPath(e)));
  return (await walk(dir)).filter((f) => !skip.has(canonicalPath(f)));
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  const out: string[] = [];
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile() && isTraceFileName(e.name)) out.push(p);
  }
  return out;
}
