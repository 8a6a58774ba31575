/**
 * The one streaming JSONL reader: one JSON value per line, 1-based line numbers, blank lines
 * skipped, BOM and CRLF tolerated (src/io/lines.ts). A last line without its newline is torn
 * when it does not parse (an interrupted append) and flagged `unterminated` either way, so a
 * resumed appender can cut it. Writing is src/io/write.ts.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { splitLines, textChunks } from './lines';

/**
 * `unterminated`: the last line had no newline. Readers may take it when it parses (a file
 * written by hand); an appender treats it as torn and cuts it (src/runs/dataset/output.ts).
 * `torn`: such a line that does not parse, i.e. an interrupted write.
 */
export type JsonlLine =
  | { ok: true; line: number; value: unknown; unterminated: boolean }
  | { ok: false; line: number; message: string; unterminated: boolean; torn: boolean };

/** Lines of a JSONL file ("-" for stdin) or of decoded text chunks. */
export async function* readJsonl(source: string | AsyncIterable<string>): AsyncGenerator<JsonlLine> {
  const chunks = typeof source === 'string' ? textChunks(source) : source;
  let ended = false;
  let last = '';
  async function* watched(): AsyncGenerator<string> {
    for await (const chunk of chunks) {
      if (chunk.length) last = chunk;
      yield chunk;
    }
    ended = true;
  }
  for await (const { line, text } of splitLines(watched())) {
    // Lines come out of splitLines after the source ended only when the text had no final newline.
    const unterminated = ended && !last.endsWith('\n');
    if (text.trim() === '') continue;
    try {
      yield { ok: true, line, value: JSON.parse(text), unterminated };
    } catch (err) {
      const message = unterminated ? `incomplete last line (interrupted write?): ${shortMessage(err)}` : `invalid JSON: ${shortMessage(err)}`;
      yield { ok: false, line, message, unterminated, torn: unterminated };
    }
  }
}

function shortMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.length > 160 ? `${message.slice(0, 157)}...` : message;
}

/**
 * Byte offset where a file's unterminated last line starts (its size when it ends with a
 * newline or is empty): what to keep when a torn line is cut. Reads backwards from the end.
 */
export function completeLinesLength(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return 0;
    const block = Buffer.alloc(1 << 16);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - block.length);
      const n = readSync(fd, block, 0, end - start, start);
      if (end === size && block[n - 1] === 0x0a) return size;
      const nl = block.subarray(0, n).lastIndexOf(0x0a);
      if (nl >= 0) return start + nl + 1;
      end = start;
    }
    return 0;
  } finally {
    closeSync(fd);
  }
}
