/**
 * `reasoning-lens annotate IN... -o OUT`: annotate traces already in IN (no model): segment,
 * label, extract and grade every record, write trace-format JSONL, one summary line per file.
 */
import type { Command } from 'commander';
import { annotateFiles, formatSummary, totalSummary, type FileSummary } from '../../io/annotate-files';
import { expandInputs, MissingInputError } from '../../io/inputs';
import { JsonlWriter } from '../../io/write';
import { EXIT_BAD_RECORDS, EXIT_OK, UsageError } from '../util/exit';
import { addPipelineOptions, fieldNamesFrom, segmentOptionsFrom, type PipelineFlags } from '../util/options';
import { printRecordErrors } from '../util/report';
import { addLiveAnnotateOptions, runDatasetCommand, wantsDatasetJob, type LiveFlags } from '../../runs/dataset/cli';

export interface OfflineRunOptions {
  output: string;
  /** Print one summary line per input file to stderr. */
  summaries: boolean;
}

/** Shared by `annotate` and `segment`: returns the exit code. */
export async function runOffline(inputs: string[], flags: PipelineFlags, run: OfflineRunOptions): Promise<number> {
  let files: string[];
  try {
    files = await expandInputs(inputs, [run.output]);
  } catch (err) {
    if (err instanceof MissingInputError) throw new UsageError(err.message);
    throw err;
  }
  if (files.filter((f) => f === '-').length > 1) throw new UsageError('stdin ("-") can be read only once');
  const writer = new JsonlWriter(run.output);
  let summaries: FileSummary[];
  try {
    summaries = await annotateFiles(files, writer, {
      segment: segmentOptionsFrom(flags),
      fields: fieldNamesFrom(flags),
      onError: (loc, errors) => printRecordErrors(loc, errors),
      onFile: run.summaries ? (s) => process.stderr.write(`${formatSummary(s)}\n`) : undefined,
    });
  } finally {
    await writer.close();
  }
  if (run.summaries && summaries.length > 1) process.stderr.write(`${formatSummary(totalSummary(summaries))}\n`);
  return summaries.some((s) => s.errors > 0) ? EXIT_BAD_RECORDS : EXIT_OK;
}

export function registerAnnotateCommand(program: Command): void {
  const cmd = program
    .command('annotate')
    .description('annotate traces (ours or raw model outputs) without a model: episodes, labels, answers, verdicts, metrics')
    .argument('<inputs...>', 'trace files or directories ("-" for stdin)')
    .requiredOption('-o, --output <file>', 'output trace-format JSONL ("-" for stdout)');
  addLiveAnnotateOptions(addPipelineOptions(cmd)).action(async (inputs: string[], flags: PipelineFlags & LiveFlags & { output: string }) => {
    // With a model, hosts, --resume, --samples…: a resumable dataset job (src/runs/dataset).
    if (wantsDatasetJob(flags)) return void (process.exitCode = await runDatasetCommand(inputs, flags.output, flags));
    process.exitCode = await runOffline(inputs, flags, { output: flags.output, summaries: true });
  });
}
