/**
 * Crash-safe output for dataset jobs: an append-only JSONL file where each finished record is
 * one complete line written with a single write(2), plus a sidecar `<out>.job.json` holding
 * the job's configuration hash. SIGKILL loses at most the records still in flight; a torn
 * last line (power loss, full disk) is detected on resume and set aside, never parsed.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';

export interface ExistingOutput {
  /** Ids of records already finished (complete, parseable lines). */
  finishedIds: Set<string>;
  /** Lines that could not be parsed (not counting a torn last line). */
  badLines: { line: number; message: string }[];
  /** Bytes of a torn last line that was moved aside, with where it went. */
  repaired?: { bytes: number; savedTo: string };
}

/**
 * Scan an existing output file. A last line without its newline is a torn write: it is cut
 * from the file (after saving it to `<out>.torn-<time>`) so that appends start on a fresh line.
 */
export function scanOutput(path: string, opts: { repair: boolean } = { repair: true }): ExistingOutput {
  const result: ExistingOutput = { finishedIds: new Set(), badLines: [] };
  if (!existsSync(path)) return result;
  const buf = readFileSync(path);
  let end = buf.length;
  if (end > 0 && buf[end - 1] !== 0x0a) {
    const lastNewline = buf.lastIndexOf(0x0a);
    const keep = lastNewline + 1;
    if (opts.repair) {
      const savedTo = `${path}.torn-${Date.now()}`;
      writeFileSync(savedTo, buf.subarray(keep));
      const fd = openSync(path, 'r+');
      try {
        ftruncateSync(fd, keep);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      result.repaired = { bytes: buf.length - keep, savedTo };
    }
    end = keep;
  }
  const text = buf.subarray(0, end).toString('utf8');
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    try {
      const obj = JSON.parse(line) as { id?: unknown };
      if (typeof obj.id !== 'string') throw new Error('no string "id" field');
      result.finishedIds.add(obj.id);
    } catch (err) {
      result.badLines.push({ line: i + 1, message: (err as Error).message });
    }
  }
  return result;
}

/** Appends one JSON line per record; fsyncs every `syncEvery` records and on close. */
export class JsonlAppender {
  private fd: number | null;
  private sinceSync = 0;
  constructor(
    readonly path: string,
    private readonly syncEvery = 8,
  ) {
    this.fd = openSync(path, 'a');
  }
  append(record: unknown): void {
    if (this.fd === null) throw new Error(`output ${this.path} is closed`);
    // One write call per complete line: a kill between records never leaves half a record.
    writeSync(this.fd, JSON.stringify(record) + '\n');
    if (++this.sinceSync >= this.syncEvery) this.sync();
  }
  sync(): void {
    if (this.fd === null || this.sinceSync === 0) return;
    fsyncSync(this.fd);
    this.sinceSync = 0;
  }
  close(): void {
    if (this.fd === null) return;
    this.sync();
    closeSync(this.fd);
    this.fd = null;
  }
}

export interface JobSidecar {
  version: 1;
  configHash: string;
  config: unknown;
  input: string;
  createdAt: string;
  updatedAt: string;
  status: 'running' | 'done' | 'stopped';
  counts?: Record<string, number>;
  message?: string;
}

export function sidecarPath(outPath: string): string {
  return `${outPath}.job.json`;
}

export function readSidecar(outPath: string): JobSidecar | null {
  const p = sidecarPath(outPath);
  if (!existsSync(p)) return null;
  try {
    const obj = JSON.parse(readFileSync(p, 'utf8')) as JobSidecar;
    if (typeof obj.configHash !== 'string') throw new Error('missing configHash');
    return obj;
  } catch (err) {
    throw new Error(`${p}: unreadable job sidecar (${(err as Error).message}); delete it or pass --force to start over`);
  }
}

/** Written via rename so a crash never leaves a half-written sidecar. */
export function writeSidecar(outPath: string, sidecar: JobSidecar): void {
  const p = sidecarPath(outPath);
  const tmp = `${p}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(sidecar, null, 2) + '\n');
  renameSync(tmp, p);
}
