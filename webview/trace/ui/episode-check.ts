/**
 * The self-check outcome on an episode card: what a verification episode did to the standing
 * answer ("confirmed 42", "changed 40 → 42", "found no answer"). Answers are model text:
 * they go in as text nodes only (h()).
 */
import type { Episode, SelfCheck } from '../../../src/core/trace';
import { h, icon } from '../../common/dom';

const ICONS: Record<SelfCheck, string> = {
  confirmed: 'check-all',
  changed: 'arrow-swap',
  'no-answer': 'circle-slash',
  stated: 'debug-step-into',
};

const TITLES: Record<SelfCheck, string> = {
  confirmed: 'Self-check: this verification episode restated the standing answer (the last answer stated before it)',
  changed: 'Self-check: this verification episode replaced the standing answer with another',
  'no-answer': 'Self-check: this verification episode stated no answer',
  stated: 'Self-check: this verification episode stated the first answer of the trace',
};

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

/** Long answers would stretch the card head; the full text stays in the title. */
const MAX_ANSWER = 40;
const clip = (s: string | undefined) => (s !== undefined && s.length > MAX_ANSWER ? `${s.slice(0, MAX_ANSWER - 1)}…` : s);

/** The outcome as a span, or null when the episode carries none. */
export function checkBadge(e: Pick<Episode, 'check' | 'answer' | 'standingAnswer'>): HTMLSpanElement | null {
  if (!e.check) return null;
  const full = describeCheck(e.check, e.answer, e.standingAnswer);
  return h(
    'span',
    { class: `rl-check rl-check-${e.check}`, title: `${TITLES[e.check]}: ${full}`, 'data-check': e.check },
    icon(ICONS[e.check]),
    ` ${describeCheck(e.check, clip(e.answer), clip(e.standingAnswer))}`,
  );
}
