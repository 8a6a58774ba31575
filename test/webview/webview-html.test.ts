/**
 * The webview HTML builder (src/extension/webview/webviewHtml.ts) outside VS Code: strict CSP
 * with the nonce, the page's script and CSS inlined under it (nothing the page needs to say
 * 'ready' loads through VS Code's webview service worker), CSS url(...) made absolute.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Window } from 'happy-dom';
import { buildWebviewHtml, inlineScriptText, makeNonce, rewriteCssUrls, rewriteScriptSourceMap } from '../../src/extension/webview/webviewHtml';

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

test('CSP: nonce for script and style, no unsafe-inline or unsafe-eval, nothing else may run', () => {
  const nonce = makeNonce();
  assert.ok(Buffer.from(nonce, 'base64').length >= 16);
  assert.notEqual(nonce, makeNonce());
  const html = buildWebviewHtml({ cspSource: CSP_SOURCE, script: 'window.x = 1;', style: 'body{color:red}', codiconStyle: '.codicon{}', codiconUri: `${BASE}codicon.css`, title: 'T' }, nonce);
  const doc = parse(html);
  const csp = cspOf(doc);
  assert.deepEqual(csp.get('default-src'), ["'none'"]);
  assert.deepEqual(csp.get('script-src'), [`'nonce-${nonce}'`]);
  assert.deepEqual(csp.get('style-src'), [`'nonce-${nonce}'`, CSP_SOURCE]);
  assert.deepEqual(csp.get('font-src'), [CSP_SOURCE]);
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
  // The only stylesheet link is disabled (not loaded by the document): it names codicon.css for <vscode-icon>.
  const links = doc.querySelectorAll('link');
  assert.equal(links.length, 1);
  assert.equal(links[0]!.id, 'vscode-codicon-stylesheet');
  assert.ok(links[0]!.hasAttribute('disabled'));
});

test('the title is escaped; a script containing </script> cannot end the element early', () => {
  const script = 'window.done = "</script><img src=x onerror=alert(1)>";';
  const html = buildWebviewHtml({ cspSource: CSP_SOURCE, script, style: 'p::after{content:"</style><script>alert(1)</script>"}', codiconStyle: '', codiconUri: 'x', title: '<b>t</b>' }, 'n');
  assert.ok(html.includes('<title>&lt;b&gt;t&lt;/b&gt;</title>'));
  const doc = parse(html);
  assert.equal(doc.querySelectorAll('script').length, 1);
  assert.equal(doc.querySelectorAll('img').length, 0);
  // The escaped text is the same program: `<\/script` is `</script` in a JS string.
  const text = doc.querySelector('script')!.textContent;
  assert.equal(new Function(`const window = {}; ${text}; return window.done;`)(), '</script><img src=x onerror=alert(1)>');
  assert.throws(() => inlineScriptText('x = "<!--"; y = "<script>";'), /cannot be inlined/);
});

test('CSS url(...) become absolute webview URIs (query kept); data:, absolute and #refs are left alone', () => {
  const css = [
    '@font-face{src:url("./codicon.ttf?721d") format("truetype")}',
    "@font-face{src:url('./assets/KaTeX_Main-Regular-ARRPAO67.woff2') format('woff2')}",
    '.a{background:url(assets/x.png)}',
    '.b{background:url(data:image/png;base64,AAAA)}',
    '.c{background:url("https://example.com/y.png")}',
    '.d{filter:url(#f)}',
    '/*# sourceMappingURL=main.css.map */',
  ].join('\n');
  const out = rewriteCssUrls(css, resolve);
  assert.ok(out.includes(`url("${BASE}codicon.ttf?721d")`));
  assert.ok(out.includes(`url("${BASE}assets/KaTeX_Main-Regular-ARRPAO67.woff2")`));
  assert.ok(out.includes(`url("${BASE}assets/x.png")`));
  assert.ok(out.includes('url("data:image/png;base64,AAAA")'));
  assert.ok(out.includes('url("https://example.com/y.png")'));
  assert.ok(out.includes('url("#f")'));
  assert.ok(out.includes(`/*# sourceMappingURL=${BASE}main.css.map */`));
  assert.equal(rewriteScriptSourceMap('x;\n//# sourceMappingURL=main.js.map\n', resolve), `x;\n//# sourceMappingURL=${BASE}main.js.map`);
});

// The built bundles (npm run build), when present: every page inlines without a relative url left.
const dist = join(import.meta.dirname, '../../dist/webview');
for (const bundle of ['main', 'dataset', 'compare']) {
  test(`dist/webview/${bundle}: inlines as one script, no relative url() left, size noted`, { skip: !existsSync(join(dist, `${bundle}.js`)) && 'not built' }, () => {
    const read = (name: string) => readFileSync(join(dist, name), 'utf8');
    const html = buildWebviewHtml({
      cspSource: CSP_SOURCE,
      script: rewriteScriptSourceMap(read(`${bundle}.js`), resolve),
      style: rewriteCssUrls(read(`${bundle}.css`), resolve),
      codiconStyle: rewriteCssUrls(read('codicon.css'), resolve),
      codiconUri: `${BASE}codicon.css`,
      title: bundle,
    });
    const urls = [...html.matchAll(/url\("([^"]*)"\)/g)].map((m) => m[1]!);
    for (const u of urls) assert.match(u, /^(https:|data:|#)/, `${bundle}: ${u}`);
    if (bundle === 'main') assert.ok(urls.some((u) => /KaTeX_Main-Regular.*\.woff2$/.test(u)));
    assert.ok(urls.some((u) => u.startsWith(`${BASE}codicon.ttf`)));
    assert.equal((html.match(/<\/script>/g) ?? []).length, 1);
    assert.ok(html.length < 8 * 1024 * 1024, `${bundle}: ${html.length} characters`);
  });
}
