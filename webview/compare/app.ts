/**
 * The compare view: two or more traces side by side. Header (the problem, or a warning when the
 * traces are not of one problem), the traces with where they came from, the alignment switch
 * (episode index / thinking tokens), the divergence point, μ overlaid, the aligned verdict and
 * label strips, and the summary table with differences marked. Independent of the VS Code API
 * (a bridge is passed in) so the dev harness and the tests drive it. Model text goes into the
 * DOM only as text.
 */
import type { Alignment } from '../../src/core/compare';
import { COMPARE_PROTOCOL_VERSION, type ComparePayload, type CompareSource, type CompareViewToHost, type HostToCompareView, type PersistedCompareState } from '../../src/shared/compare-protocol';
import { h, icon } from '../common/dom';
import { handleCommonMessage, type PageBridge } from '../common/page';
import { createMarkdownRenderer, createSanitizer } from '../trace/render/markdown';
import { CompareChart, traceColour } from './chart';
import { CompareStrips } from './strips';
import { summaryTable } from './summary-table';

export type CompareBridge = PageBridge<CompareViewToHost, PersistedCompareState>;

const ALIGNMENT_NAMES: [Alignment, string][] = [
  ['index', 'Episode index'],
  ['tokens', 'Thinking tokens'],
];

export class CompareApp {
  private payload: ComparePayload | null = null;
  private alignment: Alignment | null;
  /** What a window reload reads again: the host's, or the saved state's until the host sends any. */
  private sources: CompareSource[] | undefined;
  private readonly problem = h('div', { class: 'rl-cmp-problem rl-markdown', 'aria-label': 'Problem' });
  /** The problem is model-adjacent text: Markdown and TeX through the trace view's sanitising renderer. */
  private readonly problemHtml = createMarkdownRenderer({ math: true });
  private readonly sanitizer = createSanitizer(window);
  private readonly warning = h('p', { class: 'rl-cmp-warning', role: 'note', hidden: true }, icon('warning'), ' These traces are not of the same problem: the comparison still aligns them, but their answers are not comparable.');
  private readonly legend = h('ol', { class: 'rl-cmp-legend' });
  private readonly switcher: HTMLElement;
  private readonly buttons = new Map<Alignment, HTMLButtonElement>();
  private readonly divergence = h('p', { class: 'rl-cmp-divergence', role: 'status' });
  private readonly chart = new CompareChart();
  private readonly strips = new CompareStrips();
  private readonly table = h('div', { class: 'rl-cmp-table-wrap' });
  private readonly notice = h('div', { class: 'rl-notice', role: 'status', 'aria-live': 'polite' });
  private readonly errorBox = h('div', { class: 'rl-error', role: 'alert', hidden: true });
  /** Traces a restore could not read again (the rest are compared), or why nothing can be. */
  private readonly missing = h('div', { class: 'rl-error rl-cmp-missing', role: 'alert', hidden: true });
  private readonly body: HTMLElement;

  constructor(root: HTMLElement, private readonly host: CompareBridge) {
    const saved = host.getState();
    this.alignment = saved?.version === COMPARE_PROTOCOL_VERSION && (saved.alignment === 'index' || saved.alignment === 'tokens') ? saved.alignment : null;
    this.sources = saved?.version === COMPARE_PROTOCOL_VERSION && Array.isArray(saved.sources) ? saved.sources : undefined;
    this.switcher = h('div', { class: 'rl-cmp-switch', role: 'group', 'aria-label': 'Align the traces by' }, h('span', { class: 'rl-dim' }, 'Align by '));
    for (const [value, name] of ALIGNMENT_NAMES) {
      const button = h('button', { type: 'button', class: 'rl-cmp-switch-button', 'data-align': value, 'aria-pressed': 'false' }, name);
      button.addEventListener('click', () => this.setAlignment(value));
      this.buttons.set(value, button);
      this.switcher.append(button);
    }
    this.body = h('div', { class: 'rl-cmp-body', hidden: true },
      this.warning,
      h('h2', { class: 'rl-section-title' }, 'Traces'), this.legend,
      this.switcher, this.divergence,
      h('h2', { class: 'rl-section-title' }, 'Progress'), this.chart.element,
      h('h2', { class: 'rl-section-title' }, 'Episodes, aligned'), this.strips.element,
      h('h2', { class: 'rl-section-title' }, 'Summary'), h('p', { class: 'rl-dim rl-cmp-table-note' }, '≠ marks the rows where the traces differ (answers: by math-aware equivalence).'), this.table);
    root.replaceChildren(h('header', { class: 'rl-cmp-header' }, h('h1', { class: 'rl-cmp-title' }, 'Compare traces'), this.problem), this.errorBox, this.missing, this.body, this.notice);
    new MutationObserver(() => {
      this.chart.retheme();
      this.strips.retheme();
    }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    this.host.post({ type: 'ready' });
  }

  handle(message: HostToCompareView): void {
    if (handleCommonMessage(message, { errorBox: this.errorBox, notice: this.notice, hasContent: () => this.payload !== null, ready: () => this.host.post({ type: 'ready' }) })) return;
    switch (message.type) {
      case 'compare': {
        const { type: _type, ...payload } = message;
        this.load(payload);
        return;
      }
      case 'unavailable':
        this.unavailable(message.message, message.missing);
        return;
    }
  }

  /**
   * A restored comparison that cannot be drawn: says why, per trace. The saved state is left as
   * it was, so the next window reload tries the same files again (they may be back by then).
   */
  private unavailable(message: string, missing: readonly string[]): void {
    this.payload = null;
    this.body.hidden = true;
    this.problem.textContent = '';
    this.showMissing(message, missing);
    this.host.post({ type: 'shown', traces: 0, alignment: this.alignment ?? 'index' });
  }

  private showMissing(message: string, missing: readonly string[]): void {
    this.missing.hidden = missing.length === 0 && message === '';
    this.missing.replaceChildren(h('p', {}, icon('warning'), ' ', message), h('ul', {}, ...missing.map((m) => h('li', {}, m))));
  }

  private load(payload: ComparePayload): void {
    this.payload = payload;
    this.alignment ??= payload.alignment;
    this.sources = payload.sources;
    this.saveState();
    const missing = payload.missing ?? [];
    if (missing.length) this.showMissing(`${missing.length === 1 ? 'One trace' : `${missing.length} traces`} of this comparison could not be read again; the others are compared.`, missing);
    else this.showMissing('', []);
    const c = payload.comparison;
    this.errorBox.hidden = true;
    const first = c.traces[0];
    if (c.sameProblem) this.problem.replaceChildren(this.sanitizer.toFragment(this.problemHtml(first.problem)));
    else this.problem.textContent = `${c.traces.length} traces of different problems`;
    // The TeX source stays reachable for copying.
    this.problem.title = c.sameProblem ? first.problem : '';
    this.warning.hidden = c.sameProblem;
    this.legend.replaceChildren(...c.traces.map((t, i) => {
      const swatch = h('span', { class: 'rl-cmp-swatch', 'aria-hidden': 'true' });
      swatch.style.background = traceColour(i);
      const open = h('button', { type: 'button', class: 'rl-link-button', 'data-open': i, title: 'Open this trace in a trace view' }, icon('go-to-file'), ' Open');
      open.addEventListener('click', () => this.host.post({ type: 'open-trace', position: i }));
      const gold = t.gold ? ` · gold ${t.gold}` : '';
      return h('li', { class: 'rl-cmp-legend-item' }, swatch, h('strong', {}, t.label), ' ', h('span', { class: 'rl-dim' }, `${payload.origins[i] ?? ''} · id ${t.id}${t.model && t.model !== t.label ? ` · ${t.model}` : ''}${gold}`), ' ', open);
    }));
    this.body.hidden = false;
    this.table.replaceChildren(summaryTable(c));
    this.render();
  }

  private setAlignment(by: Alignment): void {
    if (by === this.alignment) return;
    this.alignment = by;
    this.saveState();
    this.render();
  }

  /** The alignment and where the traces came from: what a window reload needs (the host's serializer reads it). */
  private saveState(): void {
    if (!this.alignment) return;
    this.host.setState({ version: COMPARE_PROTOCOL_VERSION, alignment: this.alignment, ...(this.sources ? { sources: this.sources } : {}) });
  }

  private render(): void {
    const payload = this.payload;
    if (!payload || !this.alignment) return;
    const by = this.alignment;
    for (const [value, button] of this.buttons) button.setAttribute('aria-pressed', String(value === by));
    this.divergence.textContent = payload.divergenceText[by];
    this.divergence.classList.toggle('rl-cmp-diverged', payload.comparison.divergence[by] !== null);
    document.body.dataset.alignment = by;
    // The chart measures its width: draw it once the body is laid out.
    requestAnimationFrame(() => this.chart.update(payload.comparison, by));
    this.strips.update(payload.comparison, by);
    this.host.post({ type: 'shown', traces: payload.comparison.traces.length, alignment: by });
  }
}
