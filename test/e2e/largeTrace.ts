/**
 * The large-trace scenario (issue: 100k tokens, 1,000 episodes): a trace built from real
 * Sky-T1 thinking text, opened in the trace editor in a real browser; measures first render
 * and scroll frame times. Used by ui.e2e.ts and by `npm run bench:e2e`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { finalizeTrace } from '../../src/core/annotate';
import { validateTrace } from '../../src/core/schema';
import { estimateTokens } from '../../src/core/tokens';
import { TRACE_FORMAT_VERSION, type Episode, type Trace } from '../../src/core/trace';
import { quickOpen, repoRoot, webviewFrame } from './harness';
import { startLongFrameTrace } from './longFrames';

export const EPISODES = 1000;
export const TARGET_TOKENS = 100_000;

/** Real paragraphs from ../shared/data (Sky-T1 generations), or undefined when absent. */
function realParagraphs(): string[] | undefined {
  const file = path.resolve(repoRoot, '../shared/data/traces/skythought/Sky-T1-math-correct-5K-14B__aime24.jsonl');
  if (!existsSync(file)) return undefined;
  const out: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const rec = JSON.parse(line) as { code?: string[] };
    const text = rec.code?.[0] ?? '';
    for (const p of text.split(/\n\s*\n/)) {
      const t = p.replace(/<\|[^|]*\|>/g, '').trim();
      if (t.length > 40) out.push(t);
    }
  }
  return out;
}

/** `episodes` episodes of about 100 tokens each, tiled from the real paragraphs (1,000 by default; the bench also builds 10,000). */
export function buildLargeTrace(episodes = EPISODES): Trace | undefined {
  const paragraphs = realParagraphs();
  if (!paragraphs) return undefined;
  const count = episodes;
  const perEpisodeTokens = TARGET_TOKENS / EPISODES;
  const list: Episode[] = [];
  let thinking = '';
  let p = 0;
  for (let i = 0; i < count; i++) {
    const parts: string[] = [i === 0 ? 'Let me start.' : 'Wait, let me reconsider.'];
    while (estimateTokens(parts.join('\n\n')) < perEpisodeTokens) parts.push(paragraphs[p++ % paragraphs.length]);
    const text = parts.join('\n\n') + '\n\n';
    const start = thinking.length;
    thinking += text;
    const answer = i % 50 === 49 ? String(100 + (i % 7)) : undefined;
    const mu = Math.min(1, i / count + 0.05);
    const ep: Episode = {
      index: i,
      start,
      end: thinking.length,
      text,
      tokens: estimateTokens(text),
      labels: i === 0 ? ['planning'] : ['verification'],
      verdict: answer ? (answer === '104' ? 'correct' : 'incorrect') : 'none',
      progress: { mu, delta: i === 0 ? mu : 1 / count, samples: 4, answers: { '104': 1 }, basis: 'gold' },
    };
    if (i > 0) ep.opener = 'Wait';
    if (answer) ep.answer = answer;
    list.push(ep);
  }
  const trace = finalizeTrace({
    version: TRACE_FORMAT_VERSION,
    id: `large-${count}-episodes`,
    problem: `Large-trace benchmark: ${count.toLocaleString('en-US')} episodes of real Sky-T1 thinking (AIME 2024), about 100 tokens each.`,
    gold: '104',
    model: 'Sky-T1-32B (tiled)',
    source: { kind: 'bench:large-trace', path: 'skythought/Sky-T1-math-correct-5K-14B__aime24.jsonl' },
    thinking,
    response: 'The answer is \\boxed{104}.',
    episodes: list,
  });
  const checked = validateTrace(trace);
  if (!checked.ok) throw new Error(`large trace is invalid: ${JSON.stringify(checked.errors.slice(0, 3))}`);
  return checked.trace;
}

export function writeLargeTrace(dir: string, episodes = EPISODES, name = 'large.trace.json'): { file: string; trace: Trace } | undefined {
  const trace = buildLargeTrace(episodes);
  if (!trace) return undefined;
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(trace));
  return { file, trace };
}

export interface ScrollMeasurement {
  scrollFrames: number;
  frameP50: number;
  frameP95: number;
  frameMax: number;
  /** Frames longer than 50 ms (visible jank). */
  longFrames: number;
  /** Most elements in the document seen during the scroll (sampled every 20 frames). */
  maxElements: number;
  /** Scroll height of the document (px). */
  scrollHeight: number;
}

export interface LargeTraceMeasurement extends ScrollMeasurement {
  episodes: number;
  thinkingTokens: number;
  fileMB: number;
  /** Enter in Quick Open → first card visible (what the earlier runs measured). */
  firstCardMs: number;
  /** The page received the 'load' message → the frame with the first card painted (performance marks in the webview). */
  firstCardAfterLoadMs: number | null;
  summaryMs: number;
  /** Elements in the webview document once the trace is shown, before scrolling. */
  elementsAtOpen: number;
}

/** Scroll step per animation frame (px) for every scripted scroll. */
export const SCROLL_STEP_PX = 400;
/** A scroll stops here even if the bottom was not reached (the 10,000-episode list is ~700k px). */
const MAX_SCROLL_FRAMES = 4000;

/**
 * Runs in the page: scrolls the document's scroller (or the nearest scrolling ancestor of
 * `selector`) from the top to the bottom, one step per animation frame, and times each frame.
 */
export async function scriptedScroll(body: HTMLElement, args: { selector: string; step: number; maxFrames: number }): Promise<{ deltas: number[]; maxElements: number; scrollHeight: number }> {
  const start = body.querySelector(args.selector) as HTMLElement | null;
  let scroller: HTMLElement = (document.scrollingElement as HTMLElement) ?? document.documentElement;
  for (let el = start; el; el = el.parentElement) {
    const style = getComputedStyle(el);
    if (/(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight) {
      scroller = el;
      break;
    }
  }
  scroller.scrollTop = 0;
  await new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));
  const deltas: number[] = [];
  let maxElements = document.getElementsByTagName('*').length;
  // The mark ties the frames to a DevTools trace's clock (bench/trace-scroll.bench.ts LONG_FRAMES).
  let last = performance.mark('rl:scroll-start').startTime;
  for (let i = 0; i < args.maxFrames; i++) {
    if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 2) break;
    scroller.scrollTop += args.step;
    await new Promise<void>((r) => requestAnimationFrame(() => r()));
    const now = performance.now();
    deltas.push(now - last);
    last = now;
    if (i % 20 === 0) maxElements = Math.max(maxElements, document.getElementsByTagName('*').length);
  }
  maxElements = Math.max(maxElements, document.getElementsByTagName('*').length);
  return { deltas, maxElements, scrollHeight: scroller.scrollHeight };
}

export function summarizeFrames(run: { deltas: number[]; maxElements: number; scrollHeight: number }): ScrollMeasurement {
  const frames = run.deltas;
  const sorted = [...frames].sort((a, b) => a - b);
  const q = (f: number) => sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))] ?? 0;
  return {
    scrollFrames: frames.length,
    frameP50: q(0.5),
    frameP95: q(0.95),
    frameMax: sorted[sorted.length - 1] ?? 0,
    longFrames: frames.filter((f) => f > 50).length,
    maxElements: run.maxElements,
    scrollHeight: run.scrollHeight,
  };
}

/**
 * LONG_FRAMES / HEAP_CHURN of the benches: `longFrames` (ms) traces the scroll and lists what the
 * main thread did in each frame longer than that; `heapChurn` also brackets the scroll with forced
 * collections and prints what it allocated (the young generation is shrunk by them, so the
 * scroll's own collections are then not those of an unbracketed scroll).
 */
export interface ScrollDiagnostics {
  longFrames?: number;
  heapChurn?: boolean;
}

/** Opens `file` (already in the workspace) with Quick Open and measures render and scrolling. */
export async function measureLargeTrace(page: Page, fileName: string, trace: Trace, fileBytes: number, opts: ScrollDiagnostics = {}): Promise<LargeTraceMeasurement> {
  await quickOpen(page, fileName);
  const t0 = Date.now();
  await page.keyboard.press('Enter');
  const frame = webviewFrame(page);
  await frame.locator('.rl-card').first().waitFor({ state: 'visible', timeout: 180_000 });
  const firstCardMs = Date.now() - t0;
  await frame.locator('.rl-summary').getByText('104').first().waitFor({ timeout: 180_000 });
  const summaryMs = Date.now() - t0;
  const body = frame.locator('body');
  // The marks are set by webview/trace/main.ts (message received) and app.ts (first card painted).
  const firstCardAfterLoadMs = await body.evaluate(async () => {
    for (let i = 0; i < 100 && performance.getEntriesByName('rl:first-card-painted').length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    const received = performance.getEntriesByName('rl:load-received').at(-1);
    const painted = performance.getEntriesByName('rl:first-card-painted').at(-1);
    return received && painted ? painted.startTime - received.startTime : null;
  });
  const elementsAtOpen = await body.evaluate(() => document.getElementsByTagName('*').length);
  // The webview may run in another process than the workbench: the browser's session traces them all.
  const longFrames = opts.longFrames ? await startLongFrameTrace(await page.context().browser()!.newBrowserCDPSession(), opts.longFrames, opts.heapChurn ? (await webviewSession(page)).session : undefined) : null;
  const run = await body.evaluate(scriptedScroll, { selector: '.rl-episodes', step: SCROLL_STEP_PX, maxFrames: MAX_SCROLL_FRAMES });
  if (longFrames) console.log(await longFrames(run.deltas));
  const scroll = summarizeFrames(run);
  return {
    episodes: trace.episodes.length,
    thinkingTokens: trace.metrics.thinkingTokens,
    fileMB: fileBytes / 1e6,
    firstCardMs,
    firstCardAfterLoadMs,
    summaryMs,
    elementsAtOpen,
    ...scroll,
  };
}

/**
 * Runs in the page: fills `body` with one <p> per text, styled through the CSSOM (a webview's
 * CSP allows no <style> of ours), the same way in a tab of its own and inside the view's webview.
 */
export function fillWithParagraphs(body: HTMLElement, texts: string[]): void {
  Object.assign(body.style, { font: '13px/1.45 sans-serif', margin: '0 12px', padding: '0', maxWidth: '1100px' });
  const fragment = document.createDocumentFragment();
  for (const text of texts) {
    const p = document.createElement('p');
    p.style.margin = '0 0 6px';
    p.textContent = text;
    fragment.append(p);
  }
  body.append(fragment);
}

/**
 * The floor: a plain page with one <p> per episode (the episode's text) in a new tab of the
 * same browser, scrolled the same way. What headless Chromium on this machine does with no
 * view code at all.
 */
export async function measurePlainPage(browser: Browser, trace: Trace, viewport: { width: number; height: number }, opts: ScrollDiagnostics = {}): Promise<ScrollMeasurement> {
  const page = await browser.newPage({ viewport });
  try {
    await page.setContent('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body></body></html>');
    await page.locator('body').evaluate(fillWithParagraphs, trace.episodes.map((e) => e.text.trim()));
    const longFrames = opts.longFrames ? await startLongFrameTrace(await page.context().browser()!.newBrowserCDPSession(), opts.longFrames, opts.heapChurn ? await page.context().newCDPSession(page) : undefined) : null;
    const run = await page.locator('body').evaluate(scriptedScroll, { selector: 'body', step: SCROLL_STEP_PX, maxFrames: MAX_SCROLL_FRAMES });
    if (longFrames) console.log(`  plain page, own tab:\n${await longFrames(run.deltas)}`);
    return summarizeFrames(run);
  } finally {
    await page.close();
  }
}

/**
 * The same plain page inside the trace view's own webview, after the view was measured: the
 * view's elements and stylesheets are removed and the paragraphs put in their place, so the
 * plain page scrolls in the same frame, renderer process and V8 heap as the view did. In
 * code-server the webview shares the workbench's process (the heap is shared: webviewHeapMB),
 * so this floor includes what the workbench does meanwhile (its idle callbacks, the shared
 * heap's GC), which a page in its own tab does not have. The view's objects stay on the heap;
 * its scroll listeners are kept from running (stopped at the document), so the paragraphs
 * scroll with no code of ours. Destroys the view: reopen the trace to use it again.
 */
export async function measurePlainInWebview(page: Page, trace: Trace, opts: ScrollDiagnostics = {}): Promise<ScrollMeasurement> {
  const body = webviewFrame(page).locator('body');
  await body.evaluate((b) => {
    document.addEventListener('scroll', (event) => event.stopPropagation(), true);
    for (const sheet of document.querySelectorAll('link[rel="stylesheet"], style')) sheet.remove();
    b.replaceChildren();
    b.removeAttribute('class');
  });
  await body.evaluate(fillWithParagraphs, trace.episodes.map((e) => e.text.trim()));
  await body.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const longFrames = opts.longFrames ? await startLongFrameTrace(await page.context().browser()!.newBrowserCDPSession(), opts.longFrames, opts.heapChurn ? (await webviewSession(page)).session : undefined) : null;
  const run = await body.evaluate(scriptedScroll, { selector: 'body', step: SCROLL_STEP_PX, maxFrames: MAX_SCROLL_FRAMES });
  if (longFrames) console.log(`  plain page in the webview:\n${await longFrames(run.deltas)}`);
  return summarizeFrames(run);
}

/**
 * A DevTools session on the webview's frame, or on the workbench's page when the webview is not a
 * target of its own (it runs in the workbench's process: `shared`).
 */
async function webviewSession(page: Page): Promise<{ session: CDPSession; shared: boolean }> {
  const handle = await webviewFrame(page).locator('body').elementHandle();
  const frame = await handle?.ownerFrame();
  try {
    return { session: await page.context().newCDPSession(frame ?? page), shared: false };
  } catch {
    return { session: await page.context().newCDPSession(page), shared: true };
  }
}

/**
 * JS heap of the webview's renderer after a forced GC (MB), through the DevTools protocol. When
 * the webview runs in the workbench's process, that heap is shared: `shared` says so, and the
 * caller reports the growth over a baseline instead.
 */
export async function webviewHeapMB(page: Page): Promise<{ usedMB: number; shared: boolean }> {
  const { session, shared } = await webviewSession(page);
  try {
    await session.send('HeapProfiler.collectGarbage');
    const usage = (await session.send('Runtime.getHeapUsage')) as { usedSize: number };
    return { usedMB: usage.usedSize / 1e6, shared };
  } finally {
    await session.detach();
  }
}

export function formatMeasurement(m: LargeTraceMeasurement): string {
  const rows: [string, string][] = [
    ['episodes', String(m.episodes)],
    ['thinking tokens', m.thinkingTokens.toLocaleString('en-US')],
    ['file size', `${m.fileMB.toFixed(2)} MB`],
    ['first episode card visible (after Enter)', `${m.firstCardMs} ms`],
    ['first card painted after the page got the trace', m.firstCardAfterLoadMs === null ? 'n/a' : `${m.firstCardAfterLoadMs.toFixed(0)} ms`],
    ['summary (final answer) visible', `${m.summaryMs} ms`],
    ['scroll frames measured (top to bottom)', String(m.scrollFrames)],
    ['scroll frame p50', `${m.frameP50.toFixed(1)} ms`],
    ['scroll frame p95', `${m.frameP95.toFixed(1)} ms (${(m.frameP95 / 16.7).toFixed(2)}× a 60 Hz frame)`],
    ['scroll frame max', `${m.frameMax.toFixed(1)} ms`],
    ['frames > 50 ms', String(m.longFrames)],
    ['elements in the webview (open / max while scrolling)', `${m.elementsAtOpen} / ${m.maxElements}`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  return ['Large trace in VS Code 1.100.3 webview (headless Chromium, 2 cores)', ...rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`)].join('\n');
}
