/**
 * Exports of annotated traces to formats other tools read:
 * - TRL stepwise supervision (JSONL of {prompt, completions, labels}, the columns TRL's
 *   PRMTrainer expects): one step per episode, labels from a reviewer's step verdict where one
 *   was given, else from progress or verdicts; `label_source` says which per step;
 * - Thought Anchors `chunks_labeled.json` (chunk, chunk_idx, function_tags, depends_on, accuracy);
 * - CSV with one row per episode (papaparse).
 * Pure functions return the text; the writer is `writeExport`.
 */
import { join } from 'node:path';
import Papa from 'papaparse';
import { writeFileAtomic } from '../../io/write';
import type { Episode, EpisodeLabel, Trace } from '../../core/trace';
import type { StepVerdict } from '../../core/review/annotation';
import type { TraceReview } from '../../core/review/resolve';
import { mergeStepLabels } from '../../core/review/step-labels';

export type ExportFormat = 'trl' | 'thought-anchors' | 'csv';
export type LabelSource = 'auto' | 'progress' | 'verdict';

export interface TrlOptions {
  /** A step is good when its progress delta exceeds this (default 0: any gain). */
  threshold?: number;
  /** `auto`: progress when every episode of the trace was probed, verdicts otherwise. */
  labels?: LabelSource;
  /** Human reviews (from the sidecar, src/runs/dataset/reviews.ts): a reviewer's step verdict replaces the automatic label. */
  reviews?: ReviewLookup;
  /** The label of a `neutral` human verdict (default true: a neutral step is no mistake). */
  neutralAs?: boolean;
}

/** The resolved review of a trace, if any (re-attached to its current episodes). */
export type ReviewLookup = (t: Trace) => TraceReview | undefined;

/** Per step: a reviewer's verdict (`human`) or the automatic rule (`auto`). */
export type StepLabelOrigin = 'human' | 'auto';

export interface TrlRow {
  prompt: string;
  completions: string[];
  labels: boolean[];
  /** One per step: where its label came from. Extra columns are ignored by TRL's PRMTrainer. */
  label_source: StepLabelOrigin[];
  /** The automatic rule used for steps without a human verdict. */
  auto_rule: 'progress' | 'verdict';
}

/** Why a trace produced no row (reported, not silently dropped). */
export interface SkippedTrace {
  id: string;
  reason: string;
}

function verdictLabel(e: Episode): boolean {
  // An episode is a bad step when it states a wrong answer; steps without an answer are kept as good.
  return e.verdict !== 'incorrect';
}

export function toTrlRow(t: Trace, opts: TrlOptions = {}): TrlRow | SkippedTrace {
  if (t.episodes.length === 0) return { id: t.id, reason: 'no episodes' };
  const threshold = opts.threshold ?? 0;
  const allProbed = t.episodes.every((e) => e.progress);
  const source = opts.labels ?? 'auto';
  if (source === 'progress' && !allProbed) return { id: t.id, reason: 'not every episode has progress (run with --samples K, or use --labels verdict)' };
  const useProgress = source === 'progress' || (source === 'auto' && allProbed);
  const automatic = t.episodes.map((e) => (useProgress ? (e.progress as NonNullable<Episode['progress']>).delta > threshold : verdictLabel(e)));
  const merged = mergeStepLabels(automatic, opts.reviews?.(t), opts.neutralAs ?? true);
  return {
    prompt: t.problem,
    completions: t.episodes.map((e) => e.text),
    labels: merged.labels,
    label_source: merged.sources.map((s) => (s === 'human' ? 'human' : 'auto')),
    auto_rule: useProgress ? 'progress' : 'verdict',
  };
}

export function exportTrl(traces: readonly Trace[], opts: TrlOptions = {}): { text: string; rows: number; skipped: SkippedTrace[] } {
  const lines: string[] = [];
  const skipped: SkippedTrace[] = [];
  for (const t of traces) {
    const r = toTrlRow(t, opts);
    if ('reason' in r) skipped.push(r);
    else lines.push(JSON.stringify(r));
  }
  return { text: lines.length ? lines.join('\n') + '\n' : '', rows: lines.length, skipped };
}

/** Our labels mapped onto the Thought Anchors function-tag taxonomy. */
const FUNCTION_TAGS: Record<EpisodeLabel, string> = {
  planning: 'plan_generation',
  computation: 'active_computation',
  verification: 'self_checking',
  backtracking: 'uncertainty_management',
  alternative: 'plan_generation',
  answer: 'final_answer_emission',
};

export interface ThoughtAnchorsChunk {
  chunk: string;
  chunk_idx: number;
  function_tags: string[];
  depends_on: string[];
  /** Forced-answer accuracy after this chunk (our mu), when probed. */
  accuracy?: number;
  /** Our own fields, kept for round trips. */
  labels: EpisodeLabel[];
  verdict: Episode['verdict'];
  answer?: string;
  tokens: number;
  /** `function_tags` from a reviewer's labels (`human`) or the automatic cue labels (`auto`). */
  function_tags_source: StepLabelOrigin;
  /** What a reviewer set on this chunk (absent when nobody did); automatic values stay in `labels`/`verdict`. */
  human?: HumanChunkReview;
}

export interface HumanChunkReview {
  labels?: EpisodeLabel[];
  step_verdict?: StepVerdict;
  note?: string;
  tags?: string[];
  /** Who made the latest change (of any kind) on this chunk. */
  by: string[];
}

function humanChunkReview(state: NonNullable<ReturnType<TraceReview['episodes']['get']>> | undefined): HumanChunkReview | undefined {
  if (!state) return undefined;
  const out: HumanChunkReview = { by: [...new Set(Object.values(state.by).map((b) => b.who))].sort() };
  if (state.labels) out.labels = state.labels;
  if (state.stepVerdict) out.step_verdict = state.stepVerdict;
  if (state.note) out.note = state.note;
  if (state.tags?.length) out.tags = state.tags;
  return Object.keys(out).length > 1 ? out : undefined;
}

export function toThoughtAnchorsChunks(t: Trace, reviews?: ReviewLookup): ThoughtAnchorsChunk[] {
  const review = reviews?.(t);
  return t.episodes.map((e, i) => {
    const human = humanChunkReview(review?.episodes.get(i));
    const tagged = human?.labels ?? e.labels;
    return {
      chunk: e.text,
      chunk_idx: e.index,
      function_tags: [...new Set(tagged.map((l) => FUNCTION_TAGS[l]))],
      // Dependencies need an LLM judge in Thought Anchors; we do not infer them.
      depends_on: [],
      ...(e.progress ? { accuracy: e.progress.mu } : {}),
      labels: e.labels,
      verdict: e.verdict,
      ...(e.answer !== undefined ? { answer: e.answer } : {}),
      tokens: e.tokens,
      function_tags_source: human?.labels ? 'human' : 'auto',
      ...(human ? { human } : {}),
    };
  });
}

export const CSV_COLUMNS = [
  'trace_id',
  'model',
  'episode',
  'start',
  'end',
  'tokens',
  'opener',
  'labels',
  'answer',
  'verdict',
  'check',
  'mu',
  'delta',
  'samples',
  'basis',
  'final_correct',
  'text',
] as const;

export function exportCsv(traces: readonly Trace[]): string {
  const rows = traces.flatMap((t) =>
    t.episodes.map((e) => [
      t.id,
      t.model ?? '',
      e.index,
      e.start,
      e.end,
      e.tokens,
      e.opener ?? '',
      e.labels.join(';'),
      e.answer ?? '',
      e.verdict,
      e.check ?? '',
      e.progress?.mu ?? '',
      e.progress?.delta ?? '',
      e.progress?.samples ?? '',
      e.progress?.basis ?? '',
      t.final.correct === null || t.final.correct === undefined ? '' : String(t.final.correct),
      e.text,
    ]),
  );
  // escapeFormulae: cells from model text starting with = + - @ must not run as spreadsheet formulas.
  return Papa.unparse({ fields: [...CSV_COLUMNS], data: rows }, { escapeFormulae: true, newline: '\n' }) + '\n';
}

/** Directory-safe name for a trace id. */
export function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_').slice(0, 120) || '_';
}

export interface ExportResult {
  written: string[];
  rows: number;
  skipped: SkippedTrace[];
}

/**
 * Write an export ("-": stdout). TRL and CSV go to one file. Thought Anchors writes `OUT` itself when there is
 * one trace, else one `OUT/<trace id>/chunks_labeled.json` per trace (the layout of their repo).
 */
export function writeExport(traces: readonly Trace[], format: ExportFormat, out: string, opts: TrlOptions = {}): ExportResult {
  if (format === 'trl') {
    const r = exportTrl(traces, opts);
    writeFileAtomic(out, r.text);
    return { written: [out], rows: r.rows, skipped: r.skipped };
  }
  if (format === 'csv') {
    writeFileAtomic(out, exportCsv(traces));
    return { written: [out], rows: traces.reduce((n, t) => n + t.episodes.length, 0), skipped: [] };
  }
  // One trace: OUT is its file (also "-", stdout), never a folder named "-".
  if (traces.length === 1 && (out.endsWith('.json') || out === '-')) {
    writeFileAtomic(out, JSON.stringify(toThoughtAnchorsChunks(traces[0], opts.reviews), null, 2) + '\n');
    return { written: [out], rows: traces[0].episodes.length, skipped: [] };
  }
  const written: string[] = [];
  const used = new Map<string, number>();
  let rows = 0;
  for (const t of traces) {
    let name = safeName(t.id);
    const n = used.get(name) ?? 0;
    used.set(name, n + 1);
    if (n > 0) name = `${name}_${n + 1}`;
    const file = join(out, name, 'chunks_labeled.json');
    writeFileAtomic(file, JSON.stringify(toThoughtAnchorsChunks(t, opts.reviews), null, 2) + '\n');
    written.push(file);
    rows += t.episodes.length;
  }
  return { written, rows, skipped: [] };
}
