/**
 * The overview map beside the episode list: the whole trace top to bottom on one canvas, each
 * episode a block as tall as its tokens, coloured by label or verdict; μ and its interval
 * drawn over the blocks (left = 0, right = 1); the first correct answer marked; budget
 * decisions as ticks; the part of the list on screen as a frame. Click or drag to scroll
 * there. The map is drawn as tracks (columns) so more can be added by pushing an OverviewTrack.
 * When the trace has counterfactual importance (issue 14), a strip on the right edge shows it:
 * one bar per measured episode relative to the largest, the top anchors numbered, and a legend
 * under the canvas names the method and what the value is.
 */
import type { Trace } from '../../../src/core/trace';
import { h, oncePerFrame, srOnly } from '../../common/dom';
import { overviewModel, overviewSummary, positionAtTokens, type OverviewColouring, type OverviewModel } from '../model/overview';
import { formatImportance, importanceSummary, overviewImportance, recipeOf, shortMeasure, type OverviewImportance } from '../model/overview-importance';

export interface OverviewGeometry {
  /** Pixels per token along the map's height. */
  scale: number;
  height: number;
  /** Left edge and width of this track (CSS px). */
  x: number;
  width: number;
}

export interface OverviewColours {
  css(name: string, fallback: string): string;
}

/** One column of the map. */
export interface OverviewTrack {
  id: string;
  /** Width in CSS px; 0 = share what is left. */
  width: number;
  draw(ctx: CanvasRenderingContext2D, model: OverviewModel, geometry: OverviewGeometry, colours: OverviewColours, colouring: OverviewColouring): void;
}

const VERDICT_COLOUR: Record<string, [string, string]> = {
  correct: ['--rl-correct', '#388a34'],
  incorrect: ['--rl-incorrect', '#e51400'],
  none: ['--rl-border', 'rgba(128,128,128,0.45)'],
};

/** Budget decisions as ticks on the left edge. */
const decisionTrack: OverviewTrack = {
  id: 'decisions',
  width: 6,
  draw(ctx, model, g, colours) {
    ctx.fillStyle = colours.css('--vscode-charts-orange', '#d18616');
    for (const d of model.decisions) ctx.fillRect(g.x, Math.min(g.height - 2, d.atTokens * g.scale - 1), g.width, 2);
  },
};

/** Episode blocks, with μ and its interval over them. */
const episodeTrack: OverviewTrack = {
  id: 'episodes',
  width: 0,
  draw(ctx, model, g, colours, colouring) {
    const cache = new Map<string, string>();
    const colour = (key: string, fallback: string) => {
      let c = cache.get(key);
      if (!c) cache.set(key, (c = colours.css(key, fallback)));
      return c;
    };
    const separator = colour('--vscode-editor-background', '#1e1e1e');
    for (const b of model.blocks) {
      const y0 = b.start * g.scale;
      const y1 = Math.max(y0 + 1, b.end * g.scale);
      const [name, fallback] = colouring === 'label' ? (b.label ? [`--rl-${b.label}-fg`, '#888'] : ['--rl-muted', '#888']) : VERDICT_COLOUR[b.verdict];
      ctx.fillStyle = colour(name, fallback);
      ctx.globalAlpha = colouring === 'verdict' && b.verdict === 'none' ? 0.5 : 0.75;
      ctx.fillRect(g.x, y0, g.width, y1 - y0);
      if (y1 - y0 >= 4) {
        ctx.globalAlpha = 1;
        ctx.fillStyle = separator;
        ctx.fillRect(g.x, y1 - 1, g.width, 1);
      }
    }
    ctx.globalAlpha = 1;
    // μ: band for the interval, then the line (x = μ across the track).
    const probed = model.blocks.filter((b) => b.mu !== null);
    if (probed.length === 0) return;
    const muColour = colour('--vscode-charts-blue', '#3794ff');
    const xAt = (mu: number) => g.x + 1 + mu * (g.width - 2);
    ctx.fillStyle = colour('--vscode-editor-background', '#1e1e1e');
    ctx.globalAlpha = 0.55;
    for (const b of probed) {
      if (!b.interval) continue;
      const y0 = b.start * g.scale;
      const y1 = Math.max(y0 + 1, b.end * g.scale);
      ctx.fillRect(xAt(b.interval[0]), y0, Math.max(1, xAt(b.interval[1]) - xAt(b.interval[0])), y1 - y0);
    }
    ctx.globalAlpha = 1;
    ctx.strokeStyle = muColour;
    ctx.lineWidth = 2;
    ctx.beginPath();
    probed.forEach((b, i) => {
      const y = b.end * g.scale;
      if (i === 0) ctx.moveTo(xAt(b.mu!), b.start * g.scale);
      ctx.lineTo(xAt(b.mu!), y);
    });
    ctx.stroke();
  },
};

const IMPORTANCE_COLOUR: [string, string] = ['--vscode-charts-orange', '#d18616'];

/** Counterfactual importance on the right edge: bars from the track's left edge, the top anchors numbered. */
function importanceTrack(importance: OverviewImportance): OverviewTrack {
  return {
    id: 'importance',
    width: 12,
    draw(ctx, model, g, colours) {
      const orange = colours.css(...IMPORTANCE_COLOUR);
      ctx.fillStyle = orange;
      for (const bar of importance.bars) {
        const block = model.blocks[bar.position];
        if (!block || bar.share <= 0) continue;
        const y0 = block.start * g.scale;
        const y1 = Math.max(y0 + 1, block.end * g.scale);
        ctx.fillRect(g.x, y0, Math.max(1, bar.share * g.width), y1 - y0);
      }
      // Anchors: a numbered tag the track's width, centred on the episode (drawn last: on top).
      ctx.font = `bold 9px ${colours.css('--vscode-font-family', 'sans-serif')}`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      const background = colours.css('--vscode-editor-background', '#1e1e1e');
      for (const bar of [...importance.bars].filter((b) => b.anchor !== null).sort((a, b) => b.anchor! - a.anchor!)) {
        const block = model.blocks[bar.position];
        if (!block) continue;
        const mid = Math.min(g.height - 6, Math.max(6, ((block.start + block.end) / 2) * g.scale));
        ctx.fillStyle = orange;
        ctx.fillRect(g.x, mid - 6, g.width, 12);
        ctx.fillStyle = background;
        ctx.fillText(String(bar.anchor), g.x + g.width / 2, mid + 0.5);
      }
    },
  };
}

export class OverviewMap {
  readonly element: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  /** Tracks left to right; another issue adds a column by pushing one before `draw`. */
  readonly tracks: OverviewTrack[] = [decisionTrack, episodeTrack];
  private readonly summary: HTMLElement;
  /** What the list shows now: an element moved by transform over the canvas (scrolling never redraws the canvas). */
  private readonly band: HTMLElement;
  private readonly colourButtons = new Map<OverviewColouring, HTMLButtonElement>();
  private model: OverviewModel = { totalTokens: 0, blocks: [], firstCorrect: null, decisions: [] };
  /** The importance strip's data; null when no episode was measured (no strip, no legend). */
  private importance: OverviewImportance | null = null;
  private readonly legend: HTMLElement;
  private colouring: OverviewColouring = 'label';
  private viewport: [number, number] = [-1, -1];
  private readonly drawNextFrame = oncePerFrame(() => this.draw());
  private dragging = false;
  private readonly navigate: (position: number) => void;
  private colourCache = new Map<string, string>();
  /** The tracks drawn once per data/colouring/size/theme change; the viewport is drawn over it. */
  private tracksBitmap: HTMLCanvasElement | null = null;
  private tracksKey = '';
  private modelVersion = 0;
  private colourVersion = 0;
  /**
   * The canvas's size (CSS px) as the ResizeObserver last reported it. The band moves on every
   * scroll frame, right after the list mounted cards: reading clientHeight there forced a
   * synchronous layout per frame (most of the scroll's script time in a profile).
   */
  private size = { width: 0, height: 0 };

  constructor(navigate: (position: number) => void) {
    this.navigate = navigate;
    const summaryId = 'rl-overview-summary';
    this.canvas = h('canvas', { class: 'rl-overview-canvas', role: 'img', 'aria-label': 'Overview map of the trace', 'aria-describedby': summaryId });
    this.summary = srOnly('');
    this.summary.id = summaryId;
    const switcher = h('div', { class: 'rl-overview-colour', role: 'group', 'aria-label': 'Colour the overview map by' });
    for (const colouring of ['label', 'verdict'] as const) {
      const button = h('button', { type: 'button', class: 'rl-overview-switch', 'aria-pressed': String(colouring === this.colouring), title: `Colour episodes by ${colouring}` }, colouring);
      button.addEventListener('click', () => this.setColouring(colouring));
      this.colourButtons.set(colouring, button);
      switcher.append(button);
    }
    this.band = h('div', { class: 'rl-overview-band', 'aria-hidden': 'true' });
    // Seen, not heard: the canvas's description says the same in full sentences.
    this.legend = h('div', { class: 'rl-overview-legend', 'aria-hidden': 'true', hidden: true });
    this.element = h('aside', { class: 'rl-overview', 'aria-label': 'Overview map' }, switcher, h('div', { class: 'rl-overview-frame' }, this.canvas, this.band), this.legend, this.summary);
    this.canvas.addEventListener('pointerdown', (event) => {
      this.dragging = true;
      this.canvas.setPointerCapture(event.pointerId);
      this.goTo(event.offsetY);
    });
    this.canvas.addEventListener('pointermove', (event) => {
      if (this.dragging) this.goTo(event.offsetY);
    });
    const stop = () => {
      this.dragging = false;
    };
    this.canvas.addEventListener('pointerup', stop);
    this.canvas.addEventListener('pointercancel', stop);
    if (typeof ResizeObserver === 'function') {
      new ResizeObserver((entries) => {
        const box = entries.at(-1)?.contentRect;
        if (box) this.size = { width: box.width, height: box.height };
        this.scheduleDraw();
      }).observe(this.canvas);
    }
  }

  get colour(): OverviewColouring {
    return this.colouring;
  }

  setColouring(colouring: OverviewColouring): void {
    this.colouring = colouring;
    for (const [c, button] of this.colourButtons) button.setAttribute('aria-pressed', String(c === colouring));
    this.summary.textContent = this.describeInWords();
    this.scheduleDraw();
  }

  update(trace: Trace): void {
    this.model = overviewModel(trace);
    this.importance = overviewImportance(trace);
    this.modelVersion++;
    this.element.hidden = this.model.blocks.length < 2;
    this.canvas.setAttribute('aria-label', `Overview map of ${this.model.blocks.length} episodes${this.importance ? ', with counterfactual importance' : ''}`);
    this.summary.textContent = this.describeInWords();
    this.renderLegend();
    this.scheduleDraw();
  }

  private describeInWords(): string {
    const base = overviewSummary(this.model, this.colouring);
    return this.importance ? `${base} ${importanceSummary(this.importance)}` : base;
  }

  /** The importance legend: swatch, the measure and recipe, what a bar's length is, the anchor numbers. */
  private renderLegend(): void {
    const imp = this.importance;
    this.element.classList.toggle('rl-has-importance', !!imp);
    this.legend.hidden = !imp;
    if (!imp) {
      this.legend.replaceChildren();
      return;
    }
    this.legend.title = importanceSummary(imp);
    this.legend.replaceChildren(
      h('span', { class: 'rl-overview-legend-key' }, h('span', { class: 'rl-overview-swatch' }), 'importance'),
      h('span', {}, `${shortMeasure(imp.method)}${imp.unit ? ` (${imp.unit})` : ''}, ${recipeOf(imp.method)}`),
      h('span', { class: 'rl-dim' }, `bar = value ÷ max ${formatImportance(imp.max, imp.unit)}`),
      h('span', { class: 'rl-dim' }, h('span', { class: 'rl-overview-anchor-tag' }, '1'), ` top anchor${imp.bars.some((b) => b.anchor === 2) ? 's' : ''}`),
    );
  }

  /** The list shows positions first..last. */
  setViewport(first: number, last: number): void {
    if (first === this.viewport[0] && last === this.viewport[1]) return;
    this.viewport = [first, last];
    this.placeBand();
  }

  /** The theme changed: colours are re-read. */
  retheme(): void {
    this.colourCache.clear();
    this.colourVersion++;
    this.scheduleDraw();
  }

  /** Data for tests and the screenshot: what is drawn, in numbers. */
  describe(): { blocks: number; totalTokens: number; firstCorrect: number | null; decisions: number; viewport: [number, number]; colouring: OverviewColouring; importance: { method: string; max: number; anchors: number[] } | null } {
    const imp = this.importance;
    return {
      blocks: this.model.blocks.length, totalTokens: this.model.totalTokens, firstCorrect: this.model.firstCorrect?.index ?? null, decisions: this.model.decisions.length, viewport: this.viewport, colouring: this.colouring,
      importance: imp ? { method: imp.method, max: imp.max, anchors: imp.bars.filter((b) => b.anchor !== null).sort((a, b) => a.anchor! - b.anchor!).map((b) => b.index) } : null,
    };
  }

  private goTo(y: number): void {
    const height = this.canvas.clientHeight; // on a pointer event: no layout is pending
    if (height <= 0 || this.model.totalTokens <= 0) return;
    const tokens = (Math.max(0, Math.min(height - 1, y)) / height) * this.model.totalTokens;
    const position = positionAtTokens(this.model, tokens);
    if (position >= 0) this.navigate(position);
  }

  private scheduleDraw(): void {
    this.drawNextFrame.schedule();
  }

  private css(name: string, fallback: string): string {
    let value = this.colourCache.get(name);
    if (value === undefined) {
      value = getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
      this.colourCache.set(name, value);
    }
    return value;
  }

  /**
   * Draws the map: the tracks into a cached bitmap (only when the data, colouring, size or theme
   * changed), then that bitmap and the viewport frame (every scroll frame: one blit).
   */
  private draw(): void {
    if (this.size.height <= 0) this.size = { width: this.canvas.clientWidth, height: this.canvas.clientHeight }; // no ResizeObserver report yet
    const { width, height } = this.size;
    if (width <= 0 || height <= 0 || this.element.hidden) return;
    const ratio = window.devicePixelRatio || 1;
    const pixelWidth = Math.round(width * ratio);
    const pixelHeight = Math.round(height * ratio);
    if (this.canvas.width !== pixelWidth || this.canvas.height !== pixelHeight) {
      this.canvas.width = pixelWidth;
      this.canvas.height = pixelHeight;
    }
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const key = `${pixelWidth}x${pixelHeight}:${this.colouring}:${this.modelVersion}:${this.colourVersion}`;
    if (key !== this.tracksKey || !this.tracksBitmap) {
      this.tracksBitmap = this.drawTracks(width, height, ratio);
      this.tracksKey = key;
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, pixelWidth, pixelHeight);
    if (this.tracksBitmap) ctx.drawImage(this.tracksBitmap, 0, 0);
    this.placeBand();
  }

  private drawTracks(width: number, height: number, ratio: number): HTMLCanvasElement | null {
    const bitmap = document.createElement('canvas');
    bitmap.width = Math.round(width * ratio);
    bitmap.height = Math.round(height * ratio);
    const ctx = bitmap.getContext('2d');
    if (!ctx) return null;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    const model = this.model;
    if (model.totalTokens <= 0) return bitmap;
    const scale = height / model.totalTokens;
    const colours: OverviewColours = { css: (name, fallback) => this.css(name, fallback) };
    const tracks = this.importance ? [...this.tracks, importanceTrack(this.importance)] : this.tracks;
    const fixed = tracks.reduce((sum, t) => sum + t.width, 0);
    const flexible = tracks.filter((t) => t.width === 0).length;
    const share = Math.max(8, (width - fixed - (tracks.length - 1)) / Math.max(1, flexible));
    let x = 0;
    for (const track of tracks) {
      const trackWidth = track.width || share;
      ctx.save();
      ctx.beginPath();
      ctx.rect(x, 0, trackWidth, height);
      ctx.clip();
      track.draw(ctx, model, { scale, height, x, width: trackWidth }, colours, this.colouring);
      ctx.restore();
      x += trackWidth + 1;
    }
    // First correct answer: a line across every track and a marker on the right edge.
    if (model.firstCorrect) {
      const y = Math.min(height - 1, model.firstCorrect.atTokens * scale);
      ctx.fillStyle = this.css('--rl-correct', '#388a34');
      ctx.fillRect(0, y - 1, width, 2);
      ctx.beginPath();
      ctx.moveTo(width, y - 5);
      ctx.lineTo(width - 7, y);
      ctx.lineTo(width, y + 5);
      ctx.fill();
    }
    return bitmap;
  }

  /** Moves the viewport band (transform and height only: compositor work, no canvas redraw). */
  private placeBand(): void {
    const model = this.model;
    const [first, last] = this.viewport;
    const height = this.size.height;
    if (model.totalTokens <= 0 || first < 0 || last < first || !model.blocks[last] || height <= 0) {
      this.band.hidden = true;
      return;
    }
    const scale = height / model.totalTokens;
    const y0 = model.blocks[first].start * scale;
    const y1 = Math.max(y0 + 3, model.blocks[last].end * scale);
    this.band.hidden = false;
    this.band.style.setProperty('transform', `translateY(${y0.toFixed(1)}px)`);
    this.band.style.setProperty('height', `${(y1 - y0).toFixed(1)}px`);
  }

}
