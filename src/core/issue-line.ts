/**
 * The one form of a message about bad input, `where: field: message`
 * (`traces.jsonl:17: episodes[2].end: must be >= start`), shared by the CLI, jobs and the
 * extension's log. Every part may quote input: the line is made terminal-safe.
 */
import { terminalSafeLine } from './terminal-text';

export function issueLine(where: string, field: string | undefined, message: string, suffix = ''): string {
  return terminalSafeLine(`${where}: ${field ?? '(record)'}: ${message}${suffix}`);
}
