/**
 * The contract between a run (src/runs/solve.ts) and its front ends (CLI, extension).
 * Front ends subscribe to RunEvents; the webview receives them batched (never one message per token).
 */
import type { BudgetDecision, BudgetPolicy, Episode, EpisodeProgress, SegmentMode, Trace } from '../core/trace';
import type { SamplingOptions } from '../model/types';
import type { ProbeRecipeName } from '../core/probe-recipes';

export interface ProbeSettings {
  /**
   * Which probe (src/core/probe-recipes.ts): `mrt` = MRT's pass_at_k_given_prefix.py exactly
   * (mu = MRT's J_r); `quick` = "answer-now accuracy" (an immediate boxed answer, 32 tokens).
   */
  recipe: ProbeRecipeName;
  /** Samples per prefix: fixed K (MRT: 8), or the adaptive rule's cap. */
  samples: number;
  /** Probe requests in flight at once (shared across the run). */
  concurrency: number;
  /** Adaptive sampling (Beta-posterior width rule, src/core/probe-estimate.ts; biased, see docs/fidelity.md) instead of fixed K. */
  adaptive: boolean;
  /** Generated tokens per probe; default the recipe's (mrt 4096, quick 32). */
  maxTokens?: number;
  /** Default the recipe's (0.6). */
  temperature?: number;
  /** Nucleus sampling; default the recipe's (mrt 0.95, quick: the server's). */
  topP?: number;
  /** `quick` only: text that forces the end of thinking, and the text that starts the answer. */
  forcedStopText?: string;
  answerPrefix?: string;
  /** Token budgets C0 for MRT's normalised regret, shared by every trace (default DEFAULT_REGRET_BUDGETS). */
  regretBudgets?: number[];
  /** Common episode budget k for cumulative regret (default DEFAULT_REGRET_K). */
  regretK?: number;
}

export interface SolveOptions {
  problem: string;
  model: string;
  gold?: string | null;
  id?: string;
  /** Extra instruction appended to the problem (default asks for \boxed{}). */
  instruction?: string;
  /** Budget, including `think` (the think level lives only here). */
  budget?: BudgetPolicy;
  /** Progress probes; omit or false for none. */
  progress?: Partial<ProbeSettings> | false;
  segment?: { mode?: SegmentMode; maxSteps?: number; groupSize?: number; markers?: string[] };
  sampling?: SamplingOptions;
  /** Abort the run if no chunk arrives for this long (ms). */
  idleTimeoutMs?: number;
  /** Text forcing the answer after a budget stop: `boxed` (default; MRT/Qwen3 stop sentence + `\boxed{`) or `s1` ("Final Answer:"). */
  forcing?: 'boxed' | 's1';
}

export type RunStatus = 'starting' | 'thinking' | 'answering' | 'voting' | 'probing' | 'done' | 'cancelled' | 'error';

export type RunEvent =
  | { type: 'started'; id: string; model: string; problem: string; gold: string | null; policy: BudgetPolicy; at: number }
  | { type: 'status'; status: RunStatus; detail?: string }
  | { type: 'episode-opened'; episode: Episode }
  /** The open episode grew: full text so far (not a delta) and its token estimate. */
  | { type: 'episode-grew'; index: number; text: string; end: number; tokens: number }
  | { type: 'episode-closed'; episode: Episode }
  | { type: 'answer-seen'; episodeIndex: number; answer: string; verdict: Episode['verdict'] }
  | { type: 'response-grew'; text: string }
  | { type: 'probe-result'; episodeIndex: number; progress: EpisodeProgress; prefixTokens: number }
  | { type: 'budget-decision'; decision: BudgetDecision }
  | { type: 'tokens'; thinkingTokens: number; responseTokens: number; elapsedMs: number }
  | { type: 'done'; trace: Trace }
  | { type: 'error'; message: string; kind: string; trace: Trace };

export type RunListener = (event: RunEvent) => void;

/** What front ends hold on to while a run is live. Implemented by SolveRun in src/runs/solve.ts. */
export interface RunHandle {
  readonly id: string;
  on(listener: RunListener): () => void;
  /** Resolves with the finished (or partial, on cancel/error) trace; never rejects. */
  readonly finished: Promise<Trace>;
  cancel(): void;
  /** The trace as it stands now (valid format v1, partial while running). */
  snapshot(): Trace;
}
