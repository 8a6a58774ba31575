/**
 * The compare view at size, in its dev harness (headless Chromium, strict CSP, no VS Code around
 * it): two traces of 1,000 and of 10,000 episodes each (real Sky-T1 paragraphs tiled,
 * test/e2e/largeTrace.ts; the second a rotated copy with other verdicts; synthetic μ on both so
 * the chart draws every point). For each pair: first paint after the page receives the
 * 'compare' message (the frame after the strips and the chart are drawn), a scripted scroll of
 * the page top to bottom (400 px per frame, as the trace view's benches) beside a plain page of
 * 1,000 paragraphs scrolled in the same browser (headless Chromium's floor), the alignment
 * switch, the DOM element count and the JS heap. Needs /usr/bin/chromium and ../shared/data;
 * prints a notice and exits 0 without them. ROUNDS (default 2) rounds, medians printed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { compareTraces } from '../src/core/compare';
import type { Trace } from '../src/core/trace';
import { comparePayload } from '../src/extension/compare/payload';
import { buildLargeTrace, measurePlainPage, scriptedScroll, summarizeFrames, type ScrollMeasurement } from '../test/e2e/largeTrace';
import { CHROMIUM_ARGS } from '../webview/dev/chromium';
import { serveHarness } from '../webview/dev/serve';
import { withProgress } from '../test/support/synthetic-progress';

const root = resolve(__dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
const VIEWPORT = { width: 1500, height: 950 };
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const SIZES = (process.env.SIZES ?? '1000,10000').split(',').map(Number);
/** The compare page is about two screens tall: 400 px per frame (the trace benches' step) would give two frames, so 50. */
const SCROLL_STEP_PX = 50;

/** A second trace of the same length: the episodes rotated (other lengths line up) and every third verdict flipped. */
function rotated(t: Trace): Trace {
  const shift = Math.floor(t.episodes.length / 3);
  const flip = { correct: 'incorrect', incorrect: 'correct', none: 'none' } as const;
  const episodes = [...t.episodes.slice(shift), ...t.episodes.slice(0, shift)].map((e, index) => ({ ...e, index, verdict: index % 3 === 0 ? flip[e.verdict] : e.verdict }));
  return { ...t, id: `${t.id}-rotated`, model: 'rotated copy', episodes };
}

interface CompareRun extends ScrollMeasurement {
  firstPaintMs: number;
  switchMs: number;
  elements: number;
  heapMB: number;
}

async function measureCompare(browser: Browser, url: string, sample: string): Promise<CompareRun> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  try {
    await page.goto(`${url}/webview/compare/dev/index.html?sample=none`);
    await page.waitForFunction('document.body.dataset.ready === "true"');
    // A string, not a function: tsx would wrap named arrows in a helper the page does not have.
    const firstPaintMs = (await page.evaluate(`(async () => {
      ${FRAME}
      const payload = await (await fetch('/dist/dev-samples/${sample}.json')).json();
      await frame();
      const t0 = performance.now();
      window.__deliver({ type: 'compare', ...payload });
      // Events, not sleeps: the page says 'shown' when its strips are built; the chart draws in the next frame.
      while (!window.__sent.some((m) => m.type === 'shown') || !document.querySelector('.rl-cmp-plot canvas')) await frame();
      await frame(); // this callback runs after the frame that painted them
      return performance.now() - t0;
    })()`)) as number;
    const elements = await page.evaluate(() => document.getElementsByTagName('*').length);
    const scroll = summarizeFrames(await page.locator('body').evaluate(scriptedScroll, { selector: '.rl-cmp-body', step: SCROLL_STEP_PX, maxFrames: 4000 }));
    const switchMs = (await page.evaluate(`(async () => {
      ${FRAME}
      window.scrollTo(0, 0);
      await frame();
      const t0 = performance.now();
      document.querySelector('.rl-cmp-switch-button[data-align="index"]').click();
      while (!document.querySelector('.rl-cmp-plot canvas') || document.body.dataset.alignment !== 'index') await frame();
      await frame();
      await frame();
      return performance.now() - t0;
    })()`)) as number;
    const heapMB = ((await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0)) as number) / 1e6;
    return { ...scroll, firstPaintMs, switchMs, elements, heapMB };
  } finally {
    await page.close();
  }
}

const FRAME = 'const frame = () => new Promise((r) => requestAnimationFrame(() => r()));';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const f1 = (x: number) => x.toFixed(1);

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) return console.log(`notice: ${CHROMIUM} not found; skipped`);
  const samples = join(root, 'dist/dev-samples');
  mkdirSync(samples, { recursive: true });
  let plainTrace: Trace | undefined;
  for (const n of SIZES) {
    const trace = buildLargeTrace(n);
    if (!trace) return console.log('notice: ../shared/data is absent; skipped');
    if (!plainTrace || n === 1000) plainTrace = { ...trace, episodes: trace.episodes.slice(0, 1000) };
    const a = withProgress(trace);
    const b = withProgress(rotated(trace));
    const payload = comparePayload(compareTraces([{ trace: a, label: 'original' }, { trace: b, label: 'rotated' }]), ['large.trace.json:1', 'large.trace.json:2'], 'tokens');
    const json = JSON.stringify(payload);
    writeFileSync(join(samples, `compare-bench-${n}.json`), json);
    console.log(`pair of ${n}-episode traces: message ${(json.length / 1e6).toFixed(2)} MB`);
  }
  const built = spawnSync(process.execPath, ['webview/dev/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('building the webview failed');
  const { server, url } = await serveHarness();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const runs: Record<string, CompareRun[]> = {};
  const plain: ScrollMeasurement[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      plain.push(await measurePlainPage(browser, plainTrace!, VIEWPORT));
      for (const n of SIZES) {
        const r = await measureCompare(browser, url, `compare-bench-${n}`);
        (runs[n] ??= []).push(r);
        console.log(`round ${round + 1}, 2 x ${n}: first paint ${f1(r.firstPaintMs)} ms, scroll p50 ${f1(r.frameP50)} p95 ${f1(r.frameP95)} max ${f1(r.frameMax)} (${r.scrollFrames} frames, >50 ms ${r.longFrames}), switch ${f1(r.switchMs)} ms, ${r.elements} elements, heap ${f1(r.heapMB)} MB`);
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  const plainP95 = median(plain.map((p) => p.frameP95));
  console.log(`\nCompare view, medians over ${ROUNDS} round(s) (headless Chromium --disable-gpu, ${VIEWPORT.width}×${VIEWPORT.height}, ${SCROLL_STEP_PX} px per frame; load average at the end ${(await import('node:os')).loadavg()[0].toFixed(1)}):`);
  console.log('| case | first paint after the message | scroll p50 | scroll p95 | p95 / plain p95 | frames > 50 ms | alignment switch | DOM elements | JS heap |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  console.log(`| plain page, 1,000 paragraphs (400 px per frame) | | ${f1(median(plain.map((p) => p.frameP50)))} ms | ${f1(plainP95)} ms | 1.00 | ${median(plain.map((p) => p.longFrames))} of ${plain[0].scrollFrames} | | ${plain[0].maxElements} | |`);
  for (const n of SIZES) {
    const rs = runs[n];
    const p95 = median(rs.map((r) => r.frameP95));
    console.log(`| 2 traces × ${n.toLocaleString('en')} episodes | ${f1(median(rs.map((r) => r.firstPaintMs)))} ms | ${f1(median(rs.map((r) => r.frameP50)))} ms | ${f1(p95)} ms | ${(p95 / plainP95).toFixed(2)} | ${median(rs.map((r) => r.longFrames))} of ${rs[0].scrollFrames} | ${f1(median(rs.map((r) => r.switchMs)))} ms | ${rs[0].elements} | ${f1(median(rs.map((r) => r.heapMB)))} MB |`);
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
