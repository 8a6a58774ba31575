import * as vscode from 'vscode';

// Skeleton: activation only. Commands, views and the custom editor arrive in later work.
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Reasoning Lens', { log: true });
  context.subscriptions.push(log);
  log.info('Reasoning Lens activated');
}

export function deactivate(): void {}
