/**
 * The windowed episode list and the overview map in the built webview (headless Chromium, dev
 * harness, strict CSP): cards that are not mounted still answer search, jump, keyboard,
 * filters and expand/collapse; the DOM stays bounded; live runs; the map navigates.
 * Builds dist/webview first. Skips with a notice only when Chromium is not installed.
 */
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../webview/dev/chromium';
import { chromiumPath, requireChromium } from '../support/shared-data';
import { serveHarness } from '../../webview/dev/serve';

const root = resolve(__dirname, '../..');
let browser: Browser;
let server: Server;
let baseUrl: string;

before(async () => {
  if (!existsSync(chromiumPath)) return;
  for (const script of [['webview/dev/build.mjs'], ['--import', 'tsx', 'webview/dev/make-samples.ts', '200']]) {
    const r = spawnSync(process.execPath, script, { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
  ({ server, url: baseUrl } = await serveHarness());
  browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function open(query: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${baseUrl}/webview/dev/index.html?${query}`);
  await page.waitForSelector('.rl-card', { state: 'attached' });
  return { page, problems };
}

/** Polls an expression (page.waitForFunction would need 'unsafe-eval' under our CSP). */
async function waitUntil(page: Page, expression: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(`Boolean(${expression})`))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function skipWithout(t: TestContext): boolean {
  return !requireChromium(t);
}

const card = (position: number) => `.rl-card[data-position="${position}"]`;

test('bug 6.1: after a live run finishes, every expanded episode shows its text (not only the first)', async (t) => {
  if (skipWithout(t)) return;
  const { page, problems } = await open('sample=synthetic-40&live=1&rate=8');
  await waitUntil(page, 'document.querySelector(".rl-status")?.dataset.status === "done"', 60_000);
  const trace = (await page.evaluate('window.__trace')) as { episodes: { text: string }[] };
  await page.evaluate('window.scrollTo(0, 0)');
  for (const position of [1, 2, 5, 12]) {
    await waitUntil(page, `document.querySelector('${card(position)}')`);
    await page.locator(card(position)).scrollIntoViewIfNeeded();
    await page.click(`${card(position)} .rl-card-toggle`);
    await waitUntil(page, `document.querySelector('${card(position)} .rl-card-body')?.textContent.trim().length > 0`, 5000).catch(() => undefined);
    const shown = ((await page.textContent(`${card(position)} .rl-card-body`)) ?? '').replace(/\s+/g, ' ').trim();
    const expected = trace.episodes[position].text.replace(/\s+/g, ' ').trim().slice(0, 30);
    assert.ok(shown.length > 0, `episode at position ${position}: expanded card is empty`);
    assert.ok(shown.replace(/[^a-z]/gi, '').includes(expected.replace(/[^a-z]/gi, '').slice(0, 12)), `episode at position ${position} shows its own text: ${shown.slice(0, 60)}`);
  }
  assert.deepEqual(problems, []);
  await page.close();
});
