/**
 * A live solve: one problem, one model, a budget. Streams the thinking through the annotator,
 * emits RunEvents for front ends, applies the budget, runs progress probes, and (with vote)
 * repeats complete attempts until enough answers agree. `finished` never rejects: cancel and
 * errors resolve with a valid partial trace.
 */
import { randomUUID } from 'node:crypto';
import { answerKey } from '../core/answers';
import { finalizeTrace } from '../core/annotate';
import { parseBudgetPolicy } from '../core/budget-policy';
import {
  ADAPTIVE_VOTE_PROBES,
  adaptiveVoteConfident,
  adaptiveVotePrefixEnd,
  checkThinkSetting,
  resolvePolicy,
  tallyVotes,
  voteStatus,
  type ResolvedPolicy,
} from '../core/budget';
import { estimateTokens } from '../core/tokens';
import { equivalent, gradeFinal } from '../core/verdicts';
import { TRACE_FORMAT_VERSION, type AttemptCost, type BudgetDecision, type BudgetPolicy, type StopReason, type Trace } from '../core/trace';
import { ModelError, type ModelBackend, type ModelInfo } from '../model/types';
import { Attempt, FORCING_TEXTS, asModelError, type AttemptResult } from './attempt';
import type { ProbeSettings, RunEvent, RunHandle, RunListener, SolveOptions } from './contract';
import { ConcurrencyLimiter, DEFAULT_PROBE_SETTINGS, ForcedAnswerProber, resolveProbeSettings } from './probes';

/** DeepSeek-R1's recommended math instruction (its README), appended to the problem. */
export const DEFAULT_INSTRUCTION = 'Please reason step by step, and put your final answer within \\boxed{}.';

/** Early stop without progress probes: one greedy forced answer per episode (Dynasor-style). */
export const EARLY_STOP_PROBE: ProbeSettings = resolveProbeSettings({ recipe: 'quick', samples: 1, adaptive: false, temperature: 0 }) as ProbeSettings;

export function startSolve(backend: ModelBackend, opts: SolveOptions): RunHandle {
  return new SolveRun(backend, opts);
}

/** Front ends can check options before starting a run; returns problems with field names. */
export function checkSolveOptions(opts: SolveOptions): string[] {
  const problems: string[] = [];
  if (typeof opts.problem !== 'string' || opts.problem.trim() === '') problems.push('problem: must be non-empty text');
  if (typeof opts.model !== 'string' || opts.model.trim() === '') problems.push('model: must name an installed model');
  const budget = parseBudgetPolicy(opts.budget);
  if (!budget.ok) for (const e of budget.errors) problems.push(`budget.${e.field}: ${e.message}`);
  try {
    resolveProbeSettings(opts.progress);
  } catch (e) {
    problems.push(e instanceof Error ? e.message : String(e));
  }
  if (opts.idleTimeoutMs !== undefined && !(opts.idleTimeoutMs > 0)) problems.push('idleTimeoutMs: must be a positive number of milliseconds');
  if (opts.forcing !== undefined && !FORCING_TEXTS.includes(opts.forcing)) problems.push(`forcing: expected ${FORCING_TEXTS.join(' or ')}, got ${JSON.stringify(opts.forcing)}`);
  return problems;
}

function same(reference: string, answer: string): boolean {
  return equivalent(reference, answer).equivalent;
}

function keyOf(answer: string): string {
  return answerKey(answer);
}

export class SolveRun implements RunHandle {
  readonly id: string;
  readonly finished: Promise<Trace>;
  private readonly listeners = new Set<RunListener>();
  private readonly controller = new AbortController();
  private readonly policy: BudgetPolicy;
  private readonly runDecisions: BudgetDecision[] = [];
  private readonly startedAt = new Date();
  private main: Attempt | null = null;
  private mainResult: AttemptResult | null = null;
  private info: ModelInfo | null = null;
  private finalTrace: Trace | null = null;
  private cancelled = false;
  /** Costs of the vote attempts after the first (index >= 1), in order. */
  private readonly laterAttempts: AttemptCost[] = [];
  /** Attempt 1's own answer (before any vote), and the probe tokens adaptive voting spent on it. */
  private firstAnswer: string | null | undefined;
  private adaptiveProbeTokens = 0;

  constructor(
    private readonly backend: ModelBackend,
    private readonly opts: SolveOptions,
  ) {
    this.id = opts.id ?? `solve-${randomUUID()}`;
    // The trace records the checked policy (early-stop and vote objects complete); a bad one is
    // kept as given so the failed trace shows what was asked for.
    const parsed = parseBudgetPolicy(opts.budget);
    this.policy = parsed.ok ? parsed.policy : (opts.budget ?? {});
    // Start after the caller has had a chance to subscribe (same tick).
    this.finished = Promise.resolve()
      .then(() => this.execute())
      .catch((err: unknown) => this.fail(asModelError(err)));
  }

  on(listener: RunListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  cancel(): void {
    if (this.cancelled || this.finalTrace) return;
    this.cancelled = true;
    this.controller.abort();
  }

  snapshot(): Trace {
    if (this.finalTrace) return this.finalTrace;
    // While running, the trace is partial: stop says how it would end if it ended now.
    return this.assemble(this.mainResult ?? this.main?.partial() ?? null, this.cancelled ? 'cancelled' : 'done');
  }

  private emit(event: RunEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A broken listener must not break the run or other listeners.
      }
    }
  }

  private decide(decision: BudgetDecision): void {
    this.runDecisions.push(decision);
    this.emit({ type: 'budget-decision', decision });
  }

  private async execute(): Promise<Trace> {
    const o = this.opts;
    this.emit({ type: 'started', id: this.id, model: o.model, problem: o.problem, gold: o.gold ?? null, policy: this.policy, at: this.startedAt.getTime() });
    this.emit({ type: 'status', status: 'starting' });
    const problems = checkSolveOptions(o);
    if (problems.length) return this.fail(new ModelError('bad-request', `Invalid solve options: ${problems.join('; ')}`));
    const policy = resolvePolicy(this.policy);
    const progress = resolveProbeSettings(o.progress);

    try {
      this.info = await this.backend.show(o.model, this.controller.signal);
    } catch (err) {
      return this.cancelled ? this.finish(null, 'cancelled') : this.fail(asModelError(err));
    }
    if (this.cancelled) return this.finish(null, 'cancelled');

    const think = policy.think;
    if (think !== undefined) {
      const check = checkThinkSetting(think, this.info);
      if (!check.ok) return this.fail(new ModelError('think-unsupported', check.message));
      this.decide(check.decision);
    }

    const limiter = new ConcurrencyLimiter((progress ?? DEFAULT_PROBE_SETTINGS).concurrency);
    const baseSeed = o.sampling?.seed ?? Math.floor(Math.random() * 1e9);
    const makeAttempt = (index: number, emit: (e: RunEvent) => void): Attempt =>
      new Attempt({
        backend: this.backend,
        model: o.model,
        family: (this.info as ModelInfo).family,
        prompt: this.prompt(),
        problem: this.opts.problem,
        gold: o.gold ?? null,
        // Attempt 0 keeps the user's seed (or none); later votes need different seeds to differ.
        sampling: index === 0 ? { ...(o.sampling ?? {}) } : { ...(o.sampling ?? {}), seed: baseSeed + index },
        policy: index === 0 ? policy : { ...policy, vote: null },
        progress: index === 0 ? progress : null,
        earlyStopProbes: EARLY_STOP_PROBE,
        segment: o.segment,
        limiter,
        signal: this.controller.signal,
        seed: baseSeed + index,
        idleTimeoutMs: o.idleTimeoutMs,
        same,
        keyOf,
        emit,
        forcedStopText: progress?.forcedStopText,
        answerPrefix: progress?.answerPrefix,
        forcing: o.forcing,
      });

    this.emit({ type: 'status', status: 'thinking' });
    this.main = makeAttempt(0, (e) => this.emit(e));
    const first = await this.main.run();
    this.mainResult = first;
    if (first.stop === 'cancelled') return this.finish(first, 'cancelled');
    if (first.stop === 'error') return this.finish(first, 'error', first.error);

    let trace = this.assemble(first, first.stop);
    if (policy.vote) trace = await this.vote(policy, first, trace, makeAttempt, progress);
    if (this.cancelled) return this.finish(first, 'cancelled');

    // Self basis: probes are judged against the trace's final answer, now known.
    this.main.settleReference(trace.final.answer);
    return this.finish(first, first.stop, undefined, trace.final);
  }

  /**
   * Sequential voting over independent attempts: whole attempts until m answers agree (IBPO's SV
   * rule, 8 trials / consensus 3; IBPO's trained model votes inside one response, we call the
   * model again). Every attempt's tokens are counted in `budget.attempts`.
   */
  private async vote(
    policy: ResolvedPolicy,
    first: AttemptResult,
    firstTrace: Trace,
    makeAttempt: (i: number, emit: (e: RunEvent) => void) => Attempt,
    progress: ProbeSettings | null,
  ): Promise<Trace> {
    const vote = policy.vote as NonNullable<ResolvedPolicy['vote']>;
    this.firstAnswer = firstTrace.final.answer;
    const answers: (string | null)[] = [firstTrace.final.answer];
    const summaries: Record<string, unknown>[] = [attemptSummary(0, first, firstTrace.final.answer)];
    this.emit({ type: 'status', status: 'voting', detail: `attempt 1/${vote.n}: ${firstTrace.final.answer ?? 'no answer'}` });
    this.decide(voteDecision(1, vote, answers, summaries[0], first.thinking.length ? firstTrace.metrics.thinkingTokens : 0));

    if (vote.adaptive && vote.n > 1) {
      const evidence = await this.adaptiveEvidence(first, firstTrace.final.answer, progress);
      const where = evidence.prefixEpisodes === 0 ? 'the empty thinking' : `the thinking before its last episode (${evidence.prefixEpisodes} of ${first.episodes.length} episodes)`;
      this.decide({
        kind: 'vote',
        atTokens: firstTrace.metrics.thinkingTokens,
        detail: evidence.confident
          ? `adaptive: ${ADAPTIVE_VOTE_PROBES} forced answers on ${where} all agree with attempt 1's "${firstTrace.final.answer}": one attempt is enough`
          : `adaptive: forced answers on ${where} do not all agree with attempt 1's answer: voting continues`,
        data: {
          adaptive: true,
          rule: 'agree-before-last-episode',
          confident: evidence.confident,
          probeAnswers: evidence.answers,
          prefixEpisodes: evidence.prefixEpisodes,
          prefixTokens: evidence.prefixTokens,
          probeTokens: evidence.probeTokens,
        },
      });
      if (evidence.confident) return this.withVoteResult(firstTrace, answers, summaries, vote);
    }

    for (let i = 1; voteStatus(tallyVotes(answers, same), i, vote) === 'continue'; i++) {
      if (this.cancelled) break;
      this.emit({ type: 'status', status: 'voting', detail: `attempt ${i + 1}/${vote.n}` });
      const attempt = makeAttempt(i, (e) => {
        if (e.type === 'status' && e.detail) this.emit({ type: 'status', status: 'voting', detail: `attempt ${i + 1}: ${e.detail}` });
      });
      const result = await attempt.run();
      const t = this.assemble(result, result.stop);
      const answer = result.stop === 'error' || result.stop === 'cancelled' ? null : t.final.answer;
      // A cancelled attempt still spent its tokens: counted, but it casts no vote.
      this.laterAttempts.push(attemptCost(i, result, answer));
      if (result.stop === 'cancelled') break;
      answers.push(answer);
      const summary = attemptSummary(i, result, answer);
      summaries.push(summary);
      this.decide(voteDecision(i + 1, vote, answers, summary, t.metrics.thinkingTokens));
    }
    return this.withVoteResult(firstTrace, answers, summaries, vote);
  }

  /**
   * Adaptive voting's evidence (rule in src/core/budget.ts adaptiveVoteConfident): forced answers
   * on attempt 1's thinking before its last episode, compared with attempt 1's answer.
   */
  private async adaptiveEvidence(
    first: AttemptResult,
    answer: string | null,
    progress: ProbeSettings | null,
  ): Promise<{ confident: boolean; answers: (string | null)[]; prefixEpisodes: number; prefixTokens: number; probeTokens: number }> {
    const prefixEpisodes = Math.max(0, first.episodes.length - 1);
    const prefix = first.thinking.slice(0, adaptiveVotePrefixEnd(first.episodes));
    const prefixTokens = estimateTokens(prefix);
    if (answer === null || !this.info) return { confident: false, answers: [], prefixEpisodes, prefixTokens, probeTokens: 0 };
    // Quick probes (an immediate boxed answer, 32 tokens): a cheap check, not a measurement.
    const settings = resolveProbeSettings({ recipe: 'quick', samples: ADAPTIVE_VOTE_PROBES, adaptive: false, concurrency: (progress ?? DEFAULT_PROBE_SETTINGS).concurrency }) as ProbeSettings;
    const prober = new ForcedAnswerProber(this.backend, {
      model: this.opts.model,
      family: this.info.family,
      prompt: this.prompt(),
      settings,
      limiter: new ConcurrencyLimiter(settings.concurrency),
      signal: this.controller.signal,
      seedBase: (this.opts.sampling?.seed ?? 0) + 900_000,
      keyOf,
    });
    try {
      const est = await prober.estimate(-2, prefix, prefixTokens, (a) => (a === null ? false : same(answer, a)));
      const answers = est.samples.map((s) => s.answer);
      return { confident: adaptiveVoteConfident(answer, answers, same), answers, prefixEpisodes, prefixTokens, probeTokens: this.chargeAdaptive(prober) };
    } catch {
      return { confident: false, answers: [], prefixEpisodes, prefixTokens, probeTokens: this.chargeAdaptive(prober) };
    }
  }

  /** Adaptive voting's probe tokens are charged to attempt 1 (they decide about it). */
  private chargeAdaptive(prober: ForcedAnswerProber): number {
    this.adaptiveProbeTokens += prober.counters.evalTokens;
    return prober.counters.evalTokens;
  }

  /** Every attempt's cost: attempt 1 (the trace's own thinking) then the vote attempts. */
  private attemptCosts(main: AttemptResult, trace: Trace): AttemptCost[] {
    const first = attemptCost(0, main, this.firstAnswer !== undefined ? this.firstAnswer : trace.final.answer);
    if (this.adaptiveProbeTokens > 0) first.probeTokens = (first.probeTokens ?? 0) + this.adaptiveProbeTokens;
    return [first, ...this.laterAttempts];
  }

  private withVoteResult(
    trace: Trace,
    answers: (string | null)[],
    summaries: Record<string, unknown>[],
    vote: { n: number; m: number; adaptive: boolean },
  ): Trace {
    const tally = tallyVotes(answers, same);
    const status = voteStatus(tally, answers.length, vote);
    const winner = tally.leader?.answer ?? null;
    const graded = gradeFinal(winner, this.opts.gold);
    this.decide({
      kind: 'vote',
      atTokens: trace.metrics.thinkingTokens,
      detail:
        winner === null
          ? `no attempt produced an answer (${answers.length} attempts)`
          : `sequential voting over independent attempts, ${status === 'agreed' ? 'agreed' : 'no consensus; plurality'}: "${winner}" with ${tally.leader?.count}/${answers.length} votes (need ${vote.m} of up to ${vote.n})`,
      data: {
        // IBPO's SV rule (8 trials, consensus 3) over independent model calls, not IBPO's in-response voting.
        method: 'sequential voting over independent attempts',
        winner,
        agreed: status === 'agreed',
        attempts: answers.length,
        tally: tally.groups.map((g) => ({ answer: g.answer, count: g.count, attempts: g.attempts })),
        abstained: tally.abstained,
        votes: summaries,
      },
    });
    return { ...trace, final: { answer: winner, correct: graded.correct, ...(graded.reason ? { reason: graded.reason } : {}) } };
  }

  private prompt(): string {
    const instruction = this.opts.instruction ?? DEFAULT_INSTRUCTION;
    return instruction.trim() ? `${this.opts.problem}\n\n${instruction}` : this.opts.problem;
  }

  /** Builds a format-v1 trace from an attempt (or nothing yet). */
  private assemble(r: AttemptResult | null, stop: StopReason, error?: { message: string }, final?: Trace['final']): Trace {
    const o = this.opts;
    const thinking = r?.thinking ?? '';
    // The main attempt's progress keeps changing after it ends (self basis): read it fresh.
    const attemptEpisodes = r && this.main && r === this.mainResult ? this.main.episodes() : r?.episodes ?? [];
    // Probes (the main attempt only): progress re-read with one prompt-token counter for the whole trace.
    const book = r?.book ?? null;
    const probeSettings = book ? resolveProbeSettings(o.progress) : null;
    const promptTokens = book?.promptTokens();
    const episodes = book && promptTokens
      ? attemptEpisodes.map((e) => {
          const progress = book.progressOf(e.index, promptTokens);
          return progress ? { ...e, progress } : e;
        })
      : attemptEpisodes;
    const decisions = [...this.runDecisions.filter((d) => d.kind === 'think-level'), ...(r?.decisions ?? []), ...this.runDecisions.filter((d) => d.kind !== 'think-level')];
    const uniqueDecisions = [...new Set(decisions)];
    const wall = r?.stats.wallMs;
    const carry = r ? statsToMetrics(r) : {};
    const trace = finalizeTrace({
      version: TRACE_FORMAT_VERSION,
      id: this.id,
      problem: o.problem,
      gold: o.gold ?? null,
      model: o.model,
      source: {
        kind: 'ollama',
        host: this.backend.host,
        createdAt: this.startedAt.toISOString(),
        segmentation: { mode: o.segment?.mode ?? 'auto', ...(o.segment?.maxSteps ? { maxSteps: o.segment.maxSteps } : {}), ...(o.segment?.groupSize ? { groupSize: o.segment.groupSize } : {}) },
        extra: {
          prompt: this.prompt(),
          ...(this.info ? { family: this.info.family } : {}),
          ...(o.sampling && Object.keys(o.sampling).length ? { sampling: o.sampling } : {}),
          ...(r ? { probeRequests: r.probes.requests, probeTokens: r.probes.evalTokens, probeFailures: r.probes.failures } : {}),
          ...(wall !== undefined ? { wallMs: wall } : {}),
        },
      },
      thinking,
      response: r?.response ?? '',
      truncated: r?.truncated ?? false,
      episodes,
      ...(book && probeSettings ? { probes: book.record(probeSettings) } : {}),
      budget: { policy: this.policy, decisions: uniqueDecisions, stop },
      // Only the carried live numbers matter: finalizeTrace recomputes the rest.
      metrics: { thinkingTokens: 0, responseTokens: 0, episodes: 0, firstCorrectEpisode: null, tokensAfterFirstCorrect: null, ...carry },
      ...(final ? { final } : {}),
      ...(error ? { error: error.message } : {}),
      ...(r?.warnings.length ? { warnings: [...new Set(r.warnings)] } : {}),
    }, { ...(probeSettings?.regretBudgets ? { regretBudgets: probeSettings.regretBudgets } : {}), ...(probeSettings?.regretK ? { regretK: probeSettings.regretK } : {}) });
    // The trace's own attempt (or its partial) carries every attempt's cost; a vote attempt's
    // throw-away trace (read only for its answer) does not.
    if (r && trace.budget && (r === this.mainResult || this.mainResult === null)) trace.budget.attempts = this.attemptCosts(r, trace);
    return trace;
  }

  private finish(r: AttemptResult | null, stop: StopReason, error?: { message: string; kind: string }, final?: Trace['final']): Trace {
    if (stop === 'cancelled') {
      const decision: BudgetDecision = { kind: 'cancelled', atTokens: r ? r.episodes.reduce((n, e) => n + e.tokens, 0) : 0, detail: 'cancelled by the user' };
      this.runDecisions.push(decision);
      this.emit({ type: 'budget-decision', decision });
      error = { message: 'Cancelled by the user; the trace holds everything received before the cancel.', kind: 'cancelled' };
    }
    const trace = this.assemble(r, stop, error, final);
    this.finalTrace = trace;
    if (error) {
      this.emit({ type: 'status', status: stop === 'cancelled' ? 'cancelled' : 'error', detail: error.message });
      this.emit({ type: 'error', message: error.message, kind: error.kind, trace });
    } else {
      this.emit({ type: 'status', status: 'done' });
      this.emit({ type: 'done', trace });
    }
    return trace;
  }

  private fail(err: ModelError): Trace {
    return this.finish(this.mainResult, this.cancelled ? 'cancelled' : 'error', { message: err.message, kind: err.kind });
  }
}

function statsToMetrics(r: AttemptResult): Partial<Trace['metrics']> {
  const s = r.stats;
  return {
    ...(s.durationMs > 0 ? { durationMs: Math.round(s.durationMs) } : {}),
    ...(s.promptTokens !== undefined ? { promptTokens: s.promptTokens } : {}),
    ...(s.evalTokens > 0 ? { evalTokens: s.evalTokens } : {}),
    ...(s.evalTokens > 0 && s.evalDurationMs > 0 ? { tokensPerSecond: (s.evalTokens / s.evalDurationMs) * 1000 } : {}),
  };
}

/** What one attempt cost: thinking and response tokens (our estimate, as metrics), probe tokens (the server's eval_count). */
function attemptCost(index: number, r: AttemptResult, answer: string | null): AttemptCost {
  return {
    index,
    thinkingTokens: estimateTokens(r.thinking),
    responseTokens: estimateTokens(r.response),
    ...(r.probes.evalTokens > 0 ? { probeTokens: r.probes.evalTokens } : {}),
    answer,
    stop: r.stop,
  };
}

function attemptSummary(index: number, r: AttemptResult, answer: string | null): Record<string, unknown> {
  return {
    attempt: index + 1,
    answer,
    stop: r.stop,
    thinkingChars: r.thinking.length,
    episodes: r.episodes.length,
    evalTokens: r.stats.evalTokens,
    ...(r.error ? { error: r.error.message } : {}),
    decisions: r.decisions.map((d) => d.kind),
  };
}

function voteDecision(
  attempt: number,
  vote: { n: number; m: number },
  answers: (string | null)[],
  summary: Record<string, unknown>,
  atTokens: number,
): BudgetDecision {
  const tally = tallyVotes(answers, same);
  const answer = answers[answers.length - 1];
  return {
    kind: 'vote',
    atTokens,
    detail: `attempt ${attempt}/${vote.n} answered ${answer === null ? 'nothing' : `"${answer}"`}; leader ${tally.leader ? `"${tally.leader.answer}" ${tally.leader.count}/${vote.m}` : 'none'}`,
    data: { ...summary, tally: tally.groups.map((g) => ({ answer: g.answer, count: g.count })) },
  };
}

