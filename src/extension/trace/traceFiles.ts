/**
 * Reads our trace files (`*.trace.json`: one trace; `*.trace.jsonl`: one per line) into
 * validated traces. Bad records never abort the file: each yields a message naming the file,
 * the line and the field, and the good records are still shown. No `vscode` import.
 */
import type { Trace } from '../../core/trace';
import { validateTrace } from '../../core/schema';

export interface LoadedTraces {
  traces: Trace[];
  /** 1-based line of each trace in the file (1 for a .json file). */
  lines: number[];
  /** "name.trace.jsonl:17: episodes[3].verdict: must be one of ..." */
  problems: string[];
}

/** At most this many problem messages are kept; the last one says how many were left out. */
const MAX_PROBLEMS = 50;

export function isJsonlName(name: string): boolean {
  return /\.jsonl$/i.test(name);
}

export function parseTraceText(text: string, fileName: string): LoadedTraces {
  const collect = new TraceCollector(fileName);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (isJsonlName(fileName)) {
    text.split('\n').forEach((raw, i) => {
      const line = raw.trim();
      if (line === '') return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        collect.problem(`${fileName}:${i + 1}: not valid JSON (${shortJsonError(err)})`);
        return;
      }
      collect.add(value, `${fileName}:${i + 1}`, i + 1);
    });
  } else collect.addJsonDocument(text);
  return collect.finish(isJsonlName(fileName));
}

/**
 * Validates records one at a time into LoadedTraces with the messages every reader of our
 * files gives ("name:line: not a valid trace: field: message"); shared by the in-memory parser
 * above and the streaming reader (traceReader.ts), so both say the same.
 */
export class TraceCollector {
  readonly out: LoadedTraces = { traces: [], lines: [], problems: [] };
  private dropped = 0;

  constructor(private readonly fileName: string) {}

  problem(message: string): void {
    if (this.out.problems.length < MAX_PROBLEMS) this.out.problems.push(message);
    else this.dropped++;
  }

  /** A JSON syntax error on `line` of a JSONL file. */
  badJsonLine(line: number, message: string): void {
    this.problem(`${this.fileName}:${line}: not valid JSON (${message.length > 160 ? message.slice(0, 160) + '…' : message})`);
  }

  add(value: unknown, where: string, line: number): boolean {
    const trace = this.check(value, where);
    if (!trace) return false;
    this.out.traces.push(trace);
    this.out.lines.push(line);
    return true;
  }

  /** The trace `value` is, or undefined with the problem recorded; keeps nothing (the offset index keeps places, not traces). */
  check(value: unknown, where: string): Trace | undefined {
    const result = validateTrace(value);
    if (result.ok) return result.trace;
    const first = result.errors.slice(0, 3).map((e) => `${e.field}: ${e.message}`);
    const more = result.errors.length > 3 ? ` (+${result.errors.length - 3} more)` : '';
    this.problem(`${where}: not a valid trace: ${first.join('; ')}${more}`);
    return undefined;
  }

  /** Ends a read whose traces were not kept (the offset index): `count` traces were found. */
  finishCounted(count: number): string[] {
    if (count === 0 && this.out.problems.length === 0) this.problem(`${this.fileName}: the file holds no traces (it is empty)`);
    if (this.dropped > 0) this.out.problems.push(`… and ${this.dropped} more problems in ${this.fileName}`);
    return this.out.problems;
  }

  /** A whole `.trace.json`: one trace, or an array of them. */
  addJsonDocument(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      this.problem(`${this.fileName}:${jsonErrorLine(text, err)}: not valid JSON (${shortJsonError(err)})`);
      return;
    }
    if (Array.isArray(value)) {
      if (value.length === 0) this.problem(`${this.fileName}:1: the file holds an empty array, no traces`);
      value.forEach((v, i) => this.add(v, `${this.fileName}[${i}]`, 1));
    } else this.add(value, `${this.fileName}:1`, 1);
  }

  finish(jsonl: boolean): LoadedTraces {
    if (jsonl && this.out.traces.length === 0 && this.out.problems.length === 0) this.problem(`${this.fileName}: the file holds no traces (it is empty)`);
    if (this.dropped > 0) this.out.problems.push(`… and ${this.dropped} more problems in ${this.fileName}`);
    return this.out;
  }
}

function shortJsonError(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.length > 160 ? msg.slice(0, 160) + '…' : msg;
}

/**
 * 1-based line of the first JSON syntax error. V8 reports "at position N" only for some
 * errors ("Unexpected token 'o', ... is not valid JSON" has none), so the text is scanned.
 */
export function jsonErrorLine(text: string, err?: unknown): number {
  const m = /position (\d+)/.exec(err instanceof Error ? err.message : '');
  const pos = m ? Math.min(Number(m[1]), text.length) : jsonErrorOffset(text);
  let line = 1;
  for (let i = 0; i < pos; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Offset of the first character where `text` stops being valid JSON (text.length if it is). */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = () => {
    i++; // opening quote
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            i++;
            fail();
          }
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else {
          i++;
          fail();
        }
      } else if (c < ' ') fail();
      else i++;
    }
    fail();
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail();
    i += m![0].length;
  };
  const value = (depth: number): void => {
    if (depth > 10_000) fail();
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return;
        } else fail();
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return;
        } else fail();
      }
    } else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else number();
  };
  try {
    value(0);
    ws();
    return i < text.length ? i : text.length;
  } catch (at) {
    return typeof at === 'number' ? at : 0;
  }
}

/** First line of the problem, shortened, for pickers. */
export function problemTitle(problem: string, max = 80): string {
  const first = problem.split('\n').find((l) => l.trim() !== '') ?? '';
  const t = first.trim();
  return t.length > max ? t.slice(0, max - 1) + '…' : t || '(no problem text)';
}
