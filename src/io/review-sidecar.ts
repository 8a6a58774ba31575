/**
 * The review sidecar on disk: `<trace file>.annotations.jsonl` beside the trace file, which is
 * never touched. Append-only, one complete line per change, each written with ONE write(2) on
 * a descriptor opened O_APPEND, then fdatasync'd:
 * - two writers (two windows, a window and the CLI) never interleave: on a local Linux file
 *   system a write(2) to a regular file holds the inode lock for its whole length, and O_APPEND
 *   puts each write at the end at the moment it runs, so lines follow each other whole, at any
 *   length (tested with two child processes);
 * - a writer killed inside a write can leave the start of its own line (Linux stops a file write
 *   at a page boundary on a fatal signal; notes are capped at MAX_NOTE_CHARS so a line is a few
 *   pages at most). That fragment stays in the file (kept aside, reported, never parsed into
 *   state), and the next append starts with a newline when the file does not end with one, so
 *   no later line is glued to it.
 * Readers never truncate or rewrite the file.
 */
import { closeSync, fdatasyncSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { checkAnnotation, REVIEW_SIDECAR_SUFFIX, type ReviewAnnotation } from '../core/review/annotation';
import { FileProblem, ioErrorCode } from './io-errors';
import { readJsonl } from './jsonl';
import { sameFile } from './paths';

export function sidecarPathFor(tracePath: string): string {
  return `${tracePath}${REVIEW_SIDECAR_SUFFIX}`;
}

/** Does the file behind `fd` end with a newline (or is it empty)? */
function endsWithNewline(fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

/**
 * Appends one annotation as one line (checked first: a bad value never reaches the file).
 * `tracePath` (optional) is refused as the destination: the sidecar never lands on its trace.
 */
export function appendAnnotation(sidecarPath: string, annotation: ReviewAnnotation, tracePath?: string): void {
  const checked = checkAnnotation(annotation);
  if (!checked.ok) throw new Error(`${checked.problem.field}: ${checked.problem.message}`);
  if (tracePath !== undefined && sameFile(sidecarPath, tracePath)) throw new FileProblem(sidecarPath, 'is the trace file itself; annotations go to a sidecar beside it');
  let fd: number;
  try {
    // 'a+': O_APPEND for the write, readable for the last-byte check.
    fd = openSync(sidecarPath, 'a+');
  } catch (err) {
    throw FileProblem.from(sidecarPath, err, 'cannot write');
  }
  try {
    // A torn line left by a killed writer: start ours on a line of its own.
    const lead = endsWithNewline(fd) ? '' : '\n';
    const bytes = Buffer.from(`${lead}${JSON.stringify(checked.value)}\n`, 'utf8');
    const written = writeSync(fd, bytes);
    if (written !== bytes.length) throw new FileProblem(sidecarPath, `short write (${written} of ${bytes.length} bytes); the line is incomplete`);
    fdatasyncSync(fd);
  } catch (err) {
    throw err instanceof FileProblem ? err : FileProblem.from(sidecarPath, err, 'cannot write');
  } finally {
    closeSync(fd);
  }
}

export interface SidecarProblem {
  line: number;
  field: string;
  message: string;
}

export interface SidecarContents {
  annotations: ReviewAnnotation[];
  /** Lines that are not annotations (bad values, a future version): reported as file:line: field: message. */
  problems: SidecarProblem[];
  /** Lines cut short by a killed writer: kept in the file, left out of the state. */
  torn: number[];
}

/** Every annotation of a sidecar in file (= write) order; a missing sidecar is empty. */
export async function readSidecar(sidecarPath: string): Promise<SidecarContents> {
  const out: SidecarContents = { annotations: [], problems: [], torn: [] };
  try {
    closeSync(openSync(sidecarPath, 'r'));
  } catch (err) {
    if (ioErrorCode(err) === 'ENOENT') return out;
    throw FileProblem.from(sidecarPath, err, 'cannot read');
  }
  for await (const line of readJsonl(sidecarPath)) {
    if (!line.ok) {
      // Invalid JSON is what a torn write leaves (at the end, or mid-file once a later append followed it).
      out.torn.push(line.line);
      continue;
    }
    const checked = checkAnnotation(line.value);
    if (checked.ok) out.annotations.push(checked.value);
    else out.problems.push({ line: line.line, ...checked.problem });
  }
  return out;
}
