/**
 * The offline pipeline over files: read every record of every input, annotate it (no model),
 * check the result against the schema, stream it out. Bad records are reported through
 * onError and counted; the others are still written.
 */
import { annotateTrace, reannotateTrace } from '../core/annotate';
import type { FieldError } from '../core/schema';
import type { SegmentOptions } from '../core/segment';
import type { Trace } from '../core/trace';
import type { FieldNames, RecordFormat, RecordLocation } from '../formats/types';
import { readRecords } from './read-records';
import type { JsonlWriter } from './write';

export interface FileSummary {
  path: string;
  traces: number;
  correct: number;
  incorrect: number;
  /** Traces without a gold answer (final.correct is null). */
  ungraded: number;
  episodes: number;
  errors: number;
}

export interface AnnotateFilesOptions {
  segment?: SegmentOptions;
  fields?: Partial<FieldNames>;
  /** `--input-format`: read every record as this format instead of detecting it. */
  format?: RecordFormat;
  /** What stdin held, when a check has already read it; read for the input "-". */
  stdin?: AsyncIterable<string>;
  onError(loc: RecordLocation, errors: FieldError[]): void;
  onFile?(summary: FileSummary): void;
  /** Applied to every annotated trace before it is written (e.g. recounting tokens with the model's tokenizer). */
  finish?(trace: Trace): Trace;
}

export async function annotateFiles(inputs: readonly string[], writer: JsonlWriter, opts: AnnotateFilesOptions): Promise<FileSummary[]> {
  const summaries: FileSummary[] = [];
  for (const path of inputs) {
    const summary: FileSummary = { path, traces: 0, correct: 0, incorrect: 0, ungraded: 0, episodes: 0, errors: 0 };
    for await (const result of readRecords(path, { fields: opts.fields, ...(opts.format ? { format: opts.format } : {}), ...(path === '-' && opts.stdin ? { source: opts.stdin } : {}) })) {
      if (!result.ok) {
        summary.errors++;
        opts.onError(result.loc, result.errors);
        continue;
      }
      // Read, but not clean (bad UTF-8, a repeated id): said, not counted as an error.
      if (result.warnings?.length) opts.onError(result.loc, result.warnings);
      let trace;
      try {
        const { record } = result;
        trace = record.trace ? reannotateTrace(record.trace, { segment: opts.segment }) : annotateTrace(record.input, { segment: opts.segment });
      } catch (err) {
        summary.errors++;
        opts.onError(result.loc, [{ field: '(record)', message: `annotation failed: ${err instanceof Error ? err.message : String(err)}` }]);
        continue;
      }
      // Not validated again: the input was checked when read (trace files against the schema),
      // and the annotator's output is covered by the tests (schema checks on every real trace).
      if (opts.finish) trace = opts.finish(trace);
      await writer.write(trace);
      summary.traces++;
      summary.episodes += trace.episodes.length;
      if (trace.final.correct === true) summary.correct++;
      else if (trace.final.correct === false) summary.incorrect++;
      else summary.ungraded++;
    }
    summaries.push(summary);
    opts.onFile?.(summary);
  }
  return summaries;
}

export function formatSummary(s: FileSummary): string {
  const name = s.path === '-' ? '<stdin>' : s.path;
  const graded = s.correct + s.incorrect;
  const grade = graded > 0 ? `${s.correct}/${graded} correct` : 'no gold';
  const ungraded = graded > 0 && s.ungraded > 0 ? `, ${s.ungraded} without gold` : '';
  return `${name}: ${s.traces} traces, ${grade}${ungraded}, ${s.episodes} episodes, ${s.errors} errors`;
}

/** Sum of several files' summaries, for the closing "total" line. */
export function totalSummary(summaries: readonly FileSummary[]): FileSummary {
  const total: FileSummary = { path: `total (${summaries.length} files)`, traces: 0, correct: 0, incorrect: 0, ungraded: 0, episodes: 0, errors: 0 };
  for (const s of summaries) {
    total.traces += s.traces;
    total.correct += s.correct;
    total.incorrect += s.incorrect;
    total.ungraded += s.ungraded;
    total.episodes += s.episodes;
    total.errors += s.errors;
  }
  return total;
}
