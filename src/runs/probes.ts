/**
 * MRT progress probes: force the model to stop thinking after a prefix and answer; the share of
 * forced answers equivalent to the reference (gold, or the trace's own final answer) is mu.
 * Probes run in the background through one limiter shared by the whole run, so they never hold
 * up the main stream and never flood a local server.
 */
import type { EpisodeProgress, ProgressBasis } from '../core/trace';
import type { ModelBackend, ModelFamily } from '../model/types';
import { FORCED_ANSWER_NUM_PREDICT, readBoxedCompletion, renderForcedAnswerPrompt } from '../model/templates';
import {
  NO_ANSWER_KEY,
  modalKey,
  nextBatchSize,
  progressFromSamples,
  samplingStop,
  type SamplingRule,
  type SamplingStopReason,
} from '../core/progress';
import type { ProbeSettings } from './contract';

export const DEFAULT_PROBE_SETTINGS: ProbeSettings = {
  samples: 8,
  concurrency: 2,
  adaptive: true,
  ciHalfWidth: 0.15,
  answerTokens: FORCED_ANSWER_NUM_PREDICT,
  temperature: 0.6,
};

/** Agreement needed before adaptive sampling trusts a unanimous prefix. */
export const UNANIMOUS_AFTER = 3;

/** Fills defaults and rejects nonsense with the field's name. */
export function resolveProbeSettings(p: Partial<ProbeSettings> | false | undefined): ProbeSettings | null {
  if (p === false || p === undefined) return null;
  const s: ProbeSettings = { ...DEFAULT_PROBE_SETTINGS, ...stripUndefined(p) };
  for (const field of ['samples', 'concurrency', 'answerTokens'] as const) {
    if (!Number.isInteger(s[field]) || s[field] < 1) throw new RangeError(`progress.${field}: expected a positive integer, got ${JSON.stringify(s[field])}`);
  }
  if (!(s.ciHalfWidth > 0 && s.ciHalfWidth <= 0.5)) throw new RangeError(`progress.ciHalfWidth: expected a number in (0, 0.5], got ${s.ciHalfWidth}`);
  if (s.temperature !== undefined && !(s.temperature >= 0)) throw new RangeError(`progress.temperature: expected >= 0, got ${s.temperature}`);
  return s;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function samplingRule(s: ProbeSettings): SamplingRule {
  return { maxSamples: s.samples, adaptive: s.adaptive, ciHalfWidth: s.ciHalfWidth, unanimousAfter: Math.min(UNANIMOUS_AFTER, s.samples) };
}

/** A counting semaphore: at most `limit` tasks at once, started in arrival order. */
export class ConcurrencyLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

export interface ProbeSample {
  /** The boxed answer read from the completion, or null if the braces never closed. */
  answer: string | null;
  /** Histogram key (normalised answer, or NO_ANSWER_KEY). */
  key: string;
  /** Raw completion text (kept for hedging checks). */
  text: string;
  evalCount: number;
}

export interface PrefixEstimate {
  /** -1 for the empty-thinking prefix, else the episode index the prefix ends with. */
  index: number;
  prefixTokens: number;
  samples: ProbeSample[];
  stopReason: SamplingStopReason | 'error';
  error?: string;
}

export interface ProberOptions {
  model: string;
  family: ModelFamily;
  /** The user message exactly as the chat got it (problem + instruction). */
  prompt: string;
  settings: ProbeSettings;
  limiter: ConcurrencyLimiter;
  signal: AbortSignal;
  /** Seeds vary per request so samples at temperature > 0 differ. */
  seedBase: number;
  keyOf: (answer: string) => string;
}

export interface ProbeCounters {
  requests: number;
  evalTokens: number;
  failures: number;
}

/** Issues forced-answer probes for thinking prefixes and collects the samples. */
export class ForcedAnswerProber {
  readonly counters: ProbeCounters = { requests: 0, evalTokens: 0, failures: 0 };
  /** Problems the probe requests survived (lines from the server that were not JSON), for the trace. */
  readonly warnings: string[] = [];
  private seq = 0;

  constructor(
    private readonly backend: ModelBackend,
    private readonly o: ProberOptions,
  ) {}

  /**
   * Samples one prefix until the adaptive rule (or k) says stop. `judge` tells whether an answer
   * counts as correct, or null when the reference is not known yet (self basis, final pending).
   */
  async estimate(
    index: number,
    thinkingPrefix: string,
    prefixTokens: number,
    judge: (answer: string | null) => boolean | null,
  ): Promise<PrefixEstimate> {
    const rule = samplingRule(this.o.settings);
    const samples: ProbeSample[] = [];
    for (;;) {
      const size = nextBatchSize(samples.length, rule, this.o.settings.concurrency);
      if (size === 0) return { index, prefixTokens, samples, stopReason: 'max' };
      const batch = await Promise.allSettled(Array.from({ length: size }, () => this.o.limiter.run(() => this.sample(thinkingPrefix))));
      for (const r of batch) if (r.status === 'fulfilled') samples.push(r.value);
      const failed = batch.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) {
        if (this.o.signal.aborted) throw failed.reason;
        this.counters.failures++;
        const msg = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
        return { index, prefixTokens, samples, stopReason: 'error', error: msg };
      }
      const verdicts = samples.map((s) => judge(s.answer));
      const successes = verdicts.some((v) => v === null) ? null : verdicts.filter(Boolean).length;
      const stop = samplingStop(samples.map((s) => s.key), successes, rule);
      if (stop) return { index, prefixTokens, samples, stopReason: stop };
    }
  }

  private async sample(thinkingPrefix: string): Promise<ProbeSample> {
    if (this.o.signal.aborted) throw abortError();
    const s = this.o.settings;
    const template = {
      ...(s.forcedStopText !== undefined ? { forcedStopText: s.forcedStopText } : {}),
      ...(s.answerPrefix !== undefined ? { answerPrefix: s.answerPrefix } : {}),
    };
    const prompt = renderForcedAnswerPrompt(this.o.family, this.o.prompt, thinkingPrefix, template);
    this.counters.requests++;
    const seed = this.o.seedBase + this.seq++;
    const res = await this.backend.generateRaw(
      { model: this.o.model, prompt, options: { temperature: s.temperature, num_predict: s.answerTokens, seed } },
      this.o.signal,
    );
    this.counters.evalTokens += res.evalCount;
    if (res.warnings) this.warnings.push(...res.warnings);
    const answer = readBoxedCompletion(res.text);
    return { answer, key: answer === null ? NO_ANSWER_KEY : safeKey(this.o.keyOf, answer), text: res.text, evalCount: res.evalCount };
  }
}

function safeKey(keyOf: (a: string) => string, answer: string): string {
  try {
    return keyOf(answer) || answer.trim();
  } catch {
    return answer.trim();
  }
}

function abortError(): Error {
  const e = new Error('probe cancelled');
  e.name = 'AbortError';
  return e;
}

/**
 * Holds the estimates of every prefix and turns them into EpisodeProgress against the current
 * reference: gold when known; otherwise the trace's final answer (basis 'self'), and until that
 * arrives, provisionally the latest intermediate answer seen in the thinking.
 */
export class ProgressBook {
  private readonly estimates = new Map<number, PrefixEstimate>();
  private reference: string | null;
  readonly basis: ProgressBasis;

  constructor(
    gold: string | null,
    private readonly same: (reference: string, answer: string) => boolean,
  ) {
    this.basis = gold ? 'gold' : 'self';
    this.reference = gold || null;
  }

  /** Whether the reference is final (gold, or the trace's final answer has been set). */
  private settled = false;

  get referenceAnswer(): string | null {
    return this.reference;
  }

  get isSettled(): boolean {
    return this.basis === 'gold' || this.settled;
  }

  /** Self basis: update the provisional reference (latest answer in the thinking). */
  setProvisionalReference(answer: string): boolean {
    if (this.isSettled || answer === this.reference) return false;
    this.reference = answer;
    return true;
  }

  /** Self basis: the trace's final answer is known (null: none, every probe counts as wrong). */
  settleReference(finalAnswer: string | null): void {
    if (this.basis === 'gold') return;
    this.reference = finalAnswer;
    this.settled = true;
  }

  judge(answer: string | null): boolean | null {
    if (this.reference === null) return this.isSettled ? false : null;
    if (answer === null) return false;
    return this.same(this.reference, answer);
  }

  add(estimate: PrefixEstimate): void {
    this.estimates.set(estimate.index, estimate);
  }

  has(index: number): boolean {
    return this.estimates.has(index);
  }

  estimateOf(index: number): PrefixEstimate | undefined {
    return this.estimates.get(index);
  }

  muOf(index: number): number | null {
    const e = this.estimates.get(index);
    if (!e || e.samples.length === 0) return null;
    const verdicts = e.samples.map((s) => this.judge(s.answer));
    if (verdicts.some((v) => v === null)) return null;
    return verdicts.filter(Boolean).length / verdicts.length;
  }

  /** Progress of episode `index`, once its prefix and the one before are both estimated. */
  progressOf(index: number): EpisodeProgress | null {
    const e = this.estimates.get(index);
    const prev = this.muOf(index - 1);
    if (!e || e.samples.length === 0 || prev === null) return null;
    const verdicts = e.samples.map((s) => this.judge(s.answer));
    if (verdicts.some((v) => v === null)) return null;
    return progressFromSamples(
      e.samples.map((s) => s.key),
      verdicts as boolean[],
      this.basis,
      prev,
    );
  }

  /** Episode indices (>= 0) that have an estimate, ascending. */
  episodeIndices(): number[] {
    return [...this.estimates.keys()].filter((i) => i >= 0).sort((a, b) => a - b);
  }

  /** The modal answer of a prefix and a completion behind it (for early stop). */
  representative(index: number): { key: string | null; text: string } | null {
    const e = this.estimates.get(index);
    if (!e || e.samples.length === 0) return null;
    const key = modalKey(e.samples.map((s) => s.key));
    const sample = e.samples.find((s) => s.key === key);
    return { key: key === NO_ANSWER_KEY ? null : key, text: sample?.text ?? '' };
  }
}
