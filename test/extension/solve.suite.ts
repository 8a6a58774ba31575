/**
 * Live runs against the fake Ollama server started by test/e2e (URLs in the environment of
 * the VS Code server process, which the extension host inherits):
 * REASONING_LENS_TEST_OLLAMA (no delay) and REASONING_LENS_TEST_OLLAMA_SLOW (per-token delay).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { existsSync, mkdirSync, readdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'mocha';
import { validateTrace } from '../../src/core/schema';
import type { Lens } from '../../src/extension/trace/lens';
import type { LiveRun } from '../../src/extension/trace/liveRun';
import type { DatasetView } from '../../src/extension/dataset/datasetView';
import type { DatasetJobResult } from '../../src/runs/dataset/job';
import type { DatasetReport } from '../../src/core/report';
import { CHANGE_PROBLEM_TEXT } from '../fake-ollama/self-check-problem';
import { closeAllEditors, fakeServer, lensApi, setConfig, waitFor, workspaceDir } from './helpers';
import { metrics } from './metrics';

let FAST: string | undefined;
let SLOW: string | undefined;
const MODEL = 'deepseek-r1:7b';

async function newRun(lens: Lens, start: () => Thenable<unknown>): Promise<LiveRun> {
  const known = new Set(lens.runs.keys());
  void start();
  return waitFor('the run to start', () => [...lens.runs.values()].find((r) => !known.has(r.id)));
}

function savedTrace(run: LiveRun) {
  assert.ok(run.savedTo, 'the trace was saved');
  assert.ok(existsSync(run.savedTo), `${run.savedTo} exists`);
  const checked = validateTrace(JSON.parse(readFileSync(run.savedTo, 'utf8')));
  assert.ok(checked.ok, checked.ok ? '' : JSON.stringify(checked.errors));
  return checked.trace;
}

export function registerSolveSuite(): void {
  describe('solving against the fake Ollama server', function () {
    let lens: Lens;
    before(async function () {
      FAST = fakeServer('REASONING_LENS_TEST_OLLAMA');
      SLOW = fakeServer('REASONING_LENS_TEST_OLLAMA_SLOW');
      if (!FAST || !SLOW) return this.skip();
      lens = (await lensApi()).lens;
      await setConfig('host', FAST);
      await setConfig('model', MODEL);
      await setConfig('samplesPerProbe', 2);
      // The scripted episodes are short paragraphs: MRT's rule splits them as written.
      await setConfig('segmentationMode', 'mrt');
    });
    after(async () => {
      for (const key of ['host', 'model', 'samplesPerProbe', 'segmentationMode']) await setConfig(key, undefined);
      await closeAllEditors();
    });

    it('Check Ollama Connection reaches the server and updates the status bar', async () => {
      const { checkConnectionCommand } = await import('../../src/extension/commands/models.js');
      // The bundled command module works on the extension's own Lens instance.
      assert.equal(await checkConnectionCommand(lens, { quiet: true }), true);
      assert.match(lens.statusBar.text, /deepseek-r1:7b/);
    });

    it('Solve Problem streams into a panel, probes progress, and saves a valid trace (whole the moment it appears)', async () => {
      // A watcher of the traces folder reads every trace file the moment it appears or changes: a
      // save written in place (not via a temporary name and a rename) can be read half-written.
      const folder = path.join(workspaceDir(), '.reasoning-lens');
      mkdirSync(folder, { recursive: true });
      const partial: string[] = [];
      const watcher = watch(folder, (_event, name) => {
        if (!name || !String(name).endsWith('.trace.json')) return;
        try {
          JSON.parse(readFileSync(path.join(folder, String(name)), 'utf8'));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') partial.push(`${String(name)}: ${(err as Error).message}`);
        }
      });
      const run = await newRun(lens, () => vscode.commands.executeCommand('reasoningLens.solve', { problem: 'What is 17 + 25?', gold: '42' }));
      let rawEvents = 0;
      run.subscribe(() => rawEvents++);
      const trace = await run.settled;
      await new Promise((resolve) => setTimeout(resolve, 200)); // the watcher's last events
      watcher.close();
      assert.deepEqual(partial, [], 'no trace file was ever seen half-written');
      assert.deepEqual(readdirSync(folder).filter((f) => f.endsWith('.tmp')), [], 'no temporary file is left');
      assert.ok(validateTrace(trace).ok);
      assert.equal(trace.final.answer, '42');
      assert.equal(trace.final.correct, true);
      assert.ok(trace.episodes.length >= 3, `episodes: ${trace.episodes.length}`);
      assert.ok(trace.episodes.some((e) => e.progress && e.progress.samples > 0), 'live probes ran');
      assert.deepEqual(savedTrace(run).id, trace.id);
      const session = [...lens.sessions].find((s) => s.run === run);
      assert.ok(session, 'the run has a panel');
      // This fast run usually ends before the webview has loaded; batching is tested on a slow run below.
      metrics.solveRawEvents = rawEvents;
    });

    it('a palette solve of a selection with an Answer: line takes it as gold, shows verdicts live, and self-check outcomes reach the cards and the report', async function () {
      // A slow stream that restates the problem for ~40 s before the first answer, then the report.
      this.timeout(240_000);
      await setConfig('host', SLOW);
      // The problem as a user has it in a file: the answer on a line after it.
      // A saved file, not an untitled buffer: closing it later asks nothing.
      const problemFile = path.join(workspaceDir(), 'ext-test-change-problem.md');
      writeFileSync(problemFile, `${CHANGE_PROBLEM_TEXT}\n\nAnswer: 8\n`);
      const doc = await vscode.workspace.openTextDocument(problemFile);
      const editor = await vscode.window.showTextDocument(doc);
      editor.selection = new vscode.Selection(0, 0, doc.lineCount, 0);
      const known = new Set(lens.runs.keys());
      let ended = false;
      void Promise.resolve(vscode.commands.executeCommand('reasoningLens.solve', { samples: 0 })).then(() => (ended = true));
      // Its one question here is the gold answer, pre-filled with the 8 found next to the problem: accept it.
      const run = await waitFor('the run to start after the gold question', () => {
        const started = [...lens.runs.values()].find((r) => !known.has(r.id));
        if (!started && !ended) void vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        return started;
      }, 30_000);
      assert.equal(run.options.gold, '8', 'the Answer: line is the gold');
      assert.equal(run.options.problem, CHANGE_PROBLEM_TEXT, 'the answer line is left out of the prompt');
      const runStarted = performance.now();
      const session = await waitFor('the panel', () => [...lens.sessions].find((s) => s.run === run));
      // The page shows the run while the model is still restating the problem (no answer yet)…
      await waitFor('the page to show the live run', () => session.view.shown?.id === run.id && session.view.shown.live, 30_000);
      metrics.selfCheckRunMsToShown = performance.now() - runStarted;
      assert.ok(run.trace().episodes.every((e) => e.verdict === 'none'), `no verdict before the page showed the run (shown after ${metrics.selfCheckRunMsToShown.toFixed(0)} ms)`);
      const eventsAtShown = session.view.stats.events;
      // …then the slip (6) is judged incorrect and the fix (8) correct while it still streams, and those episodes go to the page.
      await waitFor('both verdicts while the run is live', () => {
        const verdicts = run.trace().episodes.map((e) => e.verdict);
        return (verdicts.includes('incorrect') && verdicts.includes('correct')) || !run.live;
      }, 60_000);
      assert.equal(run.live, true, 'the verdicts came before the run ended');
      metrics.selfCheckRunMsToVerdicts = performance.now() - runStarted;
      await waitFor('the verdict episodes to be sent to the live page', () => session.view.stats.events > eventsAtShown, 10_000);
      assert.ok(session.view.isReady && session.view.shown?.id === run.id, 'the page still shows the run');
      metrics.liveVerdictEventsSentAfterShown = session.view.stats.events - eventsAtShown;
      const trace = await run.settled;
      assert.equal(trace.gold, '8');
      assert.equal(trace.final.correct, true);
      // The cards render check/standingAnswer (webview/trace/ui/episode-check.ts); the trace they get carries them.
      const checks = trace.episodes.filter((e) => e.labels.includes('verification')).map((e) => [e.check, e.standingAnswer, e.answer]);
      assert.deepEqual(checks, [['changed', '6', '8'], ['confirmed', '8', '8'], ['no-answer', '8', undefined]]);
      assert.deepEqual(session.trace().episodes.map((e) => e.check), trace.episodes.map((e) => e.check), 'the panel holds the same outcomes');
      const saved = savedTrace(run);
      assert.deepEqual(saved.episodes.map((e) => e.check), trace.episodes.map((e) => e.check));
      // The dataset report of that trace: one fix of a wrong answer, one confirmation of a right one, against gold.
      const file = path.join(workspaceDir(), 'ext-test-self-check.trace.jsonl');
      writeFileSync(file, JSON.stringify(saved) + '\n');
      const view = (await vscode.commands.executeCommand('reasoningLens.showDataset', vscode.Uri.file(file))) as DatasetView | undefined;
      assert.ok(view, 'the dataset view is open');
      await waitFor('the report to be sent to the page', () => view.stats.loads >= 1, 30_000);
      const sent = (view as unknown as { payload?: { report: DatasetReport } }).payload;
      assert.ok(sent, 'the payload the page got');
      const selfChecks = sent.report.overall.selfChecks;
      assert.deepEqual([selfChecks.checks, selfChecks.confirmed, selfChecks.changed, selfChecks.noAnswer], [3, 1, 1, 1]);
      assert.deepEqual([selfChecks.effects['fixed-wrong'], selfChecks.effects['confirmed-right'], selfChecks.effects['broke-right']], [1, 1, 0]);
      assert.match(selfChecks.text.effects, /of 2 re-checks against the gold answer: 1 confirmed a right answer .*, 1 fixed a wrong one/);
      await setConfig('host', FAST);
      await closeAllEditors();
    });

    it('batches a streamed run into far fewer webview messages than run events', async () => {
      await setConfig('host', SLOW);
      const run = await newRun(lens, () => vscode.commands.executeCommand('reasoningLens.solve', { problem: 'Count the primes below 60.', gold: '17', samples: 0 }));
      let rawEvents = 0;
      let eventsWhileReady = 0;
      const session = await waitFor('the panel', () => [...lens.sessions].find((s) => s.run === run));
      run.subscribe(() => {
        rawEvents++;
        if (session.view.isReady) eventsWhileReady++;
      });
      await run.settled;
      metrics.streamRawEvents = rawEvents;
      metrics.streamEventsWhileViewReady = eventsWhileReady;
      metrics.streamEventMessages = session.view.stats.eventMessages;
      metrics.streamEventsSent = session.view.stats.events;
      assert.ok(session.view.stats.loads >= 1, 'the view loaded the run');
      assert.ok(eventsWhileReady > 20, `the view was ready while ${eventsWhileReady} events streamed`);
      assert.ok(session.view.stats.eventMessages > 0);
      assert.equal(session.view.hostStats.rejected, 0, 'every message from the page was valid');
      assert.ok(session.view.stats.eventMessages < eventsWhileReady / 2, `${session.view.stats.eventMessages} messages for ${eventsWhileReady} events`);
      await setConfig('host', FAST);
    });

    it('a hidden panel gets nothing posted and shows the run again each time it is revealed', async () => {
      await setConfig('host', SLOW);
      const run = await newRun(lens, () => vscode.commands.executeCommand('reasoningLens.solve', { problem: 'Count the primes below 60.', gold: '17', samples: 0 }));
      const session = await waitFor('the panel', () => [...lens.sessions].find((s) => s.run === run));
      // The real condition: the page says it rendered this run (not just that it started).
      await waitFor('the page to show the live run', () => session.view.shown?.id === run.id && run.tokens > 10, 30_000);
      // Several rounds: hiding and revealing must work every time, mid-run and after it ended.
      let slowestRevealMs = 0;
      for (let round = 1; round <= 3; round++) {
        const doc = await vscode.workspace.openTextDocument({ content: `something else in front of the panel (${round})` });
        await vscode.window.showTextDocument(doc, { viewColumn: session.view.panel.viewColumn, preview: false });
        await waitFor(`the panel to be hidden (round ${round})`, () => !session.view.panel.visible);
        const messagesWhileHidden = session.view.hostStats.messages;
        const shownBefore = session.view.stats.shown;
        const tokensAtHide = run.tokens;
        await waitFor(`the run to go on while hidden (round ${round})`, () => run.tokens > tokensAtHide + 30 || !run.live, 30_000);
        assert.equal(session.view.hostStats.messages, messagesWhileHidden, `round ${round}: nothing is posted to a hidden webview`);
        const revealed = performance.now();
        session.view.panel.reveal(session.view.panel.viewColumn, false);
        await waitFor(`the revealed page to show the run again (round ${round})`, () => session.view.stats.shown > shownBefore && session.view.shown?.id === run.id, 30_000);
        slowestRevealMs = Math.max(slowestRevealMs, performance.now() - revealed);
        assert.ok(session.view.isReady, `round ${round}: the page is ready`);
        assert.ok(session.view.shown!.episodes >= 1, `round ${round}: the snapshot has the episodes so far`);
      }
      metrics.hiddenPanelSlowestRevealToShownMs = slowestRevealMs;
      metrics.hiddenPanelReadies = session.view.hostStats.readies;
      metrics.hiddenPanelUndelivered = session.view.hostStats.undelivered;
      metrics.hiddenPanelLateReadies = session.view.hostStats.lateReadies;
      const trace = await run.settled;
      assert.equal(trace.final.answer, '17');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await setConfig('host', FAST);
    });

    it('a re-run refused for its options leaves the panel showing its trace and saves nothing', async () => {
      const run = await newRun(lens, () => vscode.commands.executeCommand('reasoningLens.solve', { problem: 'What is 17 + 25?', gold: '42', samples: 0 }));
      await run.settled;
      const session = await waitFor('the session', () => [...lens.sessions].find((s) => s.run === run));
      await waitFor('the page to show the finished run', () => session.view.shown?.id === run.id && !session.view.shown.live, 30_000);
      const folder = lens.store.folder().fsPath;
      const saved = () => (existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.trace.json')).length : 0);
      const savedBefore = saved();
      const runsBefore = lens.runs.size;
      const shownBefore = session.view.stats.shown;
      // The form cannot send this (same parser); the host is the backstop for any other caller.
      await assert.rejects(lens.rerun(session, { budget: { earlyStop: { window: 0 } }, probe: false }), (err: Error) => {
        assert.equal(err.name, 'RunRefused');
        assert.match(err.message, /not started: budget\.earlyStop\.window: /);
        return true;
      });
      assert.equal(lens.runs.size, runsBefore, 'no run started');
      assert.equal(saved(), savedBefore, 'no failed trace file saved');
      assert.equal(session.run, run, 'the panel still shows its run');
      assert.equal(session.trace().id, run.id);
      assert.equal(session.view.stats.shown, shownBefore, 'the page was not reloaded with anything else');
      await closeAllEditors();
    });

    it('an openai+ host solves through the OpenAI-compatible backend (the one backend factory)', async function () {
      const url = fakeServer('REASONING_LENS_TEST_OPENAI');
      if (!url) return this.skip();
      await setConfig('host', `openai+${url}`);
      try {
        const backend = await lens.backend();
        assert.deepEqual((await backend.list()).map((m) => m.name), ['qwen3-served:8b']);
        const run = await newRun(lens, () => vscode.commands.executeCommand('reasoningLens.solve', { problem: 'What is 17 + 25?', gold: '42', model: 'qwen3-served:8b', samples: 0 }));
        const trace = await run.settled;
        assert.equal(trace.error ?? null, null, trace.error);
        assert.equal(trace.final.answer, '42');
        assert.equal(trace.final.correct, true);
        assert.equal(trace.model, 'qwen3-served:8b');
      } finally {
        await setConfig('host', FAST);
        await closeAllEditors();
      }
    });

    it('Annotate Dataset solves a problems-only JSONL live and opens the annotated traces in the dataset view', async () => {
      const dir = path.join(workspaceDir(), 'ext-test-dataset');
      mkdirSync(dir, { recursive: true });
      const input = path.join(dir, 'two-problems.jsonl');
      writeFileSync(input, [JSON.stringify({ problem: 'What is 17 + 25?', answer: '42' }), JSON.stringify({ problem: 'Simplify 2/4.', answer: '\\frac{1}{2}' })].join('\n') + '\n');
      // A problem set needs a model and a budget; both given, so nothing is asked.
      const result = (await vscode.commands.executeCommand('reasoningLens.annotateDataset', { input, models: [MODEL], samples: 0, budget: {}, ifExists: 'overwrite' })) as DatasetJobResult | undefined;
      assert.ok(result, 'the command returns the job result');
      assert.equal(result.status, 'done', result.message);
      assert.equal(result.kind, 'problems');
      assert.equal(result.written, 2);
      const output = path.join(dir, 'two-problems.annotated.trace.jsonl');
      assert.ok(existsSync(output), 'written beside the input (inside the workspace)');
      const lines = readFileSync(output, 'utf8').trim().split('\n');
      assert.equal(lines.length, 2);
      const traces = lines.map((l) => validateTrace(JSON.parse(l)));
      assert.ok(traces.every((t) => t.ok));
      assert.deepEqual(traces.map((t) => (t.ok ? t.trace.final.correct : null)), [true, true]);
      // The workbench reports tabs to the extension host asynchronously.
      await waitFor('the job to open the dataset view', () => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.label === 'Dataset: two-problems.annotated')), 15_000);
      // Show Dataset Report reuses that view.
      const view = (await vscode.commands.executeCommand('reasoningLens.showDataset', vscode.Uri.file(output))) as DatasetView | undefined;
      assert.ok(view, 'the dataset view is open');
      assert.equal(view.traceCount, 2);
      await closeAllEditors();
    });

    it('a restored panel (serializer) shows the trace saved in its state; a bad state closes it', async () => {
      const run = [...lens.runs.values()].find((r) => !r.live)!;
      const trace = run.trace();
      const panel = vscode.window.createWebviewPanel('reasoningLens.trace', 'restored', vscode.ViewColumn.Active, {});
      await lens.restorePanel(panel, { version: 1, trace, expanded: [], filters: { labels: [], verdicts: [], query: '' }, scrollTop: 0 });
      const restored = [...lens.sessions].find((s) => s.view.panel === panel);
      assert.ok(restored, 'restored into a trace session');
      assert.equal(restored.trace().id, trace.id);
      const bad = vscode.window.createWebviewPanel('reasoningLens.trace', 'bad', vscode.ViewColumn.Active, {});
      let disposed = false;
      bad.onDidDispose(() => (disposed = true));
      await lens.restorePanel(bad, { version: 1, trace: { ...trace, episodes: 'nope' } as never, expanded: [], filters: { labels: [], verdicts: [], query: '' }, scrollTop: 0 });
      assert.equal(disposed, true, 'an invalid restored state is dropped, not shown');
      restored.view.panel.dispose();
    });

    it('Stop cancels a slow run mid-stream and keeps the partial trace', async () => {
      await setConfig('host', SLOW);
      const run = await newRun(lens, () => vscode.commands.executeCommand('reasoningLens.solve', { problem: 'Count the primes below 60.', gold: '17', samples: 0 }));
      await waitFor('some thinking', () => run.tokens > 5, 30_000);
      await vscode.commands.executeCommand('reasoningLens.stop');
      const trace = await run.settled;
      assert.equal(trace.budget?.stop, 'cancelled');
      assert.ok(trace.thinking.length > 0, 'partial thinking kept');
      assert.equal(savedTrace(run).budget?.stop, 'cancelled');
      assert.equal(lens.liveRuns().length, 0);
    });

    it('closing the panel does not stop the run, and its trace is still saved', async () => {
      const run = await newRun(lens, () => vscode.commands.executeCommand('reasoningLens.solve', { problem: 'Simplify 2/4.', gold: '1/2', samples: 0 }));
      const session = await waitFor('the panel', () => [...lens.sessions].find((s) => s.run === run));
      session.view.panel.dispose();
      assert.equal(run.live, true, 'still running after its panel closed');
      const trace = await run.settled;
      assert.notEqual(trace.budget?.stop, 'cancelled');
      assert.equal(savedTrace(run).id, trace.id);
      await setConfig('host', FAST);
    });

    it('Annotate Trace Progress probes every episode of a trace without progress', async () => {
      const run = await newRun(lens, () => vscode.commands.executeCommand('reasoningLens.solve', { problem: 'What is 17 + 25?', gold: '42', samples: 0 }));
      const trace = await run.settled;
      assert.ok(trace.episodes.every((e) => !e.progress), 'no progress before');
      const session = await waitFor('the session', () => [...lens.sessions].find((s) => s.run === run));
      await lens.annotateProgress(session, { samples: 2 });
      const annotated = session.trace();
      assert.equal(annotated.id, trace.id);
      assert.ok(annotated.episodes.every((e) => e.progress && e.progress.samples >= 1), 'every episode probed');
      assert.ok(validateTrace(annotated).ok);
    });

    it('Pull Model pulls from the registry and the model is then listed', async () => {
      const { pullModelCommand } = await import('../../src/extension/commands/models.js');
      assert.equal(await pullModelCommand(lens, 'tiny-thinker:1b'), 'tiny-thinker:1b');
      const names = (await (await lens.backend()).list()).map((m) => m.name);
      assert.ok(names.includes('tiny-thinker:1b'), names.join(', '));
    });

    it('an unreachable server is reported in the status bar, not thrown', async () => {
      await setConfig('host', 'http://127.0.0.1:9');
      const { checkConnectionCommand } = await import('../../src/extension/commands/models.js');
      assert.equal(await checkConnectionCommand(lens, { quiet: true }), false);
      assert.match(lens.statusBar.text, /unreachable/);
      await setConfig('host', FAST);
      assert.equal(await checkConnectionCommand(lens, { quiet: true }), true);
    });
  });
}
