/**
 * The output-path guard every command uses before it reads input or calls a model:
 * - an output is compared with every input by its real path (symlinks, `..`, hard links) and
 *   refused when it is one (no flag overrides this);
 * - kernel file systems (/proc, /sys) and /dev are refused up front: Node's recursive mkdir
 *   loops forever under /proc, and a rename into /dev would replace a device;
 * - a directory where a file is wanted (or the reverse) is refused;
 * - missing folders are created one level at a time (never `mkdir -p`, for the same reason),
 *   or the path is refused naming the part that cannot be a folder.
 * Every refusal is a FileProblem: one line, `path: what`, exit 2 in the CLI.
 */
import { accessSync, constants, lstatSync, mkdirSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { FileProblem, ioErrorCode, plainIoMessage } from './io-errors';

/** "-" is stdin/stdout everywhere; it is never a path. */
export const STDIO = '-';

/**
 * The real path of `p`: symlinks and `..` resolved, also for a file that does not exist yet
 * (its deepest existing folder is resolved and the rest appended; a dangling symlink is
 * followed to where a write would land).
 */
export function canonicalPath(p: string, depth = 0): string {
  const abs = resolve(p);
  try {
    return realpathSync.native(abs);
  } catch {
    // Not there (or not reachable): resolve what exists.
  }
  if (depth < 40) {
    try {
      if (lstatSync(abs).isSymbolicLink()) {
        const target = readlinkSync(abs);
        return canonicalPath(isAbsolute(target) ? target : join(dirname(abs), target), depth + 1);
      }
    } catch {
      // Not a symlink either: an ordinary missing name.
    }
  }
  const parent = dirname(abs);
  return parent === abs ? abs : join(canonicalPath(parent, depth + 1), basename(abs));
}

function statOrNull(p: string): Stats | null {
  try {
    return statSync(p);
  } catch {
    return null;
  }
}

/** The same file: equal real paths, or the same inode (hard links, bind mounts). */
export function sameFile(a: string, b: string): boolean {
  if (canonicalPath(a) === canonicalPath(b)) return true;
  const sa = statOrNull(a);
  const sb = statOrNull(b);
  return sa !== null && sb !== null && sa.isFile() && sb.isFile() && sa.dev === sb.dev && sa.ino === sb.ino;
}

export class OutputIsInputError extends FileProblem {
  constructor(output: string, input: string) {
    const how = resolve(output) === resolve(input) ? '' : ` (${input}, the same file)`;
    super(output, `is one of the inputs${how}: write the output elsewhere (an input is never overwritten, not even with --force)`);
    this.name = 'OutputIsInputError';
  }
}

/** Throws when `output` names one of `inputs` in any spelling. "-" on either side is stdio. */
export function refuseOutputOntoInput(output: string, inputs: readonly string[]): void {
  if (output === STDIO) return;
  for (const input of inputs) {
    if (input !== STDIO && sameFile(output, input)) throw new OutputIsInputError(output, input);
  }
}

const KERNEL_TREES = ['/proc', '/sys', '/dev'];

/** Ordinary file systems mounted inside those trees (RAM disks are fine for output). */
const ALLOWED_INSIDE = ['/dev/shm'];

const under = (path: string, tree: string): boolean => path === tree || path.startsWith(tree + sep);

/** Refuses outputs under /proc, /sys and /dev, except /dev/shm (by real path). */
function refuseSystemTree(given: string, real: string): void {
  if (ALLOWED_INSIDE.some((t) => under(real, t))) return;
  const tree = KERNEL_TREES.find((t) => under(real, t));
  if (tree) {
    const hint = tree === '/dev' ? ' (use "-" for stdout and redirect it)' : '';
    throw new FileProblem(given, `${tree} is a kernel file system, not a place for output${hint}`);
  }
}

/**
 * Makes sure the folder `dir` exists, creating each missing level on its own. Refuses with the
 * first part of the path that is not a folder, or the reason a level cannot be made.
 */
export function ensureFolder(dir: string, given: string = dir): void {
  const real = canonicalPath(dir);
  refuseSystemTree(given, real);
  const missing: string[] = [];
  let at = real;
  for (;;) {
    const s = statOrNull(at);
    if (s) {
      if (!s.isDirectory()) throw new FileProblem(given, `${at} is not a directory`, 'ENOTDIR');
      break;
    }
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (err) {
      if (ioErrorCode(err) === 'EEXIST' && statOrNull(level)?.isDirectory()) continue; // made by someone else meanwhile
      throw FileProblem.from(given, err, `cannot create the folder ${level}`);
    }
  }
}

export interface PrepareOutputOptions {
  /** Everything the command reads (files; directories are walked separately). */
  inputs?: readonly string[];
  /** `file` (default): a file written atomically; `folder`: a directory the command fills. */
  kind?: 'file' | 'folder';
}

/**
 * Checks and prepares an output before anything is read or a model is asked: refuses an input,
 * a kernel path, a directory given for a file (or a file for a folder), creates missing folders
 * and checks the folder is writable. Returns the real path (where the data will land).
 */
export function prepareOutput(output: string, opts: PrepareOutputOptions = {}): string {
  if (output === STDIO) return output;
  if (output.trim() === '') throw new FileProblem('-o ""', 'an empty output path; give a file name, or "-" for stdout');
  const real = canonicalPath(output);
  refuseSystemTree(output, real);
  refuseOutputOntoInput(output, opts.inputs ?? []);
  const existing = statOrNull(real);
  if ((opts.kind ?? 'file') === 'folder') {
    if (existing && !existing.isDirectory()) throw new FileProblem(output, 'is a file; this export writes a folder, give a folder path', 'ENOTDIR');
    ensureFolder(real, output);
    checkWritable(real, output);
    return real;
  }
  if (existing?.isDirectory()) throw new FileProblem(output, 'is a directory; give a file name for the output', 'EISDIR');
  if (existing && !existing.isFile()) throw new FileProblem(output, 'is not a regular file (a device, pipe or socket); give a file name, or "-" for stdout');
  ensureFolder(dirname(real), output);
  checkWritable(dirname(real), output);
  return real;
}

function checkWritable(dir: string, given: string): void {
  try {
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new FileProblem(given, `cannot write in the folder ${dir}: ${plainIoMessage(err)}`, ioErrorCode(err));
  }
}
