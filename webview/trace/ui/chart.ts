/**
 * μ (forced-answer accuracy) against cumulative thinking tokens, drawn with uPlot, with the
 * episode boundaries, the first-correct point, the budget line, and the intermediate answers'
 * verdicts. Colours come from the VS Code theme variables and are re-read on theme change.
 */
import uPlot from 'uplot';
import type { Trace } from '../../../src/core/trace';
import { chartSeries, formatTokens, summarize, type ChartSeries, type TraceSummary } from '../model/summary';
import { h } from '../../common/dom';
import { drawLabelledMarker } from '../../common/plot-marker';

interface Palette {
  foreground: string;
  muted: string;
  grid: string;
  mu: string;
  correct: string;
  incorrect: string;
  budget: string;
}

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.body).getPropertyValue(name).trim();
  return value || fallback;
}

function readPalette(): Palette {
  return {
    foreground: cssVar('--vscode-foreground', '#cccccc'),
    muted: cssVar('--vscode-descriptionForeground', '#999999'),
    grid: cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.35)'),
    mu: cssVar('--vscode-charts-blue', '#3794ff'),
    correct: cssVar('--vscode-charts-green', '#89d185'),
    incorrect: cssVar('--vscode-charts-red', '#f14c4c'),
    budget: cssVar('--vscode-charts-orange', '#d18616'),
  };
}

const HEIGHT = 190;

export class MuChart {
  readonly element: HTMLElement;
  private readonly plotHost: HTMLElement;
  private readonly caption: HTMLElement;
  private plot: uPlot | null = null;
  private series: ChartSeries = { tokens: [], mu: [], ci: [], starts: [] };
  private summary: TraceSummary | null = null;
  private palette: Palette | null = null;
  private resizeObserver: ResizeObserver | null = null;

  constructor() {
    this.plotHost = h('div', { class: 'rl-chart-plot', role: 'img', 'aria-label': 'Chart of μ against thinking tokens' });
    this.caption = h('p', { class: 'rl-chart-caption rl-dim' });
    this.element = h('section', { class: 'rl-chart', 'aria-label': 'Progress chart' }, this.plotHost, this.caption);
    if (typeof ResizeObserver === 'function') {
      this.resizeObserver = new ResizeObserver(() => this.resize());
      this.resizeObserver.observe(this.plotHost);
    }
  }

  /** `live`: the run is still streaming (probe results may still come). */
  update(trace: Trace, live = false): void {
    this.live = live;
    this.currentTrace = trace;
    this.series = chartSeries(trace);
    this.summary = summarize(trace);
    const probed = this.summary.probedEpisodes;
    const answered = trace.episodes.filter((e) => e.verdict !== 'none').length;
    // One point is no curve: a one-episode trace gets the caption only, not an empty 190 px plot.
    this.element.hidden = trace.episodes.length === 0;
    this.plotHost.hidden = trace.episodes.length < 2;
    this.element.classList.toggle('rl-chart-no-mu', probed === 0);
    this.caption.textContent = this.describe(probed, answered);
    this.plotHost.setAttribute('aria-label', this.caption.textContent);
    if (!this.plot) this.build();
    else this.plot.setData(this.data(trace), true);
  }

  /** Theme changed: rebuild with the new colours. */
  retheme(): void {
    if (!this.plot) return;
    this.plot.destroy();
    this.plot = null;
    this.build();
  }

  private currentTrace: Trace | null = null;
  private live = false;

  private data(trace: Trace): uPlot.AlignedData {
    this.currentTrace = trace;
    const right: (number | null)[] = [];
    const wrong: (number | null)[] = [];
    for (const e of trace.episodes) {
      right.push(e.verdict === 'correct' ? 1 : null);
      wrong.push(e.verdict === 'incorrect' ? 0 : null);
    }
    return [this.series.tokens, this.series.mu, right, wrong];
  }

  private describe(probed: number, answered: number): string {
    const s = this.summary!;
    const parts = [`${s.episodes} ${s.episodes === 1 ? 'episode' : 'episodes'}, ${formatTokens(s.thinkingTokens)} thinking tokens`];
    if (probed > 0) {
      const mus = this.series.mu.filter((m): m is number => m !== null);
      parts.push(`μ from ${mus[0].toFixed(2)} to ${mus[mus.length - 1].toFixed(2)} over ${probed} probed episodes${s.basis === 'self' ? ' (agreement with the final answer: no gold)' : ''}`);
    } else if (this.live) {
      // Probes may be running: with no gold answer (self basis) their μ needs the final answer, so it comes at the end.
      parts.push('no μ yet: progress probes, when on, report as they finish (without a gold answer, after the final answer) (dots: intermediate answers, top = correct, bottom = incorrect)');
    } else parts.push('no progress probes (dots: intermediate answers, top = correct, bottom = incorrect)');
    if (s.firstCorrectEpisode !== null) parts.push(`first correct answer in episode ${s.firstCorrectEpisode} at ${formatTokens(s.firstCorrectAtTokens ?? 0)} tokens`);
    else if (answered > 0) parts.push('no correct intermediate answer');
    if (s.budgetTokens !== null) parts.push(`budget ${formatTokens(s.budgetTokens)} tokens`);
    return `${parts.join('; ')}.`;
  }

  private build(): void {
    const trace = this.currentTrace;
    const width = this.plotHost.clientWidth || 600;
    const p = (this.palette = readPalette());
    const points = (fill: string, size: number) => ({ show: true, size, fill, stroke: fill, width: 1 });
    const xMax = () => Math.max(1, this.series.tokens[this.series.tokens.length - 1] ?? 1, this.summary?.budgetTokens ?? 0);
    const options: uPlot.Options = {
      width,
      height: HEIGHT,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      scales: {
        x: { time: false, range: () => [0, xMax() * 1.02] },
        y: { range: [-0.05, 1.05] },
      },
      axes: [
        { stroke: p.muted, grid: { stroke: p.grid, width: 1 }, ticks: { stroke: p.grid }, label: 'thinking tokens', labelSize: 18, values: (_u, splits) => splits.map((v) => formatTokens(Math.round(v))) },
        { stroke: p.muted, grid: { stroke: p.grid, width: 1 }, ticks: { stroke: p.grid }, label: 'μ', labelSize: 18, size: 40, splits: () => [0, 0.25, 0.5, 0.75, 1] },
      ],
      series: [
        { label: 'tokens', value: (_u, v) => (v == null ? '' : formatTokens(v)) },
        { label: 'μ (forced answer correct)', class: 'rl-series-mu', stroke: p.mu, width: 2, spanGaps: true, points: points(p.mu, 5), value: (_u, v) => (v == null ? '–' : v.toFixed(2)) },
        { label: 'answer correct', stroke: p.correct, paths: () => null, points: points(p.correct, 7), value: (_u, v) => (v == null ? '–' : '✓') },
        { label: 'answer incorrect', stroke: p.incorrect, paths: () => null, points: points(p.incorrect, 7), value: (_u, v) => (v == null ? '–' : '✗') },
      ],
      hooks: { draw: [(u) => this.drawOverlays(u)] },
    };
    this.plotHost.replaceChildren();
    this.plot = new uPlot(options, trace ? this.data(trace) : [[], [], [], []], this.plotHost);
  }

  /** Episode boundaries, CI whiskers, the first-correct marker and the budget line. */
  private drawOverlays(u: uPlot): void {
    const p = this.palette!;
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    const dpr = devicePixelRatio || 1;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    // Boundaries: skip some when they would be closer than 3 px.
    const starts = this.series.starts;
    ctx.strokeStyle = p.grid;
    ctx.lineWidth = 1;
    let lastX = -Infinity;
    ctx.beginPath();
    for (const start of starts) {
      const x = Math.round(u.valToPos(start, 'x', true)) + 0.5;
      if (x - lastX < 3 * dpr) continue;
      lastX = x;
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
    }
    ctx.stroke();
    // 95% interval whiskers on μ.
    ctx.strokeStyle = p.mu;
    ctx.beginPath();
    this.series.ci.forEach((ci, i) => {
      const mu = this.series.mu[i];
      if (ci === null || mu === null) return;
      const x = u.valToPos(this.series.tokens[i], 'x', true);
      ctx.moveTo(x, u.valToPos(Math.max(0, mu - ci), 'y', true));
      ctx.lineTo(x, u.valToPos(Math.min(1, mu + ci), 'y', true));
    });
    ctx.stroke();
    const s = this.summary;
    ctx.font = `${11 * dpr}px ${getComputedStyle(document.body).fontFamily || 'sans-serif'}`;
    if (s?.firstCorrectAtTokens != null) {
      drawLabelledMarker(ctx, { left, top, width, height }, u.valToPos(s.firstCorrectAtTokens, 'x', true), dpr, p.correct, [2, 3], 'first correct');
    }
    if (s?.budgetTokens != null) {
      const x = u.valToPos(s.budgetTokens, 'x', true);
      ctx.strokeStyle = p.budget;
      ctx.fillStyle = p.budget;
      ctx.setLineDash([6 * dpr, 4 * dpr]);
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.textAlign = 'right';
      ctx.fillText('budget', x - 4 * dpr, top + height - 6 * dpr);
    }
    ctx.restore();
  }

  private resize(): void {
    if (!this.plot) return;
    const width = this.plotHost.clientWidth;
    if (width > 0 && width !== this.plot.width) this.plot.setSize({ width, height: HEIGHT });
  }
}
