/**
 * Trace format version 2 (docs/trace-format.md, schema/trace.v2.schema.json). Version 2 only
 * adds optional fields to version 1 (probe recipe and honest statistics, MRT regret with its
 * comparator, per-attempt token costs, importance), so every version-1 trace reads unchanged.
 * Pure types: every layer imports these; nothing here does I/O.
 */

/** The version the tool writes. */
export const TRACE_FORMAT_VERSION = 2 as const;
/** Versions the tool reads. */
export type TraceFormatVersion = 1 | 2;
export const READABLE_TRACE_VERSIONS: readonly TraceFormatVersion[] = [1, 2];

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

/** A closed interval [low, high]. */
export type Interval = [number, number];

/** Forced-answer probe recipes (src/core/probe-recipes.ts): MRT's exact probe, or "answer-now accuracy". */
export type ProbeRecipeId = 'mrt' | 'quick';
/** `mrt-is-equiv`: MRT grader.py's strict `is_equiv`; `math-equivalent`: our math-aware equivalence. */
export type ProbeJudgeName = 'mrt-is-equiv' | 'math-equivalent';

/** Version 2: what one prefix's forced-answer probes found (shared by episodes and prefix 0). */
export interface PrefixProbes {
  /** Estimated probability that a forced answer here is correct (MRT mu_j under `probes.recipe`). */
  mu: number;
  /** Confidence interval on mu (method and level in `probes.interval`). */
  interval?: Interval;
  /** Forced-answer samples behind mu. */
  samples: number;
  /** Of those, judged correct. */
  correct?: number;
  /** Of those, no answer could be read (counted as not correct, and kept apart). */
  noAnswer?: number;
  /** Histogram: normalised answer text -> count. */
  answers: Record<string, number>;
  /** Shannon entropy of the answered samples' histogram in bits (samples without an answer left out); null when none answered. */
  entropy?: number | null;
  /** Prompt tokens of the probe request (problem + prefix), as counted by `probes.promptTokenCounter`. */
  promptTokens?: number;
  /** Completion tokens of all this prefix's probes, summed. */
  rolloutTokens?: number;
}

export interface EpisodeProgress extends PrefixProbes {
  /** mu_j - mu_(j-1); for episode 0, mu_0 - mu_prefix (the empty-thinking probe). */
  delta: number;
  /** Version 2: interval on delta (MOVER from the two mu intervals, `probes.deltaInterval`). */
  deltaInterval?: Interval;
  /** What "correct" meant: the gold answer, or the trace's own final answer. */
  basis: ProgressBasis;
  /** Version 2: the recipe behind this mu when it differs from `probes.recipe` (e.g. a live quick probe). */
  recipe?: ProbeRecipeId;
  /** Version 1: half-width of a 95% Wilson interval on mu. Version 2 writes `interval` instead. */
  ci?: number;
}

/** Version 2: how the trace's forced-answer probes were made, so every mu names its definition. */
export interface ProbeSettings {
  recipe: ProbeRecipeId;
  /** Samples per prefix (fixed K), or the adaptive rule's cap. */
  k: number;
  /** `fixed` (MRT: K samples per prefix) or `adaptive` (a Beta-posterior width rule; biased, see docs/fidelity.md). */
  sampling: 'fixed' | 'adaptive';
  temperature: number;
  topP: number;
  maxTokens: number;
  /** What "correct" meant for every prefix. */
  basis: ProgressBasis;
  /** Interval method and level on mu, and the method on delta. */
  interval: { method: 'clopper-pearson' | 'wilson' | 'jeffreys'; level: number };
  deltaInterval?: 'mover-clopper-pearson' | 'newcombe';
  /** Who counted `promptTokens`: the server's prompt_eval_count, or our estimate (fallback when the server reuses a cached prompt). */
  promptTokenCounter?: 'server' | 'estimate';
  /** Why the server's prompt counts were not used (promptTokenCounter `estimate`), e.g. a reused prompt cache. */
  promptTokenFallback?: string;
  /** How probe answers were compared with the reference (src/core/probe-recipes.ts probeJudge); absent in traces written before it was recorded: math-equivalent. */
  judge?: ProbeJudgeName;
  /** Model that answered the probes, when not the trace's own. */
  model?: string;
  /** Prefix 0: the empty thinking (a solve with no thinking). */
  prefix0?: PrefixProbes;
  /** Tokens all probes cost (prompt + completion), the probing charge of this trace. */
  tokens?: number;
}

/** Version 2: counterfactual importance of an episode (docs/importance.md; Thought Anchors' definitions). */
export interface EpisodeImportance {
  /** Measure and variant name, e.g. "counterfactual-kl" or "counterfactual-kl@episodes". */
  method: string;
  value: number;
  interval?: Interval;
  /** Rollouts resampled from the prefix before this episode. */
  samples: number;
  /** Of those, replacements too similar to the episode (filtered by counterfactual measures). */
  similar?: number;
  /** Why adaptive allocation stopped sampling: clearly small, ranked, clearly large, or the cap. */
  settled?: 'small' | 'ranked' | 'large' | 'cap';
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
  /** Version 2. */
  importance?: EpisodeImportance;
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
  /**
   * Version 2: J*, what the curve is compared with. `oracle` (J* = 1, regret.ipynb) on MRT's x
   * axis (probe prompt tokens + rollout tokens / 16). Absent in version 1, whose regret used
   * thinking tokens and is a different quantity.
   */
  comparator?: 'oracle';
}

/** Version 2: MRT Definition 4.1 over a common episode budget k, one entry per comparator. */
export interface CumulativeRegretEntry {
  comparator: 'oracle' | 'majority';
  k: number;
  /**
   * Sum over the first k prefixes of (J*_j - mu_j). `oracle` extends the last prefix's mu flat
   * past the trace's end (never null); `majority` sums only prefixes the trace has. Null when
   * the comparator could not be computed (e.g. too many samples per prefix for exact maj@k).
   */
  value: number | null;
  /** value / the comparator's summed success over the same prefixes (regret_additional.ipynb); for `oracle` that is k. */
  normalized: number | null;
}

export interface TraceMetrics {
  thinkingTokens: number;
  responseTokens: number;
  episodes: number;
  /** Index of the first episode whose intermediate answer is correct, or null. */
  firstCorrectEpisode: number | null;
  /** Thinking tokens spent after the end of the first correct episode, or null. */
  tokensAfterFirstCorrect: number | null;
  /**
   * Version 1: a number, the sum over probed episodes of (1 - mu_j) (no shared budget).
   * Version 2: a list, one entry per comparator over a common episode budget k.
   */
  cumulativeRegret?: number | CumulativeRegretEntry[];
  regret?: RegretAtBudget[];
  /** Version 2: who counted the token numbers: the server, our estimate, or a named tokenizer (`tokenizer:<name>`). */
  tokenCounter?: string;
  /** Version 2: tokens the forced-answer probes cost (also in `probes.tokens`). */
  probeTokens?: number;
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
  /** Per-episode rule ({ window, plateau }; mode "episode" left out), or Dynasor-CoT probes every N thinking tokens. */
  earlyStop?: boolean | { mode?: 'episode'; window: number; plateau?: number } | { mode: 'dynasor'; everyTokens: number; window: number; plateau?: undefined };
  /** Sequential voting: up to n answers, stop when m agree. */
  vote?: { n: number; m: number; adaptive?: boolean };
  think?: boolean | 'low' | 'medium' | 'high';
}

/** Version 2: what one attempt of a sequential vote (or the single attempt) cost and answered. */
export interface AttemptCost {
  index: number;
  thinkingTokens: number;
  responseTokens: number;
  /** Forced-answer probe tokens spent deciding about this attempt (adaptive voting, early stop). */
  probeTokens?: number;
  answer?: string | null;
  stop?: StopReason;
}

export interface TraceBudget {
  policy: BudgetPolicy;
  decisions: BudgetDecision[];
  stop: StopReason;
  /** Version 2: every attempt's tokens; totals, reports and accuracy-vs-tokens use their sum. */
  attempts?: AttemptCost[];
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
  version: TraceFormatVersion;
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
  /** Version 2: how the forced-answer probes behind `episodes[].progress` were made. */
  probes?: ProbeSettings;
  /** Error message if the trace ended with an error (partial traces are kept). */
  error?: string;
  /** Problems the run survived (e.g. a line from the server that was not JSON, skipped), each naming the host. */
  warnings?: string[];
}
