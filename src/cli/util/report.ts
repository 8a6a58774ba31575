/** Messages about bad input, one line each: `traces.jsonl:17: episodes[2].end: must be >= start`. */
import type { FieldError } from '../../core/schema';
import { formatLocation, type RecordLocation } from '../../formats/types';

export function recordErrorLines(loc: RecordLocation, errors: readonly FieldError[]): string[] {
  const where = formatLocation(loc);
  return errors.map((e) => `${where}: ${e.field}: ${e.message}`);
}

export function printRecordErrors(loc: RecordLocation, errors: readonly FieldError[], out: NodeJS.WritableStream = process.stderr): void {
  for (const line of recordErrorLines(loc, errors)) out.write(`${line}\n`);
}
