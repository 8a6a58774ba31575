import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { buildWebviewHtml, rewriteCssUrls, rewriteScriptSourceMap } from './webviewHtml';

/**
 * The page for one webview bundle in dist/webview (`main` = the trace view, `dataset` = the
 * dataset view, `compare` = Compare Traces), with a fresh nonce, its script and CSS inlined (see
 * webviewHtml.ts for why) and every other resource resolved through asWebviewUri.
 */
export type WebviewBundle = 'main' | 'dataset' | 'compare';

interface BundleFiles {
  script: string;
  style: string;
  codiconStyle: string;
}

/**
 * Bundle files by path, read once per extension host (they do not change while it runs; a
 * rebuilt dist/ needs a window reload, as the extension itself does). A failed read is not kept.
 */
const bundleFiles = new Map<string, Promise<BundleFiles>>();

function readBundle(root: vscode.Uri, bundle: string): Promise<BundleFiles> {
  const key = vscode.Uri.joinPath(root, bundle).toString();
  let files = bundleFiles.get(key);
  if (!files) {
    const read = (name: string) => readFile(vscode.Uri.joinPath(root, name).fsPath, 'utf8');
    files = Promise.all([read(`${bundle}.js`), read(`${bundle}.css`), read('codicon.css')]).then(([script, style, codiconStyle]) => ({ script, style, codiconStyle }));
    bundleFiles.set(key, files);
    files.catch(() => bundleFiles.delete(key));
  }
  return files;
}

export async function bundlePageHtml(webview: vscode.Webview, extensionUri: vscode.Uri, bundle: WebviewBundle, title: string): Promise<string> {
  const root = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  const files = await readBundle(root, bundle);
  // Every CSS and the bundle sit directly in dist/webview, so their relative URLs resolve against it.
  const asset = (relativePath: string) => webview.asWebviewUri(vscode.Uri.joinPath(root, relativePath)).toString();
  return buildWebviewHtml({
    cspSource: webview.cspSource,
    script: rewriteScriptSourceMap(files.script, asset),
    style: rewriteCssUrls(files.style, asset),
    codiconStyle: rewriteCssUrls(files.codiconStyle, asset),
    codiconUri: asset('codicon.css'),
    title,
  });
}
