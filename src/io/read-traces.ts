/**
 * Every trace in one input file of any supported format, ready to show or compare: traces in
 * our format as they are (their progress and metrics kept), raw model outputs annotated
 * offline (segmented, labelled, graded). Bad records come back with their file and line; the
 * good ones are still returned.
 */
import { annotateTrace } from '../core/annotate';
import type { FieldError } from '../core/schema';
import type { SegmentOptions } from '../core/segment';
import type { Trace } from '../core/trace';
import type { FieldNames, RecordLocation } from '../formats/types';
import { readRecords } from './read-records';

export interface LocatedTrace {
  trace: Trace;
  loc: RecordLocation;
}

export interface ReadTracesOutcome {
  traces: LocatedTrace[];
  errors: { loc: RecordLocation; errors: FieldError[] }[];
}

export interface ReadTracesOptions {
  segment?: SegmentOptions;
  fields?: Partial<FieldNames>;
  /** Stop early (the caller was cancelled); what was read so far is returned. */
  cancelled?: () => boolean;
}

export async function readTracesAnyFormat(path: string, opts: ReadTracesOptions = {}): Promise<ReadTracesOutcome> {
  const out: ReadTracesOutcome = { traces: [], errors: [] };
  for await (const r of readRecords(path, { fields: opts.fields })) {
    if (opts.cancelled?.()) break;
    if (!r.ok) {
      out.errors.push({ loc: r.loc, errors: r.errors });
      continue;
    }
    try {
      out.traces.push({ trace: r.record.trace ?? annotateTrace(r.record.input, { segment: opts.segment }), loc: r.loc });
    } catch (err) {
      out.errors.push({ loc: r.loc, errors: [{ field: '(record)', message: `could not be annotated: ${err instanceof Error ? err.message : String(err)}` }] });
    }
  }
  return out;
}
