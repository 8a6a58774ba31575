/**
 * Agreement reports as plain text (the CLI prints it; the extension can show it). Every number
 * names its definition in the header lines. Text from inputs (reviewer names) is not echoed here.
 */
import { REVIEW_LABELS } from './annotation';
import { VERDICT_ORDER, type InterAnnotatorReport, type LabelAgreementReport, type VerdictAgreementReport } from './agreement';

const fmt = (x: number | null, digits = 2): string => (x === null ? 'n/a' : x.toFixed(digits));

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

function confusionTable(title: string, rowName: string, colName: string, confusion: Record<string, Record<string, number>>): string {
  const rows = [[`${rowName} \\ ${colName}`, ...VERDICT_ORDER]];
  for (const r of VERDICT_ORDER) rows.push([r, ...VERDICT_ORDER.map((c) => String(confusion[r][c]))]);
  return `${title}\n${table(rows)}`;
}

export function labelReportText(r: LabelAgreementReport): string {
  const rows = [['label', 'n', 'human+', 'auto+', 'both', 'precision', 'recall', 'kappa']];
  for (const l of REVIEW_LABELS) {
    const c = r.perClass[l];
    rows.push([l, String(c.n), String(c.tp + c.fn), String(c.tp + c.fp), String(c.tp), fmt(c.precision), fmt(c.recall), fmt(c.kappa)]);
  }
  return [
    `Human vs automatic labels over ${r.reviewed} episode(s) whose labels a reviewer set.`,
    'precision = both / auto+ (automatic positives the reviewer confirmed); recall = both / human+; kappa = Cohen\'s kappa, present/absent.',
    table(rows),
  ].join('\n');
}

export function verdictReportText(r: VerdictAgreementReport): string {
  return [
    `Human step verdicts vs the sign of mu's delta over ${r.n} episode(s) (delta > 0 good, < 0 bad, = 0 neutral; ${r.withoutDelta} verdict(s) on episodes without probes left out).`,
    `agreement ${fmt(r.agreement)} (share equal), Cohen's kappa ${fmt(r.kappa)}`,
    confusionTable('confusion (rows: human, columns: from delta)', 'human', 'mu', r.confusion),
  ].join('\n');
}

export function interAnnotatorText(r: InterAnnotatorReport, nameA: string, nameB: string): string {
  const rows = [['label', `${nameA}+`, `${nameB}+`, 'kappa']];
  for (const l of REVIEW_LABELS) rows.push([l, String(r.labelCounts[l][0]), String(r.labelCounts[l][1]), fmt(r.labelKappa[l])]);
  return [
    `Inter-annotator agreement: A = ${nameA}, B = ${nameB}. Cohen's kappa over the targets (trace, character range) both reviewers set; ${r.onlyA} target(s) only in A, ${r.onlyB} only in B.`,
    `Labels: ${r.labelled} target(s) labelled by both (kappa per class, present/absent).`,
    table(rows),
    `Step verdicts: ${r.verdicts} target(s) with a verdict from both; agreement ${fmt(r.verdictAgreement)}, kappa ${fmt(r.verdictKappa)}.`,
    confusionTable('confusion (rows: A, columns: B)', 'A', 'B', r.confusion),
  ].join('\n');
}
