/**
 * Names the trace views share with commands and the dataset view. A leaf module (it imports
 * nothing of the extension), so importing a title never pulls in the Lens services.
 */
import type { Trace } from '../../core/trace';

export const PANEL_VIEW_TYPE = 'reasoningLens.trace';
export const EDITOR_VIEW_TYPE = 'reasoningLens.traceEditor';

/** A trace panel's tab title: "Lens: " and the problem's first line, shortened. */
export function panelTitle(trace: Trace): string {
  const first = trace.problem.split('\n')[0].trim();
  const short = first.length > 30 ? first.slice(0, 29) + '…' : first;
  return `Lens: ${short || trace.id}`;
}

/** A review queue panel's tab: the trace shown, marked as under review. */
export function reviewTitle(trace: Trace): string {
  return `Review: ${panelTitle(trace)}`;
}
