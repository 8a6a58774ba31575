/**
 * "Compare With…": the trace the active trace view shows against one other trace, picked from
 * the same file's traces (what the view's trace picker lists) or from another file. It is the
 * trace picker's entry into Compare Traces, reached from the trace view's title bar or the
 * palette, so the view's own page needs no change.
 *
 * Arguments from code (tests): `{ file?: Uri | string, id?: string }` compares with trace `id`
 * of `file` (default file: the view's own; default id: the first trace other than the shown one)
 * without asking.
 */
import * as vscode from 'vscode';
import type { Lens } from '../trace/lens';
import type { TraceSession } from '../trace/session';
import { describe, pickFiles, readTraceItems } from './compareCommand';
import { CompareView, type CompareItem } from './compareView';

interface CompareWithArgs {
  file?: vscode.Uri;
  id?: string;
}

function argsFrom(raw: unknown): CompareWithArgs | undefined {
  if (!raw || typeof raw !== 'object' || raw instanceof vscode.Uri) return undefined;
  const a = raw as Record<string, unknown>;
  const file = a.file instanceof vscode.Uri ? a.file : typeof a.file === 'string' ? vscode.Uri.file(a.file) : undefined;
  const id = typeof a.id === 'string' ? a.id : undefined;
  return file || id ? { ...(file ? { file } : {}), ...(id ? { id } : {}) } : undefined;
}

/** The file the view's trace can be read again from: the view's file, or where its run saved it. */
function sessionFile(session: TraceSession): vscode.Uri | undefined {
  if (session.file) return session.file;
  const saved = session.run?.savedTo;
  return saved ? vscode.Uri.file(saved) : undefined;
}

/** The shown trace, as a compare item, and the other traces of its file. */
async function shownAndSiblings(lens: Lens, session: TraceSession): Promise<{ shown: CompareItem; siblings: CompareItem[] }> {
  const trace = session.trace();
  const file = sessionFile(session);
  if (!file) return { shown: { trace, origin: session.run ? 'live run (not saved)' : 'trace view' }, siblings: [] };
  const inFile = await readTraceItems(lens, [file]);
  const index = session.origin()?.index;
  const at = index !== undefined && inFile[index]?.trace.id === trace.id ? index : inFile.findIndex((i) => i.trace.id === trace.id);
  // The view's copy wins (it may carry progress estimated since it was read); the file is where a reload reads it.
  const shown: CompareItem = at >= 0 ? { ...inFile[at], trace } : { trace, origin: vscode.workspace.asRelativePath(file) };
  return { shown, siblings: inFile.filter((_i, k) => k !== at) };
}

type OtherPick = vscode.QuickPickItem & { item?: CompareItem };

/** One trace of the files the user picks (the only one, or chosen from a list). */
async function traceFromOtherFile(lens: Lens): Promise<CompareItem | undefined> {
  const files = await pickFiles();
  if (!files?.length) return undefined;
  const items = await readTraceItems(lens, files);
  if (items.length === 0) {
    void vscode.window.showErrorMessage('Reasoning Lens: the file(s) hold no trace to compare with.');
    return undefined;
  }
  if (items.length === 1) return items[0];
  const picked = await vscode.window.showQuickPick<OtherPick>(items.map((item) => ({ ...describe(item), item })), { title: 'Reasoning Lens: Compare With which trace?', matchOnDescription: true, matchOnDetail: true });
  return picked?.item;
}

async function pickOther(lens: Lens, siblings: readonly CompareItem[]): Promise<CompareItem | undefined> {
  if (siblings.length === 0) return traceFromOtherFile(lens);
  const choices: OtherPick[] = [
    ...siblings.map((item) => ({ ...describe(item), item })),
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(folder-opened) A trace from another file…', alwaysShow: true },
  ];
  const picked = await vscode.window.showQuickPick(choices, { title: 'Reasoning Lens: Compare the shown trace with', placeHolder: 'Another trace of this file, or of another file', matchOnDescription: true, matchOnDetail: true });
  if (!picked) return undefined;
  return picked.item ?? traceFromOtherFile(lens);
}

async function fromArgs(lens: Lens, args: CompareWithArgs, siblings: readonly CompareItem[]): Promise<CompareItem | undefined> {
  const pool = args.file ? await readTraceItems(lens, [args.file]) : siblings;
  const found = args.id ? pool.find((i) => i.trace.id === args.id) : pool[0];
  if (!found) throw new Error(args.id ? `No trace with id ${args.id} in ${args.file ? vscode.workspace.asRelativePath(args.file) : "the view's file"}.` : 'There is no other trace to compare with.');
  return found;
}

export async function compareWithCommand(lens: Lens, raw?: unknown): Promise<CompareView | undefined> {
  const session = lens.activeSession();
  if (!session) {
    void vscode.window.showErrorMessage('Reasoning Lens: open a trace first: Compare With… compares the trace in the active trace view with another.');
    return undefined;
  }
  const { shown, siblings } = await shownAndSiblings(lens, session);
  const args = argsFrom(raw);
  const other = args ? await fromArgs(lens, args, siblings) : await pickOther(lens, siblings);
  if (!other) return undefined;
  return CompareView.show(lens, [shown, other]);
}
