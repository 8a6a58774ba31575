/**
 * Connects one webview (a WebviewPanel or a custom editor's panel) to the trace it shows.
 * The page plumbing (ready handshake, validation, dispatch, hidden panels) is WebviewHost's.
 *
 * Outbound: run events are batched, at most one 'events' message per flush interval (~16 ms),
 * never one per token. Nothing is queued for a page that cannot take it (not ready yet, or the
 * panel hidden, where VS Code discards the page): the view is marked as having missed updates
 * and the page gets one 'load' with the current snapshot when it is ready or seen again (the
 * replay), then live events resume.
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
import { packTrace } from '../../shared/wire-trace';
import { WebviewHost } from '../webview/webviewHost';

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

/** Requests from the page (everything but the handshake, logs and render acknowledgements). */
export type TraceViewRequest = Exclude<WebviewToHost, { type: 'ready' } | { type: 'log' } | { type: 'shown' }>;
export type InboundHandler = (message: TraceViewRequest, view: TraceView) => void | Promise<void>;

export interface TraceViewOptions {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  viewSettings: () => ViewSettings;
  models?: () => string[] | undefined;
  onMessage: InboundHandler;
  title: string;
}

/** What the page last said it shows (its acknowledgement of a 'load'). */
export interface ShownTrace {
  id: string;
  episodes: number;
  live: boolean;
}

export class TraceView implements vscode.Disposable {
  private content: ViewContent | undefined;
  private pending: RunEvent[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly host: WebviewHost<WebviewToHost, HostToWebview>;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  /** Counters for tests and the log: how many messages and events went out. */
  readonly stats = { eventMessages: 0, events: 0, loads: 0, shown: 0 };
  /** The trace the page rendered last, as it reported it. */
  shown: ShownTrace | undefined;
  private readonly onDisposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.onDisposeEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly options: TraceViewOptions,
  ) {
    this.host = new WebviewHost<WebviewToHost, HostToWebview>(panel, {
      extensionUri: options.extensionUri,
      log: options.log,
      bundle: 'main',
      title: options.title,
      name: 'trace view',
      parse: parseWebviewMessage,
      snapshot: () => this.sendLoad(),
      handle: (message) => {
        if (message.type === 'shown') {
          this.stats.shown++;
          this.shown = { id: message.traceId, episodes: message.episodes, live: message.live };
          return;
        }
        return options.onMessage(message, this);
      },
    });
    this.disposables.push(this.host, panel.onDidDispose(() => this.dispose()));
  }

  /** Re-renders the page (fresh nonce) — used after reloads and by the serializer. */
  render(): void {
    this.host.render();
  }

  /** A page said 'ready' and has not been found gone since. */
  get isReady(): boolean {
    return this.host.isReady;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Messages posted, inbound messages rejected, pages that said 'ready', posts not delivered. */
  get hostStats(): Readonly<WebviewHost<WebviewToHost, HostToWebview>['stats']> {
    return this.host.stats;
  }

  /** Shows new content: sends 'load' now if the page can take it, else when it is ready or seen again. */
  show(content: ViewContent): void {
    this.content = content;
    this.pending = [];
    if (this.host.isLive) this.sendLoad();
    else this.host.markMissed();
  }

  /** Queues a run event; flushed as part of one batch per interval. */
  pushEvent(event: RunEvent): void {
    if (this.disposed) return;
    if (!this.host.isLive) {
      this.host.markMissed(); // replayed by the next 'load' snapshot
      this.pending = [];
      return;
    }
    this.pending.push(event);
    if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
  }

  /** Sends the queued events now (also called before 'done' so nothing trails). */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.length === 0 || this.disposed) {
      this.pending = [];
      return;
    }
    if (!this.host.isLive) {
      this.pending = [];
      this.host.markMissed();
      return;
    }
    const events = coalesce(this.pending);
    this.pending = [];
    this.stats.eventMessages++;
    this.stats.events += events.length;
    this.post({ type: 'events', events });
  }

  /** Posts to a ready page; false when it was not sent (no page yet, or disposed). */
  post(message: HostToWebview): boolean {
    return this.host.post(message);
  }

  notice(message: string): void {
    this.host.notice(message);
  }

  error(message: string): void {
    this.host.error(message);
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
      trace: packTrace(c.trace()),
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
