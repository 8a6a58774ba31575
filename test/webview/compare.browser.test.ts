/**
 * The built compare view in headless Chromium through its dev harness (strict CSP, fake VS Code
 * API): four real traces of one problem (two models, a right and a wrong trace each), the
 * alignment switch moving the strips and the divergence mark, μ overlaid with intervals, the
 * summary table's difference marks, messages to the host, persisted state, and hostile model
 * text staying inert. Skips with a notice only when Chromium (or the real data) is missing.
 */
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { compareTraces, type Comparison } from '../../src/core/compare';
import type { Trace } from '../../src/core/trace';
import { comparePayload } from '../../src/extension/compare/payload';
import { datasetPayload } from '../../src/extension/dataset/rows';
import { parseDatasetViewMessage } from '../../src/shared/dataset-protocol';
import { readTracesAnyFormat } from '../../src/io/read-traces';
import { parseCompareViewMessage, type ComparePayload } from '../../src/shared/compare-protocol';
import { CHROMIUM_ARGS } from '../../webview/dev/chromium';
import { chromiumPath, dataPath, requireChromium, requireData } from '../support/shared-data';
import { serveHarness } from '../../webview/dev/serve';
import { buildLargeTrace } from '../e2e/largeTrace';
import { withProgress } from '../support/synthetic-progress';

const root = resolve(__dirname, '../..');
const haveChromium = existsSync(chromiumPath);
const haveData = existsSync(dataPath('traces', 'thought-anchors.com'));
const HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><iframe src="javascript:window.__pwned=3"></iframe>';
let browser: Browser;
let server: Server;
let baseUrl: string;
let real: ComparePayload;

const FILES: [string, string][] = [
  ['deepseek-r1-distill-llama-8b', 'correct'],
  ['deepseek-r1-distill-llama-8b', 'incorrect'],
  ['deepseek-r1-distill-qwen-14b', 'correct'],
  ['deepseek-r1-distill-qwen-14b', 'incorrect'],
];

async function writeSamples(): Promise<void> {
  const samples = join(root, 'dist/dev-samples');
  mkdirSync(samples, { recursive: true });
  const traces: Trace[] = [];
  const origins: string[] = [];
  for (const [model, kind] of FILES) {
    const file = dataPath('traces', 'thought-anchors.com', model, `${kind}_base_solution`, 'problem_330', 'base_solution.json');
    const read = await readTracesAnyFormat(file);
    traces.push(read.traces[0].trace);
    origins.push(`${model}/${kind}_base_solution/problem_330/base_solution.json:1`);
  }
  writeFileSync(join(samples, 'dataset-compare-entry.json'), JSON.stringify(datasetPayload(traces, { file: '/data/problem-330.trace.jsonl', name: 'problem-330.trace.jsonl' })));
  real = comparePayload(compareTraces(traces.map((trace, i) => ({ trace, label: `${FILES[i][0].replace('deepseek-r1-distill-', '')} (${FILES[i][1]})` }))), origins, 'index');
  writeFileSync(join(samples, 'compare-real.json'), JSON.stringify(real));
  const probed = comparePayload(compareTraces([traces[0], traces[3]].map((t) => ({ trace: withProgress(t) }))), [origins[0], origins[3]], 'tokens');
  writeFileSync(join(samples, 'compare-probed.json'), JSON.stringify(probed));
  // Hostile model text everywhere the view shows text: problem, model, answers, origins.
  const evil = (t: Trace): Trace => ({
    ...t,
    problem: `${HOSTILE} what is 1+1?`,
    model: `<b>${t.model}</b>${HOSTILE}`,
    gold: HOSTILE,
    final: { ...t.final, answer: HOSTILE },
    episodes: t.episodes.map((e) => (e.answer ? { ...e, answer: `${HOSTILE}${e.answer}` } : e)),
  });
  const hostile = comparePayload(compareTraces([evil(traces[0]), evil(traces[3])].map((trace) => ({ trace }))), [HOSTILE, `[x](javascript:alert(1))`], 'index');
  writeFileSync(join(samples, 'compare-hostile.json'), JSON.stringify(hostile));
  // Two 1,000-episode traces (real Sky-T1 paragraphs, tiled; synthetic μ): the full one and a
  // budgeted copy cut at 600 episodes, as a re-run with a cap would be.
  const large = buildLargeTrace(1000);
  if (large) {
    const cut = { ...large, id: 'large-cut', episodes: large.episodes.slice(0, 600) };
    writeFileSync(join(samples, 'compare-large.json'), JSON.stringify(comparePayload(compareTraces([{ trace: large, label: 'full' }, { trace: cut, label: 'cut at 600' }]), ['full', 'cut'], 'tokens')));
  }
}

before(async () => {
  if (!haveChromium || !haveData) return;
  const r = spawnSync(process.execPath, ['webview/dev/build.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  await writeSamples();
  ({ server, url: baseUrl } = await serveHarness());
  browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  server?.close();
});

function skipWithout(t: TestContext): boolean {
  return !requireChromium(t) || !requireData(t, 'traces', 'thought-anchors.com');
}

async function open(query: string, initialState?: unknown): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  if (initialState) await page.addInitScript({ content: `window.__initialState = ${JSON.stringify(initialState)};` });
  await page.goto(`${baseUrl}/webview/compare/dev/index.html?${query}`);
  await page.waitForSelector('.rl-cmp-strip');
  await page.waitForSelector('.rl-cmp-plot canvas');
  return { page, problems };
}

/** Two painted frames: what a page does after a message (errors, CSP reports) has happened by then. */
const twoFrames = (page: Page) => page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');

const sent = (page: Page) => page.evaluate('window.__sent') as Promise<{ type: string; [k: string]: unknown }[]>;

/** What the strip of trace `i` says when hovered at `fraction` of its width (the episode there). */
async function hoverTitle(page: Page, i: number, fraction: number): Promise<string> {
  const canvas = page.locator(`.rl-cmp-strip[data-trace="${i}"] canvas`);
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + fraction * box.width, box.y + 3);
  return (await canvas.getAttribute('title')) ?? '';
}

/** The colour drawn in the verdict bar of trace `i` at `fraction` of its width, and the stylesheet's colour for `verdict`. */
const verdictPixel = (page: Page, i: number, fraction: number, verdict: string) =>
  page.evaluate(`(() => {
    const c = document.querySelector('.rl-cmp-strip[data-trace="${i}"] canvas');
    const d = c.getContext('2d').getImageData(Math.floor(${fraction} * c.width), Math.floor(c.height * 0.2), 1, 1).data;
    const probe = document.querySelector('[data-probe="v-${verdict}"]');
    return { drawn: 'rgb(' + d[0] + ', ' + d[1] + ', ' + d[2] + ')', css: getComputedStyle(probe).backgroundColor };
  })()`) as Promise<{ drawn: string; css: string }>;

test('four real traces of one problem: strips, chart, summary with differences, divergence, under the strict CSP', async (t) => {
  if (skipWithout(t)) return;
  const { page, problems } = await open('sample=real&theme=light');
  const c: Comparison = real.comparison;
  assert.equal(await page.locator('.rl-cmp-strip').count(), 4);
  const columns = Math.max(...c.traces.map((x) => x.episodes.length));
  for (let i = 0; i < 4; i++) {
    assert.equal(await page.getAttribute(`.rl-cmp-strip[data-trace="${i}"] canvas`, 'data-episodes'), String(c.traces[i].episodes.length));
    // The last episode's block, in the stylesheet's colour for its verdict.
    const k = c.traces[i].episodes.length - 1;
    const { drawn, css } = await verdictPixel(page, i, (k + 0.5) / columns, c.traces[i].episodes[k].verdict);
    assert.equal(drawn, css, `trace ${i} episode ${k}: drawn in its verdict's colour`);
  }
  assert.equal(await page.locator('.rl-cmp-strip .rl-cmp-block').count(), 0, 'no element per episode');
  // The table: one row per summary row, the differing ones marked.
  assert.equal(await page.locator('.rl-cmp-table tbody tr').count(), c.summary.length);
  const differing = c.summary.filter((r) => r.differs).map((r) => r.key);
  assert.deepEqual(await page.evaluate(`[...document.querySelectorAll('.rl-cmp-table tr.rl-cmp-differs')].map((r) => r.dataset.key)`), differing);
  assert.ok(differing.includes('verdict') && differing.includes('finalAnswer'));
  assert.match((await page.textContent('.rl-cmp-table tr[data-key="verdict"]')) ?? '', /Final verdict \(differs\).*correct.*incorrect.*correct.*incorrect/);
  assert.match((await page.textContent('.rl-cmp-table tr[data-key="verdict"] .rl-cmp-def')) ?? '', /final\.correct/);
  // The divergence sentence and its mark.
  assert.equal(await page.textContent('.rl-cmp-divergence'), real.divergenceText.index);
  assert.match(real.divergenceText.index, /diverge after episode #\d+/);
  assert.equal(await page.locator('.rl-cmp-diverge-mark').count(), 1);
  assert.match((await page.textContent('.rl-cmp-problem')) ?? '', /\S/);
  // The problem's TeX ($3(1+3(…))$) is typeset, not shown as source; the source stays in the title.
  assert.equal(await page.locator('.rl-cmp-problem .katex').count(), 1, 'the problem\'s formula is typeset by KaTeX');
  assert.doesNotMatch((await page.locator('.rl-cmp-problem').innerText()) ?? '', /\$3\(1\+3/, 'no raw TeX delimiters on screen');
  assert.match((await page.getAttribute('.rl-cmp-problem', 'title')) ?? '', /\$3\(1\+3\(1\+3/);
  // Final answers are typeset as math too, with their source for copying.
  assert.equal(await page.locator('.rl-cmp-table tr[data-key="finalAnswer"] td .rl-answer-math .katex').count(), c.summary.find((r) => r.key === 'finalAnswer')!.cells.filter((cell) => cell.value !== null).length);
  assert.equal(await page.locator('.rl-cmp-warning[hidden]').count(), 1, 'same problem: no warning');
  const shown = (await sent(page)).filter((m) => m.type === 'shown');
  assert.deepEqual(shown, [{ type: 'shown', traces: 4, alignment: 'index' }]);
  for (const m of await sent(page)) assert.ok(parseCompareViewMessage(m).ok, `the host accepts ${JSON.stringify(m)}`);
  await twoFrames(page);
  assert.deepEqual(await page.evaluate('window.__violations'), [], 'no CSP violations');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the alignment switch: by index episode k starts at the same place in every trace; by tokens at its token position; the choice persists', async (t) => {
  if (skipWithout(t)) return;
  const { page } = await open('sample=real');
  const c = real.comparison;
  // Episode 3 of every trace that has one (one real trace is a single long episode).
  const k = 3;
  const has = c.traces.map((x) => x.episodes.length > k);
  assert.ok(has.filter(Boolean).length >= 3);
  const columns = Math.max(...c.traces.map((x) => x.episodes.length));
  for (let i = 0; i < 4; i++) {
    if (has[i]) assert.match(await hoverTitle(page, i, (k + 0.5) / columns), new RegExp(`^#${c.traces[i].episodes[k].index} · `), `index: episode ${k} in the same column of trace ${i}`);
  }
  const byIndex = await Promise.all([0, 1, 2, 3].map((i) => hoverTitle(page, i, (k + 0.5) / columns)));
  await page.click('.rl-cmp-switch-button[data-align="tokens"]');
  await page.waitForSelector('body[data-strips-drawn="tokens"]');
  assert.equal(await page.getAttribute('.rl-cmp-switch-button[data-align="tokens"]', 'aria-pressed'), 'true');
  assert.equal(await page.textContent('.rl-cmp-divergence'), real.divergenceText.tokens);
  const end = Math.max(...c.traces.map((x) => x.episodeTokens));
  for (let i = 0; i < 4; i++) {
    if (!has[i]) continue;
    const e = c.traces[i].episodes[k];
    assert.match(await hoverTitle(page, i, (e.startTokens + e.endTokens) / 2 / end), new RegExp(`^#${e.index} · ${e.endTokens - e.startTokens} tokens`), `tokens: trace ${i} episode ${k} at its token span`);
  }
  const sameSpot = await Promise.all([0, 1, 2, 3].map((i) => hoverTitle(page, i, (k + 0.5) / columns)));
  assert.notDeepEqual(sameSpot, byIndex, 'the same place on the axis is another episode once aligned by tokens');
  assert.deepEqual((await sent(page)).filter((m) => m.type === 'shown').pop(), { type: 'shown', traces: 4, alignment: 'tokens' });
  const state = await page.evaluate('window.__state');
  assert.deepEqual(state, { version: 1, alignment: 'tokens', sources: real.sources }, 'the alignment and where the traces came from (for a window reload)');
  assert.deepEqual(real.sources.map((x) => x.id), c.traces.map((x) => x.id));
  await page.close();
  const again = await open('sample=real', state);
  assert.equal(await again.page.getAttribute('.rl-cmp-switch-button[data-align="tokens"]', 'aria-pressed'), 'true', 'restored before the host said otherwise');
  await again.page.close();
});

test('μ of both traces on one chart with interval whiskers; Open asks the host for that trace', async (t) => {
  if (skipWithout(t)) return;
  const { page, problems } = await open('sample=probed&theme=dark');
  assert.equal(await page.getAttribute('.rl-cmp-switch-button[data-align="tokens"]', 'aria-pressed'), 'true', 'the host chose tokens');
  assert.equal(await page.locator('.rl-cmp-plot .u-series').count(), 0, 'no legend (the strips name the traces)');
  assert.match((await page.getAttribute('.rl-cmp-plot', 'aria-label')) ?? '', /μ .* over \d+ probed episodes; .*μ .* over \d+ probed episodes/);
  // The canvas has pixels in both traces' colours (lines and whiskers).
  const painted = (await page.evaluate(`(() => { const c = document.querySelector('.rl-cmp-plot canvas'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; })()`)) as number;
  assert.ok(painted > 1000, `the chart drew something (${painted} px)`);
  await page.click('[data-open="1"]');
  assert.deepEqual((await sent(page)).filter((m) => m.type === 'open-trace'), [{ type: 'open-trace', position: 1 }]);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a restore that could not read every trace names the missing ones above the rest; one with too few shows only why', async (t) => {
  if (skipWithout(t)) return;
  const { page, problems } = await open('sample=real');
  const gone = 'deepseek-r1-distill-qwen-14b (problem-330.jsonl:2): problem-330.jsonl is gone (moved or deleted).';
  assert.equal(await page.locator('.rl-cmp-missing').isHidden(), true, 'nothing missing: no note');
  await page.evaluate(`window.__deliver(${JSON.stringify({ type: 'compare', ...real, missing: [gone] })})`);
  await page.waitForSelector('.rl-cmp-missing:not([hidden])');
  assert.match((await page.textContent('.rl-cmp-missing')) ?? '', /One trace of this comparison could not be read again; the others are compared\..*problem-330\.jsonl is gone/);
  assert.equal(await page.locator('.rl-cmp-strip').count(), 4, 'the traces that were read are compared');
  const before = await page.evaluate('JSON.stringify(window.__state)');
  const why = 'This comparison cannot be restored: none of its traces could be read again.';
  await page.evaluate(`window.__deliver(${JSON.stringify({ type: 'unavailable', message: why, missing: [gone, `${HOSTILE}: gone`] })})`);
  await page.waitForSelector('.rl-cmp-body[hidden]', { state: 'attached' });
  assert.equal(await page.locator('.rl-cmp-missing li').count(), 2);
  assert.match((await page.textContent('.rl-cmp-missing')) ?? '', /cannot be restored: none of its traces.*problem-330\.jsonl is gone.*<img src=x onerror=/);
  assert.equal(await page.locator('#app img, #app script, #app iframe').count(), 0, 'a hostile file name stays text');
  assert.deepEqual((await sent(page)).filter((m) => m.type === 'shown').pop(), { type: 'shown', traces: 0, alignment: 'index' }, 'the page says it shows why, not a comparison');
  assert.equal(await page.evaluate('JSON.stringify(window.__state)'), before, 'the saved sources are kept: the next reload tries the same files again');
  await twoFrames(page);
  assert.equal(await page.evaluate('window.__pwned'), undefined);
  assert.deepEqual(await page.evaluate('window.__violations'), []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('hostile model text (problem, model, answers, gold, origins) stays inert text', async (t) => {
  if (skipWithout(t)) return;
  const { page, problems } = await open('sample=hostile');
  await twoFrames(page);
  assert.equal(await page.evaluate('window.__pwned'), undefined);
  assert.equal(await page.locator('#app img, #app script, #app iframe, #app b').count(), 0, 'no element made from model text');
  assert.match((await page.textContent('.rl-cmp-problem')) ?? '', /<img src=x onerror=/);
  assert.match((await page.textContent('.rl-cmp-table tr[data-key="finalAnswer"]')) ?? '', /<script>window.__pwned=2<\/script>/);
  assert.match((await page.textContent('.rl-cmp-legend')) ?? '', /<b>deepseek-r1-distill-llama-8b<\/b>/);
  assert.equal(await page.locator('#app a').count(), 0, 'no link made from an origin');
  assert.deepEqual(await page.evaluate('window.__violations'), []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('two 1,000-episode traces: time to draw and DOM size (printed, not asserted)', async (t) => {
  if (skipWithout(t)) return;
  const started = Date.now();
  const { page, problems } = await open('sample=large');
  const ms = Date.now() - started;
  assert.equal(await page.getAttribute('.rl-cmp-strip[data-trace="0"] canvas', 'data-episodes'), '1000');
  assert.equal(await page.getAttribute('.rl-cmp-strip[data-trace="1"] canvas', 'data-episodes'), '600');
  const nodes = (await page.evaluate('document.getElementsByTagName("*").length')) as number;
  const switched = Date.now();
  await page.click('.rl-cmp-switch-button[data-align="index"]');
  await page.waitForSelector('body[data-alignment="index"]');
  console.log(`compare view, 1,000 + 600 episodes: page load to strips and chart ${ms} ms, ${nodes} DOM elements, alignment switch ${Date.now() - switched} ms`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the dataset view\'s Compare action sends the selected row for the host to compare (entry point, under its CSP)', async (t) => {
  if (skipWithout(t)) return;
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.goto(`${baseUrl}/webview/dataset/dev/index.html?sample=compare-entry`);
  await page.waitForSelector('.rl-ds-spacer .rl-ds-row');
  await page.click('.rl-ds-spacer .rl-ds-row[data-position="2"]');
  await page.click('[data-action="compare"]');
  const messages = (await sent(page)).filter((m) => m.type === 'compare');
  const rows = JSON.parse(JSON.stringify(real.comparison.traces.map((x) => x.id)));
  assert.equal(messages.length, 1);
  const message = messages[0] as { type: string; index: number; id: string };
  assert.equal(message.id, rows[message.index], 'the row\'s index and id');
  assert.deepEqual(parseDatasetViewMessage(message), { ok: true, message }, 'the host accepts it');
  assert.deepEqual(await page.evaluate('window.__violations'), []);
  await page.close();
});
