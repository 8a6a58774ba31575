/**
 * Self-check outcomes as words, for the dataset report (Markdown, HTML) and its view. Types
 * only from ./self-check, so the webview bundle does not pull in the grader.
 */
import type { SelfCheck } from './trace';
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

/** One outcome as a card would say it: "confirmed 42", "changed 40 → 42", "found no answer". */
export function describeCheck(check: SelfCheck, answer: string | undefined, standing: string | undefined): string {
  switch (check) {
    case 'confirmed':
      return answer !== undefined ? `confirmed ${answer}` : 'confirmed';
    case 'changed':
      return standing !== undefined && answer !== undefined ? `changed ${standing} → ${answer}` : 'changed the answer';
    case 'no-answer':
      return standing !== undefined ? `found no answer (${standing} stands)` : 'found no answer';
    case 'stated':
      return answer !== undefined ? `stated a first answer ${answer}` : 'stated a first answer';
  }
}
