/**
 * "Compare Traces…": the traces of the open trace file, or files picked (any format Open as
 * Trace reads; several at once); then, when they hold more than can be compared, the traces
 * (grouped by problem first: the usual question is the same problem across models or budgets);
 * then the compare view.
 *
 * Arguments when run from code (tests, other commands): `{ files: (Uri | string)[], ids?: string[] }`
 * compares the traces of those files (only the ids given, when given); `{ last: true }` returns
 * the newest open compare view and opens nothing. From the Explorer VS Code passes the clicked
 * Uri and the selected Uris.
 */
import * as vscode from 'vscode';
import { MAX_COMPARED } from '../../core/compare';
import type { Trace } from '../../core/trace';
import type { Lens } from '../trace/lens';
import { problemTitle } from '../trace/traceFiles';
import { CompareView, type CompareItem } from './compareView';

interface CompareArgs {
  files?: (vscode.Uri | string)[];
  ids?: string[];
  last?: boolean;
}

export async function compareTracesCommand(lens: Lens, raw?: unknown, selected?: unknown): Promise<CompareView | undefined> {
  const args = argsFrom(raw, selected);
  if (args.last) return CompareView.open[CompareView.open.length - 1];
  const files = args.files ?? (await pickSource());
  if (!files || files.length === 0) return undefined;
  const candidates = await readAll(lens, files);
  if (!candidates) return undefined;
  const wanted = args.ids ? candidates.filter((c) => args.ids!.includes(c.trace.id)) : candidates;
  const chosen = wanted.length >= 2 && wanted.length <= MAX_COMPARED && (args.ids || wanted.length === files.length || wanted.length === 2) ? wanted : await pickTraces(wanted);
  if (!chosen) return undefined;
  return CompareView.show(lens, chosen);
}

function argsFrom(raw: unknown, selected: unknown): CompareArgs {
  if (Array.isArray(selected) && selected.length > 1 && selected.every((u) => u instanceof vscode.Uri)) return { files: selected as vscode.Uri[] };
  if (raw instanceof vscode.Uri) return { files: [raw] };
  if (raw && typeof raw === 'object') {
    const a = raw as Record<string, unknown>;
    const out: CompareArgs = {};
    if (Array.isArray(a.files)) out.files = a.files.filter((f): f is vscode.Uri | string => f instanceof vscode.Uri || typeof f === 'string');
    if (Array.isArray(a.ids)) out.ids = a.ids.filter((i): i is string => typeof i === 'string');
    if (a.last === true) out.last = true;
    return out;
  }
  return {};
}

/** The file behind the active tab when it can hold traces (trace editor or a JSON/JSONL text). */
function activeTraceFile(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri = input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText ? input.uri : undefined;
  return uri && /\.(jsonl?|ndjson)$/i.test(uri.path) ? uri : undefined;
}

/** With a trace file open: its traces, or other files; otherwise straight to the file picker. */
async function pickSource(): Promise<vscode.Uri[] | undefined> {
  const active = activeTraceFile();
  if (!active) return pickFiles();
  const picked = await vscode.window.showQuickPick(
    [
      { label: `$(file) Traces in ${vscode.workspace.asRelativePath(active)}`, files: [active] },
      { label: '$(folder-opened) Choose files…', files: undefined },
    ],
    { title: 'Reasoning Lens: Compare Traces from' },
  );
  if (!picked) return undefined;
  return picked.files ?? pickFiles();
}

export async function pickFiles(): Promise<vscode.Uri[] | undefined> {
  return vscode.window.showOpenDialog({
    title: 'Reasoning Lens: Compare Traces (pick one or more files)',
    openLabel: 'Compare',
    canSelectMany: true,
    filters: { 'Traces and model outputs': ['json', 'jsonl', 'ndjson', 'txt', 'md', 'eval', 'parquet'], 'All files': ['*'] },
  });
}

/** Every trace of every file (raw formats annotated offline), each with its `file:line`; unreadable records are logged and named in a warning. */
export async function readTraceItems(lens: Lens, files: readonly (vscode.Uri | string)[]): Promise<CompareItem[]> {
  const items: CompareItem[] = [];
  const problems: string[] = [];
  for (const f of files) {
    const uri = typeof f === 'string' ? vscode.Uri.file(f) : f;
    const name = vscode.workspace.asRelativePath(uri);
    const loaded = await lens.readTraces(uri, { any: true });
    problems.push(...loaded.problems);
    const file = uri.path.split('/').pop() ?? name;
    // Named by model; a trace without one by its file name (repeats get #n).
    loaded.traces.forEach((trace, i) => items.push({ trace, origin: `${name}:${loaded.lines[i] ?? 1}`, file: uri, position: i, ...(trace.model ? {} : { label: file }) }));
  }
  for (const p of problems) lens.log.warn(p);
  if (problems.length) {
    void vscode.window.showWarningMessage(`Reasoning Lens: ${problems.length} record(s) could not be read, e.g. ${problems[0]}`, 'Show Log').then((c) => c && lens.log.show());
  }
  return items;
}

async function readAll(lens: Lens, files: readonly (vscode.Uri | string)[]): Promise<CompareItem[] | undefined> {
  const items = await readTraceItems(lens, files);
  if (items.length < 2) {
    void vscode.window.showErrorMessage(`Reasoning Lens: Compare Traces needs at least two traces; the file(s) hold ${items.length}.`);
    return undefined;
  }
  return items;
}

/** Traces of "the same problem": equal problem text, whitespace ignored. */
export function problemKey(trace: Trace): string {
  return trace.problem.replace(/\s+/g, ' ').trim();
}

export function describe(item: CompareItem): vscode.QuickPickItem {
  const t = item.trace;
  const verdict = t.final.correct === true ? '$(pass) correct' : t.final.correct === false ? '$(error) incorrect' : 'not graded';
  return { label: t.model || t.id, description: `${t.episodes.length} episodes · ${t.metrics.thinkingTokens} thinking tokens · ${verdict}`, detail: `${item.origin} · ${problemTitle(t.problem)}` };
}

/**
 * Which traces: first the problem (when some problem has two or more traces), then, when that
 * leaves more than MAX_COMPARED, the traces themselves (multi-select).
 */
export async function pickTraces(items: CompareItem[]): Promise<CompareItem[] | undefined> {
  const groups = new Map<string, CompareItem[]>();
  for (const item of items) {
    const key = problemKey(item.trace);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  const shared = [...groups.values()].filter((g) => g.length >= 2);
  let pool = items;
  if (shared.length > 0 && shared.length < items.length) {
    type GroupItem = vscode.QuickPickItem & { group?: CompareItem[] };
    const choices: GroupItem[] = shared.map((g) => ({
      label: problemTitle(g[0].trace.problem),
      description: `${g.length} traces`,
      detail: [...new Set(g.map((i) => i.trace.model || i.trace.id))].join(', '),
      group: g,
    }));
    choices.push({ label: '$(list-selection) Choose traces one by one…', alwaysShow: true });
    const picked = await vscode.window.showQuickPick(choices, { title: 'Reasoning Lens: Compare which problem?', matchOnDetail: true });
    if (!picked) return undefined;
    pool = picked.group ?? items;
    if (pool.length <= MAX_COMPARED && picked.group) return pool;
  }
  type TraceItem = vscode.QuickPickItem & { item: CompareItem };
  for (;;) {
    const picked = await vscode.window.showQuickPick<TraceItem>(pool.map((item) => ({ ...describe(item), item })), {
      title: `Reasoning Lens: Compare which traces? (2 to ${MAX_COMPARED})`,
      canPickMany: true,
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!picked) return undefined;
    if (picked.length >= 2 && picked.length <= MAX_COMPARED) return picked.map((p) => p.item);
    void vscode.window.showWarningMessage(`Reasoning Lens: pick between 2 and ${MAX_COMPARED} traces (you picked ${picked.length}).`);
  }
}
