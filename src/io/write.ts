/**
 * The one output writer. JSONL record by record, either streamed (to stdout for "-", or to
 * a temp file renamed over the file on close, so a failed run never leaves half an output:
 * `segment`, offline `annotate`) or durable (appended with one write(2) per complete
 * line and fsync every few records: dataset jobs. A kill between records leaves whole lines;
 * a SIGKILL during the write of a line longer than a page can leave its start, since Linux
 * ends a file write at a page boundary on a fatal signal: resume cuts that tail, keeps it
 * aside and redoes the record, see runs/dataset/output.ts); and whole files written atomically (temp file + rename). Readers: src/io/jsonl.ts.
 */
import { closeSync, createWriteStream, fsyncSync, openSync, renameSync, writeFileSync, writeSync, rmSync, type WriteStream } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import type { Writable } from 'node:stream';
import { FileProblem } from './io-errors';
import { ensureFolder } from './paths';

/** An I/O failure while writing `path`, as the one-line problem the CLI prints. */
function writeProblem(path: string, err: unknown): Error {
  return err instanceof FileProblem ? err : FileProblem.from(path, err, 'cannot write');
}

export interface JsonlWriterOptions {
  /**
   * Append to the file, each record one write(2) of a complete line, fsynced every
   * `syncEvery` records and on close. Default: a buffered stream that replaces the file.
   */
  durable?: { syncEvery: number };
}

export class JsonlWriter {
  private readonly stream: Writable | null = null;
  /** Stream mode to a file: where the records go until close renames it to `path`. */
  private readonly temp: string | null = null;
  private fd: number | null = null;
  private sinceSync = 0;
  private failure: Error | null = null;
  private count = 0;

  constructor(
    readonly path: string,
    private readonly opts: JsonlWriterOptions = {},
  ) {
    if (path !== '-') ensureFolder(dirname(path), path);
    if (opts.durable) {
      if (path === '-') throw new Error('a durable JSONL output needs a file, not stdout');
      try {
        this.fd = openSync(path, 'a');
      } catch (err) {
        throw writeProblem(path, err);
      }
      return;
    }
    if (path !== '-') {
      this.temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
      process.on('exit', this.removeTempOnExit);
    }
    this.stream = this.temp === null ? process.stdout : createWriteStream(this.temp, { encoding: 'utf8' });
    this.stream.on('error', (err) => {
      this.failure = err;
    });
  }

  get written(): number {
    return this.count;
  }

  /** An exit before close (a signal, process.exit) leaves no half-written temp file behind. */
  private readonly removeTempOnExit = (): void => {
    if (this.temp !== null) rmSync(this.temp, { force: true });
  };

  /** Writes one record as one line; waits when the consumer is slower than us. */
  async write(record: unknown): Promise<void> {
    await this.writeLine(JSON.stringify(record));
  }

  /** Writes one line of text already serialised (e.g. an input line with fields added). */
  async writeLine(text: string): Promise<void> {
    if (this.failure) throw writeProblem(this.path, this.failure);
    const line = `${text}\n`;
    if (this.opts.durable) {
      if (this.fd === null) throw new Error(`output ${this.path} is closed`);
      // One write call per complete line: a kill between records never leaves half a record
      // (a kill inside a multi-page write can; resume repairs that tail).
      try {
        writeSync(this.fd, line);
      } catch (err) {
        throw writeProblem(this.path, err);
      }
      this.count++;
      if (++this.sinceSync >= this.opts.durable.syncEvery) this.sync();
      return;
    }
    const stream = this.stream as Writable;
    this.count++;
    if (!stream.write(line)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          stream.off('error', onError);
          resolve();
        };
        const onError = (err: Error) => {
          stream.off('drain', onDrain);
          reject(writeProblem(this.path, err));
        };
        stream.once('drain', onDrain);
        stream.once('error', onError);
      });
    }
  }

  /** Durable mode: flush what was written to disk now. */
  sync(): void {
    if (this.fd === null || this.sinceSync === 0) return;
    fsyncSync(this.fd);
    this.sinceSync = 0;
  }

  async close(): Promise<void> {
    if (this.opts.durable) {
      if (this.fd === null) return;
      this.sync();
      closeSync(this.fd);
      this.fd = null;
      return;
    }
    if (this.temp === null) {
      if (this.failure) throw this.failure;
      return;
    }
    try {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve, reject) => {
        (this.stream as WriteStream).end((err?: Error | null) => (err ? reject(err) : resolve()));
      });
      if (this.failure) throw this.failure;
      renameSync(this.temp, this.path);
    } catch (err) {
      rmSync(this.temp, { force: true });
      throw writeProblem(this.path, err);
    } finally {
      process.off('exit', this.removeTempOnExit);
    }
  }

  /** Stream mode: drop what was written (the output file stays as it was). */
  async discard(): Promise<void> {
    if (this.temp === null || this.stream === null) return;
    (this.stream as WriteStream).destroy();
    rmSync(this.temp, { force: true });
    process.off('exit', this.removeTempOnExit);
  }
}

/** Writes `text` to `path` via a temp file in the same directory and a rename. */
export function writeFileAtomic(path: string, text: string): void {
  if (path === '-') {
    process.stdout.write(text);
    return;
  }
  const dir = dirname(path);
  ensureFolder(dir, path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, text, 'utf8');
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw writeProblem(path, err);
  }
}

/** A byte stream into `path` that appears there only on commit (temp file + rename); discard leaves `path` as it was. */
export interface AtomicFileStream {
  readonly stream: WriteStream;
  commit(): Promise<void>;
  discard(): void;
}

export function openAtomicFileStream(path: string): AtomicFileStream {
  const dir = dirname(path);
  ensureFolder(dir, path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  const stream = createWriteStream(temp, { encoding: 'utf8' });
  let failure: Error | null = null;
  stream.on('error', (err) => {
    failure = err;
  });
  const removeTemp = (): void => rmSync(temp, { force: true });
  process.on('exit', removeTemp);
  return {
    stream,
    async commit() {
      try {
        await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
        if (failure) throw failure;
        renameSync(temp, path);
      } catch (err) {
        removeTemp();
        throw writeProblem(path, err);
      } finally {
        process.off('exit', removeTemp);
      }
    },
    discard() {
      stream.destroy();
      removeTemp();
      process.off('exit', removeTemp);
    },
  };
}
