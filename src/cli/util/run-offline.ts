/**
 * Offline annotation over files, shared by `segment` and `annotate` without a model: segment,
 * label, extract and grade every record, write trace-format JSONL, one summary line per file.
 */
import { annotateFiles, formatSummary, totalSummary, type FileSummary } from '../../io/annotate-files';
import { expandInputs, MissingInputError, refuseExistingOutputInInputFolder } from '../../io/inputs';
import { prepareOutput } from '../../io/paths';
import { JsonlWriter } from '../../io/write';
import { terminalSafeLine } from '../../core/terminal-text';
import type { Trace } from '../../core/trace';
import type { RecordFormat } from '../../formats/types';
import { tokenRecounter, type TokenizerChoice } from '../../runs/token-recounter';
import { EXIT_BAD_RECORDS, EXIT_OK, UsageError } from './exit';
import { fieldNamesFrom, segmentOptionsFrom, type PipelineFlags } from './options';
import { checkProblemSets, type AdviceFor, type InputFile } from './problem-sets';
import { printRecordErrors } from './report';

export interface OfflineRunOptions {
  output: string;
  /** Print one summary line per input file to stderr. */
  summaries: boolean;
  /** The command, for advice about problem sets. */
  command: AdviceFor;
  /** `--input-kind traces`: read every input as traces, even one that looks like a problem set. */
  assumeTraces?: boolean;
  /** `--force`: an existing output inside an input folder may be replaced (it is left out of the inputs). */
  force?: boolean;
  /** `--input-format`: read every record as this format instead of detecting it. */
  inputFormat?: RecordFormat;
  /** `--tokenizer`: count tokens with this family's tokenizer, or with each trace's (`auto`, by its model name). */
  tokenizer?: TokenizerChoice;
}

/** The recount step for `--tokenizer` (src/runs/token-recounter.ts); a missing package is a usage error. */
function recountStep(choice: TokenizerChoice | undefined): ((t: Trace) => Trace) | undefined {
  if (choice === undefined) return undefined;
  const r = tokenRecounter(choice);
  if (!r.ok) throw new UsageError(r.message);
  return r.recount;
}

/** Shared by `annotate` and `segment`: returns the exit code. */
export async function runOffline(inputs: string[], flags: PipelineFlags, run: OfflineRunOptions): Promise<number> {
  // Before anything is read: an existing file in an input folder would be skipped by the walk, then replaced.
  refuseExistingOutputInInputFolder(run.output, inputs, Boolean(run.force));
  const found: InputFile[] = [];
  try {
    for (const input of inputs) {
      const expanded = await expandInputs([input], [run.output]);
      const fromDirectory = !(expanded.length === 1 && expanded[0] === input);
      found.push(...expanded.map((path) => ({ path, fromDirectory })));
    }
  } catch (err) {
    if (err instanceof MissingInputError) throw new UsageError(err.message);
    throw err;
  }
  if (found.filter((f) => f.path === '-').length > 1) throw new UsageError('stdin ("-") can be read only once');
  // Before any input is read: the output is no input (in any spelling) and its folder exists.
  prepareOutput(run.output, { inputs: found.map((f) => f.path) });
  const finish = recountStep(run.tokenizer);
  // A problem set has no model output: annotating it would grade reference solutions.
  let files = found.map((f) => f.path);
  let stdin: AsyncIterable<string> | undefined;
  if (!run.assumeTraces) {
    const check = await checkProblemSets(found, fieldNamesFrom(flags), run.command);
    if (check.errors.length) throw new UsageError(check.errors.join('\nreasoning-lens: '));
    for (const line of check.skipped) process.stderr.write(`${terminalSafeLine(line)}\n`);
    if (check.files.length === 0) throw new UsageError('no trace files to annotate: every input looks like a problem set (see above)');
    files = check.files;
    stdin = check.stdin;
  }
  const writer = new JsonlWriter(run.output);
  let summaries: FileSummary[];
  try {
    summaries = await annotateFiles(files, writer, {
      segment: segmentOptionsFrom(flags),
      finish,
      fields: fieldNamesFrom(flags),
      ...(run.inputFormat ? { format: run.inputFormat } : {}),
      ...(stdin ? { stdin } : {}),
      onError: (loc, errors) => printRecordErrors(loc, errors),
      onFile: run.summaries ? (s) => process.stderr.write(`${terminalSafeLine(formatSummary(s))}\n`) : undefined,
    });
  } catch (err) {
    await writer.discard();
    throw err;
  }
  await writer.close();
  if (run.summaries && summaries.length > 1) process.stderr.write(`${terminalSafeLine(formatSummary(totalSummary(summaries)))}\n`);
  return summaries.some((s) => s.errors > 0) ? EXIT_BAD_RECORDS : EXIT_OK;
}
