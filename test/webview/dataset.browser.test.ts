/**
 * The built dataset view in headless Chromium through its dev harness (strict CSP, fake VS Code
 * API): report and charts from real annotated traces, sorting, filters, opening a trace,
 * untrusted text, persisted state, and a 10,000-row table (rendering cost printed, not asserted).
 * Skips with a notice only when Chromium is not installed (or, for the real-data pages, the data).
 */
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Trace } from '../../src/core/trace';
import { datasetPayload } from '../../src/extension/dataset/rows';
import { runDatasetJob } from '../../src/runs/dataset/job';
import { readTraceFile } from '../../src/runs/dataset/report';
import { parseDatasetViewMessage, type DatasetPayload } from '../../src/shared/dataset-protocol';
import { CHROMIUM_ARGS } from '../../webview/dev/chromium';
import { chromiumPath, dataPath, requireChromium, requireData, sharedData } from '../support/shared-data';
import { serveHarness } from '../../webview/dev/serve';

const root = resolve(__dirname, '../..');
const CHROMIUM = chromiumPath;
const haveChromium = existsSync(CHROMIUM);
const haveData = existsSync(dataPath('traces', 'thought-anchors-cots-math'));
const HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> what is 1+1?';
let browser: Browser;
let server: Server;
let baseUrl: string;
let real: DatasetPayload;

/** Annotated real traces (offline job), one problem made hostile, and a two-model variant with probes. */
async function writeSamples(): Promise<void> {
  const samples = join(root, 'dist/dev-samples');
  mkdirSync(samples, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'rl-dataset-view-'));
  const output = join(dir, 'cots.annotated.trace.jsonl');
  await runDatasetJob({ input: join(sharedData, 'traces/thought-anchors-cots-math'), output, report: false });
  const traces = (await readTraceFile(output)).traces;
  rmSync(dir, { recursive: true, force: true });
  traces[1] = { ...traces[1], problem: HOSTILE, model: '<b>model</b>' };
  real = datasetPayload(traces, { file: '/data/cots.annotated.trace.jsonl', name: 'cots.annotated.trace.jsonl' }, ['cots.annotated.trace.jsonl:7: not valid JSON (<i>x</i>)'], { status: 'done', total: 153, done: 153 });
  writeFileSync(join(samples, 'dataset-real.json'), JSON.stringify(real));

  // Two models and μ per episode, so the comparison table and the progress chart have data.
  // μ here is synthetic (the share of correct intermediate answers so far); the view only draws it.
  const probed: Trace[] = traces.map((t, i) => {
    let right = 0;
    let seen = 0;
    return {
      ...t,
      model: i % 2 ? 'model-b' : 'model-a',
      episodes: t.episodes.map((e) => {
        if (e.verdict !== 'none') seen++;
        if (e.verdict === 'correct') right++;
        const mu = seen ? right / seen : 0;
        return { ...e, progress: { mu, delta: 0, samples: 4, answers: {}, basis: 'gold' as const } };
      }),
    };
  });
  writeFileSync(join(samples, 'dataset-models.json'), JSON.stringify(datasetPayload(probed, { file: '/data/two.trace.jsonl', name: 'two.trace.jsonl' })));

  // 10,000 rows (the real rows repeated with new ids): what a big job's output looks like to the table.
  const rows = Array.from({ length: 10_000 }, (_, i) => ({ ...real.rows[i % real.rows.length], index: i, id: `row-${i}` }));
  writeFileSync(join(samples, 'dataset-10k.json'), JSON.stringify({ ...real, rows, problems: [] }));
}

before(async () => {
  if (!haveChromium || !haveData) return;
  const r = spawnSync(process.execPath, ['webview/dev/build.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  await writeSamples();
  ({ server, url: baseUrl } = await serveHarness());
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  server?.close();
});

// Outside CI: skip with a notice; under CI (CI=true) a missing part fails (test/support/shared-data).
function skipWithout(t: TestContext): boolean {
  return !requireChromium(t) || !requireData(t, 'traces', 'thought-anchors-cots-math');
}

async function open(query: string, initialState?: unknown): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  if (initialState) await page.addInitScript({ content: `window.__initialState = ${JSON.stringify(initialState)};` });
  await page.goto(`${baseUrl}/webview/dataset/dev/index.html?${query}`);
  await page.waitForSelector('.rl-ds-spacer .rl-ds-row');
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

const sent = (page: Page) => page.evaluate('window.__sent') as Promise<{ type: string; [k: string]: unknown }[]>;
const firstCells = (page: Page, cls: string) => page.evaluate(`[...document.querySelectorAll('.rl-ds-spacer .rl-ds-row')].sort((a, b) => a.dataset.position - b.dataset.position).slice(0, 5).map((r) => r.querySelector('.${cls}').textContent)`) as Promise<string[]>;

test('real traces: summary, three charts and a windowed table render under the strict CSP', async (t) => {
  if (skipWithout(t)) return;
  const { page, problems } = await open('sample=real&theme=light');
  const summary = (await page.textContent('.rl-ds-summary')) ?? '';
  const o = real.report.overall;
  assert.match(summary, new RegExp(`${(100 * o.accuracy!).toFixed(1)}% \\(${o.correct} of ${o.graded} graded\\)`));
  assert.match(summary, /Tokens after first correct/);
  await waitUntil(page, 'document.querySelectorAll(".rl-ds-chart canvas").length >= 2');
  assert.equal(await page.isVisible('[data-chart="labels"] canvas'), true, 'label bars drawn');
  assert.equal(await page.isVisible('[data-chart="budget"] canvas'), true, 'accuracy by budget drawn');
  assert.match((await page.textContent('[data-chart="progress"] .rl-chart-caption')) ?? '', /no episode in this file was probed/);
  assert.match((await page.textContent('.rl-ds-count')) ?? '', /^153 traces$/);
  const inDom = await page.locator('.rl-ds-spacer .rl-ds-row').count();
  assert.ok(inDom > 10 && inDom < 153, `only the visible window is built (${inDom} rows)`);
  assert.match((await page.textContent('.rl-ds-problems summary')) ?? '', /1 line\(s\) are not valid traces/);
  // The hostile trace names a second model, so the comparison table lists both, as text.
  const models = (await page.textContent('.rl-ds-model-table')) ?? '';
  assert.match(models, /\(unknown model\)/);
  assert.match(models, /<b>model<\/b>/);
  assert.deepEqual(await page.evaluate('window.__violations'), []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('untrusted text from traces stays text', async (t) => {
  if (skipWithout(t)) return;
  const { page } = await open('sample=real');
  const problem = await page.textContent('.rl-ds-row[data-index="1"] .rl-ds-c-problem');
  assert.equal(problem, HOSTILE);
  assert.equal(await page.textContent('.rl-ds-row[data-index="1"] .rl-ds-c-model'), '<b>model</b>');
  assert.equal(await page.locator('.rl-ds-table img, .rl-ds-table script, .rl-ds-table b, .rl-ds-problems i').count(), 0);
  assert.equal(await page.evaluate('window.__pwned'), undefined);
  await page.close();
});

test('column headers sort (aria-sort follows); a second click reverses', async (t) => {
  if (skipWithout(t)) return;
  const { page } = await open('sample=real');
  await page.click('.rl-ds-sort[data-key="thinkingTokens"]');
  const cell = page.locator('[role="columnheader"].rl-ds-sorted');
  assert.equal(await cell.getAttribute('aria-sort'), 'descending');
  const max = Math.max(...real.rows.map((r) => r.thinkingTokens));
  const top = await page.evaluate('document.querySelector(".rl-ds-row[data-position=\\"0\\"]").dataset.index');
  assert.equal(real.rows[Number(top)].thinkingTokens, max);
  await page.click('.rl-ds-sort[data-key="thinkingTokens"]');
  assert.equal(await cell.getAttribute('aria-sort'), 'ascending');
  const bottom = await page.evaluate('document.querySelector(".rl-ds-row[data-position=\\"0\\"]").dataset.index');
  assert.equal(real.rows[Number(bottom)].thinkingTokens, Math.min(...real.rows.map((r) => r.thinkingTokens)));
  await page.close();
});

test('filters: incorrect, label, overthinking; counts in the caption and the options', async (t) => {
  if (skipWithout(t)) return;
  const { page } = await open('sample=real');
  const incorrect = real.rows.filter((r) => r.correct === false).length;
  await page.selectOption('#rl-ds-outcome', 'incorrect');
  assert.equal(await page.textContent('.rl-ds-count'), `${incorrect} of 153 traces match the filters`);
  assert.match((await page.textContent('#rl-ds-outcome option[value="incorrect"]')) ?? '', new RegExp(`\\(${incorrect}\\)`));
  const marks = await firstCells(page, 'rl-ds-c-correct');
  assert.ok(marks.every((m) => /incorrect/.test(m)), marks.join('|'));

  await page.selectOption('#rl-ds-outcome', 'all');
  await page.check('#rl-ds-overthinking');
  await page.fill('#rl-ds-percent', '10');
  const over = real.rows.filter((r) => r.tokensAfterFirstCorrect !== null && r.tokensAfterFirstCorrect * 100 > 10 * r.thinkingTokens).length;
  assert.ok(over > 0);
  assert.equal(await page.textContent('.rl-ds-count'), `${over} of 153 traces match the filters`);

  await page.uncheck('#rl-ds-overthinking');
  await page.selectOption('#rl-ds-label', 'backtracking');
  const withLabel = real.rows.filter((r) => r.labels.includes('backtracking')).length;
  assert.equal(await page.textContent('.rl-ds-count'), withLabel === 153 ? '153 traces' : `${withLabel} of 153 traces match the filters`);
  await page.close();
});

test('a click or Enter on a row asks the host to open that trace (a message the host accepts)', async (t) => {
  if (skipWithout(t)) return;
  const { page } = await open('sample=real');
  await page.click('.rl-ds-row[data-position="2"] .rl-ds-c-problem');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const opens = (await sent(page)).filter((m) => m.type === 'open-trace');
  assert.deepEqual(opens, [
    { type: 'open-trace', index: 2, id: real.rows[2].id },
    { type: 'open-trace', index: 3, id: real.rows[3].id },
  ]);
  for (const m of opens) assert.ok(parseDatasetViewMessage(m).ok);
  assert.deepEqual((await sent(page)).filter((m) => m.type === 'shown'), [{ type: 'shown', rows: 153 }]);
  await page.close();
});

test('filters, sort and scroll persist; a reloaded page restores them before the host answers again', async (t) => {
  if (skipWithout(t)) return;
  const { page } = await open('sample=real');
  await page.selectOption('#rl-ds-outcome', 'correct');
  await page.click('.rl-ds-sort[data-key="episodes"]');
  await waitUntil(page, 'window.__state && window.__state.filters.outcome === "correct" && window.__state.sort.key === "episodes"');
  const state = await page.evaluate('window.__state');
  const { page: again } = await open('sample=real', state);
  assert.equal(await again.inputValue('#rl-ds-outcome'), 'correct');
  assert.equal(await again.getAttribute('[role="columnheader"].rl-ds-sorted', 'aria-sort'), 'descending');
  assert.equal((await page.textContent('.rl-ds-count')), await again.textContent('.rl-ds-count'));
  await again.close();
  await page.close();
});

test('several models: comparison table, model filter, a progress curve per model', async (t) => {
  if (skipWithout(t)) return;
  const { page, problems } = await open('sample=models');
  const table = (await page.textContent('.rl-ds-model-table')) ?? '';
  assert.match(table, /model-a/);
  assert.match(table, /model-b/);
  assert.equal(await page.isVisible('#rl-ds-model'), true);
  await page.selectOption('#rl-ds-model', 'model-b');
  assert.equal(await page.textContent('.rl-ds-count'), '76 of 153 traces match the filters');
  await waitUntil(page, 'document.querySelector("[data-chart=progress] canvas")');
  const caption = (await page.textContent('[data-chart="progress"] .rl-chart-caption')) ?? '';
  assert.match(caption, /model-a \(gold basis\): μ/);
  assert.match(caption, /model-b \(gold basis\): μ/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('10,000 rows: the DOM holds only a window; scrolling to the end shows the last row', async (t) => {
  if (skipWithout(t)) return;
  const started = Date.now();
  const { page, problems } = await open('sample=10k');
  const firstRowMs = Date.now() - started;
  const inDom = await page.locator('.rl-ds-spacer .rl-ds-row').count();
  assert.ok(inDom < 100, `${inDom} rows in the DOM`);
  await page.evaluate('document.querySelector(".rl-ds-viewport").scrollTop = 1e9');
  await waitUntil(page, 'document.querySelector(".rl-ds-row[data-position=\\"9999\\"]")');
  assert.equal(await page.textContent('.rl-ds-row[data-position="9999"] .rl-ds-c-index'), '10000');
  // Sorting 10k rows: measured, printed, not asserted.
  const sortMs = (await page.evaluate(`(() => { const t0 = performance.now(); document.querySelector('.rl-ds-sort[data-key="problem"]').click(); return performance.now() - t0; })()`)) as number;
  const filterMs = (await page.evaluate(`(() => { const s = document.querySelector('#rl-ds-outcome'); const t0 = performance.now(); s.value = 'incorrect'; s.dispatchEvent(new Event('change')); return performance.now() - t0; })()`)) as number;
  console.log(`dataset view, 10,000 rows: page open to first row ${firstRowMs} ms (incl. navigation), sort by problem ${sortMs.toFixed(1)} ms, filter ${filterMs.toFixed(1)} ms, ${inDom} rows in the DOM`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('in a narrow editor (a split) every column stays reachable: the table scrolls sideways, header and rows together', async (t) => {
  if (skipWithout(t)) return;
  const { page, problems } = await open('sample=real&theme=light');
  await page.setViewportSize({ width: 480, height: 800 });
  await page.waitForTimeout(200);
  const geometry = (await page.evaluate(`(() => {
    const table = document.querySelector('.rl-ds-table');
    const head = [...document.querySelectorAll('.rl-ds-head > *')];
    const last = head[head.length - 1].getBoundingClientRect();
    const box = table.getBoundingClientRect();
    return { scrollWidth: table.scrollWidth, clientWidth: table.clientWidth, lastRight: last.right - box.left + table.scrollLeft, lastWidth: last.width };
  })()`)) as { scrollWidth: number; clientWidth: number; lastRight: number; lastWidth: number };
  assert.ok(geometry.scrollWidth > geometry.clientWidth, `the table scrolls sideways (${geometry.scrollWidth} > ${geometry.clientWidth})`);
  assert.ok(geometry.lastRight <= geometry.scrollWidth + 1, `the last column lies inside the scrollable width: ${JSON.stringify(geometry)}`);
  assert.ok(geometry.lastWidth >= 40, `the last column keeps its width: ${geometry.lastWidth}px`);
  await page.evaluate(`document.querySelector('.rl-ds-table').scrollLeft = 10000`);
  const rowLast = (await page.evaluate(`(() => { const r = document.querySelector('.rl-ds-spacer .rl-ds-row'); const c = r.lastElementChild.getBoundingClientRect(); return c.right <= window.innerWidth + 1 && c.left >= 0; })()`)) as boolean;
  assert.equal(rowLast, true, 'scrolled to the right, the rows\' last cells are on screen with the header');
  assert.deepEqual(problems, []);
  await page.close();
});

test('rows in pages: the first page while the file is read, more pages, then the report; it says partial until the last row, then sorts all', async (t) => {
  if (skipWithout(t)) return;
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  await page.goto(`${baseUrl}/webview/dataset/dev/index.html?sample=none`);
  await waitUntil(page, `window.__sent.some((m) => m.type === 'ready')`);
  const deliver = (m: unknown) => page.evaluate(`window.__deliver(${JSON.stringify(m)})`);
  const rows = real.rows;
  const { rows: _all, ...header } = real;
  await deliver({ type: 'dataset', ...header, rows: rows.slice(0, 50), reading: { traces: 50, bytes: 30, totalBytes: 100 }, paging: { load: 7 } });
  await page.waitForSelector('.rl-ds-spacer .rl-ds-row');
  assert.equal(await page.textContent('.rl-ds-count'), '50 traces read so far');
  assert.equal(await page.getAttribute('.rl-ds-meta', 'data-partial'), 'true');
  assert.match((await page.textContent('.rl-ds-meta')) ?? '', /reading the file: 30% so far, 50 traces shown/);
  await deliver({ type: 'dataset-rows', load: 7, from: 50, rows: rows.slice(50, 120), reading: { traces: 120, bytes: 80, totalBytes: 100 } });
  // A page of another load, and one that does not follow on from the rows held, are left out.
  await deliver({ type: 'dataset-rows', load: 6, from: 120, rows: rows.slice(120) });
  await deliver({ type: 'dataset-rows', load: 7, from: 130, rows: rows.slice(130) });
  await waitUntil(page, `document.body.dataset.rows === '120'`);
  assert.equal(await page.textContent('.rl-ds-count'), '120 traces read so far');
  await deliver({ type: 'dataset-read', load: 7, report: real.report, problems: real.problems, rowCount: rows.length });
  await waitUntil(page, `document.querySelector('.rl-ds-meta').dataset.reading === 'false'`);
  assert.equal(await page.getAttribute('.rl-ds-meta', 'data-partial'), 'true', 'the report is in, 33 rows are not');
  assert.equal(await page.textContent('.rl-ds-count'), `120 traces received so far, of ${rows.length}`);
  await deliver({ type: 'dataset-rows', load: 7, from: 120, rows: rows.slice(120) });
  await waitUntil(page, `document.body.dataset.partial === 'false'`);
  assert.equal(await page.textContent('.rl-ds-count'), `${rows.length} traces`);
  assert.doesNotMatch((await page.textContent('.rl-ds-meta')) ?? '', /reading|receiving/);
  await page.click('.rl-ds-sort[data-key="thinkingTokens"]');
  const top = await page.evaluate('document.querySelector(".rl-ds-row[data-position=\\"0\\"]").dataset.index');
  assert.equal(rows[Number(top)].thinkingTokens, Math.max(...rows.map((r) => r.thinkingTokens)), 'sorting covers every row once all came');
  assert.deepEqual((await sent(page)).filter((m) => m.type === 'shown'), [{ type: 'shown', rows: 50 }, { type: 'shown', rows: rows.length }]);
  assert.deepEqual(problems, []);
  await page.close();
});
