/** What every writer shares: the reason a trace could not be written exactly, and JSONL text. */
import type { Trace } from '../../core/trace';
import { holdsReasoningMarkup } from '../markup';

/** A trace a writer refused because its format cannot carry it exactly (reported, never silently altered). */
export interface UnwritableTrace {
  id: string;
  reason: string;
}

/**
 * Chat readers split reasoning markup (`<think>`, Sky-T1, harmony) out of an answer, so an answer
 * that holds some would come back changed: such a trace is refused with this reason.
 */
export function answerMarkupProblem(t: Trace): UnwritableTrace | null {
  if (!holdsReasoningMarkup(t.response)) return null;
  return { id: t.id, reason: 'its response holds reasoning markup (<think>, Sky-T1 or harmony tokens) that chat readers split off as thinking, so it would not read back as written' };
}

/** One JSON value per line, each line ending in "\n" (JSON.stringify escapes CR, LF and lone surrogates). */
export function jsonLines(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v) + '\n').join('');
}
