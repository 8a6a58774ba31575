/**
 * A compare view after a window reload. VS Code's WebviewPanelSerializer hands over the state
 * the page saved (webview/compare/app.ts: the alignment and where each trace came from); each
 * trace is read again from its file (by id; by position when ids repeat) or, for a trace in no
 * file (an unsaved re-run), taken from the state once it validates. What cannot be read is
 * named in the panel. With fewer than two traces left the panel says why, trace by trace,
 * instead of showing an empty view, and the page keeps its state so the next reload tries again.
 */
import * as vscode from 'vscode';
import { MAX_COMPARED, type Alignment } from '../../core/compare';
import { validateTrace } from '../../core/schema';
import { terminalSafeLine } from '../../core/terminal-text';
import { COMPARE_PROTOCOL_VERSION, type CompareSource } from '../../shared/compare-protocol';
import type { Lens } from '../trace/lens';
import type { LoadedTraces } from '../trace/traceFiles';
import { CompareView, compareHost, type CompareHost, type CompareItem } from './compareView';

export interface SavedComparison {
  alignment: Alignment;
  sources: CompareSource[];
}

const MAX_TEXT = 4_096;
const isText = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_TEXT;

/** Checks the state a page saved; returns it, or a sentence saying why it cannot be used. Never throws. */
export function parseSavedComparison(raw: unknown): SavedComparison | string {
  if (typeof raw !== 'object' || raw === null) return 'the window saved no state for it';
  const state = raw as Record<string, unknown>;
  if (state.version !== COMPARE_PROTOCOL_VERSION) return `its saved state is of another version (${JSON.stringify(state.version)})`;
  if (!Array.isArray(state.sources)) return 'its saved state does not say where its traces came from (saved by an earlier version)';
  if (state.sources.length > MAX_COMPARED) return `its saved state names ${state.sources.length} traces (at most ${MAX_COMPARED} are compared)`;
  const sources: CompareSource[] = [];
  for (const [i, s] of state.sources.entries()) {
    const r = (typeof s === 'object' && s !== null ? s : {}) as Record<string, unknown>;
    if (!isText(r.id) || !isText(r.origin)) return `saved trace ${i + 1} has no id or origin`;
    if (r.label !== undefined && !isText(r.label)) return `saved trace ${i + 1}: label is not text`;
    if (r.file !== undefined && !isText(r.file)) return `saved trace ${i + 1}: file is not text`;
    if (r.model !== undefined && !isText(r.model)) return `saved trace ${i + 1}: model is not text`;
    if (r.position !== undefined && !(Number.isInteger(r.position) && (r.position as number) >= 0)) return `saved trace ${i + 1}: position is not a whole number`;
    if (r.file === undefined && r.trace === undefined) return `saved trace ${i + 1} has neither a file nor the trace`;
    sources.push({ id: r.id, origin: r.origin, ...(r.label !== undefined ? { label: r.label as string } : {}), ...(r.model !== undefined ? { model: r.model as string } : {}), ...(r.file !== undefined ? { file: r.file as string } : {}), ...(r.position !== undefined ? { position: r.position as number } : {}), ...(r.trace !== undefined ? { trace: r.trace as never } : {}) });
  }
  return { alignment: state.alignment === 'tokens' ? 'tokens' : 'index', sources };
}

function fileUri(file: string): vscode.Uri {
  return file.includes('://') ? vscode.Uri.parse(file) : vscode.Uri.file(file);
}

/** The trace `source` names, read again; or a sentence saying why it cannot be. */
async function readSource(lens: Lens, source: CompareSource, files: Map<string, Promise<LoadedTraces | string>>): Promise<CompareItem | string> {
  const name = source.label ?? source.model ?? source.id;
  const labelled = source.label ? { label: source.label } : {};
  if (source.file === undefined) {
    const checked = validateTrace(source.trace);
    if (!checked.ok) return `${name} (${source.origin}): the saved copy is not a valid trace (${checked.errors[0]?.field}: ${checked.errors[0]?.message}).`;
    return { trace: checked.trace, origin: source.origin, ...labelled };
  }
  const uri = fileUri(source.file);
  const shown = vscode.workspace.asRelativePath(uri);
  let loading = files.get(source.file);
  if (!loading) {
    loading = (async () => {
      try {
        await vscode.workspace.fs.stat(uri);
      } catch {
        return `${shown} is gone (moved or deleted)`;
      }
      try {
        return await lens.readTraces(uri, { any: true });
      } catch (err) {
        return `${shown} could not be read (${err instanceof Error ? err.message : String(err)})`;
      }
    })();
    files.set(source.file, loading);
  }
  const loaded = await loading;
  if (typeof loaded === 'string') return `${name} (${source.origin}): ${loaded}.`;
  const at = source.position !== undefined && loaded.traces[source.position]?.id === source.id ? source.position : loaded.traces.findIndex((t) => t.id === source.id);
  if (at < 0) return `${name} (${source.origin}): ${shown} no longer holds a trace with id ${source.id} (the file changed).`;
  return { trace: loaded.traces[at], origin: source.origin, file: uri, position: at, ...labelled };
}

/** Restores a compare panel from its saved state: the comparison, or the panel saying why not. */
export async function restoreCompareView(lens: Lens, panel: vscode.WebviewPanel, state: unknown): Promise<CompareView | UnavailableComparison> {
  const saved = parseSavedComparison(state);
  if (typeof saved === 'string') return new UnavailableComparison(lens, panel, `This comparison cannot be restored: ${saved}. Open it again with the Compare Traces command.`, []);
  const files = new Map<string, Promise<LoadedTraces | string>>();
  const read = await Promise.all(saved.sources.map((s) => readSource(lens, s, files)));
  const items = read.filter((r): r is CompareItem => typeof r !== 'string');
  const missing = read.filter((r): r is string => typeof r === 'string');
  for (const m of missing) lens.log.warn(`Restoring "${terminalSafeLine(panel.title)}": ${terminalSafeLine(m)}`);
  if (items.length >= 2) return CompareView.show(lens, items, { panel, alignment: saved.alignment, missing });
  return new UnavailableComparison(lens, panel, `This comparison cannot be restored: ${items.length === 0 ? 'none of its traces' : 'only one of its traces'} could be read again. It opens again by itself when the files are back and the window is reloaded, or compare other traces with the Compare Traces command.`, missing);
}

/** A restored compare panel with nothing to compare: the page shows why (message, one line per trace). */
export class UnavailableComparison implements vscode.Disposable {
  private readonly host: CompareHost;
  /** The page said it shows the message ('shown' with 0 traces). */
  readonly stats = { shown: false };

  constructor(
    lens: Lens,
    readonly panel: vscode.WebviewPanel,
    readonly message: string,
    readonly missing: readonly string[],
  ) {
    this.host = compareHost(lens, panel, () => this.host.post({ type: 'unavailable', message, missing: [...missing] }), (m) => {
      if (m.type === 'shown') this.stats.shown = m.traces === 0;
      else if (m.type === 'open-trace') throw new Error('This comparison has no traces to open.');
    });
    panel.onDidDispose(() => this.dispose());
    lens.log.info(`Compare view "${terminalSafeLine(panel.title)}" not restored: ${terminalSafeLine(message)}`);
  }

  get hostStats(): Readonly<CompareHost['stats']> {
    return this.host.stats;
  }

  dispose(): void {
    this.host.dispose();
  }
}
