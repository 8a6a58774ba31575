/**
 * The HTML shell of a Reasoning Lens webview: a strict CSP with a fresh nonce per render, the
 * page's script and CSS inlined under that nonce, and only resources from dist/webview (the
 * webview's localResourceRoots) for what may arrive late (fonts). Nothing from a trace or the
 * model is ever put into this HTML: trace data reaches the webview only as postMessage JSON.
 *
 * Why inline: in a VS Code web host (code-server) every webview resource URI is served by the
 * webview's service worker, and a request caught while a new webview's worker takes over can
 * wait out the worker's 30 s timeout. Nothing the page needs to say 'ready' goes through it.
 * Pure (no vscode import) so it is unit-tested outside VS Code.
 */
import { randomBytes } from 'node:crypto';

export interface WebviewHtmlInput {
  /** webview.cspSource */
  cspSource: string;
  /** The page's JS bundle (dist/webview/<bundle>.js), inlined. */
  script: string;
  /** The page's CSS (dist/webview/<bundle>.css) and codicon.css, inlined; url(...) already absolute (see rewriteCssUrls). */
  style: string;
  codiconStyle: string;
  /**
   * Webview URI of codicon.css. Not loaded by the document (the inlined copy styles it): a
   * disabled <link id="vscode-codicon-stylesheet"> only tells @vscode-elements' <vscode-icon>
   * where to load it into its shadow root (after 'ready', so a slow load does not hold it up).
   */
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
  // style-src: our inlined <style> elements (nonce) and the codicon stylesheet <vscode-icon>
  // links (cspSource). Inline style *attributes* set from JS through the CSSOM (KaTeX, uPlot)
  // are not governed by style-src, so no 'unsafe-inline' is needed.
  const csp = [
    "default-src 'none'",
    `style-src 'nonce-${nonce}' ${cspSource}`,
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
<link rel="stylesheet" href="${escapeAttr(input.codiconUri)}" id="vscode-codicon-stylesheet" disabled>
<style nonce="${nonce}">
${inlineStyleText(input.codiconStyle)}
</style>
<style nonce="${nonce}">
${inlineStyleText(input.style)}
</style>
<title>${escapeText(input.title)}</title>
</head>
<body>
<div id="app" role="main"></div>
<script nonce="${nonce}">
${inlineScriptText(input.script)}
</script>
</body>
</html>`;
}

/**
 * Makes a JS bundle safe as the text of an inline <script>: `</script` would end the element
 * early, so it becomes `<\/script` (the same string or regex in JS). A bundle that has both
 * `<!--` and `<script` could put the HTML parser in a state where `</script>` does not end the
 * element; that cannot be fixed by escaping every JS context, so it is refused.
 */
export function inlineScriptText(js: string): string {
  if (/<!--/.test(js) && /<script/i.test(js)) throw new Error('the webview bundle contains both "<!--" and "<script", which cannot be inlined safely');
  return js.replace(/<\/(script)/gi, '<\\/$1');
}

/** CSS as the text of an inline <style>: `</style` becomes `<\/style` (`\/` is `/` in CSS). */
export function inlineStyleText(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1');
}

/**
 * Rewrites every relative url(...) in CSS (KaTeX fonts, the codicon font) through `resolve`
 * (relative path, without query or fragment → absolute webview URI), keeping the query and
 * fragment. Absolute and data: URLs and in-document references (#id) are left as they are. The
 * trailing sourceMappingURL comment is rewritten the same way.
 */
export function rewriteCssUrls(css: string, resolve: (relativePath: string) => string): string {
  const absolute = (ref: string): string => {
    if (ref === '' || ref.startsWith('#') || /^[a-z][a-z0-9+.-]*:/i.test(ref) || ref.startsWith('//')) return ref;
    const cut = ref.search(/[?#]/);
    const path = cut < 0 ? ref : ref.slice(0, cut);
    const suffix = cut < 0 ? '' : ref.slice(cut);
    return resolve(path) + suffix;
  };
  return css
    .replace(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^'")\s][^)\s]*))\s*\)/g, (_m, dq?: string, sq?: string, bare?: string) => {
      const ref = dq ?? sq ?? bare ?? '';
      return `url("${absolute(ref).replace(/["\\\n]/g, (c) => (c === '\n' ? '' : '\\' + c))}")`;
    })
    .replace(/\/\*# sourceMappingURL=([^\s*]+)\s*\*\//g, (_m, ref: string) => `/*# sourceMappingURL=${absolute(ref)} */`);
}

/** The trailing `//# sourceMappingURL=` of a JS bundle, made absolute (inlined, it would resolve against the page). */
export function rewriteScriptSourceMap(js: string, resolve: (relativePath: string) => string): string {
  return js.replace(/\/\/# sourceMappingURL=(\S+)\s*$/, (_m, ref: string) => (/^[a-z][a-z0-9+.-]*:/i.test(ref) ? _m : `//# sourceMappingURL=${resolve(ref)}`));
}

export function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
