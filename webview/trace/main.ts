/**
 * Webview entry: the Reasoning Lens trace view.
 *
 * The host (src/extension) renders this HTML skeleton (see docs/webview.md):
 *
 *   <!DOCTYPE html>
 *   <html lang="en">
 *   <head>
 *     <meta charset="UTF-8">
 *     <meta http-equiv="Content-Security-Policy" content="default-src 'none';
 *       style-src ${webview.cspSource}; font-src ${webview.cspSource};
 *       img-src ${webview.cspSource} data:; script-src 'nonce-${nonce}';">
 *     <meta name="viewport" content="width=device-width, initial-scale=1.0">
 *     <link id="vscode-codicon-stylesheet" rel="stylesheet" href="${dist/webview/codicon.css}">
 *     <link rel="stylesheet" href="${dist/webview/main.css}">
 *     <title>Reasoning Lens</title>
 *   </head>
 *   <body>
 *     <div id="app"></div>
 *     <script nonce="${nonce}" src="${dist/webview/main.js}"></script>
 *   </body>
 *   </html>
 *
 * No 'unsafe-inline' and no 'unsafe-eval' are needed: KaTeX's inline styles are re-applied
 * through CSSOM (webview/render/markdown.ts), lit uses constructable stylesheets.
 */
import 'katex/dist/katex.min.css';
import 'uplot/dist/uPlot.min.css';
import '../../media/main.css';
import type { HostToWebview, PersistedViewState, WebviewToHost } from '../../src/shared/protocol';
import { App, type HostBridge } from './app';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): PersistedViewState | undefined;
  setState(state: PersistedViewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

function start(): void {
  const vscode = acquireVsCodeApi();
  const bridge: HostBridge = {
    post: (message) => vscode.postMessage(message),
    getState: () => vscode.getState(),
    setState: (state) => vscode.setState(state),
  };
  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
  const app = new App(root, bridge);
  window.addEventListener('message', (event: MessageEvent) => {
    // Only the host posts into the webview; anything that is not an object with a type is ignored.
    // Benchmarks read "first card after the page receives the trace" from these marks: the
    // message arrived (before its data is deserialised), its data was read.
    performance.mark('rl:message-arrived');
    const data = event.data as HostToWebview | null;
    if (!data || typeof data !== 'object' || typeof data.type !== 'string') return;
    if (data.type === 'load') performance.mark('rl:load-received');
    app.handle(data);
  });
  document.body.dataset.ready = 'true';
}

start();
