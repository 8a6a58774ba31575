/**
 * The one trace-directory walker: turns input arguments into files ("-" stays stdin, a
 * directory gives its trace files, sorted naturally, recursively). Used by `segment`,
 * offline `annotate` and dataset jobs alike.
 */
import { statSync } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join, sep } from 'node:path';
import { FileProblem } from './io-errors';
import { parquetHoldsTraces } from './parquet-records';
import { canonicalPath, STDIO } from './paths';

/**
 * File names taken from a directory; problem.json, chunk labels and metrics files are not
 * traces. Inspect `.eval` logs and Parquet files (lighteval details, HF datasets) are; other
 * `.json` files are taken only when their content is an Inspect log (isInspectJsonLog).
 */
export function isTraceFileName(name: string): boolean {
  const n = name.toLowerCase();
  // The tool's own side files beside traces are not traces: review sidecars (src/io/review-sidecar.ts)
  // and importance rollout logs (`OUT.rollouts.jsonl`, `.reasoning-lens/<id>.importance-rollouts.jsonl`).
  if (/\.(annotations|rollouts|importance-rollouts)\.jsonl$/.test(n)) return false;
  if (n === 'base_solution.json' || n === 'solutions.json') return true;
  if (/\.trace\.json$/.test(n)) return true;
  return /\.(jsonl|ndjson|txt|eval|parquet)$/.test(n);
}

/**
 * An Inspect `.json` log starts with its first fields in a fixed order (`version`, `status`,
 * `eval`: inspect_ai log/_log.py:1133), so its first bytes tell it from other JSON files.
 */
const INSPECT_JSON_HEAD = /^\s*\{\s*"version"\s*:\s*\d+\s*,\s*"status"\s*:\s*"[a-z_]+"\s*,\s*"eval"\s*:/;

export async function isInspectJsonLog(path: string): Promise<boolean> {
  if (!/\.json$/i.test(path)) return false;
  let handle;
  try {
    handle = await open(path, 'r');
    const head = new Uint8Array(256);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return INSPECT_JSON_HEAD.test(new TextDecoder().decode(head.subarray(0, bytesRead)).replace(/^\ufeff/, ''));
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}

/**
 * A file that holds traces by its kind, never a problem set: an Inspect `.eval` log, a text file
 * (model output with its markup, harmony), a Parquet file whose first row is a trace format.
 * Other files are judged by their first record (formats/problem-set).
 */
export async function holdsTracesByKind(path: string): Promise<boolean> {
  if (/\.(eval|txt)$/i.test(path)) return true;
  if (/\.(parquet|pq)$/i.test(path)) return parquetHoldsTraces(path);
  return false;
}

export class MissingInputError extends Error {}

export class OutputInInputFolderError extends FileProblem {
  constructor(output: string, folder: string) {
    super(output, `is inside the input folder ${folder} and already exists: it would be left out of the inputs and replaced; choose an output outside ${folder}, or pass --force to replace it`);
    this.name = 'OutputInInputFolderError';
  }
}

/**
 * A walk leaves the command's own output out of the inputs. When that output already exists
 * and is a file the walk would take, it may be the user's own data: skipped, then replaced.
 * So it is refused (before anything is read) unless the user says it may be replaced
 * (`replace`: --force, or a job resuming its own output). A new output there is fine.
 */
export function refuseExistingOutputInInputFolder(output: string, inputs: readonly string[], replace: boolean): void {
  if (output === STDIO || replace || !isTraceFileName(basename(output))) return;
  let existing;
  try {
    existing = statSync(output);
  } catch {
    return; // not there yet: it is only left out of the walk
  }
  if (!existing.isFile()) return; // refused elsewhere (a directory given for a file…)
  const real = canonicalPath(output);
  for (const input of inputs) {
    if (input === STDIO) continue;
    let isFolder = false;
    try {
      isFolder = statSync(input).isDirectory();
    } catch {
      continue; // a missing input is reported by the walk
    }
    if (isFolder && real.startsWith(canonicalPath(input) + sep)) throw new OutputInInputFolderError(output, input);
  }
}

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
      if (found.length === 0) throw new MissingInputError(`no trace files (*.jsonl, *.trace.json, *.txt, *.eval, *.parquet, Inspect *.json logs, base_solution.json, solutions.json) under ${p}`);
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
    else if (e.isFile() && (isTraceFileName(e.name) || (await isInspectJsonLog(p)))) out.push(p);
  }
  return out;
}
