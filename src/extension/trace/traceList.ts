/**
 * The traces of a file as a trace view and the dataset view use them: how many, their ids and
 * picker items, and one trace by index. Two kinds: traces held in memory (a `.trace.json`, raw
 * model outputs annotated on the way, a trace handed over by a command), and a `.trace.jsonl`
 * kept as line places (src/io/trace-offsets.ts) whose traces are parsed one at a time when
 * asked for: a 175 MB output held as parsed traces kept ~500 MB on the extension host's heap,
 * and its garbage collections stalled the host for hundreds of ms. No `vscode` import.
 */
import { createHash } from 'node:crypto';
import type { Trace } from '../../core/trace';
import { validateTrace } from '../../core/schema';
import type { TraceListItem } from '../../shared/protocol';
import { FileChangedError, lineDigest, readLineAt, readLineAtSync, sameStamp, type FileStamp, type LinePlace } from '../../io/trace-offsets';
import { problemTitle } from './traceFiles';

export interface TraceList {
  readonly length: number;
  /** Trace `index`; throws FileChangedError when the file no longer holds it where it was read. */
  at(index: number): Trace;
  /** The same, reading the file asynchronously when the trace is not at hand. */
  load(index: number): Promise<Trace>;
  ids(): readonly string[];
  items(): TraceListItem[];
}

export function listItem(trace: Trace, index: number): TraceListItem {
  return { index, id: trace.id, problem: problemTitle(trace.problem), correct: trace.final.correct, episodes: trace.episodes.length };
}

/** Traces held in memory. */
export class ArrayTraceList implements TraceList {
  constructor(private readonly traces: readonly Trace[]) {}
  get length(): number {
    return this.traces.length;
  }
  at(index: number): Trace {
    const trace = this.traces[index];
    if (!trace) throw new RangeError(`There is no trace #${index + 1} (there are ${this.traces.length}).`);
    return trace;
  }
  async load(index: number): Promise<Trace> {
    return this.at(index);
  }
  ids(): readonly string[] {
    return this.traces.map((t) => t.id);
  }
  items(): TraceListItem[] {
    return this.traces.map(listItem);
  }
}

/** Traces read again from their lines when asked for; the few last asked for are kept. */
export class OffsetTraceList implements TraceList {
  private static readonly KEEP = 8;
  /**
   * The last traces read, served as they were read: the trace a view shows stays what it was
   * when the file changes under it (as when every trace was kept), until the view's owner reads
   * the file again (its watcher); a trace not kept is read and checked.
   */
  private readonly recent = new Map<number, Trace>();

  /**
   * `ids[i]`: the id the trace at `places[i]` had when the file was indexed (a read that finds
   * another is a changed file); `item(i)`: its picker entry, from what the index kept;
   * `digests[i]`: the lineDigest of its line when it was validated (a line read again with the
   * same digest is not validated again; without digests every read is validated).
   */
  constructor(
    readonly path: string,
    private readonly places: readonly LinePlace[],
    private readonly idList: readonly string[],
    private readonly item: (index: number) => TraceListItem,
    readonly stamp?: FileStamp,
    private readonly digests?: readonly string[],
  ) {}

  get length(): number {
    return this.places.length;
  }

  /** 1-based line of trace `index` in the file. */
  line(index: number): number {
    return this.places[index]?.line ?? 0;
  }

  at(index: number): Trace {
    return this.recall(index) ?? this.keep(index, this.parse(index, readLineAtSync(this.path, this.place(index))));
  }

  async load(index: number): Promise<Trace> {
    return this.recall(index) ?? this.keep(index, this.parse(index, await readLineAt(this.path, this.place(index))));
  }

  ids(): readonly string[] {
    return this.idList;
  }

  items(): TraceListItem[] {
    return this.places.map((_, i) => this.item(i));
  }

  /** The file has the size and modification time it had when it was indexed. */
  isCurrent(): boolean {
    return this.stamp !== undefined && sameStamp(this.path, this.stamp);
  }

  private place(index: number): LinePlace {
    const place = this.places[index];
    if (!place) throw new RangeError(`There is no trace #${index + 1} (there are ${this.places.length}).`);
    return place;
  }

  private recall(index: number): Trace | undefined {
    const trace = this.recent.get(index);
    if (trace) {
      this.recent.delete(index);
      this.recent.set(index, trace); // most recent last
    }
    return trace;
  }

  private keep(index: number, trace: Trace): Trace {
    this.recent.set(index, trace);
    if (this.recent.size > OffsetTraceList.KEEP) this.recent.delete(this.recent.keys().next().value!);
    return trace;
  }

  private parse(index: number, text: string): Trace {
    const line = this.places[index].line;
    const digest = this.digests?.[index];
    if (digest !== undefined && lineDigest(text) !== digest) throw new FileChangedError(this.path, `line ${line} is no longer the line that was read`);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new FileChangedError(this.path, `line ${line} is no longer the JSON it was`);
    }
    if (digest !== undefined) {
      const trace = value as Trace; // the very line that was validated when the file was indexed
      if (trace.id !== this.idList[index]) throw new FileChangedError(this.path, `line ${line} holds ${trace.id}, not ${this.idList[index]}`);
      return trace;
    }
    const checked = validateTrace(value);
    if (!checked.ok) throw new FileChangedError(this.path, `line ${line} is no longer a valid trace`);
    if (checked.trace.id !== this.idList[index]) throw new FileChangedError(this.path, `line ${line} holds ${checked.trace.id}, not ${this.idList[index]}`);
    return checked.trace;
  }
}

/** Some traces of a list, in a chosen order (a review queue): index i is `list`'s trace `indexes[i]`. */
export class PickedTraceList implements TraceList {
  constructor(
    private readonly list: TraceList,
    private readonly indexes: readonly number[],
  ) {}
  get length(): number {
    return this.indexes.length;
  }
  at(index: number): Trace {
    return this.list.at(this.from(index));
  }
  load(index: number): Promise<Trace> {
    return this.list.load(this.from(index));
  }
  ids(): readonly string[] {
    const all = this.list.ids();
    return this.indexes.map((i) => all[i]);
  }
  items(): TraceListItem[] {
    const all = this.list.items();
    return this.indexes.map((from, index) => ({ ...all[from], index }));
  }
  private from(index: number): number {
    const from = this.indexes[index];
    if (from === undefined) throw new RangeError(`There is no trace #${index + 1} (there are ${this.indexes.length}).`);
    return from;
  }
}

/** Either kind, for code that was handed an array. */
export function asTraceList(traces: readonly Trace[] | TraceList): TraceList {
  return isTraceArray(traces) ? new ArrayTraceList(traces) : traces;
}

function isTraceArray(traces: readonly Trace[] | TraceList): traces is readonly Trace[] {
  return Array.isArray(traces);
}

/**
 * A short key that is equal for traces of the same problem (whitespace-insensitive, as Compare
 * Traces matches problems); kept per row so the dataset view finds a row's problem among
 * 10,000 traces without parsing them.
 */
export function sameProblemKey(problem: string): string {
  return createHash('sha1').update(problem.replace(/\s+/g, ' ').trim()).digest('base64');
}
