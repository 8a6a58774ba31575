/**
 * Messages about bad input, one line each: `traces.jsonl:17: episodes[2].end: must be >= start`.
 * File names, fields and messages come from the input: each line is made terminal-safe.
 */
import type { FieldError } from '../../core/schema';
import { terminalSafeLine } from '../../core/terminal-text';
import { formatLocation, type RecordLocation } from '../../formats/types';

export function recordErrorLines(loc: RecordLocation, errors: readonly FieldError[]): string[] {
  const where = formatLocation(loc);
  return errors.map((e) => terminalSafeLine(`${where}: ${e.field}: ${e.message}`));
}

/** One `where: field: message` line for an input problem found elsewhere (jobs, exports, reports); lives in core for the extension too. */
export { issueLine } from '../../core/issue-line';

/** Prints a message built from input (ids, file names, model errors) safely. */
export function printSafe(line: string, out: NodeJS.WritableStream = process.stderr): void {
  out.write(`${terminalSafeLine(line)}\n`);
}

export function printRecordErrors(loc: RecordLocation, errors: readonly FieldError[], out: NodeJS.WritableStream = process.stderr): void {
  for (const line of recordErrorLines(loc, errors)) out.write(`${line}\n`);
}
