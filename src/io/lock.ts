/**
 * An exclusive lock on an output for the life of a job: `<out>.lock` holds the owner's pid,
 * host, start time and command. It is created complete and atomically (written to a temp file,
 * then hard-linked into place, which fails if the lock exists), so a reader never sees half an
 * owner. A lock whose pid is gone on this host is stale and taken over; a lock from another host
 * cannot be checked and is respected (the message says how to remove it). Released on release(),
 * and on process exit (also process.exit after a second Ctrl-C).
 */
import { closeSync, linkSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { ioErrorCode } from './io-errors';

export interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

export class LockHeldError extends Error {
  constructor(
    readonly target: string,
    readonly lockPath: string,
    readonly owner: LockOwner | null,
  ) {
    super(
      owner
        ? `${target} is in use by another job: pid ${owner.pid} on ${owner.host}, started ${owner.startedAt} (${owner.command}). Wait for it to finish; if that process is gone, delete ${lockPath}.`
        : `${target} is locked by ${lockPath}, which cannot be read; if no job is writing ${target}, delete it.`,
    );
    this.name = 'LockHeldError';
  }
}

export interface OutputLock {
  readonly path: string;
  /** A stale lock this one replaced (its owner's process was gone). */
  readonly tookOver: LockOwner | null;
  release(): void;
}

export function lockPathFor(target: string): string {
  return `${target}.lock`;
}

function readOwner(lockPath: string): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(lockPath, 'utf8')) as Partial<LockOwner>;
    if (typeof o.pid !== 'number' || typeof o.host !== 'string') return null;
    return { pid: o.pid, host: o.host, startedAt: String(o.startedAt ?? '?'), command: String(o.command ?? '?') };
  } catch {
    return null;
  }
}

/** Is the process alive? EPERM means it exists but belongs to someone else. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return ioErrorCode(err) === 'EPERM';
  }
}

function isStale(owner: LockOwner): boolean {
  return owner.host === hostname() && owner.pid > 0 && !alive(owner.pid);
}

/** Places `text` at `lockPath` only if nothing is there; false when something is. */
function createExclusive(lockPath: string, text: string): boolean {
  const temp = `${lockPath}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  try {
    linkSync(temp, lockPath);
    return true;
  } catch (err) {
    const code = ioErrorCode(err);
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
  } finally {
    rmSync(temp, { force: true });
  }
  // File systems without hard links: O_EXCL create, then write (a reader may briefly see it empty).
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx');
  } catch (err) {
    if (ioErrorCode(err) === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Takes the lock on `target` or throws LockHeldError naming the holder. */
export function acquireOutputLock(target: string, command: string): OutputLock {
  const lockPath = lockPathFor(target);
  const me: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command };
  const text = `${JSON.stringify(me)}\n`;
  let tookOver: LockOwner | null = null;
  for (let attempt = 0; ; attempt++) {
    if (createExclusive(lockPath, text)) break;
    const owner = readOwner(lockPath);
    if (!owner || !isStale(owner) || attempt > 0) throw new LockHeldError(target, lockPath, owner);
    // Remove it only if it is still that stale owner's (another job may have just taken over).
    const again = readOwner(lockPath);
    if (again && again.pid === owner.pid && again.host === owner.host && again.startedAt === owner.startedAt) rmSync(lockPath, { force: true });
    tookOver = owner;
  }
  const releaseOnExit = () => release();
  let held = true;
  function release(): void {
    if (!held) return;
    held = false;
    process.off('exit', releaseOnExit);
    const owner = readOwner(lockPath);
    if (owner && owner.pid === me.pid && owner.host === me.host && owner.startedAt === me.startedAt) rmSync(lockPath, { force: true });
  }
  process.on('exit', releaseOnExit);
  return { path: lockPath, tookOver, release };
}
