/**
 * Agreement reports on human reviews (docs/review.md), pure:
 * - human labels vs automatic labels, per label class: precision and recall of the automatic
 *   label taking the human one as truth, and Cohen's kappa (binary, present/absent);
 * - human step verdicts vs the sign of mu's delta (delta > 0 → good, < 0 → bad, = 0 → neutral):
 *   3×3 confusion, agreement and kappa;
 * - two reviewers: Cohen's kappa per label class and on step verdicts, over the targets both set.
 * A value that is undefined (no positives, chance agreement 1) is null, shown as "n/a".
 */
import type { EpisodeLabel } from '../trace';
import { REVIEW_LABELS, STEP_VERDICTS, type StepVerdict } from './annotation';
import type { ReviewState } from './resolve';

/**
 * Cohen's kappa of two raters over the same items: (po − pe) / (1 − pe), po the observed
 * agreement, pe the agreement expected from each rater's marginal rates. null without items or
 * when pe = 1 (both raters used one category only).
 */
export function cohenKappa<T>(a: readonly T[], b: readonly T[]): number | null {
  if (a.length !== b.length) throw new Error('cohenKappa: the two raters rated different numbers of items');
  const n = a.length;
  if (n === 0) return null;
  const cats = new Set<T>([...a, ...b]);
  let agree = 0;
  for (let i = 0; i < n; i++) if (a[i] === b[i]) agree++;
  const po = agree / n;
  let pe = 0;
  for (const c of cats) pe += (a.filter((x) => x === c).length / n) * (b.filter((x) => x === c).length / n);
  return pe >= 1 ? null : (po - pe) / (1 - pe);
}

export interface BinaryAgreement {
  /** Items compared. */
  n: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  /** tp / (tp + fp): of the automatic positives, the share the human confirmed. */
  precision: number | null;
  /** tp / (tp + fn): of the human positives, the share the automatic labeller found. */
  recall: number | null;
  kappa: number | null;
}

export function binaryAgreement(truth: readonly boolean[], predicted: readonly boolean[]): BinaryAgreement {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  truth.forEach((t, i) => {
    const p = predicted[i];
    if (t && p) tp++;
    else if (!t && p) fp++;
    else if (t && !p) fn++;
    else tn++;
  });
  return { n: truth.length, tp, fp, fn, tn, precision: tp + fp ? tp / (tp + fp) : null, recall: tp + fn ? tp / (tp + fn) : null, kappa: cohenKappa(truth, predicted) };
}

/** One episode as the reports see it: its automatic values and its human review. */
export interface ReviewedEpisode {
  traceId: string;
  index: number;
  automaticLabels: readonly EpisodeLabel[];
  /** mu_j − mu_(j−1), when the trace has progress probes. */
  muDelta?: number;
  review?: ReviewState;
}

export interface LabelAgreementReport {
  /** Episodes whose labels a human set (an empty list counts: "none of these"). */
  reviewed: number;
  perClass: Record<EpisodeLabel, BinaryAgreement>;
}

export function humanVsAutomaticLabels(episodes: readonly ReviewedEpisode[]): LabelAgreementReport {
  const rated = episodes.filter((e) => e.review?.labels !== undefined);
  const perClass = {} as Record<EpisodeLabel, BinaryAgreement>;
  for (const label of REVIEW_LABELS) {
    perClass[label] = binaryAgreement(
      rated.map((e) => (e.review?.labels ?? []).includes(label)),
      rated.map((e) => e.automaticLabels.includes(label)),
    );
  }
  return { reviewed: rated.length, perClass };
}

export function verdictFromDelta(delta: number): StepVerdict {
  return delta > 0 ? 'good' : delta < 0 ? 'bad' : 'neutral';
}

export interface VerdictAgreementReport {
  /** Episodes with a human verdict and a mu delta. */
  n: number;
  /** confusion[human][fromDelta]. */
  confusion: Record<StepVerdict, Record<StepVerdict, number>>;
  /** Share where the human verdict equals the delta's sign. */
  agreement: number | null;
  kappa: number | null;
  /** Human verdicts without a mu delta to compare with (no probes). */
  withoutDelta: number;
}

function emptyConfusion(): Record<StepVerdict, Record<StepVerdict, number>> {
  const row = (): Record<StepVerdict, number> => ({ good: 0, bad: 0, neutral: 0 });
  return { good: row(), bad: row(), neutral: row() };
}

export function humanVerdictsVsMu(episodes: readonly ReviewedEpisode[]): VerdictAgreementReport {
  const human: StepVerdict[] = [];
  const fromMu: StepVerdict[] = [];
  let withoutDelta = 0;
  const confusion = emptyConfusion();
  for (const e of episodes) {
    const v = e.review?.stepVerdict;
    if (v === undefined || v === null) continue;
    if (e.muDelta === undefined || !Number.isFinite(e.muDelta)) {
      withoutDelta++;
      continue;
    }
    const m = verdictFromDelta(e.muDelta);
    human.push(v);
    fromMu.push(m);
    confusion[v][m]++;
  }
  const n = human.length;
  return { n, confusion, agreement: n ? human.filter((v, i) => v === fromMu[i]).length / n : null, kappa: cohenKappa(human, fromMu), withoutDelta };
}

export interface InterAnnotatorReport {
  /** Targets (trace + range) both reviewers labelled. */
  labelled: number;
  labelKappa: Record<EpisodeLabel, number | null>;
  /** Per class: how many of the shared targets each reviewer gave it. */
  labelCounts: Record<EpisodeLabel, [number, number]>;
  /** Targets both gave a step verdict. */
  verdicts: number;
  verdictKappa: number | null;
  verdictAgreement: number | null;
  confusion: Record<StepVerdict, Record<StepVerdict, number>>;
  /** Targets only one reviewer touched (e.g. different segmentations). */
  onlyA: number;
  onlyB: number;
}

/** Two reviewers' latest states keyed by `traceId targetKey` (range targets only). */
export function interAnnotator(a: ReadonlyMap<string, ReviewState>, b: ReadonlyMap<string, ReviewState>): InterAnnotatorReport {
  const shared = [...a.keys()].filter((k) => b.has(k));
  const both = shared.filter((k) => a.get(k)?.labels !== undefined && b.get(k)?.labels !== undefined);
  const labelKappa = {} as Record<EpisodeLabel, number | null>;
  const labelCounts = {} as Record<EpisodeLabel, [number, number]>;
  for (const label of REVIEW_LABELS) {
    const x = both.map((k) => (a.get(k)?.labels ?? []).includes(label));
    const y = both.map((k) => (b.get(k)?.labels ?? []).includes(label));
    labelKappa[label] = cohenKappa(x, y);
    labelCounts[label] = [x.filter(Boolean).length, y.filter(Boolean).length];
  }
  const withVerdicts = shared.filter((k) => a.get(k)?.stepVerdict && b.get(k)?.stepVerdict);
  const va = withVerdicts.map((k) => a.get(k)?.stepVerdict as StepVerdict);
  const vb = withVerdicts.map((k) => b.get(k)?.stepVerdict as StepVerdict);
  const confusion = emptyConfusion();
  va.forEach((v, i) => confusion[v][vb[i]]++);
  return {
    labelled: both.length,
    labelKappa,
    labelCounts,
    verdicts: withVerdicts.length,
    verdictKappa: cohenKappa(va, vb),
    verdictAgreement: withVerdicts.length ? va.filter((v, i) => v === vb[i]).length / withVerdicts.length : null,
    confusion,
    onlyA: [...a.keys()].filter((k) => !b.has(k)).length,
    onlyB: [...b.keys()].filter((k) => !a.has(k)).length,
  };
}

export const VERDICT_ORDER = STEP_VERDICTS;
