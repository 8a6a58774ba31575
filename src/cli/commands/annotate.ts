/**
 * `reasoning-lens annotate IN... -o OUT`: offline, annotate traces already in IN (no model);
 * with --model (or --resume, --limit, --strict), a resumable dataset job: solve a problem set
 * or annotate (and probe) a trace file. Which flag works in which mode is one table
 * (src/cli/util/annotate-flags.ts): a flag the mode would ignore is refused with exit 2.
 */
import { Option, type Command } from 'commander';
import { BACKEND_KINDS, hostProblem, type BackendKind } from '../../model/backend-factory';
import type { FieldChoice, InputKind } from '../../runs/dataset/input';
import { inputReportLines, JobConfigError, runDatasetJob, type DatasetJobOptions, type JobEvent } from '../../runs/dataset/job';
import { annotateMode, refusedForInput, refusedForMode } from '../util/annotate-flags';
import { addBudgetOptions, budgetFromFlags, flagErrorLines, forcingFromFlags, type BudgetFlags } from '../util/budget-flags';
import { EXIT_BAD_RECORDS, EXIT_OK, UsageError } from '../util/exit';
import { printSafe } from '../util/report';
import { SIGNAL_EXIT_CODE, signalName, watchStopSignals } from '../util/signals';
import { addPipelineOptions, collectList, fieldNamesFrom, finiteNumber, positiveInteger, segmentOptionsFrom, tokenizerOption, type PipelineFlags, type TokenizerFlags } from '../util/options';
import { runOffline, type OfflineRunOptions } from '../util/run-offline';
import { addProbeOptions, probeFlagsWithoutProbes, probeSettingsFrom, type ProbeFlags } from '../util/probe-flags';

export interface AnnotateFlags extends PipelineFlags, BudgetFlags, ProbeFlags, TokenizerFlags {
  output: string;
  model?: string[];
  host?: string[];
  backend?: BackendKind;
  samples?: number;
  concurrency?: number;
  timeout?: number;
  resume?: boolean;
  force?: boolean;
  strict?: boolean;
  limit?: number;
  temperature?: number;
  seed?: number;
  instruction?: string;
  idField?: string;
  inputKind?: InputKind;
  report?: boolean;
  answerExtractor?: 'rule' | 'model';
}

/** Options of the dataset job (model, hosts, resume…), beside the pipeline and budget options. */
function addJobOptions(cmd: Command): Command {
  return cmd
    .option('-m, --model <names>', 'model(s) to generate with (problem sets) or to probe with (traces, with --samples); repeat or comma-separate for several; makes annotate a resumable job', collectList)
    .option('--host <url>', 'model server (default: OLLAMA_HOST or http://127.0.0.1:11434); repeat for several hosts (work is balanced, failing hosts drop out); openai+http://… picks --backend openai', collectList)
    .addOption(new Option('--backend <kind>', 'server protocol: Ollama\'s native API, or OpenAI-compatible (vLLM, SGLang, llama.cpp, Ollama /v1) (default: ollama)').choices([...BACKEND_KINDS]))
    .option('--samples <k>', 'forced-answer samples per prefix for progress: fixed K (MRT: 8), or the cap with --adaptive-samples (default 0: no probes)', positiveInteger('--samples', 0))
    .option('--concurrency <n>', 'records in flight per host (default 1)', positiveInteger('--concurrency', 1))
    .option('--timeout <ms>', 'longest wait on a model server for a short request and between two chunks of a stream; the first chunk (model loading) may take max(10 min, this) (default: 30 s for requests, 10 min to start, 2 min between chunks)', positiveInteger('--timeout', 1))
    .option('--resume', 'continue OUT as a dataset job: skip finished ids, redo unfinished ones')
    .option('--force', 'replace OUT when it already exists inside an input folder (it is then left out of the inputs); dataset job: with --resume accept a changed configuration, without, overwrite OUT')
    .option('--strict', 'dataset job: fail before starting if any input record is unusable')
    .option('--limit <n>', 'dataset job: process at most N unfinished records', positiveInteger('--limit', 0))
    .option('--temperature <t>', 'sampling temperature (default: the model\'s)', finiteNumber('--temperature'))
    .option('--seed <n>', 'sampling seed (default: none, the server picks)', positiveInteger('--seed', 0))
    .option('--instruction <text>', 'instruction appended to each problem, and to the probe prompt of traces (default asks for \\boxed{})')
    .option('--id-field <name>', 'problem sets: column holding the record id')
    .addOption(new Option('--input-kind <kind>', 'treat IN as problems or traces instead of detecting it (traces: annotate even what looks like a problem set)').choices(['problems', 'traces']))
    .option('--no-report', 'dataset job: do not write the report beside OUT')
    .addOption(new Option('--answer-extractor <kind>', 'who reads intermediate answers: the rules (default), or the rules and then the model (--model) for episodes they leave without one').choices(['rule', 'model']));
}

export function registerAnnotateCommand(program: Command): Command {
  const cmd = program
    .command('annotate')
    .description('annotate traces (ours or raw model outputs) offline: episodes, labels, answers, verdicts, metrics; with --model, solve a problem set or probe traces as a resumable job')
    .argument('<inputs...>', 'trace files or directories ("-" for stdin); with --model, one problem set (JSONL, JSON, CSV, Parquet) or trace file/directory')
    .requiredOption('-o, --output <file>', 'output trace-format JSONL ("-" for stdout, offline only)')
    .addOption(tokenizerOption());
  addBudgetOptions(addProbeOptions(addJobOptions(addPipelineOptions(cmd)))).action(async (inputs: string[], flags: AnnotateFlags) => {
    const plan = planAnnotate(inputs, flags, givenFlags(cmd));
    if (plan.mode === 'refused') throw new UsageError(plan.errors.join('\nreasoning-lens: '));
    if (plan.mode === 'job') {
      process.exitCode = await runJobCommand(inputs, plan.options);
      return;
    }
    process.exitCode = await runOffline(inputs, flags, plan.options);
  });
  return cmd;
}

export interface OfflinePlanOptions extends OfflineRunOptions {
  segment: ReturnType<typeof segmentOptionsFrom>;
  fields: ReturnType<typeof fieldNamesFrom>;
}

/** What `annotate` will do with these flags: everything the run receives, or why it refuses. */
export type AnnotatePlan = { mode: 'refused'; errors: string[] } | { mode: 'offline'; options: OfflinePlanOptions } | { mode: 'job'; options: DatasetJobOptions };

export function planAnnotate(inputs: readonly string[], flags: AnnotateFlags, given: ReadonlySet<string>): AnnotatePlan {
  const refused = refusedForMode(given, flags as unknown as Record<string, unknown>);
  if (refused.length) return { mode: 'refused', errors: refused };
  if (annotateMode(given) === 'job') {
    const built = jobOptionsFromFlags(inputs[0] ?? '', flags, given);
    return built.ok ? { mode: 'job', options: built.options } : { mode: 'refused', errors: built.errors };
  }
  return {
    mode: 'offline',
    options: { output: flags.output, summaries: true, command: 'annotate', assumeTraces: flags.inputKind === 'traces', force: Boolean(flags.force), segment: segmentOptionsFrom(flags), fields: fieldNamesFrom(flags), ...(flags.inputFormat ? { inputFormat: flags.inputFormat } : {}), ...(flags.tokenizer ? { tokenizer: flags.tokenizer } : {}) },
  };
}

/** Option keys the user typed (defaults and negations' implicit values do not count). */
export function givenFlags(cmd: Command): Set<string> {
  const given = new Set<string>();
  for (const o of cmd.options) {
    const key = o.attributeName();
    if (cmd.getOptionValueSource(key) === 'cli') given.add(key);
  }
  return given;
}

/** `--problem-field a,b` etc. as the job's field choice (each list tried in order). */
function fieldChoice(f: AnnotateFlags): FieldChoice | undefined {
  const choice: FieldChoice = {
    ...(f.problemField?.length ? { problem: f.problemField } : {}),
    ...(f.goldField?.length ? { gold: f.goldField } : {}),
    ...(f.outputField?.length ? { output: f.outputField } : {}),
    ...(f.idField ? { id: f.idField } : {}),
  };
  return Object.keys(choice).length ? choice : undefined;
}

/** The dataset job the flags describe, or the `--flag: message` lines that stop it. */
export function jobOptionsFromFlags(input: string, f: AnnotateFlags, given: ReadonlySet<string>): { ok: true; options: DatasetJobOptions } | { ok: false; errors: string[] } {
  const budget = budgetFromFlags(f);
  if (!budget.ok) return { ok: false, errors: flagErrorLines(budget.errors) };
  const forcing = forcingFromFlags(f);
  if (!forcing.ok) return { ok: false, errors: flagErrorLines([forcing.error]) };
  const badHosts = (f.host ?? []).map((h) => hostProblem(h, f.backend)).filter((m): m is string => m !== null);
  if (badHosts.length) return { ok: false, errors: badHosts.map((m) => `--host: ${m}`) };
  const policy = budget.policy;
  const sampling = { ...(f.temperature !== undefined ? { temperature: f.temperature } : {}), ...(f.seed !== undefined ? { seed: f.seed } : {}) };
  const mapping = fieldChoice(f);
  const samples = f.samples ?? 0;
  const unusedProbeFlags = samples === 0 ? probeFlagsWithoutProbes(f, 'add --samples K') : [];
  if (unusedProbeFlags.length) return { ok: false, errors: unusedProbeFlags };
  const probe = probeSettingsFrom(f);
  return {
    ok: true,
    options: {
      input,
      output: f.output,
      ...(f.model?.length ? { models: f.model } : {}),
      ...(f.host?.length ? { hosts: f.host } : {}),
      ...(f.timeout !== undefined ? { idleTimeoutMs: f.timeout } : {}),
      ...(f.backend ? { backend: f.backend } : {}),
      ...(samples ? { samples } : {}),
      ...(Object.keys(probe).length ? { probe } : {}),
      ...(f.concurrency ? { concurrency: f.concurrency } : {}),
      ...(Object.keys(policy).length ? { budget: policy } : {}),
      ...(forcing.forcing ? { forcing: forcing.forcing } : {}),
      ...(Object.keys(sampling).length ? { sampling } : {}),
      segment: segmentOptionsFrom(f),
      ...(f.instruction !== undefined ? { instruction: f.instruction } : {}),
      ...(mapping ? { mapping } : {}),
      ...(f.inputKind ? { inputKind: f.inputKind } : {}),
      ...(f.inputFormat ? { inputFormat: f.inputFormat } : {}),
      ...(f.tokenizer ? { tokenizer: f.tokenizer } : {}),
      resume: Boolean(f.resume),
      force: Boolean(f.force),
      strict: Boolean(f.strict),
      ...(f.limit !== undefined ? { limit: f.limit } : {}),
      report: f.report !== false,
      ...(f.answerExtractor === 'model' ? { answerExtractor: 'model' as const } : {}),
      checkKind: (kind) => refusedForInput(kind, given, samples, input, f.answerExtractor === 'model'),
    },
  };
}

function describeEvent(e: JobEvent): string | null {
  switch (e.type) {
    case 'start':
      return `${e.kind === 'problems' ? 'problem set' : 'traces'}: ${e.total} record(s), ${e.alreadyDone} already done, ${e.todo} to do${e.issues ? `, ${e.issues} unusable input record(s) skipped` : ''}${e.warnings ? `, ${e.warnings} input warning(s)` : ''}`;
    case 'record':
      return `[${e.done}/${e.todo}] ${e.id}${e.host ? ` on ${e.host}` : ''}${e.ok ? '' : `: ${e.error}`}${(e.warnings ?? []).map((w) => `\n  ${e.id}: warning: ${w}`).join('')}`;
    case 'host-failed':
      return `host ${e.host} failed${e.removed ? ' and left the rotation' : ', backing off'}: ${e.message}`;
    case 'record-abandoned':
      return `record ${e.id} left unfinished: ${e.message}`;
    case 'repaired':
      return e.message;
  }
}

/** Runs `annotate IN -o OUT --model …` as a dataset job; returns the exit code. */
async function runJobCommand(inputs: string[], options: DatasetJobOptions): Promise<number> {
  if (inputs.length !== 1 || inputs[0] === '-') throw new UsageError('a dataset job takes exactly one input file or directory (not stdin)');
  if (options.output === '-') throw new UsageError('a dataset job needs an output file (it appends and resumes), not stdout');
  const controller = new AbortController();
  // SIGINT, SIGTERM and SIGHUP alike: cancel what is in flight, keep what finished, mark the job stopped.
  const signals = watchStopSignals((signal) => {
    process.stderr.write(`${signalName(signal)}: stopping after the records in flight are cancelled (again to quit at once); finished records are kept, --resume continues\n`);
    controller.abort();
  });
  try {
    const r = await runDatasetJob({
      ...options,
      signal: controller.signal,
      onEvent: (e) => {
        const line = describeEvent(e);
        for (const l of line?.split('\n') ?? []) printSafe(l);
      },
    });
    for (const line of inputReportLines(r)) process.stderr.write(`${line}\n`);
    for (const line of r.message?.split('\n') ?? []) printSafe(line);
    const summary = r.report?.report.overall;
    printSafe(
      `${r.status}: ${r.written} written, ${r.alreadyDone} already done, ${r.withErrors} with errors, ${r.abandoned.length} unfinished, ${r.inputIssues.length} unusable input record(s), ${r.inputWarnings.length} input warning(s) in ${(r.elapsedMs / 1000).toFixed(1)} s` +
        (summary ? `; accuracy ${summary.accuracy === null ? '–' : `${(100 * summary.accuracy).toFixed(1)}%`}; report ${r.report!.markdown}` : ''),
    );
    if (signals.received) return SIGNAL_EXIT_CODE[signals.received];
    return r.status === 'done' && r.inputIssues.length === 0 && r.abandoned.length === 0 && r.withErrors === 0 ? EXIT_OK : EXIT_BAD_RECORDS;
  } catch (err) {
    if (err instanceof JobConfigError || err instanceof RangeError) throw new UsageError(err.message);
    throw err;
  } finally {
    signals.dispose();
  }
}
