/**
 * `reasoning-lens compare A B [...] [--align index|tokens] [--json] [-o OUT]`: two or more
 * traces side by side: the summary table (tokens, episodes, first correct, regret, final answer
 * and verdict, stop reason, budget) with the rows where they differ marked, and the first point
 * where their intermediate answers diverge. Inputs are any file the CLI reads (our traces or a
 * raw format, annotated offline); `FILE#ID` picks the trace with that id (or `FILE#N`, the N-th,
 * from 1) from a file of several, `--id ID` picks by id from every input. Definitions:
 * docs/compare.md. Exit: 0 ok, 1 some records bad (reported, the rest compared), 2 usage error.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import { alignEpisodes, compareTraces, describeDivergence, MAX_COMPARED, summaryTable, type Alignment, type CompareEntry, type Comparison } from '../../core/compare';
import { terminalSafeLine } from '../../core/terminal-text';
import { formatLocation, type RecordLocation } from '../../formats/types';
import { prepareOutput } from '../../io/paths';
import { readTracesAnyFormat, type LocatedTrace } from '../../io/read-traces';
import { writeFileAtomic } from '../../io/write';
import { EXIT_BAD_RECORDS, EXIT_OK, UsageError } from '../util/exit';
import { addPipelineOptions, collectList, fieldNamesFrom, segmentOptionsFrom, type PipelineFlags } from '../util/options';
import { recordErrorLines } from '../util/report';

interface CompareFlags extends PipelineFlags {
  align: Alignment;
  json?: boolean;
  output: string;
  id?: string[];
}

/** One command-line input: a file and, optionally, which of its traces. */
export interface InputSpec {
  path: string;
  selector?: string;
}

/** `runs.jsonl#abc` → path and selector; a path that exists as written is taken whole ('#' in a file name). */
export function parseInputSpec(arg: string, exists: (p: string) => boolean = existsSync): InputSpec {
  const hash = arg.lastIndexOf('#');
  if (hash <= 0 || arg === '-' || exists(arg)) return { path: arg };
  return { path: arg.slice(0, hash), selector: arg.slice(hash + 1) };
}

/** The traces an input contributes: by selector, by --id, or all of them (the caller checks the count). */
export function selectTraces(spec: InputSpec, read: readonly LocatedTrace[], ids: readonly string[]): LocatedTrace[] {
  const where = spec.path === '-' ? '<stdin>' : spec.path;
  if (spec.selector !== undefined) {
    const byId = read.filter((t) => t.trace.id === spec.selector);
    if (byId.length) return byId.slice(0, 1);
    const n = Number(spec.selector);
    if (Number.isInteger(n) && n >= 1 && n <= read.length) return [read[n - 1]];
    throw new UsageError(`${where}: no trace with id "${terminalSafeLine(spec.selector)}" (and not a position 1..${read.length})`);
  }
  if (ids.length) return read.filter((t) => ids.includes(t.trace.id));
  return [...read];
}

/** A short name for where a trace came from: `file:line` and its id. */
function origin(loc: RecordLocation, id: string): string {
  return `${formatLocation(loc)} (id ${id})`;
}

/** The table as aligned text columns; cells are cut to `width` characters. */
export function renderTable(rows: readonly string[][], width = 44): string {
  const cut = rows.map((r) => r.map((c) => {
    const one = terminalSafeLine(c);
    return one.length > width ? `${one.slice(0, width - 1)}…` : one;
  }));
  const widths = cut[0].map((_, col) => Math.max(...cut.map((r) => r[col].length)));
  return cut.map((r) => r.map((c, col) => (col === r.length - 1 ? c : c.padEnd(widths[col]))).join('  ').trimEnd()).join('\n');
}

export function renderText(comparison: Comparison, by: Alignment, origins: readonly string[]): string {
  const lines: string[] = [];
  comparison.traces.forEach((t, i) => lines.push(`${terminalSafeLine(t.label)}: ${terminalSafeLine(origins[i])}`));
  if (!comparison.sameProblem) lines.push('note: the traces are not of the same problem');
  lines.push('', renderTable(summaryTable(comparison)), '', '* the traces differ in this row', terminalSafeLine(describeDivergence(comparison, by)));
  if (comparison.regretBudget !== null) lines.push(`Normalised regret is taken at C = ${comparison.regretBudget} thinking tokens (the longest trace).`);
  return `${lines.join('\n')}\n`;
}

export function registerCompareCommand(program: Command): Command {
  const cmd = program
    .command('compare')
    .description('compare two or more traces: summary table with differences marked, first divergence of intermediate answers')
    .argument('<inputs...>', 'trace files (any format the CLI reads); FILE#ID (or FILE#N) picks one trace of a file; "-" for stdin')
    .addOption(new Option('--align <how>', 'align by episode index or by thinking-token position (the divergence point uses it)').choices(['index', 'tokens']).default('index'))
    .option('--id <ids>', 'pick the traces with these ids from every input (repeatable, comma-separated)', collectList)
    .option('--json', 'print the comparison as JSON (summary rows, divergence, aligned episodes)')
    .option('-o, --output <file>', 'write to this file instead of stdout', '-');
  return addPipelineOptions(cmd).action(async (args: string[], flags: CompareFlags) => {
    process.exitCode = await runCompare(args, flags);
  });
}

async function runCompare(args: string[], flags: CompareFlags): Promise<number> {
  const specs = args.map((a) => parseInputSpec(a));
  if (specs.filter((s) => s.path === '-').length > 1) throw new UsageError('stdin ("-") can be read only once');
  for (const s of specs) {
    if (s.path !== '-' && !existsSync(s.path)) throw new UsageError(`${s.path}: no such file`);
  }
  // The CLI contract's output check, before anything is read: never an input (real path,
  // symlink, hard link), no kernel paths, folders made, writable.
  prepareOutput(flags.output, { inputs: specs.map((s) => s.path) });
  let bad = 0;
  const picked: LocatedTrace[] = [];
  for (const spec of specs) {
    const read = await readTracesAnyFormat(spec.path, { segment: segmentOptionsFrom(flags), fields: fieldNamesFrom(flags) });
    for (const e of read.errors) {
      bad++;
      for (const line of recordErrorLines(e.loc, e.errors)) process.stderr.write(`${terminalSafeLine(line)}\n`);
    }
    picked.push(...selectTraces(spec, read.traces, flags.id ?? []));
  }
  if (picked.length < 2) {
    throw new UsageError(`compare needs at least two traces; the inputs gave ${picked.length}${bad ? ` (${bad} record(s) could not be read, see above)` : ''}`);
  }
  if (picked.length > MAX_COMPARED) {
    const some = picked.slice(0, 4).map((t) => `${t.loc.path}#${t.trace.id}`).join(', ');
    throw new UsageError(`the inputs hold ${picked.length} traces; compare shows at most ${MAX_COMPARED}: pick some with FILE#ID or --id (e.g. ${terminalSafeLine(some)}, …)`);
  }
  // Named by model; a trace without one by its file name (traceLabels adds #n to repeats).
  const entries: CompareEntry[] = picked.map((t) => ({ trace: t.trace, label: t.trace.model || (t.loc.path === '-' ? 'stdin' : basename(t.loc.path)) }));
  const comparison = compareTraces(entries);
  const origins = picked.map((t) => origin(t.loc, t.trace.id));
  const text = flags.json
    ? `${JSON.stringify({ alignment: flags.align, inputs: origins, ...comparison, aligned: alignEpisodes(comparison.traces, flags.align) }, null, 1)}\n`
    : renderText(comparison, flags.align, origins);
  writeFileAtomic(flags.output, text);
  if (flags.output !== '-') process.stderr.write(`wrote ${terminalSafeLine(flags.output)}\n`);
  return bad ? EXIT_BAD_RECORDS : EXIT_OK;
}
