/**
 * Random access into an open file: `length` bytes from `offset`, fewer only at the end of the
 * file (a read may return less than asked, so it loops). Shared by the readers that seek:
 * Inspect `.eval` zips (one member at a time) and Parquet (one row group at a time).
 */
import type { FileHandle } from 'node:fs/promises';

export async function readAt(handle: FileHandle, offset: number, length: number): Promise<Uint8Array<ArrayBuffer>> {
  const out = new Uint8Array(Math.max(0, length));
  let done = 0;
  while (done < out.length) {
    const { bytesRead } = await handle.read(out, done, out.length - done, offset + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === out.length ? out : out.subarray(0, done);
}
