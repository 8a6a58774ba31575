/**
 * Screenshots of the harness in headless Chromium (for looking at the view), plus console
 * errors and CSP violations. Usage: node --import tsx webview/dev/shoot.ts [query...]
 */
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { serveHarness } from './serve';

import { CHROMIUM_ARGS } from './chromium';

async function main(): Promise<void> {
  const queries = process.argv.slice(2);
  const { server, url } = await serveHarness();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const outDir = resolve(__dirname, '../../dist/dev-shots');
  mkdirSync(outDir, { recursive: true });
  try {
    for (const query of queries.length ? queries : ['sample=real-0&theme=dark']) {
      const [q, actions] = query.split('#');
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const errors: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`); });
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      await page.goto(`${url}/webview/dev/index.html?${q}`);
      await page.waitForSelector('.rl-card', { timeout: 10000 }).catch(() => errors.push('no cards rendered'));
      await page.waitForTimeout(400);
      for (const action of (actions ?? '').split(',').filter(Boolean)) {
        if (action.startsWith('key:')) await page.keyboard.press(action.slice(4));
        else if (action.startsWith('click:')) await page.click(action.slice(6));
        else if (action.startsWith('type:')) await page.keyboard.type(action.slice(5));
        else if (action.startsWith('wait:')) await page.waitForTimeout(Number(action.slice(5)));
        else if (action === 'full') await page.setViewportSize({ width: 1100, height: 2400 });
      }
      await page.waitForTimeout(300);
      const name = q.replace(/[^a-z0-9=-]+/gi, '_') + (actions ? `_${actions.replace(/[^a-z0-9]+/gi, '_')}` : '');
      const file = join(outDir, `${name}.png`);
      await page.screenshot({ path: file });
      const violations = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
      const sent = await page.evaluate(() => (window as unknown as { __sent: unknown[] }).__sent);
      console.log(file);
      for (const e of [...errors, ...violations.map((v) => `CSP: ${v}`)]) console.log('  ', e);
      console.log('   sent:', JSON.stringify(sent).slice(0, 300));
      await page.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
}

void main();
