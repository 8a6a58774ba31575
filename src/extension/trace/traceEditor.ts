/**
 * Custom editor for `*.trace.json` / `*.trace.jsonl`. Read-only (CustomReadonlyEditorProvider):
 * the view never edits the file (exports write new files), so VS Code's text editor stays the
 * way to edit it ("Reopen Editor With… Text Editor"). The view reloads when the file changes on
 * disk, e.g. while a dataset job appends to it.
 */
import * as vscode from 'vscode';
import type { Lens } from './lens';
import { EDITOR_VIEW_TYPE } from './viewTypes';
import { ArrayTraceList } from './traceList';
import type { LoadedTraceList } from './lens';
import type { TraceSession } from './session';

class TraceDocument implements vscode.CustomDocument {
  constructor(
    readonly uri: vscode.Uri,
    public loaded: LoadedTraceList,
  ) {}
  dispose(): void {}
}

export class TraceEditorProvider implements vscode.CustomReadonlyEditorProvider<TraceDocument> {
  constructor(private readonly lens: Lens) {}

  static register(lens: Lens): vscode.Disposable {
    return vscode.window.registerCustomEditorProvider(EDITOR_VIEW_TYPE, new TraceEditorProvider(lens), {
      webviewOptions: { retainContextWhenHidden: false, enableFindWidget: true },
      supportsMultipleEditorsPerDocument: true,
    });
  }

  async openCustomDocument(uri: vscode.Uri): Promise<TraceDocument> {
    return new TraceDocument(uri, await this.load(uri));
  }

  private async load(uri: vscode.Uri): Promise<LoadedTraceList> {
    try {
      return await this.lens.readTraceList(uri);
    } catch (err) {
      const name = uri.path.split('/').pop() ?? uri.path;
      return { traces: new ArrayTraceList([]), lines: [], problems: [`${name}: cannot read: ${err instanceof Error ? err.message : String(err)}`] };
    }
  }

  async resolveCustomEditor(document: TraceDocument, panel: vscode.WebviewPanel): Promise<void> {
    const name = document.uri.path.split('/').pop() ?? '';
    const { traces, problems } = document.loaded;
    for (const p of problems) this.lens.log.warn(p);
    if (traces.length === 0) {
      this.showUnreadable(document, panel, problems);
      return;
    }
    if (problems.length) this.warn(document.uri, problems);
    const session = this.lens.attachSession(panel, { kind: 'traces', traces, selected: 0, file: document.uri }, name);
    this.watch(document, session);
  }

  /** Reloads the view when the file changes on disk (keeping the selected trace). */
  private watch(document: TraceDocument, session: TraceSession): void {
    const folder = vscode.Uri.joinPath(document.uri, '..');
    const name = document.uri.path.split('/').pop() ?? '';
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, name));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const reload = () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const loaded = await this.load(document.uri);
        if (loaded.traces.length === 0 || session.view.isDisposed) return; // keep what is shown
        document.loaded = loaded;
        const previous = session.list()?.selected ?? 0;
        session.replace({ kind: 'traces', traces: loaded.traces, selected: Math.min(previous, loaded.traces.length - 1), file: document.uri });
      }, 300);
    };
    watcher.onDidChange(reload);
    session.view.onDidDispose(() => {
      clearTimeout(timer);
      watcher.dispose();
    });
  }

  private warn(uri: vscode.Uri, problems: string[]): void {
    void vscode.window
      .showWarningMessage(`Reasoning Lens: ${problems.length} record(s) in ${vscode.workspace.asRelativePath(uri)} are not valid traces, e.g. ${problems[0]}`, 'Show Log')
      .then((c) => {
        if (c) this.lens.log.show();
      });
  }

  /** No valid trace: say exactly what is wrong and offer the text editor. Never throws. */
  private showUnreadable(document: TraceDocument, panel: vscode.WebviewPanel, problems: string[]): void {
    const first = problems[0] ?? 'no traces found';
    panel.webview.options = { enableScripts: false, localResourceRoots: [] };
    panel.webview.html = unreadableHtml(problems);
    void vscode.window.showErrorMessage(`Reasoning Lens cannot show ${vscode.workspace.asRelativePath(document.uri)}: ${first}`, 'Open as Text', 'Show Log').then((c) => {
      if (c === 'Open as Text') void vscode.commands.executeCommand('vscode.openWith', document.uri, 'default');
      else if (c === 'Show Log') this.lens.log.show();
    });
  }
}

/** A static page (scripts off, nothing loadable) listing the problems as escaped text. */
export function unreadableHtml(problems: string[]): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const items = problems.slice(0, 50).map((p) => `<li><code>${esc(p)}</code></li>`).join('\n');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{font-family:var(--vscode-font-family);color:var(--vscode-foreground);padding:1em} code{white-space:pre-wrap;word-break:break-word}</style>
</head><body><h2 id="lens-error">This file is not a readable trace</h2><ul>${items}</ul>
<p>Use “Reopen Editor With… → Text Editor” to fix it, or “Reasoning Lens: Open as Trace” for raw model outputs.</p></body></html>`;
}
