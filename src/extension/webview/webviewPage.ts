import * as vscode from 'vscode';
import { buildWebviewHtml } from './webviewHtml';

/**
 * The page for one webview bundle in dist/webview (`main` = the trace view, `dataset` = the
 * dataset view), with a fresh nonce and every resource resolved through asWebviewUri.
 */
export type WebviewBundle = 'main' | 'dataset' | 'compare';

export function bundlePageHtml(webview: vscode.Webview, extensionUri: vscode.Uri, bundle: WebviewBundle, title: string): string {
  const root = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(root, name)).toString();
  return buildWebviewHtml({
    cspSource: webview.cspSource,
    scriptUri: asset(`${bundle}.js`),
    styleUri: asset(`${bundle}.css`),
    codiconUri: asset('codicon.css'),
    title,
  });
}
