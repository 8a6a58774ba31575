/**
 * Crash-safe output for dataset jobs: an append-only JSONL file where each finished record is
 * one complete line (src/io/write.ts, durable mode), plus a sidecar `<out>.job.json` holding
 * the job's configuration hash. SIGKILL loses at most the records still in flight; a torn
 * last line (power loss, full disk) is detected on resume (src/io/jsonl.ts) and set aside,
 * never parsed.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { completeLinesLength, readJsonl } from '../../io/jsonl';
import { JsonlWriter, writeFileAtomic } from '../../io/write';

export interface ExistingOutput {
  /** Ids of records already finished (complete, parseable lines). */
  finishedIds: Set<string>;
  /** Lines that could not be parsed (not counting a torn last line). */
  badLines: { line: number; message: string }[];
  /** Bytes of a torn last line that was moved aside, with where it went. */
  repaired?: { bytes: number; savedTo: string };
}

/** Records fsynced together: a crash loses at most this many finished records' durability. */
const SYNC_EVERY = 8;

/** The job's output, opened for appending finished records. */
export function openOutput(path: string): JsonlWriter {
  return new JsonlWriter(path, { durable: { syncEvery: SYNC_EVERY } });
}

/**
 * Scan an existing output file. A last line without its newline is a torn write: it is cut
 * from the file (after saving it to `<out>.torn-<time>`) so that appends start on a fresh line.
 */
export async function scanOutput(path: string, opts: { repair: boolean } = { repair: true }): Promise<ExistingOutput> {
  const result: ExistingOutput = { finishedIds: new Set(), badLines: [] };
  if (!existsSync(path)) return result;
  let torn = false;
  for await (const r of readJsonl(path)) {
    if (r.unterminated) {
      torn = true;
      continue;
    }
    if (!r.ok) {
      result.badLines.push({ line: r.line, message: r.message });
      continue;
    }
    const id = (r.value as { id?: unknown } | null)?.id;
    if (typeof id === 'string') result.finishedIds.add(id);
    else result.badLines.push({ line: r.line, message: 'no string "id" field' });
  }
  if (torn && opts.repair) result.repaired = cutTornLine(path);
  return result;
}

function cutTornLine(path: string): { bytes: number; savedTo: string } {
  const keep = completeLinesLength(path);
  const fd = openSync(path, 'r+');
  try {
    const tail = Buffer.alloc(fstatSync(fd).size - keep);
    readSync(fd, tail, 0, tail.length, keep);
    // The bytes as they were (a torn write may end inside a UTF-8 character).
    const savedTo = `${path}.torn-${Date.now()}`;
    writeFileSync(savedTo, tail);
    ftruncateSync(fd, keep);
    fsyncSync(fd);
    return { bytes: tail.length, savedTo };
  } finally {
    closeSync(fd);
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
  writeFileAtomic(sidecarPath(outPath), JSON.stringify(sidecar, null, 2) + '\n');
}
