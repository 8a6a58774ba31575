/**
 * Self-check outcomes ("verification results"): what each verification episode did to the
 * standing answer (the last answer stated before it), and, over many traces, how often those
 * re-checks confirmed a right answer, fixed a wrong one or broke a right one. "Right" means
 * equivalent to the gold answer; a trace without gold is judged against its own final answer
 * (self basis), and the summary says which basis it used. Pure.
 */
import type { EpisodeLabel, SelfCheck, Trace } from './trace';
import { equivalent } from './verdicts';

export interface CheckOutcome {
  check: SelfCheck;
  /** The answer that stood when the check began, if any. */
  standingAnswer?: string;
}

/**
 * The outcome of one episode: undefined unless it is labelled verification. `confirmed` /
 * `changed` compare its answer with the standing one (math-aware equivalence); `no-answer`
 * when it states none; `stated` when it states the trace's first answer.
 */
export function selfCheckOutcome(labels: readonly EpisodeLabel[] | readonly string[], answer: string | undefined, standing: string | undefined): CheckOutcome | undefined {
  if (!(labels as readonly string[]).includes('verification')) return undefined;
  const out: CheckOutcome = { check: 'no-answer' };
  if (answer === undefined) {
    if (standing !== undefined) out.standingAnswer = standing;
    return out;
  }
  if (standing === undefined) return { check: 'stated' };
  return { check: equivalent(standing, answer).equivalent ? 'confirmed' : 'changed', standingAnswer: standing };
}

/** How a graded check moved the standing answer, by the correctness of before and after. */
export type CheckEffect = 'confirmed-right' | 'confirmed-wrong' | 'fixed-wrong' | 'broke-right' | 'wrong-to-wrong' | 'right-to-right';

export interface SelfCheckSummary {
  /** Verification-labelled episodes. */
  checks: number;
  confirmed: number;
  changed: number;
  noAnswer: number;
  stated: number;
  /** Confirmed or changed checks in traces with a reference answer (gold, else the final answer). */
  graded: number;
  effects: Record<CheckEffect, number>;
  /** Traces whose checks were judged against gold, and against their own final answer. */
  goldTraces: number;
  selfTraces: number;
}

/** The summary and its two sentences (src/core/self-check-text.ts), as the report carries them. */
export interface SelfCheckReport extends SelfCheckSummary {
  text: { counts: string; effects: string };
}

export function emptySelfCheckSummary(): SelfCheckSummary {
  return {
    checks: 0,
    confirmed: 0,
    changed: 0,
    noAnswer: 0,
    stated: 0,
    graded: 0,
    effects: { 'confirmed-right': 0, 'confirmed-wrong': 0, 'fixed-wrong': 0, 'broke-right': 0, 'wrong-to-wrong': 0, 'right-to-right': 0 },
    goldTraces: 0,
    selfTraces: 0,
  };
}

export function checkEffect(check: 'confirmed' | 'changed', standingRight: boolean, newRight: boolean): CheckEffect {
  if (check === 'confirmed') return standingRight ? 'confirmed-right' : 'confirmed-wrong';
  if (standingRight) return newRight ? 'right-to-right' : 'broke-right';
  return newRight ? 'fixed-wrong' : 'wrong-to-wrong';
}

function nonEmpty(s: string | null | undefined): s is string {
  return typeof s === 'string' && s.trim() !== '';
}

/**
 * Adds one trace's checks to `into`. Outcomes are recomputed from the episodes' labels and
 * answers (not read from `check`), so traces written before every outcome was recorded count
 * the same way as new ones.
 */
export function addSelfChecks(into: SelfCheckSummary, trace: Trace): void {
  const reference = nonEmpty(trace.gold) ? trace.gold : nonEmpty(trace.final.answer) ? trace.final.answer : null;
  const right = (answer: string) => (reference === null ? false : equivalent(reference, answer).equivalent);
  let standing: string | undefined;
  let counted = false;
  for (const ep of trace.episodes) {
    const outcome = selfCheckOutcome(ep.labels, ep.answer, standing);
    if (outcome) {
      into.checks++;
      counted = true;
      if (outcome.check === 'no-answer') into.noAnswer++;
      else if (outcome.check === 'stated') into.stated++;
      else {
        into[outcome.check]++;
        if (reference !== null && standing !== undefined && ep.answer !== undefined) {
          into.graded++;
          into.effects[checkEffect(outcome.check, right(standing), right(ep.answer))]++;
        }
      }
    }
    if (ep.answer !== undefined) standing = ep.answer;
  }
  if (counted && reference !== null) {
    if (nonEmpty(trace.gold)) into.goldTraces++;
    else into.selfTraces++;
  }
}

export function summarizeSelfChecks(traces: readonly Trace[]): SelfCheckSummary {
  const s = emptySelfCheckSummary();
  for (const t of traces) addSelfChecks(s, t);
  return s;
}
