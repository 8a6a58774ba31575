/**
 * Connects one webview (a WebviewPanel or a custom editor's panel) to what it shows.
 *
 * Outbound: run events are batched, at most one 'events' message per flush interval (~16 ms),
 * never one per token. Messages cannot reach a hidden webview, and with
 * retainContextWhenHidden false its page is discarded while hidden; so while the webview is
 * not ready nothing is queued: the view is marked stale and, when the page says 'ready' again,
 * it gets one 'load' with the current snapshot (the replay), then live events resume.
 *
 * Inbound: every message is validated with parseWebviewMessage (the webview renders untrusted
 * model text, so it is untrusted too); invalid ones are logged and dropped.
 */
import * as vscode from 'vscode';
import type { RunEvent } from '../../runs/contract';
import {
  parseWebviewMessage,
  type HostToWebview,
  type WebviewToHost,
  type TraceListItem,
  type ViewSettings,
} from '../../shared/protocol';
import type { BudgetPolicy, Trace } from '../../core/trace';
import type { RunStatus } from '../../runs/contract';
import type { TraceOrigin, ProbeRequest } from '../../shared/protocol';
import { bundlePageHtml } from '../webview/webviewPage';

export const FLUSH_INTERVAL_MS = 16;

/** What the view currently shows; the controller asks for it whenever it must (re)load. */
export interface ViewContent {
  trace(): Trace;
  live(): boolean;
  status?(): RunStatus | undefined;
  budget(): BudgetPolicy;
  probe(): ProbeRequest | false;
  origin(): TraceOrigin | undefined;
  /** For multi-trace files: the picker rows and the selected index. */
  list?(): { file: string; items: TraceListItem[]; selected: number } | undefined;
}

export type InboundHandler = (message: Exclude<WebviewToHost, { type: 'ready' } | { type: 'log' }>, view: TraceView) => void | Promise<void>;

export interface TraceViewOptions {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  viewSettings: () => ViewSettings;
  models?: () => string[] | undefined;
  onMessage: InboundHandler;
  title: string;
}

/** Options every trace webview uses: scripts on, only dist/webview readable. */
export function traceWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
  };
}

export class TraceView implements vscode.Disposable {
  private content: ViewContent | undefined;
  private ready = false;
  private pending: RunEvent[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  /** Counters for tests and the log: how many messages and events went out. */
  readonly stats = { messages: 0, eventMessages: 0, events: 0, loads: 0, rejected: 0 };
  private readonly onDisposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.onDisposeEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly options: TraceViewOptions,
  ) {
    const webview = panel.webview;
    webview.options = traceWebviewOptions(options.extensionUri);
    this.render();
    this.disposables.push(
      webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidChangeViewState(() => {
        // A hidden, non-retained webview loses its page; it will say 'ready' again.
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Re-renders the page (fresh nonce) — used after reloads and by the serializer. */
  render(): void {
    this.ready = false;
    this.panel.webview.html = bundlePageHtml(this.panel.webview, this.options.extensionUri, 'main', this.options.title);
  }

  get isReady(): boolean {
    return this.ready;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Shows new content: sends 'load' now if the page is ready, else when it becomes ready. */
  show(content: ViewContent): void {
    this.content = content;
    this.pending = [];
    if (this.ready) this.sendLoad();
  }

  /** Queues a run event; flushed as part of one batch per interval. */
  pushEvent(event: RunEvent): void {
    if (this.disposed || !this.ready) return; // replayed by the next 'load' snapshot
    this.pending.push(event);
    if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
  }

  /** Sends the queued events now (also called before 'done' so nothing trails). */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.length === 0 || !this.ready || this.disposed) {
      this.pending = [];
      return;
    }
    const events = coalesce(this.pending);
    this.pending = [];
    this.stats.eventMessages++;
    this.stats.events += events.length;
    this.post({ type: 'events', events });
  }

  post(message: HostToWebview): void {
    if (this.disposed) return;
    this.stats.messages++;
    void this.panel.webview.postMessage(message).then(
      (delivered) => {
        // Not delivered: the page went away meanwhile; it reloads state on 'ready'.
        if (!delivered) this.ready = false;
      },
      (err: unknown) => this.options.log.warn(`postMessage failed: ${String(err)}`),
    );
  }

  notice(message: string): void {
    if (this.ready) this.post({ type: 'notice', message });
  }

  error(message: string): void {
    if (this.ready) this.post({ type: 'error', message });
  }

  private sendLoad(): void {
    const c = this.content;
    if (!c) return;
    this.pending = [];
    this.stats.loads++;
    const list = c.list?.();
    if (list && list.items.length > 1) this.post({ type: 'trace-list', file: list.file, items: list.items, selected: list.selected });
    const message: HostToWebview = {
      type: 'load',
      trace: c.trace(),
      live: c.live(),
      settings: this.options.viewSettings(),
      budget: c.budget(),
      probe: c.probe(),
      origin: c.origin(),
    };
    const status = c.status?.();
    if (status) message.status = status;
    const models = this.options.models?.();
    if (models && models.length) message.models = models;
    this.post(message);
  }

  private receive(raw: unknown): void {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.stats.rejected++;
      this.options.log.warn(`Ignored an invalid message from the trace view: ${parsed.error}`);
      return;
    }
    const message = parsed.message;
    if (message.type === 'ready') {
      this.ready = true;
      this.sendLoad();
      return;
    }
    if (message.type === 'log') {
      const text = `[webview] ${message.message}`;
      if (message.level === 'error') this.options.log.error(text);
      else if (message.level === 'warn') this.options.log.warn(text);
      else this.options.log.info(text);
      return;
    }
    Promise.resolve()
      .then(() => this.options.onMessage(message, this))
      .catch((err: unknown) => {
        const text = err instanceof Error ? err.message : String(err);
        this.options.log.error(`Handling "${message.type}" from the trace view failed: ${text}`);
        this.error(text);
      });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.pending = [];
    this.onDisposeEmitter.fire();
    this.onDisposeEmitter.dispose();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}

/**
 * Drops events made redundant by later ones in the same batch: 'episode-grew' and
 * 'response-grew' carry the full text so far, so only the last per episode matters;
 * only the last 'tokens' counter matters.
 */
export function coalesce(events: RunEvent[]): RunEvent[] {
  const lastGrow = new Map<number, number>();
  let lastResponse = -1;
  let lastTokens = -1;
  events.forEach((e, i) => {
    if (e.type === 'episode-grew') lastGrow.set(e.index, i);
    else if (e.type === 'response-grew') lastResponse = i;
    else if (e.type === 'tokens') lastTokens = i;
    else if (e.type === 'episode-closed') lastGrow.delete(e.episode.index);
  });
  return events.filter((e, i) => {
    if (e.type === 'episode-grew') return lastGrow.get(e.index) === i;
    if (e.type === 'response-grew') return i === lastResponse;
    if (e.type === 'tokens') return i === lastTokens;
    return true;
  });
}
