/**
 * The dataset table's rules, without DOM: which rows a filter keeps, how a column sorts, and
 * what counts as overthinking (tokens after the first correct episode above a share of all
 * thinking tokens).
 */
import type { DatasetRow, OutcomeFilter, RowFilters, SortKey, SortSpec } from '../../src/shared/dataset-protocol';
import { DEFAULT_OVERTHINKING_PERCENT } from '../../src/shared/dataset-protocol';

export function defaultFilters(): RowFilters {
  return { outcome: 'all', label: '', overthinking: false, overthinkingPercent: DEFAULT_OVERTHINKING_PERCENT, model: '', query: '' };
}

export const DEFAULT_SORT: SortSpec = { key: 'index', dir: 'asc' };

/** Share of thinking spent after the first correct episode, in [0, 1]; null when none was correct. */
export function overthinkingShare(row: DatasetRow): number | null {
  if (row.tokensAfterFirstCorrect === null) return null;
  if (row.thinkingTokens <= 0) return 0;
  return Math.min(1, Math.max(0, row.tokensAfterFirstCorrect / row.thinkingTokens));
}

/** Strictly more than `percent`% of the thinking came after the first correct episode. */
export function isOverthinking(row: DatasetRow, percent: number): boolean {
  if (row.tokensAfterFirstCorrect === null) return false;
  return row.tokensAfterFirstCorrect * 100 > percent * row.thinkingTokens;
}

function outcomeMatches(row: DatasetRow, outcome: OutcomeFilter): boolean {
  switch (outcome) {
    case 'all':
      return true;
    case 'correct':
      return row.correct === true;
    case 'incorrect':
      return row.correct === false;
    case 'ungraded':
      return row.correct === null;
    case 'error':
      return row.error;
  }
}

export function rowMatches(row: DatasetRow, f: RowFilters): boolean {
  if (!outcomeMatches(row, f.outcome)) return false;
  if (f.label && !row.labels.includes(f.label)) return false;
  if (f.model && row.model !== f.model) return false;
  if (f.overthinking && !isOverthinking(row, f.overthinkingPercent)) return false;
  if (f.query) {
    const q = f.query.toLowerCase();
    if (!row.id.toLowerCase().includes(q) && !row.problem.toLowerCase().includes(q)) return false;
  }
  return true;
}

type SortValue = string | number | null;

function sortValue(row: DatasetRow, key: SortKey): SortValue {
  switch (key) {
    case 'correct':
      // correct > incorrect > ungraded when descending.
      return row.correct === null ? null : row.correct ? 1 : 0;
    default:
      return row[key];
  }
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function compareValues(a: SortValue, b: SortValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

/**
 * Stable sort by one column; missing values (null) always go last, whatever the direction,
 * and ties keep file order.
 */
export function sortRows(rows: readonly DatasetRow[], sort: SortSpec): DatasetRow[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  const keyed = rows.map((row) => ({ row, v: sortValue(row, sort.key) }));
  keyed.sort((x, y) => {
    if (x.v === null || y.v === null) {
      if (x.v === y.v) return x.row.index - y.row.index;
      return x.v === null ? 1 : -1;
    }
    const c = compareValues(x.v, y.v);
    return c !== 0 ? sign * c : x.row.index - y.row.index;
  });
  return keyed.map((k) => k.row);
}

export function visibleRows(rows: readonly DatasetRow[], filters: RowFilters, sort: SortSpec): DatasetRow[] {
  return sortRows(
    rows.filter((r) => rowMatches(r, filters)),
    sort,
  );
}

/** Clicking a column header: same column flips the direction; a new column starts with its natural one. */
export function nextSort(current: SortSpec, key: SortKey): SortSpec {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  const descFirst: SortKey[] = ['correct', 'episodes', 'thinkingTokens', 'tokensAfterFirstCorrect', 'finalMu'];
  return { key, dir: descFirst.includes(key) ? 'desc' : 'asc' };
}

/** Counts for the filter chips, over all rows. */
export function outcomeCounts(rows: readonly DatasetRow[], overthinkingPercent: number): Record<OutcomeFilter | 'overthinking', number> {
  const c = { all: rows.length, correct: 0, incorrect: 0, ungraded: 0, error: 0, overthinking: 0 };
  for (const r of rows) {
    if (r.correct === true) c.correct++;
    else if (r.correct === false) c.incorrect++;
    else c.ungraded++;
    if (r.error) c.error++;
    if (isOverthinking(r, overthinkingPercent)) c.overthinking++;
  }
  return c;
}

/** Restores filters from persisted state, keeping only sane values. */
export function sanitizeFilters(value: unknown): RowFilters {
  const d = defaultFilters();
  if (typeof value !== 'object' || value === null) return d;
  const v = value as Partial<Record<keyof RowFilters, unknown>>;
  const outcomes: OutcomeFilter[] = ['all', 'correct', 'incorrect', 'ungraded', 'error'];
  const labels = ['', 'planning', 'computation', 'verification', 'backtracking', 'alternative', 'answer'];
  return {
    outcome: outcomes.includes(v.outcome as OutcomeFilter) ? (v.outcome as OutcomeFilter) : d.outcome,
    label: labels.includes(v.label as string) ? (v.label as RowFilters['label']) : d.label,
    overthinking: v.overthinking === true,
    overthinkingPercent:
      typeof v.overthinkingPercent === 'number' && Number.isFinite(v.overthinkingPercent) && v.overthinkingPercent >= 0 && v.overthinkingPercent <= 100
        ? v.overthinkingPercent
        : d.overthinkingPercent,
    model: typeof v.model === 'string' ? v.model.slice(0, 200) : '',
    query: typeof v.query === 'string' ? v.query.slice(0, 200) : '',
  };
}

export function sanitizeSort(value: unknown): SortSpec {
  const keys: SortKey[] = ['index', 'id', 'problem', 'model', 'correct', 'episodes', 'thinkingTokens', 'tokensAfterFirstCorrect', 'finalMu'];
  if (typeof value !== 'object' || value === null) return DEFAULT_SORT;
  const v = value as { key?: unknown; dir?: unknown };
  if (!keys.includes(v.key as SortKey) || (v.dir !== 'asc' && v.dir !== 'desc')) return DEFAULT_SORT;
  return { key: v.key as SortKey, dir: v.dir };
}
