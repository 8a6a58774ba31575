/**
 * Command-line glue for dataset work, kept beside the job so src/cli only registers it:
 * the live options of `annotate` (model, hosts, resume…), `report` and `export`.
 * Exit codes follow src/cli: 0 ok, 1 some records bad or unfinished, 2 usage/config error.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { annotateTrace } from '../../core/annotate';
import type { BudgetPolicy, SegmentMode, Trace } from '../../core/trace';
import { writeExport, type ExportFormat, type LabelSource } from './export';
import { loadInput, type InputKind } from './input';
import { JobConfigError, runDatasetJob, type DatasetJobOptions, type JobEvent } from './job';
import { readTraceLines, writeReport } from './report';
import type { BackendKind } from './backends';

const EXIT_OK = 0;
const EXIT_BAD_RECORDS = 1;
const EXIT_USAGE = 2;

export interface LiveFlags {
  model?: string[];
  host?: string[];
  backend?: BackendKind;
  samples?: number;
  concurrency?: number;
  resume?: boolean;
  force?: boolean;
  strict?: boolean;
  limit?: number;
  maxThinking?: number;
  minThinking?: number;
  extensions?: number;
  maxEpisodes?: number;
  earlyStop?: boolean;
  vote?: { n: number; m: number };
  think?: boolean | 'low' | 'medium' | 'high';
  temperature?: number;
  seed?: number;
  instruction?: string;
  idField?: string;
  inputKind?: InputKind;
  report?: boolean;
  /** From the shared pipeline options of `annotate`. */
  mode?: SegmentMode;
  maxSteps?: number;
  groupSize?: number;
  problemField?: string[];
  goldField?: string[];
  outputField?: string[];
}

function integer(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}.`);
    return n;
  };
}

function collect(value: string, previous: string[] | undefined): string[] {
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  return [...(previous ?? []), ...list];
}

function parseVote(value: string): { n: number; m: number } {
  const m = /^(\d+)\s*[/:]\s*(\d+)$/.exec(value.trim());
  if (!m || Number(m[2]) < 1 || Number(m[2]) > Number(m[1])) throw new InvalidArgumentError('--vote takes N/M (up to N answers, stop when M agree; N:M accepted), e.g. 8/3.');
  return { n: Number(m[1]), m: Number(m[2]) };
}

function parseThink(raw: string): LiveFlags['think'] {
  const value = raw.trim().toLowerCase();
  if (value === 'true' || value === 'on') return true;
  if (value === 'false' || value === 'off') return false;
  if (value === 'low' || value === 'medium' || value === 'high') return value;
  throw new InvalidArgumentError('--think takes on, off, low, medium or high.');
}

function number(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number.`);
    return n;
  };
}

/** Options that turn `annotate` into a live, resumable dataset job. */
export function addLiveAnnotateOptions(cmd: Command): Command {
  return cmd
    .option('-m, --model <names>', 'model(s) to generate with (problem sets) or to probe with (traces); repeat or comma-separate for several', collect)
    .option('--host <url>', 'model server (default http://127.0.0.1:11434); repeat for several hosts (work is balanced, failing hosts drop out); openai+http://… picks --backend openai', collect)
    .addOption(new Option('--backend <kind>', 'server protocol: Ollama\'s native API, or OpenAI-compatible (vLLM, SGLang, llama.cpp, Ollama /v1) (default: ollama)').choices(['ollama', 'openai']))
    .option('--samples <k>', 'forced-answer samples per episode for progress (default 0: no probes)', integer('--samples', 0))
    .option('--concurrency <n>', 'records in flight per host (default 1)', integer('--concurrency', 1))
    .option('--resume', 'continue OUT: skip finished ids, redo unfinished ones')
    .option('--force', 'with --resume: accept a changed configuration; without: overwrite OUT')
    .option('--strict', 'fail before starting if any input record is unusable')
    .option('--limit <n>', 'process at most N unfinished records', integer('--limit', 0))
    .option('--max-thinking <tokens>', 'budget: cap thinking tokens, then force the answer (s1 budget forcing)', integer('--max-thinking', 1))
    .option('--min-thinking <tokens>', 'budget: if thinking ends before N tokens, suppress the end and append "Wait"', integer('--min-thinking', 1))
    .option('--extensions <n>', 'budget: at most N "Wait" extensions', integer('--extensions', 0))
    .option('--max-episodes <n>', 'budget: stop thinking after N episodes', integer('--max-episodes', 1))
    .option('--early-stop', 'budget: stop when forced answers have stabilised')
    .option('--vote <N/M>', 'budget: sequential voting, up to N attempts, stop when M agree (N:M accepted)', parseVote)
    .option('--think <level>', 'thinking: on, off (or true, false), or a gpt-oss level low, medium, high (default: the model\'s)', parseThink)
    .option('--temperature <t>', 'sampling temperature (default: the model\'s)', number('--temperature'))
    .option('--seed <n>', 'sampling seed (default: none, the server picks)', integer('--seed', 0))
    .option('--instruction <text>', 'instruction appended to each problem (default asks for \\boxed{})')
    .option('--id-field <name>', 'problem sets: column holding the record id')
    .addOption(new Option('--input-kind <kind>', 'treat IN as problems or traces instead of detecting it (traces: annotate offline even what looks like a problem set)').choices(['problems', 'traces']))
    .option('--no-report', 'do not write the report beside OUT');
}

/** Whether the flags ask for the live/resumable job rather than plain offline annotation. */
export function wantsDatasetJob(flags: LiveFlags): boolean {
  return Boolean(flags.model?.length || flags.host?.length || flags.resume || flags.samples || flags.backend || flags.inputKind === 'problems' || flags.limit !== undefined || flags.strict);
}

export function jobOptionsFromFlags(input: string, output: string, f: LiveFlags): DatasetJobOptions {
  const budget: BudgetPolicy = {};
  if (f.maxThinking !== undefined) budget.maxThinkingTokens = f.maxThinking;
  if (f.minThinking !== undefined) budget.minThinkingTokens = f.minThinking;
  if (f.extensions !== undefined) budget.extensions = f.extensions;
  if (f.maxEpisodes !== undefined) budget.maxEpisodes = f.maxEpisodes;
  if (f.earlyStop) budget.earlyStop = true;
  if (f.vote) budget.vote = f.vote;
  const sampling = { ...(f.temperature !== undefined ? { temperature: f.temperature } : {}), ...(f.seed !== undefined ? { seed: f.seed } : {}) };
  const mapping = {
    ...(f.problemField?.[0] ? { problem: f.problemField[0] } : {}),
    ...(f.goldField?.[0] ? { gold: f.goldField[0] } : {}),
    ...(f.idField ? { id: f.idField } : {}),
    ...(f.outputField?.[0] ? { output: f.outputField[0] } : {}),
  };
  const segment = { mode: f.mode ?? 'auto', ...(f.maxSteps !== undefined ? { maxSteps: f.maxSteps } : {}), ...(f.groupSize !== undefined ? { groupSize: f.groupSize } : {}) };
  return {
    input,
    output,
    ...(f.model?.length ? { models: f.model } : {}),
    ...(f.host?.length ? { hosts: f.host } : {}),
    ...(f.backend ? { backend: f.backend } : {}),
    ...(f.samples ? { samples: f.samples } : {}),
    ...(f.concurrency ? { concurrency: f.concurrency } : {}),
    ...(Object.keys(budget).length ? { budget } : {}),
    ...(f.think !== undefined ? { think: f.think } : {}),
    ...(Object.keys(sampling).length ? { sampling } : {}),
    segment,
    ...(f.instruction !== undefined ? { instruction: f.instruction } : {}),
    ...(Object.keys(mapping).length ? { mapping } : {}),
    ...(f.inputKind ? { inputKind: f.inputKind } : {}),
    resume: Boolean(f.resume),
    force: Boolean(f.force),
    strict: Boolean(f.strict),
    ...(f.limit !== undefined ? { limit: f.limit } : {}),
    report: f.report !== false,
  };
}

function describeEvent(e: JobEvent): string | null {
  switch (e.type) {
    case 'start':
      return `${e.kind === 'problems' ? 'problem set' : 'traces'}: ${e.total} record(s), ${e.alreadyDone} already done, ${e.todo} to do${e.issues ? `, ${e.issues} unusable input record(s) skipped` : ''}`;
    case 'record':
      return `[${e.done}/${e.todo}] ${e.id}${e.host ? ` on ${e.host}` : ''}${e.ok ? '' : `: ${e.error}`}`;
    case 'host-failed':
      return `host ${e.host} failed${e.removed ? ' and left the rotation' : ', backing off'}: ${e.message}`;
    case 'record-abandoned':
      return `record ${e.id} left unfinished: ${e.message}`;
    case 'repaired':
      return e.message;
  }
}

/** Runs `annotate IN -o OUT --model …` as a dataset job; returns the exit code. */
export async function runDatasetCommand(inputs: string[], output: string, flags: LiveFlags): Promise<number> {
  if (inputs.length !== 1 || inputs[0] === '-') {
    console.error('reasoning-lens: a dataset job takes exactly one input file or directory (not stdin)');
    return EXIT_USAGE;
  }
  if (output === '-') {
    console.error('reasoning-lens: a dataset job needs an output file (it appends and resumes), not stdout');
    return EXIT_USAGE;
  }
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(130);
    console.error('stopping after the records in flight are cancelled (Ctrl-C again to quit at once); finished records are kept, --resume continues');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const opts = jobOptionsFromFlags(inputs[0], output, flags);
    const r = await runDatasetJob({
      ...opts,
      signal: controller.signal,
      onEvent: (e) => {
        const line = describeEvent(e);
        if (line) console.error(line);
      },
    });
    for (const i of r.inputIssues) console.error(`${i.where}${i.field ? ` [${i.field}]` : ''}: ${i.message}`);
    if (r.message) console.error(r.message);
    const summary = r.report?.report.overall;
    console.error(
      `${r.status}: ${r.written} written, ${r.alreadyDone} already done, ${r.withErrors} with errors, ${r.abandoned.length} unfinished, ${r.inputIssues.length} unusable input record(s) in ${(r.elapsedMs / 1000).toFixed(1)} s` +
        (summary ? `; accuracy ${summary.accuracy === null ? '–' : `${(100 * summary.accuracy).toFixed(1)}%`}; report ${r.report!.markdown}` : ''),
    );
    return r.status === 'done' && r.inputIssues.length === 0 && r.abandoned.length === 0 && r.withErrors === 0 ? EXIT_OK : EXIT_BAD_RECORDS;
  } catch (err) {
    if (err instanceof JobConfigError || err instanceof RangeError) {
      console.error(`reasoning-lens: ${err.message}`);
      return EXIT_USAGE;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('write the dataset report (summary JSON, Markdown, HTML) beside a trace JSONL')
    .argument('<traces>', 'annotated traces (JSONL), e.g. OUT.trace.jsonl')
    .option('--budgets <list>', 'thinking-token caps for the accuracy-vs-budget table, comma-separated', (v: string) => {
      const list = v.split(',').map((s) => Number(s.trim()));
      if (list.some((n) => !Number.isInteger(n) || n < 1)) throw new InvalidArgumentError('--budgets takes positive integers, e.g. 1024,4096.');
      return list;
    })
    .action((path: string, flags: { budgets?: number[] }) => {
      let read;
      try {
        read = readTraceLines(path);
      } catch (err) {
        console.error(`reasoning-lens: cannot read ${path}: ${(err as Error).message}`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      for (const p of read.problems) console.error(`${path}:${p.line}: ${p.message} (skipped)`);
      const w = writeReport(path, read.traces, { ...(flags.budgets ? { budgets: flags.budgets } : {}) });
      const g = w.report.overall;
      console.log(`${g.traces} traces, accuracy ${g.accuracy === null ? '–' : `${(100 * g.accuracy).toFixed(1)}%`} (${g.correct}/${g.graded})`);
      console.log(`wrote ${w.json}\nwrote ${w.markdown}\nwrote ${w.html}`);
      process.exitCode = read.problems.length ? EXIT_BAD_RECORDS : EXIT_OK;
    });
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('export annotated traces: TRL stepwise supervision, Thought Anchors chunks, or per-episode CSV')
    .argument('<input>', 'traces (our JSONL, or any trace format annotate reads)')
    .addOption(new Option('--format <format>', 'export format').choices(['trl', 'thought-anchors', 'csv']).makeOptionMandatory())
    .requiredOption('-o, --output <path>', 'output file (thought-anchors with several traces: a directory)')
    .option('--threshold <x>', 'trl: a step is good when its progress delta exceeds x', number('--threshold'), 0)
    .addOption(new Option('--labels <source>', 'trl: label steps from progress, verdicts, or auto').choices(['auto', 'progress', 'verdict']).default('auto'))
    .action(async (input: string, flags: { format: ExportFormat; output: string; threshold: number; labels: LabelSource }) => {
      let loaded;
      try {
        loaded = await loadInput(input, { kind: 'traces' });
      } catch (err) {
        console.error(`reasoning-lens: cannot read ${input}: ${(err as Error).message}`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      for (const i of loaded.issues) console.error(`${i.where}${i.field ? ` [${i.field}]` : ''}: ${i.message} (skipped)`);
      // Our traces are exported as they are (their probes kept); raw formats are annotated first.
      const traces: Trace[] = loaded.items.map((it) => (it.kind === 'trace' ? (it.trace ?? annotateTrace(it.input)) : annotateTrace({ problem: it.problem, gold: it.gold, source: { kind: 'problem' } })));
      const r = writeExport(traces, flags.format, flags.output, { threshold: flags.threshold, labels: flags.labels });
      for (const s of r.skipped) console.error(`trace ${s.id}: not exported (${s.reason})`);
      console.log(`${flags.format}: ${r.rows} row(s) from ${traces.length} trace(s) → ${r.written.length === 1 ? r.written[0] : `${r.written.length} files under ${flags.output}`}`);
      process.exitCode = loaded.issues.length || r.skipped.length ? EXIT_BAD_RECORDS : EXIT_OK;
    });
}

/** `report` and `export`, registered together from src/cli/main.ts. */
export function registerDatasetCommands(program: Command): void {
  registerReportCommand(program);
  registerExportCommand(program);
}
