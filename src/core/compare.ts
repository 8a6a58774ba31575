/**
 * Compare Traces: two or more traces (usually of one problem: two budgets, two models, before
 * and after a fine-tune) aligned by episode index or by thinking-token position, a summary
 * table whose rows say where the traces differ, and the first point where their intermediate
 * answers diverge. Pure: the CLI prints it, the extension sends it to the compare view.
 * Every number's definition: docs/compare.md.
 */
import { cumulativeRegret, normalizedRegret, progressPoints } from './metrics';
import type { BudgetDecision, BudgetPolicy, EpisodeLabel, EpisodeProgress, Trace, Verdict } from './trace';
import { equivalent } from './verdicts';
import { muInterval } from './mu-interval';

export type Alignment = 'index' | 'tokens';
export const ALIGNMENTS: readonly Alignment[] = ['index', 'tokens'];

/** The most traces one comparison shows (the chart's colours stay distinguishable). */
export const MAX_COMPARED = 8;

export interface CompareEntry {
  trace: Trace;
  /** What the table calls this trace; default: its model (or id), made unique. */
  label?: string;
}

/** One episode, reduced to what the comparison aligns and draws (no episode text). */
export interface ComparedEpisode {
  index: number;
  /** Thinking tokens before this episode and at its end: running sums of episode token counts. */
  startTokens: number;
  endTokens: number;
  labels: EpisodeLabel[];
  verdict: Verdict;
  /** The intermediate answer stated in it (model text: untrusted). */
  answer: string | null;
  mu: number | null;
  /** 95% interval on mu: the trace's own interval, else mu ± ci clipped to [0, 1]; null when unknown. */
  interval: [number, number] | null;
}

export interface ComparedTrace {
  label: string;
  id: string;
  model: string | null;
  problem: string;
  gold: string | null;
  /** Sum of the episodes' token counts: the end of the token axis for this trace. */
  episodeTokens: number;
  episodes: ComparedEpisode[];
  /** Budget decisions as recorded (kind, tokens, episode). */
  decisions: { kind: string; atTokens: number; atEpisode: number | null }[];
  /** The thinking-token cap of its budget policy, when it had one. */
  maxThinkingTokens: number | null;
}

export type SummaryKey =
  | 'model'
  | 'thinkingTokens'
  | 'responseTokens'
  | 'episodes'
  | 'firstCorrectEpisode'
  | 'firstCorrectTokens'
  | 'tokensAfterFirstCorrect'
  | 'probedEpisodes'
  | 'finalMu'
  | 'cumulativeRegret'
  | 'normalizedRegret'
  | 'mrtRegret'
  | 'mrtCumulativeRegret'
  | 'finalAnswer'
  | 'verdict'
  | 'stop'
  | 'budget'
  | 'decisions';

export interface SummaryCell {
  /** What the table shows ('–' when the trace has no such value). */
  text: string;
  /** What is compared to flag a difference (rounded as shown; answers by equivalence). */
  value: string | number | boolean | null;
}

export interface SummaryRow {
  key: SummaryKey;
  label: string;
  /** One sentence: where the number comes from. */
  definition: string;
  cells: SummaryCell[];
  /** The cells are not all the same. */
  differs: boolean;
}

/** Where the traces' running intermediate answers first disagree under one alignment. */
export interface Divergence {
  alignment: Alignment;
  /** Episode index (index alignment) or thinking-token position (token alignment). */
  at: number;
  /** Per trace: the last episode closed at that point (-1: none yet). */
  episodes: number[];
  /** Per trace: its running answer there (the last intermediate answer stated so far), or null. */
  answers: (string | null)[];
  /** The first two traces found to disagree (positions in the comparison). */
  pair: [number, number];
}

export interface Comparison {
  traces: ComparedTrace[];
  /** Every trace has the same problem text (whitespace ignored). */
  sameProblem: boolean;
  /** The common budget C of the normalised-regret row: the largest episodeTokens; null when nothing was probed. */
  regretBudget: number | null;
  summary: SummaryRow[];
  divergence: Record<Alignment, Divergence | null>;
}

/** One aligned position: the episode of each trace there (null: the trace has ended). */
export interface AlignedRow {
  at: number;
  episodes: (number | null)[];
}

// ---------------------------------------------------------------- reduction

export { muInterval };

export function reduceTrace(trace: Trace, label: string): ComparedTrace {
  let tokens = 0;
  const episodes = trace.episodes.map((e): ComparedEpisode => {
    const startTokens = tokens;
    tokens += Math.max(0, Number.isFinite(e.tokens) ? e.tokens : 0);
    const mu = e.progress && Number.isFinite(e.progress.mu) ? e.progress.mu : null;
    return { index: e.index, startTokens, endTokens: tokens, labels: [...e.labels], verdict: e.verdict, answer: e.answer ?? null, mu, interval: muInterval(e.progress) };
  });
  return {
    label,
    id: trace.id,
    model: trace.model ?? null,
    problem: trace.problem,
    gold: trace.gold ?? null,
    episodeTokens: tokens,
    episodes,
    decisions: (trace.budget?.decisions ?? []).map((d) => ({ kind: d.kind, atTokens: d.atTokens, atEpisode: d.atEpisode ?? null })),
    maxThinkingTokens: trace.budget?.policy.maxThinkingTokens ?? null,
  };
}

/** Labels for the table: the given one, else the model (or id); repeated ones get " #n". */
export function traceLabels(entries: readonly CompareEntry[]): string[] {
  const base = entries.map((e) => e.label ?? (e.trace.model || e.trace.id));
  const count = new Map<string, number>();
  for (const b of base) count.set(b, (count.get(b) ?? 0) + 1);
  return base.map((b, i) => (count.get(b)! > 1 ? `${b} #${i + 1}` : b));
}

// ---------------------------------------------------------------- alignment

/**
 * Rows of the aligned view. By index: row j holds episode j of every trace that has one. By
 * tokens: one row per distinct episode end (the union over the traces), holding for each trace
 * the episode that contains that token position (the first whose end is at or past it).
 */
export function alignEpisodes(traces: readonly Pick<ComparedTrace, 'episodes'>[], by: Alignment): AlignedRow[] {
  if (by === 'index') {
    const n = Math.max(0, ...traces.map((t) => t.episodes.length));
    return Array.from({ length: n }, (_, j) => ({ at: j, episodes: traces.map((t) => (j < t.episodes.length ? j : null)) }));
  }
  const positions = [...new Set(traces.flatMap((t) => t.episodes.map((e) => e.endTokens)))].sort((a, b) => a - b);
  const cursor = traces.map(() => 0);
  return positions.map((at) => ({
    at,
    episodes: traces.map((t, i) => {
      while (cursor[i] < t.episodes.length && t.episodes[cursor[i]].endTokens < at) cursor[i]++;
      return cursor[i] < t.episodes.length ? cursor[i] : null;
    }),
  }));
}

/** Same answer: identical text, or equivalent by the grader's math-aware check (cached). */
export function sameAnswer(a: string, b: string): boolean {
  return a === b || equivalent(a, b).equivalent;
}

/**
 * The first aligned point where two traces' running answers (the last intermediate answer each
 * has stated up to that point; a trace that has ended keeps its last one) are both present and
 * not equivalent. Index: after episode j of every trace. Tokens: at each episode end, counting
 * the episodes closed by then. Null when they never disagree.
 */
export function findDivergence(traces: readonly Pick<ComparedTrace, 'episodes'>[], by: Alignment): Divergence | null {
  const running: (string | null)[] = traces.map(() => null);
  const closed = traces.map(() => -1);
  const positions =
    by === 'index'
      ? Array.from({ length: Math.max(0, ...traces.map((t) => t.episodes.length)) }, (_, j) => j)
      : [...new Set(traces.flatMap((t) => t.episodes.map((e) => e.endTokens)))].sort((a, b) => a - b);
  for (const at of positions) {
    let changed = false;
    traces.forEach((t, i) => {
      while (closed[i] + 1 < t.episodes.length && (by === 'index' ? closed[i] + 1 <= at : t.episodes[closed[i] + 1].endTokens <= at)) {
        closed[i]++;
        const answer = t.episodes[closed[i]].answer;
        if (answer !== null && answer !== running[i]) {
          running[i] = answer;
          changed = true;
        }
      }
    });
    if (!changed) continue;
    const pair = disagreeing(running);
    if (pair) return { alignment: by, at, episodes: [...closed], answers: [...running], pair };
  }
  return null;
}

function disagreeing(answers: readonly (string | null)[]): [number, number] | null {
  for (let i = 0; i < answers.length; i++) {
    const a = answers[i];
    if (a === null) continue;
    for (let k = i + 1; k < answers.length; k++) {
      const b = answers[k];
      if (b !== null && !sameAnswer(a, b)) return [i, k];
    }
  }
  return null;
}

// ---------------------------------------------------------------- summary

const DASH = '–';

function cell(value: string | number | boolean | null, text?: string): SummaryCell {
  return { value, text: text ?? (value === null ? DASH : String(value)) };
}

function grouped(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function stopReason(trace: Trace): string | null {
  if (trace.budget?.stop) return trace.budget.stop;
  if (trace.error) return 'error';
  if (trace.truncated) return 'cut off';
  return null;
}

/** A budget policy in a few words ("max 4,096 thinking tokens, early stop (window 3)"). */
export function describeBudget(policy: BudgetPolicy | undefined): string {
  if (!policy) return 'not recorded';
  const parts: string[] = [];
  if (policy.maxThinkingTokens !== undefined) parts.push(`max ${grouped(policy.maxThinkingTokens)} thinking tokens`);
  if (policy.minThinkingTokens !== undefined) parts.push(`min ${grouped(policy.minThinkingTokens)} (${policy.extensions ?? 0} extensions)`);
  if (policy.maxEpisodes !== undefined) parts.push(`max ${policy.maxEpisodes} episodes`);
  if (policy.earlyStop) parts.push(policy.earlyStop === true ? 'early stop' : `early stop (window ${policy.earlyStop.window}${policy.earlyStop.plateau !== undefined ? `, plateau ${policy.earlyStop.plateau}` : ''})`);
  if (policy.vote) parts.push(`vote ${policy.vote.m} of ${policy.vote.n}${policy.vote.adaptive ? ', adaptive' : ''}`);
  if (policy.think !== undefined) parts.push(`think ${String(policy.think)}`);
  return parts.length ? parts.join(', ') : 'none';
}

function describeDecisions(decisions: readonly BudgetDecision[]): string {
  if (decisions.length === 0) return 'none';
  const shown = decisions.slice(0, 4).map((d) => `${d.kind} at ${grouped(d.atTokens)}`);
  return decisions.length > 4 ? `${shown.join('; ')}; +${decisions.length - 4} more` : shown.join('; ');
}

/** Flags a row when its values are not all equal (answers: not all equivalent). */
function differs(key: SummaryKey, cells: readonly SummaryCell[]): boolean {
  const values = cells.map((c) => c.value);
  if (key === 'finalAnswer') {
    const present = values.filter((v): v is string => typeof v === 'string');
    if (present.length !== values.length) return present.length > 0;
    return present.some((v) => !sameAnswer(present[0], v));
  }
  return values.some((v) => v !== values[0]);
}

const DEFINITIONS: Record<SummaryKey, [string, string]> = {
  model: ['Model', 'trace.model as recorded'],
  thinkingTokens: ['Thinking tokens', 'metrics.thinkingTokens: the server\'s count for live runs, else the estimate of the thinking text'],
  responseTokens: ['Answer tokens', 'metrics.responseTokens: tokens of the text after thinking'],
  episodes: ['Episodes', 'number of episodes the thinking was split into'],
  firstCorrectEpisode: ['First correct episode', 'index (#, from 0, as on the trace view\'s cards) of the first episode whose intermediate answer is correct'],
  firstCorrectTokens: ['Tokens to first correct', 'sum of episode tokens up to and including the first correct episode'],
  tokensAfterFirstCorrect: ['Tokens after first correct', 'metrics.tokensAfterFirstCorrect: thinking tokens spent after the first correct episode'],
  probedEpisodes: ['Probed episodes', 'episodes with a progress estimate (mu)'],
  finalMu: ['Last μ', 'mu of the last probed episode: share of forced answers that were correct'],
  cumulativeRegret: ['Σ(1 − μ) over probed episodes', 'sum over the probed episodes of (1 − mu): a variant of MRT\'s cumulative regret (J* = 1) without its shared episode budget k'],
  normalizedRegret: ['Area regret over thinking tokens at C', '1 − (area under mu over episode tokens) / C, with C the largest episode-token total among the compared traces: a variant of MRT\'s normalised regret on the thinking-token axis'],
  mrtRegret: ['MRT normalised regret', 'metrics.regret as recorded with comparator oracle (regret.ipynb: J* = 1, x = probe prompt + rollout tokens / 16), at each shared budget'],
  mrtCumulativeRegret: ['MRT cumulative regret', 'metrics.cumulativeRegret as recorded, comparator oracle (MRT Definition 4.1 over a common episode budget k)'],
  finalAnswer: ['Final answer', 'final.answer; differences are judged by math-aware equivalence'],
  verdict: ['Final verdict', 'final.correct against the gold answer (not graded without gold)'],
  stop: ['Stop reason', 'budget.stop; else error, or cut off when thinking never ended'],
  budget: ['Budget policy', 'budget.policy the run used'],
  decisions: ['Budget decisions', 'budget.decisions: kind and thinking tokens at the decision'],
};

function summaryRows(traces: readonly Trace[], reduced: readonly ComparedTrace[], regretBudget: number | null): SummaryRow[] {
  const column = (key: SummaryKey, f: (t: Trace, r: ComparedTrace) => SummaryCell): SummaryRow => {
    const cells = traces.map((t, i) => f(t, reduced[i]));
    const [label, definition] = DEFINITIONS[key];
    return { key, label, definition, cells, differs: differs(key, cells) };
  };
  const firstCorrect = (r: ComparedTrace) => r.episodes.findIndex((e) => e.verdict === 'correct');
  const probed = (t: Trace) => t.episodes.filter((e) => e.progress && Number.isFinite(e.progress.mu));
  return [
    column('model', (t) => cell(t.model ?? null)),
    column('thinkingTokens', (t) => cell(t.metrics.thinkingTokens, grouped(t.metrics.thinkingTokens))),
    column('responseTokens', (t) => cell(t.metrics.responseTokens, grouped(t.metrics.responseTokens))),
    column('episodes', (t) => cell(t.episodes.length, grouped(t.episodes.length))),
    column('firstCorrectEpisode', (_t, r) => {
      const k = firstCorrect(r);
      return k < 0 ? cell(null) : cell(r.episodes[k].index, `#${r.episodes[k].index}`);
    }),
    column('firstCorrectTokens', (_t, r) => {
      const k = firstCorrect(r);
      return k < 0 ? cell(null) : cell(r.episodes[k].endTokens, grouped(r.episodes[k].endTokens));
    }),
    column('tokensAfterFirstCorrect', (t) => {
      const v = t.metrics.tokensAfterFirstCorrect;
      return v === null || v === undefined ? cell(null) : cell(v, grouped(v));
    }),
    column('probedEpisodes', (t) => cell(probed(t).length)),
    column('finalMu', (t) => {
      const p = probed(t);
      return p.length ? cell(round(p[p.length - 1].progress!.mu, 2), p[p.length - 1].progress!.mu.toFixed(2)) : cell(null);
    }),
    column('cumulativeRegret', (t) => {
      const carried = t.metrics.cumulativeRegret;
      const v = probed(t).length ? cumulativeRegret(t.episodes) : typeof carried === 'number' ? carried : null;
      return v === null ? cell(null) : cell(round(v, 2), v.toFixed(2));
    }),
    column('normalizedRegret', (t) => {
      const points = progressPoints(t.episodes.map((e) => ({ tokens: Math.max(0, Number.isFinite(e.tokens) ? e.tokens : 0), progress: e.progress })));
      if (regretBudget === null || points.length === 0) return cell(null);
      const v = normalizedRegret(points, regretBudget);
      return cell(round(v, 3), v.toFixed(3));
    }),
    column('mrtRegret', (t) => {
      const entries = (t.metrics.regret ?? []).filter((r) => r.comparator === 'oracle');
      if (entries.length === 0) return cell(null);
      return cell(round(entries[0].normalized, 3), entries.map((r) => `${r.normalized.toFixed(3)} @${r.budget}`).join(', '));
    }),
    column('mrtCumulativeRegret', (t) => {
      const list = t.metrics.cumulativeRegret;
      const oracle = Array.isArray(list) ? list.find((c) => c.comparator === 'oracle') : undefined;
      return oracle && oracle.value !== null ? cell(round(oracle.value, 2), `${oracle.value.toFixed(2)} (k=${oracle.k})`) : cell(null);
    }),
    column('finalAnswer', (t) => cell(t.final.answer)),
    column('verdict', (t) => cell(t.final.correct === null ? 'not graded' : t.final.correct ? 'correct' : 'incorrect')),
    column('stop', (t) => cell(stopReason(t))),
    column('budget', (t) => cell(describeBudget(t.budget?.policy))),
    column('decisions', (t) => cell(describeDecisions(t.budget?.decisions ?? []))),
  ];
}

function problemKey(problem: string): string {
  return problem.replace(/\s+/g, ' ').trim();
}

/** The whole comparison: reduced traces, the summary table, the divergence under both alignments. */
export function compareTraces(entries: readonly CompareEntry[]): Comparison {
  if (entries.length < 2) throw new RangeError(`compare needs at least two traces, got ${entries.length}`);
  if (entries.length > MAX_COMPARED) throw new RangeError(`compare shows at most ${MAX_COMPARED} traces, got ${entries.length}`);
  const labels = traceLabels(entries);
  const traces = entries.map((e) => e.trace);
  const reduced = traces.map((t, i) => reduceTrace(t, labels[i]));
  const anyProbed = reduced.some((r) => r.episodes.some((e) => e.mu !== null));
  const longest = Math.max(...reduced.map((r) => r.episodeTokens));
  const regretBudget = anyProbed && longest > 0 ? longest : null;
  const first = problemKey(traces[0].problem);
  return {
    traces: reduced,
    sameProblem: traces.every((t) => problemKey(t.problem) === first),
    regretBudget,
    summary: summaryRows(traces, reduced, regretBudget),
    divergence: { index: findDivergence(reduced, 'index'), tokens: findDivergence(reduced, 'tokens') },
  };
}

/** The summary as plain text rows (header first), for the CLI and the tests; `*` marks a difference. */
export function summaryTable(comparison: Comparison): string[][] {
  const header = ['', ...comparison.traces.map((t) => t.label)];
  return [header, ...comparison.summary.map((row) => [`${row.differs ? '* ' : '  '}${row.label}`, ...row.cells.map((c) => c.text)])];
}

/** One line about the divergence point, in the words of its alignment. */
export function describeDivergence(comparison: Comparison, by: Alignment): string {
  const d = comparison.divergence[by];
  if (!d) return 'The intermediate answers never disagree.';
  const [a, b] = d.pair;
  const where = by === 'index' ? `after episode #${d.at}` : `at ${grouped(d.at)} thinking tokens`;
  const name = (i: number) => {
    const t = comparison.traces[i];
    const ep = t.episodes[d.episodes[i]];
    const ended = d.episodes[i] === t.episodes.length - 1 && (by === 'index' ? d.at > d.episodes[i] : d.at > t.episodeTokens);
    return `${t.label} says ${d.answers[i]} (episode #${ep?.index ?? d.episodes[i]}${ended ? ', its last' : ''})`;
  };
  return `Intermediate answers diverge ${where}: ${name(a)}, ${name(b)}.`;
}
