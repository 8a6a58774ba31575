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

/** Decoded text chunks of a file, or of stdin for "-". */
export function textChunks(path: string): AsyncIterable<string> {
  if (path === '-') {
    process.stdin.setEncoding('utf8');
    return process.stdin as Readable & AsyncIterable<string>;
  }
  return createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 }) as Readable & AsyncIterable<string>;
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
