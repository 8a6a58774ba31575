/**
 * The webview HTML builder (src/extension/webview/webviewHtml.ts) outside VS Code: strict CSP
 * with the nonce, the page's script, CSS and fonts inlined under it (nothing the page loads goes
 * through VS Code's webview service worker), CSS url(...) made data: URIs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Window } from 'happy-dom';
import { buildWebviewHtml, codiconShadowHref, cssRelativeUrls, dataUri, inlineScriptText, makeNonce, rewriteCssUrls, rewriteScriptSourceMap } from '../../src/extension/webview/webviewHtml';

const CSP_SOURCE = 'https://*.vscode-cdn.net';
const BASE = 'https://file%2B.vscode-resource.vscode-cdn.net/ext/dist/webview/';
const resolve = (path: string) => BASE + path.replace(/^\.\//, '');

function parse(html: string) {
  const win = new Window();
  win.document.write(html);
  return win.document;
}

function cspOf(doc: ReturnType<typeof parse>): Map<string, string[]> {
  const content = doc.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '';
  return new Map(
    content
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

test('CSP: nonce for script and style, fonts only data:, no unsafe-inline or unsafe-eval', () => {
  const nonce = makeNonce();
  assert.ok(Buffer.from(nonce, 'base64').length >= 16);
  assert.notEqual(nonce, makeNonce());
  const html = buildWebviewHtml({ cspSource: CSP_SOURCE, script: 'window.x = 1;', style: 'body{color:red}', codiconStyle: '.codicon{}', codiconStylesheetHref: codiconShadowHref('.codicon{}'), title: 'T' }, nonce);
  const doc = parse(html);
  const csp = cspOf(doc);
  assert.deepEqual(csp.get('default-src'), ["'none'"]);
  assert.deepEqual(csp.get('script-src'), [`'nonce-${nonce}'`]);
  assert.deepEqual(csp.get('style-src'), [`'nonce-${nonce}'`]);
  assert.deepEqual(csp.get('font-src'), ['data:']);
  assert.deepEqual(csp.get('connect-src'), ["'none'"]);
  assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
  const scripts = doc.querySelectorAll('script');
  assert.equal(scripts.length, 1);
  assert.equal(scripts[0]!.getAttribute('nonce'), nonce);
  assert.equal(scripts[0]!.getAttribute('src'), null, 'the script is inline, not a resource URI');
  assert.equal(scripts[0]!.textContent.trim(), 'window.x = 1;');
  const styles = doc.querySelectorAll('style');
  assert.equal(styles.length, 2);
  for (const s of styles) assert.equal(s.getAttribute('nonce'), nonce);
  // The only stylesheet link is disabled (not loaded by the document): it hands <vscode-icon> codicon.css as data: with the nonce.
  const links = doc.querySelectorAll('link');
  assert.equal(links.length, 1);
  assert.equal(links[0]!.id, 'vscode-codicon-stylesheet');
  assert.ok(links[0]!.hasAttribute('disabled'));
  assert.equal(links[0]!.getAttribute('nonce'), nonce);
  assert.equal(Buffer.from(links[0]!.getAttribute('href')!.replace('data:text/css;base64,', ''), 'base64').toString(), '.codicon{}');
  // Nothing in the page names a URL the service worker would serve.
  assert.doesNotMatch(html.replace(/<meta http-equiv[^>]*>/, ''), /vscode-resource|https?:\/\//);
});

test('the title is escaped; a script containing </script> cannot end the element early', () => {
  const script = 'window.done = "</script><img src=x onerror=alert(1)>";';
  const html = buildWebviewHtml({ cspSource: CSP_SOURCE, script, style: 'p::after{content:"</style><script>alert(1)</script>"}', codiconStyle: '', codiconStylesheetHref: 'data:text/css;base64,', title: '<b>t</b>' }, 'n');
  assert.ok(html.includes('<title>&lt;b&gt;t&lt;/b&gt;</title>'));
  const doc = parse(html);
  assert.equal(doc.querySelectorAll('script').length, 1);
  assert.equal(doc.querySelectorAll('img').length, 0);
  // The escaped text is the same program: `<\/script` is `</script` in a JS string.
  const text = doc.querySelector('script')!.textContent;
  assert.equal(new Function(`const window = {}; ${text}; return window.done;`)(), '</script><img src=x onerror=alert(1)>');
  assert.throws(() => inlineScriptText('x = "<!--"; y = "<script>";'), /cannot be inlined/);
});

test('CSS url(...) are resolved (data: URIs drop the query, URIs keep it); data:, absolute and #refs are left alone', () => {
  const css = [
    '@font-face{src:url("./codicon.ttf?721d") format("truetype")}',
    "@font-face{src:url('./assets/KaTeX_Main-Regular-ARRPAO67.woff2') format('woff2')}",
    '.a{background:url(assets/x.png)}',
    '.b{background:url(data:image/png;base64,AAAA)}',
    '.c{background:url("https://example.com/y.png")}',
    '.d{filter:url(#f)}',
    '/*# sourceMappingURL=main.css.map */',
  ].join('\n');
  assert.deepEqual(cssRelativeUrls(css), ['./codicon.ttf', './assets/KaTeX_Main-Regular-ARRPAO67.woff2', 'assets/x.png']);
  const out = rewriteCssUrls(css, resolve);
  assert.ok(out.includes(`url("${BASE}codicon.ttf?721d")`));
  assert.ok(out.includes(`url("${BASE}assets/KaTeX_Main-Regular-ARRPAO67.woff2")`));
  assert.ok(out.includes(`url("${BASE}assets/x.png")`));
  assert.ok(out.includes('url("data:image/png;base64,AAAA")'));
  assert.ok(out.includes('url("https://example.com/y.png")'));
  assert.ok(out.includes('url("#f")'));
  assert.doesNotMatch(out, /sourceMappingURL/);
  const font = dataUri('./codicon.ttf', new Uint8Array([1, 2, 3]));
  assert.equal(font, 'data:font/ttf;base64,AQID');
  assert.ok(rewriteCssUrls(css, () => font).includes(`url("${font}")`), 'no ?query appended to a data: URI');
  assert.throws(() => dataUri('x.exe', new Uint8Array()), /no known type/);
  assert.equal(rewriteScriptSourceMap('x;\n//# sourceMappingURL=main.js.map\n', resolve), `x;\n//# sourceMappingURL=${BASE}main.js.map`);
});

// The built bundles (npm run build), when present: every page inlines without a relative url left.
const dist = join(import.meta.dirname, '../../dist/webview');
const inlineFonts = (css: string) => rewriteCssUrls(css, (path) => dataUri(path, readFileSync(join(dist, path))));
for (const bundle of ['main', 'dataset', 'compare']) {
  test(`dist/webview/${bundle}: inlines as one script, no relative url() left, size noted`, { skip: !existsSync(join(dist, `${bundle}.js`)) && 'not built' }, () => {
    const read = (name: string) => readFileSync(join(dist, name), 'utf8');
    const html = buildWebviewHtml({
      cspSource: CSP_SOURCE,
      script: rewriteScriptSourceMap(read(`${bundle}.js`), resolve),
      style: inlineFonts(read(`${bundle}.css`)),
      codiconStyle: inlineFonts(read('codicon.css')),
      codiconStylesheetHref: codiconShadowHref(inlineFonts(read('codicon.css'))),
      title: bundle,
    });
    const urls = [...html.matchAll(/url\("([^"]*)"\)/g)].map((m) => m[1]!);
    for (const u of urls) assert.match(u, /^(data:|#)/, `${bundle}: ${u.slice(0, 80)}`);
    if (bundle === 'main') assert.ok(urls.filter((u) => u.startsWith('data:font/woff2;base64,')).length >= 20, 'KaTeX fonts');
    assert.ok(urls.some((u) => u.startsWith('data:font/ttf;base64,')), 'the codicon font');
    assert.doesNotMatch(html.replace(/\/\/# sourceMappingURL=\S+/, ''), /vscode-resource/);
    assert.equal((html.match(/<\/script>/g) ?? []).length, 1);
    assert.ok(html.length < 8 * 1024 * 1024, `${bundle}: ${html.length} characters`);
    console.log(`# ${bundle}: ${html.length} characters of HTML`);
  });
}
