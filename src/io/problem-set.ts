/**
 * Whether an input file is a problem set (problems and reference answers, no model output)
 * rather than traces, so the offline annotator can refuse it with advice instead of reading
 * a benchmark's reference solutions as model output. JSON(L) is judged from its first
 * record, as the dataset loader does; CSV and Parquet files are always problem sets.
 */
import { baseName, detectContainer, isOurTraceFileName, looksBinary } from '../formats/detect';
import { problemRecordShape } from '../formats/problem-set';
import { detectFields } from '../formats/tabular/fields';
import { formatFromPath, parseJsonArray, parseJsonl } from '../formats/tabular/read';
import { readTable } from './tables';
import type { FieldNames } from '../formats/types';
import { peekChunks, readAllText, textChunks, type DecodedText } from './lines';
import { parquetHoldsTraces } from './parquet-records';

export interface ProblemSetInfo {
  path: string;
  /** Usable rows (records that parse as JSON objects, or table rows). */
  problems: number;
  /** Null for a table in which no problem column was found. */
  problemField: string | null;
  goldField?: string;
  /** Why a table without a problem column cannot be used, with its columns. */
  detail?: string;
  /** CSV or Parquet: never read as traces, whatever the field options. */
  table?: true;
}

/** Records looked at before giving up on finding one that parses (a JSONL file's first lines). */
const FIRST_RECORD_LINES = 20;
/** A line this long is a trace, not a problem: stop reading there (a trace line may be 50 MB). */
const LONGEST_PROBLEM_LINE = 1 << 20;

/**
 * The problem set in `path`, or null when it holds (or may hold) traces. `names` are the
 * field names given on the command line; explicitly named output fields count as output.
 * Stdin is inspected by `inspectStdin` instead; unreadable files are left to the reader.
 */
export async function detectProblemSet(path: string, names: Partial<FieldNames> = {}): Promise<ProblemSetInfo | null> {
  if (path === '-' || isOurTraceFileName(path)) return null;
  const name = baseName(path).toLowerCase();
  if (name === 'base_solution.json' || name === 'solutions.json') return null;
  const explicitOutput = names.output ?? [];
  const tableFormat = formatFromPath(path);
  if (tableFormat === 'parquet' && (await parquetHoldsTraces(path))) return null; // lighteval details, chat rows: traces
  if (tableFormat === 'csv' || tableFormat === 'parquet') return tableProblemSet(path, names);

  let first;
  try {
    first = await firstRecord(path);
  } catch {
    return null; // unreadable: readRecords reports it with the file name
  }
  const shape = first && problemRecordShape(first.value, path, names, explicitOutput);
  if (!first || !shape) return null;
  const table = await readTable(path, first.container);
  return problemSetInfo(path, table.rows.length, shape);
}

async function tableProblemSet(path: string, names: Partial<FieldNames>): Promise<ProblemSetInfo> {
  let table;
  try {
    table = await readTable(path);
  } catch (err) {
    return { path, problems: 0, problemField: null, detail: `cannot read it: ${(err as Error).message}`, table: true };
  }
  const problem = names.problem?.find((n) => table.columns.includes(n));
  const gold = names.gold?.find((n) => table.columns.includes(n));
  const detected = detectFields(table.columns, { ...(problem ? { problem } : {}), ...(gold ? { gold } : {}) });
  if (!detected.ok) return { path, problems: table.rows.length, problemField: null, detail: detected.message.replace(/\. Map one with .*$/, ''), table: true };
  return { path, problems: table.rows.length, problemField: detected.mapping.problem, ...(detected.mapping.gold ? { goldField: detected.mapping.gold } : {}), table: true };
}

/** The first JSON record of a JSON or JSONL file (the first element of an array), and the container. */
async function firstRecord(path: string): Promise<{ value: unknown; container: 'json' | 'jsonl' } | null> {
  const source = textChunks(path);
  try {
    const { head, all } = await peekChunks(source);
    if (looksBinary(head)) return null;
    const container = detectContainer(path, head);
    if (container === 'text') return null;
    if (container === 'json') return { value: (await readTable(path, 'json')).rows[0]?.values, container };
    for (const text of await firstLines(all, FIRST_RECORD_LINES)) {
      try {
        return { value: JSON.parse(text), container };
      } catch {
        continue; // a bad line is that line's error; the next one may decide
      }
    }
    return null;
  } finally {
    // Only the start of the file was wanted: close it now, not at exit.
    source.destroy();
  }
}

/** Up to `max` non-empty lines from the start, stopping at the first line too long to be a problem. */
async function firstLines(chunks: AsyncIterable<string>, max: number): Promise<string[]> {
  const lines: string[] = [];
  let pending = '';
  for await (const chunk of chunks) {
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl).replace(/\r$/, '').replace(/^\ufeff/, '');
      pending = pending.slice(nl + 1);
      if (line.trim() !== '') lines.push(line);
      if (lines.length >= max) return lines;
    }
    if (pending.length > LONGEST_PROBLEM_LINE) return lines;
  }
  if (pending.trim() !== '' && pending.length <= LONGEST_PROBLEM_LINE) lines.push(pending.replace(/^\ufeff/, ''));
  return lines;
}

export interface StdinInspection {
  /** Set when stdin holds a problem set (its path is "-"). */
  info: ProblemSetInfo | null;
  /** Everything stdin held, to be read again by the annotator (stdin can be read only once). */
  source: AsyncIterable<string>;
}

/**
 * The same check for stdin: JSONL is judged from its first line (one over 1 MB is a trace),
 * a JSON array from its first element; what was read is replayed. Only the first line is
 * waited for, so a slow producer's records still stream through.
 */
export async function inspectStdin(names: Partial<FieldNames> = {}, chunks: AsyncIterable<string> = textChunks('-')): Promise<StdinInspection> {
  const { head, all } = await peekFirstLine(chunks);
  if (looksBinary(head)) return { info: null, source: keepUtf8Report(all, chunks) };
  const container = detectContainer('-', head);
  if (container === 'text') return { info: null, source: keepUtf8Report(all, chunks) };
  const explicitOutput = names.output ?? [];
  if (container === 'json') {
    const text = await readAllText(all);
    const table = parseJsonArray(text);
    const shape = problemRecordShape(table.rows[0]?.values, '-', names, explicitOutput);
    return { info: shape ? problemSetInfo('-', table.rows.length, shape) : null, source: keepUtf8Report(replay(text), chunks) };
  }
  const firstLine = head.replace(/^\ufeff/, '').split('\n').find((l) => l.trim() !== '') ?? '';
  const shape = problemRecordShape(tryParse(firstLine.replace(/\r$/, '')), '-', names, explicitOutput);
  if (!shape) return { info: null, source: keepUtf8Report(all, chunks) };
  const text = await readAllText(all);
  return { info: problemSetInfo('-', parseJsonl(text).rows.length, shape), source: keepUtf8Report(replay(text), chunks) };
}

function problemSetInfo(path: string, problems: number, shape: { problemField: string; goldField?: string }): ProblemSetInfo {
  return { path, problems, problemField: shape.problemField, ...(shape.goldField ? { goldField: shape.goldField } : {}) };
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `source` with the UTF-8 report of the stdin it replays (readRecords names the bad lines from it). */
function keepUtf8Report(source: AsyncIterable<string>, from: AsyncIterable<string>): AsyncIterable<string> {
  const lines = (from as Partial<DecodedText>).invalidUtf8Lines;
  return lines ? Object.assign(source, { invalidUtf8Lines: lines }) : source;
}

async function* replay(text: string): AsyncGenerator<string> {
  yield text;
}

/** Reads until the first non-empty line is complete (or 1 MB, or the end); replays everything. */
async function peekFirstLine(chunks: AsyncIterable<string>): Promise<{ head: string; all: AsyncIterable<string> }> {
  const iterator = chunks[Symbol.asyncIterator]();
  const buffered: string[] = [];
  let head = '';
  let done = false;
  const firstLineComplete = () => {
    const start = head.search(/\S/);
    return start >= 0 && head.indexOf('\n', start) >= 0;
  };
  while (!firstLineComplete() && head.length <= LONGEST_PROBLEM_LINE) {
    const r = await iterator.next();
    if (r.done) {
      done = true;
      break;
    }
    buffered.push(r.value);
    head += r.value;
  }
  async function* all(): AsyncGenerator<string> {
    yield* buffered;
    if (done) return;
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) yield r.value;
  }
  return { head, all: all() };
}
