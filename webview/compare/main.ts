/**
 * Webview entry: the Reasoning Lens compare view (bundled to dist/webview/compare.js and
 * compare.css). The host renders the same strict-CSP page as for the other views
 * (src/extension/webview/webviewHtml.ts) with these two files; data arrives only by postMessage.
 */
import 'uplot/dist/uPlot.min.css';
import '../../media/main.css';
import '../../media/compare.css';
import type { CompareViewToHost, HostToCompareView, PersistedCompareState } from '../../src/shared/compare-protocol';
import { CompareApp } from './app';

interface VsCodeApi {
  postMessage(message: CompareViewToHost): void;
  getState(): PersistedCompareState | undefined;
  setState(state: PersistedCompareState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

function start(): void {
  const vscode = acquireVsCodeApi();
  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
  const app = new CompareApp(root, {
    post: (message) => vscode.postMessage(message),
    getState: () => vscode.getState(),
    setState: (state) => vscode.setState(state),
  });
  window.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as HostToCompareView | null;
    if (!data || typeof data !== 'object' || typeof data.type !== 'string') return;
    try {
      app.handle(data);
    } catch (err) {
      vscode.postMessage({ type: 'log', level: 'error', message: `compare view: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}` });
    }
  });
  document.body.dataset.ready = 'true';
}

start();
