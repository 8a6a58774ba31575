/**
 * The report's three charts, drawn with uPlot from the report the host computed: the mean
 * progress curve (μ by episode index), accuracy under a thinking-token cap, and label
 * frequencies as bars. One series per model when several models ran. Colours come from the
 * VS Code theme; every chart also gets a text caption (its accessible name).
 */
import uPlot from 'uplot';
import type { CurvePoint, DatasetReport, GroupSummary, ProbeSummary } from '../../src/core/report';
import { formatTokens } from '../common/format';
import { h } from '../common/dom';

const HEIGHT = 200;
const SERIES_VARS: [string, string][] = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-yellow', '#cca700'],
];
export const LABEL_ORDER = ['planning', 'computation', 'verification', 'backtracking', 'alternative', 'answer'] as const;

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

const seriesColour = (i: number) => cssVar(...SERIES_VARS[i % SERIES_VARS.length]);

/** The groups to draw: every model when several ran, else the whole file. */
export function chartGroups(report: DatasetReport): [string, GroupSummary][] {
  const models = Object.entries(report.models);
  return models.length > 1 ? models : [['all traces', report.overall]];
}

/** Series aligned on the union of x values; missing points are null (uPlot leaves a gap). */
export function alignSeries(groups: { x: number; y: number | null }[][]): { xs: number[]; ys: (number | null)[][] } {
  const xs = [...new Set(groups.flatMap((g) => g.map((p) => p.x)))].sort((a, b) => a - b);
  const ys = groups.map((g) => {
    const at = new Map(g.map((p) => [p.x, p.y]));
    return xs.map((x) => at.get(x) ?? null);
  });
  return { xs, ys };
}

interface ChartSpec {
  title: string;
  caption: string;
  data: uPlot.AlignedData;
  options(width: number): uPlot.Options;
}

class ChartBox {
  readonly element: HTMLElement;
  private readonly plotHost: HTMLElement;
  private readonly caption: HTMLElement;
  private plot: uPlot | null = null;
  private spec: ChartSpec | null = null;

  constructor(readonly name: string) {
    this.plotHost = h('div', { class: 'rl-ds-plot', role: 'img' });
    this.caption = h('p', { class: 'rl-chart-caption rl-dim' });
    this.element = h('figure', { class: 'rl-chart rl-ds-chart', 'data-chart': name }, h('figcaption', { class: 'rl-ds-chart-title' }), this.plotHost, this.caption);
    if (typeof ResizeObserver === 'function') new ResizeObserver(() => this.resize()).observe(this.plotHost);
  }

  show(spec: ChartSpec | null, emptyText: string): void {
    this.spec = spec;
    this.plot?.destroy();
    this.plot = null;
    this.plotHost.replaceChildren();
    this.element.querySelector('figcaption')!.textContent = spec?.title ?? '';
    this.caption.textContent = spec ? spec.caption : emptyText;
    this.plotHost.hidden = !spec;
    this.plotHost.setAttribute('aria-label', this.caption.textContent);
    if (spec) this.plot = new uPlot(spec.options(this.plotHost.clientWidth || 480), spec.data, this.plotHost);
  }

  retheme(): void {
    if (this.spec) this.show(this.spec, '');
  }

  private resize(): void {
    const width = this.plotHost.clientWidth;
    if (this.plot && width > 0 && width !== this.plot.width) this.plot.setSize({ width, height: HEIGHT });
  }
}

function axis(label: string, extra: Partial<uPlot.Axis> = {}): uPlot.Axis {
  const muted = cssVar('--vscode-descriptionForeground', '#999');
  const grid = cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.35)');
  return { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, label, labelSize: 18, ...extra };
}

const pctValue = (_u: uPlot, v: number | null) => (v == null ? '–' : `${(100 * v).toFixed(1)}%`);

export class DatasetCharts {
  readonly element: HTMLElement;
  private readonly progress = new ChartBox('progress');
  private readonly budget = new ChartBox('budget');
  private readonly labels = new ChartBox('labels');
  private report: DatasetReport | null = null;

  constructor() {
    this.element = h('section', { class: 'rl-ds-charts', 'aria-label': 'Charts' }, this.progress.element, this.budget.element, this.labels.element);
  }

  update(report: DatasetReport): void {
    this.report = report;
    const groups = chartGroups(report);
    this.progress.show(progressSpec(groups), 'Mean progress by episode: no episode in this file was probed (annotate with samples > 0 to estimate μ).');
    this.budget.show(budgetSpec(groups), 'Accuracy under a thinking cap: no graded traces.');
    this.labels.show(labelSpec(report.overall), 'Label frequencies: no episodes.');
  }

  retheme(): void {
    if (this.report) this.update(this.report);
  }
}

/** A mean over one or two traces is noise: the curve stops where fewer than this many traces reach. */
const MIN_TRACES_PER_POINT = 3;

export function trimmedCurve(p: ProbeSummary): CurvePoint[] {
  const need = Math.min(MIN_TRACES_PER_POINT, p.traces);
  return p.progressByEpisode.filter((c) => c.n >= need);
}

function progressSpec(groups: [string, GroupSummary][]): ChartSpec | null {
  // One line per group and basis: a gold-basis and a self-basis μ are different quantities.
  const lines = groups.flatMap(([name, g]) => g.probes.map((p): [string, ProbeSummary] => [`${name} (${p.basis} basis)`, p]));
  const curves = lines.map(([, p]) => trimmedCurve(p));
  if (curves.every((c) => c.length === 0)) return null;
  const { xs, ys } = alignSeries(curves.map((c) => c.map((p) => ({ x: p.x, y: p.mean }))));
  const parts = lines
    .map(([name, p], i): [string, ProbeSummary, CurvePoint[]] => [name, p, curves[i]])
    .filter(([, , c]) => c.length > 0)
    .map(([name, p, c]) => {
      return `${name}: μ ${c[0].mean.toFixed(2)} after episode 0 → ${c[c.length - 1].mean.toFixed(2)} after episode ${c[c.length - 1].x} (${p.traces} probed traces)`;
    });
  return {
    title: 'Mean progress μ by episode index',
    caption: `${parts.join('; ')}. Episodes reached by fewer than ${MIN_TRACES_PER_POINT} probed traces are left out.`,
    data: [xs, ...ys],
    options: (width) => ({
      width,
      height: HEIGHT,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false }, y: { range: [0, 1.02] } },
      axes: [axis('episode'), axis('mean μ', { size: 44, splits: () => [0, 0.25, 0.5, 0.75, 1] })],
      series: [
        { label: 'episode' },
        ...lines.map(([name], i) => ({ label: name, stroke: seriesColour(i), width: 2, spanGaps: true, points: { show: xs.length <= 60, size: 4 }, value: (_u: uPlot, v: number | null) => (v == null ? '–' : v.toFixed(2)) })),
      ],
    }),
  };
}

function budgetSpec(groups: [string, GroupSummary][]): ChartSpec | null {
  const withData = groups.filter(([, g]) => g.accuracyByBudget.some((p) => p.accuracy !== null));
  if (withData.length === 0) return null;
  const { xs, ys } = alignSeries(groups.map(([, g]) => g.accuracyByBudget.map((p) => ({ x: p.budget, y: p.accuracy }))));
  const parts = withData.map(([name, g]) => {
    const pts = g.accuracyByBudget.filter((p) => p.accuracy !== null);
    const a = pts[0];
    const b = pts[pts.length - 1];
    return `${name}: ${(100 * a.accuracy!).toFixed(1)}% at ${formatTokens(a.budget)} tokens (n=${a.n}) → ${(100 * b.accuracy!).toFixed(1)}% at ${formatTokens(b.budget)} (n=${b.n})`;
  });
  return {
    title: 'Accuracy under a thinking-token cap',
    caption: `${parts.join('; ')}. Past a trace's own end its final answer counts; before it, μ of the last probed prefix within the cap.`,
    data: [xs, ...ys],
    options: (width) => ({
      width,
      height: HEIGHT,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false, distr: 3, log: 2 }, y: { range: [0, 1.02] } },
      axes: [
        axis('thinking-token cap', { values: (_u, splits) => splits.map((v) => formatTokens(Math.round(v))) }),
        axis('accuracy', { size: 48, splits: () => [0, 0.25, 0.5, 0.75, 1], values: (_u, splits) => splits.map((v) => `${Math.round(v * 100)}%`) }),
      ],
      series: [
        { label: 'cap', value: (_u, v) => (v == null ? '' : formatTokens(v)) },
        ...groups.map(([name], i) => ({ label: name, stroke: seriesColour(i), width: 2, spanGaps: true, points: { show: true, size: 5 }, value: pctValue })),
      ],
    }),
  };
}

function labelSpec(g: GroupSummary): ChartSpec | null {
  const total = Object.values(g.labels).reduce((a, l) => Math.max(a, l.episodes), 0);
  if (total === 0) return null;
  const xs = LABEL_ORDER.map((_, i) => i);
  const shares = LABEL_ORDER.map((l) => g.labels[l]?.share ?? 0);
  const some = Object.values(g.labels).find((l) => l.share > 0);
  const episodeTotal = some ? Math.round(some.episodes / some.share) : 0;
  const described = LABEL_ORDER.map((l, i) => `${l} ${(100 * shares[i]).toFixed(0)}%`).join(', ');
  const bars = uPlot.paths.bars?.({ size: [0.6, 80] });
  return {
    title: 'Share of episodes carrying each label',
    caption: `${described} of ${episodeTotal} episodes (an episode can carry several labels).`,
    data: [xs, shares],
    options: (width) => ({
      width,
      height: HEIGHT,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false, range: [-0.5, LABEL_ORDER.length - 0.5] }, y: { range: [0, Math.min(1, Math.max(...shares) * 1.15 || 1)] } },
      axes: [
        axis('', { splits: () => xs, values: (_u, splits) => splits.map((v) => LABEL_ORDER[Math.round(v)] ?? ''), grid: { show: false }, rotate: -30, size: 64 }),
        axis('share of episodes', { size: 48, values: (_u, splits) => splits.map((v) => `${Math.round(v * 100)}%`) }),
      ],
      series: [{}, { label: 'share', fill: seriesColour(0), stroke: seriesColour(0), paths: bars, points: { show: false } }],
    }),
  };
}
