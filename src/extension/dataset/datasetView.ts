/**
 * The dataset view's host side: one WebviewPanel per trace file, showing the report computed
 * from the file and a table of its traces. A click on a row shows that trace in a trace panel
 * (one per dataset view, reused). The view follows the file while a job appends to it, and
 * comes back after a window reload (serializer, state = the file).
 *
 * The page plumbing is WebviewHost's, as for the trace view: strict CSP with a fresh nonce,
 * only dist/webview readable, data only by postMessage, every inbound message validated, and a
 * page that comes back after the panel was hidden gets the same payload again.
 */
import * as vscode from 'vscode';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as nodePath from 'node:path';
import type { Trace } from '../../core/trace';
import type { Lens } from '../trace/lens';
import { EDITOR_VIEW_TYPE, panelTitle } from '../trace/viewTypes';
import type { TraceSession } from '../trace/session';
import { WebviewHost } from '../webview/webviewHost';
import { parseDatasetViewMessage, type DatasetJobState, type DatasetPayload, type DatasetReading, type DatasetViewToHost, type HostToDatasetView, type PersistedDatasetState } from '../../shared/dataset-protocol';
import type { QueueTrace } from '../../core/review/queue';
import { FileChangedError } from '../../io/trace-offsets';
import { ArrayTraceList, OffsetTraceList, PickedTraceList, type TraceList } from '../trace/traceList';
import { LoopSlicer, type ReadProgress } from '../trace/traceReader';
import { datasetPayload } from './rows';
import { firstPageOnHost, indexedTraceList, payloadInWorker, runPayloadWorker } from './payloadInWorker';
import type { TraceFileSummary } from './payloadWorker';
import { ReviewQueue } from './reviewQueue';
import { FIRST_PAGE, RowPager } from './rowPages';

export const DATASET_VIEW_TYPE = 'reasoningLens.dataset';
/** Appends from a running job come in bursts: reload at most this often… */
const RELOAD_DELAY_MS = 1000;
/** …and, for big files, leave the extension host at least this many times the last read's cost in between. */
const RELOAD_COST_FACTOR = 4;

export class DatasetView implements vscode.Disposable {
  private static readonly open = new Map<string, DatasetView>();

  /** Shows `file` in its dataset view (reusing an open one) and loads it. */
  static show(lens: Lens, file: vscode.Uri, existing?: vscode.WebviewPanel): DatasetView {
    const key = file.toString();
    const current = DatasetView.open.get(key);
    if (current && !existing) {
      current.panel.reveal(undefined, false);
      void current.reload();
      return current;
    }
    const panel =
      existing ??
      vscode.window.createWebviewPanel(DATASET_VIEW_TYPE, datasetTitle(file), vscode.ViewColumn.Active, {
        enableScripts: true,
        // The table keeps only visible rows; a hidden panel is rebuilt from the host on 'ready'.
        retainContextWhenHidden: false,
        enableFindWidget: true,
      });
    const view = new DatasetView(lens, panel, file);
    DatasetView.open.set(key, view);
    return view;
  }

  /** Restores a panel after a window reload from the state its page saved. */
  static restore(lens: Lens, panel: vscode.WebviewPanel, state: unknown): void {
    const file = (state as Partial<PersistedDatasetState> | undefined)?.file;
    if (typeof file !== 'string' || file === '') {
      panel.dispose();
      return;
    }
    DatasetView.show(lens, file.includes('://') ? vscode.Uri.parse(file) : vscode.Uri.file(file), panel);
  }

  /** The open view of this file, if any (tests, commands). */
  static find(file: vscode.Uri): DatasetView | undefined {
    return DatasetView.open.get(file.toString());
  }

  /**
   * The file's traces: for a `.trace.jsonl` on disk, line places read and parsed one at a time
   * (the host holds no parsed trace of a big output: its GCs stalled the host); otherwise the
   * traces themselves (`held`).
   */
  private traces: TraceList = new ArrayTraceList([]);
  private held: readonly Trace[] = [];
  /** Of an indexed file: each trace's problem key and what the review queue reads of it. */
  private summary: TraceFileSummary | undefined;
  private loaded = false;
  private traceSession: TraceSession | undefined;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly host: WebviewHost<DatasetViewToHost, HostToDatasetView>;
  /** The review queue (reviewQueue.ts): its state follows every payload. */
  readonly queue: ReviewQueue;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  /** For tests and the log: payloads sent, the rows the page last said it shows, the last read's cost. */
  readonly stats = { loads: 0, lastLoadMs: 0, shownRows: -1, firstPages: 0 };
  private resolveFirstLoad!: () => void;
  /** Settles once the file has been read the first time. */
  readonly firstLoad = new Promise<void>((r) => (this.resolveFirstLoad = r));

  private constructor(
    private readonly lens: Lens,
    readonly panel: vscode.WebviewPanel,
    readonly file: vscode.Uri,
  ) {
    panel.title = datasetTitle(file);
    this.host = new WebviewHost<DatasetViewToHost, HostToDatasetView>(panel, {
      extensionUri: lens.context.extensionUri,
      log: lens.log,
      bundle: 'dataset',
      title: panel.title,
      name: 'dataset view',
      parse: parseDatasetViewMessage,
      snapshot: () => this.sendPayload(),
      handle: (message) => this.handle(message),
    });
    this.queue = new ReviewQueue(lens, file, { traces: () => this.queueTraces(), pick: (indexes) => new PickedTraceList(this.traces, indexes), post: (m) => this.post(m) });
    const folder = vscode.Uri.joinPath(file, '..');
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, baseName(file)));
    this.disposables.push(
      this.queue,
      this.host,
      watcher,
      watcher.onDidChange(() => this.scheduleReload()),
      watcher.onDidCreate(() => this.scheduleReload()),
      panel.onDidDispose(() => this.dispose()),
    );
    void this.reload();
  }

  /** A page said 'ready' and has not been found gone since. */
  get isReady(): boolean {
    return this.host.isReady;
  }

  /** Messages posted and rejected, pages that said 'ready', errors the page reported. */
  get hostStats(): Readonly<WebviewHost<DatasetViewToHost, HostToDatasetView>['stats']> {
    return this.host.stats;
  }

  /** Messages the row pager posted, and the most rows in one of them (tests). */
  get pageStats(): Readonly<RowPager['stats']> {
    return this.pager.stats;
  }

  get traceCount(): number {
    return this.traces.length;
  }

  /**
   * Reads the file again (streamed, off the host's critical path: trace/traceReader.ts) and
   * sends the new report and rows when the page is ready. Raw model outputs are annotated
   * offline on the way, as Open as Trace does. On the first read of a big file the first page of
   * rows goes out before the rest is read.
   */
  async reload(): Promise<void> {
    // One read at a time: the view's first read and the watcher's event for the same new file
    // used to read it twice at once. A change during a read gets one more read after it.
    if (this.reading) {
      this.readAgain = true;
      return this.reading;
    }
    this.reading = this.read().finally(() => {
      this.reading = undefined;
      if (this.readAgain && !this.disposed) {
        this.readAgain = false;
        void this.reload();
      }
    });
    return this.reading;
  }

  private reading: Promise<void> | undefined;
  private readAgain = false;

  private async read(): Promise<void> {
    const started = performance.now();
    const first = !this.loaded;
    try {
      let count = this.isIndexable() ? await this.readIndexed(first) : false;
      if (count === false) count = await this.readWhole(first);
      if (count === undefined) return; // disposed meanwhile
      this.stats.lastLoadMs = performance.now() - started;
      this.lens.log.info(`Dataset view ${this.file.fsPath}: ${count} traces, ${this.problems.length} problem line(s), read in ${this.stats.lastLoadMs.toFixed(0)} ms`);
      for (const p of this.problems) this.lens.log.warn(p);
      this.sendDataset();
    } catch (err) {
      const message = `Cannot read ${this.file.fsPath}: ${err instanceof Error ? err.message : String(err)}`;
      this.lens.log.error(message);
      this.post({ type: 'error', message });
    } finally {
      this.resolveFirstLoad();
    }
  }

  /** Our `.trace.jsonl` on disk: the worker indexes it, so the host keeps places, not traces. */
  private isIndexable(): boolean {
    return this.file.scheme === 'file' && /\.trace\.jsonl$/i.test(this.file.path);
  }

  /**
   * The worker reads the file, computes the payload and says where each trace is; the host
   * parses nothing. Resolves to the trace count, undefined when the view closed meanwhile, or
   * false when the worker failed (then the file is read as a whole).
   */
  private async readIndexed(first: boolean): Promise<number | false | undefined> {
    const path = this.file.fsPath;
    const listOf = (summary: TraceFileSummary, payload: DatasetPayload) => indexedTraceList(path, payload.rows, summary);
    // The first page comes from whichever is first: the host reading the first traces itself
    // while the worker starts, or the worker. The worker's replaces the host's (the same rows):
    // its lists grow as it reads on (runPayloadWorker) and its further rows are streamed.
    let shown: 'none' | 'host' | 'worker' | 'not-first' = first ? 'none' : 'not-first';
    let streaming = false;
    const hostRead = new AbortController();
    const showFirst = (payload: DatasetPayload, summary: TraceFileSummary, progress: ReadProgress, by: 'host' | 'worker') => {
      if (this.disposed || shown === 'not-first' || shown === 'worker' || (by === 'host' && shown !== 'none')) return;
      if (shown === 'none') this.stats.firstPages++;
      shown = by;
      if (by === 'worker') {
        streaming = true;
        hostRead.abort();
      }
      this.setIndexed(listOf(summary, payload), summary);
      this.payload = { ...payload, reading: readingOf(progress) };
      this.sendDataset();
    };
    // Further rows go to the page as they are indexed (the pager posts only the new ones).
    const more = (progress: ReadProgress) => {
      if (!streaming || this.disposed || !this.payload) return;
      this.payload = { ...this.payload, reading: readingOf(progress) };
      if (this.host.isLive) this.pager.update(this.payload);
      else this.host.markMissed();
    };
    let result;
    try {
      result = await this.lens.withReadProgress(this.file, (onProgress) => {
        const fromWorker = runPayloadWorker(this.workerFile(), { path, where: this.where(), index: true, firstPage: FIRST_PAGE }, {
          onProgress,
          onFirstPage: (payload, summary, progress) => showFirst(payload, summary, progress, 'worker'),
          onRows: more,
        });
        if (first) {
          firstPageOnHost(path, this.where(), FIRST_PAGE, hostRead.signal).then(
            (page) => page && showFirst(page.payload, page.summary, page.progress, 'host'),
            (err: unknown) => this.lens.log.info(`Dataset view ${path}: no first page read here (${err instanceof Error ? err.message : String(err)}); the worker's comes`),
          );
        }
        return fromWorker;
      });
    } catch (err) {
      hostRead.abort();
      this.lens.log.warn(`Dataset view ${path}: the index worker failed (${err instanceof Error ? err.message : String(err)}); reading the file here`);
      return false;
    }
    hostRead.abort();
    shown = 'worker';
    streaming = false;
    if (this.disposed || !result.summary || !result.payload) return undefined;
    this.setIndexed(listOf(result.summary, result.payload), result.summary);
    this.problems = result.payload.problems;
    this.payload = result.payload;
    return this.traces.length;
  }

  private setIndexed(list: TraceList, summary: TraceFileSummary): void {
    this.traces = list;
    this.held = [];
    this.summary = summary;
    this.loaded = true;
  }

  /** Any other file (raw model outputs annotated on the way, a .json): every trace is kept, the report comes from the worker. */
  private async readWhole(first: boolean): Promise<number | undefined> {
    // The report over every trace is computed in a worker thread meanwhile (payloadWorker.ts).
    const fromWorker = this.payloadOffThread();
    const loaded = await this.lens.readTraces(this.file, {
      any: true,
      onFirstPage: (traces, progress) => {
        if (!first || this.disposed) return;
        this.setHeld(traces.slice());
        this.payload = { ...this.buildPayload([]), reading: readingOf(progress) };
        this.stats.firstPages++;
        this.sendDataset();
      },
    });
    if (this.disposed) return undefined;
    this.setHeld(loaded.traces);
    this.problems = loaded.problems;
    const payload = await fromWorker;
    if (this.disposed) return undefined;
    // The worker read the file on its own: use its payload only when it saw the same traces.
    const same = payload !== undefined && payload.rows.length === loaded.traces.length && payload.rows.every((r, i) => r.id === loaded.traces[i].id);
    this.payload = same ? { ...payload, problems: loaded.problems } : undefined;
    if (!same && payload) this.lens.log.info(`Dataset view ${this.file.fsPath}: the file changed between the two reads; the report is computed here`);
    return loaded.traces.length;
  }

  private setHeld(traces: readonly Trace[]): void {
    this.held = traces;
    this.traces = new ArrayTraceList(traces);
    this.summary = undefined;
    this.loaded = true;
  }

  /** Trace `index` of the file as last read (read from the file when only its place is kept). */
  traceAt(index: number): Promise<Trace> {
    return this.traces.load(index);
  }

  /** What the review queue reads of every trace, without parsing the file again. */
  queueTraces(): readonly QueueTrace[] {
    return this.summary?.queue ?? this.held;
  }

  /** Every trace as an array (the HTML report over all of them). For an indexed file this reads and parses all of them again (the loop yields every few ms). */
  async allTraces(): Promise<readonly Trace[]> {
    if (!(this.traces instanceof OffsetTraceList)) return this.held;
    const list = this.traces;
    const slicer = new LoopSlicer();
    const out: Trace[] = [];
    for (let i = 0; i < list.length; i++) {
      out.push(await list.load(i));
      await slicer.maybeYield();
    }
    return out;
  }

  private problems: string[] = [];
  /** Built once per read: a page that comes back (hidden panel shown again) gets the same one. */
  private payload: DatasetPayload | undefined;

  /**
   * Sends a new read (or a first page) when the page can take it: what the page does not have
   * yet (the rest of a file whose first page it shows: its remaining rows and the full report);
   * otherwise it goes with the next 'ready' or ping answer.
   */
  private sendDataset(): void {
    if (this.host.isLive) this.postDataset(false);
    else this.host.markMissed();
  }

  /** The payload of the last read, to a page that said 'ready' (a new one, or one that kept its content). */
  private sendPayload(): void {
    this.postDataset(true);
  }

  /** Rows go in pages, one per turn of the event loop (rowPages.ts). */
  private postDataset(fresh: boolean): void {
    if (!this.loaded) return;
    this.payload ??= this.buildPayload(this.problems);
    const job = this.jobState();
    this.stats.loads++;
    const message = { ...this.payload, ...(job ? { job } : {}) };
    if (fresh) this.pager.show(message);
    else this.pager.update(message);
    this.queue.refresh().catch((err) => this.lens.log.warn(`Review queue of ${this.file.fsPath}: ${err instanceof Error ? err.message : String(err)}`));
  }

  private readonly pager = new RowPager({ post: (m) => this.host.post(m) });

  /** The payload computed in a worker thread; undefined when that is not possible (then it is computed here). */
  private async payloadOffThread(): Promise<DatasetPayload | undefined> {
    if (this.file.scheme !== 'file') return undefined;
    const s = this.lens.settings();
    try {
      return await payloadInWorker(this.workerFile(), {
        path: this.file.fsPath,
        where: this.where(),
        segment: { mode: s.segmentationMode, ...(s.markers.length ? { markers: s.markers } : {}) },
      });
    } catch (err) {
      this.lens.log.warn(`Dataset view ${this.file.fsPath}: the report worker failed (${err instanceof Error ? err.message : String(err)}); computing it here`);
      return undefined;
    }
  }

  private workerFile(): string {
    return vscode.Uri.joinPath(this.lens.context.extensionUri, 'dist', 'payloadWorker.js').fsPath;
  }

  private where(): { file: string; name: string } {
    return { file: this.file.scheme === 'file' ? this.file.fsPath : this.file.toString(), name: baseName(this.file) };
  }

  /** Only for traces held in memory (an indexed file's payload always comes from the worker). */
  private buildPayload(problems: string[]): DatasetPayload {
    return datasetPayload(this.held, this.where(), problems);
  }

  /** The job sidecar beside the file, when a dataset job wrote it. */
  private jobState(): DatasetJobState | undefined {
    if (this.file.scheme !== 'file') return undefined;
    try {
      const path = `${this.file.fsPath}.job.json`;
      if (!existsSync(path)) return undefined;
      const sidecar = JSON.parse(readFileSync(path, 'utf8')) as { status?: unknown; counts?: { total?: unknown; finished?: unknown } };
      if (typeof sidecar.status !== 'string') return undefined;
      const total = sidecar.counts?.total;
      const done = sidecar.counts?.finished;
      return {
        status: sidecar.status,
        ...(typeof total === 'number' ? { total } : {}),
        ...(typeof done === 'number' ? { done } : {}),
      };
    } catch {
      return undefined; // a sidecar being rewritten or broken does not stop the view
    }
  }

  private scheduleReload(): void {
    if (this.reloadTimer || this.disposed) return;
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = undefined;
      void this.reload();
    }, Math.max(RELOAD_DELAY_MS, RELOAD_COST_FACTOR * this.stats.lastLoadMs));
  }

  private post(message: HostToDatasetView): void {
    this.host.post(message);
  }

  /** A request from the page (the handshake and logs are WebviewHost's). */
  async handle(message: Exclude<DatasetViewToHost, { type: 'ready' } | { type: 'log' }>): Promise<void> {
    switch (message.type) {
      case 'shown':
        this.stats.shownRows = message.rows;
        return;
      case 'open-trace':
        this.openTrace(message.index, message.id);
        return;
      case 'compare': {
        const compared = await (await import('../compare/entries.js')).compareSameProblem(this.lens, this.traces, message.index, message.id, baseName(this.file), this.file, this.summary?.problemKeys);
        if (typeof compared === 'string') this.post({ type: 'notice', message: compared });
        return;
      }
      case 'review-queue-set':
        return this.queue.setChoice(message.choice);
      case 'review-next':
        await this.queue.next();
        return;
      case 'open-file':
        if (message.what === 'traces') await vscode.commands.executeCommand('vscode.openWith', this.file, EDITOR_VIEW_TYPE);
        else await this.openReport();
        return;
    }
  }

  /** Shows trace `index` in this view's trace panel; refuses if the file changed under the row. */
  openTrace(index: number, id: string): TraceSession | undefined {
    const trace = this.traces.ids()[index] === id ? this.readTrace(index) : undefined;
    if (!trace) {
      this.post({ type: 'notice', message: `Trace ${id} is no longer at row ${index + 1}: the file changed. Reloading…` });
      void this.reload();
      return undefined;
    }
    const source = { kind: 'traces' as const, traces: this.traces, selected: index, file: this.file, title: panelTitle };
    const session = this.traceSession;
    if (session && !session.view.isDisposed) {
      session.replace(source);
      session.view.panel.title = this.lens.uniqueTitle(panelTitle(trace), session.view.panel);
      session.view.panel.reveal(session.view.panel.viewColumn, true);
    } else {
      this.traceSession = this.lens.openPanel(source, panelTitle(trace));
    }
    return this.traceSession;
  }

  /** Trace `index`, or undefined when the file no longer holds it where it was read. */
  private readTrace(index: number): Trace | undefined {
    try {
      return this.traces.at(index);
    } catch (err) {
      if (err instanceof FileChangedError) return undefined;
      throw err;
    }
  }

  /**
   * The HTML report beside the file when it is up to date (a finished job wrote it); otherwise
   * a fresh one in the trace folder, so nothing is ever written beside someone else's data.
   */
  private async openReport(): Promise<void> {
    if (this.file.scheme !== 'file') throw new Error('The report can only be written for files on disk.');
    const { reportBase, writeReport } = await import('../../runs/dataset/report.js');
    const beside = `${reportBase(this.file.fsPath)}.html`;
    let html = beside;
    if (!existsSync(beside) || statSync(beside).mtimeMs < statSync(this.file.fsPath).mtimeMs) {
      const folder = this.lens.store.folder();
      await vscode.workspace.fs.createDirectory(folder);
      const target = nodePath.join(folder.fsPath, baseName(this.file));
      html = writeReport(target, [...(await this.allTraces())], { title: `Dataset report: ${this.file.fsPath}` }).html;
      this.lens.log.info(`Dataset report for ${this.file.fsPath} written to ${html}`);
    }
    const opened = await vscode.env.openExternal(vscode.Uri.file(html));
    if (!opened) this.post({ type: 'notice', message: `The report is at ${html}` });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pager.cancel();
    clearTimeout(this.reloadTimer);
    this.traceSession = undefined;
    if (DatasetView.open.get(this.file.toString()) === this) DatasetView.open.delete(this.file.toString());
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}

function readingOf(progress: ReadProgress): DatasetReading {
  return { traces: progress.traces, bytes: progress.bytes, totalBytes: progress.totalBytes };
}

function baseName(uri: vscode.Uri): string {
  return uri.path.split('/').pop() ?? uri.path;
}

export function datasetTitle(file: vscode.Uri): string {
  const name = baseName(file).replace(/\.trace\.jsonl$/i, '').replace(/\.jsonl$/i, '');
  return `Dataset: ${name.length > 40 ? name.slice(0, 39) + '…' : name}`;
}
