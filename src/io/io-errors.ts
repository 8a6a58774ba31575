/**
 * File-system failures as one plain line for a user: `out/run.jsonl: no space left on device`.
 * The CLI prints a FileProblem (or any Node error carrying one of the codes below) as that line
 * and exits 2; only errors without such a code are bugs worth a stack trace.
 */

const PLAIN: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory (a part of the path is a file)',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EEXIST: 'already exists',
  EIO: 'input/output error',
  EPIPE: 'the reading end was closed',
  EBADF: 'not open for writing',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
  EXDEV: 'on another device',
  EBUSY: 'busy',
  ETXTBSY: 'busy',
  EINVAL: 'invalid argument for this file',
  EFBIG: 'file too large',
  ENXIO: 'no such device',
  ENODEV: 'no such device',
};

/** The errno code of a Node error (`ENOSPC`…), if it is one. */
export function ioErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/** A code this module can put in plain words: a user's problem, not a bug. */
export function isPlainIoError(err: unknown): err is NodeJS.ErrnoException {
  const code = ioErrorCode(err);
  return code !== undefined && code in PLAIN;
}

/** `no space left on device` for ENOSPC; the error's own message for anything else. */
export function plainIoMessage(err: unknown): string {
  const code = ioErrorCode(err);
  if (code && PLAIN[code]) return PLAIN[code];
  return err instanceof Error ? err.message : String(err);
}

/** A problem with a path the user gave (or stdout): the message is complete, `path: what`. */
export class FileProblem extends Error {
  constructor(
    readonly path: string,
    detail: string,
    readonly code?: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = 'FileProblem';
  }

  static from(path: string, err: unknown, doing?: string): FileProblem {
    return new FileProblem(path, `${doing ? `${doing}: ` : ''}${plainIoMessage(err)}`, ioErrorCode(err));
  }
}
