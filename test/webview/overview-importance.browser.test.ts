/**
 * Counterfactual importance in the overview map (issue 14 item 5), in the built webview (headless
 * Chromium, dev harness, strict CSP): the strip on the map's right edge is read back from the
 * canvas's pixels (a bar's length is its value's share of the largest, top anchors tagged,
 * nothing for unmeasured or zero-valued episodes), the map's description and legend name the
 * method, what the value is and the largest value; a trace without importance has neither.
 * Skips with a notice only when Chromium is not installed.
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
import type { Trace } from '../../src/core/trace';

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

/** Importance by episode index; the rest of the trace is unmeasured. Anchors: #1 (0.8), #5 (0.4), #8 (0.3); #3 (0.2) is a bar a quarter long. */
const VALUES: Record<number, number> = { 0: 0.05, 1: 0.8, 2: 0, 3: 0.2, 5: 0.4, 8: 0.3 };
const METHOD = 'episode-counterfactual-kl[auto/cos>=0.8@all-minilm]';
const STRIP_PX = 12;

async function openWith(values: Record<number, number> | null): Promise<{ page: Page; trace: Trace; problems: string[] }> {
  browser ??= await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${baseUrl}/webview/dev/index.html?sample=synthetic-40&math=0`);
  await page.waitForSelector('.rl-card');
  const base = (await page.evaluate('window.__trace')) as Trace;
  const trace: Trace = {
    ...base,
    id: values ? 'measured' : 'unmeasured',
    version: 2,
    episodes: base.episodes.map((e) => (values && e.index in values ? { ...e, importance: { method: METHOD, value: values[e.index], interval: [0, 1] as [number, number], samples: 40, similar: 3 } } : e)),
  };
  await page.evaluate(`window.__deliver(${JSON.stringify({ type: 'load', trace, live: false, settings: { renderMath: false, expandEpisodes: false, showChart: true }, budget: {}, probe: false })})`);
  await waitUntil(page, `window.__sent.some((m) => m.type === 'shown' && m.traceId === '${trace.id}')`);
  await waitUntil(page, `document.querySelector('.rl-overview-canvas').getAttribute('aria-label').startsWith('Overview map of ${trace.episodes.length} episodes')`);
  return { page, trace, problems };
}

const description = (page: Page) => page.evaluate(`document.getElementById(document.querySelector('.rl-overview-canvas').getAttribute('aria-describedby')).textContent`) as Promise<string>;

/** The canvas's pixels across the strip (the rightmost STRIP_PX columns) at a height in tokens: [r, g, b, a] per column. */
function stripAt(page: Page, tokens: number): Promise<number[][]> {
  return page.evaluate(`(() => {
    const canvas = document.querySelector('.rl-overview-canvas');
    const total = window.__shownTokens;
    const y = Math.round((${tokens} / total) * canvas.height);
    const data = canvas.getContext('2d').getImageData(canvas.width - ${STRIP_PX}, y, ${STRIP_PX}, 1).data;
    const out = [];
    for (let i = 0; i < data.length; i += 4) out.push([data[i], data[i + 1], data[i + 2], data[i + 3]]);
    return out;
  })()`);
}

const isOrange = ([r, g, b, a]: number[]) => a > 200 && Math.abs(r - 0xd1) < 24 && Math.abs(g - 0x86) < 24 && Math.abs(b - 0x16) < 24;

test('overview map: importance strip (bar = value / largest, top anchors tagged), its legend and description name the method and the value', async (t) => {
  if (!requireChromium(t)) return;
  const { page, trace, problems } = await openWith(VALUES);
  const label = await page.getAttribute('.rl-overview-canvas', 'aria-label');
  assert.equal(label, `Overview map of ${trace.episodes.length} episodes, with counterfactual importance`);
  const text = await description(page);
  assert.match(text, new RegExp(`Importance strip \\(right edge\\): ${METHOD.replace(/[[\]()/.*+?^$|]/g, '\\$&')} \\(variant\\), counterfactual importance: KL divergence`));
  assert.match(text, /as a share of the largest, 0\.80 nats\./);
  assert.match(text, new RegExp(`6 episodes measured, ${trace.episodes.length - 6} not measured\\.`));
  assert.match(text, /Top anchors \(largest values above zero\): 1\. episode #1 \(0\.80 nats\), 2\. episode #5 \(0\.40 nats\), 3\. episode #8 \(0\.30 nats\)\./);
  // The legend is shown, names the measure, its unit and recipe, and the largest value.
  assert.equal(await page.isVisible('.rl-overview-legend'), true);
  const legend = await page.locator('.rl-overview-legend').innerText();
  assert.match(legend.replace(/\s+/g, ' '), /importance counterfactual KL \(nats\), variant bar = value ÷ max 0\.80 nats 1 top anchors/);

  // Pixels: where each episode sits on the canvas (cumulative tokens, top to bottom).
  const starts: number[] = [];
  let total = 0;
  for (const e of trace.episodes) {
    starts.push(total);
    total += e.tokens;
  }
  await page.evaluate(`window.__shownTokens = ${total}`);
  const mid = (index: number) => starts[index] + trace.episodes[index].tokens / 2;
  const canvasHeight = (await page.evaluate(`document.querySelector('.rl-overview-canvas').height`)) as number;
  const px = (tokens: number) => (tokens / total) * canvasHeight;
  // The anchor tags (12 px) and the first-correct marks must not reach the rows read below.
  const firstCorrect = trace.episodes.findIndex((e) => e.verdict === 'correct');
  for (const probe of [0, 2, 3, 12]) {
    for (const anchor of [1, 5, 8]) assert.ok(Math.abs(px(mid(probe)) - px(mid(anchor))) > 8, `episode ${probe} is clear of anchor ${anchor}'s tag`);
    if (firstCorrect >= 0) assert.ok(Math.abs(px(mid(probe)) - px(starts[firstCorrect] + trace.episodes[firstCorrect].tokens)) > 7, `episode ${probe} is clear of the first-correct mark`);
  }
  await waitUntil(page, `(() => { const c = document.querySelector('.rl-overview-canvas'); const y = Math.round((${mid(1)} / ${total}) * c.height); return c.getContext('2d').getImageData(c.width - 6, y, 1, 1).data[3] > 200; })()`);

  const orangeRun = (row: number[][]) => {
    let n = 0;
    while (n < row.length && isOrange(row[n])) n++;
    return n;
  };
  // Anchor 1: the tag fills the strip's width, its number in the background colour in the middle.
  const anchorRow = await stripAt(page, mid(1));
  assert.ok(isOrange(anchorRow[0]) && isOrange(anchorRow[STRIP_PX - 1]), `anchor 1 tagged across the strip: ${JSON.stringify(anchorRow)}`);
  // Episode 3: 0.2 of the largest 0.8 is a quarter of the strip (3 of 12 px, the edge pixel antialiased).
  const quarter = orangeRun(await stripAt(page, mid(3)));
  assert.ok(quarter >= 2 && quarter <= 4, `a quarter-length bar: ${quarter} px of ${STRIP_PX}`);
  // Episode 0: 0.05 / 0.8 is under one pixel, drawn as the 1 px minimum.
  assert.equal(orangeRun(await stripAt(page, mid(0))), 1);
  // Episode 2 (value 0) and episode 12 (not measured): nothing drawn in the strip.
  for (const index of [2, 12]) {
    const row = await stripAt(page, mid(index));
    assert.ok(row.every((p) => p[3] === 0), `no bar for episode ${index}: ${JSON.stringify(row)}`);
  }
  assert.deepEqual(await page.evaluate('window.__violations'), []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('overview map: a trace without importance has no strip, no legend, and the map keeps its narrow width', async (t) => {
  if (!requireChromium(t)) return;
  const { page, trace, problems } = await openWith(null);
  assert.equal(await page.getAttribute('.rl-overview-canvas', 'aria-label'), `Overview map of ${trace.episodes.length} episodes`);
  assert.doesNotMatch(await description(page), /mportance/);
  assert.equal(await page.isVisible('.rl-overview-legend'), false);
  const widths = (await page.evaluate(`[document.querySelector('.rl-overview').getBoundingClientRect().width]`)) as number[];
  assert.equal(widths[0], 64);
  // The same page, measured afterwards: the map widens for the strip and narrows again.
  const measured: Trace = { ...trace, id: 'measured-later', episodes: trace.episodes.map((e) => (e.index in VALUES ? { ...e, importance: { method: METHOD, value: VALUES[e.index], samples: 40 } } : e)) };
  await page.evaluate(`window.__deliver(${JSON.stringify({ type: 'load', trace: measured, live: false, settings: { renderMath: false, expandEpisodes: false, showChart: true }, budget: {}, probe: false })})`);
  await waitUntil(page, `document.querySelector('.rl-overview-canvas').getAttribute('aria-label').endsWith('with counterfactual importance')`);
  assert.equal(await page.evaluate(`document.querySelector('.rl-overview').getBoundingClientRect().width`), 100);
  await page.evaluate(`window.__deliver(${JSON.stringify({ type: 'load', trace, live: false, settings: { renderMath: false, expandEpisodes: false, showChart: true }, budget: {}, probe: false })})`);
  await waitUntil(page, `document.querySelector('.rl-overview-canvas').getAttribute('aria-label') === 'Overview map of ${trace.episodes.length} episodes'`);
  assert.equal(await page.isVisible('.rl-overview-legend'), false);
  assert.deepEqual(problems, []);
  await page.close();
});
