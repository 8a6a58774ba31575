import * as assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { buildWebviewHtml, makeNonce } from '../../src/extension/webview/webviewHtml';
import { coalesce } from '../../src/extension/trace/traceView';
import { openLink } from '../../src/extension/trace/session';
import type { RunEvent } from '../../src/runs/contract';
import * as vscode from 'vscode';
import { WebviewHost } from '../../src/extension/webview/webviewHost';
import type { WebviewBundle } from '../../src/extension/webview/webviewPage';
import { lensApi, waitFor } from './helpers';

const INPUT = { cspSource: 'https://x.vscode-cdn.net', script: 'void 0;', style: 'body{}', codiconStyle: '.codicon{}', codiconStylesheetHref: 'data:text/css;base64,', title: '<b>t</b>' };

export function registerViewSuite(): void {
  describe('trace view plumbing', () => {
    it('renders a strict CSP with a fresh nonce each time', () => {
      const a = makeNonce();
      const b = makeNonce();
      assert.notEqual(a, b);
      assert.ok(Buffer.from(a, 'base64').length >= 16);
      const html = buildWebviewHtml(INPUT, a);
      const csp = /Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '';
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, new RegExp(`script-src 'nonce-${a.replace(/[+/=]/g, (c) => '\\' + c)}'`));
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.equal((html.match(/<script /g) ?? []).length, 1);
      assert.match(html, new RegExp(`<script nonce="${a.replace(/[+/=]/g, (c) => '\\' + c)}"`));
      assert.ok(html.includes('&lt;b&gt;t&lt;/b&gt;'), 'title is escaped');
    });

    it('coalesces a batch: last growth per episode, last token count, every closed episode', () => {
      const grew = (index: number, text: string): RunEvent => ({ type: 'episode-grew', index, text, end: text.length, tokens: text.length });
      const batch: RunEvent[] = [
        grew(0, 'a'),
        grew(0, 'ab'),
        { type: 'tokens', thinkingTokens: 2, responseTokens: 0, elapsedMs: 1 },
        grew(0, 'abc'),
        { type: 'tokens', thinkingTokens: 3, responseTokens: 0, elapsedMs: 2 },
        { type: 'status', status: 'thinking' },
      ];
      const out = coalesce(batch);
      assert.deepEqual(
        out.map((e) => e.type),
        ['episode-grew', 'tokens', 'status'],
      );
      assert.equal((out[0] as { text: string }).text, 'abc');
    });

    it('a page that never says ready is logged once, not rebuilt (a rebuilt iframe meets the same service-worker stall), and gets nothing posted', async () => {
      const { lens } = await lensApi();
      const panel = vscode.window.createWebviewPanel('reasoningLens.test', 'never ready', vscode.ViewColumn.Active, {});
      let snapshots = 0;
      // A bundle that does not exist: it cannot be read, the page has no script and never says 'ready'.
      const host = new WebviewHost<{ type: 'ready' }, { type: 'notice'; message: string }>(panel, {
        extensionUri: lens.context.extensionUri,
        log: lens.log,
        bundle: 'no-such-bundle' as WebviewBundle,
        title: 'never ready',
        name: 'test view',
        parse: (raw) => ({ ok: true, message: raw as { type: 'ready' } }),
        snapshot: () => void snapshots++,
        handle: () => undefined,
        readyGraceMs: 400,
      });
      try {
        // The HTML is set once the bundle is read; a missing bundle gets a page without a script.
        await waitFor('the page to be set', () => panel.webview.html !== '', 10_000);
        const first = panel.webview.html;
        assert.doesNotMatch(first, /<script/);
        await waitFor('the late page to be logged', () => host.stats.lateReadies === 1, 10_000);
        await new Promise((r) => setTimeout(r, 1500));
        assert.equal(host.stats.lateReadies, 1, 'once only');
        assert.equal(panel.webview.html, first, 'the page was not built again (same nonce)');
        assert.equal(host.isReady, false);
        assert.equal(snapshots, 0);
        assert.equal(host.post({ type: 'notice', message: 'x' }), false, 'nothing is posted to a page that never said ready');
      } finally {
        host.dispose();
        panel.dispose();
      }
    });

    it('opens only http(s) links from model text', async () => {
      const { lens } = await lensApi();
      for (const url of ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd', 'command:workbench.action.quit', 'vscode://x', 'mailto:a@b.c']) {
        assert.equal(await openLink(url, lens.log), false, url);
      }
    });
  });
}
