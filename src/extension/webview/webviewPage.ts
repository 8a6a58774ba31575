import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { buildWebviewHtml, codiconShadowHref, cssRelativeUrls, dataUri, rewriteCssUrls, rewriteScriptSourceMap } from './webviewHtml';

/**
 * The page for one webview bundle in dist/webview (`main` = the trace view, `dataset` = the
 * dataset view, `compare` = Compare Traces), with a fresh nonce and everything inlined: script,
 * CSS, and the fonts the CSS names as data: URIs (webviewHtml.ts says why).
 */
export type WebviewBundle = 'main' | 'dataset' | 'compare';

interface InlinedBundle {
  script: string;
  style: string;
  codiconStyle: string;
  codiconStylesheetHref: string;
}

/**
 * Inlined bundles by path, read once per extension host (dist/ does not change while it runs;
 * a rebuilt dist/ needs a window reload, as the extension itself does). A failed read is not kept.
 */
const inlinedBundles = new Map<string, Promise<InlinedBundle>>();

/** CSS from dist/webview with every relative url(...) (fonts) replaced by the file as a data: URI. */
async function cssWithDataUris(root: vscode.Uri, name: string): Promise<string> {
  const css = await readFile(vscode.Uri.joinPath(root, name).fsPath, 'utf8');
  const uris = new Map<string, string>();
  await Promise.all(
    cssRelativeUrls(css).map(async (path) => {
      // Every stylesheet sits directly in dist/webview, so its relative URLs resolve against it.
      uris.set(path, dataUri(path, await readFile(vscode.Uri.joinPath(root, path).fsPath)));
    }),
  );
  return rewriteCssUrls(css, (path) => uris.get(path)!);
}

function inlinedBundle(root: vscode.Uri, bundle: string): Promise<InlinedBundle> {
  const key = vscode.Uri.joinPath(root, bundle).toString();
  let inlined = inlinedBundles.get(key);
  if (!inlined) {
    inlined = Promise.all([readFile(vscode.Uri.joinPath(root, `${bundle}.js`).fsPath, 'utf8'), cssWithDataUris(root, `${bundle}.css`), cssWithDataUris(root, 'codicon.css')]).then(([script, style, codiconStyle]) => ({
      script,
      style,
      codiconStyle,
      codiconStylesheetHref: codiconShadowHref(codiconStyle),
    }));
    inlinedBundles.set(key, inlined);
    inlined.catch(() => inlinedBundles.delete(key));
  }
  return inlined;
}

export async function bundlePageHtml(webview: vscode.Webview, extensionUri: vscode.Uri, bundle: WebviewBundle, title: string): Promise<string> {
  const root = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  const inlined = await inlinedBundle(root, bundle);
  return buildWebviewHtml({
    cspSource: webview.cspSource,
    ...inlined,
    // Fetched only by developer tools, never by the page.
    script: rewriteScriptSourceMap(inlined.script, (path) => webview.asWebviewUri(vscode.Uri.joinPath(root, path)).toString()),
    title,
  });
}
