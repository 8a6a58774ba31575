/** `reasoning-lens report TRACES`: the dataset report (summary JSON, Markdown, HTML) beside a trace JSONL. */
import { InvalidArgumentError, type Command } from 'commander';
import { readTraceFile, reportBase, writeReport } from '../../runs/dataset/report';
import { ioErrorCode } from '../../io/io-errors';
import { refuseOutputOntoInput } from '../../io/paths';
import { EXIT_BAD_RECORDS, EXIT_OK, UsageError } from '../util/exit';
import { issueLine, printSafe } from '../util/report';

function budgetList(value: string): number[] {
  const list = value.split(',').map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 1)) throw new InvalidArgumentError('--budgets takes positive integers, e.g. 1024,4096.');
  return list;
}

export function registerReportCommand(program: Command): Command {
  return program
    .command('report')
    .description('write the dataset report (summary JSON, Markdown, HTML) beside a trace JSONL')
    .argument('<traces>', 'annotated traces (JSONL), e.g. OUT.trace.jsonl')
    .option('--budgets <list>', 'thinking-token caps for the accuracy-vs-budget table, comma-separated (default: from the traces)', budgetList)
    .action(async (path: string, flags: { budgets?: number[] }) => {
      const base = reportBase(path);
      // The report files are written beside the input: never onto it (e.g. `x.report.json` given as traces).
      refuseOutputOntoInput(`${base}.json`, [path]);
      refuseOutputOntoInput(`${base}.md`, [path]);
      refuseOutputOntoInput(`${base}.html`, [path]);
      let read;
      try {
        read = await readTraceFile(path);
      } catch (err) {
        throw new UsageError(`cannot read ${path}: ${ioErrorCode(err) === 'EISDIR' ? 'is a directory; give a trace JSONL file' : (err as Error).message}`);
      }
      for (const p of read.problems) process.stderr.write(`${issueLine(`${path}:${p.line}`, p.field ?? '(line)', p.message, ' (skipped)')}\n`);
      const w = writeReport(path, read.traces, { ...(flags.budgets ? { budgets: flags.budgets } : {}) });
      const g = w.report.overall;
      process.stdout.write(`${g.traces} traces, accuracy ${g.accuracy === null ? '–' : `${(100 * g.accuracy).toFixed(1)}%`} (${g.correct}/${g.graded})\n`);
      printSafe(`wrote ${w.json}`, process.stdout);
      printSafe(`wrote ${w.markdown}`, process.stdout);
      printSafe(`wrote ${w.html}`, process.stdout);
      process.exitCode = read.problems.length ? EXIT_BAD_RECORDS : EXIT_OK;
    });
}
