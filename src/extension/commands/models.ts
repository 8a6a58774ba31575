/** Select Model, Pull Model, Check Ollama Connection, and the status bar menu. */
import * as vscode from 'vscode';
import { ModelError, type ModelInfo, type ModelSummary } from '../../model/types';
import type { Lens } from '../trace/lens';

interface ModelItem extends vscode.QuickPickItem {
  model?: string;
  thinking?: boolean;
  action?: 'pull' | 'settings';
}

/** Lists the server's models (with thinking capability) and returns the one picked. */
export async function pickModel(lens: Lens, opts: { save: boolean }): Promise<string | undefined> {
  const backend = await lens.backend();
  let models: ModelSummary[];
  try {
    models = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Reasoning Lens: listing models on ${backend.host}…` },
      () => backend.list(),
    );
  } catch (err) {
    await reportModelError(lens, err, 'list the models');
    return undefined;
  }
  lens.setServerModels(models.map((m) => m.name));
  // /api/tags carries no capabilities; /api/show does. A few requests at once are fine locally.
  const infos = new Map<string, ModelInfo>();
  await Promise.all(
    models.map(async (m) => {
      try {
        infos.set(m.name, await backend.show(m.name));
      } catch (err) {
        lens.log.warn(`show ${m.name} failed: ${String(err)}`);
      }
    }),
  );
  const current = lens.settings().model;
  const items: ModelItem[] = models
    .map((m): ModelItem => {
      const info = infos.get(m.name);
      const thinking = info ? (info.supportsThinking ? `$(lightbulb) thinking${info.thinkLevels.length ? ` (${info.thinkLevels.join('/')})` : ''}` : 'no thinking') : 'capabilities unknown';
      return {
        label: m.name === current ? `$(check) ${m.name}` : m.name,
        description: [thinking, info?.parameterSize ?? m.parameterSize, formatBytes(m.size)].filter(Boolean).join(' · '),
        model: m.name,
        thinking: info?.supportsThinking ?? false,
      };
    })
    // Thinking models first: they are what this extension is for.
    .sort((a, b) => Number(b.thinking) - Number(a.thinking));
  items.push({ label: '$(cloud-download) Pull a model…', action: 'pull' }, { label: '$(gear) Change the server (reasoningLens.host)…', action: 'settings' });
  const picked = await vscode.window.showQuickPick(items, {
    title: `Reasoning Lens: models on ${backend.host}`,
    placeHolder: models.length ? 'Pick a reasoning model (thinking models first; "thinking" marks them)' : 'The server has no models yet: pull one',
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  if (picked.action === 'pull') {
    const pulled = await pullModelCommand(lens);
    if (pulled && opts.save) await saveModel(lens, pulled);
    return pulled;
  }
  if (picked.action === 'settings') {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'reasoningLens.host');
    return undefined;
  }
  const model = picked.model!;
  const info = infos.get(model);
  if (info && !info.supportsThinking) {
    void vscode.window.showWarningMessage(`${model} does not report the "thinking" capability: its reasoning may arrive inline or not at all.`);
  }
  if (opts.save) await saveModel(lens, model);
  return model;
}

async function saveModel(lens: Lens, model: string): Promise<void> {
  await vscode.workspace.getConfiguration('reasoningLens').update('model', model, vscode.ConfigurationTarget.Global);
  lens.statusBar.setModel(model);
  lens.log.info(`Model set to ${model}`);
}

export async function selectModelCommand(lens: Lens): Promise<void> {
  await pickModel(lens, { save: true });
}

/** Pulls a model with a cancellable progress notification; returns its name when done. */
export async function pullModelCommand(lens: Lens, raw?: unknown): Promise<string | undefined> {
  const name =
    typeof raw === 'string'
      ? raw
      : await vscode.window.showInputBox({
          title: 'Reasoning Lens: Pull Model',
          prompt: 'Model name as on ollama.com/library, e.g. qwen3:1.7b or deepseek-r1:1.5b',
          placeHolder: 'qwen3:1.7b',
          ignoreFocusOut: true,
          validateInput: (v) => (/^[A-Za-z0-9][\w.\-/]*(:[\w.\-]+)?$/.test(v.trim()) ? undefined : 'Use a name like qwen3:1.7b'),
        });
  if (!name) return undefined;
  const model = name.trim();
  const backend = await lens.backend();
  const controller = new AbortController();
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Pulling ${model}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => controller.abort());
        let lastPct = 0;
        await backend.pull(
          model,
          (p) => {
            if (p.total && p.completed !== undefined) {
              const pct = Math.floor((100 * p.completed) / p.total);
              progress.report({ message: `${p.status} ${pct}%`, increment: Math.max(0, pct - lastPct) });
              lastPct = pct;
            } else progress.report({ message: p.status });
          },
          controller.signal,
        );
      },
    );
  } catch (err) {
    if (controller.signal.aborted) {
      void vscode.window.showInformationMessage(`Reasoning Lens: pulling ${model} was cancelled.`);
      return undefined;
    }
    await reportModelError(lens, err, `pull ${model}`);
    return undefined;
  }
  void vscode.window.showInformationMessage(`Reasoning Lens: ${model} is ready.`);
  lens.log.info(`Pulled ${model}`);
  return model;
}

/** Checks the server and the configured model; returns true when both are usable. */
export async function checkConnectionCommand(lens: Lens, opts: { quiet?: boolean } = {}): Promise<boolean> {
  const backend = await lens.backend();
  const model = lens.settings().model;
  try {
    const version = await backend.version();
    lens.statusBar.setServer({ kind: 'ok', version });
    const models = await backend.list();
    const names = models.map((m) => m.name);
    lens.setServerModels(names);
    lens.log.info(`Ollama ${version} at ${backend.host}: ${names.length} models`);
    if (opts.quiet) return true;
    if (!model) {
      const c = await vscode.window.showInformationMessage(`Ollama ${version} is reachable at ${backend.host} (${names.length} models). No model is selected yet.`, 'Select Model');
      if (c) await selectModelCommand(lens);
      return true;
    }
    if (!names.some((n) => n === model || n === `${model}:latest`)) {
      const c = await vscode.window.showWarningMessage(`Ollama ${version} is reachable at ${backend.host}, but the model "${model}" is not installed.`, 'Pull Model', 'Select Model');
      if (c === 'Pull Model') await pullModelCommand(lens, model);
      else if (c === 'Select Model') await selectModelCommand(lens);
      return false;
    }
    void vscode.window.showInformationMessage(`Ollama ${version} is reachable at ${backend.host}; model ${model} is installed.`);
    return true;
  } catch (err) {
    const message = errorMessage(err);
    lens.statusBar.setServer({ kind: 'down', message });
    lens.log.warn(`Connection check failed: ${message}`);
    if (!opts.quiet) await reportModelError(lens, err, 'reach the Ollama server');
    return false;
  }
}

/** Shows a model error with the action that fixes it. */
export async function reportModelError(lens: Lens, err: unknown, what: string): Promise<void> {
  const message = errorMessage(err);
  lens.log.error(`Could not ${what}: ${message}`);
  const kind = err instanceof ModelError ? err.kind : 'unknown';
  if (kind === 'unreachable' || kind === 'not-ollama' || kind === 'timeout') lens.statusBar.setServer({ kind: 'down', message });
  const actions: string[] =
    kind === 'unreachable' || kind === 'not-ollama' || kind === 'timeout'
      ? ['Open Settings', 'Show Log']
      : kind === 'model-missing'
        ? ['Pull Model', 'Select Model']
        : ['Show Log'];
  const choice = await vscode.window.showErrorMessage(`Reasoning Lens could not ${what}: ${message}`, ...actions);
  if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'reasoningLens.host');
  else if (choice === 'Show Log') lens.log.show();
  else if (choice === 'Pull Model') await pullModelCommand(lens, err instanceof ModelError ? err.detail?.model : undefined);
  else if (choice === 'Select Model') await selectModelCommand(lens);
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function statusMenuCommand(lens: Lens): Promise<void> {
  const items = [
    { label: '$(plug) Check Ollama Connection', command: 'reasoningLens.checkConnection' },
    { label: '$(symbol-class) Select Model', command: 'reasoningLens.selectModel' },
    { label: '$(play) Solve Problem…', command: 'reasoningLens.solve' },
    ...(lens.liveRuns().length ? [{ label: '$(debug-stop) Stop', command: 'reasoningLens.stop' }] : []),
    { label: '$(output) Show Log', command: 'reasoningLens.showLog' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Reasoning Lens' });
  if (picked) await vscode.commands.executeCommand(picked.command);
}

function formatBytes(n: number): string {
  if (!n) return '';
  const gb = n / 1e9;
  return gb >= 1 ? `${gb.toFixed(1)} GB` : `${Math.round(n / 1e6)} MB`;
}
