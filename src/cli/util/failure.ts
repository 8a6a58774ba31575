/**
 * The CLI's one error path. A usage mistake, a refused path, a held lock or a file-system error
 * is one line, `reasoning-lens: <path>: <plain message>`, exit 2; anything else is a bug: its
 * stack is printed with a request to report it. Input-derived text is made terminal-safe.
 */
import { terminalSafe } from '../../core/terminal-text';
import { FileProblem, isPlainIoError, plainIoMessage } from '../../io/io-errors';
import { LockHeldError } from '../../io/lock';
import { EXIT_USAGE, UsageError } from './exit';
import { stopInProgress, stopOnLostOutput } from './signals';

/** Prints the failure and returns the exit code. */
export function reportFailure(err: unknown): number {
  process.stderr.write(`${failureLines(err)}\n`);
  return EXIT_USAGE;
}

export function failureLines(err: unknown): string {
  if (err instanceof UsageError || err instanceof FileProblem || err instanceof LockHeldError) return prefixed(err.message);
  if (isPlainIoError(err)) {
    const where = err.path ?? (err as { dest?: string }).dest;
    return prefixed(`${where ? `${where}: ` : ''}${plainIoMessage(err)}`);
  }
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return prefixed(`internal error (this is a bug; please report it with the command you ran):\n${detail}`);
}

function prefixed(message: string): string {
  return terminalSafe(message)
    .split('\n')
    .map((line, i) => (i === 0 ? `reasoning-lens: ${line}` : line))
    .join('\n');
}

/** stdout failed: EPIPE (`| head` closed it) ends quietly; anything else (ENOSPC…) is one line, exit 2. */
export function exitOnStdoutError(err: NodeJS.ErrnoException): void {
  // Stopping on a signal (e.g. SIGHUP: the terminal is gone): the save to a file must still happen.
  if (stopInProgress()) return;
  if (err.code !== 'EPIPE') process.stderr.write(`reasoning-lens: stdout: cannot write: ${plainIoMessage(err)}\n`);
  // A run that saves to a file (solve -o, jobs) stops as on a hang-up and saves it: exiting here
  // would lose the trace when the terminal goes before its SIGHUP is handled.
  if (stopOnLostOutput()) return;
  if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  process.exit(EXIT_USAGE);
}
