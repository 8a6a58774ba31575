/**
 * Progress probes: force the model to stop thinking after a prefix and answer, K times; the
 * share of answers equivalent to the reference (gold, or the trace's own final answer) is mu.
 * What a probe sends and how its answer is read is a named recipe (src/core/probe-recipes.ts):
 * `mrt` (MRT's pass_at_k_given_prefix.py exactly; the default) or `quick` ("answer-now
 * accuracy"). Sampling is fixed K (MRT: 8) unless the adaptive option is asked for.
 * Probes run in the background through one limiter shared by the whole run, so they never hold
 * up the main stream and never flood a local server.
 */
import { readToUnbalancedBrace } from '../core/answers/extract';
import { DEFAULT_ADAPTIVE_RULE, nextProbeCount, samplingDone, type SamplingPlan, type SamplingStop } from '../core/probe-estimate';
import { probeJudgeName } from '../core/probe-judge';
import { DEFAULT_INTERVALS, episodeProgress, prefixProbes, type JudgedProbe } from '../core/probe-progress';
import {
  QUICK_QWEN3_STOP_SENTENCE,
  QUICK_STOP_SENTENCE,
  mrtBoxedAnswer,
  probeAnswer,
  probeRecipe,
  probeTurn,
  type ProbeSubject,
  type ProbeTurn,
} from '../core/probe-recipes';
import { NO_ANSWER_KEY, modalCount, modalKey } from '../core/progress';
import { DEFAULT_REGRET_BUDGETS, choosePromptTokens, type PromptTokenChoice } from '../core/regret';
import { DEFAULT_REGRET_K } from '../core/metrics';
import { estimateTokens } from '../core/tokens';
import type { EpisodeProgress, PrefixProbes, ProbeSettings as TraceProbeSettings, ProgressBasis } from '../core/trace';
import type { ModelBackend, ModelFamily } from '../model/types';
import { renderThinkingPrefix } from '../model/templates';
import type { ProbeSettings } from './contract';

export const DEFAULT_PROBE_SETTINGS: ProbeSettings = {
  recipe: 'mrt',
  samples: 8,
  concurrency: 2,
  adaptive: false,
};

/** Samples a quick unanimity check takes (adaptive voting's forced answers). */
export const UNANIMOUS_AFTER = 3;

/** Fills defaults (the recipe's sampling) and rejects nonsense with the field's name. */
export function resolveProbeSettings(p: Partial<ProbeSettings> | false | undefined): ProbeSettings | null {
  if (p === false || p === undefined) return null;
  const given = stripUndefined(p);
  const recipeName = given.recipe ?? DEFAULT_PROBE_SETTINGS.recipe;
  let recipe;
  try {
    recipe = probeRecipe(recipeName);
  } catch (e) {
    throw new RangeError(`progress.recipe: ${(e as Error).message}`);
  }
  const adaptive = given.adaptive ?? false;
  const s: ProbeSettings = {
    ...DEFAULT_PROBE_SETTINGS,
    // The adaptive rule's measured numbers (docs/fidelity.md) are for a cap of 16.
    samples: adaptive ? DEFAULT_ADAPTIVE_RULE.maxSamples : recipe.sampling.k,
    temperature: recipe.sampling.temperature,
    // quick sends top_p 1 (no nucleus cut) so the trace can name what it used.
    topP: recipe.sampling.topP ?? 1,
    maxTokens: recipe.sampling.maxTokens,
    regretBudgets: [...DEFAULT_REGRET_BUDGETS],
    regretK: DEFAULT_REGRET_K,
    ...given,
    recipe: recipe.name,
    adaptive,
  };
  for (const field of ['samples', 'concurrency', 'maxTokens', 'regretK'] as const) {
    const v = s[field];
    if (!Number.isInteger(v) || (v as number) < 1) throw new RangeError(`progress.${field}: expected a positive integer, got ${JSON.stringify(v)}`);
  }
  if (!(typeof s.temperature === 'number' && s.temperature >= 0)) throw new RangeError(`progress.temperature: expected >= 0, got ${s.temperature}`);
  if (!(typeof s.topP === 'number' && s.topP > 0 && s.topP <= 1)) throw new RangeError(`progress.topP: expected a number in (0, 1], got ${s.topP}`);
  const budgets = s.regretBudgets ?? [];
  if (budgets.length === 0) throw new RangeError('progress.regretBudgets: expected at least one token budget');
  budgets.forEach((b, i) => {
    if (!(Number.isFinite(b) && b > 0)) throw new RangeError(`progress.regretBudgets[${i}]: expected a positive number of tokens, got ${JSON.stringify(b)}`);
  });
  if (s.recipe === 'mrt' && (s.forcedStopText !== undefined || s.answerPrefix !== undefined)) {
    const field = s.forcedStopText !== undefined ? 'forcedStopText' : 'answerPrefix';
    throw new RangeError(`progress.${field}: the mrt recipe is MRT's probe text exactly; a custom stop text or answer prefix needs recipe "quick"`);
  }
  return s;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The sampling plan of resolved settings: fixed K, or the Beta-posterior width rule capped at `samples`. */
export function samplingPlan(s: ProbeSettings): SamplingPlan {
  if (!s.adaptive) return { kind: 'fixed', k: s.samples };
  return { kind: 'adaptive', ...DEFAULT_ADAPTIVE_RULE, minSamples: Math.min(DEFAULT_ADAPTIVE_RULE.minSamples, s.samples), maxSamples: s.samples };
}

/* ---------------------------------------------------------------- what a probe sends */

const HARMONY_FINAL = '<|start|>assistant<|channel|>final<|message|>';

/**
 * The raw prompt of a probe: the family template up to the assistant's thinking, the turn's
 * thinking, the end of thinking, then the answer lead. For think-tag families the bytes after
 * the template's opener are `assistantTurnText(turn)` (docs/fidelity.md, "Around the assistant
 * turn"); gpt-oss ends its analysis message and opens the final channel instead (the lead without
 * its blank line), a named approximation for `mrt`.
 */
export function renderProbePrompt(family: ModelFamily, userPrompt: string, turn: Pick<ProbeTurn, 'thinking' | 'answerLead'>): string {
  const prefix = renderThinkingPrefix(family, userPrompt, turn.thinking);
  if (family === 'gpt-oss') return `${prefix}<|end|>${HARMONY_FINAL}${turn.answerLead.replace(/^\n\n/, '')}`;
  return `${prefix}\n</think>${turn.answerLead}`;
}

/**
 * The probe turn for prefix `prefixIndex` of `subject` under the settings' recipe (`quick`: the
 * family's stop sentence, or the settings' own stop text and answer prefix).
 */
export function buildProbeTurn(s: Pick<ProbeSettings, 'recipe' | 'forcedStopText' | 'answerPrefix'>, family: ModelFamily, subject: ProbeSubject, prefixIndex: number): ProbeTurn {
  const turn = probeTurn(s.recipe, subject, prefixIndex, { quickStop: family === 'qwen3' ? 'qwen3' : 'mrt' });
  if (s.recipe !== 'quick' || (s.forcedStopText === undefined && s.answerPrefix === undefined)) return turn;
  const end = prefixIndex === 0 ? 0 : subject.episodes[prefixIndex - 1].end;
  const body = subject.thinking.slice(0, end).replace(/\s+$/, '');
  const stop = s.forcedStopText ?? (family === 'qwen3' ? QUICK_QWEN3_STOP_SENTENCE : QUICK_STOP_SENTENCE);
  const thinking = body === '' ? stop : stop === '' ? body : `${body}\n\n${stop}`;
  return { ...turn, thinking, answerLead: s.answerPrefix !== undefined ? `\n\n${s.answerPrefix}` : turn.answerLead };
}

/**
 * A live run's subject after `closed` episodes: while thinking goes on, the last closed episode
 * is a middle prefix (stop text); once thinking has ended, the whole thinking (`mrt`: "\n</think>").
 * Probe it at index `closed.length`.
 */
export function liveSubject(thinking: string, closed: readonly { text: string; end: number }[], thinkingEnded: boolean): ProbeSubject {
  return thinkingEnded ? { thinking, episodes: closed } : { thinking, episodes: [...closed, { text: '', end: thinking.length }] };
}

/**
 * The answer a probe gave, or null (a `noAnswer`): `mrt` MRT's last box of prompt + completion;
 * `quick` the completion up to its first unbalanced brace when the lead ends inside `\boxed{`,
 * else the last box of lead + completion (a custom answer prefix never yields a silent 0: no
 * box is a counted no-answer). An empty box is no answer.
 */
export function readProbeAnswer(recipe: ProbeSettings['recipe'], prompt: string, turn: Pick<ProbeTurn, 'answerLead'>, completion: string): string | null {
  let answer: string | null;
  if (recipe === 'mrt') answer = probeAnswer('mrt', prompt, completion);
  else if (turn.answerLead.endsWith('\\boxed{')) answer = readToUnbalancedBrace(completion).answer;
  else answer = mrtBoxedAnswer(turn.answerLead + completion);
  return answer === null || answer.trim() === '' ? null : answer;
}

/* ---------------------------------------------------------------- sampling */

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
  /** The answer read from the probe (readProbeAnswer), or null. */
  answer: string | null;
  /** Equivalence-class key of the answer (normalised), or null for no answer. */
  key: string | null;
  /** Raw completion text (kept for hedging checks). */
  text: string;
  /** Generated tokens (server's eval_count). */
  evalCount: number;
  /** The server's prompt_eval_count, when it gave one. */
  promptEvalCount?: number;
}

export interface PrefixEstimate {
  /** -1 for the empty-thinking prefix (prefix 0), else the episode index the prefix ends with. */
  index: number;
  /** Thinking tokens in the prefix (estimate). */
  prefixTokens: number;
  /** Our estimate of the probe prompt's tokens (fallback for the server's count). */
  promptEstimate: number;
  samples: ProbeSample[];
  stopReason: SamplingStop | 'error';
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
  /** Generated tokens of every probe. */
  evalTokens: number;
  /** Prompt tokens the server reported evaluating (a reused cache counts less). */
  promptEvalTokens?: number;
  failures: number;
}

/** Issues forced-answer probes for thinking prefixes and collects the samples. */
export class ForcedAnswerProber {
  readonly counters: ProbeCounters = { requests: 0, evalTokens: 0, promptEvalTokens: 0, failures: 0 };
  /** Problems the probe requests survived (lines from the server that were not JSON), for the trace. */
  readonly warnings: string[] = [];
  private seq = 0;

  constructor(
    private readonly backend: ModelBackend,
    readonly o: ProberOptions,
  ) {}

  /** The turn for a bare thinking prefix (a middle prefix: the thinking goes on after it). */
  turnForText(thinkingPrefix: string): ProbeTurn {
    const closed = thinkingPrefix === '' ? [] : [{ text: thinkingPrefix, end: thinkingPrefix.length }];
    return buildProbeTurn(this.o.settings, this.o.family, liveSubject(thinkingPrefix, closed, false), closed.length);
  }

  /**
   * Samples one prefix until the plan says stop (fixed K: all K at once). `judge` tells whether an
   * answer counts as correct, or null when the reference is not known yet (self basis, final
   * pending): the adaptive rule then uses the modal answer's count as a stand-in. `prefix` is the
   * probe turn, or a bare thinking prefix (turnForText).
   */
  async estimate(
    index: number,
    prefix: ProbeTurn | string,
    prefixTokens: number,
    judge: (answer: string | null) => boolean | null,
  ): Promise<PrefixEstimate> {
    const turn = typeof prefix === 'string' ? this.turnForText(prefix) : prefix;
    const prompt = renderProbePrompt(this.o.family, this.o.prompt, turn);
    const plan = samplingPlan(this.o.settings);
    const samples: ProbeSample[] = [];
    const base = { index, prefixTokens, promptEstimate: estimateTokens(prompt), samples };
    for (;;) {
      const verdicts = samples.map((s) => judge(s.answer));
      const hits = verdicts.some((v) => v === null) ? modalCount(samples.map((s) => s.key ?? NO_ANSWER_KEY)) : verdicts.filter(Boolean).length;
      const done = samplingDone(plan, Math.min(hits, samples.length), samples.length);
      if (done) return { ...base, stopReason: done };
      const size = Math.min(nextProbeCount(plan, samples.length), plan.kind === 'fixed' ? Infinity : Math.max(1, this.o.settings.concurrency));
      const batch = await Promise.allSettled(Array.from({ length: size }, () => this.o.limiter.run(() => this.sample(prompt, turn))));
      for (const r of batch) if (r.status === 'fulfilled') samples.push(r.value);
      const failed = batch.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) {
        if (this.o.signal.aborted) throw failed.reason;
        this.counters.failures++;
        const msg = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
        return { ...base, stopReason: 'error', error: msg };
      }
    }
  }

  private async sample(prompt: string, turn: ProbeTurn): Promise<ProbeSample> {
    if (this.o.signal.aborted) throw abortError();
    const s = this.o.settings;
    this.counters.requests++;
    const seed = this.o.seedBase + this.seq++;
    const res = await this.backend.generateRaw(
      {
        model: this.o.model,
        prompt,
        options: { temperature: s.temperature, ...(s.topP !== undefined ? { top_p: s.topP } : {}), num_predict: s.maxTokens, seed },
      },
      this.o.signal,
    );
    this.counters.evalTokens += res.evalCount;
    if (res.promptEvalCount !== undefined) this.counters.promptEvalTokens = (this.counters.promptEvalTokens ?? 0) + res.promptEvalCount;
    if (res.warnings) this.warnings.push(...res.warnings);
    const answer = readProbeAnswer(s.recipe, prompt, turn, res.text);
    return {
      answer,
      key: answer === null ? null : safeKey(this.o.keyOf, answer),
      text: res.text,
      evalCount: res.evalCount,
      ...(res.promptEvalCount !== undefined ? { promptEvalCount: res.promptEvalCount } : {}),
    };
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

/* ---------------------------------------------------------------- the book */

/**
 * Holds the estimates of every prefix and turns them into progress against the current
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

  /** Indices of prefixes with samples (-1 = prefix 0), ascending. */
  private probedIndices(): number[] {
    return [...this.estimates.entries()].filter(([, e]) => e.samples.length > 0).map(([i]) => i).sort((a, b) => a - b);
  }

  /**
   * Prompt tokens per probed prefix: the server's counts unless they look like a reused cache
   * (src/core/regret.ts choosePromptTokens), then our estimate for every prefix.
   */
  promptTokens(): PromptTokenChoice & { indices: number[] } {
    const indices = this.probedIndices();
    const choice = choosePromptTokens(
      indices.map((i) => {
        const e = this.estimates.get(i) as PrefixEstimate;
        return { server: e.samples.map((s) => s.promptEvalCount), estimate: e.promptEstimate };
      }),
    );
    return { ...choice, indices };
  }

  private judged(e: PrefixEstimate): JudgedProbe[] | null {
    const out: JudgedProbe[] = [];
    for (const s of e.samples) {
      const v = this.judge(s.answer);
      if (v === null) return null;
      out.push({ key: s.key, correct: v && s.key !== null });
    }
    return out;
  }

  /** A prefix's probes as stored (mu, interval, counts, histogram, entropy, tokens), or null. */
  prefixOf(index: number, tokens = this.promptTokens()): PrefixProbes | null {
    const e = this.estimates.get(index);
    if (!e || e.samples.length === 0) return null;
    const judged = this.judged(e);
    if (!judged) return null;
    const at = tokens.indices.indexOf(index);
    return prefixProbes(judged, {
      ...(at >= 0 ? { promptTokens: tokens.promptTokens[at] } : {}),
      rolloutTokens: e.samples.reduce((n, s) => n + s.evalCount, 0),
    });
  }

  muOf(index: number): number | null {
    return this.prefixOf(index)?.mu ?? null;
  }

  /** Progress of episode `index`, once its prefix and the one before are both estimated. */
  progressOf(index: number, tokens = this.promptTokens()): EpisodeProgress | null {
    const current = this.prefixOf(index, tokens);
    const previous = this.prefixOf(index - 1, tokens);
    if (!current || !previous) return null;
    return episodeProgress(current, previous, this.basis);
  }

  /** Episode indices (>= 0) that have an estimate, ascending. */
  episodeIndices(): number[] {
    return [...this.estimates.keys()].filter((i) => i >= 0).sort((a, b) => a - b);
  }

  /** The modal answer of a prefix and a completion behind it (for early stop). */
  representative(index: number): { key: string | null; text: string } | null {
    const e = this.estimates.get(index);
    if (!e || e.samples.length === 0) return null;
    const key = modalKey(e.samples.map((s) => s.key ?? NO_ANSWER_KEY));
    const sample = e.samples.find((s) => (s.key ?? NO_ANSWER_KEY) === key);
    return { key: key === NO_ANSWER_KEY ? null : key, text: sample?.text ?? '' };
  }

  /**
   * The trace's `probes` block: how the probes were made (recipe, K, sampling, interval methods,
   * the prompt-token counter), prefix 0, and `tokens`, what probing cost: per prefix, samples x
   * prompt tokens (as counted for the regret axis) + the generated tokens.
   */
  record(s: ProbeSettings, model?: string): TraceProbeSettings {
    const tokens = this.promptTokens();
    const prefix0 = this.prefixOf(-1, tokens);
    let cost = 0;
    tokens.indices.forEach((i, at) => {
      const e = this.estimates.get(i) as PrefixEstimate;
      cost += e.samples.length * tokens.promptTokens[at] + e.samples.reduce((n, x) => n + x.evalCount, 0);
    });
    return {
      recipe: s.recipe,
      k: s.samples,
      sampling: s.adaptive ? 'adaptive' : 'fixed',
      temperature: s.temperature ?? probeRecipe(s.recipe).sampling.temperature,
      topP: s.topP ?? 1,
      maxTokens: s.maxTokens ?? probeRecipe(s.recipe).sampling.maxTokens,
      basis: this.basis,
      interval: { method: DEFAULT_INTERVALS.method, level: DEFAULT_INTERVALS.level },
      deltaInterval: DEFAULT_INTERVALS.deltaMethod,
      ...(tokens.indices.length ? { promptTokenCounter: tokens.counter } : {}),
      ...(tokens.indices.length && tokens.reason ? { promptTokenFallback: tokens.reason } : {}),
      judge: probeJudgeName(s.recipe),
      ...(model ? { model } : {}),
      ...(prefix0 ? { prefix0 } : {}),
      tokens: cost,
    };
  }
}
