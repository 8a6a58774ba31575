/**
 * Trace format version 1 (see README "Trace format" and schema/trace.v1.schema.json).
 * Pure types: every layer imports these; nothing here does I/O.
 */

export const TRACE_FORMAT_VERSION = 1 as const;

export type Verdict = 'correct' | 'incorrect' | 'none';
export type ProgressBasis = 'gold' | 'self';
export type StopReason = 'done' | 'length' | 'budget' | 'cancelled' | 'error';
export type SegmentMode = 'mrt' | 'auto' | 'sentence';

/** Labels an episode can carry (documented cue lists in src/core/labels.ts). */
export type EpisodeLabel =
  | 'verification'
  | 'backtracking'
  | 'alternative'
  | 'planning'
  | 'computation'
  | 'answer';

export type AnswerSource = 'rule' | 'model';

/**
 * What a verification episode did to the standing answer: kept it (`confirmed`), replaced it
 * (`changed`, from `standingAnswer` to `answer`), stated none (`no-answer`), or stated the
 * first answer of the trace (`stated`, nothing stood before). Traces written before
 * `no-answer`/`stated` existed carry only the first two, and read unchanged.
 */
export type SelfCheck = 'confirmed' | 'changed' | 'no-answer' | 'stated';

export interface EpisodeProgress {
  /** Estimated probability that a forced answer after this episode is correct (MRT mu_j). */
  mu: number;
  /** mu_j - mu_(j-1); for episode 0, mu_0 - mu_prefix (the empty-thinking probe). */
  delta: number;
  /** Number of forced-answer samples behind mu. */
  samples: number;
  /** Histogram: normalised answer text -> count. */
  answers: Record<string, number>;
  /** What "correct" meant: the gold answer, or the trace's own final answer. */
  basis: ProgressBasis;
  /** Half-width of a 95% Wilson interval on mu (optional, set by live probes). */
  ci?: number;
}

export interface Episode {
  index: number;
  /** Character offsets into `thinking`, end exclusive. */
  start: number;
  end: number;
  text: string;
  /** The reconsideration marker that opened the episode ("Wait", "Alternatively", ...), if any. */
  opener?: string;
  tokens: number;
  labels: EpisodeLabel[];
  /** Intermediate answer stated in this episode, if any. */
  answer?: string;
  /** Who read `answer` out of the text: the rule extractor, or the local model (opt-in). */
  answerSource?: AnswerSource;
  /** Where `answer` is stated: character offsets into `thinking` (end exclusive), when known. */
  answerRange?: [number, number];
  verdict: Verdict;
  /** For verification episodes: what the check did to the standing answer (src/core/self-check.ts). */
  check?: SelfCheck;
  /** The standing answer the check was made against (the last answer stated before it), when one stood. */
  standingAnswer?: string;
  progress?: EpisodeProgress;
}

export interface FinalAnswer {
  answer: string | null;
  correct: boolean | null;
  /** Why the grader decided as it did (e.g. "numeric: 0.5 = 1/2"). */
  reason?: string;
}

export interface RegretAtBudget {
  budget: number;
  /** 1 - area under the mu-vs-tokens curve / budget (MRT's normalised regret). */
  normalized: number;
}

export interface TraceMetrics {
  thinkingTokens: number;
  responseTokens: number;
  episodes: number;
  /** Index of the first episode whose intermediate answer is correct, or null. */
  firstCorrectEpisode: number | null;
  /** Thinking tokens spent after the end of the first correct episode, or null. */
  tokensAfterFirstCorrect: number | null;
  /** Sum over probed episodes of (1 - mu_j) (MRT cumulative regret with J* = 1). */
  cumulativeRegret?: number;
  regret?: RegretAtBudget[];
  /** Timing from the model server (ms), when the trace came from a live run. */
  durationMs?: number;
  promptTokens?: number;
  evalTokens?: number;
  tokensPerSecond?: number;
}

export type BudgetDecisionKind =
  | 'forced-stop'
  | 'extension'
  | 'max-episodes'
  | 'early-stop'
  | 'vote'
  | 'think-level'
  | 'cancelled';

export interface BudgetDecision {
  kind: BudgetDecisionKind;
  /** Thinking tokens at the moment of the decision. */
  atTokens: number;
  /** Episode index at the moment of the decision, when known. */
  atEpisode?: number;
  detail: string;
  /** Extra structured data (vote tallies, appended text, ...). */
  data?: Record<string, unknown>;
}

export interface BudgetPolicy {
  maxThinkingTokens?: number;
  minThinkingTokens?: number;
  /** At most this many "Wait" extensions. */
  extensions?: number;
  extensionText?: string;
  maxEpisodes?: number;
  earlyStop?: boolean | { window: number; plateau?: number };
  /** Sequential voting: up to n answers, stop when m agree. */
  vote?: { n: number; m: number; adaptive?: boolean };
  think?: boolean | 'low' | 'medium' | 'high';
}

export interface TraceBudget {
  policy: BudgetPolicy;
  decisions: BudgetDecision[];
  stop: StopReason;
}

export interface TraceSource {
  /** "ollama", "import:thought-anchors", "import:qwen-math-eval", "import:text", ... */
  kind: string;
  /** File path, line or host the trace came from. */
  path?: string;
  line?: number;
  host?: string;
  createdAt?: string;
  /** Segmentation settings used. */
  segmentation?: { mode: SegmentMode; maxSteps?: number; groupSize?: number };
  /** Anything else the importer kept (original fields not in the format). */
  extra?: Record<string, unknown>;
}

export interface Trace {
  version: typeof TRACE_FORMAT_VERSION;
  id: string;
  problem: string;
  gold?: string | null;
  model?: string | null;
  source: TraceSource;
  thinking: string;
  response: string;
  /** True when thinking never reached its end marker (cut off). */
  truncated?: boolean;
  episodes: Episode[];
  final: FinalAnswer;
  metrics: TraceMetrics;
  budget?: TraceBudget;
  /** Error message if the trace ended with an error (partial traces are kept). */
  error?: string;
  /** Problems the run survived (e.g. a line from the server that was not JSON, skipped), each naming the host. */
  warnings?: string[];
}
