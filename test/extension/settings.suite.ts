import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { after, describe, it } from 'mocha';
import { readSettings, DEFAULT_SETTINGS } from '../../src/extension/settings';
import { lensApi, setConfig } from './helpers';

const TOUCHED = ['samplesPerProbe', 'host', 'defaultBudget', 'segmentationMode', 'markers', 'timeouts.idleMs'];

function fromConfig() {
  const config = vscode.workspace.getConfiguration('reasoningLens');
  return readSettings((key) => config.get(key));
}

export function registerSettingsSuite(): void {
  describe('settings validation', () => {
    after(async () => {
      for (const key of TOUCHED) await setConfig(key, undefined);
    });

    it('defaults are valid and produce no messages', async () => {
      for (const key of TOUCHED) await setConfig(key, undefined);
      const { settings, problems } = fromConfig();
      assert.deepEqual(problems, []);
      assert.equal(settings.samplesPerProbe, DEFAULT_SETTINGS.samplesPerProbe);
      assert.equal(settings.segmentationMode, 'auto');
    });

    it('an invalid value falls back to its default with a message naming the setting', async () => {
      await setConfig('samplesPerProbe', 'many');
      await setConfig('segmentationMode', 'paragraphs');
      await setConfig('timeouts.idleMs', 5);
      const { settings, problems } = fromConfig();
      assert.equal(settings.samplesPerProbe, DEFAULT_SETTINGS.samplesPerProbe);
      assert.equal(settings.segmentationMode, 'auto');
      assert.equal(settings.idleTimeoutMs, DEFAULT_SETTINGS.idleTimeoutMs);
      assert.ok(problems.some((p) => p.startsWith('reasoningLens.samplesPerProbe:') && p.includes('"many"')), problems.join('\n'));
      assert.ok(problems.some((p) => p.startsWith('reasoningLens.segmentationMode:')), problems.join('\n'));
      assert.ok(problems.some((p) => p.startsWith('reasoningLens.timeouts.idleMs:') && p.includes('outside')), problems.join('\n'));
      // The running extension applies the same fallback.
      const { lens } = await lensApi();
      assert.equal(lens.settings(true).samplesPerProbe, DEFAULT_SETTINGS.samplesPerProbe);
    });

    it('a bad budget policy names the nested field', async () => {
      await setConfig('defaultBudget', { vote: { n: 2, m: 5 } });
      const { settings, problems } = fromConfig();
      assert.deepEqual(settings.defaultBudget, {});
      assert.ok(problems.some((p) => p.includes('reasoningLens.defaultBudget.vote.m')), problems.join('\n'));
      await setConfig('defaultBudget', { maxThinkingTokens: 4096, vote: { n: 5, m: 3 } });
      assert.deepEqual(fromConfig().settings.defaultBudget, { maxThinkingTokens: 4096, vote: { n: 5, m: 3 } });
    });

    it('host accepts the forms the Ollama CLI accepts and rejects other schemes', async () => {
      await setConfig('host', 'localhost:1234');
      assert.equal(fromConfig().settings.host, 'http://localhost:1234');
      await setConfig('host', 'ftp://example.com');
      const r = fromConfig();
      assert.equal(r.settings.host, 'http://127.0.0.1:11434');
      assert.ok(r.problems.some((p) => p.startsWith('reasoningLens.host:')));
      // An OpenAI-compatible server keeps its prefix (the backend factory reads it); /v1 is implied.
      await setConfig('host', 'openai+http://127.0.0.1:8000/v1/');
      const o = fromConfig();
      assert.equal(o.settings.host, 'openai+http://127.0.0.1:8000');
      assert.deepEqual(o.problems.filter((p) => p.startsWith('reasoningLens.host:')), []);
    });

    it('markers must be non-empty strings', async () => {
      await setConfig('markers', ['Wait', '']);
      const r = fromConfig();
      assert.deepEqual(r.settings.markers, []);
      assert.ok(r.problems.some((p) => p.includes('reasoningLens.markers: item 1')));
      await setConfig('markers', ['Wait', 'Hmm']);
      assert.deepEqual(fromConfig().settings.markers, ['Wait', 'Hmm']);
    });
  });
}
