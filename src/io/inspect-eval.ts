/**
 * Inspect AI `.eval` logs, read one sample at a time: the zip's central directory first, then
 * `header.json` (or `_journal/start.json` of a log still running) for the task and model, then
 * each `samples/*.json` member inflated, parsed, converted and let go before the next. A bad
 * sample is reported as `file:samples/x.json: field: message` and the others are still read.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { readAt } from './read-at';
import * as zlib from 'node:zlib';
import type { FieldError } from '../core/schema';
import { baseName } from '../formats/detect';
import { convertInspectSample, inspectHeader, type InspectHeader, type InspectSampleResult } from '../formats/inspect';
import { BUILTIN_DECOMPRESSORS, readZipMember, zipMembers, type Decompressor, type RandomAccess, type ZipMember } from '../formats/zip';

export function isInspectEvalFileName(path: string): boolean {
  return /\.eval$/i.test(baseName(path));
}

export type EvalSampleResult = InspectSampleResult & { warnings?: FieldError[] };

/**
 * Inspect writes zstd members by default since April 2026 (inspect_ai #3634, _util/zipfile.py):
 * Node's native decoder (22.15 on) when there is one, else the built-in pure-JavaScript one.
 */
const zstdDecompressSync = (zlib as { zstdDecompressSync?: (data: Uint8Array) => Uint8Array }).zstdDecompressSync;
export const EVAL_DECOMPRESSORS: Readonly<Record<number, Decompressor>> = zstdDecompressSync ? { ...BUILTIN_DECOMPRESSORS, 93: (data) => new Uint8Array(zstdDecompressSync(data)) } : BUILTIN_DECOMPRESSORS;

/** Reads of a file at any offset, through one open handle. */
export function fileAccess(handle: FileHandle, size: number): RandomAccess {
  return {
    size,
    read: (offset, length) => readAt(handle, offset, length),
  };
}

const SAMPLE_MEMBER = /^samples\/[^/]+\.json$/;
const HEADER_MEMBERS = ['header.json', '_journal/start.json'];

export async function* readInspectEval(path: string, decompressors: Readonly<Record<number, Decompressor>> = EVAL_DECOMPRESSORS): AsyncGenerator<EvalSampleResult> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    yield fileError(path, `cannot read: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(err)}`);
    return;
  }
  try {
    const file = fileAccess(handle, (await handle.stat()).size);
    let members: ZipMember[];
    try {
      members = await zipMembers(file);
    } catch (err) {
      yield fileError(path, `not a readable Inspect .eval log (a zip): ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const { header, problems: headerProblems } = await readHeader(file, members, decompressors);
    // Natural order of the names (`samples/2_epoch_1.json` before `samples/10_epoch_1.json`), not the order they were written in.
    const samples = members.filter((m) => SAMPLE_MEMBER.test(m.name)).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
    if (samples.length === 0) {
      yield fileError(path, 'the log has no samples (no samples/*.json member: written with log_samples off, or nothing finished)');
      return;
    }
    let first = true;
    for (const member of samples) {
      const loc = { path, entry: member.name };
      let text: string;
      let warnings: FieldError[] = [];
      try {
        ({ text, warnings } = decode(await readZipMember(file, member, decompressors)));
        // An unreadable header is the log's problem, not a sample's: said once, with the first sample.
        if (first) warnings = [...headerProblems, ...warnings];
        first = false;
      } catch (err) {
        yield { ok: false, loc, errors: [{ field: '(sample)', message: err instanceof Error ? err.message : String(err) }] };
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        yield { ok: false, loc, errors: [...warnings, { field: '(sample)', message: `invalid JSON: ${err instanceof Error ? err.message : String(err)}` }] };
        continue;
      }
      for (const result of convertInspectSample(value, loc, header)) {
        if (warnings.length === 0) yield result;
        else if (result.ok) yield { ...result, warnings };
        else yield { ...result, errors: [...warnings, ...result.errors] };
      }
    }
  } finally {
    await handle.close();
  }
}

/**
 * The log's task and model; a log without a readable header is still read (samples name their
 * model), but a header member that is there and cannot be read is an input problem, reported
 * (a log still running has only `_journal/start.json`: its missing header.json is not one).
 */
async function readHeader(file: RandomAccess, members: ZipMember[], decompressors: Readonly<Record<number, Decompressor>>): Promise<{ header: InspectHeader; problems: FieldError[] }> {
  const problems: FieldError[] = [];
  for (const name of HEADER_MEMBERS) {
    const member = members.find((m) => m.name === name);
    if (!member) continue;
    try {
      const { text, warnings } = decode(await readZipMember(file, member, decompressors));
      const header = inspectHeader(JSON.parse(text));
      return { header, problems: [...problems, ...warnings.map((w) => ({ ...w, field: name }))] };
    } catch (err) {
      problems.push({ field: name, message: `cannot be read (task and model come from the samples): ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  return { header: {}, problems };
}

function decode(bytes: Uint8Array): { text: string; warnings: FieldError[] } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), warnings: [] };
  } catch {
    return { text: new TextDecoder('utf-8').decode(bytes), warnings: [{ field: '(sample)', message: 'invalid UTF-8 (bytes that are not UTF-8 were read as U+FFFD)' }] };
  }
}

function fileError(path: string, message: string): EvalSampleResult {
  return { ok: false, loc: { path }, errors: [{ field: '(file)', message }] };
}
