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
import { pickModel, reportModelError } from './models';

export async function annotateProgressCommand(lens: Lens, from?: TraceSession, probe?: ProbeRequest): Promise<void> {
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
  const model = trace.model || lens.settings().model || (await pickModel(lens, { save: true }));
  if (!model) return;
  const samples = probe?.samples ?? (lens.settings().samplesPerProbe || 4);
  const backend = await lens.backend();
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
