/**
 * Self-check outcomes as words, for the dataset report: computed with the report (its view
 * shows the text as given; the page takes only types from src/core) and reused by the
 * Markdown and HTML report files.
 */
import type { SelfCheckSummary } from './self-check';

const pct = (n: number, of: number) => (of === 0 ? '–' : `${((100 * n) / of).toFixed(1)}%`);

/** "12 checks: 7 confirmed, 3 changed, 2 found no answer, 0 stated the first answer". */
export function describeSelfCheckCounts(s: SelfCheckSummary): string {
  if (s.checks === 0) return 'no verification episodes';
  return `${s.checks} verification episode${s.checks === 1 ? '' : 's'}: ${s.confirmed} confirmed the standing answer, ${s.changed} changed it, ${s.noAnswer} found no answer, ${s.stated} stated the first answer`;
}

/** What the graded re-checks did, against gold or (self basis) each trace's own final answer. */
export function describeSelfCheckEffects(s: SelfCheckSummary): string {
  if (s.graded === 0) return s.checks === 0 ? '–' : 'no graded re-checks (none confirmed or changed an answer in a trace with a gold or final answer)';
  const e = s.effects;
  const basis =
    s.selfTraces === 0
      ? 'against the gold answer'
      : s.goldTraces === 0
        ? "against each trace's own final answer (no gold: self basis)"
        : `against the gold answer in ${s.goldTraces} traces, each trace's own final answer in ${s.selfTraces} without gold (self basis)`;
  return (
    `of ${s.graded} re-checks ${basis}: ` +
    `${e['confirmed-right']} confirmed a right answer (${pct(e['confirmed-right'], s.graded)}), ` +
    `${e['fixed-wrong']} fixed a wrong one (${pct(e['fixed-wrong'], s.graded)}), ` +
    `${e['broke-right']} broke a right one (${pct(e['broke-right'], s.graded)}), ` +
    `${e['confirmed-wrong']} confirmed a wrong one, ${e['wrong-to-wrong']} changed a wrong one to another wrong one` +
    (e['right-to-right'] ? `, ${e['right-to-right']} restated a right one differently` : '')
  );
}
