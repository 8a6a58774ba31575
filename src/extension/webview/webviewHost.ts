/**
 * The host side of one webview page, shared by the trace view and the dataset view: the page
 * (bundle) it renders, the ready handshake, validation and dispatch of what the page sends, and
 * what happens while the panel is hidden.
 *
 * Page life. A page says 'ready' when its script runs; only then does it get the full state
 * (`snapshot`). With retainContextWhenHidden false VS Code discards a hidden panel's page and
 * builds a new one when the panel is shown again, and that new page says 'ready' itself. But a
 * hidden view state is not proof that the page is gone (a panel moved between groups keeps its
 * page while the view state says hidden for a moment), so hiding never marks the page as gone:
 * the only proofs are a post VS Code did not deliver (it answers false when no page exists) and
 * a new 'ready'. While hidden nothing is posted (the view is marked as having missed updates);
 * when shown again the host asks the page whether it is still there ('ping'): a page that kept
 * its content answers 'ready' and gets a fresh snapshot, a new page has already said 'ready'.
 *
 * A page that has not said 'ready' READY_GRACE_MS after it was built is logged, not rebuilt.
 * In code-server (VS Code 1.100) every webview iframe shares one origin, and each registers VS
 * Code's webview service worker under its own URL (`service-worker.js?...&id=<webview id>`) for
 * the same scope: every new iframe installs a new worker version and waits for it to take over
 * (`controllerchange`; "Found unexpected service worker controller ... Waiting for
 * controllerchange" in the browser console) before VS Code writes the page's HTML into it. The
 * new worker cannot take over while the old one still has a resource request open, and a request
 * whose page went away (a panel hidden while its fonts loaded) or whose answer went to a newer
 * worker stays open for the worker's 30 s timeout: the next page then says 'ready' up to 30 s
 * late, whatever its own HTML. So pages request nothing through the worker (webviewHtml.ts
 * inlines script, CSS and fonts). Setting the HTML again cannot help (same iframe, same wait),
 * so the host does not rebuild.
 *
 * Every inbound message is validated by the protocol's parser (the page renders untrusted model
 * text, so what it sends is untrusted too); invalid ones are logged, counted and dropped.
 */
import * as vscode from 'vscode';
import { escapeAttr } from './webviewHtml';
import { bundlePageHtml, type WebviewBundle } from './webviewPage';

/** Options every Reasoning Lens webview uses: scripts on, only dist/webview readable. */
export function lensWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
  };
}

/** How long a visible panel's new page may take to say 'ready' before the host logs it. */
export const READY_GRACE_MS = 15_000;

type LogLevel = 'error' | 'warn' | 'info';
/** Messages every page sends; the rest are the view's own. */
type CommonInbound = { type: 'ready' } | { type: 'log'; level: LogLevel; message: string };
type CommonOutbound = { type: 'ping' } | { type: 'error'; message: string } | { type: 'notice'; message: string };

export type ParsedMessage<In> = { ok: true; message: In } | { ok: false; error: string };

export interface WebviewHostOptions<In extends { type: string }> {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  /** Which bundle in dist/webview the page runs. */
  bundle: WebviewBundle;
  title: string;
  /** For log lines: "trace view", "dataset view". */
  name: string;
  parse(raw: unknown): ParsedMessage<In>;
  /** The page is ready (new, or kept while hidden): send everything it shows. */
  snapshot(): void;
  /** A valid message other than 'ready' and 'log'. */
  handle(message: Exclude<In, CommonInbound>): void | Promise<void>;
  /** Default READY_GRACE_MS (tests shorten it). */
  readyGraceMs?: number;
}

export interface WebviewHostStats {
  /** Messages posted to the page. */
  messages: number;
  /** Invalid messages received (dropped). */
  rejected: number;
  /** 'ready' handshakes: one per page the panel had, plus each kept page that answered a ping. */
  readies: number;
  /** Errors the page reported through 'log'. */
  pageErrors: number;
  /** Posts VS Code could not deliver (the page was gone). */
  undelivered: number;
  /** Visible pages that had not said 'ready' READY_GRACE_MS after they were built (logged, not rebuilt). */
  lateReadies: number;
}

export class WebviewHost<In extends { type: string }, Out extends { type: string }> implements vscode.Disposable {
  private ready = false;
  /** Counts pages that said 'ready', so a late "not delivered" for an old page is ignored. */
  private generation = 0;
  /** Updates were skipped while hidden: the page needs a snapshot when it is seen again. */
  private missed = false;
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];
  readonly stats: WebviewHostStats = { messages: 0, rejected: 0, readies: 0, pageErrors: 0, undelivered: 0, lateReadies: 0 };
  private readyWatch: ReturnType<typeof setTimeout> | undefined;
  /** Counts render() calls, so only the latest one sets the HTML. */
  private renders = 0;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly options: WebviewHostOptions<In>,
  ) {
    panel.webview.options = lensWebviewOptions(options.extensionUri);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidChangeViewState(() => this.viewStateChanged()),
    );
    this.render();
  }

  /**
   * Renders the page again (fresh nonce); the new page says 'ready' when it runs. The HTML is
   * set once the bundle is read (once per extension host, then cached); a later render wins.
   */
  render(): void {
    this.ready = false;
    const render = ++this.renders;
    this.awaitReady();
    bundlePageHtml(this.panel.webview, this.options.extensionUri, this.options.bundle, this.options.title).then(
      (html) => {
        if (!this.disposed && render === this.renders) this.panel.webview.html = html;
      },
      (err: unknown) => {
        if (this.disposed || render !== this.renders) return;
        const text = err instanceof Error ? err.message : String(err);
        this.options.log.error(`${this.options.name} "${this.panel.title}": could not build the page: ${text}`);
        this.panel.webview.html = pageFailedHtml(text);
      },
    );
  }

  /** Logs a visible panel whose page has not said 'ready' in READY_GRACE_MS (see the top of this file). */
  private awaitReady(): void {
    clearTimeout(this.readyWatch);
    const generation = this.generation;
    const grace = this.options.readyGraceMs ?? READY_GRACE_MS;
    this.readyWatch = setTimeout(() => {
      this.readyWatch = undefined;
      if (this.disposed || this.generation !== generation || !this.panel.visible) return;
      this.stats.lateReadies++;
      this.options.log.warn(`${this.options.name} "${this.panel.title}": no 'ready' from the page ${grace / 1000} s after it was built; still waiting (VS Code's webview frame may be waiting for its service worker; see webviewHost.ts)`);
    }, grace);
  }

  /** A page said 'ready' and nothing since shows it is gone. */
  get isReady(): boolean {
    return this.ready;
  }

  /** Live updates may be posted now: a ready page in a visible panel. */
  get isLive(): boolean {
    return this.ready && this.panel.visible && !this.disposed;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Notes that an update was not posted (hidden panel): the page gets a snapshot when seen. */
  markMissed(): void {
    this.missed = true;
  }

  /** Posts to the page when it is ready; returns whether the message was sent. */
  post(message: Out | CommonOutbound): boolean {
    if (this.disposed || !this.ready) return false;
    this.stats.messages++;
    const generation = this.generation;
    this.panel.webview.postMessage(message).then(
      (delivered) => {
        // VS Code answers false when the panel has no page (discarded while hidden). A newer
        // page may have said 'ready' meanwhile; only the page this was meant for is gone.
        if (delivered || generation !== this.generation) return;
        this.stats.undelivered++;
        this.ready = false;
        this.missed = true;
        this.options.log.info(`${this.options.name}: the page is gone (a post was not delivered); waiting for a new one`);
      },
      (err: unknown) => this.options.log.warn(`${this.options.name}: postMessage failed: ${String(err)}`),
    );
    return true;
  }

  notice(message: string): void {
    this.post({ type: 'notice', message });
  }

  error(message: string): void {
    this.post({ type: 'error', message });
  }

  private viewStateChanged(): void {
    if (this.disposed) return;
    if (!this.panel.visible) {
      if (!this.missed) this.options.log.info(`${this.options.name} "${this.panel.title}": hidden`);
      this.missed = true;
      return;
    }
    // Shown again: a page that survived answers the ping with 'ready'; a new page says it anyway.
    if (!this.missed) return;
    if (this.ready) {
      this.options.log.info(`${this.options.name} "${this.panel.title}": shown again; asking the page whether it kept its content`);
      this.post({ type: 'ping' });
    }
    // Either the kept page answers the ping or VS Code builds a new one, which says 'ready'.
    this.awaitReady();
  }

  private receive(raw: unknown): void {
    if (this.disposed) return;
    const parsed = this.options.parse(raw);
    if (!parsed.ok) {
      this.stats.rejected++;
      this.options.log.warn(`Ignored an invalid message from the ${this.options.name}: ${parsed.error}`);
      return;
    }
    const message = parsed.message as In | CommonInbound;
    if (message.type === 'ready') {
      this.generation++;
      this.stats.readies++;
      clearTimeout(this.readyWatch);
      this.readyWatch = undefined;
      this.options.log.info(`${this.options.name} "${this.panel.title}": page ready (#${this.generation}${this.missed ? ', had missed updates' : ''})`);
      this.ready = true;
      this.missed = false;
      this.options.snapshot();
      return;
    }
    if (message.type === 'log') {
      const { level, message: text } = message as Extract<CommonInbound, { type: 'log' }>;
      const line = `[${this.options.name}] ${text}`;
      if (level === 'error') {
        this.stats.pageErrors++;
        this.options.log.error(line);
      } else if (level === 'warn') this.options.log.warn(line);
      else this.options.log.info(line);
      return;
    }
    const request = message as Exclude<In, CommonInbound>;
    Promise.resolve()
      .then(() => this.options.handle(request))
      .catch((err: unknown) => {
        const text = err instanceof Error ? err.message : String(err);
        this.options.log.error(`${this.options.name}: handling "${request.type}" failed: ${text}`);
        this.error(text);
      });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.readyWatch);
    for (const d of this.disposables) d.dispose();
  }
}

/** A page with no script that says why the view could not be built (the text is escaped). */
function pageFailedHtml(reason: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head>
<body><p>Reasoning Lens could not build this view: ${escapeAttr(reason)}</p></body></html>`;
}
