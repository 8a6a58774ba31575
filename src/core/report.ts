/**
 * Dataset report: pure computation over annotated traces (no I/O). Accuracy, tokens, regret,
 * where the first correct episode falls and what was spent after it, label frequencies, the
 * mean progress curve, and the accuracy a thinking-token cap would have given (from probes).
 */
import { emptySelfCheckSummary, addSelfChecks, type SelfCheckReport } from './self-check';
import { describeSelfCheckCounts, describeSelfCheckEffects } from './self-check-text';
import type { EpisodeLabel, ProgressBasis, Trace } from './trace';
import { spentResponseTokens, spentThinkingTokens } from './budget';

export interface Stat {
  n: number;
  mean: number | null;
  median: number | null;
  min: number | null;
  max: number | null;
}

export interface CurvePoint {
  /** Episode index, or the upper edge of a token bucket. */
  x: number;
  mean: number;
  n: number;
}

export interface BudgetPoint {
  budget: number;
  /** Expected accuracy with thinking capped at `budget` tokens. */
  accuracy: number | null;
  /** Traces that count at this budget (graded, and probed or finished before the cap). */
  n: number;
  /** Of those, how many had finished thinking before the cap (their final correctness counts). */
  finishedBefore: number;
}

export interface GroupSummary {
  traces: number;
  graded: number;
  correct: number;
  accuracy: number | null;
  errors: number;
  truncated: number;
  /**
   * Traces whose source record carried no reasoning (a reader marked `source.extra.noReasoning`:
   * a chat turn without a reasoning field or tags, an eval log that kept none) or whose thinking
   * is empty: counted so a dataset that lost its reasoning on the way is seen, not averaged in.
   */
  noReasoning: number;
  stops: Record<string, number>;
  thinkingTokens: Stat;
  responseTokens: Stat;
  episodes: Stat;
  /** Share of graded traces with at least one correct intermediate answer. */
  anyCorrectEpisode: number | null;
  firstCorrectEpisode: Stat;
  /** (first correct index + 1) / episodes: 0 early … 1 at the very end. */
  firstCorrectRelative: Stat;
  tokensAfterFirstCorrect: Stat;
  /** tokensAfterFirstCorrect / thinkingTokens, over traces that had a correct episode. */
  overthinkingShare: Stat;
  labels: Record<string, { episodes: number; share: number }>;
  verdicts: Record<string, number>;
  /**
   * Episodes with an intermediate answer that are correct, over episodes with a graded answer
   * (verdict correct or incorrect); null when none is graded.
   */
  intermediateAccuracy: number | null;
  /** What verification episodes did to the standing answer, graded (src/core/self-check.ts). */
  selfChecks: SelfCheckReport;
  /** Traces with any probed episode (both bases). */
  probedTraces: number;
  /**
   * Everything built on mu, one entry per basis present (gold first): a mu judged against the
   * gold answer and one judged against the trace's own final answer are different quantities,
   * so they are never averaged together.
   */
  probes: ProbeSummary[];
  /** Uses gold-basis mu only (a self-basis mu is not an accuracy). */
  accuracyByBudget: BudgetPoint[];
}

/** Normalised regret entries that may be averaged together: same definition, same budget. */
export interface RegretMean {
  /** `oracle`: MRT's regret.ipynb on its x axis (version 2); `thinking-tokens-v1`: version 1's variant on thinking tokens. */
  kind: 'oracle' | 'thinking-tokens-v1';
  budget: number;
  mean: number;
  n: number;
}

/** Mean of per-trace normalised cumulative regret (MRT Definition 4.1) for one comparator and episode budget k. */
export interface CumulativeRegretMean {
  comparator: 'oracle' | 'majority';
  k: number;
  /** Mean over the traces that have a ratio (regret_additional.ipynb pools per-trace ratios). */
  meanNormalized: number | null;
  n: number;
  /** Traces with an entry but no ratio (too few prefixes, or the comparator never succeeds). */
  skipped: number;
}

export interface ProbeSummary {
  basis: ProgressBasis;
  /** Probed traces of this basis. */
  traces: number;
  /** Probe recipe -> traces (`unrecorded`: a version-1 trace, whose recipe was the immediate-answer probe). */
  recipes: Record<string, number>;
  progressByEpisode: CurvePoint[];
  progressByTokens: { bucket: number; points: CurvePoint[] };
  normalizedRegret: RegretMean[];
  cumulativeRegret: CumulativeRegretMean[];
  /** Version-1 traces' number: sum of (1 − mu) over the trace's own probed episodes (no shared budget). */
  cumulativeRegretV1: Stat;
  /** Tokens probing cost per trace (version 2 `metrics.probeTokens`). */
  probeTokens: Stat;
  /** The same as labelled rows (measure, value), each naming its definition: what the text report and the dataset view show. */
  rows: [string, string][];
}

export const BASIS_TEXT: Record<ProgressBasis, string> = {
  gold: 'gold basis: mu = forced answers matching the gold answer',
  self: "self basis: mu = forced answers matching the trace's own final answer (not an accuracy)",
};

const fmt = (v: number | null, digits: number) => (v === null ? '–' : v.toFixed(digits));
const statLine = (s: Stat, digits: number) => (s.n === 0 ? '–' : `${fmt(s.mean, digits)} mean (median ${fmt(s.median, digits)}, n=${s.n})`);

function probeRows(p: Omit<ProbeSummary, 'rows'>): [string, string][] {
  const rows: [string, string][] = [
    ['probed traces', `${p.traces} (${BASIS_TEXT[p.basis]}); recipe: ${Object.entries(p.recipes).map(([r, n]) => `${r === 'unrecorded' ? 'unrecorded (version 1)' : r} ${n}`).join(', ')}`],
  ];
  for (const kind of ['oracle', 'thinking-tokens-v1'] as const) {
    const entries = p.normalizedRegret.filter((r) => r.kind === kind);
    if (entries.length === 0) continue;
    const name = kind === 'oracle' ? 'normalised regret (MRT regret.ipynb, J* = 1, x = probe prompt + rollout tokens / 16)' : 'normalised regret (version-1 variant: mu over thinking tokens)';
    rows.push([name, entries.map((r) => `${r.budget}: ${r.mean.toFixed(3)} (n=${r.n})`).join('; ')]);
  }
  for (const c of p.cumulativeRegret) {
    const name = c.comparator === 'oracle' ? 'cumulative regret (MRT Def. 4.1, J* = 1' : 'cumulative regret (MRT Def. 4.1, J* = maj@k of the probe answers';
    rows.push([`${name}, k = ${c.k}), mean normalised`, `${fmt(c.meanNormalized, 3)} (n=${c.n}${c.skipped ? `, ${c.skipped} without a ratio` : ''})`]);
  }
  if (p.cumulativeRegretV1.n > 0) rows.push(['cumulative regret (version-1 variant: sum of 1 − mu over own probed episodes)', statLine(p.cumulativeRegretV1, 2)]);
  if (p.probeTokens.n > 0) rows.push(['tokens spent on probes per trace', statLine(p.probeTokens, 0)]);
  return rows;
}

export interface DatasetReport {
  generatedAt: string;
  overall: GroupSummary;
  /** Per model, when more than one model appears. */
  models: Record<string, GroupSummary>;
}

export function stat(values: readonly number[]): Stat {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return { n: 0, mean: null, median: null, min: null, max: null };
  const mid = v.length >> 1;
  return {
    n: v.length,
    mean: v.reduce((a, b) => a + b, 0) / v.length,
    median: v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2,
    min: v[0],
    max: v[v.length - 1],
  };
}

const ALL_LABELS: EpisodeLabel[] = ['verification', 'backtracking', 'alternative', 'planning', 'computation', 'answer'];

/** Cumulative thinking tokens at the end of each episode. */
export function episodeEndTokens(trace: Trace): number[] {
  let sum = 0;
  return trace.episodes.map((e) => (sum += Math.max(0, e.tokens || 0)));
}

/** The basis of a trace's probes: the recorded one (version 2), else its first probed episode's. */
export function probeBasis(trace: Trace): ProgressBasis | null {
  return trace.probes?.basis ?? trace.episodes.find((e) => e.progress)?.progress?.basis ?? null;
}

/** mu of the empty-thinking prefix: recorded (version 2), else recovered from episode 0 (its delta is mu_0 - mu_empty). */
function emptyPrefixMu(trace: Trace): number | null {
  if (trace.probes?.prefix0) return trace.probes.prefix0.mu;
  const p = trace.episodes[0]?.progress;
  return p ? Math.min(1, Math.max(0, p.mu - p.delta)) : null;
}

/**
 * What a thinking cap of `budget` tokens would have scored on this trace: the final correctness
 * if thinking ended within the cap, else mu of the last probed prefix that fits (the empty
 * prefix counts); null when ungraded or when nothing probed fits.
 */
export function cappedScore(trace: Trace, budget: number): { score: number; finished: boolean } | null {
  if (trace.final.correct === null || trace.final.correct === undefined) return null;
  const total = spentThinkingTokens(trace); // every vote attempt's thinking (budget.attempts)
  if (total <= budget && !trace.truncated) return { score: trace.final.correct ? 1 : 0, finished: true };
  // A self-basis mu measures agreement with the trace's own answer, not accuracy.
  if (probeBasis(trace) !== 'gold') return null;
  const ends = episodeEndTokens(trace);
  let score: number | null = emptyPrefixMu(trace);
  for (let j = 0; j < trace.episodes.length; j++) {
    if (ends[j] > budget) break;
    const mu = trace.episodes[j].progress?.mu;
    if (mu !== undefined) score = mu;
  }
  return score === null ? null : { score, finished: false };
}

/** Budgets: powers of two from 256 up to the largest trace, capped at 2^17. */
export function defaultBudgets(traces: readonly Trace[]): number[] {
  const max = Math.max(0, ...traces.map((t) => spentThinkingTokens(t)));
  const out: number[] = [];
  for (let b = 256; b <= 131072; b *= 2) {
    out.push(b);
    if (b >= max) break;
  }
  return out;
}

/** Token bucket width giving about 20 buckets, rounded to a power of two (min 64). */
export function defaultBucket(traces: readonly Trace[]): number {
  const max = Math.max(1, ...traces.map((t) => t.metrics.thinkingTokens || 0));
  return Math.max(64, 2 ** Math.ceil(Math.log2(max / 20)));
}

function meanCurve(rows: Map<number, number[]>): CurvePoint[] {
  return [...rows.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([x, v]) => ({ x, mean: v.reduce((a, b) => a + b, 0) / v.length, n: v.length }));
}

export function summarize(traces: readonly Trace[], opts: { budgets?: number[]; bucket?: number } = {}): GroupSummary {
  const budgets = opts.budgets ?? defaultBudgets(traces);
  const bucket = opts.bucket ?? defaultBucket(traces);
  const graded = traces.filter((t) => t.final.correct === true || t.final.correct === false);
  const correct = graded.filter((t) => t.final.correct === true).length;
  const stops: Record<string, number> = {};
  const verdicts: Record<string, number> = {};
  const labelCounts = new Map<string, number>(ALL_LABELS.map((l) => [l, 0]));
  let episodeTotal = 0;
  let probedTraces = 0;
  const selfChecks = emptySelfCheckSummary();

  for (const t of traces) {
    addSelfChecks(selfChecks, t);
    const stop = t.budget?.stop ?? (t.error ? 'error' : 'done');
    stops[stop] = (stops[stop] ?? 0) + 1;
    for (const e of t.episodes) {
      episodeTotal++;
      verdicts[e.verdict] = (verdicts[e.verdict] ?? 0) + 1;
      for (const l of new Set(e.labels)) labelCounts.set(l, (labelCounts.get(l) ?? 0) + 1);
    }
    if (t.episodes.some((e) => e.progress)) probedTraces++;
  }
  const probes = (['gold', 'self'] as const)
    .map((basis) => summarizeProbes(basis, traces.filter((t) => t.episodes.some((e) => e.progress) && probeBasis(t) === basis), bucket))
    .filter((s) => s.traces > 0);

  const withCorrectEpisode = graded.filter((t) => t.metrics.firstCorrectEpisode !== null && t.metrics.firstCorrectEpisode !== undefined);
  const fce = traces.filter((t) => typeof t.metrics.firstCorrectEpisode === 'number');

  const accuracyByBudget: BudgetPoint[] = budgets.map((budget) => {
    const scores = traces.map((t) => cappedScore(t, budget)).filter((s): s is { score: number; finished: boolean } => s !== null);
    return {
      budget,
      accuracy: scores.length ? scores.reduce((a, s) => a + s.score, 0) / scores.length : null,
      n: scores.length,
      finishedBefore: scores.filter((s) => s.finished).length,
    };
  });

  const labels: GroupSummary['labels'] = {};
  for (const [l, c] of labelCounts) labels[l] = { episodes: c, share: episodeTotal ? c / episodeTotal : 0 };

  return {
    traces: traces.length,
    graded: graded.length,
    correct,
    accuracy: graded.length ? correct / graded.length : null,
    errors: traces.filter((t) => t.error).length,
    truncated: traces.filter((t) => t.truncated).length,
    noReasoning: traces.filter((t) => t.source?.extra?.noReasoning === true || t.thinking.trim() === '').length,
    stops,
    thinkingTokens: stat(traces.map(spentThinkingTokens)),
    responseTokens: stat(traces.map(spentResponseTokens)),
    episodes: stat(traces.map((t) => t.episodes.length)),
    anyCorrectEpisode: graded.length ? withCorrectEpisode.length / graded.length : null,
    firstCorrectEpisode: stat(fce.map((t) => t.metrics.firstCorrectEpisode as number)),
    firstCorrectRelative: stat(fce.filter((t) => t.episodes.length > 0).map((t) => ((t.metrics.firstCorrectEpisode as number) + 1) / t.episodes.length)),
    tokensAfterFirstCorrect: stat(traces.map((t) => t.metrics.tokensAfterFirstCorrect).filter((x): x is number => typeof x === 'number')),
    overthinkingShare: stat(
      traces
        .filter((t) => typeof t.metrics.tokensAfterFirstCorrect === 'number' && t.metrics.thinkingTokens > 0)
        .map((t) => (t.metrics.tokensAfterFirstCorrect as number) / t.metrics.thinkingTokens),
    ),
    labels,
    verdicts,
    intermediateAccuracy: (verdicts.correct ?? 0) + (verdicts.incorrect ?? 0) > 0 ? (verdicts.correct ?? 0) / ((verdicts.correct ?? 0) + (verdicts.incorrect ?? 0)) : null,
    selfChecks: { ...selfChecks, text: { counts: describeSelfCheckCounts(selfChecks), effects: describeSelfCheckEffects(selfChecks) } },
    probedTraces,
    probes,
    accuracyByBudget,
  };
}

/** Probe-derived numbers over traces of one basis. */
function summarizeProbes(basis: ProgressBasis, traces: readonly Trace[], bucket: number): ProbeSummary {
  const byEpisode = new Map<number, number[]>();
  const byTokens = new Map<number, number[]>();
  const regret = new Map<string, { kind: RegretMean['kind']; budget: number; values: number[] }>();
  const cumulative = new Map<string, { comparator: CumulativeRegretMean['comparator']; k: number; ratios: number[]; skipped: number }>();
  const recipes: Record<string, number> = {};
  for (const t of traces) {
    const recipe = t.probes?.recipe ?? 'unrecorded';
    recipes[recipe] = (recipes[recipe] ?? 0) + 1;
    const ends = episodeEndTokens(t);
    t.episodes.forEach((e, j) => {
      if (!e.progress) return;
      push(byEpisode, j, e.progress.mu);
      push(byTokens, Math.ceil(Math.max(1, ends[j]) / bucket) * bucket, e.progress.mu);
    });
    for (const r of t.metrics.regret ?? []) {
      const kind = r.comparator === 'oracle' ? 'oracle' : 'thinking-tokens-v1';
      const key = `${kind}@${r.budget}`;
      const entry = regret.get(key) ?? { kind, budget: r.budget, values: [] };
      entry.values.push(r.normalized);
      regret.set(key, entry);
    }
    if (Array.isArray(t.metrics.cumulativeRegret)) {
      for (const c of t.metrics.cumulativeRegret) {
        const key = `${c.comparator}@${c.k}`;
        const entry = cumulative.get(key) ?? { comparator: c.comparator, k: c.k, ratios: [], skipped: 0 };
        if (c.normalized === null) entry.skipped++;
        else entry.ratios.push(c.normalized);
        cumulative.set(key, entry);
      }
    }
  }
  const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const summary: Omit<ProbeSummary, 'rows'> = {
    basis,
    traces: traces.length,
    recipes,
    progressByEpisode: meanCurve(byEpisode),
    progressByTokens: { bucket, points: meanCurve(byTokens) },
    normalizedRegret: [...regret.values()]
      .sort((a, b) => a.kind.localeCompare(b.kind) || a.budget - b.budget)
      .map((r) => ({ kind: r.kind, budget: r.budget, mean: mean(r.values), n: r.values.length })),
    cumulativeRegret: [...cumulative.values()]
      .sort((a, b) => a.comparator.localeCompare(b.comparator) || a.k - b.k)
      .map((c) => ({ comparator: c.comparator, k: c.k, meanNormalized: c.ratios.length ? mean(c.ratios) : null, n: c.ratios.length, skipped: c.skipped })),
    cumulativeRegretV1: stat(traces.map((t) => t.metrics.cumulativeRegret).filter((x): x is number => typeof x === 'number')),
    probeTokens: stat(traces.map((t) => t.metrics.probeTokens ?? t.probes?.tokens).filter((x): x is number => typeof x === 'number')),
  };
  return { ...summary, rows: probeRows(summary) };
}

function push(m: Map<number, number[]>, k: number, v: number): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}

/**
 * The trace as computeReport reads it, without its texts: the problem, the response and each
 * episode's text emptied, the thinking kept only as empty or not (the report counts traces with
 * none). A reader that keeps traces only to report on them at the end (the dataset view's
 * worker, over files of any size) keeps these: about a quarter of a trace's JSON. The report
 * is the same for both (test/dataset/report-slim.test.ts, on the real traces and on probed ones).
 */
export function slimForReport(trace: Trace): Trace {
  return {
    ...trace,
    problem: '',
    thinking: trace.thinking.trim() === '' ? '' : '…',
    response: '',
    episodes: trace.episodes.map((e) => ({ ...e, text: '' })),
  };
}

export function computeReport(traces: readonly Trace[], opts: { budgets?: number[]; bucket?: number; now?: Date } = {}): DatasetReport {
  // One budget grid and bucket width for every group so the model columns line up.
  const shared = { budgets: opts.budgets ?? defaultBudgets(traces), bucket: opts.bucket ?? defaultBucket(traces) };
  const byModel = new Map<string, Trace[]>();
  for (const t of traces) {
    const m = t.model ?? '(unknown model)';
    const list = byModel.get(m);
    if (list) list.push(t);
    else byModel.set(m, [t]);
  }
  const models: Record<string, GroupSummary> = {};
  if (byModel.size > 1) for (const [m, list] of [...byModel.entries()].sort()) models[m] = summarize(list, shared);
  return { generatedAt: (opts.now ?? new Date()).toISOString(), overall: summarize(traces, shared), models };
}
