/**
 * What one trace view shows (a live run, or traces read from a file) and how it answers the
 * view's requests. Both the trace panel and the custom editor use it.
 */
import * as vscode from 'vscode';
import type { BudgetPolicy, Trace } from '../../core/trace';
import type { RunStatus } from '../../runs/contract';
import type { ProbeRequest, TraceListItem, TraceOrigin } from '../../shared/protocol';
import { isSafeExternalUrl } from '../../shared/protocol';
import type { LiveRun } from './liveRun';
import type { TraceView, TraceViewRequest, ViewContent } from './traceView';
import { asTraceList, type TraceList } from './traceList';
import { handleReviewMessage, type ReviewableSession } from './traceReview';
import { writeUriAtomically } from '../writeUriAtomically';

/** What a session needs from the rest of the extension. */
export interface SessionHost {
  log: vscode.LogOutputChannel;
  defaultProbe(): ProbeRequest | false;
  rerun(from: TraceSession, request: { budget: BudgetPolicy; probe: ProbeRequest | false; model?: string }): Promise<void>;
  annotateProgress(from: TraceSession, probe: ProbeRequest, model?: string): Promise<void>;
  /** `title`, or `title (2)`…: not the title of another open view. */
  uniqueTitle(title: string, except?: vscode.WebviewPanel): string;
}

export type SessionSource =
  | { kind: 'run'; run: LiveRun }
  /**
   * `queue`: these traces are a dataset view's review queue; `indexes` are their places in `file`.
   * `title`: the tab names the trace shown (not its file), so choosing another trace retitles it.
   */
  | { kind: 'traces'; traces: Trace[] | TraceList; selected: number; file?: vscode.Uri; queue?: { indexes: number[] }; title?: (trace: Trace) => string };

export class TraceSession implements ViewContent {
  private unsubscribe: (() => void) | undefined;

  constructor(
    readonly view: TraceView,
    private readonly host: SessionHost,
    private source: SessionSource,
  ) {
    this.attach();
    view.onDidDispose(() => this.unsubscribe?.());
  }

  get run(): LiveRun | undefined {
    return this.source.kind === 'run' ? this.source.run : undefined;
  }

  /** A file-backed view (custom editor) shows that file; runs never replace it. */
  get file(): vscode.Uri | undefined {
    return this.source.kind === 'traces' ? this.source.file : undefined;
  }

  /** The places in `file` of the review queue this view walks, if it is one. */
  get queue(): readonly number[] | undefined {
    return this.source.kind === 'traces' ? this.source.queue?.indexes : undefined;
  }

  /** Points this view at another source (a new run in the same panel, a reloaded file). */
  replace(source: SessionSource): void {
    this.unsubscribe?.();
    this.source = source;
    this.attach();
  }

  private attach(): void {
    const run = this.run;
    if (run) {
      this.unsubscribe = run.subscribe((event) => {
        this.view.pushEvent(event);
        if (event.type === 'done' || event.type === 'error') this.view.flush();
      });
      // No reload when the run ends: its 'done'/'error' event carries the final trace, and a
      // reload would throw away what the user expanded meanwhile. A view that was not ready
      // gets the final trace with its next 'load'.
    } else this.unsubscribe = undefined;
    this.view.show(this);
  }

  // ------------------------------------------------------------ ViewContent

  trace(): Trace {
    if (this.source.kind === 'run') return this.source.run.trace();
    return asTraceList(this.source.traces).at(this.source.selected);
  }

  live(): boolean {
    return this.source.kind === 'run' && this.source.run.live;
  }

  status(): RunStatus | undefined {
    return this.source.kind === 'run' ? this.source.run.status : undefined;
  }

  budget(): BudgetPolicy {
    if (this.source.kind === 'run') return this.source.run.budget;
    return this.trace().budget?.policy ?? {};
  }

  probe(): ProbeRequest | false {
    return this.source.kind === 'run' ? this.source.run.probe : this.host.defaultProbe();
  }

  origin(): TraceOrigin | undefined {
    if (this.source.kind === 'run') return { runId: this.source.run.id, file: this.source.run.savedTo };
    if (this.source.file) {
      const queue = this.source.queue?.indexes;
      return { file: this.source.file.toString(), index: queue?.[this.source.selected] ?? this.source.selected, ...(queue ? { queue: [...queue] } : {}) };
    }
    return undefined;
  }

  list(): { file: string; items: TraceListItem[]; selected: number } | undefined {
    if (this.source.kind !== 'traces' || this.source.traces.length < 2) return undefined;
    const items = asTraceList(this.source.traces).items();
    return { file: this.source.file?.fsPath ?? '', items, selected: this.source.selected };
  }

  /** Shows another trace of a multi-trace file. */
  select(index: number): void {
    if (this.source.kind !== 'traces') return;
    if (index < 0 || index >= this.source.traces.length) throw new Error(`There is no trace #${index + 1} in this file (it holds ${this.source.traces.length}).`);
    const trace = asTraceList(this.source.traces).at(index); // read before it is selected: a file changed under the list throws here
    this.source.selected = index;
    if (this.source.title) this.view.panel.title = this.host.uniqueTitle(this.source.title(trace), this.view.panel);
    this.view.show(this);
  }

  // ------------------------------------------------------------ requests from the view

  async handle(message: TraceViewRequest): Promise<void> {
    switch (message.type) {
      case 'stop':
        if (this.run?.live) this.run.cancel();
        else this.view.notice('Nothing is running in this view.');
        return;
      case 'rerun':
        return this.host.rerun(this, { budget: message.budget, probe: message.probe, model: message.model });
      case 'annotate-progress':
        return this.host.annotateProgress(this, message.probe, message.model);
      case 'select-trace':
        return this.select(message.index);
      case 'copy-episode': {
        const episode = this.trace().episodes[message.index];
        if (!episode) throw new Error(`Episode ${message.index} does not exist.`);
        await vscode.env.clipboard.writeText(episode.text);
        this.view.notice(`Episode ${message.index + 1} copied`);
        return;
      }
      case 'open-link':
        await openLink(message.url, this.host.log);
        return;
      case 'export':
        return this.exportTrace(message.format);
      case 'review-get':
      case 'review-set':
        return handleReviewMessage(message, this.reviewable());
    }
  }

  /** What the review panel needs (src/extension/trace/traceReview.ts): the sidecar goes beside the trace's file. */
  private reviewable(): ReviewableSession {
    return {
      trace: () => this.trace(),
      reviewFile: () => (this.file ? (this.file.scheme === 'file' ? this.file.fsPath : undefined) : this.run?.savedTo),
      traceIds: () => (this.source.kind === 'traces' ? [...asTraceList(this.source.traces).ids()] : [this.trace().id]),
      post: (message) => this.view.post(message),
      reviewQueue: this.source.kind === 'traces' && this.source.queue !== undefined,
    };
  }

  private async exportTrace(format: 'json' | 'jsonl'): Promise<void> {
    const trace = this.trace();
    const base = this.file ? vscode.Uri.joinPath(this.file, '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `${trace.id.replace(/[^A-Za-z0-9._-]+/g, '_')}.trace.${format}`;
    const target = await vscode.window.showSaveDialog({
      defaultUri: base ? vscode.Uri.joinPath(base, name) : undefined,
      filters: format === 'json' ? { 'Trace (JSON)': ['json'] } : { 'Traces (JSONL)': ['jsonl'] },
      saveLabel: 'Export Trace',
    });
    if (!target) return;
    const text = format === 'json' ? JSON.stringify(trace, null, 1) + '\n' : JSON.stringify(trace) + '\n';
    await writeUriAtomically(target, Buffer.from(text, 'utf8'));
    this.view.notice(`Exported to ${vscode.workspace.asRelativePath(target)}`);
  }
}

/** Opens a link from model text in the browser, only if it is plain http(s). */
export async function openLink(url: string, log: vscode.LogOutputChannel): Promise<boolean> {
  if (!isSafeExternalUrl(url) || !/^https?:/i.test(url)) {
    log.warn(`Refused to open a link that is not http(s): ${url.slice(0, 200)}`);
    return false;
  }
  // openExternal shows VS Code's own confirmation for untrusted domains.
  return vscode.env.openExternal(vscode.Uri.parse(url, true));
}
