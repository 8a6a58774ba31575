/**
 * A zip reader that never holds more than one member: it reads the central directory (the
 * list at the end of the file), then inflates members one at a time on request. Inspect AI's
 * `.eval` logs are zips (one JSON member per sample), and a log can be many GB.
 * Pure: the caller gives random access to the bytes (src/io opens the file).
 * Layout from PKWARE's APPNOTE.TXT: end of central directory (4.3.16), zip64 end record and
 * locator (4.3.14, 4.3.15), central directory header (4.3.12), local file header (4.3.7),
 * zip64 extra field (4.5.3).
 */
import { inflateSync } from 'fflate';
import { decompress as zstdDecompress } from 'fzstd';

/** Random access to the bytes of a file. */
export interface RandomAccess {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export interface ZipMember {
  name: string;
  /** 0 stored, 8 deflate, 93 zstd (APPNOTE 4.4.5). */
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

/** A member's bytes from its compressed bytes and the size it should have. */
export type Decompressor = (compressed: Uint8Array, size: number) => Uint8Array;

/**
 * Decompressors this build has: stored, deflate (fflate) and zstd (fzstd, pure JavaScript:
 * Inspect writes zstd members by default since April 2026, and Node has no zstd decoder before
 * 22.15). Others may be passed in.
 */
export const BUILTIN_DECOMPRESSORS: Readonly<Record<number, Decompressor>> = {
  0: (data) => data,
  8: (data, size) => inflateSync(data, { out: new Uint8Array(size) }),
  93: (data, size) => zstdDecompress(data, new Uint8Array(size)),
};

export const METHOD_NAMES: Readonly<Record<number, string>> = { 0: 'stored', 8: 'deflate', 9: 'deflate64', 12: 'bzip2', 14: 'lzma', 93: 'zstd', 95: 'xz' };

export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const MAX_COMMENT = 0xffff;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function u64(v: DataView, at: number): number {
  const n = v.getBigUint64(at, true);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError('a zip64 size or offset is too large');
  return Number(n);
}

/** Where the central directory is and how many members it lists. */
async function centralDirectory(file: RandomAccess): Promise<{ offset: number; size: number; count: number }> {
  if (file.size < 22) throw new ZipError('too short to be a zip file');
  const tailLength = Math.min(file.size, 22 + MAX_COMMENT);
  const tailStart = file.size - tailLength;
  const tail = await file.read(tailStart, tailLength);
  const tv = view(tail);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === EOCD) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ZipError('no end of central directory record: not a zip file, or cut off');
  let count = tv.getUint16(at + 10, true);
  let size = tv.getUint32(at + 12, true);
  let offset = tv.getUint32(at + 16, true);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locatorAt = tailStart + at - 20;
    if (locatorAt < 0) throw new ZipError('zip64 locator missing');
    const locator = view(await file.read(locatorAt, 20));
    if (locator.getUint32(0, true) !== ZIP64_LOCATOR) throw new ZipError('zip64 locator missing');
    const recordAt = u64(locator, 8);
    const record = view(await file.read(recordAt, 56));
    if (record.getUint32(0, true) !== ZIP64_EOCD) throw new ZipError('zip64 end of central directory record missing');
    count = u64(record, 32);
    size = u64(record, 40);
    offset = u64(record, 48);
  }
  if (offset + size > file.size) throw new ZipError('the central directory lies past the end of the file (cut off?)');
  return { offset, size, count };
}

/** Every member the central directory lists, in its order. */
export async function zipMembers(file: RandomAccess): Promise<ZipMember[]> {
  const dir = await centralDirectory(file);
  const bytes = await file.read(dir.offset, dir.size);
  const v = view(bytes);
  const names = new TextDecoder('utf-8');
  const members: ZipMember[] = [];
  let p = 0;
  for (let i = 0; i < dir.count; i++) {
    if (p + 46 > bytes.length || v.getUint32(p, true) !== CENTRAL_HEADER) throw new ZipError(`central directory entry ${i + 1} is damaged`);
    const method = v.getUint16(p + 10, true);
    let compressedSize = v.getUint32(p + 20, true);
    let size = v.getUint32(p + 24, true);
    const nameLength = v.getUint16(p + 28, true);
    const extraLength = v.getUint16(p + 30, true);
    const commentLength = v.getUint16(p + 32, true);
    let localHeaderOffset = v.getUint32(p + 42, true);
    const name = names.decode(bytes.subarray(p + 46, p + 46 + nameLength));
    // Zip64 extra field (id 1): the 64-bit values of the fields that read 0xFFFFFFFF, in this order.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = v.getUint16(e, true);
      const length = v.getUint16(e + 2, true);
      if (id === 1) {
        let q = e + 4;
        if (size === 0xffffffff) (size = u64(v, q)), (q += 8);
        if (compressedSize === 0xffffffff) (compressedSize = u64(v, q)), (q += 8);
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = u64(v, q);
      }
      e += 4 + length;
    }
    members.push({ name, method, compressedSize, size, localHeaderOffset });
    p = extraEnd + commentLength;
  }
  return members;
}

/** One member's bytes, decompressed. */
export async function readZipMember(file: RandomAccess, member: ZipMember, decompressors: Readonly<Record<number, Decompressor>> = BUILTIN_DECOMPRESSORS): Promise<Uint8Array> {
  const decompress = decompressors[member.method];
  if (!decompress) {
    const name = METHOD_NAMES[member.method] ?? 'unknown';
    const supported = Object.keys(decompressors).map((m) => METHOD_NAMES[Number(m)] ?? m).join(', ');
    throw new ZipError(`compressed with method ${member.method} (${name}), which cannot be decompressed here (readable: ${supported})`);
  }
  const header = view(await file.read(member.localHeaderOffset, 30));
  if (header.getUint32(0, true) !== LOCAL_HEADER) throw new ZipError('its local header is damaged');
  const dataAt = member.localHeaderOffset + 30 + header.getUint16(26, true) + header.getUint16(28, true);
  if (dataAt + member.compressedSize > file.size) throw new ZipError('its data runs past the end of the file (cut off?)');
  const compressed = await file.read(dataAt, member.compressedSize);
  let out: Uint8Array;
  try {
    out = decompress(compressed, member.size);
  } catch (err) {
    throw new ZipError(`cannot be decompressed: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (out.length !== member.size) throw new ZipError(`decompressed to ${out.length} bytes, the directory says ${member.size}`);
  return out;
}
