/**
 * The dataset view: a whole annotated trace file at a glance. Header, the report's summary and
 * charts, filters, and the virtualised table of traces; a row opens its trace in the trace view
 * (through the host). Independent of the VS Code API (a bridge is passed in) so the dev harness
 * and tests can drive it.
 */
import type { EpisodeLabel } from '../../src/core/trace';
import {
  DATASET_PROTOCOL_VERSION,
  type DatasetPaging,
  type DatasetPayload,
  type DatasetRow,
  type DatasetViewToHost,
  type HostToDatasetView,
  type OutcomeFilter,
  type PersistedDatasetState,
  type ReviewQueueState,
  type RowFilters,
  type SortKey,
  type SortSpec,
} from '../../src/shared/dataset-protocol';
import { h, icon, oncePerFrame } from '../common/dom';
import { handleCommonMessage, type PageBridge } from '../common/page';
import { DatasetCharts, LABEL_ORDER } from './charts';
import { ReviewQueueControl } from './review-queue';
import { DEFAULT_SORT, defaultFilters, nextSort, outcomeCounts, sanitizeFilters, sanitizeSort, visibleRows } from './rows';
import { SummarySection } from './summary';
import { TraceTable } from './table';

export type DatasetBridge = PageBridge<DatasetViewToHost, PersistedDatasetState>;

const SAVE_DELAY_MS = 300;
const OUTCOMES: [OutcomeFilter, string][] = [
  ['all', 'All'],
  ['correct', 'Correct'],
  ['incorrect', 'Incorrect'],
  ['ungraded', 'Not graded'],
  ['error', 'Errors'],
];

export class DatasetApp {
  private payload: DatasetPayload | null = null;
  /** The host's number for the load shown (its pages carry it); null for a payload sent whole. */
  private loadId: number | null = null;
  /** Rows the load will have; undefined while the file is still being read. */
  private rowCount: number | undefined;
  /** Pages come faster than frames: sorting and filtering 10,000 rows once per frame is enough. */
  private readonly renderNextFrame = oncePerFrame(() => this.render());
  private shownReport: DatasetPayload['report'] | null = null;
  /** 'shown' was posted for this load's first rows / for all of them. */
  private shownOnce = false;
  private shownComplete = false;
  private queueState: ReviewQueueState | null = null;
  private filters: RowFilters;
  private sort: SortSpec;
  private pendingScroll: number | null;
  private readonly restoredFile: string | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  private readonly title = h('h1', { class: 'rl-ds-title' }, 'Dataset');
  private readonly meta = h('p', { class: 'rl-ds-meta rl-dim' });
  private readonly problems = h('details', { class: 'rl-ds-problems', hidden: true });
  private readonly notice = h('div', { class: 'rl-notice', role: 'status', 'aria-live': 'polite' });
  private readonly errorBox = h('div', { class: 'rl-error', role: 'alert', hidden: true });
  private readonly empty = h('p', { class: 'rl-empty rl-dim' }, 'Reading the traces…');
  private readonly summary = new SummarySection();
  private readonly charts = new DatasetCharts();
  private readonly table: TraceTable;
  private readonly queue: ReviewQueueControl;
  private readonly outcome: HTMLSelectElement;
  private readonly label: HTMLSelectElement;
  private readonly model: HTMLSelectElement;
  private readonly modelWrap: HTMLElement;
  private readonly overthinking: HTMLInputElement;
  private readonly percent: HTMLInputElement;
  private readonly query: HTMLInputElement;
  private readonly body: HTMLElement;

  constructor(root: HTMLElement, private readonly host: DatasetBridge) {
    const saved = host.getState();
    const restored = saved?.version === DATASET_PROTOCOL_VERSION ? saved : undefined;
    this.filters = sanitizeFilters(restored?.filters);
    this.sort = restored ? sanitizeSort(restored.sort) : DEFAULT_SORT;
    this.pendingScroll = restored && Number.isFinite(restored.scrollTop) ? restored.scrollTop : null;
    this.restoredFile = typeof restored?.file === 'string' ? restored.file : undefined;

    this.table = new TraceTable({
      open: (row) => this.open(row),
      sort: (key) => this.setSort(key),
      scrolled: () => this.scheduleSave(),
    });
    this.outcome = select('rl-ds-outcome', OUTCOMES);
    this.label = select('rl-ds-label', [['', 'Any label'], ...LABEL_ORDER.map((l): [string, string] => [l, l])]);
    this.model = select('rl-ds-model', [['', 'All models']]);
    this.overthinking = h('input', { type: 'checkbox', id: 'rl-ds-overthinking' });
    this.percent = h('input', { type: 'number', id: 'rl-ds-percent', min: 0, max: 100, step: 5, class: 'rl-ds-percent', 'aria-label': 'Overthinking threshold, percent of thinking tokens' });
    this.query = h('input', { type: 'search', id: 'rl-ds-query', placeholder: 'Filter by id or problem', class: 'rl-ds-query', 'aria-label': 'Filter by id or problem text' });
    this.modelWrap = h('label', { class: 'rl-ds-field', hidden: true }, 'Model ', this.model);
    const filterBar = h('div', { class: 'rl-ds-filters', role: 'group', 'aria-label': 'Filters' },
      h('label', { class: 'rl-ds-field' }, 'Outcome ', this.outcome),
      h('label', { class: 'rl-ds-field' }, 'Label ', this.label),
      this.modelWrap,
      h('span', { class: 'rl-ds-field' }, this.overthinking, h('label', { for: 'rl-ds-overthinking' }, ' Overthinking: after first correct > '), this.percent, h('span', {}, ' % of thinking')),
      this.query);
    for (const el of [this.outcome, this.label, this.model, this.overthinking]) el.addEventListener('change', () => this.readFilters());
    for (const el of [this.percent, this.query]) el.addEventListener('input', () => this.readFilters());
    this.writeFilters();

    const openFile = h('button', { type: 'button', class: 'rl-link-button', 'data-action': 'open-traces' }, icon('go-to-file'), ' Open the file in the trace editor');
    openFile.addEventListener('click', () => this.host.post({ type: 'open-file', what: 'traces' }));
    const openReport = h('button', { type: 'button', class: 'rl-link-button', 'data-action': 'open-report' }, icon('file-code'), ' Open the HTML report');
    openReport.addEventListener('click', () => this.host.post({ type: 'open-file', what: 'report' }));
    const compare = h('button', { type: 'button', class: 'rl-link-button', 'data-action': 'compare' }, icon('diff'), " Compare the selected row's problem across traces");
    compare.addEventListener('click', () => {
      const row = this.table.activeRow;
      if (row) this.host.post({ type: 'compare', index: row.index, id: row.id });
    });

    this.queue = new ReviewQueueControl({
      choose: (choice) => this.host.post({ type: 'review-queue-set', choice }),
      next: () => this.host.post({ type: 'review-next' }),
    });

    this.body = h('div', { class: 'rl-ds-body', hidden: true },
      this.problems,
      h('h2', { class: 'rl-section-title' }, 'Review queue'), this.queue.element,
      h('h2', { class: 'rl-section-title' }, 'Summary'), this.summary.element,
      h('h2', { class: 'rl-section-title' }, 'Charts'), this.charts.element,
      h('h2', { class: 'rl-section-title' }, 'Traces'), filterBar, this.table.element);
    root.replaceChildren(
      h('header', { class: 'rl-ds-header' }, this.title, this.meta, h('div', { class: 'rl-ds-actions' }, openFile, openReport, compare)),
      this.errorBox, this.empty, this.body, this.notice);

    new MutationObserver(() => this.charts.retheme()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    this.host.post({ type: 'ready' });
  }

  handle(message: HostToDatasetView): void {
    if (handleCommonMessage(message, { errorBox: this.errorBox, notice: this.notice, hasContent: () => this.payload !== null, ready: () => this.host.post({ type: 'ready' }) })) return;
    switch (message.type) {
      case 'dataset': {
        const { type: _type, paging, ...payload } = message;
        this.load(payload, paging);
        return;
      }
      case 'dataset-rows':
        // Pages of another load, or not following on from the rows held, are left out (the host begins a new load then).
        if (!this.payload || message.load !== this.loadId || message.from !== this.payload.rows.length) return;
        for (const row of message.rows) this.payload.rows.push(row);
        this.payload.reading = message.reading ?? this.payload.reading;
        this.scheduleRender();
        return;
      case 'dataset-read':
        if (!this.payload || message.load !== this.loadId) return;
        this.payload.report = message.report;
        this.payload.problems = message.problems;
        this.payload.job = message.job;
        delete this.payload.reading;
        this.rowCount = message.rowCount;
        this.scheduleRender();
        return;
      case 'review-queue':
        this.queueState = message.queue;
        this.showQueue();
        return;
    }
  }

  /** Rows still to come: the file is being read, or the host is still sending the rows' pages. */
  private get partial(): boolean {
    return !!this.payload && (this.payload.reading !== undefined || this.rowCount === undefined || this.payload.rows.length < this.rowCount);
  }

  private showQueue(): void {
    if (!this.queueState) return;
    this.queue.update(this.queueState, (index) => {
      const row = this.payload?.rows[index];
      return row ? `${row.id}: ${row.problem}` : '';
    });
  }

  /** A new load: what the page showed is replaced; its rows may continue in pages. */
  private load(payload: DatasetPayload, paging: DatasetPaging | undefined): void {
    const first = this.payload === null;
    this.payload = { ...payload, rows: payload.rows.slice() };
    this.loadId = paging?.load ?? null;
    this.rowCount = paging ? paging.rowCount : payload.reading ? undefined : payload.rows.length;
    this.shownOnce = false;
    this.shownComplete = false;
    this.render();
    if (first && this.pendingScroll !== null) {
      this.table.scrollTop = this.pendingScroll;
      this.pendingScroll = null;
    }
  }

  private scheduleRender(): void {
    this.renderNextFrame.schedule();
  }

  private render(): void {
    const payload = this.payload;
    if (!payload) return;
    this.renderNextFrame.cancel();
    const partial = this.partial;
    this.errorBox.hidden = true;
    this.title.textContent = payload.name;
    const r = payload.report.overall;
    const held = payload.rows.length;
    const job = payload.job ? ` · job ${payload.job.status}${payload.job.total !== undefined ? ` (${payload.job.done ?? r.traces} of ${payload.job.total} records)` : ''}` : '';
    const reading = payload.reading
      ? ` · reading the file: ${Math.round((100 * payload.reading.bytes) / Math.max(1, payload.reading.totalBytes))}% so far, ${held} traces shown; the summary and charts cover the first ${r.traces}, sorting and filters the ${held} shown`
      : partial
        ? ` · receiving the rows: ${held} of ${this.rowCount}; sorting and filters cover these so far`
        : '';
    const count = payload.reading || !partial ? held : (this.rowCount ?? held);
    this.meta.textContent = `${payload.file} · ${count} ${count === 1 ? 'trace' : 'traces'}${payload.reading ? ' so far' : ''}${job}${reading}`;
    this.meta.dataset.reading = payload.reading ? 'true' : 'false';
    this.meta.dataset.partial = partial ? 'true' : 'false';
    this.problems.hidden = payload.problems.length === 0;
    this.problems.replaceChildren(
      h('summary', {}, `${payload.problems.length} line(s) are not valid traces and were left out`),
      h('ul', {}, ...payload.problems.map((p) => h('li', {}, h('code', {}, p)))),
    );
    this.empty.hidden = held > 0;
    this.empty.textContent = partial ? 'Reading the traces…' : 'The file holds no valid traces.';
    this.body.hidden = held === 0;
    if (this.shownReport !== payload.report) {
      this.shownReport = payload.report;
      this.summary.update(payload.report);
      // Charts measure their width: draw them once the body is laid out.
      requestAnimationFrame(() => this.charts.update(payload.report));
    }
    const models = [...new Set(payload.rows.map((row) => row.model).filter(Boolean))].sort();
    this.modelWrap.hidden = models.length < 2;
    this.model.replaceChildren(...[['', 'All models'], ...models.map((m) => [m, m])].map(([v, t]) => h('option', { value: v }, t)));
    if (!models.includes(this.filters.model)) this.filters.model = '';
    this.writeFilters();
    this.refresh();
    document.body.dataset.rows = String(held);
    document.body.dataset.partial = partial ? 'true' : 'false';
    // The host and tests learn what is shown: on a new load, and once its last row is in.
    if (!this.shownComplete && (!partial || !this.shownOnce)) {
      this.shownOnce = true;
      this.shownComplete = !partial;
      if (!partial) this.showQueue();
      this.host.post({ type: 'shown', rows: held });
    }
  }

  private refresh(): void {
    if (!this.payload) return;
    const rows = visibleRows(this.payload.rows, this.filters, this.sort);
    this.table.setRows(rows, this.payload.rows.length, this.sort, this.partial ? (this.payload.reading ? 'read so far' : `received so far, of ${this.rowCount}`) : undefined);
    const counts = outcomeCounts(this.payload.rows, this.filters.overthinkingPercent);
    for (const option of this.outcome.options) {
      const [, name] = OUTCOMES.find(([v]) => v === option.value) ?? ['', option.value];
      option.textContent = `${name} (${counts[option.value as OutcomeFilter]})`;
    }
    this.overthinking.nextElementSibling!.textContent = ` Overthinking (${counts.overthinking}): after first correct > `;
    this.scheduleSave();
  }

  private readFilters(): void {
    const percent = Number(this.percent.value);
    this.filters = {
      outcome: this.outcome.value as OutcomeFilter,
      label: this.label.value as EpisodeLabel | '',
      model: this.model.value,
      overthinking: this.overthinking.checked,
      overthinkingPercent: Number.isFinite(percent) && percent >= 0 && percent <= 100 ? percent : this.filters.overthinkingPercent,
      query: this.query.value.trim(),
    };
    this.refresh();
  }

  private writeFilters(): void {
    this.outcome.value = this.filters.outcome;
    this.label.value = this.filters.label;
    this.model.value = this.filters.model;
    this.overthinking.checked = this.filters.overthinking;
    this.percent.value = String(this.filters.overthinkingPercent);
    this.query.value = this.filters.query;
  }

  private setSort(key: SortKey): void {
    this.sort = nextSort(this.sort, key);
    this.refresh();
  }

  private open(row: DatasetRow): void {
    this.host.post({ type: 'open-trace', index: row.index, id: row.id });
  }

  private scheduleSave(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      this.host.setState({
        version: DATASET_PROTOCOL_VERSION,
        file: this.payload?.file ?? this.restoredFile,
        sort: this.sort,
        filters: this.filters,
        scrollTop: this.table.scrollTop,
      });
    }, SAVE_DELAY_MS);
  }
}

function select(id: string, options: [string, string][]): HTMLSelectElement {
  return h('select', { id, class: 'rl-ds-select' }, ...options.map(([value, text]) => h('option', { value }, text)));
}
