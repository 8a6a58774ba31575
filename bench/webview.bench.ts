/**
 * Webview speed in headless Chromium (the dev harness under the extension's strict CSP):
 * first render of a trace, scrolling, expanding all cards, and live streaming, for a generated
 * 100k-token / 1,000-episode trace and a 100-episode one; plus the same scroll with
 * content-visibility switched off, measured in the same run for the ratio.
 * Needs /usr/bin/chromium; prints a notice and exits 0 without it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { syntheticTrace } from '../webview/dev/make-samples';
import { CHROMIUM_ARGS } from '../webview/dev/chromium';
import { serveHarness } from '../webview/dev/serve';

const root = resolve(__dirname, '..');
const CHROMIUM = '/usr/bin/chromium';

const FRAME = 'const frame = () => new Promise((r) => requestAnimationFrame(() => r()));';

async function firstRender(page: Page, sample: string): Promise<number> {
  return page.evaluate(`(async () => {
    ${FRAME}
    const trace = await (await fetch('/dist/dev-samples/${sample}.json')).json();
    await frame();
    const t0 = performance.now();
    window.__deliver({ type: 'load', trace, live: false, settings: { renderMath: true, expandEpisodes: false, showChart: true }, budget: trace.budget ? trace.budget.policy : {}, probe: false });
    while (document.querySelectorAll('.rl-card').length < trace.episodes.length) await new Promise((r) => setTimeout(r, 0));
    await frame(); await frame();
    return performance.now() - t0;
  })()`);
}

/** Intervals between frames while scrolling the page top to bottom, 600 px per frame. */
async function scrollFrames(page: Page): Promise<number[]> {
  return page.evaluate(`(async () => {
    ${FRAME}
    window.scrollTo(0, 0); await frame(); await frame();
    const times = []; let last = performance.now();
    const max = document.documentElement.scrollHeight - innerHeight;
    for (let y = 600; y < max; y += 600) { window.scrollTo(0, y); await frame(); const now = performance.now(); times.push(now - last); last = now; }
    return times;
  })()`);
}

async function expandAll(page: Page): Promise<number> {
  return page.evaluate(`(async () => {
    ${FRAME}
    window.scrollTo(0, 0); await frame();
    const t0 = performance.now();
    document.querySelector('[aria-label="Expand all visible episodes"]').click();
    await frame(); await frame();
    return performance.now() - t0;
  })()`);
}

/** Replays the trace as live events (the harness batches `rate` events per frame); returns frame intervals. */
async function liveFrames(page: Page): Promise<{ intervals: number[]; total: number }> {
  return page.evaluate(`(async () => {
    const intervals = []; let last = performance.now(); const t0 = last;
    while (!(document.querySelector('.rl-status') && document.querySelector('.rl-status').dataset.status === 'done')) {
      await new Promise((r) => requestAnimationFrame(() => r()));
      const now = performance.now(); intervals.push(now - last); last = now;
      if (now - t0 > 120000) break;
    }
    return { intervals, total: performance.now() - t0 };
  })()`);
}

function stats(xs: number[]): { median: number; p95: number; max: number; long: number } {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  return { median: q(0.5), p95: q(0.95), max: s[s.length - 1] ?? 0, long: xs.filter((x) => x > 50).length };
}

const fmt = (n: number) => n.toFixed(1).padStart(8);

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.log(`notice: ${CHROMIUM} not found; webview benchmark skipped`);
    return;
  }
  const build = spawnSync(process.execPath, [join(root, 'webview/dev/build.mjs'), '--production'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('webview build failed');
  const outDir = join(root, 'dist/dev-samples');
  mkdirSync(outDir, { recursive: true });
  for (const n of [100, 1000]) writeFileSync(join(outDir, `bench-${n}.json`), JSON.stringify(syntheticTrace(n, 100)));

  const { server, url } = await serveHarness();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const rows: string[] = [];
  const results: Record<string, number> = {};
  try {
    // Baseline: a plain page of the same height, to read frame times against this machine's load.
    const base = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await base.goto(`${url}/webview/dev/baseline.html?n=1000`);
    await base.waitForFunction('document.body.dataset.ready === "true"');
    const baseline = stats(await scrollFrames(base));
    results.baseline = baseline.median;
    rows.push(`${'baseline'.padStart(8)} plain page, 1000 paragraphs         | scroll frame median ${fmt(baseline.median)} p95 ${fmt(baseline.p95)} max ${fmt(baseline.max)} (>50ms: ${baseline.long})`);
    await base.close();
    for (const n of [100, 1000]) {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      await page.goto(`${url}/webview/dev/index.html?sample=none`);
      await page.waitForFunction('document.body.dataset.ready === "true"');
      const render = await firstRender(page, `bench-${n}`);
      const scroll = stats(await scrollFrames(page));
      const expand = await expandAll(page);
      const scrollExpanded = stats(await scrollFrames(page));
      results[`render${n}`] = render;
      results[`scroll${n}`] = scroll.median;
      rows.push(`${String(n).padStart(8)} episodes  first render ${fmt(render)} ms | scroll frame median ${fmt(scroll.median)} p95 ${fmt(scroll.p95)} max ${fmt(scroll.max)} (>50ms: ${scroll.long}) | expand all ${fmt(expand)} ms | scroll expanded median ${fmt(scrollExpanded.median)} p95 ${fmt(scrollExpanded.p95)} max ${fmt(scrollExpanded.max)}`);
      if (n === 1000) {
        // Same page, content-visibility off: every card is laid out and painted.
        await page.evaluate(`(() => { const sheet = [...document.styleSheets].find((s) => (s.href || '').endsWith('main.css')); sheet.insertRule('.rl-chunk { content-visibility: visible !important; }', sheet.cssRules.length); })()`);
        const off = stats(await scrollFrames(page));
        results.scrollOff = off.median;
        rows.push(`${'1000'.padStart(8)} episodes  content-visibility OFF (expanded)   | scroll frame median ${fmt(off.median)} p95 ${fmt(off.p95)} max ${fmt(off.max)} (>50ms: ${off.long}) | ratio p95 off/on ${(off.p95 / Math.max(0.1, scrollExpanded.p95)).toFixed(2)}`);
      }
      await page.close();
    }
    const live = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await live.goto(`${url}/webview/dev/index.html?sample=bench-1000&live=1&rate=20`);
    await live.waitForSelector('.rl-card');
    const streamed = await liveFrames(live);
    const ls = stats(streamed.intervals);
    rows.push(`${'1000'.padStart(8)} episodes  live replay, 20 events/frame: ${streamed.intervals.length} frames in ${(streamed.total / 1000).toFixed(1)} s | frame median ${fmt(ls.median)} p95 ${fmt(ls.p95)} max ${fmt(ls.max)} (>50ms: ${ls.long})`);
    await live.close();
  } finally {
    await browser.close();
    server.close();
  }
  console.log('Webview (headless Chromium, --disable-gpu, 1100×900, 100 tokens/episode):');
  for (const row of rows) console.log(row);
  console.log(`ratio scroll median 1000 episodes (collapsed) / plain baseline: ${(results.scroll1000 / results.baseline).toFixed(2)}`);
  console.log(`ratio first render 1000/100 episodes: ${(results.render1000 / results.render100).toFixed(2)} (10× the episodes)`);
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
