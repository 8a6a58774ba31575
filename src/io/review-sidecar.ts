/**
 * The review sidecar on disk: `<trace file>.annotations.jsonl` beside the trace file, which is
 * never touched. Append-only, one complete line per change (src/io/append-line.ts: one
 * O_APPEND write(2) per line, so two windows never interleave; a writer killed mid-write leaves
 * at most the start of its own line, kept in the file and reported as torn, and the next line
 * starts fresh). Notes are capped at MAX_NOTE_CHARS so a line is a few pages at most.
 * Readers never truncate or rewrite the file.
 */
import { closeSync, openSync } from 'node:fs';
import { checkAnnotation, REVIEW_SIDECAR_SUFFIX, type ReviewAnnotation } from '../core/review/annotation';
import { appendWholeLine } from './append-line';
import { FileProblem, ioErrorCode } from './io-errors';
import { readJsonl } from './jsonl';
import { sameFile } from './paths';

export function sidecarPathFor(tracePath: string): string {
  return `${tracePath}${REVIEW_SIDECAR_SUFFIX}`;
}

/**
 * Appends one annotation as one line (checked first: a bad value never reaches the file).
 * `tracePath` (optional) is refused as the destination: the sidecar never lands on its trace.
 */
export function appendAnnotation(sidecarPath: string, annotation: ReviewAnnotation, tracePath?: string): void {
  const checked = checkAnnotation(annotation);
  if (!checked.ok) throw new Error(`${checked.problem.field}: ${checked.problem.message}`);
  if (tracePath !== undefined && sameFile(sidecarPath, tracePath)) throw new FileProblem(sidecarPath, 'is the trace file itself; annotations go to a sidecar beside it');
  appendWholeLine(sidecarPath, JSON.stringify(checked.value));
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
