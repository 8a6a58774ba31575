/**
 * `reasoning-lens grade --gold G --pred P` prints one JSON verdict;
 * `reasoning-lens grade IN.jsonl [-o OUT]` streams records {"gold":…,"pred":…}
 * and writes each one back with "equivalent" and "reason" added (original
 * fields and their text kept, order kept). `-` is stdin/stdout. Bad lines are
 * reported on stderr as FILE:LINE: message (field "gold") and left out of the
 * output; the rest is still graded. Exit: 0 ok, 1 some records bad, 2 usage error.
 */
import { createReadStream, statSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { Command, InvalidArgumentError } from 'commander';
import { checkEquivalence } from '../../core/answers';
import { terminalSafeLine } from '../../core/terminal-text';
import { prepareOutput } from '../../io/paths';
import { openAtomicFileStream } from '../../io/write';
import { EXIT_BAD_RECORDS, EXIT_OK, UsageError } from '../util/exit';

interface GradeFlags {
  gold?: string;
  pred?: string;
  problem?: string;
  output?: string;
  timeout?: number;
}

function parseTimeout(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number of milliseconds');
  return n;
}

/** A value usable as an answer: strings, and numbers (AMC23 stores floats) as written. */
function answerField(record: Record<string, unknown>, field: 'gold' | 'pred'): string | { error: string } {
  if (!(field in record)) return { error: `missing field (field "${field}")` };
  const v = record[field];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return { error: `expected a string or a number, got ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v} (field "${field}")` };
}

/**
 * The input line with the verdict appended before its closing brace, so every
 * original field keeps its exact text (27.0 stays 27.0). Records that already
 * carry "equivalent"/"reason" are re-serialised with those values replaced.
 */
function withVerdict(line: string, record: Record<string, unknown>, equivalent: boolean, reason: string): string {
  const trimmed = line.trim();
  if (!('equivalent' in record) && !('reason' in record) && trimmed.endsWith('}')) {
    const body = trimmed.slice(0, -1).trimEnd();
    const separator = body.endsWith('{') ? '' : ',';
    return `${body}${separator}"equivalent":${equivalent},"reason":${JSON.stringify(reason)}}`;
  }
  return JSON.stringify({ ...record, equivalent, reason });
}

export interface GradeStreamResult {
  graded: number;
  bad: number;
}

/** Grade a JSONL stream line by line; `report` receives one message per bad line. */
export async function gradeJsonlStream(
  input: Readable,
  output: Writable,
  name: string,
  report: (message: string) => void,
  timeoutMs?: number,
): Promise<GradeStreamResult> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  let graded = 0;
  let bad = 0;
  for await (const rawLine of lines) {
    lineNo++;
    const line = lineNo === 1 ? rawLine.replace(/^\uFEFF/, '') : rawLine;
    if (line.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (e) {
      bad++;
      report(`${name}:${lineNo}: invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      bad++;
      report(`${name}:${lineNo}: expected a JSON object with "gold" and "pred"`);
      continue;
    }
    const rec = record as Record<string, unknown>;
    const gold = answerField(rec, 'gold');
    const pred = answerField(rec, 'pred');
    const problems = [gold, pred].filter((x): x is { error: string } => typeof x !== 'string');
    if (problems.length > 0) {
      bad++;
      for (const p of problems) report(`${name}:${lineNo}: ${p.error}`);
      continue;
    }
    const problem = typeof rec.problem === 'string' ? rec.problem : undefined;
    const v = checkEquivalence(gold as string, pred as string, { timeoutMs, problem });
    graded++;
    if (!output.write(withVerdict(line, rec, v.equivalent, v.reason) + '\n')) await once(output, 'drain');
  }
  return { graded, bad };
}

async function runGrade(file: string | undefined, flags: GradeFlags): Promise<number> {
  const pairGiven = flags.gold !== undefined || flags.pred !== undefined;
  if (file !== undefined && pairGiven) throw new UsageError('give either --gold/--pred or an input file, not both');
  if (file === undefined) {
    if (flags.gold === undefined || flags.pred === undefined) throw new UsageError('grade needs --gold G --pred P, or an input file IN.jsonl (- for stdin)');
    const v = checkEquivalence(flags.gold, flags.pred, { timeoutMs: flags.timeout, problem: flags.problem });
    process.stdout.write(JSON.stringify({ equivalent: v.equivalent, reason: v.reason, gold: flags.gold, pred: flags.pred }) + '\n');
    return EXIT_OK;
  }
  if (file !== '-') {
    const info = statSync(file, { throwIfNoEntry: false });
    if (!info) throw new UsageError(`input file not found: ${file}`);
    if (info.isDirectory()) throw new UsageError(`${file}: is a directory; give a JSONL file of {"gold","pred"} records (- for stdin)`);
  }
  const outPath = flags.output ?? '-';
  // Before reading: the output is not the input (any spelling), and its folder exists.
  prepareOutput(outPath, { inputs: [file] });

  const input = file === '-' ? process.stdin : createReadStream(file, { encoding: 'utf8' });
  const target = outPath === '-' ? null : openAtomicFileStream(outPath);
  const name = file === '-' ? '<stdin>' : file;
  let result: GradeStreamResult;
  try {
    result = await gradeJsonlStream(input, target?.stream ?? process.stdout, name, (m) => process.stderr.write(`${terminalSafeLine(m)}\n`), flags.timeout);
  } catch (err) {
    target?.discard();
    throw err;
  }
  await target?.commit();
  if (result.bad > 0) process.stderr.write(`${terminalSafeLine(name)}: ${result.graded} graded, ${result.bad} bad line(s) skipped\n`);
  return result.bad > 0 ? EXIT_BAD_RECORDS : EXIT_OK;
}

export function registerGradeCommand(program: Command): void {
  program
    .command('grade')
    .description('check answer equivalence: --gold G --pred P prints a JSON verdict; IN.jsonl adds "equivalent" and "reason" to each {"gold","pred"} line')
    .argument('[input]', 'JSONL file of {"gold":…,"pred":…} records ("-" for stdin)')
    .option('--gold <answer>', 'ground-truth answer')
    .option('--pred <answer>', 'predicted answer')
    .option('--problem <text>', 'problem text, so a choice letter can match the value listed for it')
    .option('-o, --output <file>', 'output JSONL ("-" for stdout)', '-')
    .option('--timeout <ms>', 'time budget per comparison in milliseconds (default 2000)', parseTimeout)
    .action(async (input: string | undefined, flags: GradeFlags) => {
      process.exitCode = await runGrade(input, flags);
    });
}
