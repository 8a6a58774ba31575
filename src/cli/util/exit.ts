/** Exit codes of every command: 0 all good, 1 some records bad (the rest done), 2 usage error. */
export const EXIT_OK = 0;
export const EXIT_BAD_RECORDS = 1;
export const EXIT_USAGE = 2;

/** A mistake in how the command was called (bad option, missing input file): exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
