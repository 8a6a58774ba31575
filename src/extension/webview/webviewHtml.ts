/**
 * The HTML shell of the trace webview: a strict CSP with a fresh nonce per render, and only
 * resources from dist/webview (the webview's localResourceRoots). Nothing from a trace or the
 * model is ever put into this HTML: trace data reaches the webview only as postMessage JSON.
 */
import { randomBytes } from 'node:crypto';

export interface WebviewHtmlInput {
  /** webview.cspSource */
  cspSource: string;
  /** asWebviewUri of dist/webview/main.js, main.css and codicon.css */
  scriptUri: string;
  styleUri: string;
  codiconUri: string;
  /** Short page title (escaped here). */
  title: string;
}

/** 128 random bits, base64: a nonce an attacker cannot guess. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

export function buildWebviewHtml(input: WebviewHtmlInput, nonce = makeNonce()): string {
  const { cspSource } = input;
  // style-src allows only our stylesheets; inline style *attributes* set from JS through the
  // CSSOM (KaTeX, uPlot) are not governed by style-src, so no 'unsafe-inline' is needed.
  const csp = [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(input.codiconUri)}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${escapeAttr(input.styleUri)}">
<title>${escapeText(input.title)}</title>
</head>
<body>
<div id="app" role="main"></div>
<script nonce="${nonce}" src="${escapeAttr(input.scriptUri)}"></script>
</body>
</html>`;
}

export function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
