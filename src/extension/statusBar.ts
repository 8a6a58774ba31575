/** The status bar item: server reachability, the model, and a live run's token count. */
import * as vscode from 'vscode';

export type ServerState = { kind: 'unknown' } | { kind: 'ok'; version: string } | { kind: 'down'; message: string };

export class LensStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private server: ServerState = { kind: 'unknown' };
  private model = '';
  private run: { model: string; tokens: number; status: string } | undefined;
  private runCount = 0;

  constructor() {
    this.item = vscode.window.createStatusBarItem('reasoningLens.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Reasoning Lens';
    this.item.command = 'reasoningLens.statusMenu';
    this.render();
    this.item.show();
  }

  setServer(state: ServerState): void {
    this.server = state;
    this.render();
  }

  setModel(model: string): void {
    this.model = model;
    this.render();
  }

  /** Shows the most recent live run; `count` is how many runs are live. */
  setRun(run: { model: string; tokens: number; status: string } | undefined, count: number): void {
    this.run = run;
    this.runCount = count;
    this.render();
  }

  /** The text shown, for tests. */
  get text(): string {
    return this.item.text;
  }

  private render(): void {
    const model = this.model || 'no model';
    if (this.run) {
      const more = this.runCount > 1 ? ` (+${this.runCount - 1})` : '';
      this.item.text = `$(loading~spin) ${this.run.model}: ${this.run.status} ${formatTokens(this.run.tokens)}${more}`;
      this.item.tooltip = 'Reasoning Lens: a run is in progress. Use "Reasoning Lens: Stop" to stop it.';
      this.item.backgroundColor = undefined;
      return;
    }
    if (this.server.kind === 'down') {
      this.item.text = `$(debug-disconnect) Lens: Ollama unreachable`;
      this.item.tooltip = `${this.server.message}\nClick to check the connection or pick a model.`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      return;
    }
    this.item.backgroundColor = undefined;
    const icon = this.server.kind === 'ok' ? '$(pulse)' : '$(circle-outline)';
    this.item.text = `${icon} Lens: ${model}`;
    this.item.tooltip =
      this.server.kind === 'ok'
        ? `Ollama ${this.server.version} reachable. Model: ${model}.\nClick to check the connection or pick a model.`
        : `Model: ${model}. Connection not checked yet.\nClick to check the connection or pick a model.`;
  }

  dispose(): void {
    this.item.dispose();
  }
}

export function formatTokens(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(1)}k tok` : `${n} tok`;
}
