/**
 * μ of every compared trace on one uPlot chart, against the chosen alignment (episodes
 * completed, or thinking tokens), with each point's 95% interval as a whisker in the trace's
 * colour, a tick where each trace's first correct answer is, and the divergence point as a
 * dashed line. Same approach as the trace view's chart (webview/trace/ui/chart.ts): theme
 * colours read from VS Code's variables, overlays drawn in uPlot's draw hook, a text caption.
 */
import uPlot from 'uplot';
import type { Alignment, Comparison } from '../../src/core/compare';
import { h } from '../common/dom';
import { formatTokens } from '../common/format';
import { axisEnd, chartData, divergenceX, firstCorrect, afterX, type ChartData } from './model';
import { drawLabelledMarker } from '../common/plot-marker';

const HEIGHT = 220;
/** Above this many x values a point marker per value is noise (and thousands of arcs are slow to draw): the line alone. */
const MAX_POINT_MARKERS = 400;
const SERIES_VARS: [string, string][] = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-yellow', '#cca700'],
  ['--vscode-terminal-ansiCyan', '#11a8cd'],
  ['--vscode-terminal-ansiMagenta', '#bc3fbc'],
];

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

/** The colour of trace `i` (legend, strips and chart use the same). */
export function traceColour(i: number): string {
  return cssVar(...SERIES_VARS[i % SERIES_VARS.length]);
}

export class CompareChart {
  readonly element: HTMLElement;
  private readonly plotHost: HTMLElement;
  private readonly caption: HTMLElement;
  private plot: uPlot | null = null;
  private comparison: Comparison | null = null;
  private by: Alignment = 'index';
  private data: ChartData = { xs: [], mu: [], lo: [], hi: [] };
  /** Theme colours, read once per build: each read forces a style recalculation of the whole page. */
  private colours: string[] = [];
  private warning = '';
  private font = '';
  private muted = '';
  private grid = '';
  /** The plot's width as last observed (reading clientWidth would force a layout). */
  private width = 0;

  constructor() {
    this.plotHost = h('div', { class: 'rl-cmp-plot', role: 'img' });
    this.caption = h('p', { class: 'rl-cmp-caption rl-dim' });
    this.element = h('section', { class: 'rl-cmp-chart', 'aria-label': 'Progress of the compared traces' }, this.plotHost, this.caption);
    if (typeof ResizeObserver === 'function') new ResizeObserver(() => this.resize()).observe(this.plotHost);
  }

  update(comparison: Comparison, by: Alignment): void {
    this.comparison = comparison;
    this.by = by;
    this.data = chartData(comparison.traces, by);
    const probed = comparison.traces.map((t) => t.episodes.filter((e) => e.mu !== null).length);
    const axis = by === 'index' ? 'episodes completed' : 'thinking tokens';
    const parts = comparison.traces.map((t, i) => {
      const mus = t.episodes.filter((e) => e.mu !== null).map((e) => e.mu as number);
      return probed[i] ? `${t.label}: μ ${mus[0].toFixed(2)} → ${mus[mus.length - 1].toFixed(2)} over ${probed[i]} probed episodes` : `${t.label}: not probed`;
    });
    this.caption.textContent = probed.every((n) => n === 0)
      ? 'No trace here was probed, so there is no μ to draw: Estimate Progress in the trace view (or `reasoning-lens annotate --model`) adds it.'
      : `μ (share of forced answers correct) against ${axis}, whiskers: 95% intervals. ${parts.join('; ')}.`;
    this.plotHost.setAttribute('aria-label', this.caption.textContent);
    this.element.classList.toggle('rl-cmp-chart-empty', probed.every((n) => n === 0));
    this.build();
  }

  retheme(): void {
    this.colours = [];
    if (this.comparison) this.build();
  }

  private build(): void {
    const c = this.comparison;
    if (!c) return;
    this.plot?.destroy();
    // Read once per theme (retheme clears them): each read after the strips moved forces a style
    // recalculation of the whole page (~250 ms at 1,600 episodes).
    if (this.colours.length < c.traces.length) {
      this.colours = c.traces.map((_t, i) => traceColour(i));
      this.warning = cssVar('--vscode-editorWarning-foreground', '#cca700');
      this.font = getComputedStyle(document.body).fontFamily || 'sans-serif';
      this.muted = cssVar('--vscode-descriptionForeground', '#999999');
      this.grid = cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.35)');
    }
    const colour = this.colours;
    const muted = this.muted;
    const grid = this.grid;
    const by = this.by;
    const end = axisEnd(c.traces, by);
    const options: uPlot.Options = {
      width: (this.width ||= this.plotHost.clientWidth) || 600,
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      scales: { x: { time: false, range: () => [0, end * 1.02] }, y: { range: [-0.05, 1.05] } },
      axes: [
        { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, label: by === 'index' ? 'episodes completed' : 'thinking tokens', labelSize: 18, values: (_u, splits) => splits.map((v) => (by === 'index' ? String(Math.round(v)) : formatTokens(Math.round(v)))) },
        { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, label: 'μ', labelSize: 18, size: 40, splits: () => [0, 0.25, 0.5, 0.75, 1] },
      ],
      series: [{}, ...c.traces.map((t, i) => ({ label: t.label, stroke: colour[i], width: 2, spanGaps: true, points: { show: this.data.xs.length <= MAX_POINT_MARKERS, size: 5, fill: colour[i], stroke: colour[i] } }))],
      hooks: { draw: [(u) => this.overlays(u)] },
    };
    this.plotHost.replaceChildren();
    this.plot = new uPlot(options, [this.data.xs, ...this.data.mu] as uPlot.AlignedData, this.plotHost);
  }

  /** Interval whiskers, first-correct ticks, the divergence line. */
  private overlays(u: uPlot): void {
    const c = this.comparison!;
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    const dpr = devicePixelRatio || 1;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    this.data.mu.forEach((_series, i) => {
      ctx.strokeStyle = this.colours[i];
      ctx.lineWidth = 1;
      ctx.beginPath();
      // One whisker per pixel column at most (the first there): thousands of points share a few hundred columns.
      let lastColumn = -Infinity;
      this.data.xs.forEach((x, k) => {
        const lo = this.data.lo[i][k];
        const hi = this.data.hi[i][k];
        if (lo === null || hi === null) return;
        const px = Math.round(u.valToPos(x, 'x', true) + (i - (c.traces.length - 1) / 2) * 2 * dpr);
        if (px === lastColumn) return;
        lastColumn = px;
        ctx.moveTo(px, u.valToPos(lo, 'y', true));
        ctx.lineTo(px, u.valToPos(hi, 'y', true));
      });
      ctx.stroke();
    });
    ctx.font = `${11 * dpr}px ${this.font}`;
    c.traces.forEach((t, i) => {
      const k = firstCorrect(t);
      if (k < 0) return;
      const x = u.valToPos(afterX(t.episodes[k], k, this.by), 'x', true);
      ctx.fillStyle = this.colours[i];
      ctx.beginPath();
      ctx.moveTo(x, top + height);
      ctx.lineTo(x - 5 * dpr, top + height - 9 * dpr);
      ctx.lineTo(x + 5 * dpr, top + height - 9 * dpr);
      ctx.closePath();
      ctx.fill();
    });
    const dx = divergenceX(c.divergence[this.by], this.by);
    if (dx !== null) {
      drawLabelledMarker(ctx, { left, top, width, height }, u.valToPos(dx, 'x', true), dpr, this.warning, [4, 3], 'answers diverge');
    }
    ctx.restore();
  }

  private resize(): void {
    const width = this.plotHost.clientWidth;
    if (width > 0) this.width = width;
    if (!this.plot) return;
    if (width > 0 && width !== this.plot.width) this.plot.setSize({ width, height: HEIGHT });
  }
}
