/** Open Trace… and Open as Trace (any supported format, converted through src/formats). */
import * as vscode from 'vscode';
import type { Trace } from '../../core/trace';
import type { Lens } from '../trace/lens';
import { EDITOR_VIEW_TYPE, panelTitle } from '../trace/viewTypes';

const TRACE_NAME = /\.trace\.jsonl?$/i;

export async function openTraceCommand(lens: Lens, raw?: unknown): Promise<void> {
  let uri = raw instanceof vscode.Uri ? raw : undefined;
  if (!uri) {
    const picked = await vscode.window.showOpenDialog({
      title: 'Reasoning Lens: Open Trace',
      canSelectMany: false,
      openLabel: 'Open Trace',
      filters: {
        'Traces and model outputs': ['json', 'jsonl', 'ndjson', 'txt', 'md', 'eval', 'parquet'],
        'All files': ['*'],
      },
    });
    uri = picked?.[0];
  }
  if (!uri) return;
  if (TRACE_NAME.test(uri.path)) await vscode.commands.executeCommand('vscode.openWith', uri, EDITOR_VIEW_TYPE);
  else await openAsTraceCommand(lens, uri);
}

/**
 * Reads a raw file (text with <think>, Thought Anchors JSON, Qwen-math JSONL, generic JSONL,
 * or our own format), annotates it offline, and shows it in a trace panel. Bad records are
 * listed with file, line and field; the good ones are still shown.
 */
export async function openAsTraceCommand(lens: Lens, raw?: unknown): Promise<void> {
  const uri = raw instanceof vscode.Uri ? raw : vscode.window.activeTextEditor?.document.uri;
  if (!uri) {
    await openTraceCommand(lens);
    return;
  }
  if (uri.scheme !== 'file') {
    void vscode.window.showErrorMessage(`Reasoning Lens can only convert files on disk (this one is ${uri.scheme}:).`);
    return;
  }
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Reasoning Lens: reading ${vscode.workspace.asRelativePath(uri)}`, cancellable: true },
    (_progress, token) => convertFile(lens, uri, token),
  );
  if (!result) return;
  const { traces, problems } = result;
  if (problems.length) {
    for (const p of problems) lens.log.warn(p);
  }
  if (traces.length === 0) {
    const choice = await vscode.window.showErrorMessage(
      `Reasoning Lens found no trace in ${vscode.workspace.asRelativePath(uri)}: ${problems[0] ?? 'the file is empty'}`,
      'Show Log',
    );
    if (choice) lens.log.show();
    return;
  }
  if (problems.length) {
    void vscode.window.showWarningMessage(`Reasoning Lens: ${problems.length} record(s) in ${vscode.workspace.asRelativePath(uri)} could not be read, e.g. ${problems[0]}`, 'Show Log').then((c) => {
      if (c) lens.log.show();
    });
  }
  lens.openPanel({ kind: 'traces', traces, selected: 0, file: uri }, traces.length > 1 ? `Lens: ${uri.path.split('/').pop()}` : panelTitle(traces[0]));
}

async function convertFile(lens: Lens, uri: vscode.Uri, token: vscode.CancellationToken): Promise<{ traces: Trace[]; problems: string[] } | undefined> {
  const [{ readRecords }, { annotateTrace }, { formatLocation }] = await Promise.all([
    import('../../io/read-records.js'),
    import('../../core/annotate.js'),
    import('../../formats/types.js'),
  ]);
  const s = lens.settings();
  const segment = { mode: s.segmentationMode, ...(s.markers.length ? { markers: s.markers } : {}) };
  const traces: Trace[] = [];
  const problems: string[] = [];
  for await (const r of readRecords(uri.fsPath)) {
    if (token.isCancellationRequested) return undefined;
    const where = formatLocation(r.loc);
    if (!r.ok) {
      problems.push(`${where}: ${r.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
      continue;
    }
    try {
      traces.push(r.record.trace ?? annotateTrace(r.record.input, { segment }));
    } catch (err) {
      problems.push(`${where}: could not be annotated: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { traces, problems };
}
