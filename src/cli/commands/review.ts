/**
 * `reasoning-lens review agreement A B` and `reasoning-lens review report TRACES`: agreement
 * reports on human reviews kept in sidecars (`<trace file>.annotations.jsonl`, docs/review.md).
 * - agreement: inter-annotator agreement of two sidecars (or of two reviewers of one sidecar,
 *   --who-a/--who-b): Cohen's kappa per label class and on step verdicts;
 * - report: for a trace file and its sidecar, human vs automatic labels per class (precision,
 *   recall, kappa), human step verdicts vs the sign of mu's delta, reviewed count, detached
 *   annotations.
 * Text (or --json) to stdout or -o (atomic, never onto an input). Bad sidecar lines are reported
 * as file:line: field: message (exit 1, the rest is used); lines torn by a crash are named.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { humanVerdictsVsMu, humanVsAutomaticLabels, interAnnotator, type ReviewedEpisode } from '../../core/review/agreement';
import { interAnnotatorText, labelReportText, verdictReportText } from '../../core/review/report-text';
import { rangeStates, resolveReview, reviewedTraces } from '../../core/review/resolve';
import { terminalSafe, terminalSafeLine } from '../../core/terminal-text';
import { prepareOutput } from '../../io/paths';
import { readTracesAnyFormat } from '../../io/read-traces';
import { readSidecar, sidecarPathFor, type SidecarContents } from '../../io/review-sidecar';
import { writeFileAtomic } from '../../io/write';
import { EXIT_BAD_RECORDS, EXIT_OK, UsageError } from '../util/exit';
import { addPipelineOptions, fieldNamesFrom, segmentOptionsFrom, type PipelineFlags } from '../util/options';
import { recordErrorLines } from '../util/report';

interface OutputFlags {
  json?: boolean;
  output: string;
}

/** Reads a sidecar and reports its bad and torn lines; true when some line was bad. */
async function readReported(path: string): Promise<{ contents: SidecarContents; bad: boolean }> {
  const contents = await readSidecar(path);
  for (const p of contents.problems) process.stderr.write(`${terminalSafeLine(`${path}:${p.line}: ${p.field}: ${p.message}`)}\n`);
  for (const line of contents.torn) process.stderr.write(`${terminalSafeLine(`${path}:${line}: (line): incomplete or invalid line (an interrupted write?), left out and kept in the file`)}\n`);
  return { contents, bad: contents.problems.length > 0 || contents.torn.length > 0 };
}

function emit(flags: OutputFlags, text: string): void {
  writeFileAtomic(flags.output, text.endsWith('\n') ? text : `${text}\n`);
  if (flags.output !== '-') process.stderr.write(`wrote ${terminalSafeLine(flags.output)}\n`);
}

async function runAgreement(a: string, b: string, flags: OutputFlags & { whoA?: string; whoB?: string }): Promise<number> {
  for (const p of [a, b]) if (!existsSync(p)) throw new UsageError(`${p}: no such file`);
  prepareOutput(flags.output, { inputs: [a, b] });
  const ra = await readReported(a);
  const rb = await readReported(b);
  const report = interAnnotator(rangeStates(ra.contents.annotations, flags.whoA), rangeStates(rb.contents.annotations, flags.whoB));
  const nameA = terminalSafeLine(flags.whoA ?? basename(a));
  const nameB = terminalSafeLine(flags.whoB ?? basename(b));
  emit(flags, flags.json ? JSON.stringify({ a: { file: a, who: flags.whoA ?? null }, b: { file: b, who: flags.whoB ?? null }, ...report }, null, 1) : interAnnotatorText(report, nameA, nameB));
  return ra.bad || rb.bad ? EXIT_BAD_RECORDS : EXIT_OK;
}

async function runReport(tracesPath: string, flags: OutputFlags & PipelineFlags & { annotations?: string; who?: string }): Promise<number> {
  if (!existsSync(tracesPath)) throw new UsageError(`${tracesPath}: no such file`);
  const sidecar = flags.annotations ?? sidecarPathFor(tracesPath);
  if (!existsSync(sidecar)) throw new UsageError(`${sidecar}: no such file (no reviews yet; --annotations names another sidecar)`);
  prepareOutput(flags.output, { inputs: [tracesPath, sidecar] });
  const read = await readTracesAnyFormat(tracesPath, { segment: segmentOptionsFrom(flags), fields: fieldNamesFrom(flags) });
  for (const e of read.errors) for (const line of recordErrorLines(e.loc, e.errors)) process.stderr.write(`${terminalSafeLine(line)}\n`);
  const { contents, bad } = await readReported(sidecar);
  const episodes: ReviewedEpisode[] = [];
  let detached = 0;
  const known = new Set<string>();
  for (const { trace } of read.traces) {
    known.add(trace.id);
    const review = resolveReview(contents.annotations, trace.id, trace.episodes, flags.who);
    detached += review.detached.length;
    for (const e of trace.episodes) {
      episodes.push({ traceId: trace.id, index: e.index, automaticLabels: e.labels, muDelta: e.progress?.delta, review: review.episodes.get(e.index) });
    }
  }
  const reviewed = [...reviewedTraces(contents.annotations)].filter((id) => known.has(id)).length;
  const unknownTraces = new Set(contents.annotations.map((a) => a.trace).filter((id) => !known.has(id))).size;
  const labels = humanVsAutomaticLabels(episodes);
  const verdicts = humanVerdictsVsMu(episodes);
  const text = flags.json
    ? JSON.stringify({ traces: read.traces.length, reviewed, detached, unknownTraces, labels, verdicts }, null, 1)
    : [
        `${terminalSafe(tracesPath)} with reviews from ${terminalSafe(sidecar)}${flags.who ? ` (reviewer ${terminalSafeLine(flags.who)})` : ''}`,
        `reviewed: ${reviewed} / ${read.traces.length} traces (a trace is reviewed when its latest "reviewed" mark is true)`,
        `detached: ${detached} annotation target(s) whose character range matches no current episode (kept, not counted below)`,
        ...(unknownTraces ? [`${unknownTraces} trace id(s) in the sidecar are not in ${terminalSafe(tracesPath)}`] : []),
        '',
        labelReportText(labels),
        '',
        verdictReportText(verdicts),
      ].join('\n');
  emit(flags, text);
  return bad || read.errors.length ? EXIT_BAD_RECORDS : EXIT_OK;
}

export function registerReviewCommand(program: Command): Command {
  const review = program.command('review').description('agreement reports on human reviews kept in <file>.annotations.jsonl sidecars (docs/review.md)');
  review
    .command('agreement')
    .description("inter-annotator agreement of two sidecars: Cohen's kappa per label class and on step verdicts")
    .argument('<a>', 'first sidecar (.annotations.jsonl)')
    .argument('<b>', 'second sidecar (may be the same file with --who-a/--who-b)')
    .option('--who-a <name>', 'only this reviewer\'s lines of A')
    .option('--who-b <name>', 'only this reviewer\'s lines of B')
    .option('--json', 'print the report as JSON')
    .option('-o, --output <file>', 'write to this file instead of stdout', '-')
    .action(async (a: string, b: string, flags: OutputFlags & { whoA?: string; whoB?: string }) => {
      process.exitCode = await runAgreement(a, b, flags);
    });
  const report = review
    .command('report')
    .description('human vs automatic labels per class, human step verdicts vs the sign of mu\'s delta, reviewed count')
    .argument('<traces>', 'trace file (its sidecar is <traces>.annotations.jsonl unless --annotations)')
    .option('--annotations <file>', 'the sidecar to read')
    .option('--who <name>', 'only this reviewer\'s lines')
    .option('--json', 'print the report as JSON')
    .option('-o, --output <file>', 'write to this file instead of stdout', '-');
  addPipelineOptions(report).action(async (traces: string, flags: OutputFlags & PipelineFlags & { annotations?: string; who?: string }) => {
    process.exitCode = await runReport(traces, flags);
  });
  return review;
}
