import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import * as path from 'node:path';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { before, describe, it } from 'mocha';
import { parseTraceText } from '../../src/extension/trace/traceFiles';
import { annotateTrace } from '../../src/core/annotate';
import { validateTrace } from '../../src/core/schema';
import type { DatasetJobResult } from '../../src/runs/dataset/job';
import { closeAllEditors, fakeServer, lensApi, setConfig, sharedData, waitFor, workspaceDir } from './helpers';
import type { Lens } from '../../src/extension/trace/lens';

function sessionFor(lens: Lens, file: vscode.Uri) {
  return [...lens.sessions].find((s) => s.file?.toString() === file.toString());
}

function sampleTrace() {
  return annotateTrace({
    problem: 'What is 2 + 2?',
    gold: '4',
    source: { kind: 'test' },
    raw: '<think>2 + 2 = 4.\n\nWait, let me check: 2 + 2 is 4.</think>The answer is \\boxed{4}.',
  });
}

export function registerTraceFilesSuite(): void {
  describe('trace files and the custom editor', () => {
    let dir: string;
    before(() => {
      dir = path.join(workspaceDir(), 'ext-test-files');
      mkdirSync(dir, { recursive: true });
    });

    it('Estimate progress on an imported trace probes with a model the server has, not the trace\'s Hugging Face id; the view may name the model', async function () {
      const FAST = fakeServer('REASONING_LENS_TEST_OLLAMA');
      if (!FAST) return this.skip();
      const { lens } = await lensApi();
      await setConfig('host', FAST);
      await setConfig('model', 'deepseek-r1:7b');
      try {
        const imported = { ...sampleTrace(), model: 'deepseek-ai/DeepSeek-R1-Distill-Qwen-14B' };
        const session = lens.openPanel({ kind: 'traces', traces: [imported], selected: 0 }, 'imported');
        const probed = () => session.trace().episodes.every((e) => e.progress);
        const asked = session.handle({ type: 'annotate-progress', probe: { samples: 2 } });
        // Before the fix the probe asked the server for the Hugging Face id and stopped at an error (offering to pull it).
        await waitFor('the imported trace to be probed with the selected model', () => probed(), 30_000);
        await asked;
        assert.equal(session.trace().model, imported.model, 'the trace keeps naming the model that wrote it');
        const models = lens.serverModels();
        assert.ok(models && models[0] === 'deepseek-r1:7b' && models.includes('qwen3:8b'), `the view's model field gets the server's models, the selected first: ${JSON.stringify(models)}`);
        // The model field of the view names another model: it is used.
        const again = lens.openPanel({ kind: 'traces', traces: [imported], selected: 0 }, 'imported 2');
        await again.handle({ type: 'annotate-progress', probe: { samples: 2 }, model: 'qwen3:8b' });
        assert.ok(again.trace().episodes.every((e) => e.progress), 'probed with the model named by the view');
      } finally {
        await setConfig('model', undefined);
        await setConfig('host', undefined);
        await closeAllEditors();
      }
    });

    it('"Open as Trace" converts a real Thought Anchors trace and the custom editor reopens it', async function () {
      const data = sharedData();
      if (!data) return this.skip();
      const { lens } = await lensApi();
      const model = path.join(data, 'traces/thought-anchors.com/deepseek-r1-distill-qwen-14b');
      const kind = readdirSync(model).find((d) => d.startsWith('correct'))!;
      const problem = readdirSync(path.join(model, kind))[0];
      const src = vscode.Uri.file(path.join(model, kind, problem, 'base_solution.json'));
      await vscode.commands.executeCommand('reasoningLens.openAsTrace', src);
      const converted = await waitFor('a session for the converted file', () => sessionFor(lens, src));
      const trace = converted.trace();
      assert.ok(trace.episodes.length >= 2, `episodes: ${trace.episodes.length}`);
      assert.ok(trace.gold, 'gold comes from the sibling problem.json');
      assert.equal(trace.final.correct, true, 'a "correct_base_solution" trace grades as correct');

      const saved = vscode.Uri.file(path.join(dir, 'converted.trace.json'));
      writeFileSync(saved.fsPath, JSON.stringify(trace));
      await vscode.commands.executeCommand('vscode.openWith', saved, 'reasoningLens.traceEditor');
      const reopened = await waitFor('the custom editor session', () => sessionFor(lens, saved));
      assert.equal(reopened.trace().id, trace.id);
      assert.equal(reopened.trace().episodes.length, trace.episodes.length);
      await closeAllEditors();
    });

    it('"Open as Trace" reads a real Inspect .eval log (a zip): its samples become traces that say they carry no reasoning', async function () {
      const data = sharedData();
      if (!data) return this.skip();
      const { lens } = await lensApi();
      const src = vscode.Uri.file(path.join(data, 'formats/inspect/log_read_sample.eval'));
      await vscode.commands.executeCommand('reasoningLens.openAsTrace', src);
      const session = await waitFor('a session for the .eval log', () => sessionFor(lens, src), 60_000);
      const trace = session.trace();
      assert.equal(trace.source.kind.startsWith('import:inspect'), true, `source: ${trace.source.kind}`);
      assert.equal(trace.source.extra?.noReasoning, true, 'a sample without reasoning says so');
      await closeAllEditors();
    });

    it('a JSONL of many traces offers a picker (trace-list) and selecting switches the trace', async function () {
      const data = sharedData();
      if (!data) return this.skip();
      const { lens } = await lensApi();
      const src = vscode.Uri.file(path.join(data, 'traces/skythought/Sky-T1-math-correct-5K-14B__amc23.jsonl'));
      await vscode.commands.executeCommand('reasoningLens.openAsTrace', src);
      const session = await waitFor('the skythought session', () => sessionFor(lens, src), 60_000);
      const list = session.list();
      assert.ok(list, 'list offered');
      assert.equal(list.items.length, 40);
      session.select(7);
      assert.equal(session.list()?.selected, 7);
      assert.equal(session.trace().id, session.list()?.items[7].id);
      assert.throws(() => session.select(40), /no trace #41/);
      await closeAllEditors();
    });

    it('Annotate Dataset on a real SkyThought JSONL annotates offline (no model) into the trace folder, never beside shared data', async function () {
      const data = sharedData();
      if (!data) return this.skip();
      const { lens } = await lensApi();
      const input = path.join(data, 'traces/skythought/Sky-T1-math-correct-5K-14B__aime24.jsonl');
      // Every question answered in advance: existing traces, no probes, so no model is asked for.
      const result = (await vscode.commands.executeCommand('reasoningLens.annotateDataset', { input, samples: 0, ifExists: 'overwrite', open: false })) as DatasetJobResult | undefined;
      assert.ok(result, 'the command returns the job result');
      assert.equal(result.status, 'done', result.message);
      assert.equal(result.kind, 'traces');
      assert.equal(result.written, 30);
      const output = path.join(lens.store.folder().fsPath, 'Sky-T1-math-correct-5K-14B__aime24.annotated.trace.jsonl');
      assert.ok(existsSync(output), output);
      assert.equal(existsSync(path.join(data, 'traces/skythought/Sky-T1-math-correct-5K-14B__aime24.annotated.trace.jsonl')), false);
      const lines = readFileSync(output, 'utf8').trim().split('\n');
      assert.equal(lines.length, 30);
      for (const line of lines) {
        const checked = validateTrace(JSON.parse(line));
        assert.ok(checked.ok, checked.ok ? '' : JSON.stringify(checked.errors));
      }
      const first = JSON.parse(lines[0]);
      assert.ok(first.episodes.length > 1 && first.source.kind.startsWith('import:'), first.source.kind);
      await closeAllEditors();
    });

    it('an invalid trace file shows a clear error naming file, line and field, and does not crash', async () => {
      const { lens } = await lensApi();
      const bad = vscode.Uri.file(path.join(dir, 'bad.trace.json'));
      const broken = JSON.parse(JSON.stringify(sampleTrace()));
      broken.episodes[0].verdict = 'maybe';
      const text = JSON.stringify(broken, null, 1);
      writeFileSync(bad.fsPath, text);
      const before = lens.sessions.size;
      await vscode.commands.executeCommand('vscode.openWith', bad, 'reasoningLens.traceEditor');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(sessionFor(lens, bad), undefined, 'no trace view for an invalid file');
      assert.equal(lens.sessions.size, before);
      const parsed = parseTraceText(text, 'bad.trace.json');
      assert.equal(parsed.traces.length, 0);
      assert.match(parsed.problems[0], /^bad\.trace\.json:1: not a valid trace: episodes\[0\]\.verdict/);
      const syntax = parseTraceText('{\n "version": 1,\n "id": oops\n}', 'syntax.trace.json');
      assert.match(syntax.problems[0], /^syntax\.trace\.json:3: not valid JSON/);
      await closeAllEditors();
    });

    it('a JSONL with good and bad lines keeps the good ones and reports each bad line', () => {
      const trace = sampleTrace();
      const lines = [JSON.stringify(trace), '{not json', '', JSON.stringify({ version: 2 })];
      const parsed = parseTraceText(lines.join('\n'), 'mixed.trace.jsonl');
      assert.equal(parsed.traces.length, 1);
      assert.deepEqual(parsed.lines, [1]);
      assert.equal(parsed.problems.length, 2);
      assert.match(parsed.problems[0], /^mixed\.trace\.jsonl:2: not valid JSON/);
      assert.match(parsed.problems[1], /^mixed\.trace\.jsonl:4: not a valid trace: /);
    });

    it('garbage and binary-looking files never throw', () => {
      for (const text of ['', '\u0000\u0001\u0002', '[1,2', '"just a string"', 'null', '[]', '{"version":1}'.repeat(3)]) {
        for (const name of ['x.trace.json', 'x.trace.jsonl']) {
          const r = parseTraceText(text, name);
          assert.equal(r.traces.length, 0);
          assert.ok(r.problems.length > 0, `${name} ${JSON.stringify(text)} yields a message`);
          assert.ok(r.problems.every((p) => p.startsWith('x.trace.json')), r.problems.join('\n'));
        }
      }
    });
  });
}
