/**
 * Activation: registers commands, the trace panel serializer and the custom editor, and
 * creates the status bar item. Nothing heavy happens here; the model client, the run engine
 * and the format readers are imported by the commands that need them.
 */
import * as vscode from 'vscode';
import { Lens } from './trace/lens';
import { PANEL_VIEW_TYPE } from './trace/viewTypes';
import { TraceEditorProvider } from './trace/traceEditor';
import type { PersistedViewState } from '../shared/protocol';

let lens: Lens | undefined;

/** Command ids contributed in package.json, each mapped to its handler module. */
const COMMANDS: Record<string, (l: Lens, ...args: unknown[]) => Promise<unknown>> = {
  'reasoningLens.solve': async (l, a) => (await import('./commands/solve.js')).solveCommand(l, a),
  'reasoningLens.solveWithBudget': async (l, a) => (await import('./commands/solve.js')).solveWithBudgetCommand(l, a),
  'reasoningLens.stop': async (l) => (await import('./commands/solve.js')).stopCommand(l),
  'reasoningLens.rerun': async (l) => (await import('./commands/solve.js')).rerunCommand(l),
  'reasoningLens.openTrace': async (l, a) => (await import('./commands/traces.js')).openTraceCommand(l, a),
  'reasoningLens.openAsTrace': async (l, a) => (await import('./commands/traces.js')).openAsTraceCommand(l, a),
  'reasoningLens.annotateProgress': async (l) => (await import('./commands/annotateProgress.js')).annotateProgressCommand(l),
  'reasoningLens.estimateImportance': async (l) => (await import('./commands/importance.js')).estimateImportanceCommand(l),
  'reasoningLens.selectModel': async (l) => (await import('./commands/models.js')).selectModelCommand(l),
  'reasoningLens.pullModel': async (l, a) => (await import('./commands/models.js')).pullModelCommand(l, a),
  'reasoningLens.checkConnection': async (l) => (await import('./commands/models.js')).checkConnectionCommand(l),
  'reasoningLens.annotateDataset': async (l, a) => (await import('./dataset/runJob.js')).annotateDatasetCommand(l, a),
  'reasoningLens.showDataset': async (l, a) => (await import('./dataset/showDataset.js')).showDatasetCommand(l, a),
  'reasoningLens.statusMenu': async (l) => (await import('./commands/models.js')).statusMenuCommand(l),
  'reasoningLens.showLog': async (l) => l.log.show(),
  'reasoningLens.compareTraces': async (l, a, b) => (await import('./compare/compareCommand.js')).compareTracesCommand(l, a, b),
  'reasoningLens.compareWith': async (l, a) => (await import('./compare/compareWith.js')).compareWithCommand(l, a),
};

export interface LensApi {
  /** For the extension-host tests: the live services. */
  lens: Lens;
  activationMs: number;
}

export function activate(context: vscode.ExtensionContext): LensApi {
  const started = performance.now();
  const l = new Lens(context);
  lens = l;
  context.subscriptions.push(l);
  for (const [id, handler] of Object.entries(COMMANDS)) {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await handler(l, ...args);
        } catch (err) {
          // A command never fails silently: say what went wrong, keep the details in the log.
          const message = err instanceof Error ? err.message : String(err);
          l.log.error(`${id} failed: ${err instanceof Error && err.stack ? err.stack : message}`);
          const { reportModelError } = await import('./commands/models.js');
          if (err instanceof Error && err.name === 'ModelError') await reportModelError(l, err, 'finish the command');
          else void vscode.window.showErrorMessage(`Reasoning Lens: ${message}`, 'Show Log').then((c) => c && l.log.show());
          return undefined;
        }
      }),
    );
  }
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: (panel, state: unknown) => l.restorePanel(panel, state as PersistedViewState | undefined),
    }),
    TraceEditorProvider.register(l),
    vscode.window.registerWebviewPanelSerializer('reasoningLens.dataset', {
      deserializeWebviewPanel: async (panel, state: unknown) => (await import('./dataset/datasetView.js')).DatasetView.restore(l, panel, state),
    }),
    vscode.window.registerWebviewPanelSerializer('reasoningLens.compare', {
      deserializeWebviewPanel: async (panel, state: unknown) => void (await import('./compare/compareRestore.js')).restoreCompareView(l, panel, state),
    }),
  );
  // Check the server in the background, after start-up work has settled.
  const timer = setTimeout(() => {
    void import('./commands/models.js').then((m) => m.checkConnectionCommand(l, { quiet: true }));
  }, 2000);
  context.subscriptions.push({ dispose: () => clearTimeout(timer) });
  const activationMs = performance.now() - started;
  l.log.info(`Reasoning Lens activated in ${activationMs.toFixed(1)} ms`);
  return { lens: l, activationMs };
}

export async function deactivate(): Promise<void> {
  await lens?.shutdown();
  lens = undefined;
}
