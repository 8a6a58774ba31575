/**
 * Reads trace files for the extension without blocking the extension host: the file is read
 * as a stream through the shared readers (src/io/jsonl.ts for our `.trace.jsonl`,
 * src/io/read-records.ts for any supported format), and the parse/validate/annotate loop gives
 * the event loop a turn whenever it has run for SLICE_MS. A 170 MB output read in one
 * `readFile` + `split` + `JSON.parse` loop held the host for ~5.7 s (every other extension,
 * every webview message, every keystroke routed through it waited); read this way the longest
 * stall is one record's parse (bench/host-read.bench.ts). Callers get progress by bytes and
 * the traces read so far in pages, so a view can show its first rows before the end.
 * No `vscode` import (the bench runs this code outside VS Code). The extension imports this module
 * on first use (it pulls in the annotator).
 */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Trace } from '../../core/trace';
import type { SegmentOptions } from '../../core/segment';
import { annotateTrace } from '../../core/annotate';
import { formatLocation } from '../../formats/types';
import { readJsonl } from '../../io/jsonl';
import { readRecords } from '../../io/read-records';
import { readAllText, textChunks } from '../../io/lines';
import { fileStamp, lineDigest, scanLines, type FileStamp, type LinePlace } from '../../io/trace-offsets';
import { isJsonlName, TraceCollector, type LoadedTraces } from './traceFiles';

/** The loop runs at most this long before it yields to the event loop (one record may take longer). */
export const SLICE_MS = 8;

export interface ReadProgress {
  /** Bytes of the file read so far (of the decoded text, counted as UTF-8). */
  bytes: number;
  totalBytes: number;
  traces: number;
}

export interface TraceReadOptions {
  /** Called at most every `progressEveryMs` (default 100) while reading, and once at the end. */
  onProgress?(progress: ReadProgress): void;
  progressEveryMs?: number;
  /** Called once when `firstPage` traces have been read, unless the file ends first (then the result is all there is). */
  onFirstPage?(traces: readonly Trace[], progress: ReadProgress): void;
  /** Default 200 traces. */
  firstPage?: number;
  /** Stop early (a view closed meanwhile); what was read so far is returned. */
  signal?: AbortSignal;
  sliceMs?: number;
}

/** Gives the event loop a turn when the current slice has run for `sliceMs`. */
export class LoopSlicer {
  private started = performance.now();
  /** Turns given to the event loop (for tests and the bench). */
  yields = 0;

  constructor(private readonly sliceMs = SLICE_MS) {}

  async maybeYield(): Promise<void> {
    if (performance.now() - this.started < this.sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.yields++;
    this.started = performance.now();
  }
}

/** Counts the bytes of the text chunks that pass through. */
function counted(chunks: AsyncIterable<string>, onBytes: (n: number) => void): AsyncIterable<string> {
  return (async function* () {
    for await (const chunk of chunks) {
      onBytes(Buffer.byteLength(chunk, 'utf8'));
      yield chunk;
    }
  })();
}

class Reporter {
  readonly progress: ReadProgress;
  private lastReport = 0;
  private firstPageSent = false;

  constructor(
    path: string,
    private readonly opts: TraceReadOptions,
  ) {
    let totalBytes = 0;
    try {
      totalBytes = statSync(path).size;
    } catch {
      // reported by the reader itself
    }
    this.progress = { bytes: 0, totalBytes, traces: 0 };
  }

  bytes(n: number): void {
    this.progress.bytes += n;
  }

  traces(all: readonly Trace[]): void {
    this.progress.traces = all.length;
    if (!this.firstPageSent && all.length >= (this.opts.firstPage ?? 200)) this.firstPage(all);
    const now = performance.now();
    if (this.opts.onProgress && now - this.lastReport >= (this.opts.progressEveryMs ?? 100)) {
      this.lastReport = now;
      this.opts.onProgress({ ...this.progress });
    }
  }

  end(all: readonly Trace[]): void {
    this.progress.traces = all.length;
    this.firstPageSent = true;
    this.opts.onProgress?.({ ...this.progress, bytes: Math.max(this.progress.bytes, this.progress.totalBytes) });
  }

  private firstPage(all: readonly Trace[]): void {
    this.firstPageSent = true;
    this.opts.onFirstPage?.(all.slice(), { ...this.progress });
  }
}

/**
 * Our trace files (`*.trace.json`: one trace or an array; `*.trace.jsonl`: one per line), with
 * the same messages as parseTraceText ("name.trace.jsonl:17: not a valid trace: field: …").
 * A `.trace.json` is one JSON document and is parsed in one piece once read.
 */
export async function readTraceFile(path: string, opts: TraceReadOptions = {}): Promise<LoadedTraces> {
  const name = basename(path);
  const collect = new TraceCollector(name);
  const slicer = new LoopSlicer(opts.sliceMs);
  const report = new Reporter(path, opts);
  const chunks = counted(textChunks(path), (n) => report.bytes(n));
  const jsonl = isJsonlName(name);
  try {
    if (jsonl) {
      for await (const r of readJsonl(chunks)) {
        if (opts.signal?.aborted) break;
        if (!r.ok) {
          if (r.torn) collect.problem(`${name}:${r.line}: ${r.message}`);
          else collect.badJsonLine(r.line, r.message.replace(/^invalid JSON: /, ''));
        } else collect.add(r.value, `${name}:${r.line}`, r.line);
        report.traces(collect.out.traces);
        await slicer.maybeYield();
      }
    } else {
      const text = await readAllText(chunks);
      await slicer.maybeYield();
      collect.addJsonDocument(text);
    }
  } catch (err) {
    collect.problem(`${name}: cannot read: ${describeError(err)}`);
    return collect.out;
  }
  report.end(collect.out.traces);
  return collect.finish(jsonl);
}

/**
 * Any supported file (our traces, raw model outputs: text with <think>, Thought Anchors JSON,
 * Qwen-math/SkyThought JSONL, generic JSONL) as traces, through the one record reader: our
 * traces as they are, raw records annotated offline (as Open as Trace does). Problems name
 * file, line and field.
 */
export async function readAnyTraces(path: string, opts: TraceReadOptions & { segment?: SegmentOptions } = {}): Promise<LoadedTraces> {
  const name = basename(path);
  const collect = new TraceCollector(name);
  const slicer = new LoopSlicer(opts.sliceMs);
  const report = new Reporter(path, opts);
  const source = counted(textChunks(path), (n) => report.bytes(n));
  for await (const r of readRecords(path, { source })) {
    if (opts.signal?.aborted) break;
    const where = formatLocation({ ...r.loc, path: r.loc.path === path ? name : r.loc.path });
    if (!r.ok) collect.problem(`${where}: ${r.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
    else {
      try {
        const trace = r.record.trace ?? annotateTrace(r.record.input, opts.segment ? { segment: opts.segment } : {});
        collect.out.traces.push(trace);
        collect.out.lines.push(r.loc.line ?? 1);
      } catch (err) {
        collect.problem(`${where}: could not be annotated: ${describeError(err)}`);
      }
    }
    report.traces(collect.out.traces);
    await slicer.maybeYield();
  }
  report.end(collect.out.traces);
  return collect.finish(true); // an empty file says so
}

/** A `.trace.jsonl` indexed: where each valid trace is and what was kept of it, not the traces. */
export interface TraceFileIndex<S> {
  places: LinePlace[];
  ids: string[];
  /** lineDigest of each trace's line. */
  digests: string[];
  /** What `summarize` kept of each trace (a picker item, a dataset row). */
  summaries: S[];
  problems: string[];
  /** The file when the read began. */
  stamp: FileStamp;
}

export interface IndexOptions<S> extends Omit<TraceReadOptions, 'onFirstPage'> {
  /** Called once when `firstPage` traces have been indexed, unless the file ends first, with the index so far (it grows on). */
  onFirstPage?(sofar: Readonly<TraceFileIndex<S>>, progress: ReadProgress): void;
  /** Called for each valid trace as it is indexed, before onFirstPage for the trace that completes the first page. */
  onIndexed?(index: number, place: LinePlace, summary: S, digest: string): void;
}

/**
 * Reads a `.trace.jsonl` as readTraceFile does (same messages, same turns given to the event
 * loop) but keeps only each valid trace's line place, id and `summarize(trace, index)`: the
 * trace itself is garbage as soon as it is summarized. `summarize` may keep it (the payload
 * worker, which computes the report over all of them on its own heap).
 */
export async function indexTraceFile<S>(path: string, summarize: (trace: Trace, index: number) => S, opts: IndexOptions<S> = {}): Promise<TraceFileIndex<S>> {
  const name = basename(path);
  const collect = new TraceCollector(name);
  const slicer = new LoopSlicer(opts.sliceMs);
  const out: TraceFileIndex<S> = { places: [], ids: [], digests: [], summaries: [], problems: [], stamp: { size: 0, mtimeMs: 0 } };
  const progress: ReadProgress = { bytes: 0, totalBytes: 0, traces: 0 };
  const firstPage = opts.firstPage ?? 200;
  let lastReport = 0;
  try {
    out.stamp = fileStamp(path);
    progress.totalBytes = out.stamp.size;
    for await (const l of scanLines(path, { signal: opts.signal })) {
      if (opts.signal?.aborted) break;
      progress.bytes = l.offset + l.length;
      if (l.text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(l.text);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const short = message.length > 160 ? `${message.slice(0, 157)}...` : message;
        if (l.unterminated) collect.problem(`${name}:${l.line}: incomplete last line (interrupted write?): ${short}`);
        else collect.badJsonLine(l.line, short);
        value = undefined;
      }
      const trace = value === undefined ? undefined : collect.check(value, `${name}:${l.line}`);
      if (trace) {
        const summary = summarize(trace, out.places.length);
        const place = { offset: l.offset, length: l.length, line: l.line };
        out.summaries.push(summary);
        out.places.push(place);
        const digest = lineDigest(l.text);
        out.ids.push(trace.id);
        out.digests.push(digest);
        opts.onIndexed?.(out.places.length - 1, place, summary, digest);
        progress.traces = out.places.length;
        if (progress.traces === firstPage) opts.onFirstPage?.(out, { ...progress });
      }
      const now = performance.now();
      if (opts.onProgress && now - lastReport >= (opts.progressEveryMs ?? 100)) {
        lastReport = now;
        opts.onProgress({ ...progress });
      }
      await slicer.maybeYield();
    }
  } catch (err) {
    collect.problem(`${name}: cannot read: ${describeError(err)}`);
    out.problems = collect.out.problems;
    return out;
  }
  opts.onProgress?.({ ...progress, bytes: Math.max(progress.bytes, progress.totalBytes) });
  out.problems = collect.finishCounted(out.places.length);
  return out;
}

function describeError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return 'no such file';
  return err instanceof Error ? err.message : String(err);
}
