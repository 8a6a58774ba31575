/**
 * Output: JSONL streamed record by record (to a file or stdout for "-"), and whole files
 * written atomically (temp file + rename) so a crash never leaves half a file.
 */
import { createWriteStream, mkdirSync, renameSync, writeFileSync, rmSync, type WriteStream } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import type { Writable } from 'node:stream';

export class JsonlWriter {
  private readonly stream: Writable;
  private failure: Error | null = null;
  private count = 0;

  constructor(readonly path: string) {
    if (path === '-') {
      this.stream = process.stdout;
    } else {
      if (dirname(path) !== '.') mkdirSync(dirname(path), { recursive: true });
      this.stream = createWriteStream(path, { encoding: 'utf8' });
    }
    this.stream.on('error', (err) => {
      this.failure = err;
    });
  }

  get written(): number {
    return this.count;
  }

  /** Writes one record as one line; waits when the consumer is slower than us. */
  async write(record: unknown): Promise<void> {
    if (this.failure) throw this.failure;
    this.count++;
    if (!this.stream.write(`${JSON.stringify(record)}\n`)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          this.stream.off('error', onError);
          resolve();
        };
        const onError = (err: Error) => {
          this.stream.off('drain', onDrain);
          reject(err);
        };
        this.stream.once('drain', onDrain);
        this.stream.once('error', onError);
      });
    }
  }

  async close(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.stream === process.stdout) return;
    await new Promise<void>((resolve, reject) => {
      (this.stream as WriteStream).end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
    if (this.failure) throw this.failure;
  }
}

/** Writes `text` to `path` via a temp file in the same directory and a rename. */
export function writeFileAtomic(path: string, text: string): void {
  if (path === '-') {
    process.stdout.write(text);
    return;
  }
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, text, 'utf8');
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}
