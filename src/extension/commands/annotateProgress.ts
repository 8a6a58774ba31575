/**
 * Annotate Trace Progress: for a shown trace without progress, force an answer after every
 * episode (MRT probes, via runs/dataset/probe-trace) and show the trace with mu per episode.
 * The result is saved like a run, so it is not lost when the view closes.
 */
import * as vscode from 'vscode';
import type { Trace } from '../../core/trace';
import type { ProbeRequest } from '../../shared/protocol';
import type { Lens } from '../trace/lens';
import { panelTitle } from '../trace/viewTypes';
import type { TraceSession } from '../trace/session';
import type { ModelBackend } from '../../model/types';
import { pickModel, reportModelError } from './models';

export async function annotateProgressCommand(lens: Lens, from?: TraceSession, probe?: ProbeRequest, requestedModel?: string): Promise<void> {
  const session = from ?? lens.activeSession();
  if (!session) {
    void vscode.window.showInformationMessage('Reasoning Lens: open a trace first (Reasoning Lens: Open Trace…), then annotate its progress.');
    return;
  }
  if (session.live()) {
    void vscode.window.showInformationMessage('Reasoning Lens: this run is still going; annotate it when it has finished.');
    return;
  }
  const trace = session.trace();
  if (trace.episodes.length === 0) {
    void vscode.window.showInformationMessage('Reasoning Lens: this trace has no episodes to probe.');
    return;
  }
  const alreadyProbed = trace.episodes.every((e) => e.progress);
  if (alreadyProbed && !from) {
    const c = await vscode.window.showInformationMessage('Every episode already has a progress estimate. Probe again?', 'Probe Again');
    if (!c) return;
  }
  const backend = await lens.backend();
  const model = requestedModel ?? (await probeModel(lens, backend, trace.model));
  if (!model) return;
  const samples = probe?.samples ?? (lens.settings().samplesPerProbe || 4);
  const controller = new AbortController();
  let annotated: Trace | undefined;
  try {
    annotated = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Reasoning Lens: probing ${trace.episodes.length + 1} prefixes × up to ${samples} samples with ${model}`,
        cancellable: true,
      },
      async (_progress, token) => {
        token.onCancellationRequested(() => controller.abort());
        const [{ probeTraceProgress }, { DEFAULT_INSTRUCTION }, { resolveProbeSettings }] = await Promise.all([
          import('../../runs/dataset/probe-trace.js'),
          import('../../runs/solve.js'),
          import('../../runs/probes.js'),
        ]);
        const info = await backend.show(model);
        const settings = resolveProbeSettings(lens.probeSettings({ samples }));
        if (!settings) throw new Error('probe settings missing');
        return probeTraceProgress(backend, trace, {
          model,
          family: info.family,
          prompt: `${trace.problem}\n\n${DEFAULT_INSTRUCTION}`,
          settings,
          signal: controller.signal,
        });
      },
    );
  } catch (err) {
    if (controller.signal.aborted) {
      void vscode.window.showInformationMessage('Reasoning Lens: progress annotation cancelled; the trace is unchanged.');
      return;
    }
    await reportModelError(lens, err, 'annotate the progress');
    return;
  }
  const saved = await lens.store.save(annotated);
  lens.log.info(`Progress annotated for ${trace.id}; saved to ${saved.fsPath}`);
  // Show it in place unless the view is a file's editor (the file itself is not rewritten).
  if (session.file) lens.openPanel({ kind: 'traces', traces: [annotated], selected: 0, file: saved }, panelTitle(annotated));
  else session.replace({ kind: 'traces', traces: [annotated], selected: 0, file: saved });
  void vscode.window.showInformationMessage(`Reasoning Lens: progress annotated; saved to ${vscode.workspace.asRelativePath(saved)}.`);
}

/**
 * The model to probe with when the view did not name one: the trace's own model only when the
 * server has it (an imported trace names its Hugging Face model, e.g. "deepseek-ai/DeepSeek-R1-
 * Distill-Qwen-14B", which Ollama does not know and would offer to pull), else the selected
 * model, else the user picks one.
 */
export async function probeModel(lens: Lens, backend: ModelBackend, traceModel: string | null | undefined): Promise<string | undefined> {
  let names: string[] | undefined;
  try {
    names = (await backend.list()).map((m) => m.name);
    lens.setServerModels(names);
  } catch {
    names = undefined; // the probe itself reports an unreachable server with its fix
  }
  const onServer = (name: string) => names === undefined || names.some((n) => n === name || n === `${name}:latest`);
  if (traceModel && onServer(traceModel)) return traceModel;
  if (traceModel) lens.log.info(`The trace's model "${traceModel}" is not on the server; probing with another model`);
  const selected = lens.settings().model;
  if (selected && onServer(selected)) return selected;
  return pickModel(lens, { save: true });
}
