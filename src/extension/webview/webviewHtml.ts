/**
 * The HTML shell of a Reasoning Lens webview: a strict CSP with a fresh nonce per render and
 * the whole page inlined under that nonce: its script, its CSS, the codicon CSS, and every font
 * as a data: URI. Nothing from a trace or the model is ever put into this HTML: trace data
 * reaches the webview only as postMessage JSON.
 *
 * Why everything is inline: in a VS Code web host (code-server 4.100) every webview resource
 * URI is served by the webview service worker, and each new webview iframe registers its own
 * worker version for the shared scope. A resource request still open when its page goes away
 * (a panel hidden right after 'ready' while its fonts load), or answered to the newer worker,
 * waits out the worker's 30 s timeout; while it is open the old worker cannot hand over, so the
 * NEXT webview's frame waits for `controllerchange` up to 30 s before VS Code even writes its
 * HTML (see webviewHost.ts). A page that requests nothing through the worker starts no such stall.
 * Pure (no vscode import) so it is unit-tested outside VS Code.
 */
import { randomBytes } from 'node:crypto';

export interface WebviewHtmlInput {
  /** webview.cspSource */
  cspSource: string;
  /** The page's JS bundle (dist/webview/<bundle>.js), inlined. */
  script: string;
  /** The page's CSS (dist/webview/<bundle>.css) and codicon.css, inlined; url(...) already data: URIs (see rewriteCssUrls). */
  style: string;
  codiconStyle: string;
  /**
   * codicon.css for @vscode-elements' <vscode-icon>, which links the href of
   * <link id="vscode-codicon-stylesheet"> into its shadow root with that link's nonce: a data:
   * URI (see codiconShadowHref), so it is allowed by the nonce and never fetched. The link is
   * disabled: the document is styled by the inlined copy.
   */
  codiconStylesheetHref: string;
  /** Short page title (escaped here). */
  title: string;
}

/** 128 random bits, base64: a nonce an attacker cannot guess. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

export function buildWebviewHtml(input: WebviewHtmlInput, nonce = makeNonce()): string {
  const { cspSource } = input;
  // style-src: our inlined <style> elements and <vscode-icon>'s codicon link, all by nonce.
  // Inline style *attributes* set from JS through the CSSOM (KaTeX, uPlot) are not governed by
  // style-src, so no 'unsafe-inline' is needed. Fonts are data: URIs in the inlined CSS.
  const csp = [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    'font-src data:',
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
<link rel="stylesheet" href="${escapeAttr(input.codiconStylesheetHref)}" id="vscode-codicon-stylesheet" nonce="${nonce}" disabled>
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
 * (relative path, without query or fragment → a data: URI or an absolute URI, which keeps the
 * query and fragment). Absolute and data: URLs and in-document references (#id) are left as they are. The
 * sourceMappingURL comment is dropped (inlined CSS has no file to map).
 */
export function rewriteCssUrls(css: string, resolve: (relativePath: string) => string): string {
  const absolute = (ref: string): string => {
    if (ref === '' || ref.startsWith('#') || /^[a-z][a-z0-9+.-]*:/i.test(ref) || ref.startsWith('//')) return ref;
    const cut = ref.search(/[?#]/);
    const path = cut < 0 ? ref : ref.slice(0, cut);
    const suffix = cut < 0 ? '' : ref.slice(cut);
    const resolved = resolve(path);
    // A query (codicon.ttf?hash, a cache buster) means nothing to a data: URI and would corrupt it.
    return resolved.startsWith('data:') ? resolved : resolved + suffix;
  };
  return css
    .replace(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^'")\s][^)\s]*))\s*\)/g, (_m, dq?: string, sq?: string, bare?: string) => {
      const ref = dq ?? sq ?? bare ?? '';
      return `url("${absolute(ref).replace(/["\\\n]/g, (c) => (c === '\n' ? '' : '\\' + c))}")`;
    })
    .replace(/\/\*# sourceMappingURL=[^*]*\*\//g, '');
}

/** The distinct relative url(...) paths of some CSS (without query or fragment): what rewriteCssUrls will resolve. */
export function cssRelativeUrls(css: string): string[] {
  const paths = new Set<string>();
  rewriteCssUrls(css, (path) => {
    paths.add(path);
    return path;
  });
  return [...paths];
}

const MIME_BY_EXTENSION: Record<string, string> = { woff2: 'font/woff2', woff: 'font/woff', ttf: 'font/ttf', otf: 'font/otf', png: 'image/png', svg: 'image/svg+xml', gif: 'image/gif', jpg: 'image/jpeg' };

/** A file's bytes as a base64 data: URI, its type taken from the path's extension. */
export function dataUri(path: string, bytes: Uint8Array): string {
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase() ?? '';
  const mime = MIME_BY_EXTENSION[extension];
  if (!mime) throw new Error(`no known type for ${path} (referenced from a webview stylesheet)`);
  return `data:${mime};base64,${Buffer.from(bytes).toString('base64')}`;
}

/** codicon.css as <vscode-icon>'s shadow-root stylesheet: a data: URI without @font-face (fonts come from the document). */
export function codiconShadowHref(codiconCss: string): string {
  const css = codiconCss.replace(/@font-face\s*\{[^}]*\}/g, '').replace(/\/\*# sourceMappingURL=[^*]*\*\//g, '');
  return `data:text/css;base64,${Buffer.from(css, 'utf8').toString('base64')}`;
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
