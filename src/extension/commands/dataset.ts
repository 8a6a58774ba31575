/**
 * Annotate Dataset… (the simple path; resumable multi-host jobs live in src/runs/dataset and
 * the CLI): records that already hold a model output are annotated offline; records that hold
 * only a problem are solved live, one at a time, with the current model and budget. Each trace
 * is appended to `<name>.annotated.trace.jsonl` (beside an input inside the workspace, else in
 * the trace folder) as soon as it is ready, so cancelling keeps everything done so far. The
 * output opens in the trace editor.
 */
import * as vscode from 'vscode';
import { accessSync, constants, existsSync } from 'node:fs';
import type { Trace } from '../../core/trace';
import type { Lens } from '../lens';
import { EDITOR_VIEW_TYPE } from '../lens';
import { pickModel } from './models';

export async function annotateDatasetCommand(lens: Lens, raw?: unknown): Promise<void> {
  let input = raw instanceof vscode.Uri ? raw : undefined;
  if (!input) {
    const picked = await vscode.window.showOpenDialog({
      title: 'Reasoning Lens: Annotate Dataset',
      openLabel: 'Annotate',
      canSelectMany: false,
      filters: { 'Problem sets and traces': ['jsonl', 'ndjson', 'json', 'csv', 'parquet', 'txt'], 'All files': ['*'] },
    });
    input = picked?.[0];
  }
  if (!input) return;
  if (input.scheme !== 'file') {
    void vscode.window.showErrorMessage('Reasoning Lens can only annotate files on disk.');
    return;
  }
  const base = input.path.split('/').pop() ?? 'dataset';
  const stem = base.replace(/\.(trace\.)?(jsonl|ndjson|json|csv|parquet|txt)$/i, '');
  const [{ readRecords }, { annotateTrace }, { formatLocation }, { JsonlAppender }, tabular] = await Promise.all([
    import('../../io/read-records.js'),
    import('../../core/annotate.js'),
    import('../../formats/types.js'),
    import('../../runs/dataset/output.js'),
    import('../../formats/tabular/fields.js'),
  ]);
  const tableFormat = /\.(csv|parquet)$/i.exec(base)?.[1].toLowerCase() as 'csv' | 'parquet' | undefined;
  // A JSON/JSONL file whose first record has no model output is a problem set: read it as a table.
  let problemsOnly = tableFormat !== undefined;
  if (!problemsOnly) {
    for await (const first of readRecords(input.fsPath)) {
      problemsOnly = !first.ok && first.errors.some((e) => e.field.startsWith('output'));
      break;
    }
  }

  const s = lens.settings();
  const segment = { mode: s.segmentationMode, ...(s.markers.length ? { markers: s.markers } : {}) };
  const problems: string[] = [];
  let written = 0;
  let solved = 0;
  let model: string | undefined;
  // Beside the input when that folder is writable, else in the trace folder; never over an
  // existing file (a new run gets a new name).
  const output = await chooseOutput(lens, input, `${stem}.annotated`);
  const appender = new JsonlAppender(output.fsPath);
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Reasoning Lens: annotating ${base}`, cancellable: true },
      async (progress, token) => {
        const solveLive = async (problem: string, gold: string | null): Promise<boolean> => {
          model ??= s.model || (await pickModel(lens, { save: true }));
          if (!model) return false;
          const trace = await solveOne(lens, problem, gold, model, token);
          if (!trace) return false;
          appender.append(trace);
          written++;
          solved++;
          return !token.isCancellationRequested;
        };
        const report = () =>
          progress.report({ message: `${written} traces${solved ? ` (${solved} solved live)` : ''}${problems.length ? `, ${problems.length} skipped` : ''}` });
        if (problemsOnly) {
          // Problem sets (CSV, Parquet, or JSON/JSONL without outputs): every row is solved live.
          const { readTable } = await import('../../formats/tabular/read.js');
          const table = await readTable(input.fsPath, tableFormat);
          for (const issue of table.issues) problems.push(`${base} ${issue.where}: ${issue.field ? `${issue.field}: ` : ''}${issue.message}`);
          const mapping = tabular.detectFields(table.columns);
          if (!mapping.ok) throw new Error(`${base}: ${mapping.message}`);
          for (const row of table.rows) {
            if (token.isCancellationRequested) return;
            const rec = tabular.toProblemRecord(row, mapping.mapping);
            if (!rec.ok) {
              problems.push(`${base} ${row.where}: ${rec.field}: ${rec.message}`);
              continue;
            }
            if (!(await solveLive(rec.record.problem, rec.record.gold))) return;
            report();
          }
          return;
        }
        for await (const r of readRecords(input.fsPath)) {
          if (token.isCancellationRequested) return;
          const where = formatLocation(r.loc);
          if (!r.ok) {
            problems.push(`${where}: ${r.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
            continue;
          }
          const rec = r.record;
          if (rec.trace || rec.input.raw !== undefined || rec.input.thinking !== undefined) {
            appender.append(rec.trace ?? annotateTrace(rec.input, { segment }));
            written++;
          } else if (!(await solveLive(rec.input.problem, rec.input.gold ?? null))) return;
          report();
        }
      },
    );
  } finally {
    appender.close();
  }
  for (const p of problems) lens.log.warn(p);
  lens.log.info(`Annotate dataset ${input.fsPath}: ${written} traces written to ${output.fsPath}, ${problems.length} records skipped`);
  if (problems.length) {
    void vscode.window.showWarningMessage(`Reasoning Lens: ${problems.length} record(s) skipped, e.g. ${problems[0]}`, 'Show Log').then((c) => {
      if (c) lens.log.show();
    });
  }
  if (written > 0) await vscode.commands.executeCommand('vscode.openWith', output, EDITOR_VIEW_TYPE);
  else void vscode.window.showWarningMessage(`Reasoning Lens: no traces were written from ${base}.`);
}

/** One live solve, without a panel; cancelled with the job. */
async function solveOne(lens: Lens, problem: string, gold: string | null, model: string, token: vscode.CancellationToken): Promise<Trace | undefined> {
  const [{ startSolve }] = await Promise.all([import('../../runs/solve.js')]);
  const s = lens.settings();
  const probe = lens.defaultProbe();
  const handle = startSolve(await lens.backend(), {
    problem,
    gold,
    model,
    budget: s.defaultBudget,
    progress: probe ? lens.probeSettings(probe) : false,
    segment: { mode: s.segmentationMode, ...(s.markers.length ? { markers: s.markers } : {}) },
    idleTimeoutMs: s.idleTimeoutMs,
  });
  const sub = token.onCancellationRequested(() => handle.cancel());
  try {
    const trace = await handle.finished;
    // A cancelled job keeps the partial trace too: the caller appends it before stopping.
    return trace;
  } finally {
    sub.dispose();
  }
}

async function chooseOutput(lens: Lens, input: vscode.Uri, stem: string): Promise<vscode.Uri> {
  let folder = vscode.Uri.joinPath(input, '..');
  let besideInput = vscode.workspace.getWorkspaceFolder(input) !== undefined;
  if (besideInput) {
    try {
      accessSync(folder.fsPath, constants.W_OK);
    } catch {
      besideInput = false;
    }
  }
  if (!besideInput) {
    // Inputs outside the workspace (shared data sets) are never written beside.
    folder = lens.store.folder();
    await vscode.workspace.fs.createDirectory(folder);
    lens.log.info(`Writing the annotated traces for ${input.fsPath} to ${folder.fsPath}`);
  }
  for (let n = 1; ; n++) {
    const uri = vscode.Uri.joinPath(folder, `${stem}${n > 1 ? `-${n}` : ''}.trace.jsonl`);
    if (!existsSync(uri.fsPath)) return uri;
  }
}
