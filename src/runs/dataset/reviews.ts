/**
 * Human reviews for the exports: the sidecars beside the input trace files
 * (`<file>.annotations.jsonl`, src/io/review-sidecar.ts), or the sidecars given, read into a
 * lookup that resolves a trace's review against its current episodes (latest write wins, ranges
 * that match no episode stay detached and are not used for labels).
 */
import { existsSync } from 'node:fs';
import type { ReviewAnnotation } from '../../core/review/annotation';
import { resolveReview } from '../../core/review/resolve';
import type { Trace } from '../../core/trace';
import { readSidecar, sidecarPathFor } from '../../io/review-sidecar';
import type { ReviewLookup } from './export';

export interface LoadedReviews {
  lookup: ReviewLookup;
  /** Sidecars read (existing ones only). */
  sidecars: string[];
  annotations: number;
  /** Lines that are not annotations, as `file:line: field: message` parts. */
  problems: { where: string; field: string; message: string }[];
  /** Lines cut short by a killed writer (kept in the file, not used). */
  torn: string[];
}

/**
 * `sidecars` given: exactly those (a missing one is an error); else the sidecar of every input
 * trace file that has one. `who` keeps one reviewer's lines only.
 */
export async function loadReviews(inputFiles: readonly string[], opts: { sidecars?: readonly string[]; who?: string } = {}): Promise<LoadedReviews> {
  const files = opts.sidecars ? [...opts.sidecars] : inputFiles.map(sidecarPathFor).filter((f) => existsSync(f));
  if (opts.sidecars) for (const f of files) if (!existsSync(f)) throw new Error(`${f}: no such annotations file`);
  const byTrace = new Map<string, ReviewAnnotation[]>();
  const out: LoadedReviews = { lookup: () => undefined, sidecars: files, annotations: 0, problems: [], torn: [] };
  for (const file of files) {
    const contents = await readSidecar(file);
    for (const p of contents.problems) out.problems.push({ where: `${file}:${p.line}`, field: p.field, message: p.message });
    for (const line of contents.torn) out.torn.push(`${file}:${line}`);
    for (const a of contents.annotations) {
      if (opts.who !== undefined && a.who !== opts.who) continue;
      let list = byTrace.get(a.trace);
      if (!list) byTrace.set(a.trace, (list = []));
      list.push(a);
      out.annotations++;
    }
  }
  out.lookup = (t: Trace) => {
    const list = byTrace.get(t.id);
    return list ? resolveReview(list, t.id, t.episodes) : undefined;
  };
  return out;
}
