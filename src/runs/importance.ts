/**
 * Counterfactual importance of a trace's episodes through a ModelBackend (Thought Anchors'
 * resampling, docs/importance.md): for each prefix j = 0..n (episodes 0..j-1 kept), sample
 * continuations with the raw prompt, read each one's final answer and its first episode (the
 * model's replacement for episode j), embed removed and replacement episodes for the similarity
 * filter, and estimate every episode's importance (src/core/importance.ts). Sampling is
 * fixed (N per prefix, TA's recipe) or adaptive (rounds until each episode is settled).
 * Every rollout is reported through `onRollout` as it completes, so a caller can log it and
 * resume later by passing the log back as `done`.
 */
import { answerKey, checkEquivalence, extractFinalAnswer } from '../core/answers';
import {
  cosine,
  DEFAULT_ADAPTIVE_PLAN,
  estimateAll,
  methodName,
  prefixesToSample,
  rankEpisodes,
  settlements,
  TA_ROLLOUTS_PER_CHUNK,
  TA_SIMILARITY_THRESHOLD,
  type AdaptivePlan,
  type ImportanceEstimate,
  type ImportanceMeasure,
  type Rollout,
  type Settlement,
} from '../core/importance';
import { segmentThinking } from '../core/segment';
import type { SegmentMode } from '../core/trace';
import type { EmbedTexts } from '../model/embed';
import { endOfThinkingMarker, renderThinkingPrefix } from '../model/templates';
import { ModelError, type ModelBackend, type ModelFamily } from '../model/types';

/** What the runner reads of a trace. */
export interface ImportanceTraceInput {
  id: string;
  problem: string;
  thinking: string;
  gold?: string | null;
  final: { answer: string | null };
  episodes: readonly { start: number; end: number; text: string }[];
  source?: { segmentation?: { mode: SegmentMode } };
}

/** TA's sampling: generate_rollouts.py:34-35 (temperature 0.6, top_p 0.95). */
export const TA_TEMPERATURE = 0.6;
export const TA_TOP_P = 0.95;

export interface RecordedRollout extends Rollout {
  /** Prefix j: episodes 0..j-1 kept. */
  prefix: number;
  /** Sample number within the prefix (its seed is derived from it). */
  sample: number;
  /** The model's first episode (replacement of episode j), cut to 2000 characters. */
  replacement: string;
  cosine: number | null;
}

export interface ImportanceRunOptions {
  backend: ModelBackend;
  model: string;
  /** Embeddings for the similarity filter; null: no filter (resampling measures only). */
  embed: EmbedTexts | null;
  embedModel: string | null;
  measure?: ImportanceMeasure;
  threshold?: number;
  /** Rollouts per prefix (fixed), or the cap per prefix (adaptive). Default TA's 100. */
  samples?: number;
  /** Adaptive allocation (null: fixed `samples` per prefix). */
  adaptive?: Omit<AdaptivePlan, 'maxSamples'> | null;
  temperature?: number;
  topP?: number;
  /** num_predict per continuation. Default 8192. */
  maxTokens?: number;
  concurrency?: number;
  seed?: number;
  signal?: AbortSignal;
  /** Rollouts from an earlier run of the same settings (resume). */
  done?: readonly RecordedRollout[];
  onRollout?: (r: RecordedRollout) => void;
  onRound?: (info: { round: number; prefixes: number[]; spent: number }) => void;
}

export interface EpisodeImportance {
  method: string;
  /** Rollouts resampled from the prefix before the episode. */
  samples: number;
  value: number;
  /** 95% bootstrap interval. */
  interval: [number, number];
  similar: number;
  /** Why sampling stopped for it (adaptive): clearly small, clearly ranked, or the cap. */
  settled: Settlement;
}

export interface ImportanceRunResult {
  method: string;
  measure: ImportanceMeasure;
  episodes: EpisodeImportance[];
  /** Episode indices, most important first. */
  ranking: number[];
  /** Rollouts behind the result (resumed ones included). */
  spent: number;
  /** What TA's recipe spends on the same trace: 100 per episode. */
  taRecipe: number;
  cancelled: boolean;
}

const SEED_STRIDE = 100_003;

/** The prompt text kept for prefix j: the thinking up to episode j's start, verbatim (the whole thinking for j = n). */
export function prefixText(trace: ImportanceTraceInput, j: number): string {
  return j < trace.episodes.length ? trace.thinking.slice(0, trace.episodes[j].start) : trace.thinking;
}

/** Splits a continuation into its thinking part and the answer after the end-of-thinking marker (null when thinking never ended). */
function splitContinuation(thinking: string, content: string, family: ModelFamily): { thinking: string; answer: string | null } {
  const marker = endOfThinkingMarker(family);
  if (thinking !== '') return { thinking, answer: content };
  const at = content.indexOf(marker);
  return at < 0 ? { thinking: content, answer: null } : { thinking: content.slice(0, at), answer: content.slice(at + marker.length) };
}

export async function runImportance(trace: ImportanceTraceInput, opts: ImportanceRunOptions): Promise<ImportanceRunResult> {
  const measure = opts.measure ?? 'counterfactual-kl';
  const threshold = opts.threshold ?? TA_SIMILARITY_THRESHOLD;
  const needsFilter = measure.startsWith('counterfactual');
  if (needsFilter && !opts.embed) throw new ModelError('bad-request', `${measure} needs embeddings for its similarity filter (an embedding model)`);
  const n = trace.episodes.length;
  const cap = opts.samples ?? TA_ROLLOUTS_PER_CHUNK;
  const plan: AdaptivePlan | null = opts.adaptive ? { ...DEFAULT_ADAPTIVE_PLAN, ...opts.adaptive, maxSamples: cap } : null;
  const mode = trace.source?.segmentation?.mode ?? 'auto';
  const method = methodName(measure, mode, opts.embedModel, threshold);
  const info = await opts.backend.show(opts.model, opts.signal);
  const basis = trace.gold ?? trace.final.answer;
  const embedCache = new Map<string, Promise<number[]>>();
  const embedOne = (text: string): Promise<number[]> => {
    let p = embedCache.get(text);
    if (!p) {
      p = (opts.embed as EmbedTexts)([text], opts.signal).then((v) => v[0]);
      embedCache.set(text, p);
      p.catch(() => embedCache.delete(text));
    }
    return p;
  };

  const sets: RecordedRollout[][] = Array.from({ length: n + 1 }, () => []);
  for (const r of [...(opts.done ?? [])].sort((a, b) => a.prefix - b.prefix || a.sample - b.sample)) {
    if (r.prefix >= 0 && r.prefix <= n && r.sample === sets[r.prefix].length) sets[r.prefix].push(r);
  }

  async function rollout(j: number, k: number): Promise<RecordedRollout> {
    const prompt = renderThinkingPrefix(info.family, trace.problem, prefixText(trace, j));
    const handle = opts.backend.generateRawStream({
      model: opts.model,
      prompt,
      options: { temperature: opts.temperature ?? TA_TEMPERATURE, top_p: opts.topP ?? TA_TOP_P, seed: (opts.seed ?? 0) + j * SEED_STRIDE + k, num_predict: opts.maxTokens ?? 8192 },
    });
    const onAbort = (): void => handle.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let thinking = '';
    let content = '';
    try {
      for await (const d of handle.deltas) {
        thinking += d.thinking;
        content += d.content;
      }
      await handle.stats;
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
    const parts = splitContinuation(thinking, content, info.family);
    const extracted = parts.answer === null ? null : extractFinalAnswer(parts.answer);
    const answer = extracted ? answerKey(extracted.answer) : null;
    const correct = extracted && basis ? checkEquivalence(basis, extracted.answer, { problem: trace.problem }).equivalent : null;
    const body = parts.thinking.replace(/^\s+/, '');
    const replacement = body === '' ? '' : (segmentThinking(body, { mode })[0]?.text ?? body);
    let similarity: number | null = null;
    if (needsFilter && j < n && replacement.trim() !== '') {
      const [a, b] = await Promise.all([embedOne(trace.episodes[j].text), embedOne(replacement)]);
      similarity = cosine(a, b);
    }
    return {
      prefix: j,
      sample: k,
      answer: answer === '' ? null : answer,
      correct,
      similar: similarity === null ? null : similarity >= threshold,
      cosine: similarity,
      replacement: replacement.slice(0, 2000),
    };
  }

  let spent = sets.reduce((s, x) => s + x.length, 0);
  let cancelled = false;
  let estimates: ImportanceEstimate[] = estimateAll(measure, sets);
  for (let round = 0; ; round++) {
    const prefixes = plan ? prefixesToSample(measure, sets, estimates, plan) : sets.map((s, j) => (s.length < cap ? j : -1)).filter((j) => j >= 0);
    if (prefixes.length === 0) break;
    if (opts.signal?.aborted) {
      cancelled = true;
      break;
    }
    const tasks: [number, number][] = [];
    for (const j of prefixes) {
      const have = sets[j].length;
      const target = plan ? Math.min(cap, Math.max(plan.minSamples, have + plan.round)) : cap;
      for (let k = have; k < target; k++) tasks.push([j, k]);
    }
    opts.onRound?.({ round, prefixes, spent });
    const results = new Map<string, RecordedRollout>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < tasks.length && !opts.signal?.aborted) {
        const [j, k] = tasks[next++];
        const r = await rollout(j, k);
        results.set(`${j}:${k}`, r);
        opts.onRollout?.(r);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, worker));
    } catch (err) {
      if (!opts.signal?.aborted) throw err;
    }
    // Keep completed rollouts in sample order (a gap left by a cancel is redone on resume).
    for (const [j] of tasks) {
      for (let r = results.get(`${j}:${sets[j].length}`); r; r = results.get(`${j}:${sets[j].length}`)) {
        sets[j].push(r);
        spent++;
      }
    }
    estimates = estimateAll(measure, sets);
    if (opts.signal?.aborted) {
      cancelled = true;
      break;
    }
  }
  const settled = plan ? settlements(measure, sets, estimates, plan) : estimates.map(() => null);
  const episodes = estimates.map((e, i) => ({
    method,
    samples: e.samples,
    value: e.value,
    interval: e.interval,
    similar: e.similar,
    settled: settled[i],
  }));
  return { method, measure, episodes, ranking: rankEpisodes(estimates), spent, taRecipe: TA_ROLLOUTS_PER_CHUNK * n, cancelled };
}
