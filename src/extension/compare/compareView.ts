/**
 * The compare view's host side: one WebviewPanel showing two or more traces side by side
 * (src/core/compare.ts computes; the page in webview/compare draws). The page plumbing is
 * WebviewHost's, as for the trace and dataset views: strict CSP with a fresh nonce, only
 * dist/webview readable, data only by postMessage, every inbound message validated, and a page
 * that comes back after its panel was hidden gets the same payload again.
 */
import * as vscode from 'vscode';
import { compareTraces, type Alignment, type Comparison } from '../../core/compare';
import type { Trace } from '../../core/trace';
import { parseCompareViewMessage, type CompareSource, type CompareViewToHost, type HostToCompareView } from '../../shared/compare-protocol';
import type { Lens } from '../trace/lens';
import { panelTitle } from '../trace/viewTypes';
import { WebviewHost } from '../webview/webviewHost';
import { comparePayload } from './payload';

export const COMPARE_VIEW_TYPE = 'reasoningLens.compare';

/** One trace to compare, with where it came from. */
export interface CompareItem {
  trace: Trace;
  /** Table heading; default: the model (or id), made unique. */
  label?: string;
  /** "file:line", "re-run", …: shown under the heading. */
  origin: string;
  /** The file it was read from and its position there (from 0): a window reload reads it again; without one the trace itself is kept. */
  file?: vscode.Uri;
  position?: number;
}

/** Where the page keeps each trace for a window reload (compareRestore.ts reads them back). */
export function compareSources(items: readonly CompareItem[]): CompareSource[] {
  return items.map((i) => {
    const named = { id: i.trace.id, origin: i.origin, ...(i.label ? { label: i.label } : {}), ...(i.trace.model ? { model: i.trace.model } : {}) };
    return i.file ? { ...named, file: i.file.toString(), ...(i.position !== undefined ? { position: i.position } : {}) } : { ...named, trace: i.trace };
  });
}

export type CompareHost = WebviewHost<CompareViewToHost, HostToCompareView>;

/** The compare page in `panel` (the comparison, or a restore's "cannot be restored"): one bundle, one validator. */
export function compareHost(lens: Lens, panel: vscode.WebviewPanel, snapshot: () => void, handle: (message: Exclude<CompareViewToHost, { type: 'ready' } | { type: 'log' }>) => void): CompareHost {
  return new WebviewHost<CompareViewToHost, HostToCompareView>(panel, {
    extensionUri: lens.context.extensionUri,
    log: lens.log,
    bundle: 'compare',
    title: panel.title,
    name: 'compare view',
    parse: parseCompareViewMessage,
    snapshot,
    handle,
  });
}

export class CompareView implements vscode.Disposable {
  /** Open views, newest last (tests and the command's `{ last: true }`). */
  static readonly open: CompareView[] = [];

  /**
   * `background`: opened by the tool, not by the user's command (after a re-run ends): beside the
   * active editor and without taking focus, so it never pulls the user out of what they are
   * typing (a palette or input box open at that moment would close). `panel`: a panel VS Code
   * restored after a window reload; `missing`: what that restore could not read again.
   */
  static show(lens: Lens, items: readonly CompareItem[], opts: { alignment?: Alignment; title?: string; background?: boolean; panel?: vscode.WebviewPanel; missing?: string[] } = {}): CompareView {
    const comparison = compareTraces(items.map((i) => ({ trace: i.trace, ...(i.label ? { label: i.label } : {}) })));
    const title = opts.title ?? compareTitle(comparison);
    const placement = opts.background ? { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true } : { viewColumn: vscode.ViewColumn.Active, preserveFocus: false };
    const panel = opts.panel ?? vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, title, placement, {
      enableScripts: true,
      retainContextWhenHidden: false,
      enableFindWidget: true,
    });
    panel.title = title;
    const view = new CompareView(lens, panel, items, comparison, opts.alignment ?? 'index', opts.missing ?? []);
    CompareView.open.push(view);
    return view;
  }

  private readonly host: WebviewHost<CompareViewToHost, HostToCompareView>;
  private disposed = false;
  /** What the page last said it drew (-1: nothing yet), for tests and the log. */
  readonly stats = { shownTraces: -1, shownAlignment: '' as Alignment | '', payloads: 0 };

  private constructor(
    private readonly lens: Lens,
    readonly panel: vscode.WebviewPanel,
    readonly items: readonly CompareItem[],
    readonly comparison: Comparison,
    private readonly alignment: Alignment,
    private readonly missing: readonly string[],
  ) {
    this.host = compareHost(lens, panel, () => this.sendPayload(), (message) => this.handle(message));
    panel.onDidDispose(() => this.dispose());
    lens.log.info(`Compare view "${panel.title}": ${items.length} traces (${items.map((i) => i.origin).join(', ')})`);
  }

  get hostStats(): Readonly<WebviewHost<CompareViewToHost, HostToCompareView>['stats']> {
    return this.host.stats;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  private sendPayload(): void {
    this.stats.payloads++;
    this.host.post({ type: 'compare', ...comparePayload(this.comparison, this.items.map((i) => i.origin), this.alignment, compareSources(this.items), [...this.missing]) });
  }

  private handle(message: Exclude<CompareViewToHost, { type: 'ready' } | { type: 'log' }>): void {
    switch (message.type) {
      case 'shown':
        this.stats.shownTraces = message.traces;
        this.stats.shownAlignment = message.alignment;
        return;
      case 'open-trace': {
        const item = this.items[message.position];
        if (!item) throw new Error(`There is no trace #${message.position + 1} in this comparison.`);
        this.lens.openPanel({ kind: 'traces', traces: [item.trace], selected: 0 }, panelTitle(item.trace));
        return;
      }
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const at = CompareView.open.indexOf(this);
    if (at >= 0) CompareView.open.splice(at, 1);
    this.host.dispose();
    this.panel.dispose();
  }
}

/** "Compare: qwen3 vs deepseek-r1" (two), "Compare: 3 traces" (more). */
export function compareTitle(comparison: Comparison): string {
  const labels = comparison.traces.map((t) => t.label);
  const text = labels.length === 2 ? `${labels[0]} vs ${labels[1]}` : `${labels.length} traces`;
  return `Compare: ${text.length > 48 ? `${text.slice(0, 47)}…` : text}`;
}
