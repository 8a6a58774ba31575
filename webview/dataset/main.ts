/**
 * Webview entry: the Reasoning Lens dataset view (bundled to dist/webview/dataset.js and
 * dataset.css). The host renders the same strict-CSP skeleton as for the trace view
 * (src/extension/webviewHtml.ts) with these two files; data arrives only by postMessage.
 */
import 'uplot/dist/uPlot.min.css';
import '../../media/main.css';
import '../../media/dataset.css';
import type { DatasetViewToHost, HostToDatasetView, PersistedDatasetState } from '../../src/shared/dataset-protocol';
import { DatasetApp } from './app';

interface VsCodeApi {
  postMessage(message: DatasetViewToHost): void;
  getState(): PersistedDatasetState | undefined;
  setState(state: PersistedDatasetState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

function start(): void {
  const vscode = acquireVsCodeApi();
  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
  const app = new DatasetApp(root, {
    post: (message) => vscode.postMessage(message),
    getState: () => vscode.getState(),
    setState: (state) => vscode.setState(state),
  });
  window.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as HostToDatasetView | null;
    if (!data || typeof data !== 'object' || typeof data.type !== 'string') return;
    try {
      app.handle(data);
    } catch (err) {
      vscode.postMessage({ type: 'log', level: 'error', message: `dataset view: ${err instanceof Error ? err.stack ?? err.message : String(err)}` });
    }
  });
  document.body.dataset.ready = 'true';
}

start();
