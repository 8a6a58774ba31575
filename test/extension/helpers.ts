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

/** CI sets CI=true: there, whatever a test needs must be present, or the test fails. */
export const IN_CI = /^(true|1)$/i.test(process.env.CI ?? '');

/**
 * ../shared/data beside the checkout. Missing: under CI the test fails naming it; elsewhere
 * undefined (the test skips with a printed notice, and the e2e wrapper still fails on skips).
 */
export function sharedData(): string | undefined {
  const dir = path.resolve(repoRoot(), '../shared/data');
  if (existsSync(dir)) return dir;
  return missing(`${dir} (the real data set) is absent`);
}

/** The URL of a fake server the e2e runner started (REASONING_LENS_TEST_OLLAMA, …); missing is handled as for sharedData. */
export function fakeServer(variable: 'REASONING_LENS_TEST_OLLAMA' | 'REASONING_LENS_TEST_OLLAMA_SLOW' | 'REASONING_LENS_TEST_OPENAI'): string | undefined {
  const url = process.env[variable];
  if (url) return url;
  return missing(`${variable} is not set (the fake model server's URL; test/e2e/extension-host.e2e.ts starts it)`);
}

function missing(what: string): undefined {
  if (IN_CI) throw new Error(`${what}; under CI a missing prerequisite fails the test instead of skipping it`);
  console.log(`[extension tests] NOTICE: ${what}; the test that needs it is skipped`);
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
