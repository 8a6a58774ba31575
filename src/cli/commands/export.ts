/**
 * `reasoning-lens export IN --format F -o OUT`: annotated traces as TRL stepwise supervision, Thought Anchors chunks or
 * per-episode CSV, or through the format writers (HF chat, OpenAI chat completion, Inspect log, minimal trace).
 */
import { statSync } from 'node:fs';
import { sep } from 'node:path';
import { Option, type Command } from 'commander';
import { annotateTrace } from '../../core/annotate';
import type { Trace } from '../../core/trace';
import { writeExport, type ExportFormat, type LabelSource } from '../../runs/dataset/export';
import { WRITER_FORMATS, writeWriterExport, type WriterFormat } from '../../runs/dataset/export-writers';
import { loadInput } from '../../runs/dataset/input';
import { loadReviews } from '../../runs/dataset/reviews';
import { REVIEW_SIDECAR_SUFFIX } from '../../core/review/annotation';
import { isPlainIoError, plainIoMessage } from '../../io/io-errors';
import { canonicalPath, prepareOutput } from '../../io/paths';
import { traceFilesUnder } from '../../io/inputs';
import { EXIT_BAD_RECORDS, EXIT_OK, UsageError } from '../util/exit';
import { finiteNumber } from '../util/options';
import { issueLine, printSafe } from '../util/report';
import { terminalSafe } from '../../core/terminal-text';

export function registerExportCommand(program: Command): Command {
  return program
    .command('export')
    .description('export annotated traces: TRL stepwise supervision, Thought Anchors chunks, per-episode CSV, HF chat or OpenAI chat completion JSONL, an Inspect log, or minimal traces')
    .argument('<input>', 'traces (our JSONL, or any trace format annotate reads; a directory is walked like annotate\'s)')
    .addOption(new Option('--format <format>', 'export format').choices(['trl', 'thought-anchors', 'csv', ...WRITER_FORMATS]).makeOptionMandatory())
    .option('--think-in-content', 'hf-chat: <think>…</think> in the assistant content instead of reasoning_content/reasoning fields')
    .requiredOption('-o, --output <path>', 'output file ("-" for stdout; thought-anchors with several traces: a directory)')
    .option('--threshold <x>', 'trl: a step is good when its progress delta exceeds x (default 0)', finiteNumber('--threshold'), 0)
    .addOption(new Option('--labels <source>', 'trl: label steps from progress, verdicts, or auto').choices(['auto', 'progress', 'verdict']).default('auto'))
    .option('--annotations <files...>', 'trl, thought-anchors: human reviews from these sidecars (default: <input file>.annotations.jsonl beside each input file, when present)')
    .option('--reviewer <name>', 'trl, thought-anchors: use only this reviewer\'s annotations')
    .option('--no-reviews', 'trl, thought-anchors: ignore human reviews (automatic labels only)')
    .action(async (input: string, flags: { format: ExportFormat | WriterFormat; output: string; threshold: number; labels: LabelSource; thinkInContent?: boolean; annotations?: string[]; reviewer?: string; reviews: boolean }) => {
      if (flags.thinkInContent && flags.format !== 'hf-chat') throw new UsageError('--think-in-content is an hf-chat option');
      // Before reading: the output is no input (a file given, or any trace file in a directory given).
      const inputs = statSync(input, { throwIfNoEntry: false })?.isDirectory() ? await traceFilesUnder(input) : [input];
      const folder = flags.format === 'thought-anchors' && !flags.output.endsWith('.json') && flags.output !== '-';
      if (!folder) prepareOutput(flags.output, { inputs });
      else if (inputs.some((f) => canonicalPath(f).startsWith(canonicalPath(flags.output) + sep))) {
        throw new UsageError(`${flags.output}: holds the input traces; export into another folder (an input is never overwritten)`);
      } else prepareOutput(flags.output, { kind: 'folder' });
      // After the input check (that one says more), still before reading.
      if (flags.format === 'inspect' && flags.output !== '-' && !/\.json$/i.test(flags.output)) throw new UsageError(`${flags.output}: an Inspect log is one JSON file; name it *.json (Inspect reads .json and .eval logs)`);
      let loaded;
      try {
        // Review sidecars beside the traces are not traces (a folder walk would take them).
        loaded = await loadInput(input, { kind: 'traces', exclude: [flags.output, ...inputs.filter(isReviewSidecar)] });
      } catch (err) {
        throw new UsageError(`cannot read ${input}: ${isPlainIoError(err) ? plainIoMessage(err) : (err as Error).message}`);
      }
      for (const i of loaded.issues) process.stderr.write(`${issueLine(i.where, i.field, i.message, ' (skipped)')}\n`);
      // Our traces are exported as they are (their probes kept); raw formats are annotated first.
      const traces: Trace[] = loaded.items.map((it) => (it.kind === 'trace' ? (it.trace ?? annotateTrace(it.input)) : annotateTrace({ problem: it.problem, gold: it.gold, source: { kind: 'problem' } })));
      if (flags.output === '-' && flags.format === 'thought-anchors' && traces.length !== 1) throw new UsageError('thought-anchors to stdout ("-") takes exactly one trace; give a folder for several');
      // Human step verdicts and labels (trl, thought-anchors): the sidecars beside the inputs, or those given.
      const reviews = flags.reviews && (flags.format === 'trl' || flags.format === 'thought-anchors') ? await readReviews(inputs.filter((f) => !isReviewSidecar(f)), flags.annotations, flags.reviewer) : undefined;
      const r = isWriterFormat(flags.format)
        ? writeWriterExport(traces, flags.format, flags.output, { thinkInContent: flags.thinkInContent, inputName: input })
        : writeExport(traces, flags.format, flags.output, { threshold: flags.threshold, labels: flags.labels, reviews: reviews?.lookup });
      for (const s of r.skipped) printSafe(`trace ${s.id}: not exported (${s.reason})`);
      // With -o - the data owns stdout: the summary goes to stderr.
      printSafe(
        `${flags.format}: ${r.rows} row(s) from ${traces.length} trace(s) → ${flags.output === '-' ? 'stdout' : r.written.length === 1 ? r.written[0] : `${r.written.length} files under ${flags.output}`}`,
        flags.output === '-' ? process.stderr : process.stdout,
      );
      if (reviews?.sidecars.length) printSafe(`reviews: ${reviews.annotations} annotation(s) from ${reviews.sidecars.join(', ')}`, flags.output === '-' ? process.stderr : process.stdout);
      process.exitCode = loaded.issues.length || r.skipped.length || reviews?.problems.length ? EXIT_BAD_RECORDS : EXIT_OK;
    });
}

async function readReviews(inputs: string[], sidecars: string[] | undefined, who: string | undefined) {
  let reviews;
  try {
    reviews = await loadReviews(inputs, { sidecars, who });
  } catch (err) {
    throw new UsageError(isPlainIoError(err) ? plainIoMessage(err) : (err as Error).message);
  }
  for (const p of reviews.problems) process.stderr.write(`${issueLine(p.where, p.field, p.message, ' (skipped)')}\n`);
  for (const t of reviews.torn) process.stderr.write(`${terminalSafe(t)}: torn line (a writer was killed mid-line; kept in the file, not used)\n`);
  return reviews;
}

function isReviewSidecar(file: string): boolean {
  return file.endsWith(REVIEW_SIDECAR_SUFFIX);
}

function isWriterFormat(f: string): f is WriterFormat {
  return (WRITER_FORMATS as readonly string[]).includes(f);
}
