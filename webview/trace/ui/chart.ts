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
import { intervalText, muSeriesLabel, traceRecipe, RECIPE_TEXT } from '../model/probe-text';

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
  private series: ChartSeries = { tokens: [], mu: [], band: [], entropy: [], starts: [] };
  /** The μ legend label and whether the entropy series is drawn: a change rebuilds the plot. */
  private shape = '';
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
    const shape = `${muSeriesLabel(trace)}|${this.showEntropy()}`;
    if (!this.plot || shape !== this.shape) {
      this.plot?.destroy();
      this.plot = null;
      this.shape = shape;
      this.build();
    } else this.plot.setData(this.data(trace), true);
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
    const data: uPlot.AlignedData = [this.series.tokens, this.series.mu, right, wrong];
    return this.showEntropy() ? [...data, this.series.entropy] : data;
  }

  /**
   * Without a gold answer μ is agreement with the model's own final answer, near 1 at the end by
   * construction; the entropy of the forced answers (bits) is the information reading that still
   * says something (issue 10, item 4). Drawn on its own axis when the trace has it.
   */
  private showEntropy(): boolean {
    return this.summary?.basis === 'self' && this.series.entropy.some((e) => e !== null);
  }

  private describe(probed: number, answered: number): string {
    const s = this.summary!;
    const parts = [`${s.episodes} ${s.episodes === 1 ? 'episode' : 'episodes'}, ${formatTokens(s.thinkingTokens)} thinking tokens`];
    if (probed > 0) {
      const mus = this.series.mu.filter((m): m is number => m !== null);
      const trace = this.currentTrace!;
      const recipe = traceRecipe(trace);
      const band = intervalText(trace);
      parts.push(`μ from ${mus[0].toFixed(2)} to ${mus[mus.length - 1].toFixed(2)} over ${probed} probed episodes${s.basis === 'self' ? ' (agreement with the final answer: no gold)' : ''}`);
      parts.push(`μ is ${recipe ? RECIPE_TEXT[recipe].long : 'a version-1 forced-answer probe (recipe not recorded)'}${band ? `; shaded: ${band}` : ''}${this.showEntropy() ? '; dashed: entropy of the forced answers in bits (right axis)' : ''}`);
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
        bits: { range: (_u, _min, max) => [0, Math.max(1, max ?? 1) * 1.05] },
      },
      axes: [
        { stroke: p.muted, grid: { stroke: p.grid, width: 1 }, ticks: { stroke: p.grid }, label: 'thinking tokens', labelSize: 18, values: (_u, splits) => splits.map((v) => formatTokens(Math.round(v))) },
        { stroke: p.muted, grid: { stroke: p.grid, width: 1 }, ticks: { stroke: p.grid }, label: 'μ', labelSize: 18, size: 40, splits: () => [0, 0.25, 0.5, 0.75, 1] },
        ...(this.showEntropy() ? [{ scale: 'bits', side: 1, stroke: p.muted, grid: { show: false }, ticks: { stroke: p.grid }, label: 'bits', labelSize: 18, size: 40 }] : []),
      ],
      series: [
        { label: 'tokens', value: (_u, v) => (v == null ? '' : formatTokens(v)) },
        { label: trace ? muSeriesLabel(trace) : 'μ', class: 'rl-series-mu', stroke: p.mu, width: 2, spanGaps: true, points: points(p.mu, 5), value: (_u, v) => (v == null ? '–' : v.toFixed(2)) },
        { label: 'answer correct', stroke: p.correct, paths: () => null, points: points(p.correct, 7), value: (_u, v) => (v == null ? '–' : '✓') },
        { label: 'answer incorrect', stroke: p.incorrect, paths: () => null, points: points(p.incorrect, 7), value: (_u, v) => (v == null ? '–' : '✗') },
        ...(this.showEntropy() ? [{ label: 'answer entropy (bits)', scale: 'bits', stroke: p.muted, width: 1, dash: [4, 3], spanGaps: true, points: points(p.muted, 3), value: (_u: uPlot, v: number | null) => (v == null ? '–' : v.toFixed(2)) }] : []),
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
    this.drawBand(u, p.mu);
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

  /**
   * μ's interval as a shaded band between consecutive probed episodes (a run of episodes with an
   * interval; a gap in the probes breaks the band), and a whisker where a run has one point.
   */
  private drawBand(u: uPlot, colour: string): void {
    const ctx = u.ctx;
    const { tokens, band } = this.series;
    const runs: number[][] = [];
    let run: number[] = [];
    band.forEach((b, i) => {
      if (b) run.push(i);
      else if (this.series.mu[i] !== null && run.length > 0) {
        // A probed episode without an interval breaks the band; an unprobed one is skipped over.
        runs.push(run);
        run = [];
      }
    });
    if (run.length) runs.push(run);
    ctx.fillStyle = colour;
    ctx.strokeStyle = colour;
    for (const r of runs) {
      const xs = r.map((i) => u.valToPos(tokens[i], 'x', true));
      if (r.length === 1) {
        ctx.beginPath();
        ctx.moveTo(xs[0], u.valToPos(band[r[0]]![0], 'y', true));
        ctx.lineTo(xs[0], u.valToPos(band[r[0]]![1], 'y', true));
        ctx.stroke();
        continue;
      }
      ctx.globalAlpha = 0.18;
      ctx.beginPath();
      r.forEach((i, k) => (k === 0 ? ctx.moveTo(xs[k], u.valToPos(band[i]![1], 'y', true)) : ctx.lineTo(xs[k], u.valToPos(band[i]![1], 'y', true))));
      for (let k = r.length - 1; k >= 0; k--) ctx.lineTo(xs[k], u.valToPos(band[r[k]]![0], 'y', true));
      ctx.closePath();
      ctx.fill();
      ctx.globalAlpha = 1;
    }
  }

  private resize(): void {
    if (!this.plot) return;
    const width = this.plotHost.clientWidth;
    if (width > 0 && width !== this.plot.width) this.plot.setSize({ width, height: HEIGHT });
  }
}
