/**
 * The extension's services: settings, the model backend, live runs, trace views and the
 * status bar. Commands, the panel serializer and the custom editor all go through here.
 * Heavy modules (the model client, the run engine) are imported on first use, not at activation.
 */
import * as vscode from 'vscode';
import type { BudgetPolicy, Trace } from '../../core/trace';
import type { ModelBackend } from '../../model/types';
import type { ProbeSettings, SolveOptions } from '../../runs/contract';
import type { PersistedViewState, ProbeRequest, TraceOrigin } from '../../shared/protocol';
import { readSettings, type LensSettings } from '../settings';
import { LensStatusBar } from '../statusBar';
import { TraceStore } from './traceStore';
import { LiveRun } from './liveRun';
import { TraceView } from './traceView';
import { TraceSession, type SessionSource } from './session';
import { describePolicy } from './budgetPresets';
import { isJsonlName, parseTraceText, type LoadedTraces } from './traceFiles';
import { ArrayTraceList, listItem, OffsetTraceList, PickedTraceList, type TraceList } from './traceList';
import type { ReadProgress } from './traceReader';

/** Files at least this big show a progress notification while they are read. */
const PROGRESS_BYTES = 8_000_000;

/** A trace file as a trace view holds it (readTraceList). */
export interface LoadedTraceList {
  traces: TraceList;
  /** 1-based line of each trace (1 for a .json file). */
  lines: number[];
  problems: string[];
}
import { PANEL_VIEW_TYPE, panelTitle, reviewTitle } from './viewTypes';
import { writeUriAtomically } from '../writeUriAtomically';


export interface SolveRequest {
  problem: string;
  gold?: string | null;
  model?: string;
  budget?: BudgetPolicy;
  probe?: ProbeRequest | false;
  /** Show the run in this session's panel instead of a new one. */
  reuse?: TraceSession;
}

/** A run refused for its options before it started; `problems` name the fields ("budget.earlyStop.window: …"). */
export class RunRefused extends Error {
  constructor(readonly problems: string[]) {
    super(`The run was not started: ${problems.join('; ')}`);
    this.name = 'RunRefused';
  }
}

export class Lens implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  readonly statusBar: LensStatusBar;
  readonly store: TraceStore;
  readonly runs = new Map<string, LiveRun>();
  readonly sessions = new Set<TraceSession>();
  private lastActive: TraceSession | undefined;
  private cachedSettings: LensSettings | undefined;
  private listedModels: string[] | undefined;
  private backendCache: { key: string; backend: ModelBackend } | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly context: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('Reasoning Lens', { log: true });
    this.statusBar = new LensStatusBar();
    this.store = new TraceStore(context.globalStorageUri, () => this.settings().traceFolder);
    this.disposables.push(
      this.log,
      this.statusBar,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('reasoningLens')) return;
        this.cachedSettings = undefined;
        this.backendCache = undefined;
        const s = this.settings(true);
        this.statusBar.setModel(s.model);
        if (e.affectsConfiguration('reasoningLens.view')) {
          for (const session of this.sessions) if (session.view.isReady) session.view.post({ type: 'settings', settings: s.view });
        }
      }),
    );
    this.statusBar.setModel(this.settings().model);
    void vscode.commands.executeCommand('setContext', 'reasoningLens.running', false);
  }

  // ------------------------------------------------------------ settings and backend

  /** Current settings; invalid values fall back to defaults and are reported once per change. */
  settings(report = false): LensSettings {
    if (!this.cachedSettings || report) {
      const config = vscode.workspace.getConfiguration('reasoningLens');
      const { settings, problems } = readSettings((key) => config.get(key));
      this.cachedSettings = settings;
      if (problems.length) {
        for (const p of problems) this.log.warn(p);
        void vscode.window
          .showWarningMessage(`Reasoning Lens settings: ${problems[0]}${problems.length > 1 ? ` (+${problems.length - 1} more in the log)` : ''}`, 'Open Settings')
          .then((choice) => {
            if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'reasoningLens');
          });
      }
    }
    return this.cachedSettings;
  }

  async backend(): Promise<ModelBackend> {
    const s = this.settings();
    const key = `${s.host}|${s.connectTimeoutMs}|${s.idleTimeoutMs}`;
    if (this.backendCache?.key === key) return this.backendCache.backend;
    // The one factory: an `openai+` host speaks the OpenAI-compatible protocol, any other Ollama's.
    const { createBackend } = await import('../../model/backend-factory.js');
    const backend = createBackend(s.host, undefined, process.env, { timeoutMs: s.connectTimeoutMs, idleTimeoutMs: s.idleTimeoutMs });
    this.backendCache = { key, backend };
    return backend;
  }

  /** Probe settings for live runs from settings; false when samplesPerProbe is 0. */
  defaultProbe(): ProbeRequest | false {
    const n = this.settings().samplesPerProbe;
    return n > 0 ? { samples: n } : false;
  }

  probeSettings(probe: ProbeRequest): Partial<ProbeSettings> {
    const s = this.settings();
    // The live view keeps the quick probe (answer-now accuracy, 32 tokens); the trace names it.
    const out: Partial<ProbeSettings> = { recipe: 'quick', samples: probe.samples, concurrency: s.probeConcurrency };
    if (s.forcedStopText) out.forcedStopText = s.forcedStopText;
    if (s.answerPrefix) out.answerPrefix = s.answerPrefix;
    return out;
  }

  // ------------------------------------------------------------ runs

  /** The session the user looked at last (for Stop / Re-run from the palette). */
  activeSession(): TraceSession | undefined {
    if (this.lastActive && !this.lastActive.view.isDisposed) return this.lastActive;
    return [...this.sessions].pop();
  }

  liveRuns(): LiveRun[] {
    return [...this.runs.values()].filter((r) => r.live);
  }

  /**
   * Starts a solve and shows it. Options the run would refuse (a budget out of range, …) are
   * refused here, before anything runs: RunRefused is thrown, no trace is saved and no panel
   * changes. If another run is live, asks whether to stop it or run both. Returns undefined
   * when the user backed out.
   */
  async solve(request: SolveRequest): Promise<LiveRun | undefined> {
    const s = this.settings();
    const model = request.model ?? s.model;
    if (!model) throw new Error('No model selected. Run "Reasoning Lens: Select Model" first.');
    const probe = request.probe ?? this.defaultProbe();
    const options: SolveOptions = {
      problem: request.problem,
      model,
      gold: request.gold ?? null,
      budget: request.budget ?? s.defaultBudget,
      progress: probe ? this.probeSettings(probe) : false,
      segment: { mode: s.segmentationMode, ...(s.markers.length ? { markers: s.markers } : {}) },
      idleTimeoutMs: s.idleTimeoutMs,
    };
    const { startSolve, checkSolveOptions } = await import('../../runs/solve.js');
    const problems = checkSolveOptions(options);
    if (problems.length) {
      this.log.warn(`Run refused before it started: ${problems.join('; ')}`);
      throw new RunRefused(problems);
    }
    const live = this.liveRuns();
    if (live.length > 0) {
      const running = live.map((r) => `${r.options.model} (${r.tokens} tokens)`).join(', ');
      const choice = await vscode.window.showWarningMessage(
        `A solve is already running: ${running}. Stop it first, or run both?`,
        { modal: true, detail: 'Both runs share the Ollama server, so running in parallel makes each slower.' },
        'Stop and Start',
        'Run in Parallel',
      );
      if (!choice) return undefined;
      if (choice === 'Stop and Start') {
        for (const r of live) r.cancel();
        await Promise.all(live.map((r) => r.settled));
      }
    }
    const backend = await this.backend();
    const handle = startSolve(backend, options);
    const run = new LiveRun(handle, options, probe, (trace) => this.saveTrace(trace));
    this.runs.set(run.id, run);
    this.log.info(`Run ${run.id}: ${model}, budget ${describePolicy(options.budget ?? {})}, probes ${probe ? probe.samples : 'off'}`);
    this.trackRun(run);
    const reuse = request.reuse && !request.reuse.view.isDisposed && !request.reuse.file && !request.reuse.live() ? request.reuse : undefined;
    if (reuse) {
      reuse.replace({ kind: 'run', run });
      reuse.view.panel.title = this.uniqueTitle(panelTitle(run.trace()), reuse.view.panel);
      // Where it is: reveal() without a column would move the panel to the active group.
      reuse.view.panel.reveal(reuse.view.panel.viewColumn, true);
    } else this.openPanel({ kind: 'run', run }, panelTitle(run.trace()));
    return run;
  }

  private trackRun(run: LiveRun): void {
    const update = () => {
      const live = this.liveRuns();
      const newest = live[live.length - 1];
      this.statusBar.setRun(newest ? { model: newest.options.model, tokens: newest.tokens, status: newest.status } : undefined, live.length);
      void vscode.commands.executeCommand('setContext', 'reasoningLens.running', live.length > 0);
    };
    // The status bar needs no more than a few updates a second.
    let last = 0;
    const unsubscribe = run.subscribe((e) => {
      const now = Date.now();
      if (e.type === 'status' || now - last > 250) {
        last = now;
        update();
      }
    });
    update();
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Reasoning Lens: solving with ${run.options.model}` },
      async () => {
        try {
          const trace = await run.settled;
          const stop = trace.budget?.stop ?? (trace.error ? 'error' : 'done');
          this.log.info(`Run ${run.id} ended (${stop}); trace saved to ${run.savedTo}`);
          if (trace.error && stop !== 'cancelled') {
            const why = trace.error.replace(/[.\s]+$/, '');
            void vscode.window.showErrorMessage(`Reasoning Lens: the run ended with an error: ${why}. The partial trace was saved.`, 'Show Log').then((c) => {
              if (c) this.log.show();
            });
          }
        } finally {
          unsubscribe();
          update();
        }
      },
    );
  }

  private async saveTrace(trace: Trace): Promise<string> {
    try {
      const uri = await this.store.save(trace);
      return uri.fsPath;
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      this.log.error(`Could not save trace ${trace.id}: ${msg}`);
      // Never lose a trace: fall back to global storage.
      try {
        const folder = vscode.Uri.joinPath(this.context.globalStorageUri, 'traces');
        await vscode.workspace.fs.createDirectory(folder);
        const uri = vscode.Uri.joinPath(folder, `${Date.now()}-${trace.id.replace(/[^A-Za-z0-9._-]+/g, '_')}.trace.json`);
        await writeUriAtomically(uri, Buffer.from(JSON.stringify(trace) + '\n', 'utf8'));
        return uri.fsPath;
      } catch (err2) {
        void vscode.window.showErrorMessage(`Reasoning Lens could not save the trace: ${msg}`);
        this.log.error(`Fallback save failed too: ${String(err2)}`);
        return '';
      }
    }
  }

  // ------------------------------------------------------------ views

  /** A new trace panel (WebviewPanel) showing `source`. */
  openPanel(source: SessionSource, wanted: string, existing?: vscode.WebviewPanel): TraceSession {
    const title = existing ? wanted : this.uniqueTitle(wanted);
    const panel =
      existing ??
      vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableScripts: true,
        // Not retained: a hidden panel drops its page, and TraceView replays a snapshot on 'ready'.
        retainContextWhenHidden: false,
        enableFindWidget: true,
      });
    return this.attachSession(panel, source, title);
  }

  /** The open view walking `file`'s review queue (one restored after a window reload, say), if any. */
  queueSession(file: vscode.Uri): TraceSession | undefined {
    return [...this.sessions].find((s) => !s.view.isDisposed && s.queue !== undefined && s.file?.toString() === file.toString());
  }

  /** `title`, or `title (2)`, `(3)`…: two tabs showing the same problem must be told apart. */
  uniqueTitle(title: string, except?: vscode.WebviewPanel): string {
    const taken = new Set([...this.sessions].filter((s) => !s.view.isDisposed && s.view.panel !== except).map((s) => s.view.panel.title));
    if (!taken.has(title)) return title;
    for (let n = 2; ; n++) if (!taken.has(`${title} (${n})`)) return `${title} (${n})`;
  }

  attachSession(panel: vscode.WebviewPanel, source: SessionSource, title: string): TraceSession {
    let session: TraceSession | undefined;
    const view = new TraceView(panel, {
      extensionUri: this.context.extensionUri,
      log: this.log,
      title,
      viewSettings: () => this.settings().view,
      models: () => this.serverModels(),
      onMessage: (message) => session?.handle(message),
    });
    session = new TraceSession(view, this, source);
    const s = session;
    this.sessions.add(s);
    this.lastActive = s;
    panel.onDidChangeViewState((e) => {
      if (e.webviewPanel.active) this.lastActive = s;
    });
    view.onDidDispose(() => {
      this.sessions.delete(s);
      if (this.lastActive === s) this.lastActive = undefined;
    });
    return s;
  }

  /** Restores a panel after a window reload from the state the webview persisted. */
  async restorePanel(panel: vscode.WebviewPanel, state: PersistedViewState | undefined): Promise<void> {
    const origin = state?.origin;
    if (origin?.file) {
      try {
        const uri = origin.file.includes('://') ? vscode.Uri.parse(origin.file) : vscode.Uri.file(origin.file);
        const loaded = await this.readTraceList(uri);
        const queue = restoredQueue(origin, loaded.traces.length);
        if (queue) {
          // A review queue's panel walks the queue again, not the whole file.
          const selected = Math.max(0, queue.indexOf(origin.index ?? -1));
          this.attachSession(panel, { kind: 'traces', traces: new PickedTraceList(loaded.traces, queue), selected, file: uri, queue: { indexes: queue }, title: reviewTitle }, panel.title);
          return;
        }
        if (loaded.traces.length) {
          const selected = Math.min(origin.index ?? 0, loaded.traces.length - 1);
          this.attachSession(panel, { kind: 'traces', traces: loaded.traces, selected, file: uri }, panel.title);
          return;
        }
      } catch (err) {
        this.log.warn(`Could not reopen ${origin.file}: ${String(err)}`);
      }
    }
    if (state?.trace) {
      const { validateTrace } = await import('../../core/schema.js');
      const checked = validateTrace(state.trace);
      if (checked.ok) {
        this.attachSession(panel, { kind: 'traces', traces: [checked.trace], selected: 0 }, panel.title);
        return;
      }
      this.log.warn(`Restored panel state holds an invalid trace: ${checked.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
    }
    panel.dispose();
  }

  /**
   * Reads a trace file off the host's critical path (traceReader.ts: streamed, the loop yields
   * every few ms). `any`: also raw model outputs, annotated offline (the dataset view).
   * Files over PROGRESS_BYTES show a notification with the share read. Keeps every trace: for
   * the trace editor, readTraceList keeps a `.jsonl` as line places instead.
   */
  async readTraces(uri: vscode.Uri, opts: { any?: boolean; onFirstPage?: (traces: readonly Trace[], progress: ReadProgress) => void } = {}): Promise<LoadedTraces> {
    const name = uri.path.split('/').pop() ?? uri.path;
    if (uri.scheme !== 'file') {
      const bytes = await vscode.workspace.fs.readFile(uri);
      return parseTraceText(Buffer.from(bytes).toString('utf8'), name);
    }
    const { readAnyTraces, readTraceFile } = await import('./traceReader.js');
    const s = this.settings();
    const segment = { mode: s.segmentationMode, ...(s.markers.length ? { markers: s.markers } : {}) };
    return this.withReadProgress(uri, (onProgress) =>
      opts.any ? readAnyTraces(uri.fsPath, { segment, onProgress, onFirstPage: opts.onFirstPage }) : readTraceFile(uri.fsPath, { onProgress, onFirstPage: opts.onFirstPage }),
    );
  }

  /**
   * The traces of a trace file for a trace view: a `.jsonl` on disk is indexed (each trace's
   * line place and picker item; the host keeps no parsed trace, and parses the one shown), any
   * other file is read whole as readTraces does.
   */
  async readTraceList(uri: vscode.Uri): Promise<LoadedTraceList> {
    const name = uri.path.split('/').pop() ?? uri.path;
    if (uri.scheme !== 'file' || !isJsonlName(name)) {
      const loaded = await this.readTraces(uri);
      return { traces: new ArrayTraceList(loaded.traces), lines: loaded.lines, problems: loaded.problems };
    }
    // Indexed in the worker (the host parses nothing; validation uses the build-time generated
    // validator, so nothing compiles the schema); on the host, in slices, if the worker fails.
    const path = uri.fsPath;
    try {
      const { indexedTraceList, runPayloadWorker } = await import('../dataset/payloadInWorker.js');
      const workerFile = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'payloadWorker.js').fsPath;
      const result = await this.withReadProgress(uri, (onProgress) => runPayloadWorker(workerFile, { path, where: { file: path, name }, index: true, report: false }, { onProgress }));
      if (result.summary) return { traces: indexedTraceList(path, result.rows, result.summary), lines: result.summary.places.map((p) => p.line), problems: result.problems };
    } catch (err) {
      this.log.warn(`${path}: the index worker failed (${err instanceof Error ? err.message : String(err)}); indexing it here`);
    }
    const { indexTraceFile } = await import('./traceReader.js');
    const index = await this.withReadProgress(uri, (onProgress) => indexTraceFile(path, listItem, { onProgress }));
    const items = index.summaries;
    return { traces: new OffsetTraceList(uri.fsPath, index.places, index.ids, (i) => items[i], index.stamp, index.digests), lines: index.places.map((p) => p.line), problems: index.problems };
  }

  /** Runs a read, with a notification showing its progress when the file is over PROGRESS_BYTES. */
  async withReadProgress<T>(uri: vscode.Uri, read: (onProgress?: (p: ReadProgress) => void) => Promise<T>): Promise<T> {
    const name = uri.path.split('/').pop() ?? uri.path;
    let size = 0;
    try {
      size = (await vscode.workspace.fs.stat(uri)).size;
    } catch {
      // the reader reports a missing file
    }
    if (size < PROGRESS_BYTES) return read();
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Reasoning Lens: reading ${name}` }, async (progress) => {
      let shown = 0;
      return read((p) => {
        const share = p.totalBytes > 0 ? Math.min(100, (100 * p.bytes) / p.totalBytes) : 0;
        progress.report({ increment: share - shown, message: `${Math.round(share)}% of ${(p.totalBytes / 1e6).toFixed(0)} MB · ${p.traces} traces` });
        shown = share;
      });
    });
  }

  // ------------------------------------------------------------ requests from views

  async rerun(from: TraceSession, request: { budget: BudgetPolicy; probe: ProbeRequest | false; model?: string }): Promise<void> {
    const trace = from.trace();
    const run = await this.solve({
      problem: trace.problem,
      gold: trace.gold ?? null,
      model: request.model ?? trace.model ?? undefined,
      budget: request.budget,
      probe: request.probe,
      reuse: from,
    });
    // When the re-run ends, the original and the re-run open side by side (Compare Traces).
    if (run) void import('../compare/entries.js').then((m) => m.compareAfterRerun(this, trace, run));
  }

  async annotateProgress(from: TraceSession, probe: ProbeRequest, model?: string): Promise<void> {
    const { annotateProgressCommand } = await import('../commands/annotateProgress.js');
    await annotateProgressCommand(this, from, probe, model);
  }

  /** The server's model names as last listed (connection check, Select Model), the selected one first. */
  serverModels(): string[] | undefined {
    if (!this.listedModels) return undefined;
    const current = this.settings().model;
    const matched = this.listedModels.find((n) => n === current || n === `${current}:latest`);
    return matched ? [matched, ...this.listedModels.filter((n) => n !== matched)] : [...this.listedModels];
  }

  /** Records a fresh model list and gives it to every open view (their model fields). */
  setServerModels(names: string[]): void {
    this.listedModels = [...names];
    const models = this.serverModels() ?? [];
    for (const session of this.sessions) if (session.view.isReady) session.view.post({ type: 'models', models });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** On deactivate: stop live runs and wait (bounded) for their partial traces to be saved. */
  async shutdown(): Promise<void> {
    const live = this.liveRuns();
    for (const r of live) r.cancel();
    await Promise.race([Promise.all(live.map((r) => r.settled)), new Promise((r) => setTimeout(r, 3000))]);
    this.dispose();
  }
}

/** The review queue a restored view walked, when its saved places still fit the file (state is the page's: checked). */
function restoredQueue(origin: TraceOrigin, length: number): number[] | undefined {
  const queue = origin.queue;
  if (!Array.isArray(queue) || queue.length === 0) return undefined;
  return queue.every((i) => Number.isInteger(i) && i >= 0 && i < length) ? [...queue] : undefined;
}
