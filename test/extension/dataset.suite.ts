/**
 * The dataset view and "Annotate Dataset…" (the resumable dataset job) in a real VS Code:
 * commands are registered (and the old duplicate is gone), a job against the fake Ollama writes `<name>.annotated.trace.jsonl` beside the
 * input and opens the dataset view, a second run resumes, a finished output file (made from
 * real traces) reopens in the same view, and a row opens its trace in a trace panel.
 * Objects come back through executeCommand's return value: the extension's own instances.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'mocha';
import { validateTrace } from '../../src/core/schema';
import type { DatasetView } from '../../src/extension/dataset/datasetView';
import type { DatasetJobResult } from '../../src/runs/dataset/job';
import { closeAllEditors, fakeServer, lensApi, setConfig, sharedData, waitFor, workspaceDir } from './helpers';
import { metrics } from './metrics';

const MODEL = 'deepseek-r1:7b';

async function showDataset(file: string): Promise<DatasetView> {
  const view = (await vscode.commands.executeCommand('reasoningLens.showDataset', vscode.Uri.file(file))) as DatasetView | undefined;
  assert.ok(view, 'Show Dataset Report returns its view');
  return view;
}

export function registerDatasetSuite(): void {
  describe('dataset view and the resumable dataset job', () => {
    let dir: string;
    let amcOutput = '';
    before(() => {
      dir = path.join(workspaceDir(), 'ext-test-dataset-job');
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
    });
    after(async () => {
      await setConfig('host', undefined);
      await closeAllEditors();
    });

    it('registers one Annotate Dataset… and Show Dataset Report', async () => {
      await lensApi();
      const all = new Set(await vscode.commands.getCommands(true));
      assert.ok(all.has('reasoningLens.annotateDataset'));
      assert.ok(all.has('reasoningLens.showDataset'));
      assert.equal(all.has('reasoningLens.runDatasetJob'), false, 'the duplicate job command is gone');
      const contributed = (vscode.extensions.all.find((e) => e.packageJSON?.name === 'reasoning-lens')?.packageJSON.contributes.commands ?? []) as { command: string; title: string }[];
      assert.deepEqual(contributed.filter((c) => /dataset/i.test(c.command)).map((c) => c.title), ['Annotate Dataset…', 'Show Dataset Report']);
    });

    it('a bad request argument is refused (no prompt, no crash) and nothing is written', async () => {
      await lensApi();
      const input = path.join(dir, 'bad-request.jsonl');
      writeFileSync(input, JSON.stringify({ problem: 'What is 17 + 25?', answer: '42' }) + '\n');
      const result = await vscode.commands.executeCommand('reasoningLens.annotateDataset', { input, samples: -1 });
      assert.equal(result, undefined);
      assert.equal(existsSync(path.join(dir, 'bad-request.annotated.trace.jsonl')), false);
    });

    it('from the Explorer (a Uri) it asks only the rest: existing traces → the samples pick, on the setting (4) → a model; the traces get progress', async function () {
      const FAST = fakeServer('REASONING_LENS_TEST_OLLAMA');
      if (!FAST) return this.skip();
      await lensApi();
      await setConfig('host', FAST);
      await setConfig('samplesPerProbe', undefined); // the default, 4
      const input = path.join(dir, 'explorer-outputs.jsonl');
      const output = path.join(dir, 'explorer-outputs.annotated.trace.jsonl');
      const think = '<think>17 + 25: 17 + 20 = 37, then 37 + 5 = 42. Wait, let me verify: 42 - 25 = 17. Yes.</think>The answer is \\boxed{42}.';
      writeFileSync(input, [{ problem: 'What is 17 + 25?', answer: '42', output: think }, { problem: 'What is 25 + 17?', answer: '42', output: think }].map((r) => JSON.stringify(r)).join('\n') + '\n');
      let result: DatasetJobResult | undefined;
      let settled = false;
      void Promise.resolve(vscode.commands.executeCommand('reasoningLens.annotateDataset', vscode.Uri.file(input))).then((r) => {
        result = r as DatasetJobResult | undefined;
        settled = true;
      });
      // Enter on each question: the samples pick must start on the setting (4 samples, so a model
      // is asked next: the server's first), not on "0 samples".
      await waitFor('the command to end after its questions', () => {
        if (!settled) void vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        return settled;
      }, 60_000);
      assert.ok(result, 'the command ran the job');
      assert.equal(result.kind, 'traces');
      assert.equal(result.status, 'done', result.message);
      assert.equal(result.written, 2);
      const lines = readFileSync(output, 'utf8').trim().split('\n');
      assert.equal(lines.length, 2);
      for (const line of lines) {
        const checked = validateTrace(JSON.parse(line));
        assert.ok(checked.ok);
        assert.ok(checked.trace.episodes.every((e) => e.progress), 'Enter took the 4 samples of the setting: every episode was probed');
      }
      await closeAllEditors();
    });

    it('a job solves a problem set on the fake server, writes beside the input, opens the dataset view; a rerun resumes', async function () {
      const FAST = fakeServer('REASONING_LENS_TEST_OLLAMA');
      if (!FAST) return this.skip();
      const { lens } = await lensApi();
      await setConfig('host', FAST);
      const input = path.join(dir, 'three-problems.jsonl');
      writeFileSync(
        input,
        [
          { problem: 'What is 17 + 25?', answer: '42' },
          { problem: 'Simplify 2/4.', answer: '\\frac{1}{2}' },
          { problem: 'Count the primes below 60.', answer: '17' },
        ].map((r) => JSON.stringify(r)).join('\n') + '\n',
      );
      const started = performance.now();
      const result = (await vscode.commands.executeCommand('reasoningLens.annotateDataset', { input, models: [MODEL], samples: 0, budget: {} })) as DatasetJobResult;
      metrics.datasetJobMs = performance.now() - started;
      assert.ok(result, 'the command returns the job result');
      assert.equal(result.status, 'done', result.message);
      assert.equal(result.written, 3);
      const output = path.join(dir, 'three-problems.annotated.trace.jsonl');
      assert.ok(existsSync(output), 'written beside the input (inside the workspace)');
      assert.ok(existsSync(`${output}.job.json`), 'with its job sidecar, so it can be resumed');
      const lines = readFileSync(output, 'utf8').trim().split('\n');
      assert.equal(lines.length, 3);
      for (const line of lines) assert.ok(validateTrace(JSON.parse(line)).ok);

      const shownAt = performance.now();
      const view = await showDataset(output);
      assert.equal(view.traceCount, 3);
      await waitFor('the dataset page to render the 3 rows', () => view.stats.shownRows === 3, 30_000);
      metrics.datasetJobViewShownMs = performance.now() - shownAt;
      metrics.datasetJobViewReadies = view.hostStats.readies;
      metrics.datasetJobViewLateReadies = view.hostStats.lateReadies;
      assert.equal(view.panel.title, 'Dataset: three-problems.annotated');
      assert.equal(view.hostStats.rejected, 0);
      assert.ok(lens.log, 'log channel present');

      const again = (await vscode.commands.executeCommand('reasoningLens.annotateDataset', { input, models: [MODEL], samples: 0, budget: {}, ifExists: 'resume', open: false })) as DatasetJobResult;
      assert.equal(again.status, 'done');
      assert.equal(again.written, 0, 'nothing redone');
      assert.equal(again.alreadyDone, 3);
      assert.equal(readFileSync(output, 'utf8').trim().split('\n').length, 3);
      await closeAllEditors();
    });

    it('existing traces with a model picked: their progress is probed into a new file, the input is left as it was', async function () {
      const FAST = fakeServer('REASONING_LENS_TEST_OLLAMA');
      if (!FAST) return this.skip();
      await lensApi();
      await setConfig('host', FAST);
      // The finished output of the test above: a trace file, re-annotated with probes.
      const input = path.join(dir, 'three-problems.annotated.trace.jsonl');
      assert.ok(existsSync(input), `${input} was written by the test before`);
      const before = readFileSync(input, 'utf8');
      const result = (await vscode.commands.executeCommand('reasoningLens.annotateDataset', { input, models: [MODEL], samples: 2, open: false, ifExists: 'overwrite' })) as DatasetJobResult;
      assert.ok(result, 'the command returns the job result');
      assert.equal(result.status, 'done', result.message);
      assert.equal(result.kind, 'traces');
      assert.equal(result.written, 3);
      assert.equal(readFileSync(input, 'utf8'), before, 'the input is not written to');
      const output = path.join(dir, 'three-problems.reannotated.trace.jsonl');
      const traces = readFileSync(output, 'utf8').trim().split('\n').map((l) => validateTrace(JSON.parse(l)));
      assert.equal(traces.length, 3);
      for (const t of traces) {
        assert.ok(t.ok, t.ok ? '' : JSON.stringify(t.errors));
        assert.ok(t.trace.episodes.some((e) => e.progress !== undefined && e.progress.samples === 2), `${t.trace.id}: progress probed with 2 samples`);
      }
    });

    it('a finished output of real traces reopens in the dataset view; a row opens its trace', async function () {
      const data = sharedData();
      if (!data) return this.skip();
      const { lens } = await lensApi();
      // Read in place; outside the workspace, so the output goes to the trace folder, never beside shared data.
      const input = path.join(data, 'traces/skythought/Sky-T1-math-correct-5K-14B__amc23.jsonl');
      // Offline (no probes, no model): the job annotates the 40 real traces.
      const result = (await vscode.commands.executeCommand('reasoningLens.annotateDataset', { input, samples: 0, open: false, ifExists: 'overwrite' })) as DatasetJobResult;
      assert.equal(result.status, 'done');
      assert.equal(result.written, 40);
      const output = path.join(lens.store.folder().fsPath, 'Sky-T1-math-correct-5K-14B__amc23.annotated.trace.jsonl');
      assert.ok(existsSync(output), output);
      assert.equal(existsSync(path.join(data, 'traces/skythought/Sky-T1-math-correct-5K-14B__amc23.annotated.trace.jsonl')), false);
      amcOutput = output;

      const opened = performance.now();
      const view = await showDataset(output);
      await waitFor('the dataset page to render the 40 rows', () => view.stats.shownRows === 40, 30_000);
      metrics.datasetViewOpenMs = performance.now() - opened;
      assert.equal(view.traceCount, 40);
      assert.equal(view.hostStats.pageErrors, 0, 'the page reported no errors');
      assert.equal(await showDataset(output), view, 'the same file reuses its view');

      const traces = readFileSync(output, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; problem: string });
      const before = lens.sessions.size;
      const session = view.openTrace(7, traces[7].id);
      assert.ok(session, 'a trace panel opened');
      assert.equal(lens.sessions.size, before + 1);
      assert.equal(session.trace().id, traces[7].id);
      assert.equal(session.list()?.selected, 7, 'the file is shown with its picker on that trace');
      const next = view.openTrace(8, traces[8].id);
      assert.equal(next, session, 'the next row reuses the same trace panel');
      assert.equal(session.trace().id, traces[8].id);
      assert.equal(view.openTrace(9, 'not-the-id'), undefined, 'a row that no longer matches the file opens nothing');
      await closeAllEditors();
    });

    it('Show Dataset Report on raw model outputs (what Open as Trace reads) shows them annotated offline, the first page before the whole file is read', async () => {
      await lensApi();
      const input = path.join(dir, 'raw-outputs.jsonl');
      const think = '<think>17 + 25: 17 + 20 = 37, then 37 + 5 = 42. Wait, let me verify: 42 - 25 = 17. Yes.</think>The answer is \\boxed{42}.';
      const count = 450;
      writeFileSync(input, Array.from({ length: count }, (_, i) => JSON.stringify({ id: `raw-${i}`, problem: `What is 17 + 25? (#${i})`, answer: '42', output: think })).join('\n') + '\n');
      const view = await showDataset(input);
      assert.equal(view.traceCount, count, 'every raw record is a trace (before: "0 traces")');
      await waitFor(`the dataset page to render the ${count} rows`, () => view.stats.shownRows === count, 30_000);
      assert.equal(view.stats.firstPages, 1, 'a first page of rows was built (and sent to a ready page) before the file was read to its end');
      assert.equal(view.hostStats.pageErrors, 0);
      await closeAllEditors();
    });

    it('an annotated .trace.jsonl of 2,500 traces: the first page before the file is read, the rows in pages (none with the whole table), every row in the end', async () => {
      await lensApi();
      const { annotateTrace } = await import('../../src/core/annotate.js');
      const { DATASET_PAGE_ROWS } = await import('../../src/shared/dataset-protocol.js');
      const file = path.join(dir, 'paged.trace.jsonl');
      const count = 2500;
      const think = '<think>17 + 25: 17 + 20 = 37, then 37 + 5 = 42.\n\nWait, let me verify: 42 - 25 = 17. Yes.</think>The answer is \\boxed{42}.';
      writeFileSync(file, Array.from({ length: count }, (_, i) => JSON.stringify(annotateTrace({ id: `paged-${i}`, problem: `What is 17 + 25? (#${i})`, gold: '42', source: { kind: 'test' }, raw: think }))).join('\n') + '\n');
      const view = await showDataset(file);
      await waitFor(`the dataset page to render the ${count} rows`, () => view.stats.shownRows === count, 60_000);
      assert.equal(view.traceCount, count);
      assert.equal(view.stats.firstPages, 1, 'a first page was shown before the file was read to its end');
      assert.ok(view.pageStats.largestPage <= DATASET_PAGE_ROWS, `at most ${DATASET_PAGE_ROWS} rows in one message (${view.pageStats.largestPage})`);
      assert.ok(view.pageStats.messages >= Math.ceil(count / DATASET_PAGE_ROWS), `the rows went in pages (${view.pageStats.messages} messages)`);
      assert.equal(view.hostStats.pageErrors, 0);
      const session = view.openTrace(count - 1, `paged-${count - 1}`);
      assert.equal(session?.trace().id, `paged-${count - 1}`, 'the last row opens its trace');
      await closeAllEditors();
    });

    it('the serializer restores a dataset panel from its saved file; a state without a file closes it', async function () {
      const output = amcOutput;
      if (!sharedData()) return this.skip();
      assert.ok(output && existsSync(output), 'the real-trace output of the test before exists');
      const { lens } = await lensApi();
      const { DatasetView } = await import('../../src/extension/dataset/datasetView.js');
      const panel = vscode.window.createWebviewPanel('reasoningLens.dataset', 'restored', vscode.ViewColumn.Active, {});
      const restored = DatasetView.show(lens, vscode.Uri.file(output), panel);
      await restored.firstLoad;
      assert.equal(restored.traceCount, 40);
      restored.dispose();
      const bad = vscode.window.createWebviewPanel('reasoningLens.dataset', 'bad', vscode.ViewColumn.Active, {});
      let disposed = false;
      bad.onDidDispose(() => (disposed = true));
      DatasetView.restore(lens, bad, { version: 1, sort: { key: 'index', dir: 'asc' } });
      assert.equal(disposed, true);
      await closeAllEditors();
    });
  });
}
