/**
 * The `reasoning-lens` command line. Each command registers itself; exit codes: 0 ok,
 * 1 some records bad (reported, the rest done), 2 usage or I/O problem (src/cli/util/exit.ts),
 * 128 + N stopped by signal N (src/cli/util/signals.ts). Every failure reaches the user as one
 * plain line through `reportFailure` (src/cli/util/failure.ts); only a bug prints a stack.
 */
import { Command, CommanderError } from 'commander';
import { registerAnnotateCommand } from './commands/annotate';
import { registerSegmentCommand } from './commands/segment';
import { registerSolveCommand } from './commands/solve';
import { registerGradeCommand } from './commands/grade';
import { registerReportCommand } from './commands/report';
import { registerExportCommand } from './commands/export';
import { registerCompareCommand } from './commands/compare';
import { registerImportanceCommand } from './commands/importance';
import { registerReviewCommand } from './commands/review';
import { EXIT_USAGE } from './util/exit';
import { exitOnStdoutError, reportFailure } from './util/failure';
import { installDefaultStopHandlers } from './util/signals';

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
registerImportanceCommand(program);
registerReviewCommand(program);

// stdout full or closed: one line, never a stack (`| head` stays quiet).
process.stdout.on('error', exitOnStdoutError);
// Nowhere left to report a failing stderr (a closed terminal after SIGHUP): do not crash on it.
process.stderr.on('error', () => {});
// SIGINT/SIGTERM/SIGHUP: solve and jobs stop gracefully (their own watch); the rest exit 128 + N cleanly.
installDefaultStopHandlers();

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) {
    // Help and version arrive here too, with exit code 0.
    process.exit(err.exitCode === 0 ? 0 : EXIT_USAGE);
  }
  process.exit(reportFailure(err));
});
