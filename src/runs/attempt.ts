/**
 * One complete attempt at a problem: stream the model's thinking and answer, segment and
 * annotate it live, apply the budget (cap, "Wait" extensions, max episodes, early stop) and run
 * progress probes in the background. A solve is one attempt, or several when voting.
 * Everything received is kept: on cancel or error the attempt still returns what it has.
 */
import { TraceAnnotator } from '../core/annotate';
import { estimateTokens } from '../core/tokens';
import {
  BudgetController,
  DYNASOR_PROBE_OPTIONS,
  DYNASOR_PROBE_TEXT,
  dynasorExitResponse,
  type BudgetAction,
  type DynasorProbe,
  type ProbeSummary,
  type ResolvedPolicy,
} from '../core/budget';
import type { BudgetDecision, Episode, EpisodeProgress, StopReason } from '../core/trace';
import { ModelError, type ModelBackend, type ModelFamily, type SamplingOptions, type StreamDelta, type StreamHandle, type StreamStats } from '../model/types';
import { defaultForcedAnswer, readBoxedCompletion, renderForcedAnswerPrompt, renderThinkingPrefix, type ForcedAnswerTemplate } from '../model/templates';
import { TIMEOUT_HINT } from '../model/errors';
import { startTimeoutFor } from '../model/limits';
import type { ProbeSettings, RunEvent, SolveOptions } from './contract';
import { ConcurrencyLimiter, ForcedAnswerProber, ProgressBook, buildProbeTurn, liveSubject, type PrefixEstimate, type ProbeCounters } from './probes';
import { probeAnswerKey, probeJudge } from '../core/probe-judge';
import type { ProbeTurn } from '../core/probe-recipes';

/** Tokens allowed for the answer after a forced end of thinking (it starts inside \boxed{). */
export const FORCED_RESPONSE_TOKENS = 256;

/**
 * The text that forces the answer when a budget ends the thinking:
 * - `boxed` (default): the family's stop sentence (MRT's "Time is up…", Qwen3's own for qwen3),
 *   the end of thinking, then `**Final Answer**\n\n\boxed{` (Dynasor-style answer opener);
 * - `s1`: s1's budget forcing, the end of thinking then "Final Answer:" (simplescaling/s1
 *   vllm_causallms.py: `<|im_start|>answer\nFinal Answer:`; our end of thinking is the family's).
 */
export type ForcingText = 'boxed' | 's1';
export const FORCING_TEXTS: readonly ForcingText[] = ['boxed', 's1'];
/** s1's answer opener after a capped thinking. */
export const S1_ANSWER_PREFIX = 'Final Answer:';

/** The forced-answer template for a forcing text (overrides apply to `boxed` only). */
export function forcingTemplate(family: ModelFamily, forcing: ForcingText, overrides: Partial<ForcedAnswerTemplate> = {}): ForcedAnswerTemplate {
  if (forcing === 's1') return { forcedStopText: '', answerPrefix: S1_ANSWER_PREFIX };
  return { ...defaultForcedAnswer(family), ...overrides };
}

export interface AttemptConfig {
  backend: ModelBackend;
  model: string;
  family: ModelFamily;
  /** The user message (problem + instruction). */
  prompt: string;
  /** The problem alone, as the trace stores it: the extractor reads the question from it, so a
   * saved trace re-annotated offline reads the same answers as the live run did. */
  problem: string;
  gold: string | null;
  sampling: SamplingOptions;
  /** The budget, including the think level sent with every request. */
  policy: ResolvedPolicy;
  /** Progress probes written into the episodes; null for none. */
  progress: ProbeSettings | null;
  /** Probes for early stop only (used when progress is off). */
  earlyStopProbes: ProbeSettings | null;
  segment?: SolveOptions['segment'];
  limiter: ConcurrencyLimiter;
  /** Run-level cancellation. */
  signal: AbortSignal;
  seed: number;
  idleTimeoutMs?: number;
  same: (reference: string, answer: string) => boolean;
  keyOf: (answer: string) => string;
  /** Events for front ends; silent attempts (extra votes) pass a no-op. */
  emit: (e: RunEvent) => void;
  /** Forced-answer template overrides (from ProbeSettings). */
  forcedStopText?: string;
  answerPrefix?: string;
  /** Which text forces the answer after a budget stop (default `boxed`). */
  forcing?: ForcingText;
}

export interface AttemptStats {
  durationMs: number;
  promptTokens?: number;
  evalTokens: number;
  evalDurationMs: number;
  wallMs: number;
}

export interface AttemptResult {
  thinking: string;
  response: string;
  episodes: Episode[];
  truncated: boolean;
  stop: StopReason;
  decisions: BudgetDecision[];
  error?: { message: string; kind: string };
  stats: AttemptStats;
  probes: ProbeCounters;
  book: ProgressBook | null;
  /** Whether a budget decision forced the end of thinking. */
  forced: boolean;
  /** Problems survived (lines from the server that were not JSON), each naming the host. */
  warnings: string[];
}

type StreamOutcome =
  | { kind: 'ended'; stats: StreamStats }
  | { kind: 'thinking-ended' }
  | { kind: 'budget'; action: Extract<BudgetAction, { kind: 'force-answer' }> }
  | { kind: 'cancelled' }
  | { kind: 'error'; error: ModelError };

const sleepTick = (): Promise<void> => new Promise((r) => setImmediate(r));

export class Attempt {
  private readonly annotator: TraceAnnotator;
  private readonly budget: BudgetController;
  private readonly closed: Episode[] = [];
  private readonly progressByEpisode = new Map<number, EpisodeProgress>();
  private response = '';
  private phase: 'thinking' | 'answering' = 'thinking';
  /**
   * The growing episode, tracked cheaply: annotating it costs O(its length), so it is annotated
   * once when it opens and afterwards only its token count is advanced chunk by chunk (the
   * closed episode then gets its exact annotation from the annotator).
   */
  private open: { index: number; start: number; text: string; tokens: number } | null = null;
  private handle: StreamHandle | null = null;
  /** One iterator per handle: a stream is read across several consume() calls (thinking, then answer). */
  private iterator: AsyncIterator<StreamDelta> | null = null;
  /** Set by a background probe that decided to stop thinking; the stream loop acts on it. */
  private pendingStop: Extract<BudgetAction, { kind: 'force-answer' }> | null = null;
  private timedOut = false;
  /** Whether the current handle sent its first delta (before it, the wait includes loading the model). */
  private handleStarted = false;
  private timedOutAfterMs = 0;
  private readonly stats: AttemptStats = { durationMs: 0, evalTokens: 0, evalDurationMs: 0, wallMs: 0 };
  private readonly book: ProgressBook | null;
  private readonly stopBook: ProgressBook | null;
  private readonly prober: ForcedAnswerProber | null;
  private readonly stopProber: ForcedAnswerProber | null;
  private readonly pendingProbes = new Set<Promise<void>>();
  private readonly startedAt = Date.now();

  constructor(private readonly c: AttemptConfig) {
    this.annotator = new TraceAnnotator({ gold: c.gold ?? null, problem: c.problem, segment: c.segment });
    this.budget = new BudgetController(c.policy, c.same);
    const proberFor = (settings: ProbeSettings, seedOffset: number): ForcedAnswerProber =>
      new ForcedAnswerProber(c.backend, {
        model: c.model,
        family: c.family,
        prompt: c.prompt,
        settings: { ...settings, forcedStopText: settings.forcedStopText ?? c.forcedStopText, answerPrefix: settings.answerPrefix ?? c.answerPrefix },
        limiter: c.limiter,
        signal: c.signal,
        seedBase: c.seed * 7919 + seedOffset,
        // Progress probes group answers as their recipe's judge does (probe-judge.ts).
        keyOf: settings.recipe ? probeAnswerKey(settings.recipe) : c.keyOf,
      });
    this.book = c.progress ? new ProgressBook(c.gold, probeJudge(c.progress.recipe)) : null;
    this.prober = c.progress ? proberFor(c.progress, 100_000) : null;
    const needStopProbes = c.policy.earlyStop?.mode === 'episode' && !c.progress && c.earlyStopProbes !== null;
    if (c.policy.earlyStop?.mode === 'dynasor') this.nextDynasorAt = c.policy.earlyStop.everyTokens;
    this.stopBook = needStopProbes ? new ProgressBook(c.gold, c.same) : null;
    this.stopProber = needStopProbes && c.earlyStopProbes ? proberFor(c.earlyStopProbes, 200_000) : null;
  }

  get decisions(): BudgetDecision[] {
    return this.budget.decisions;
  }

  /** Records a decision taken by the run (think level, votes) in this attempt's list. */
  record(decision: BudgetDecision): void {
    this.budget.record(decision);
    this.c.emit({ type: 'budget-decision', decision });
  }

  /** Aborts the live request (the run's signal also stops probes). */
  abortStream(): void {
    this.handle?.abort();
  }

  /** Sum of closed episodes' tokens, kept as they close (the stream checks it every chunk). */
  private closedTokens = 0;
  thinkingTokens(): number {
    return this.closedTokens + (this.open?.tokens ?? 0);
  }

  async run(): Promise<AttemptResult> {
    let stop: StopReason = 'done';
    let error: AttemptResult['error'];
    let truncated = false;
    let forced = false;
    if (this.prober) this.scheduleProbe(-1, '', 0);

    const messages = [{ role: 'user' as const, content: this.c.prompt }];
    let handle = this.c.backend.chat({ model: this.c.model, messages, think: this.c.policy.think, options: this.c.sampling });
    for (;;) {
      const outcome = await this.consume(handle);
      if (outcome.kind === 'ended') {
        if (outcome.stats.doneReason === 'length') {
          stop = 'length';
          truncated = this.phase === 'thinking';
        }
        if (this.phase === 'thinking') this.endThinking();
        break;
      }
      if (outcome.kind === 'thinking-ended') {
        // The model closed its thinking: extend it, or let the answer stream on.
        const action = this.budget.onThinkingEnded(this.thinkingTokens(), this.lastIndex());
        if (action.kind !== 'extend') {
          this.endThinking();
          continue; // keep reading the same stream: the answer follows
        }
        this.c.emit({ type: 'budget-decision', decision: action.decision });
        handle.abort();
        this.discardResponse(action.decision);
        this.pushThinking(separatorBefore(this.annotator.thinking) + action.text);
        handle = this.continueThinking();
        continue;
      }
      if (outcome.kind === 'budget') {
        this.c.emit({ type: 'budget-decision', decision: outcome.action.decision });
        forced = true;
        stop = 'budget';
        if (outcome.action.decision.data?.mode === 'dynasor') {
          this.dynasorExit(outcome.action.decision);
          break;
        }
        const answered = await this.forceAnswer(outcome.action.decision);
        if (answered.kind === 'ended' && answered.stats.cappedBy) this.record(forcedAnswerCapDecision(answered.stats.cappedBy, this.thinkingTokens()));
        if (answered.kind === 'cancelled') stop = 'cancelled';
        if (answered.kind === 'error') {
          stop = 'error';
          error = { message: answered.error.message, kind: answered.error.kind };
        }
        break;
      }
      if (outcome.kind === 'cancelled') {
        stop = 'cancelled';
        truncated = this.phase === 'thinking';
        break;
      }
      stop = 'error';
      truncated = this.phase === 'thinking';
      error = { message: outcome.error.message, kind: outcome.error.kind };
      break;
    }
    if (this.phase === 'thinking') this.endThinking();
    if (stop === 'done' || stop === 'length' || stop === 'budget') {
      this.c.emit({ type: 'status', status: 'probing' });
      await this.drainProbes();
    } else {
      await Promise.allSettled([...this.pendingProbes]);
    }
    this.stats.wallMs = Date.now() - this.startedAt;
    return {
      thinking: this.annotator.thinking,
      response: this.response,
      episodes: this.episodes(),
      truncated,
      stop,
      decisions: this.budget.decisions,
      error,
      stats: this.stats,
      probes: mergeCounters(this.prober?.counters, this.stopProber?.counters, this.dynasorCounters),
      book: this.book,
      forced,
      warnings: this.allWarnings(),
    };
  }

  /** Warnings of every stream read so far, and of the probes. */
  private allWarnings(): string[] {
    return [...this.streamWarnings, ...(this.prober?.warnings ?? []), ...(this.stopProber?.warnings ?? [])];
  }

  private readonly streamWarnings: string[] = [];
  private readonly warningsTaken = new Map<StreamHandle, number>();

  /** Takes the warnings a stream added since the last look (a stream is read across several consume() calls). */
  private takeWarnings(handle: StreamHandle): void {
    const all = handle.warnings ?? [];
    const from = this.warningsTaken.get(handle) ?? 0;
    if (all.length <= from) return;
    this.streamWarnings.push(...all.slice(from));
    this.warningsTaken.set(handle, all.length);
  }

  /** The attempt as it stands now (for snapshots): closed episodes plus the open one. */
  partial(): AttemptResult {
    const open = this.phase === 'thinking' ? this.annotator.openEpisode() : null;
    return {
      thinking: this.annotator.thinking,
      response: this.response,
      episodes: open ? [...this.episodes(), open] : this.episodes(),
      truncated: this.phase === 'thinking',
      stop: 'done',
      decisions: [...this.budget.decisions],
      stats: { ...this.stats, wallMs: Date.now() - this.startedAt },
      probes: mergeCounters(this.prober?.counters, this.stopProber?.counters, this.dynasorCounters),
      book: this.book,
      forced: this.budget.hasStopped,
      warnings: this.allWarnings(),
    };
  }

  /** Closed episodes with the progress known so far. */
  episodes(): Episode[] {
    return this.closed.map((e) => {
      const p = this.progressByEpisode.get(e.index);
      return p ? { ...e, progress: p } : { ...e };
    });
  }

  /** Re-judges every probed episode once the self-basis reference is final; emits the changes. */
  settleReference(finalAnswer: string | null): void {
    if (!this.book || this.book.basis === 'gold') return;
    this.book.settleReference(finalAnswer);
    this.refreshProgress(this.book.episodeIndices());
  }

  private lastIndex(): number | undefined {
    if (this.open) return this.open.index;
    return this.closed.length ? this.closed[this.closed.length - 1].index : undefined;
  }

  private continueThinking(): StreamHandle {
    const prompt = renderThinkingPrefix(this.c.family, this.c.prompt, this.annotator.thinking);
    return this.c.backend.generateRawStream({ model: this.c.model, prompt, options: { ...this.c.sampling, seed: this.nextSeed() } });
  }

  private seedCounter = 0;
  private nextSeed(): number | undefined {
    return this.c.sampling.seed === undefined ? undefined : this.c.sampling.seed + ++this.seedCounter;
  }

  /** Reads one stream until it ends, thinking ends, a budget stop fires, or it fails. */
  private async consume(handle: StreamHandle): Promise<StreamOutcome> {
    if (this.handle !== handle) {
      this.handle = handle;
      this.iterator = handle.deltas[Symbol.asyncIterator]();
      this.handleStarted = false;
    }
    const iterator = this.iterator as AsyncIterator<StreamDelta>;
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    const arm = (): void => {
      if (!this.c.idleTimeoutMs) return;
      clearTimeout(watchdog);
      // The first delta comes after the model is loaded: it gets the start bound, not the idle one.
      const ms = this.handleStarted ? this.c.idleTimeoutMs : startTimeoutFor(this.c.idleTimeoutMs);
      watchdog = setTimeout(() => {
        this.timedOut = true;
        this.timedOutAfterMs = ms;
        handle.abort();
      }, ms);
    };
    const onCancel = (): void => handle.abort();
    this.c.signal.addEventListener('abort', onCancel);
    try {
      arm();
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        const delta = next.value;
        this.handleStarted = true;
        arm();
        if (delta.thinking) {
          if (this.phase === 'answering') {
            // Thinking after the answer started (odd, but possible with inline tags): keep it in the response.
            this.appendResponse(delta.thinking);
          } else {
            const action = this.pushThinking(delta.thinking);
            if (action) {
              handle.abort();
              return { kind: 'budget', action };
            }
          }
        }
        if (delta.content) {
          if (this.phase === 'thinking') {
            this.heldContent = delta.content;
            return { kind: 'thinking-ended' };
          }
          this.appendResponse(delta.content);
        }
        if (this.pendingStop && this.phase === 'thinking') {
          const action = this.pendingStop;
          handle.abort();
          return { kind: 'budget', action };
        }
        if (this.c.signal.aborted) return { kind: 'cancelled' };
      }
      const stats = await handle.stats;
      this.addStats(stats);
      if (this.pendingStop && this.phase === 'thinking') return { kind: 'budget', action: this.pendingStop };
      return { kind: 'ended', stats };
    } catch (err) {
      if (this.c.signal.aborted) return { kind: 'cancelled' };
      if (this.pendingStop && this.phase === 'thinking') return { kind: 'budget', action: this.pendingStop };
      if (this.timedOut) {
        return { kind: 'error', error: new ModelError('timeout', `No output from "${this.c.model}" at ${this.c.backend.host} for ${this.timedOutAfterMs} ms; the run was stopped: ${TIMEOUT_HINT}.`, { host: this.c.backend.host, model: this.c.model }) };
      }
      return { kind: 'error', error: asModelError(err) };
    } finally {
      clearTimeout(watchdog);
      this.c.signal.removeEventListener('abort', onCancel);
      this.takeWarnings(handle);
    }
  }

  /** Content that arrived in the chunk where thinking ended; it belongs to the answer unless we extend. */
  private heldContent = '';

  private discardResponse(decision: BudgetDecision): void {
    // Never lose model output: the suppressed answer start is kept in the decision.
    const dropped = this.heldContent;
    this.heldContent = '';
    if (dropped) decision.data = { ...decision.data, suppressedResponse: dropped };
  }

  private endThinking(): void {
    if (this.phase === 'answering') return;
    this.phase = 'answering';
    const closedNow = this.annotator.finishThinking();
    this.open = null;
    for (const e of closedNow) this.onClosed(e);
    this.c.emit({ type: 'status', status: 'answering' });
    if (this.heldContent) {
      const held = this.heldContent;
      this.heldContent = '';
      this.appendResponse(held);
    }
  }

  private responseTokens = 0;

  private appendResponse(text: string): void {
    this.response += text;
    this.responseTokens += estimateTokens(text);
    this.c.emit({ type: 'response-grew', text: this.response });
    this.emitTokens();
  }

  /** Feeds thinking text; returns a force-answer action when a budget limit is hit. */
  private pushThinking(chunk: string): Extract<BudgetAction, { kind: 'force-answer' }> | null {
    let stopAction: Extract<BudgetAction, { kind: 'force-answer' }> | null = null;
    const closedNow = this.annotator.pushThinking(chunk);
    if (closedNow.length) this.open = null;
    for (const e of closedNow) {
      const a = this.onClosed(e);
      if (a && !stopAction) stopAction = a;
    }
    if (this.open === null) {
      const opened = this.annotator.openEpisode();
      if (opened) {
        this.open = { index: opened.index, start: opened.start, text: opened.text, tokens: opened.tokens };
        this.c.emit({ type: 'episode-opened', episode: opened });
      }
    } else {
      // Kept here, not read back from the annotator: its full text is rebuilt on every read.
      this.open.text += chunk;
      this.open.tokens += estimateTokens(chunk);
      const { index, start, text, tokens } = this.open;
      this.c.emit({ type: 'episode-grew', index, text, end: start + text.length, tokens });
    }
    this.emitTokens();
    if (stopAction) return stopAction;
    this.maybeDynasorProbe();
    const a = this.budget.afterThinking(this.thinkingTokens(), this.lastIndex());
    return a.kind === 'force-answer' ? a : null;
  }

  private onClosed(e: Episode): Extract<BudgetAction, { kind: 'force-answer' }> | null {
    this.closed.push(e);
    this.closedTokens += e.tokens;
    this.c.emit({ type: 'episode-closed', episode: e });
    if (e.answer !== undefined) {
      this.c.emit({ type: 'answer-seen', episodeIndex: e.index, answer: e.answer, verdict: e.verdict });
      if (this.book && this.book.setProvisionalReference(e.answer)) this.refreshProgress(this.book.episodeIndices());
      this.stopBook?.setProvisionalReference(e.answer);
    }
    const prefix = this.annotator.thinking.slice(0, e.end);
    const prefixTokens = this.thinkingTokensUpTo(e.index);
    if (this.prober) this.scheduleProbe(e.index, prefix, prefixTokens);
    if (this.stopProber && this.phase === 'thinking') this.scheduleStopProbe(e.index, prefix, prefixTokens);
    const a = this.budget.afterEpisodeClosed(this.closed.length, this.thinkingTokens());
    return a.kind === 'force-answer' ? a : null;
  }

  private thinkingTokensUpTo(index: number): number {
    let t = 0;
    for (const e of this.closed) if (e.index <= index) t += e.tokens;
    return t;
  }

  private scheduleProbe(index: number, prefix: string, prefixTokens: number): void {
    const book = this.book as ProgressBook;
    const p = (this.prober as ForcedAnswerProber)
      .estimate(index, this.probeTurn(index, prefix), prefixTokens, (a) => book.judge(a))
      .then((est) => this.onEstimate(book, est, true))
      .catch(() => {}); // aborted: the run is being cancelled
    this.track(p);
  }

  /** The progress probe's turn: a middle prefix while thinking goes on, the whole thinking once it ended (mrt: "\n</think>"). */
  private probeTurn(index: number, prefix: string): ProbeTurn | string {
    if (index < 0 || !this.c.progress) return prefix;
    const closed = this.closed.filter((x) => x.index <= index);
    const ended = this.phase === 'answering' && this.annotator.thinking.slice(prefix.length).trim() === '';
    return buildProbeTurn(this.c.progress, this.c.family, liveSubject(this.annotator.thinking, closed, ended), closed.length);
  }

  private scheduleStopProbe(index: number, prefix: string, prefixTokens: number): void {
    const book = this.stopBook as ProgressBook;
    const p = (this.stopProber as ForcedAnswerProber)
      .estimate(index, prefix, prefixTokens, (a) => book.judge(a))
      .then((est) => this.onEstimate(book, est, false))
      .catch(() => {});
    this.track(p);
  }

  private track(p: Promise<void>): void {
    this.pendingProbes.add(p);
    void p.finally(() => this.pendingProbes.delete(p));
  }

  private onEstimate(book: ProgressBook, est: PrefixEstimate, writesProgress: boolean): void {
    if (est.error) this.c.emit({ type: 'status', status: this.phase === 'thinking' ? 'thinking' : 'probing', detail: `probe failed after episode ${est.index}: ${est.error}` });
    book.add(est);
    if (writesProgress) this.refreshProgress([est.index, est.index + 1]);
    this.checkEarlyStop(book);
  }

  /** Recomputes progress for the given episodes and emits every change. */
  private refreshProgress(indices: number[]): void {
    if (!this.book) return;
    for (const i of indices) {
      if (i < 0) continue;
      const p = this.book.progressOf(i);
      if (!p) continue;
      const old = this.progressByEpisode.get(i);
      if (old && old.mu === p.mu && old.delta === p.delta && old.samples === p.samples && old.basis === p.basis) continue;
      this.progressByEpisode.set(i, p);
      const est = this.book.estimateOf(i);
      this.c.emit({ type: 'probe-result', episodeIndex: i, progress: p, prefixTokens: est?.prefixTokens ?? 0 });
    }
  }

  private checkEarlyStop(book: ProgressBook): void {
    if (!this.c.policy.earlyStop || this.phase !== 'thinking' || this.pendingStop || this.budget.hasStopped) return;
    const summaries: ProbeSummary[] = [];
    for (const i of book.episodeIndices()) {
      const rep = book.representative(i);
      if (!rep) continue;
      const mu = book === this.book ? this.progressByEpisode.get(i)?.mu : undefined;
      summaries.push({ episodeIndex: i, key: rep.key, text: rep.text, ...(mu !== undefined ? { mu } : {}) });
    }
    const action = this.budget.afterProbe(summaries, this.thinkingTokens());
    if (action.kind === 'force-answer') {
      this.pendingStop = action;
      this.handle?.abort(); // the stream loop sees the abort and forces the answer
    }
  }

  // ---- Dynasor-CoT early stop: a probe inside the thinking every N thinking tokens ----

  private nextDynasorAt = 0;
  private dynasorSeq = 0;
  /** Probe results by send order; the stop rule reads the completed run from the start. */
  private readonly dynasorResults: (DynasorProbe | undefined)[] = [];
  private readonly dynasorCounters = { requests: 0, evalTokens: 0, failures: 0 };

  /**
   * Sends a Dynasor probe when thinking crossed the next multiple of N tokens (our token count,
   * src/core/tokens.ts). Like Dynasor (cot.py lines 45-63, the probe is sent beside the next
   * chunk's generation) the stream goes on while the probe runs; the stop acts when it returns.
   */
  private maybeDynasorProbe(): void {
    const es = this.c.policy.earlyStop;
    if (!es || es.mode !== 'dynasor' || this.phase !== 'thinking' || this.budget.hasStopped || this.pendingStop) return;
    const tokens = this.thinkingTokens();
    if (tokens < this.nextDynasorAt) return;
    this.nextDynasorAt = (Math.floor(tokens / es.everyTokens) + 1) * es.everyTokens;
    const seq = this.dynasorSeq++;
    const prompt = renderThinkingPrefix(this.c.family, this.c.prompt, this.annotator.thinking) + DYNASOR_PROBE_TEXT;
    const seed = this.c.seed * 7919 + 300_000 + seq;
    this.dynasorCounters.requests++;
    const p = this.c.limiter
      .run(() => this.c.backend.generateRaw({ model: this.c.model, prompt, options: { ...DYNASOR_PROBE_OPTIONS, seed } }, this.c.signal))
      .then((res) => {
        this.dynasorCounters.evalTokens += res.evalCount;
        this.dynasorResults[seq] = { atTokens: tokens, answer: readBoxedCompletion(res.text), text: res.text };
        this.checkDynasor();
      })
      .catch((err: unknown) => {
        if (this.c.signal.aborted) return;
        this.dynasorCounters.failures++;
        // A failed probe is an empty answer (Dynasor's obtain_answer of nothing): it breaks agreement.
        this.dynasorResults[seq] = { atTokens: tokens, answer: null, text: '' };
        this.c.emit({ type: 'status', status: 'thinking', detail: `Dynasor probe at ${tokens} tokens failed: ${err instanceof Error ? err.message : String(err)}` });
        this.checkDynasor();
      });
    this.track(p);
  }

  private checkDynasor(): void {
    if (this.phase !== 'thinking' || this.pendingStop || this.budget.hasStopped) return;
    const done: DynasorProbe[] = [];
    for (const r of this.dynasorResults) {
      if (!r) break;
      done.push(r);
    }
    const action = this.budget.afterDynasorProbe(done, this.thinkingTokens(), this.lastIndex());
    if (action.kind === 'force-answer') {
      this.pendingStop = action;
      this.handle?.abort();
    }
  }

  /** Dynasor outputs the consistent answer itself: no forced-answer request (cot.py lines 108-116). */
  private dynasorExit(decision: BudgetDecision): void {
    this.endThinking();
    const answer = String(decision.data?.answer ?? '');
    const text = dynasorExitResponse(answer);
    decision.data = { ...decision.data, response: text };
    this.response = '';
    this.responseTokens = 0;
    this.appendResponse(text);
  }

  /** Budget forcing: end the thinking ourselves and stream a short forced answer (forcing text `boxed` or `s1`). */
  private async forceAnswer(decision: BudgetDecision): Promise<StreamOutcome> {
    this.endThinking();
    this.c.emit({ type: 'status', status: 'answering', detail: decision.detail });
    const forcing = this.c.forcing ?? 'boxed';
    const template = forcingTemplate(this.c.family, forcing, {
      ...(this.c.forcedStopText !== undefined ? { forcedStopText: this.c.forcedStopText } : {}),
      ...(this.c.answerPrefix !== undefined ? { answerPrefix: this.c.answerPrefix } : {}),
    });
    decision.data = { ...decision.data, forcing, forcedStopText: template.forcedStopText, answerPrefix: template.answerPrefix };
    const prompt = renderForcedAnswerPrompt(this.c.family, this.c.prompt, this.annotator.thinking, template);
    // The answer prefix is our text, but it is what the model answers inside; show it in the response.
    this.response = '';
    this.responseTokens = 0;
    this.appendResponse(template.answerPrefix);
    const handle = this.c.backend.generateRawStream({
      model: this.c.model,
      prompt,
      options: { ...this.c.sampling, num_predict: FORCED_RESPONSE_TOKENS, seed: this.nextSeed() },
    });
    return this.consume(handle);
  }

  private addStats(s: StreamStats): void {
    this.stats.durationMs += s.totalDurationMs ?? 0;
    this.stats.evalTokens += s.evalCount ?? 0;
    this.stats.evalDurationMs += s.evalDurationMs ?? 0;
    if (this.stats.promptTokens === undefined && s.promptEvalCount !== undefined) this.stats.promptTokens = s.promptEvalCount;
  }

  private lastTokensEmit = -1;
  private emitTokens(): void {
    const thinkingTokens = this.thinkingTokens();
    const responseTokens = this.responseTokens;
    const key = thinkingTokens * 1e6 + responseTokens;
    if (key === this.lastTokensEmit) return;
    this.lastTokensEmit = key;
    this.c.emit({ type: 'tokens', thinkingTokens, responseTokens, elapsedMs: Date.now() - this.startedAt });
  }

  private async drainProbes(): Promise<void> {
    while (this.pendingProbes.size > 0) {
      await Promise.allSettled([...this.pendingProbes]);
      await sleepTick();
    }
  }
}

/** Field-by-field sum of probe counters (the Dynasor counters have no prompt-token count). */
function mergeCounters(...all: (Partial<ProbeCounters> | undefined)[]): ProbeCounters {
  const sum: Record<string, number> = { requests: 0, evalTokens: 0, failures: 0 };
  for (const c of all) for (const [k, v] of Object.entries(c ?? {})) if (typeof v === 'number') sum[k] = (sum[k] ?? 0) + v;
  return sum as unknown as ProbeCounters;
}

/**
 * The forced answer was ended by our cap, not by the server: it asked for at most
 * FORCED_RESPONSE_TOKENS tokens (num_predict) and the server went on (src/model/limits.ts).
 */
function forcedAnswerCapDecision(cappedBy: 'tokens' | 'time', atTokens: number): BudgetDecision {
  const cap = cappedBy === 'tokens' ? `${2 * FORCED_RESPONSE_TOKENS + 32} chunks` : 'one idle timeout (--timeout)';
  return {
    kind: 'forced-stop',
    atTokens,
    detail: `the forced answer was cut at our cap of ${cap}: the server did not stop at num_predict=${FORCED_RESPONSE_TOKENS}`,
    data: { cappedBy, numPredict: FORCED_RESPONSE_TOKENS },
  };
}

/** Paragraph break before appended text, so "Wait" starts a paragraph (and so an episode). */
export function separatorBefore(thinking: string): string {
  if (thinking === '' || thinking.endsWith('\n\n')) return '';
  return thinking.endsWith('\n') ? '\n' : '\n\n';
}

export function asModelError(err: unknown): ModelError {
  if (err instanceof ModelError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new ModelError('unknown', msg || 'unknown error from the model server', { cause: err });
}
