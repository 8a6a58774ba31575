/**
 * The trace picker of a multi-trace file in the built webview (headless Chromium, dev harness,
 * strict CSP): after the host answers a choice with a new 'trace-list' (selected = the chosen
 * trace), the picker shows that trace, and the arrow keys move from it. Builds dist/webview.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../webview/dev/chromium';
import { chromiumPath, requireChromium } from '../support/shared-data';
import { serveHarness } from '../../webview/dev/serve';

const root = resolve(__dirname, '../..');
let browser: Browser | undefined;
let server: Server | undefined;
let baseUrl = '';

before(async () => {
  for (const script of [['webview/dev/build.mjs'], ['--import', 'tsx', 'webview/dev/make-samples.ts', '200']]) {
    const r = spawnSync(process.execPath, script, { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
  ({ server, url: baseUrl } = await serveHarness());
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function waitUntil(page: Page, expression: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(`Boolean(${expression})`))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const items = [0, 1, 2, 3, 4].map((i) => ({ index: i, id: `trace-${i}`, problem: `Problem number ${i + 1}`, correct: i % 2 === 0, episodes: i === 0 ? 1 : 3 }));
const picker = `document.querySelector('#rl-trace-picker')`;

test('the trace picker shows the trace the host selected, and arrow keys move from it', async (t) => {
  if (!requireChromium(t)) return;
  browser ??= await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await page.goto(`${baseUrl}/webview/dev/index.html?sample=synthetic-40`);
  await page.waitForSelector('.rl-card');
  const list = (selected: number) => ({ type: 'trace-list', file: '/data/five.trace.jsonl', items, selected });
  await page.evaluate(`window.__deliver(${JSON.stringify(list(0))})`);
  await waitUntil(page, `${picker}.value === '0'`);
  // The user picked #3; the host shows it and sends the list again with selected = 2 (TraceView.sendLoad).
  await page.evaluate(`window.__deliver(${JSON.stringify(list(2))})`);
  await waitUntil(page, `${picker}.value === '2'`); // after slotchange and lit's update
  assert.equal(await page.evaluate(`${picker}.selectedIndex`), 2);
  const shown = (await page.evaluate(`${picker}.shadowRoot.querySelector('.select-face')?.textContent ?? ''`)) as string;
  assert.match(shown, /^\s*3\. /, `the closed picker shows trace #3, got ${JSON.stringify(shown)}`);
  assert.match(await page.locator('.rl-picker label').innerText(), /5 in five\.trace\.jsonl/);
  assert.ok((await page.locator('#rl-trace-picker vscode-option').first().innerText()).includes('(1 episode)'), 'one episode is "1 episode"');

  // Keyboard: open, one step down, Enter: the next trace after #3 is #4 (index 3).
  await page.focus('#rl-trace-picker');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await waitUntil(page, `window.__sent.some((m) => m.type === 'select-trace')`);
  const sent = (await page.evaluate(`window.__sent.filter((m) => m.type === 'select-trace')`)) as { index: number }[];
  assert.deepEqual(sent, [{ type: 'select-trace', index: 3 }], 'ArrowDown from #3 selects #4');
  await page.close();
});
