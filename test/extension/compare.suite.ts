/**
 * Compare Traces in a real VS Code, from its three entry points: files (two real traces of one
 * problem by two models), the dataset view (every trace of the row's problem in the file), and
 * a finished "Re-run with Other Budget" on the fake Ollama server (the original and the
 * re-run). Each test waits until the compare page says it drew the traces ('shown').
 * Objects come back through executeCommand: the extension's own instances.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'mocha';
import type { Trace } from '../../src/core/trace';
import type { CompareView } from '../../src/extension/compare/compareView';
import type { UnavailableComparison } from '../../src/extension/compare/compareRestore';
import type { DatasetView } from '../../src/extension/dataset/datasetView';
import type { LiveRun } from '../../src/extension/trace/liveRun';
import { readTracesAnyFormat } from '../../src/io/read-traces';
import { closeAllEditors, fakeServer, lensApi, setConfig, sharedData, waitFor, workspaceDir } from './helpers';
import { metrics } from './metrics';

const MODEL = 'deepseek-r1:7b';

function problem330(data: string, model: string, kind: string): string {
  return path.join(data, 'traces', 'thought-anchors.com', model, `${kind}_base_solution`, 'problem_330', 'base_solution.json');
}

const lastCompare = async () => (await vscode.commands.executeCommand('reasoningLens.compareTraces', { last: true })) as CompareView | undefined;

/** The newest compare view once it is not `before` (the entry points open it asynchronously). */
async function newCompare(before: CompareView | undefined, what: string, timeoutMs = 60_000): Promise<CompareView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await lastCompare();
    if (view && view !== before) return view;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function drawn(view: CompareView, traces: number): Promise<void> {
  await waitFor(`the compare page to draw ${traces} traces`, () => view.stats.shownTraces === traces, 45_000);
  assert.equal(view.hostStats.rejected, 0, 'every message from the page was valid');
  assert.equal(view.hostStats.pageErrors, 0, 'the page reported no error');
}

/** Problem 330 by two models (right and wrong each), in file order llama-right, qwen-wrong, llama-wrong. */
async function threeOf330(data: string): Promise<Trace[]> {
  const traces: Trace[] = [];
  for (const [model, kind] of [['deepseek-r1-distill-llama-8b', 'correct'], ['deepseek-r1-distill-qwen-14b', 'incorrect'], ['deepseek-r1-distill-llama-8b', 'incorrect']]) {
    traces.push((await readTracesAnyFormat(problem330(data, model, kind))).traces[0].trace);
  }
  return traces;
}

export function registerCompareSuite(): void {
  describe('Compare Traces', () => {
    let dir: string;
    before(() => {
      dir = path.join(workspaceDir(), 'ext-test-compare');
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
    });
    after(async () => {
      for (const key of ['host', 'model', 'samplesPerProbe', 'segmentationMode']) await setConfig(key, undefined);
      await closeAllEditors();
    });

    it('Compare Traces… is contributed (palette, Explorer) and registered', async () => {
      await lensApi();
      assert.ok((await vscode.commands.getCommands(true)).includes('reasoningLens.compareTraces'));
      const pkg = vscode.extensions.all.find((e) => e.packageJSON?.name === 'reasoning-lens')?.packageJSON;
      const command = (pkg.contributes.commands as { command: string; title: string }[]).find((c) => c.command === 'reasoningLens.compareTraces');
      assert.equal(command?.title, 'Compare Traces…');
      assert.ok((pkg.contributes.menus['explorer/context'] as { command: string }[]).some((m) => m.command === 'reasoningLens.compareTraces'));
    });

    it('Compare from files: two real traces of one problem by two models open side by side', async function () {
      const data = sharedData();
      if (!data) return this.skip();
      await lensApi();
      const right = problem330(data, 'deepseek-r1-distill-llama-8b', 'correct');
      const wrong = problem330(data, 'deepseek-r1-distill-qwen-14b', 'incorrect');
      const started = performance.now();
      const view = (await vscode.commands.executeCommand('reasoningLens.compareTraces', { files: [vscode.Uri.file(right), wrong] })) as CompareView;
      assert.ok(view, 'the command returns its view');
      await drawn(view, 2);
      metrics.compareFromFilesShownMs = performance.now() - started;
      assert.equal(view.panel.title, 'Compare: deepseek-r1-distill-llama-8b vs deepseek-r1-dis…', 'the two labels, shortened for the tab');
      assert.equal(view.comparison.sameProblem, true);
      const verdict = view.comparison.summary.find((r) => r.key === 'verdict')!;
      assert.deepEqual(verdict.cells.map((c) => c.text), ['correct', 'incorrect']);
      assert.equal(verdict.differs, true);
      assert.ok(view.comparison.divergence.index, 'the answers diverge');
      assert.equal(await lastCompare(), view, '{ last: true } returns the newest view');
      // The Explorer with both files selected passes the clicked Uri and the selection.
      const fromExplorer = (await vscode.commands.executeCommand('reasoningLens.compareTraces', vscode.Uri.file(wrong), [vscode.Uri.file(right), vscode.Uri.file(wrong)])) as CompareView;
      assert.ok(fromExplorer && fromExplorer !== view);
      await drawn(fromExplorer, 2);
      assert.deepEqual(fromExplorer.comparison.traces.map((t) => t.id), view.comparison.traces.map((t) => t.id));
      await closeAllEditors();
      await waitFor('the closed views to leave the list', () => view.isDisposed && fromExplorer.isDisposed);
    });

    it('Compare from the dataset view: every trace of the row\'s problem in the file', async function () {
      const data = sharedData();
      if (!data) return this.skip();
      await lensApi();
      // Our trace file: problem 330 by two models (right and wrong each), and one other problem.
      const traces: Trace[] = [];
      for (const [model, kind] of [['deepseek-r1-distill-llama-8b', 'correct'], ['deepseek-r1-distill-qwen-14b', 'correct'], ['deepseek-r1-distill-llama-8b', 'incorrect'], ['deepseek-r1-distill-qwen-14b', 'incorrect']]) {
        traces.push((await readTracesAnyFormat(problem330(data, model, kind))).traces[0].trace);
      }
      const other = path.join(data, 'traces', 'thought-anchors.com', 'deepseek-r1-distill-llama-8b', 'correct_base_solution', 'problem_1591', 'base_solution.json');
      traces.splice(1, 0, (await readTracesAnyFormat(other)).traces[0].trace);
      const file = path.join(dir, 'two-models.trace.jsonl');
      writeFileSync(file, traces.map((t) => JSON.stringify(t)).join('\n') + '\n');
      const dataset = (await vscode.commands.executeCommand('reasoningLens.showDataset', vscode.Uri.file(file))) as DatasetView;
      assert.ok(dataset);
      await waitFor('the dataset page to show the rows', () => dataset.stats.shownRows === 5, 45_000);
      // What the page's "Compare" action sends for the selected row (row 1: problem 330).
      const before = await lastCompare();
      await dataset.handle({ type: 'compare', index: 0, id: traces[0].id });
      const view = await newCompare(before, 'the compare view of problem 330');
      await drawn(view, 4);
      assert.deepEqual(view.comparison.traces.map((t) => t.id), [traces[0].id, traces[2].id, traces[3].id, traces[4].id], 'the four traces of problem 330, in file order');
      assert.deepEqual(view.items.map((i) => i.origin), ['two-models.trace.jsonl row 1', 'two-models.trace.jsonl row 3', 'two-models.trace.jsonl row 4', 'two-models.trace.jsonl row 5']);
      assert.equal(view.comparison.summary.find((r) => r.key === 'model')!.differs, true);
      // A row whose problem no other row has: a notice, no new view.
      await dataset.handle({ type: 'compare', index: 1, id: traces[1].id });
      assert.equal(await lastCompare(), view, 'nothing new opened');
      await closeAllEditors();
    });

    it('Compare after Re-run with Other Budget: the original and the re-run, when the re-run ends', async function () {
      const FAST = fakeServer('REASONING_LENS_TEST_OLLAMA');
      if (!FAST) return this.skip();
      const { lens } = await lensApi();
      await setConfig('host', FAST);
      await setConfig('model', MODEL);
      await setConfig('samplesPerProbe', 0);
      await setConfig('segmentationMode', 'mrt');
      const known = new Set(lens.runs.keys());
      void vscode.commands.executeCommand('reasoningLens.solve', { problem: 'What is 17 + 25?', gold: '42', samples: 0 });
      const first = await waitFor('the first run', () => [...lens.runs.values()].find((r) => !known.has(r.id)));
      const original = await first.settled;
      const session = await waitFor('its session', () => [...lens.sessions].find((s) => s.run === first));
      const before = await lastCompare();
      const seen = new Set(lens.runs.keys());
      await lens.rerun(session, { budget: { maxThinkingTokens: 40 }, probe: false });
      const rerun: LiveRun = await waitFor('the re-run', () => [...lens.runs.values()].find((r) => !seen.has(r.id)));
      const rerunTrace = await rerun.settled;
      const compared = await newCompare(before, 'the compare view after the re-run');
      await drawn(compared, 2);
      assert.deepEqual(compared.comparison.traces.map((t) => t.label), ['original', 're-run']);
      assert.deepEqual(compared.comparison.traces.map((t) => t.id), [original.id, rerunTrace.id]);
      assert.equal(compared.stats.shownAlignment, 'tokens', 'a budget comparison starts aligned by tokens');
      const budget = compared.comparison.summary.find((r) => r.key === 'budget')!;
      assert.equal(budget.cells[1].text, 'max 40 thinking tokens');
      assert.equal(budget.differs, true);
      assert.ok(compared.comparison.summary.find((r) => r.key === 'thinkingTokens')!.differs, 'the capped re-run thought less');
      await closeAllEditors();
    });

    it('Compare With… (the trace picker\'s entry): the trace view\'s trace against another of its file, or of another file', async function () {
      const data = sharedData();
      if (!data) return this.skip();
      const { lens } = await lensApi();
      const pkg = vscode.extensions.all.find((e) => e.packageJSON?.name === 'reasoning-lens')?.packageJSON;
      assert.ok((pkg.contributes.menus['editor/title'] as { command: string; when: string }[]).some((m) => m.command === 'reasoningLens.compareWith' && /reasoningLens\.traceEditor/.test(m.when) && /reasoningLens\.trace\b/.test(m.when)), 'a title-bar button on the trace editor and the trace panel');
      const traces = await threeOf330(data);
      const file = path.join(dir, 'picker.trace.jsonl');
      writeFileSync(file, traces.map((t) => JSON.stringify(t)).join('\n') + '\n');
      await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), 'reasoningLens.traceEditor');
      const session = await waitFor('the trace editor of the file', () => [...lens.sessions].find((s) => s.file?.fsPath === file && s.view.isReady), 45_000);
      // What choosing the second entry in the view's trace picker does.
      session.select(1);
      assert.equal(lens.activeSession(), session);
      const view = (await vscode.commands.executeCommand('reasoningLens.compareWith', { id: traces[2].id })) as CompareView;
      assert.ok(view, 'the command returns its view');
      await drawn(view, 2);
      assert.deepEqual(view.comparison.traces.map((t) => t.id), [traces[1].id, traces[2].id], 'the shown (picked) trace first, then the chosen one');
      assert.deepEqual(view.items.map((i) => [i.origin, i.position]), [['ext-test-compare/picker.trace.jsonl:2', 1], ['ext-test-compare/picker.trace.jsonl:3', 2]]);
      // Another file's trace: the Explorer-free way in (the QuickPick's "another file" choice leads here).
      const other = problem330(data, 'deepseek-r1-distill-qwen-14b', 'correct');
      const otherId = (await readTracesAnyFormat(other)).traces[0].trace.id;
      const withOther = (await vscode.commands.executeCommand('reasoningLens.compareWith', { file: other, id: otherId })) as CompareView;
      await drawn(withOther, 2);
      assert.deepEqual(withOther.comparison.traces.map((t) => t.id), [traces[1].id, otherId]);
      await closeAllEditors();
    });

    it('a compare panel comes back after a window reload (serializer): read again from its files; a vanished file is said, not an empty view', async function () {
      const data = sharedData();
      if (!data) return this.skip();
      const { lens } = await lensApi();
      const { restoreCompareView } = await import('../../src/extension/compare/compareRestore.js');
      const { compareSources } = await import('../../src/extension/compare/compareView.js');
      const pkg = vscode.extensions.all.find((e) => e.packageJSON?.name === 'reasoning-lens')?.packageJSON;
      assert.ok((pkg.activationEvents as string[]).includes('onWebviewPanel:reasoningLens.compare'), 'VS Code activates the extension to restore the panel');
      const traces = await threeOf330(data);
      const file = path.join(dir, 'restore.trace.jsonl');
      writeFileSync(file, traces.map((t) => JSON.stringify(t)).join('\n') + '\n');
      const view = (await vscode.commands.executeCommand('reasoningLens.compareTraces', { files: [file], ids: traces.map((t) => t.id) })) as CompareView;
      await drawn(view, 3);
      // The state the page saves (webview/compare/app.ts; the browser test checks it saves exactly these).
      const state = { version: 1, alignment: 'tokens', sources: compareSources(view.items) };
      assert.deepEqual(state.sources.map((x) => [x.file, x.position, x.id]), traces.map((t, i) => [vscode.Uri.file(file).toString(), i, t.id]));
      assert.ok(state.sources.every((x) => x.trace === undefined), 'traces read from a file are not copied into the state');
      const title = view.panel.title;
      await closeAllEditors();

      const panel = vscode.window.createWebviewPanel('reasoningLens.compare', title, vscode.ViewColumn.Active, {});
      const restored = (await restoreCompareView(lens, panel, JSON.parse(JSON.stringify(state)))) as CompareView;
      await drawn(restored, 3);
      assert.deepEqual(restored.comparison.traces.map((t) => t.id), traces.map((t) => t.id));
      assert.equal(restored.stats.shownAlignment, 'tokens', 'the saved alignment');
      assert.equal(restored.panel.title, title);
      await closeAllEditors();

      // One trace's file vanished: the other two are compared and the missing one is named.
      const second = path.join(dir, 'restore-second.trace.jsonl');
      writeFileSync(second, JSON.stringify(traces[1]) + '\n');
      const mixed = { ...state, sources: [state.sources[0], { ...state.sources[1], file: vscode.Uri.file(second).toString(), position: 0 }, state.sources[2]] };
      rmSync(second);
      const partly = (await restoreCompareView(lens, vscode.window.createWebviewPanel('reasoningLens.compare', 'partly', vscode.ViewColumn.Active, {}), mixed)) as CompareView;
      await drawn(partly, 2);
      assert.deepEqual(partly.comparison.traces.map((t) => t.id), [traces[0].id, traces[2].id]);
      await closeAllEditors();

      // The whole file vanished: the panel says so, trace by trace.
      renameSync(file, `${file}.moved`);
      try {
        const gone = (await restoreCompareView(lens, vscode.window.createWebviewPanel('reasoningLens.compare', 'gone', vscode.ViewColumn.Active, {}), state)) as UnavailableComparison;
        assert.ok(!('comparison' in gone), 'nothing to compare');
        await waitFor('the page to show why the comparison is not restored', () => gone.stats.shown, 45_000);
        assert.match(gone.message, /cannot be restored: none of its traces could be read again/);
        assert.equal(gone.missing.length, 3);
        assert.match(gone.missing[0], /restore\.trace\.jsonl is gone \(moved or deleted\)/);
        assert.equal(gone.hostStats.pageErrors, 0);
        assert.equal(gone.hostStats.rejected, 0);
        // A state saved before restoring existed (no sources) is said too, not dropped silently.
        const old = (await restoreCompareView(lens, vscode.window.createWebviewPanel('reasoningLens.compare', 'old', vscode.ViewColumn.Active, {}), { version: 1, alignment: 'index' })) as UnavailableComparison;
        await waitFor('the page to show why the old state cannot be restored', () => old.stats.shown, 45_000);
        assert.match(old.message, /does not say where its traces came from/);
      } finally {
        renameSync(`${file}.moved`, file);
      }
      await closeAllEditors();
    });
  });
}
