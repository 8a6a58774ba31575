/**
 * "Annotate Dataset…": the resumable, multi-host dataset job (src/runs/dataset/job.ts) from
 * VS Code. A problem set (JSON/JSONL without outputs, CSV, Parquet) is solved live: it asks for
 * the model(s) (multi-select from the server's list) and the budget. A file of existing traces
 * is annotated offline with no model, or probed for progress with one model when the user
 * picks a sample count. Hosts come from `reasoningLens.hosts` (default: the one
 * `reasoningLens.host`); when it lists several, the user picks which to use (all by default). The output is `<name>.annotated.trace.jsonl` beside the input (in the
 * trace folder for inputs outside the workspace); when it exists: Resume / Overwrite / Cancel.
 * Runs under a cancellable notification (count, rate, ETA); finished records are kept whatever
 * happens, and the dataset view opens at the end.
 *
 * The argument is nothing (palette: ask everything), a file or folder Uri (Explorer: ask only
 * the rest), or a DatasetJobRequest answering every question in advance (tests, scripts).
 */
import * as vscode from 'vscode';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import * as nodePath from 'node:path';
import type { BudgetPolicy } from '../../core/trace';
import type { DatasetJobResult, JobEvent } from '../../runs/dataset/job';
import { BUDGET_PRESETS, describePolicy } from '../trace/budgetPresets';
import type { Lens } from '../trace/lens';
import { validateBudgetPolicy } from '../settings';
import { annotatedOutputIn, JobProgress, parseJobRequest, readHostsSetting, type DatasetJobRequest } from './jobPlan';

const TITLE = 'Reasoning Lens: Annotate Dataset';

export async function annotateDatasetCommand(lens: Lens, raw?: unknown): Promise<DatasetJobResult | undefined> {
  let request: Partial<DatasetJobRequest> = {};
  if (raw instanceof vscode.Uri) {
    if (raw.scheme !== 'file') throw new Error(`Annotate Dataset runs on files on disk only (got ${raw.toString()}).`);
    request.input = raw.fsPath;
  } else if (raw !== undefined && raw !== null) {
    const parsed = parseJobRequest(raw);
    if (!parsed.ok) throw new Error(`Annotate Dataset: bad argument: ${parsed.error}`);
    request = parsed.request;
  }
  const input = request.input ?? (await pickInput());
  if (!input) return undefined;
  if (!existsSync(input)) throw new Error(`${input} does not exist.`);

  const s = lens.settings();
  const hostsSetting = readHostsSetting(vscode.workspace.getConfiguration('reasoningLens').get('hosts'), s.host);
  if (hostsSetting.problem) {
    lens.log.warn(hostsSetting.problem);
    void vscode.window.showWarningMessage(`Reasoning Lens: ${hostsSetting.problem}`);
  }
  let hosts = hostsSetting.hosts;
  if (request.hosts) {
    const given = readHostsSetting(request.hosts, s.host);
    if (given.problem) throw new Error(`Annotate Dataset: ${given.problem.replace('reasoningLens.hosts', 'hosts')}`);
    hosts = given.hosts;
  }

  const { loadInput } = await import('../../runs/dataset/input.js');
  let kind: 'problems' | 'traces';
  try {
    kind = (await loadInput(input)).kind;
  } catch (err) {
    throw new Error(`${input}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const samples = request.samples ?? (await pickSamples(s.samplesPerProbe, kind));
  if (samples === undefined) return undefined;
  const needsModel = kind === 'problems' || samples > 0;
  let models: string[] = [];
  if (needsModel) {
    // Several servers configured: pick which to use this time (all by default). Offline needs none.
    if (!request.hosts && hosts.length > 1) {
      const pickedHosts = await pickHosts(hosts);
      if (!pickedHosts || pickedHosts.length === 0) return undefined;
      hosts = pickedHosts;
    }
    // Existing traces are probed with one model (the job uses the first); problem sets may compare several.
    const picked = request.models ?? (await pickModels(lens, hosts[0], s.model, kind === 'problems'));
    if (!picked || picked.length === 0) return undefined;
    models = picked;
  }
  // Budgets shape generation; existing traces are not regenerated.
  let budget: BudgetPolicy = s.defaultBudget;
  if (kind === 'problems') {
    const chosen = request.budget ?? (await pickBudget(s.defaultBudget));
    if (!chosen) return undefined;
    budget = chosen;
  }

  const output = await chooseOutput(lens, input);
  let resume = false;
  let force = false;
  if (existsSync(output) && statSync(output).size > 0) {
    const choice = request.ifExists ?? (await askExisting(output));
    if (!choice) return undefined;
    resume = choice === 'resume';
    force = choice === 'overwrite';
  }

  // Only what shapes the records goes into the job's configuration (and its hash), in the same
  // shape as the CLI's, so a job started by either can be resumed by the other.
  const base = {
    input,
    output,
    ...(models.length ? { models } : {}),
    hosts,
    ...(samples > 0
      ? { samples, probe: { concurrency: s.probeConcurrency, ...(s.forcedStopText ? { forcedStopText: s.forcedStopText } : {}), ...(s.answerPrefix ? { answerPrefix: s.answerPrefix } : {}) } }
      : {}),
    ...(kind === 'problems' && Object.keys(budget).length ? { budget } : {}),
    segment: { mode: s.segmentationMode, ...(s.markers.length ? { markers: s.markers } : {}) },
    // Silence between chunks; the first chunk (model loading) gets max(10 min, idleMs), short requests connectMs.
    idleTimeoutMs: s.idleTimeoutMs,
    requestTimeoutMs: s.connectTimeoutMs,
  };
  lens.log.info(`Dataset job ${input} → ${output}: ${kind}, models ${models.join(', ') || '(none)'}, hosts ${hosts.join(', ')}, samples ${samples}, budget ${describePolicy(budget)}${resume ? ', resuming' : force ? ', starting over' : ''}`);

  const { runDatasetJob, JobConfigError, inputReportLines } = await import('../../runs/dataset/job.js');
  const name = nodePath.basename(input);
  const run = (opts: { resume: boolean; force: boolean }) =>
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Reasoning Lens: annotating ${name}`, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        const line = new JobProgress(progress);
        const ticker = setInterval(() => line.tick(), 1000);
        const onEvent = (e: JobEvent) => {
          if (e.type === 'start') {
            lens.log.info(`Dataset job ${input}: ${e.total} records, ${e.alreadyDone} already done, ${e.todo} to do, ${e.issues} unusable`);
            line.start(e.todo);
          } else if (e.type === 'record') {
            line.record(e.done, e.ok);
          } else if (e.type === 'host-failed') {
            lens.log.warn(`Dataset job: host ${e.host} ${e.removed ? 'left the rotation' : 'failed, backing off'}: ${e.message}`);
          } else lens.log.warn(`Dataset job: ${e.message}`);
        };
        try {
          return await runDatasetJob({ ...base, ...opts, signal: controller.signal, onEvent });
        } finally {
          clearInterval(ticker);
          sub.dispose();
        }
      },
    );

  let result: DatasetJobResult;
  try {
    try {
      result = await run({ resume, force });
    } catch (err) {
      if (!(err instanceof JobConfigError) || !/configuration changed|no job file|unreadable job sidecar/.test(err.message)) throw err;
      lens.log.warn(err.message);
      const go = await vscode.window.showWarningMessage(
        `${err.message.split('\n')[0]}`,
        { modal: true, detail: `${err.message}\n\nContinuing keeps the finished records as they are and does the rest with the current settings.` },
        'Continue with the Current Settings',
      );
      if (!go) return undefined;
      result = await run({ resume: true, force: true });
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    lens.log.error(`Dataset job ${input} failed: ${err instanceof Error && err.stack ? err.stack : message}`);
    const kept = existsSync(output) && statSync(output).size > 0;
    const actions = kept ? ['Show Dataset', 'Show Log'] : ['Show Log'];
    void vscode.window.showErrorMessage(`${TITLE}: ${message}${kept ? ' Finished records are kept; run it again and choose Resume.' : ''}`, ...actions).then((c) => {
      if (c === 'Show Dataset') void showDataset(lens, output);
      else if (c === 'Show Log') lens.log.show();
    });
    return undefined;
  }

  for (const line of inputReportLines(result)) lens.log.warn(line);
  if (result.message) lens.log.warn(result.message);
  const summary = jobSummary(result);
  lens.log.info(`Dataset job ${input}: ${summary}`);
  if (request.open !== false && existsSync(output) && statSync(output).size > 0) await showDataset(lens, output);
  const warn = result.status !== 'done' || result.inputIssues.length > 0 || result.inputWarnings.length > 0 || result.withErrors > 0;
  const show = warn ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  void show(`${TITLE}: ${summary}`, ...(warn ? ['Show Log'] : [])).then((c) => {
    if (c) lens.log.show();
  });
  return result;
}

export function jobSummary(r: DatasetJobResult): string {
  const acc = r.report?.report.overall.accuracy;
  const parts = [
    r.status === 'done' ? 'done' : r.status === 'cancelled' ? 'cancelled (finished records kept; run again and Resume)' : `stopped: ${r.message ?? 'see the log'}`,
    `${r.written} written`,
  ];
  if (r.alreadyDone) parts.push(`${r.alreadyDone} already done`);
  if (r.withErrors) parts.push(`${r.withErrors} with errors`);
  if (r.abandoned.length) parts.push(`${r.abandoned.length} left for a resume`);
  if (r.inputIssues.length) parts.push(`${r.inputIssues.length} input records skipped`);
  if (r.inputWarnings.length) parts.push(`${r.inputWarnings.length} input warnings (see the log)`);
  if (acc !== undefined && acc !== null) parts.push(`accuracy ${(100 * acc).toFixed(1)}%`);
  return `${parts.join(', ')} in ${(r.elapsedMs / 1000).toFixed(1)} s`;
}

async function showDataset(lens: Lens, output: string): Promise<void> {
  const { DatasetView } = await import('./datasetView.js');
  DatasetView.show(lens, vscode.Uri.file(output));
}

async function pickInput(): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: TITLE,
    openLabel: 'Annotate',
    canSelectMany: false,
    canSelectFiles: true,
    canSelectFolders: true,
    filters: { 'Problem sets and traces': ['jsonl', 'ndjson', 'json', 'csv', 'parquet', 'eval'], 'All files': ['*'] },
  });
  const uri = picked?.[0];
  if (!uri) return undefined;
  if (uri.scheme !== 'file') throw new Error('Annotate Dataset runs on files on disk only.');
  return uri.fsPath;
}

/**
 * Beside the input when it lies in an open workspace folder that is writable; otherwise (shared
 * data sets, read-only folders) in the trace folder. The name is fixed, so a rerun finds it to resume.
 */
async function chooseOutput(lens: Lens, input: string): Promise<string> {
  const folder = nodePath.dirname(input);
  let beside = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(input)) !== undefined;
  if (beside) {
    try {
      accessSync(folder, constants.W_OK);
    } catch {
      beside = false;
    }
  }
  if (beside) return annotatedOutputIn(folder, input);
  const store = lens.store.folder();
  await vscode.workspace.fs.createDirectory(store);
  lens.log.info(`${input} is outside the workspace (or read-only): the annotated traces go to ${store.fsPath}`);
  return annotatedOutputIn(store.fsPath, input);
}

async function askExisting(output: string): Promise<'resume' | 'overwrite' | undefined> {
  const choice = await vscode.window.showWarningMessage(
    `${nodePath.basename(output)} already exists.`,
    { modal: true, detail: `${output}\n\nResume skips the records it already holds and does the rest. Overwrite starts over and replaces it.` },
    'Resume',
    'Overwrite',
  );
  return choice === 'Resume' ? 'resume' : choice === 'Overwrite' ? 'overwrite' : undefined;
}

async function pickHosts(hosts: string[]): Promise<string[] | undefined> {
  const picked = await vscode.window.showQuickPick(
    hosts.map((h) => ({ label: h, picked: true })),
    { title: `${TITLE}: servers (reasoningLens.hosts)`, placeHolder: 'Records are spread over the picked servers by free capacity', canPickMany: true },
  );
  return picked?.map((p) => p.label);
}

interface ModelPick extends vscode.QuickPickItem {
  model: string;
}

/** Several models may be picked: every problem then runs once per model and the view compares them. */
async function pickModels(lens: Lens, host: string, current: string, several: boolean): Promise<string[] | undefined> {
  const { createBackend } = await import('../../model/backend-factory.js');
  let names: { name: string; detail?: string }[] = [];
  try {
    const listed = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Reasoning Lens: listing models on ${host}…` }, () => createBackend(host).list());
    names = listed.map((m) => ({ name: m.name, detail: [m.parameterSize, m.family].filter(Boolean).join(' · ') }));
  } catch (err) {
    lens.log.warn(`Listing models on ${host} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (names.length === 0) {
    // No list (server down, or an OpenAI-compatible server without /v1/models): type the names.
    const typed = await vscode.window.showInputBox({
      title: `${TITLE}: ${several ? 'model(s)' : 'model for the probes'}`,
      prompt: `Could not list the models on ${host}. ${several ? 'Model names, comma-separated:' : 'Model name:'}`,
      value: current,
      validateInput: (v) => (v.split(',').some((m) => m.trim()) ? undefined : 'Name at least one model.'),
    });
    const names = typed?.split(',').map((m) => m.trim()).filter(Boolean);
    return several ? names : names?.slice(0, 1);
  }
  const items: ModelPick[] = names.map((m) => ({ label: m.name, description: m.detail, model: m.name, picked: m.name === current }));
  if (!several) {
    const one = await vscode.window.showQuickPick(items, { title: `${TITLE}: model for the progress probes on ${host}`, matchOnDescription: true });
    return one ? [one.model] : undefined;
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: `${TITLE}: model(s) on ${host}`,
    placeHolder: 'Pick one model, or several to compare them (every problem runs once per model)',
    canPickMany: true,
    matchOnDescription: true,
  });
  return picked?.map((p) => p.model);
}

interface SamplesPick extends vscode.QuickPickItem {
  samples: number;
}

async function pickSamples(fromSettings: number, kind: 'problems' | 'traces'): Promise<number | undefined> {
  const options: [number, string][] = [
    [0, kind === 'traces' ? 'offline annotation only (fast, no model needed)' : 'no progress probes'],
    [2, kind === 'traces' ? 'rough μ (asks for a model next)' : 'rough μ'],
    [4, 'μ from 4 forced answers per episode'],
    [8, 'as in MRT'],
    [16, 'finer μ, slow'],
  ];
  if (!options.some(([n]) => n === fromSettings)) options.push([fromSettings, 'from settings']);
  const items: SamplesPick[] = options
    .sort((a, b) => a[0] - b[0])
    .map(([n, detail]) => ({ label: n === 0 ? '0 samples' : `${n} samples`, description: `${detail}${n === fromSettings ? ' (reasoningLens.samplesPerProbe)' : ''}`, samples: n }));
  // showQuickPick always starts on the first item ("0 samples"); the one from settings must be
  // the one Enter takes, so the pick is built by hand with it active.
  const pick = vscode.window.createQuickPick<SamplesPick>();
  pick.title = kind === 'traces' ? `${TITLE}: these are existing traces; probe their progress μ with a model?` : `${TITLE}: forced-answer samples per episode (progress μ)`;
  pick.placeholder = `Each sample is one short generation per episode boundary; settings say ${fromSettings}`;
  pick.items = items;
  pick.activeItems = items.filter((i) => i.samples === fromSettings);
  return new Promise<number | undefined>((resolve) => {
    let chosen: number | undefined;
    pick.onDidAccept(() => {
      chosen = pick.selectedItems[0]?.samples ?? pick.activeItems[0]?.samples;
      pick.hide();
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve(chosen);
    });
    pick.show();
  });
}

interface BudgetPick extends vscode.QuickPickItem {
  policy: BudgetPolicy | null;
}

async function pickBudget(fromSettings: BudgetPolicy): Promise<BudgetPolicy | undefined> {
  const items: BudgetPick[] = [
    { label: 'From settings', description: describePolicy(fromSettings), detail: 'reasoningLens.defaultBudget', policy: fromSettings },
    ...BUDGET_PRESETS.map((p) => ({ label: p.label, detail: p.detail, policy: p.policy })),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: `${TITLE}: thinking budget for every problem`, matchOnDetail: true });
  if (!picked) return undefined;
  if (picked.policy) return picked.policy;
  const text = await vscode.window.showInputBox({
    title: `${TITLE}: custom budget (JSON)`,
    value: JSON.stringify(fromSettings),
    prompt: 'e.g. {"maxThinkingTokens": 2048, "earlyStop": true}',
    validateInput: (v) => {
      try {
        const r = validateBudgetPolicy(JSON.parse(v), 'budget');
        return r.ok ? undefined : r.error;
      } catch (err) {
        return `not JSON: ${err instanceof Error ? err.message : String(err)}`;
      }
    },
  });
  if (text === undefined) return undefined;
  const r = validateBudgetPolicy(JSON.parse(text), 'budget');
  return r.ok ? r.policy : undefined;
}
