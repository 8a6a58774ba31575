/** Shared helpers for the extension-host suites. */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import type { LensApi } from '../../src/extension/extension';

export const EXTENSION_ID = 'reasoning-lens.reasoning-lens';

export async function lensApi(): Promise<LensApi> {
  const ext = vscode.extensions.getExtension<LensApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  return ext.isActive ? ext.exports : ext.activate();
}

export function repoRoot(): string {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error('extension not loaded');
  return ext.extensionPath;
}

/** ../shared/data beside the checkout, or undefined (tests then skip with a notice). */
export function sharedData(): string | undefined {
  const dir = path.resolve(repoRoot(), '../shared/data');
  if (existsSync(dir)) return dir;
  console.log(`[extension tests] NOTICE: ${dir} is absent; tests that need real data are skipped`);
  return undefined;
}

export function workspaceDir(): string {
  const ws = vscode.workspace.workspaceFolders?.[0];
  if (!ws) throw new Error('the extension tests need a folder open (the e2e runner opens one)');
  return ws.uri.fsPath;
}

export async function setConfig(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('reasoningLens').update(key, value, vscode.ConfigurationTarget.Global);
}

/** Polls `check` until it returns a value (not undefined/false) or the deadline passes. */
export async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
