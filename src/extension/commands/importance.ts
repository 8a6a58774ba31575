/**
 * Estimate Episode Importance: Thought Anchors' counterfactual importance of every episode of the
 * shown trace (docs/importance.md), run in the background with a cancellable notification. Every
 * rollout goes to a rollout log in the trace folder as it completes, so a cancelled or
 * interrupted run resumes when the command is run again on the same trace with the same model.
 * The result (the trace with `episodes[i].importance`, format version 2) is saved like a run
 * and shown; the trace's own file is never rewritten.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_ADAPTIVE_PLAN, TA_ROLLOUTS_PER_CHUNK, TA_SIMILARITY_THRESHOLD } from '../../core/importance';
import type { Lens } from '../trace/lens';
import { panelTitle } from '../trace/viewTypes';
import { probeModel } from './annotateProgress';
import { reportModelError } from './models';

/** TA's embedding model (all-MiniLM-L6-v2) as Ollama names it. */
const EMBED_MODEL = 'all-minilm';
const MAX_TOKENS = 8192;

export async function estimateImportanceCommand(lens: Lens): Promise<void> {
  const session = lens.activeSession();
  if (!session) {
    void vscode.window.showInformationMessage('Reasoning Lens: open a trace first (Reasoning Lens: Open Trace…), then estimate its episodes\' importance.');
    return;
  }
  if (session.live()) {
    void vscode.window.showInformationMessage('Reasoning Lens: this run is still going; estimate importance when it has finished.');
    return;
  }
  const trace = session.trace();
  if (trace.episodes.length === 0) {
    void vscode.window.showInformationMessage('Reasoning Lens: this trace has no episodes.');
    return;
  }
  const backend = await lens.backend();
  const model = await probeModel(lens, backend, trace.model);
  if (!model) return;
  const folder = lens.store.folder();
  await vscode.workspace.fs.createDirectory(folder);
  const logPath = join(folder.fsPath, `${trace.id.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80)}.importance-rollouts.jsonl`);
  const settings = { model, host: backend.host, embedModel: EMBED_MODEL, threshold: TA_SIMILARITY_THRESHOLD, seed: 0, maxTokens: MAX_TOKENS, mode: trace.source.segmentation?.mode };
  const controller = new AbortController();
  const ta = TA_ROLLOUTS_PER_CHUNK * trace.episodes.length;
  let job;
  try {
    job = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Reasoning Lens: importance of ${trace.episodes.length} episodes with ${model}`,
        cancellable: true,
      },
      async (progress, token) => {
        token.onCancellationRequested(() => controller.abort());
        const [{ runImportanceJob }, { ollamaEmbedder }] = await Promise.all([import('../../runs/importance-job.js'), import('../../model/embed.js')]);
        return runImportanceJob(trace, {
          backend,
          model,
          embed: ollamaEmbedder({ host: backend.host, model: EMBED_MODEL }),
          embedModel: EMBED_MODEL,
          measure: 'counterfactual-kl',
          threshold: TA_SIMILARITY_THRESHOLD,
          samples: TA_ROLLOUTS_PER_CHUNK,
          adaptive: { round: DEFAULT_ADAPTIVE_PLAN.round, minSamples: DEFAULT_ADAPTIVE_PLAN.minSamples, small: DEFAULT_ADAPTIVE_PLAN.small, large: DEFAULT_ADAPTIVE_PLAN.large, topK: DEFAULT_ADAPTIVE_PLAN.topK },
          maxTokens: MAX_TOKENS,
          concurrency: 2,
          seed: settings.seed,
          signal: controller.signal,
          logPath,
          settings,
          onRound: ({ round, spent }) => progress.report({ message: `round ${round}: ${spent} rollouts (Thought Anchors' recipe: ${ta})` }),
        });
      },
    );
  } catch (err) {
    await reportModelError(lens, err, 'estimate episode importance');
    return;
  }
  if (!job.trace) {
    void vscode.window.showInformationMessage(`Reasoning Lens: importance estimate stopped; ${job.result.spent} rollouts are kept and the next run on this trace resumes from them.`);
    return;
  }
  const saved = await lens.store.save(job.trace);
  const top = job.result.ranking.slice(0, 3).map((i) => `#${i}`).join(', ');
  lens.log.info(`Importance of ${trace.id} (${job.result.method}): top ${top}; ${job.result.spent} rollouts (${job.resumed} resumed; TA's recipe ${job.result.taRecipe}); saved to ${saved.fsPath}`);
  if (session.file) lens.openPanel({ kind: 'traces', traces: [job.trace], selected: 0, file: saved }, panelTitle(job.trace));
  else session.replace({ kind: 'traces', traces: [job.trace], selected: 0, file: saved });
  void vscode.window.showInformationMessage(`Reasoning Lens: most important episodes ${top} (${job.result.spent} rollouts; Thought Anchors' recipe: ${job.result.taRecipe}); saved to ${vscode.workspace.asRelativePath(saved)}.`);
}
