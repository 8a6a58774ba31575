/**
 * Posts the dataset view's rows in pages (DATASET_PAGE_ROWS each, one page per turn of the
 * event loop), so no single webview.postMessage serializes the whole table on the extension
 * host; and, while the file is still being read, sends the rows as they arrive and then the
 * report over all of them, without sending the rows the page already has again.
 *
 * A load begins with a 'dataset' message (header, report, first page; `paging.load` numbers it).
 * While the page holds an unbroken prefix of the load's rows, later rows go as 'dataset-rows'
 * and the end of the read as 'dataset-read'. A post the page could not take (no ready page) breaks
 * the load: nothing more is posted for it, and the next `show` (the page's next 'ready') begins a
 * new one. No `vscode` import (unit-tested in plain Node).
 */
import { DATASET_PAGE_ROWS, type DatasetJobState, type DatasetPayload, type DatasetReading, type DatasetRow, type HostToDatasetView } from '../../shared/dataset-protocol';

/**
 * The first page of a file being read: enough rows to fill the table's first screen, shown as
 * soon as they are indexed (a page of 200 made the view wait for 200 traces' parse and validation).
 */
export const FIRST_PAGE = 50;

export interface RowPagerOptions {
  /** Posts to the page; false when the page could not take it. */
  post(message: HostToDatasetView): boolean;
  /** Runs `fn` in a later turn of the event loop (default setImmediate). */
  later?(fn: () => void): void;
  pageRows?: number;
}

export class RowPager {
  private load = 0;
  /** The rows of the current load (the caller's array: it may grow while the file is read). */
  private rows: readonly DatasetRow[] = [];
  /** Rows of the current load posted so far. */
  private sent = 0;
  /** Whether the page holds the final report of this load. */
  private read = false;
  private reading: DatasetReading | undefined;
  private broken = true;
  private scheduled = false;
  private readonly later: (fn: () => void) => void;
  private readonly pageRows: number;
  /** For tests and the bench: messages posted, and the most rows in one of them. */
  readonly stats = { messages: 0, largestPage: 0 };

  constructor(private readonly options: RowPagerOptions) {
    this.later = options.later ?? ((fn) => void setImmediate(fn));
    this.pageRows = options.pageRows ?? DATASET_PAGE_ROWS;
  }

  /** True once every row of the current load and its final report have been posted. */
  get done(): boolean {
    return !this.broken && this.read && this.sent === this.rows.length;
  }

  /** Begins a new load with `payload` (the page drops what it had); its rows follow in pages. */
  show(payload: DatasetPayload & { job?: DatasetJobState }): void {
    this.load++;
    this.rows = payload.rows;
    this.reading = payload.reading;
    this.read = payload.reading === undefined;
    const first = payload.rows.slice(0, this.pageRows);
    this.sent = first.length;
    this.broken = !this.send({ type: 'dataset', ...payload, rows: first, paging: { load: this.load, ...(this.read ? { rowCount: payload.rows.length } : {}) } }, first.length);
    this.schedule();
  }

  /**
   * The same file, further read (`payload.reading` set) or read to its end: posts only what the
   * page has not got. `payload.rows` must begin with the rows already posted (the same array grown,
   * or the final one); otherwise, or when the load was broken, a new load begins.
   */
  update(payload: DatasetPayload & { job?: DatasetJobState }): void {
    if (this.broken || this.read || !this.continues(payload.rows)) return this.show(payload);
    this.rows = payload.rows;
    this.reading = payload.reading;
    if (payload.reading === undefined) {
      this.read = true;
      const { report, problems, job } = payload;
      if (!this.send({ type: 'dataset-read', load: this.load, report, problems, rowCount: payload.rows.length, ...(job ? { job } : {}) }, 0)) this.broken = true;
    }
    this.schedule();
  }

  /** Stops posting the current load's pages (the view closed, or a new read replaces it). */
  cancel(): void {
    this.load++;
    this.broken = true;
  }

  /** Whether `rows` begins with the rows posted so far (checked at both ends of what was sent). */
  private continues(rows: readonly DatasetRow[]): boolean {
    if (rows.length < this.sent) return false;
    if (rows === this.rows || this.sent === 0) return true;
    return rows[0].id === this.rows[0].id && rows[this.sent - 1].id === this.rows[this.sent - 1].id;
  }

  private schedule(): void {
    if (this.scheduled || this.broken || this.sent >= this.rows.length) return;
    this.scheduled = true;
    const load = this.load;
    this.later(() => {
      this.scheduled = false;
      if (load !== this.load || this.broken) return this.schedule();
      const from = this.sent;
      const rows = this.rows.slice(from, from + this.pageRows);
      this.sent += rows.length;
      const reading = this.read ? undefined : this.reading;
      if (!this.send({ type: 'dataset-rows', load, from, rows, ...(reading ? { reading } : {}) }, rows.length)) {
        this.broken = true;
        return;
      }
      this.schedule();
    });
  }

  private send(message: HostToDatasetView, rows: number): boolean {
    this.stats.messages++;
    this.stats.largestPage = Math.max(this.stats.largestPage, rows);
    return this.options.post(message);
  }
}
