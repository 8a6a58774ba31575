import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'mocha';
import { EXTENSION_ID, lensApi, repoRoot } from './helpers';
import { metrics } from './metrics';

export function registerActivationSuite(): void {
  describe('activation', () => {
    it('activates and reports how long activation took', async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext, 'extension is installed in the development host');
      const started = performance.now();
      const api = await lensApi();
      metrics.activateCallMs = performance.now() - started;
      assert.equal(typeof api.activationMs, 'number');
      assert.ok(api.activationMs >= 0);
      metrics.activationMs = api.activationMs;
    });

    it('registers every command contributed in package.json', async () => {
      await lensApi();
      const manifest = JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8'));
      const contributed: string[] = manifest.contributes.commands.map((c: { command: string }) => c.command);
      assert.ok(contributed.length >= 11, 'all commands are contributed');
      const registered = new Set(await vscode.commands.getCommands(true));
      const missing = contributed.filter((id) => !registered.has(id));
      assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
    });

    it('declares the serializer activation event and the trace custom editor', () => {
      const manifest = JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8'));
      assert.ok(manifest.activationEvents.includes('onWebviewPanel:reasoningLens.trace'));
      const editor = manifest.contributes.customEditors.find((e: { viewType: string }) => e.viewType === 'reasoningLens.traceEditor');
      assert.deepEqual(
        editor.selector.map((s: { filenamePattern: string }) => s.filenamePattern),
        ['*.trace.json', '*.trace.jsonl'],
      );
    });

    it('shows a status bar item with the configured model', async () => {
      const { lens } = await lensApi();
      lens.statusBar.setModel('some-model:1b');
      assert.match(lens.statusBar.text, /some-model:1b/);
      lens.statusBar.setModel(lens.settings().model);
    });
  });
}
