/**
 * The `reasoning-lens` command line. Each command registers itself; exit codes: 0 ok,
 * 1 some records bad (reported, the rest done), 2 usage error (src/cli/util/exit.ts).
 */
import { Command, CommanderError } from 'commander';
import { registerAnnotateCommand } from './commands/annotate';
import { registerSegmentCommand } from './commands/segment';
import { registerSolveCommand } from './commands/solve';
import { registerGradeCommand } from './commands/grade';
import { registerReportCommand } from './commands/report';
import { registerExportCommand } from './commands/export';
import { registerCompareCommand } from './commands/compare';
import { EXIT_USAGE, UsageError } from './util/exit';

const program = new Command('reasoning-lens').description('Reasoning Lens command line').version('0.1.0');
// Commander's own usage errors must exit 2, like ours; set before commands so they inherit it.
program.exitOverride();

registerSegmentCommand(program);
registerAnnotateCommand(program);
registerReportCommand(program);
registerExportCommand(program);
registerSolveCommand(program);
registerGradeCommand(program);
registerCompareCommand(program);

// A closed stdout (e.g. `| head`) is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) {
    // Help and version arrive here too, with exit code 0.
    process.exit(err.exitCode === 0 ? 0 : EXIT_USAGE);
  }
  if (err instanceof UsageError) {
    console.error(`reasoning-lens: ${err.message}`);
    process.exit(EXIT_USAGE);
  }
  console.error(`reasoning-lens: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(EXIT_USAGE);
});
