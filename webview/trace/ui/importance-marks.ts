/**
 * Counterfactual importance on the episode cards (docs/importance.md): a bar under each measured
 * card, its length the episode's importance relative to the largest of the trace, and the top
 * anchors (the three largest above zero) numbered after the card's title ("anchor 1"). Drawn by a
 * constructed stylesheet keyed by the cards' `data-index`, so the windowed episode list needs no
 * change and remounted cards keep their marks. Only numbers and fixed text go into the rules.
 */
import type { Trace } from '../../../src/core/trace';
import { topAnchors } from '../model/overview-importance';

export class ImportanceMarks {
  private readonly sheet: CSSStyleSheet | null;

  constructor() {
    try {
      this.sheet = new CSSStyleSheet();
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, this.sheet];
    } catch {
      this.sheet = null; // no constructable stylesheets: the cards stay unmarked
    }
  }

  update(trace: Trace): void {
    if (!this.sheet) return;
    this.sheet.replaceSync(importanceRules(trace).join('\n'));
  }
}

/** The CSS rules for a trace's importance values (none when no episode was measured). */
export function importanceRules(trace: Trace): string[] {
  const measured = trace.episodes.filter((e) => e.importance && Number.isFinite(e.importance.value) && Number.isInteger(e.index));
  const max = Math.max(0, ...measured.map((e) => e.importance!.value));
  if (measured.length === 0 || max <= 0) return [];
  const rules: string[] = [];
  for (const e of measured) {
    const share = Math.max(0, e.importance!.value) / max;
    rules.push(`.rl-card[data-index="${e.index}"]::after { content: ""; display: block; height: 3px; margin-top: 4px; border-radius: 2px; width: ${(share * 100).toFixed(1)}%; background: var(--vscode-charts-orange, #d18616); }`);
  }
  const top = topAnchors(measured.map((e) => ({ e, value: e.importance!.value }))).map((x) => x.e);
  top.forEach((e, rank) => {
    rules.push(`.rl-card[data-index="${e.index}"] .rl-card-toggle::after { content: "anchor ${rank + 1}"; margin-left: 6px; padding: 0 5px; border-radius: 8px; font-size: 11px; background: var(--vscode-charts-orange, #d18616); color: var(--vscode-editor-background, #fff); }`);
  });
  return rules;
}
