/**
 * Appending one complete line to a file shared by several writers (review sidecars, rollout
 * logs): one write(2) on an O_APPEND descriptor, then fdatasync. On a local Linux file system a
 * write to a regular file holds the inode lock for its whole length and O_APPEND places it at
 * the end as it runs, so lines of two writers never interleave. A writer killed inside a write
 * can leave the start of its own line (Linux ends a file write at a page boundary on a fatal
 * signal): that fragment is never cut (nothing is lost), and the next append starts with a
 * newline when the file does not end with one, so no later line is glued to it. Readers
 * (src/io/jsonl.ts) report such a fragment as an invalid line. That check cannot be atomic with
 * the write (reads do not wait for another process's write in progress), so when it looks while
 * another writer's line is half in the page cache it adds a newline that was not needed: an
 * empty line, which readers skip. A blank line costs nothing; a glued line would lose a record.
 */
import { closeSync, fdatasyncSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { FileProblem } from './io-errors';

/** Does the file behind `fd` end with a newline (or is it empty)? */
function endsWithNewline(fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

/** Appends `line` (no newline inside) as one whole line. */
export function appendWholeLine(path: string, line: string): void {
  if (line.includes('\n')) throw new Error('appendWholeLine: the text holds a newline');
  let fd: number;
  try {
    // 'a+': O_APPEND for the write, readable for the last-byte check.
    fd = openSync(path, 'a+');
  } catch (err) {
    throw FileProblem.from(path, err, 'cannot write');
  }
  try {
    const lead = endsWithNewline(fd) ? '' : '\n';
    const bytes = Buffer.from(`${lead}${line}\n`, 'utf8');
    const written = writeSync(fd, bytes);
    if (written !== bytes.length) throw new FileProblem(path, `short write (${written} of ${bytes.length} bytes); the line is incomplete`);
    fdatasyncSync(fd);
  } catch (err) {
    throw err instanceof FileProblem ? err : FileProblem.from(path, err, 'cannot write');
  } finally {
    closeSync(fd);
  }
}
