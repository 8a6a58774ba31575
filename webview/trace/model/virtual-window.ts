/**
 * The windowing maths of the episode list (pure: no DOM). Each row has a height: measured when
 * it was last on screen (cached per expanded/collapsed state), estimated otherwise, 0 when a
 * filter hides it. A Fenwick tree keeps offsets O(log n) per change, so measuring a card does
 * not re-add 10,000 heights, and the row at a scroll offset is found in O(log n).
 */

/** Cached size of one row, keyed by the state that decides it. */
interface Measured {
  expanded: boolean;
  height: number;
}

export interface RowShape {
  /** Characters of text (drives the expanded estimate). */
  chars: number;
  expanded: boolean;
  visible: boolean;
}

/** What the estimate of an unmeasured row is made from (learned from measured rows). */
export interface EstimateStats {
  /** Mean height of measured collapsed rows (px). */
  collapsed: number;
  /** Mean px per character of measured expanded bodies (wrapped text, math). */
  perChar: number;
}

export const DEFAULT_STATS: EstimateStats = { collapsed: 64, perChar: 0.22 };

/** Height guess for a row never measured in its current state. */
export function estimateHeight(shape: RowShape, stats: EstimateStats): number {
  if (!shape.visible) return 0;
  return shape.expanded ? stats.collapsed + Math.max(24, shape.chars * stats.perChar) : stats.collapsed;
}

/** Prefix sums over row heights with point updates (Fenwick / binary indexed tree). */
export class PrefixSums {
  private tree: Float64Array;
  private values: Float64Array;
  private n = 0;

  constructor(values: readonly number[] = []) {
    this.tree = new Float64Array(1);
    this.values = new Float64Array(0);
    this.reset(values);
  }

  get length(): number {
    return this.n;
  }

  reset(values: readonly number[]): void {
    this.n = values.length;
    this.values = Float64Array.from(values);
    this.tree = new Float64Array(this.n + 1);
    // O(n) build: each node pushes its sum to its parent.
    for (let i = 1; i <= this.n; i++) {
      this.tree[i] += values[i - 1];
      const parent = i + (i & -i);
      if (parent <= this.n) this.tree[parent] += this.tree[i];
    }
  }

  get(i: number): number {
    return this.values[i];
  }

  set(i: number, value: number): void {
    const delta = value - this.values[i];
    if (delta === 0) return;
    this.values[i] = value;
    for (let k = i + 1; k <= this.n; k += k & -k) this.tree[k] += delta;
  }

  /** Sum of rows [0, i). */
  before(i: number): number {
    let sum = 0;
    for (let k = Math.min(i, this.n); k > 0; k -= k & -k) sum += this.tree[k];
    return sum;
  }

  total(): number {
    return this.before(this.n);
  }

  /** The row covering offset y (the first row whose end is past y); n when y is past the end. */
  indexAt(y: number): number {
    if (y < 0) return 0;
    let pos = 0;
    let remaining = y;
    let step = 1;
    while (step * 2 <= this.n) step *= 2;
    for (; step > 0; step >>= 1) {
      const next = pos + step;
      if (next <= this.n && this.tree[next] <= remaining) {
        pos = next;
        remaining -= this.tree[next];
      }
    }
    return pos; // rows [0, pos) end at or before y
  }
}

/** The rows of the list: shapes, cached measurements, and the offsets they give. */
export class VirtualRows {
  private shapes: RowShape[] = [];
  private measured: (Measured | undefined)[] = [];
  private sums = new PrefixSums();
  private stats: EstimateStats = { ...DEFAULT_STATS };
  /** Running sums for the learned estimate. */
  private collapsedSum = 0;
  private collapsedCount = 0;
  private perCharSum = 0;
  private perCharCount = 0;

  get length(): number {
    return this.shapes.length;
  }

  /** Replaces every row (a new trace, a new filter or expanded set). Measurements of the same state survive. */
  reset(shapes: readonly RowShape[]): void {
    this.shapes = shapes.map((s) => ({ ...s }));
    this.measured.length = shapes.length;
    this.sums.reset(this.shapes.map((_, i) => this.heightFor(i)));
  }

  /** Forgets every measurement (the width changed: wrapped text no longer fits the same). */
  forgetMeasurements(): void {
    this.measured = new Array(this.shapes.length);
    this.collapsedSum = this.collapsedCount = this.perCharSum = this.perCharCount = 0;
    this.sums.reset(this.shapes.map((_, i) => this.heightFor(i)));
  }

  /** Appends rows or updates one (live runs); returns true when its height changed. */
  setShape(i: number, shape: RowShape): boolean {
    if (i === this.shapes.length) {
      this.shapes.push({ ...shape });
      this.measured.push(undefined);
      this.sums.reset(this.shapes.map((_, k) => this.sums.length > k ? this.sums.get(k) : this.heightFor(k)));
      return true;
    }
    const old = this.shapes[i];
    if (old.chars !== shape.chars && shape.expanded && this.measured[i]?.expanded) this.measured[i] = undefined; // text grew: the body's height is stale
    this.shapes[i] = { ...shape };
    return this.refresh(i);
  }

  shape(i: number): RowShape {
    return this.shapes[i];
  }

  /** Records a measured height; returns true if the row's height changed. */
  measure(i: number, height: number): boolean {
    const shape = this.shapes[i];
    if (!shape || !shape.visible) return false;
    const previous = this.measured[i];
    if (!previous || previous.expanded !== shape.expanded) this.learn(shape, height);
    this.measured[i] = { expanded: shape.expanded, height };
    return this.refresh(i);
  }

  height(i: number): number {
    return this.sums.get(i);
  }

  /** True when the row's height is a measurement, not a guess. */
  isMeasured(i: number): boolean {
    const m = this.measured[i];
    return m !== undefined && m.expanded === this.shapes[i]?.expanded;
  }

  /** Offset of the top of row i from the top of the list. */
  offsetOf(i: number): number {
    return this.sums.before(i);
  }

  total(): number {
    return this.sums.total();
  }

  /** Row covering offset y (skips hidden rows: they have no height). Clamped to the last row. */
  indexAt(y: number): number {
    return Math.min(this.sums.indexAt(y), Math.max(0, this.shapes.length - 1));
  }

  private refresh(i: number): boolean {
    const height = this.heightFor(i);
    if (this.sums.get(i) === height) return false;
    this.sums.set(i, height);
    return true;
  }

  private heightFor(i: number): number {
    const shape = this.shapes[i];
    if (!shape.visible) return 0;
    const m = this.measured[i];
    return m && m.expanded === shape.expanded ? m.height : estimateHeight(shape, this.stats);
  }

  private learn(shape: RowShape, height: number): void {
    if (!shape.expanded) {
      this.collapsedSum += height;
      this.collapsedCount++;
      this.stats.collapsed = this.collapsedSum / this.collapsedCount;
    } else if (shape.chars > 200) {
      this.perCharSum += Math.max(0, height - this.stats.collapsed) / shape.chars;
      this.perCharCount++;
      this.stats.perChar = this.perCharSum / this.perCharCount;
    }
  }
}

export interface WindowRange {
  /** First row to mount. */
  start: number;
  /** One past the last row to mount. */
  end: number;
}

/**
 * Rows to mount for a viewport [top, bottom) in list coordinates, plus `overscan` px either
 * side, never more than `maxRows` (a bound on the DOM whatever the episode count).
 */
export function windowRange(rows: VirtualRows, top: number, bottom: number, overscan: number, maxRows = 120): WindowRange {
  const n = rows.length;
  // The overscan counts when the list starts below the viewport (or ends above it) too: a list
  // 100 px below the window's bottom has its first cards mounted, ready when it scrolls in.
  if (n === 0 || bottom + overscan < 0 || top - overscan > rows.total()) return { start: 0, end: 0 };
  const start = rows.indexAt(Math.max(0, top - overscan));
  let end = rows.indexAt(bottom + overscan) + 1;
  end = Math.min(n, end, start + maxRows);
  return { start, end };
}

/**
 * Scroll correction that keeps the anchor row where the reader saw it: the row's top moved
 * from `before` to `after` (px from the viewport's top), so scroll by the difference.
 */
export function anchorCorrection(before: number, after: number): number {
  return Math.abs(after - before) < 0.5 ? 0 : after - before;
}

/** Scroll offset (list coordinates) that brings row i into view with `block` alignment. */
export function scrollTargetFor(rows: VirtualRows, i: number, viewTop: number, viewHeight: number, block: 'start' | 'center' | 'nearest'): number {
  const top = rows.offsetOf(i);
  const height = rows.height(i);
  if (block === 'start') return top;
  if (block === 'center') return top + height / 2 - viewHeight / 2;
  if (top < viewTop) return top;
  if (top + height > viewTop + viewHeight) return Math.min(top, top + height - viewHeight);
  return viewTop;
}
