/**
 * "Run Dataset Job…": the resumable, multi-host dataset job (src/runs/dataset/job.ts) from
 * VS Code. Asks for input, output, hosts; offers Resume / Start over when the output exists,
 * and to continue with changed settings when the job refuses them; shows progress with
 * cancel (finished records are kept); offers the report and the traces at the end.
 * Registration (command table and package.json) belongs to src/extension/extension.ts.
 */
import * as vscode from 'vscode';
import type { Lens } from '../lens';
import { EDITOR_VIEW_TYPE } from '../lens';
import { pickModel } from '../commands/models';

export async function runDatasetJobCommand(lens: Lens, raw?: unknown): Promise<void> {
  let input = raw instanceof vscode.Uri ? raw : undefined;
  if (!input) {
    const picked = await vscode.window.showOpenDialog({
      title: 'Reasoning Lens: Run Dataset Job',
      openLabel: 'Use as input',
      canSelectMany: false,
      canSelectFolders: true,
      filters: { 'Problem sets and traces': ['jsonl', 'ndjson', 'json', 'csv', 'parquet'], 'All files': ['*'] },
    });
    input = picked?.[0];
  }
  if (!input) return;
  if (input.scheme !== 'file') {
    void vscode.window.showErrorMessage('Reasoning Lens can only run dataset jobs on files on disk.');
    return;
  }
  const stem = (input.path.split('/').pop() ?? 'dataset').replace(/\.(trace\.)?(jsonl|ndjson|json|csv|parquet)$/i, '');
  const output = await vscode.window.showSaveDialog({
    title: 'Reasoning Lens: job output (appended to, resumable)',
    defaultUri: vscode.Uri.joinPath(input, '..', `${stem}.job.trace.jsonl`),
    filters: { 'Trace JSONL': ['jsonl'] },
  });
  if (!output) return;

  const { existsSync, statSync } = await import('node:fs');
  let resume = false;
  let force = false;
  if (existsSync(output.fsPath) && statSync(output.fsPath).size > 0) {
    const choice = await vscode.window.showQuickPick(
      [
        { label: 'Resume', description: 'skip finished records, do the rest', resume: true },
        { label: 'Start over', description: 'overwrite the output', resume: false },
      ],
      { title: `${output.fsPath} already exists` },
    );
    if (!choice) return;
    resume = choice.resume;
    force = !choice.resume;
  }

  const s = lens.settings();
  const hostsText = await vscode.window.showInputBox({
    title: 'Model servers (comma-separated; openai+http://… for OpenAI-compatible servers)',
    value: s.host || 'http://127.0.0.1:11434',
    validateInput: (v) => (v.split(',').some((h) => h.trim() !== '') ? undefined : 'Give at least one server address.'),
  });
  if (hostsText === undefined) return;
  const hosts = hostsText.split(',').map((h) => h.trim()).filter(Boolean);

  const [{ runDatasetJob, JobConfigError }, { loadInput }] = await Promise.all([import('../../runs/dataset/job.js'), import('../../runs/dataset/input.js')]);
  let kind: 'problems' | 'traces';
  try {
    kind = (await loadInput(input.fsPath)).kind;
  } catch (err) {
    void vscode.window.showErrorMessage(`Reasoning Lens: ${(err as Error).message}`);
    return;
  }
  const samples = s.samplesPerProbe;
  let model: string | undefined = s.model || undefined;
  if (!model && (kind === 'problems' || samples > 0)) model = await pickModel(lens, { save: true });
  if (!model && (kind === 'problems' || samples > 0)) return;

  const segment = { mode: s.segmentationMode, ...(s.markers.length ? { markers: s.markers } : {}) };
  const base = {
    input: input.fsPath,
    output: output.fsPath,
    ...(model ? { models: [model] } : {}),
    hosts,
    samples,
    probe: { concurrency: s.probeConcurrency, ...(s.forcedStopText ? { forcedStopText: s.forcedStopText } : {}), ...(s.answerPrefix ? { answerPrefix: s.answerPrefix } : {}) },
    budget: s.defaultBudget,
    segment,
    idleTimeoutMs: s.idleTimeoutMs,
  };

  const run = (opts: { resume: boolean; force: boolean }) =>
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Reasoning Lens: dataset job on ${stem}`, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        let todo = 0;
        try {
          return await runDatasetJob({
            ...base,
            ...opts,
            signal: controller.signal,
            onEvent: (e) => {
              if (e.type === 'start') {
                todo = e.todo;
                lens.log.info(`dataset job ${input!.fsPath}: ${e.total} records, ${e.alreadyDone} already done, ${e.todo} to do, ${e.issues} unusable`);
              } else if (e.type === 'record') {
                progress.report({ increment: todo ? 100 / todo : 0, message: `${e.done}/${todo}${e.ok ? '' : ` (last: ${e.error})`}` });
              } else if (e.type === 'host-failed') {
                lens.log.warn(`host ${e.host} ${e.removed ? 'left the rotation' : 'failed, backing off'}: ${e.message}`);
              } else {
                lens.log.warn(e.message);
              }
            },
          });
        } finally {
          sub.dispose();
        }
      },
    );

  let result;
  try {
    result = await run({ resume, force });
  } catch (err) {
    if (!(err instanceof JobConfigError)) throw err;
    if (!/configuration changed|no job file/.test(err.message)) {
      void vscode.window.showErrorMessage(`Reasoning Lens: ${err.message}`);
      return;
    }
    lens.log.warn(err.message);
    const go = await vscode.window.showWarningMessage(`Reasoning Lens: ${err.message.split('\n')[0]}`, { modal: true, detail: err.message }, 'Continue with the current settings');
    if (!go) return;
    result = await run({ resume: true, force: true });
  }
  for (const i of result.inputIssues) lens.log.warn(`${i.where}${i.field ? ` [${i.field}]` : ''}: ${i.message}`);
  if (result.message) lens.log.warn(result.message);
  const acc = result.report?.report.overall.accuracy;
  const summary = `${result.status}: ${result.written} written, ${result.alreadyDone} already done${result.inputIssues.length ? `, ${result.inputIssues.length} input records skipped` : ''}${acc !== undefined && acc !== null ? `, accuracy ${(100 * acc).toFixed(1)}%` : ''}`;
  const actions = ['Open Traces', ...(result.report ? ['Open Report'] : []), ...(result.message || result.inputIssues.length ? ['Show Log'] : [])];
  const show = result.status === 'done' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  const choice = await show(`Reasoning Lens: ${summary}`, ...actions);
  if (choice === 'Open Traces') await vscode.commands.executeCommand('vscode.openWith', output, EDITOR_VIEW_TYPE);
  else if (choice === 'Open Report' && result.report) await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(result.report.markdown));
  else if (choice === 'Show Log') lens.log.show();
}
