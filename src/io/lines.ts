/**
 * Line splitting over a stream of decoded text chunks, with 1-based line numbers. A line may
 * be far longer than a chunk (a 50 MB trace on one line): pieces are collected and joined
 * once. CRLF endings lose their CR; a UTF-8 BOM at the very start is dropped.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

export interface NumberedLine {
  line: number;
  text: string;
}

export async function* splitLines(chunks: AsyncIterable<string>): AsyncGenerator<NumberedLine> {
  let pieces: string[] = [];
  let line = 1;
  let first = true;
  for await (let chunk of chunks) {
    if (first && chunk.length > 0) {
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      first = false;
    }
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', from);
      if (nl < 0) break;
      pieces.push(chunk.slice(from, nl));
      yield { line, text: dropCR(pieces.length === 1 ? pieces[0] : pieces.join('')) };
      pieces = [];
      line++;
      from = nl + 1;
    }
    if (from < chunk.length) pieces.push(chunk.slice(from));
  }
  if (pieces.length > 0) {
    const text = dropCR(pieces.join(''));
    if (text.length > 0) yield { line, text };
  }
}

function dropCR(s: string): string {
  return s.endsWith('\r') ? s.slice(0, -1) : s;
}

/**
 * Decoded text of a file: chunks as they are read, bytes that are not UTF-8 replaced by U+FFFD
 * (as before), and the 1-based numbers of the lines that held such bytes, known before the
 * chunk that ends the line is yielded, so a line reader can report `file:line: invalid UTF-8`.
 */
export interface DecodedText extends AsyncIterable<string> {
  readonly invalidUtf8Lines: ReadonlySet<number>;
  /** Closes the file early (a reader that wanted only its start). */
  destroy(): void;
}

/** Decoded text chunks of a file, or of stdin for "-". */
export function textChunks(path: string): DecodedText {
  const stream: Readable = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: 1 << 16 });
  return decodeUtf8(stream as Readable & AsyncIterable<Uint8Array>, () => stream.destroy());
}

/**
 * UTF-8 decoding that notices bad bytes per line: the text comes from a lenient decoder, and a
 * fatal one (used only to check) runs over the same bytes line by line; '\n' never occurs
 * inside a multi-byte sequence, so a line is judged on its own bytes.
 */
export function decodeUtf8(bytes: AsyncIterable<Uint8Array | string>, destroy: () => void = () => {}): DecodedText {
  const invalid = new Set<number>();
  async function* chunks(): AsyncGenerator<string> {
    const text = new TextDecoder('utf-8', { ignoreBOM: true });
    let check = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    let line = 1;
    let lineIsBad = false;
    for await (const raw of bytes) {
      if (typeof raw === 'string') {
        yield raw; // already text (a stream with an encoding set): nothing left to check
        continue;
      }
      let from = 0;
      for (;;) {
        const nl = raw.indexOf(0x0a, from);
        const end = nl < 0 ? raw.length : nl + 1;
        if (!lineIsBad) {
          try {
            check.decode(raw.subarray(from, end), { stream: true });
          } catch {
            lineIsBad = true;
            invalid.add(line);
            check = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
          }
        }
        if (nl < 0) break;
        line++;
        lineIsBad = false;
        from = end;
      }
      const decoded = text.decode(raw, { stream: true });
      if (decoded !== '') yield decoded;
    }
    try {
      check.decode();
    } catch {
      if (!lineIsBad) invalid.add(line); // the file ended inside a multi-byte sequence
    }
    const rest = text.decode();
    if (rest !== '') yield rest;
  }
  const iterable = chunks();
  return { [Symbol.asyncIterator]: () => iterable, invalidUtf8Lines: invalid, destroy };
}

/**
 * Reads the first `size` characters (or up to the first newline past them) without losing
 * anything: returns them plus an iterable that replays them followed by the rest.
 */
export async function peekChunks(chunks: AsyncIterable<string>, size = 1 << 16): Promise<{ head: string; all: AsyncIterable<string> }> {
  const iterator = chunks[Symbol.asyncIterator]();
  const buffered: string[] = [];
  let length = 0;
  let done = false;
  while (length < size) {
    const r = await iterator.next();
    if (r.done) {
      done = true;
      break;
    }
    buffered.push(r.value);
    length += r.value.length;
  }
  let head = buffered.join('');
  if (head.charCodeAt(0) === 0xfeff) head = head.slice(1);
  async function* replay(): AsyncGenerator<string> {
    yield* buffered;
    if (done) return;
    for (;;) {
      const r = await iterator.next();
      if (r.done) return;
      yield r.value;
    }
  }
  return { head, all: replay() };
}

export async function readAllText(chunks: AsyncIterable<string>): Promise<string> {
  const parts: string[] = [];
  for await (const c of chunks) parts.push(c);
  const text = parts.join('');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
