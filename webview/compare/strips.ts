/**
 * The aligned strips: per trace, one bar of verdicts (correct / incorrect / no answer) and one
 * of labels (the episode's first label), every episode a block on the shared axis, so the same
 * column means the same episode index or the same token position in every trace. The first
 * correct episode is outlined and the divergence point is a line across all strips.
 *
 * Each trace's two bars are one canvas: as elements, two traces of 10,000 episodes were 40,000
 * absolutely placed blocks, and laying them out took most of the ~23 s to the first paint
 * (bench/compare-view.bench.ts). The colours are still the stylesheet's (read once per theme
 * from hidden elements carrying the block classes); hovering a block shows its episode as the
 * canvas's title, and each strip has a text summary for screen readers.
 */
import type { Alignment, Comparison, ComparedEpisode, ComparedTrace } from '../../src/core/compare';
import { h, srOnly } from '../common/dom';
import { traceColour } from './chart';
import { axisEnd, divergenceX, episodeAt, episodeSpan, firstCorrect } from './model';

/** Heights in CSS px, as .rl-cmp-canvas in media/compare.css: verdict bar, gap, label bar. */
const BAR = 12;
const GAP = 2;
const HEIGHT = 2 * BAR + GAP;
const VERDICTS = ['correct', 'incorrect', 'none'] as const;
const LABELS = ['planning', 'computation', 'verification', 'backtracking', 'alternative', 'answer'] as const;

function episodeTitle(e: ComparedEpisode): string {
  const parts = [`#${e.index}`, `${e.endTokens - e.startTokens} tokens`, e.verdict === 'none' ? 'no answer checked' : e.verdict];
  if (e.labels.length) parts.push(e.labels.join(', '));
  if (e.answer !== null) parts.push(`answer: ${e.answer.length > 80 ? `${e.answer.slice(0, 79)}…` : e.answer}`);
  if (e.mu !== null) parts.push(`μ ${e.mu.toFixed(2)}`);
  return parts.join(' · ');
}

interface Fill {
  colour: string;
  alpha: number;
}

interface Palette {
  track: string;
  separator: string;
  outline: string;
  verdict: Record<string, Fill>;
  label: Record<string, Fill>;
}

interface Row {
  canvas: HTMLCanvasElement;
  trace: ComparedTrace;
  first: number;
}

export class CompareStrips {
  readonly element: HTMLElement;
  /** The comparison the rows were built for: a new alignment only redraws them. */
  private built: Comparison | null = null;
  private rows: Row[] = [];
  private mark: HTMLElement | null = null;
  private note: HTMLElement | null = null;
  /** Hidden elements with the block classes: the stylesheet's colours, read from them once per theme. */
  private readonly probes: HTMLElement;
  private palette: Palette | null = null;
  private by: Alignment = 'index';
  private end = 1;
  /** The canvases' CSS width as last observed (0: not laid out yet). */
  private width = 0;
  private readonly resize: ResizeObserver | null;

  constructor() {
    this.element = h('section', { class: 'rl-cmp-strips', 'aria-label': 'Verdicts and labels of every episode, aligned' });
    this.probes = h('div', { class: 'rl-cmp-probes', hidden: true, 'aria-hidden': 'true' },
      h('span', { class: 'rl-cmp-bar', 'data-probe': 'track' }),
      ...VERDICTS.map((v) => h('span', { class: `rl-cmp-block rl-cmp-v-${v}`, 'data-probe': `v-${v}` })),
      ...LABELS.map((l) => h('span', { class: `rl-cmp-block rl-cmp-label-${l}`, 'data-probe': `l-${l}` })));
    this.resize = typeof ResizeObserver === 'function'
      ? new ResizeObserver((entries) => {
        const width = entries[0]?.contentRect.width ?? 0;
        if (width > 0 && Math.abs(width - this.width) >= 1) {
          this.width = width;
          this.draw();
        }
      })
      : null;
  }

  update(comparison: Comparison, by: Alignment): void {
    if (this.built !== comparison) this.build(comparison);
    this.by = by;
    this.end = axisEnd(comparison.traces, by);
    const dx = divergenceX(comparison.divergence[by], by);
    this.mark!.hidden = dx === null;
    if (dx !== null) this.mark!.style.left = `calc(var(--rl-cmp-name-width) + (100% - var(--rl-cmp-name-width)) * ${(dx / this.end).toFixed(6)})`;
    this.note!.textContent = by === 'index' ? 'Each block is one episode; columns are episode indices.' : 'Block widths are the episodes\' tokens; columns are thinking-token positions.';
    this.draw();
  }

  /** The theme changed: read the colours again. */
  retheme(): void {
    this.palette = null;
    this.draw();
  }

  private build(comparison: Comparison): void {
    this.built = comparison;
    this.resize?.disconnect();
    this.rows = [];
    const strips = comparison.traces.map((t, i) => {
      const first = firstCorrect(t);
      const canvas = h('canvas', { class: 'rl-cmp-canvas', 'aria-hidden': 'true', 'data-episodes': t.episodes.length }) as HTMLCanvasElement;
      const row: Row = { canvas, trace: t, first };
      canvas.addEventListener('mousemove', (event) => this.hover(row, event.offsetX));
      this.rows.push(row);
      const answered = t.episodes.filter((e) => e.verdict !== 'none');
      const summary = `${t.label}: ${t.episodes.length} episodes, ${answered.filter((e) => e.verdict === 'correct').length} correct and ${answered.filter((e) => e.verdict === 'incorrect').length} incorrect intermediate answers${first >= 0 ? `, first correct in episode #${t.episodes[first].index}` : ''}.`;
      const swatch = h('span', { class: 'rl-cmp-swatch', 'aria-hidden': 'true' });
      swatch.style.background = traceColour(i);
      return h('div', { class: 'rl-cmp-strip', 'data-trace': i },
        h('div', { class: 'rl-cmp-strip-name', title: t.label }, swatch, t.label),
        h('div', { class: 'rl-cmp-bars' }, canvas),
        srOnly(summary));
    });
    this.mark = h('div', { class: 'rl-cmp-diverge-mark', title: 'the intermediate answers diverge here', 'aria-hidden': 'true' });
    const track = h('div', { class: 'rl-cmp-strip-rows' }, ...strips, this.mark);
    this.note = h('span', {});
    this.element.replaceChildren(
      h('div', { class: 'rl-cmp-strip-legend rl-dim' },
        'Top bar: intermediate answer ', h('span', { class: 'rl-cmp-key rl-cmp-v-correct' }), ' correct ', h('span', { class: 'rl-cmp-key rl-cmp-v-incorrect' }), ' incorrect ', h('span', { class: 'rl-cmp-key rl-cmp-v-none' }), ' none; outlined: first correct. Bottom bar: first label of the episode. Hover a block for its episode. ', this.note),
      track,
      this.probes,
    );
    if (this.rows[0]) this.resize?.observe(this.rows[0].canvas);
  }

  private readPalette(): Palette {
    const style = (probe: string) => getComputedStyle(this.probes.querySelector(`[data-probe="${probe}"]`)!);
    const fill = (probe: string): Fill => {
      const s = style(probe);
      return { colour: s.backgroundColor, alpha: Number(s.opacity) || 1 };
    };
    const body = getComputedStyle(document.body);
    return {
      track: style('track').backgroundColor,
      separator: body.getPropertyValue('--vscode-editor-background').trim() || 'rgba(0,0,0,0.5)',
      outline: body.getPropertyValue('--vscode-focusBorder').trim() || '#007fd4',
      verdict: Object.fromEntries(VERDICTS.map((v) => [v, fill(`v-${v}`)])),
      label: Object.fromEntries(LABELS.map((l) => [l, fill(`l-${l}`)])),
    };
  }

  private draw(): void {
    if (!this.built || this.rows.length === 0) return;
    // One layout read per draw (or none once the observer has reported the width).
    const width = this.width || this.rows[0].canvas.clientWidth;
    if (width <= 0) return;
    this.width = width;
    const palette = (this.palette ??= this.readPalette());
    const dpr = devicePixelRatio || 1;
    for (const row of this.rows) this.drawRow(row, width, dpr, palette);
    document.body.dataset.stripsDrawn = this.by;
  }

  /**
   * Draws in device pixels, each pixel column of a bar painted at most once (by the first
   * episode that reaches it) and same-coloured neighbours merged: at most one rectangle per
   * pixel column however many episodes share it (10,000 episodes on ~1,000 px; drawing every
   * sub-pixel block anti-aliased took seconds in software rendering).
   */
  private drawRow(row: Row, width: number, dpr: number, p: Palette): void {
    const { canvas, trace } = row;
    const pixels = Math.round(width * dpr);
    const bar = Math.round(BAR * dpr);
    const gap = Math.round(GAP * dpr);
    const height = 2 * bar + gap;
    if (canvas.width !== pixels) canvas.width = pixels;
    if (canvas.height !== height) canvas.height = height;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
    ctx.clearRect(0, 0, pixels, height);
    ctx.fillStyle = p.track;
    ctx.fillRect(0, 0, pixels, bar);
    ctx.fillRect(0, bar + gap, pixels, bar);
    const scale = pixels / this.end;
    const verdicts = new RunPainter(ctx, 0, bar);
    const labels = new RunPainter(ctx, bar + gap, bar);
    const separators: number[] = [];
    trace.episodes.forEach((e, k) => {
      const [a, b] = episodeSpan(e, k, this.by);
      if (b <= a) return;
      const x0 = Math.floor(a * scale);
      const x1 = Math.max(x0 + 1, Math.floor(b * scale));
      verdicts.add(x0, x1, p.verdict[e.verdict] ?? p.verdict.none);
      const label = e.labels[0] ? p.label[e.labels[0]] : undefined;
      if (label) labels.add(x0, x1, label);
      else labels.skip(x1);
      // A thin gap between blocks wide enough to tell apart (as the element blocks had).
      if (x1 - x0 >= 4 * dpr) separators.push(x1 - Math.max(1, Math.round(dpr)));
    });
    verdicts.flush();
    labels.flush();
    ctx.globalAlpha = 1;
    ctx.fillStyle = p.separator;
    for (const x of separators) ctx.fillRect(x, 0, Math.max(1, Math.round(dpr)), height);
    if (row.first >= 0) {
      const [a, b] = episodeSpan(trace.episodes[row.first], row.first, this.by);
      // At least 4 px wide, so a first correct episode among thousands stays visible.
      const w = Math.max(4 * dpr, (b - a) * scale);
      const x = Math.max(0, Math.min(pixels - w, a * scale + Math.min(0, ((b - a) * scale - w) / 2)));
      ctx.strokeStyle = p.outline;
      ctx.lineWidth = 2 * dpr;
      ctx.strokeRect(x + dpr, dpr, w - 2 * dpr, bar - 2 * dpr);
    }
  }

  private hover(row: Row, offsetX: number): void {
    if (this.width <= 0) return;
    const k = episodeAt(row.trace, (offsetX / this.width) * this.end, this.by);
    const title = k >= 0 ? episodeTitle(row.trace.episodes[k]) : '';
    if (row.canvas.title !== title) row.canvas.title = title;
  }
}

/** Paints one bar left to right: a pixel already painted is not painted again; same-coloured runs become one rectangle. */
class RunPainter {
  /** The first pixel column not painted yet. */
  private cursor = 0;
  private run: { from: number; to: number; fill: Fill } | null = null;

  constructor(
    private readonly ctx: CanvasRenderingContext2D,
    private readonly top: number,
    private readonly height: number,
  ) {}

  add(x0: number, x1: number, fill: Fill): void {
    const from = Math.max(x0, this.cursor);
    if (x1 <= from) return;
    if (this.run && this.run.fill === fill && this.run.to === from) this.run.to = x1;
    else {
      this.flush();
      this.run = { from, to: x1, fill };
    }
    this.cursor = x1;
  }

  /** Leaves columns up to x1 unpainted (an episode with no label). */
  skip(x1: number): void {
    if (x1 <= this.cursor) return;
    this.flush();
    this.cursor = x1;
  }

  flush(): void {
    if (!this.run) return;
    this.ctx.globalAlpha = this.run.fill.alpha;
    this.ctx.fillStyle = this.run.fill.colour;
    this.ctx.fillRect(this.run.from, this.top, this.run.to - this.run.from, this.height);
    this.run = null;
  }
}
