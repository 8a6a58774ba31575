/**
 * What the trace view says about its μ numbers: which probe recipe made them, with which
 * statistics, and which regret definition each regret row is. Every number names its definition
 * (docs/fidelity.md); a version-1 trace, which recorded none, says so instead of borrowing MRT's.
 */
import type { EpisodeProgress, ProbeRecipeId, Trace } from '../../../src/core/trace';
import { formatTokens } from '../../common/format';
import { estimateCorrectionFor } from '../../../src/core/token-families';

export const RECIPE_TEXT: Record<ProbeRecipeId, { short: string; long: string }> = {
  mrt: { short: 'MRT probe', long: "MRT's forced-answer probe (pass_at_k_given_prefix.py: stop text + answer header, scored on prompt + completion)" },
  quick: { short: 'answer-now accuracy', long: 'answer-now accuracy (our immediate \\boxed{ probe; not MRT\'s μ)' },
};

const INTERVAL_TEXT: Record<string, string> = { 'clopper-pearson': 'Clopper-Pearson', wilson: 'Wilson', jeffreys: 'Jeffreys' };

/** The recipe behind the trace's μ, or null for a version-1 trace (immediate-answer probe, unrecorded). */
export function traceRecipe(trace: Trace): ProbeRecipeId | null {
  return trace.probes?.recipe ?? trace.episodes.find((e) => e.progress?.recipe)?.progress?.recipe ?? null;
}

/** Short chip text for the header: "μ: MRT probe, K = 8" (null when nothing was probed). */
/** The probe judges (src/core/probe-judge.ts), as the recipe chip's title names them. */
const JUDGE_TEXT: Record<NonNullable<Trace['probes']>['judge'] & string, string> = {
  'mrt-is-equiv': "MRT's grader.py is_equiv (a strict string match after Hendrycks MATH normalisation: 2/4 is not 1/2)",
  'math-equivalent': 'our math-aware equivalence (2/4 equals 1/2)',
};

export function recipeChip(trace: Trace): { text: string; title: string } | null {
  if (!trace.episodes.some((e) => e.progress) && !trace.probes) return null;
  const recipe = traceRecipe(trace);
  if (!recipe) return { text: 'μ: version-1 probe', title: 'This trace was written by format version 1, which did not record its probe recipe (an immediate-answer probe with a Wilson interval).' };
  const p = trace.probes;
  const k = p ? `, K = ${p.k}${p.sampling === 'adaptive' ? ' (adaptive)' : ''}` : '';
  const judge = p?.judge ? ` Answers judged by ${JUDGE_TEXT[p.judge]}.` : '';
  return { text: `μ: ${RECIPE_TEXT[recipe].short}${k}`, title: `μ is ${RECIPE_TEXT[recipe].long}.${judge}` };
}

/** The μ legend label in the chart. */
export function muSeriesLabel(trace: Trace): string {
  const recipe = traceRecipe(trace);
  return recipe ? `μ (${RECIPE_TEXT[recipe].short})` : 'μ (forced answer correct)';
}

/** The interval sentence for captions: "95% Clopper-Pearson band". */
export function intervalText(trace: Trace): string | null {
  const p = trace.probes;
  if (p) return `${Math.round(p.interval.level * 100)}% ${INTERVAL_TEXT[p.interval.method] ?? p.interval.method} band`;
  return trace.episodes.some((e) => e.progress?.ci !== undefined) ? '95% Wilson band' : null;
}

/** Tooltip detail of one episode's μ: samples, correct, no answer, entropy, interval, delta interval. */
export function progressDetail(p: EpisodeProgress): string {
  const parts = [`${p.samples} samples`];
  if (p.correct !== undefined) parts.push(`${p.correct} correct`);
  if (p.noAnswer) parts.push(`${p.noAnswer} without an answer`);
  if (p.interval) parts.push(`interval ${p.interval[0].toFixed(2)}–${p.interval[1].toFixed(2)}`);
  else if (p.ci !== undefined) parts.push(`95% Wilson interval ±${p.ci.toFixed(2)}`);
  if (p.deltaInterval) parts.push(`Δ ${p.delta >= 0 ? '+' : ''}${p.delta.toFixed(2)} (${p.deltaInterval[0].toFixed(2)}–${p.deltaInterval[1].toFixed(2)})`);
  if (p.entropy !== undefined && p.entropy !== null) parts.push(`answer entropy ${p.entropy.toFixed(2)} bits`);
  return parts.join(', ');
}

/** Summary rows about probes and regret, each naming its definition. */
export function probeRows(trace: Trace): [string, string][] {
  const rows: [string, string][] = [];
  const p = trace.probes;
  if (p) {
    const recipe = RECIPE_TEXT[p.recipe].long;
    rows.push(['Probes', `${recipe}; K = ${p.k} ${p.sampling === 'adaptive' ? '(adaptive cap)' : 'per prefix'}, temperature ${p.temperature}, top-p ${p.topP}, up to ${p.maxTokens} tokens; ${intervalText(trace)}; ${p.basis === 'gold' ? 'judged against the gold answer' : "judged against the model's own final answer"}`]);
    if (p.prefix0) rows.push(['μ with no thinking (prefix 0)', `${p.prefix0.mu.toFixed(2)}${p.prefix0.interval ? ` (${p.prefix0.interval[0].toFixed(2)}–${p.prefix0.interval[1].toFixed(2)})` : ''}, ${p.prefix0.samples} samples`]);
    const spent = trace.metrics.probeTokens ?? p.tokens;
    if (spent !== undefined) rows.push(['Probe cost', `${formatTokens(spent)} tokens (prompt + completion, counted by ${p.promptTokenCounter === 'server' ? 'the server' : 'our estimate'})`]);
  }
  const cumulative = trace.metrics.cumulativeRegret;
  if (Array.isArray(cumulative)) {
    for (const c of cumulative) {
      const against = c.comparator === 'oracle' ? 'J* = 1' : 'J* = maj@k of the probe answers';
      rows.push([`Cumulative regret (${c.comparator}, k = ${c.k})`, c.value === null ? 'fewer probed prefixes than k' : `${c.value.toFixed(2)}${c.normalized !== null ? `, normalised ${c.normalized.toFixed(3)}` : ''} (MRT Definition 4.1, ${against})`]);
    }
  }
  for (const r of trace.metrics.regret ?? []) {
    rows.push(
      r.comparator === 'oracle'
        ? [`Normalised regret @${formatTokens(r.budget)}`, `${r.normalized.toFixed(3)} (MRT regret.ipynb: J* = 1, x = probe prompt + rollout tokens / 16)`]
        : [`Normalised regret @${formatTokens(r.budget)}`, `${r.normalized.toFixed(3)} (version-1 variant: μ over thinking tokens)`],
    );
  }
  if (trace.metrics.tokenCounter) rows.push(['Token counts', tokenCounterText(trace)]);
  return rows;
}

/** The result panel's "Token counts" row; an estimate names the family correction the header shows. */
function tokenCounterText(trace: Trace): string {
  const counter = trace.metrics.tokenCounter as string;
  if (counter === 'server') return "the server's counts";
  if (counter !== 'estimate') return counter.replace(/^tokenizer:/, 'tokenizer ');
  const correction = estimateCorrectionFor(trace.model);
  return correction
    ? `our estimate (not the model tokenizer); the header shows it × ${correction.factor.toFixed(3)} in ${correction.name} tokens (the family's median ratio)`
    : 'our estimate (not the model tokenizer)';
}
