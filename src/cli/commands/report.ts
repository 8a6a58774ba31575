/** `reasoning-lens report TRACES`: the dataset report (summary JSON, Markdown, HTML) beside a trace JSONL. */
import { InvalidArgumentError, type Command } from 'commander';
import { readTraceFile, writeReport } from '../../runs/dataset/report';
import { EXIT_BAD_RECORDS, EXIT_OK, UsageError } from '../util/exit';

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
      let read;
      try {
        read = await readTraceFile(path);
      } catch (err) {
        throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
      }
      for (const p of read.problems) console.error(`${path}:${p.line}: (line): ${p.message} (skipped)`);
      const w = writeReport(path, read.traces, { ...(flags.budgets ? { budgets: flags.budgets } : {}) });
      const g = w.report.overall;
      console.log(`${g.traces} traces, accuracy ${g.accuracy === null ? '–' : `${(100 * g.accuracy).toFixed(1)}%`} (${g.correct}/${g.graded})`);
      console.log(`wrote ${w.json}\nwrote ${w.markdown}\nwrote ${w.html}`);
      process.exitCode = read.problems.length ? EXIT_BAD_RECORDS : EXIT_OK;
    });
}
