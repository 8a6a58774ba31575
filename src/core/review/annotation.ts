/**
 * Human review records: one JSON object per line of a sidecar `<file>.annotations.jsonl`
 * (docs/review.md). Each line is one change by one reviewer to one target of one trace:
 * a character range of the thinking (an episode as it was segmented when the reviewer saw it)
 * or the trace as a whole. Pure: parsing and checking; the file side is src/io/review-sidecar.ts.
 */
import type { EpisodeLabel } from '../trace';

export const REVIEW_FORMAT_VERSION = 1 as const;
export const REVIEW_SIDECAR_SUFFIX = '.annotations.jsonl';

/** The PRM step label (PRM800K's -1/0/+1 as words). */
export type StepVerdict = 'good' | 'bad' | 'neutral';
export const STEP_VERDICTS: readonly StepVerdict[] = ['good', 'bad', 'neutral'];

/** Labels a reviewer may give: the automatic label set, so the two can be compared class by class. */
export const REVIEW_LABELS: readonly EpisodeLabel[] = ['verification', 'backtracking', 'alternative', 'planning', 'computation', 'answer'];

/**
 * Longest note and tag list a line may carry. Notes are capped so a line stays a few pages at
 * most: appends never interleave (src/io/review-sidecar.ts), and the cap bounds what a crash
 * mid-write can tear to the one line being written.
 */
export const MAX_NOTE_CHARS = 8000;
export const MAX_TAGS = 32;
export const MAX_TAG_CHARS = 64;

export type ReviewTarget = 'trace' | { start: number; end: number };

export type ReviewValue =
  | { kind: 'labels'; value: EpisodeLabel[] }
  | { kind: 'stepVerdict'; value: StepVerdict | null }
  | { kind: 'note'; value: string }
  | { kind: 'tags'; value: string[] }
  | { kind: 'reviewed'; value: boolean };

export type ReviewKind = ReviewValue['kind'];

/** Kinds that apply to an episode range, and to the trace. */
const RANGE_KINDS: ReadonlySet<ReviewKind> = new Set(['labels', 'stepVerdict', 'note', 'tags']);
const TRACE_KINDS: ReadonlySet<ReviewKind> = new Set(['note', 'tags', 'reviewed']);

export type ReviewAnnotation = {
  v: typeof REVIEW_FORMAT_VERSION;
  /** Reviewer: `git config user.name`, else the OS user (src/io/reviewer.ts). */
  who: string;
  /** ISO 8601 time of the change. */
  at: string;
  /** The trace's `id`. */
  trace: string;
  target: ReviewTarget;
  /** The first characters of the range's text when it was reviewed: shown for a detached annotation. */
  quote?: string;
} & ReviewValue;

export const QUOTE_CHARS = 80;

export interface FieldProblem {
  field: string;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: FieldProblem };

const fail = (field: string, message: string): { ok: false; problem: FieldProblem } => ({ ok: false, problem: { field, message } });

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkTarget(target: unknown): Parsed<ReviewTarget> {
  if (target === 'trace') return { ok: true, value: 'trace' };
  if (!isRecord(target)) return fail('target', `must be "trace" or {start, end}, got ${JSON.stringify(target)}`);
  const { start, end } = target;
  if (!Number.isInteger(start) || (start as number) < 0) return fail('target.start', `must be an integer >= 0, got ${JSON.stringify(start)}`);
  if (!Number.isInteger(end) || (end as number) < (start as number)) return fail('target.end', `must be an integer >= start (${String(start)}), got ${JSON.stringify(end)}`);
  return { ok: true, value: { start: start as number, end: end as number } };
}

function checkTags(v: unknown): Parsed<string[]> {
  if (!Array.isArray(v)) return fail('value', 'must be a list of tags');
  if (v.length > MAX_TAGS) return fail('value', `at most ${MAX_TAGS} tags, got ${v.length}`);
  for (const [i, t] of v.entries()) {
    if (typeof t !== 'string' || t.trim() === '' || t.length > MAX_TAG_CHARS) return fail(`value[${i}]`, `must be a non-empty tag of at most ${MAX_TAG_CHARS} characters`);
  }
  return { ok: true, value: v as string[] };
}

function checkValue(kind: unknown, v: unknown): Parsed<ReviewValue> {
  switch (kind) {
    case 'labels': {
      if (!Array.isArray(v)) return fail('value', 'must be a list of labels');
      for (const [i, l] of v.entries()) {
        if (!REVIEW_LABELS.includes(l as EpisodeLabel)) return fail(`value[${i}]`, `must be one of ${REVIEW_LABELS.map((x) => `"${x}"`).join(', ')}, got ${JSON.stringify(l)}`);
      }
      return { ok: true, value: { kind, value: [...new Set(v as EpisodeLabel[])] } };
    }
    case 'stepVerdict':
      if (v !== null && !STEP_VERDICTS.includes(v as StepVerdict)) return fail('value', `must be "good", "bad", "neutral" or null, got ${JSON.stringify(v)}`);
      return { ok: true, value: { kind, value: v as StepVerdict | null } };
    case 'note':
      if (typeof v !== 'string') return fail('value', 'must be a string');
      if (v.length > MAX_NOTE_CHARS) return fail('value', `a note has at most ${MAX_NOTE_CHARS} characters, got ${v.length}`);
      return { ok: true, value: { kind, value: v } };
    case 'tags': {
      const tags = checkTags(v);
      return tags.ok ? { ok: true, value: { kind, value: tags.value } } : tags;
    }
    case 'reviewed':
      if (typeof v !== 'boolean') return fail('value', 'must be true or false');
      return { ok: true, value: { kind, value: v } };
    default:
      return fail('kind', `must be one of "labels", "stepVerdict", "note", "tags", "reviewed", got ${JSON.stringify(kind)}`);
  }
}

/** Checks one parsed JSON value as a review annotation (also before writing one). */
export function checkAnnotation(raw: unknown): Parsed<ReviewAnnotation> {
  if (!isRecord(raw)) return fail('(record)', 'must be a JSON object');
  if (raw.v !== REVIEW_FORMAT_VERSION) return fail('v', `must be ${REVIEW_FORMAT_VERSION}, got ${JSON.stringify(raw.v)}`);
  if (typeof raw.who !== 'string' || raw.who.trim() === '') return fail('who', 'must be a non-empty string');
  if (typeof raw.at !== 'string' || Number.isNaN(Date.parse(raw.at))) return fail('at', `must be an ISO 8601 time, got ${JSON.stringify(raw.at)}`);
  if (typeof raw.trace !== 'string' || raw.trace === '') return fail('trace', 'must be a non-empty trace id');
  const target = checkTarget(raw.target);
  if (!target.ok) return target;
  const value = checkValue(raw.kind, raw.value);
  if (!value.ok) return value;
  const allowed = target.value === 'trace' ? TRACE_KINDS : RANGE_KINDS;
  if (!allowed.has(value.value.kind)) return fail('kind', `"${value.value.kind}" does not apply to ${target.value === 'trace' ? 'the trace' : 'an episode range'}`);
  if (raw.quote !== undefined && typeof raw.quote !== 'string') return fail('quote', 'must be a string');
  const known = new Set(['v', 'who', 'at', 'trace', 'target', 'kind', 'value', 'quote']);
  const extra = Object.keys(raw).find((k) => !known.has(k));
  if (extra !== undefined) return fail(extra, 'is not a field of a review annotation');
  const annotation: ReviewAnnotation = { v: REVIEW_FORMAT_VERSION, who: raw.who, at: raw.at, trace: raw.trace, target: target.value, ...value.value };
  if (typeof raw.quote === 'string') annotation.quote = raw.quote;
  return { ok: true, value: annotation };
}

/** A new annotation for `thinking`'s range (quote taken from the text) or for the trace. */
export function makeAnnotation(
  who: string,
  at: Date,
  traceId: string,
  target: ReviewTarget,
  value: ReviewValue,
  thinking?: string,
): ReviewAnnotation {
  const annotation = { v: REVIEW_FORMAT_VERSION, who, at: at.toISOString(), trace: traceId, target, ...value } as ReviewAnnotation;
  if (target !== 'trace' && thinking !== undefined) annotation.quote = thinking.slice(target.start, Math.min(target.end, target.start + QUOTE_CHARS));
  const checked = checkAnnotation(annotation);
  if (!checked.ok) throw new Error(`${checked.problem.field}: ${checked.problem.message}`);
  return checked.value;
}

export function targetKey(target: ReviewTarget): string {
  return target === 'trace' ? 'trace' : `${target.start}-${target.end}`;
}
