/**
 * Where each line of a JSONL file is, in bytes, so a reader can keep a line's place instead of
 * its parsed value and read it again when it is needed: the extension host keeps only offsets
 * and small rows of a 175 MB trace output (every parsed trace kept on the host's heap made its
 * garbage collections stall it for hundreds of ms), and parses one trace when it is shown.
 *
 * Lines as src/io/lines.ts splits them: 1-based numbers, a UTF-8 BOM at the start and the CR of
 * a CRLF ending are not part of a line, bytes that are not UTF-8 are read as U+FFFD.
 */
import { createReadStream, closeSync, openSync, readSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { readAt } from './read-at';

/** One line's place: `length` bytes from byte `offset` (without its CR/LF), 1-based `line`. */
export interface LinePlace {
  offset: number;
  length: number;
  line: number;
}

export interface ScannedLine extends LinePlace {
  text: string;
  /** The file ended without a newline after this line. */
  unterminated: boolean;
}

/** What a file was when it was scanned: a later read compares against it to see it changed. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
}

export function fileStamp(path: string): FileStamp {
  const s = statSync(path);
  return { size: s.size, mtimeMs: s.mtimeMs };
}

const decoder = new TextDecoder('utf-8');

/** Every line of the file with its place and text (blank lines included; callers skip them). */
export async function* scanLines(path: string, opts: { signal?: AbortSignal } = {}): AsyncGenerator<ScannedLine> {
  const stream = createReadStream(path, { highWaterMark: 1 << 16 });
  let pieces: Buffer[] = [];
  let lineStart = 0; // byte offset of the line being collected
  let position = 0; // byte offset of the current chunk
  let line = 1;
  let first = true;
  const make = (bytes: Buffer, offset: number, unterminated: boolean): ScannedLine => {
    let length = bytes.length;
    if (length > 0 && bytes[length - 1] === 0x0d) length--;
    return { offset, length, line, text: decoder.decode(bytes.subarray(0, length)), unterminated };
  };
  try {
    for await (const raw of stream as AsyncIterable<Buffer>) {
      if (opts.signal?.aborted) return;
      const chunk = raw;
      let from = 0;
      if (first && chunk.length > 0) {
        first = false;
        if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
          from = 3;
          lineStart = 3;
        }
      }
      for (;;) {
        const nl = chunk.indexOf(0x0a, from);
        if (nl < 0) break;
        const part = chunk.subarray(from, nl);
        const bytes = pieces.length === 0 ? part : Buffer.concat([...pieces, part]);
        pieces = [];
        yield make(bytes, lineStart, false);
        line++;
        lineStart = position + nl + 1;
        from = nl + 1;
      }
      if (from < chunk.length) pieces.push(chunk.subarray(from));
      position += chunk.length;
    }
    if (pieces.length > 0) {
      const bytes = Buffer.concat(pieces);
      if (bytes.length > 0) yield make(bytes, lineStart, true);
    }
  } finally {
    stream.destroy();
  }
}

/**
 * A digest of a line's text: a line read again with the same digest is the line that was
 * checked when the file was indexed, so it need not be validated again (and a changed line is
 * seen even when it still parses).
 */
export function lineDigest(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

/** Thrown when a place no longer holds what was scanned there (the file changed under it). */
export class FileChangedError extends Error {
  constructor(path: string, detail: string) {
    super(`${path} changed since it was read (${detail})`);
    this.name = 'FileChangedError';
  }
}

/** The text at `place` (async, through readAt). Throws FileChangedError when the file is now shorter than that. */
export async function readLineAt(path: string, place: LinePlace): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const bytes = await readAt(handle, place.offset, place.length);
    if (bytes.length < place.length) throw new FileChangedError(path, `line ${place.line} is cut short`);
    return decoder.decode(bytes);
  } finally {
    await handle.close();
  }
}

/**
 * The same, synchronously, for callers whose contract is synchronous (a trace view's `trace()`);
 * it reads one line, the bytes its parse needs anyway.
 */
export function readLineAtSync(path: string, place: LinePlace): string {
  const fd = openSync(path, 'r');
  try {
    const out = Buffer.alloc(place.length);
    let done = 0;
    while (done < out.length) {
      const n = readSync(fd, out, done, out.length - done, place.offset + done);
      if (n === 0) break;
      done += n;
    }
    if (done < place.length) throw new FileChangedError(path, `line ${place.line} is cut short`);
    return decoder.decode(out);
  } finally {
    closeSync(fd);
  }
}

/** Whether the file still has the size and modification time it had when it was scanned. */
export function sameStamp(path: string, stamp: FileStamp): boolean {
  try {
    const now = fileStamp(path);
    return now.size === stamp.size && now.mtimeMs === stamp.mtimeMs;
  } catch {
    return false;
  }
}
