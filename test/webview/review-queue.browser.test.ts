/**
 * The dataset view's review queue control in headless Chromium (the dev harness: strict CSP,
 * fake VS Code API), keyboard only. The test plays the host with the host's own parts: every
 * message the page sends goes through parseDatasetViewMessage, the queue is computed by
 * reviewQueueOrder from real annotated traces (thought-anchors-cots-math, annotated offline)
 * and a real review sidecar written by ReviewSession; "Review next" is answered the way the
 * trace view's R key ends (a `reviewed` line in the sidecar, the queue sent again).
 * Skips with a notice only when Chromium or the data is missing (fails under CI).
 */
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { reviewedTraces } from '../../src/core/review/resolve';
import type { Trace } from '../../src/core/trace';
import { datasetPayload } from '../../src/extension/dataset/rows';
import { DEFAULT_QUEUE_CHOICE, reviewQueueOrder } from '../../src/extension/dataset/reviewQueueState';
import { ReviewSession } from '../../src/io/review-session';
import { runDatasetJob } from '../../src/runs/dataset/job';
import { readTraceFile } from '../../src/runs/dataset/report';
import { parseDatasetViewMessage, type ReviewQueueChoice } from '../../src/shared/dataset-protocol';
import { CHROMIUM_ARGS } from '../../webview/dev/chromium';
import { chromiumPath, haveData, requireChromium, requireData, sharedData } from '../support/shared-data';
import { serveHarness } from '../../webview/dev/serve';

const root = resolve(__dirname, '../..');
const HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> what is 1+1?';
let browser: Browser | undefined;
let server: Server | undefined;
let baseUrl: string;
let traces: Trace[] = [];
let dir: string;

function skipWithout(t: TestContext): boolean {
  return !requireChromium(t) || !requireData(t, 'traces', 'thought-anchors-cots-math');
}

before(async () => {
  if (!existsSync(chromiumPath) || !haveData('traces', 'thought-anchors-cots-math')) return;
  const r = spawnSync(process.execPath, ['webview/dev/build.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  dir = mkdtempSync(join(tmpdir(), 'rl-review-queue-'));
  const output = join(dir, 'cots.trace.jsonl');
  await runDatasetJob({ input: join(sharedData, 'traces/thought-anchors-cots-math'), output, report: false });
  traces = (await readTraceFile(output)).traces;
  // The first incorrect trace (the default queue's first) gets a hostile problem: shown as text only.
  const firstIncorrect = traces.findIndex((t) => t.final.correct === false);
  traces[firstIncorrect] = { ...traces[firstIncorrect], problem: HOSTILE };
  const samples = join(root, 'dist/dev-samples');
  mkdirSync(samples, { recursive: true });
  writeFileSync(join(samples, 'dataset-queue.json'), JSON.stringify(datasetPayload(traces, { file: output, name: 'cots.trace.jsonl' })));
  ({ server, url: baseUrl } = await serveHarness());
  browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Polls an expression (page.waitForFunction would need 'unsafe-eval' under our CSP). */
async function waitUntil(page: Page, expression: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(`Boolean(${expression})`))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The host's side of the queue, with the host's own parts (validator, queue order, sidecar). */
class QueueHost {
  choice: ReviewQueueChoice = DEFAULT_QUEUE_CHOICE;
  readonly session: ReviewSession;
  readonly opened: number[] = [];
  private seen = 0;

  constructor(tracePath: string) {
    this.session = new ReviewSession(tracePath, { who: 'Tester' });
  }

  async send(page: Page): Promise<void> {
    const contents = await this.session.read();
    const order = reviewQueueOrder(traces, reviewedTraces(contents.annotations), this.choice, { name: 'cots.trace.jsonl.annotations.jsonl', skippedLines: 0 });
    await page.evaluate((queue) => (window as unknown as { __deliver(m: unknown): void }).__deliver({ type: 'review-queue', queue }), order.state);
  }

  /** Answers what the page sent since the last call (at most `limit` messages). */
  async pump(page: Page, limit = Infinity): Promise<void> {
    const sent = ((await page.evaluate('window.__sent')) as unknown[]).slice(0, this.seen + limit);
    for (const raw of sent.slice(this.seen)) {
      const parsed = parseDatasetViewMessage(raw);
      assert.ok(parsed.ok, `the host accepts ${JSON.stringify(raw)}`);
      const m = parsed.message;
      if (m.type === 'shown' || m.type === 'ready') await this.send(page);
      if (m.type === 'review-queue-set') {
        this.choice = m.choice;
        await this.send(page);
      }
      if (m.type === 'review-next') {
        // What the trace view does when the reviewer presses R there: one line in the sidecar.
        const contents = await this.session.read();
        const next = reviewQueueOrder(traces, reviewedTraces(contents.annotations), this.choice, { name: '', skippedLines: 0 }).state.next;
        assert.ok(next);
        this.opened.push(next.index);
        this.session.set(next.id, 'trace', { kind: 'reviewed', value: true });
        await this.send(page);
      }
    }
    this.seen = sent.length;
  }
}

async function openPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${baseUrl}/webview/dataset/dev/index.html?sample=queue`);
  await page.waitForSelector('.rl-ds-spacer .rl-ds-row');
  return { page, problems };
}

/** Presses Tab until the element with this id has focus (the control is reachable by keyboard). */
async function tabTo(page: Page, id: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    if ((await page.evaluate('document.activeElement && document.activeElement.id')) === id) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached #${id}`);
}

const progress = (page: Page) => page.textContent('.rl-ds-queue-progress');

test('keyboard only: pick criteria and a seeded sample, Review next, progress from the sidecar; a reopened page shows the kept choice', async (t) => {
  if (skipWithout(t)) return;
  const host = new QueueHost(join(dir, 'cots.trace.jsonl'));
  const { page, problems } = await openPage();
  await host.pump(page);
  const incorrect = traces.filter((tr) => tr.final.correct === false).length;
  assert.ok(incorrect >= 3, `the data has incorrect traces (${incorrect})`);
  await waitUntil(page, `document.querySelector('.rl-ds-queue-progress').textContent === '0 / ${incorrect} reviewed'`);
  assert.equal(await page.isChecked('#rl-ds-queue-incorrect'), true);
  assert.match((await page.textContent('.rl-ds-queue')) ?? '', new RegExp(`Incorrect final answer \\(${incorrect}\\)`));
  // The next trace's problem is hostile: text only.
  assert.match((await page.textContent('.rl-ds-queue-next')) ?? '', /<img src=x/);

  // Add "disagrees with mu" with Space.
  await tabTo(page, 'rl-ds-queue-disagree');
  await page.keyboard.press('Space');
  await waitUntil(page, 'window.__sent.some((m) => m.type === "review-queue-set")');
  await host.pump(page);
  assert.deepEqual(host.choice, { criteria: ['incorrect', 'disagree'] });
  const union = traces.filter((tr) => tr.final.correct === false || tr.episodes.some((e) => e.progress && ((e.verdict === 'correct' && e.progress.delta < 0) || (e.verdict === 'incorrect' && e.progress.delta > 0)))).length;
  await waitUntil(page, `document.querySelector('.rl-ds-queue-progress').textContent === '0 / ${union} reviewed'`);

  // Uncertain on, then a sample of 3 with seed 42, typed (Tab applies each number) while the
  // host is slow: its answer to the first change arrives after the sample size was typed, and
  // must not wipe it before the seed is sent (the real workbench showed that race).
  await tabTo(page, 'rl-ds-queue-uncertain');
  await page.keyboard.press('Space');
  await tabTo(page, 'rl-ds-queue-n');
  await page.keyboard.type('3');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate('document.activeElement.id'), 'rl-ds-queue-seed');
  await host.pump(page, 1); // the answer to "uncertain on" only: a state without the sample
  await waitUntil(page, `document.querySelector('.rl-ds-queue-progress').dataset.queued === '${reviewQueueOrder(traces, new Set(), host.choice, { name: '', skippedLines: 0 }).state.queued}'`);
  await page.keyboard.press('Control+A');
  await page.keyboard.type('42');
  await page.keyboard.press('Tab');
  await host.pump(page);
  assert.deepEqual(host.choice, { criteria: ['incorrect', 'disagree', 'uncertain'], sample: { n: 3, seed: 42 } });
  await waitUntil(page, `document.querySelector('.rl-ds-queue-progress').textContent === '0 / 3 reviewed'`);
  const expected = reviewQueueOrder(traces, new Set(), host.choice, { name: '', skippedLines: 0 }).indexes;

  // Review next twice with Enter; each is answered by a `reviewed` line in the sidecar.
  assert.equal(await page.evaluate('document.activeElement.id'), 'rl-ds-review-next');
  await page.keyboard.press('Enter');
  await waitUntil(page, 'window.__sent.filter((m) => m.type === "review-next").length === 1');
  await host.pump(page);
  await waitUntil(page, `document.querySelector('.rl-ds-queue-progress').textContent === '1 / 3 reviewed'`);
  await page.keyboard.press('Enter');
  await waitUntil(page, 'window.__sent.filter((m) => m.type === "review-next").length === 2');
  await host.pump(page);
  await waitUntil(page, `document.querySelector('.rl-ds-queue-progress').textContent === '2 / 3 reviewed'`);
  assert.deepEqual(host.opened, expected.slice(0, 2), 'Review next follows the queue order');
  assert.equal(await page.getAttribute('.rl-ds-queue-next', 'data-next'), String(expected[2]));
  assert.match((await page.textContent('.rl-ds-queue-next')) ?? '', new RegExp(`next: #3 in the queue, row ${expected[2] + 1}`));
  await page.keyboard.press('Enter');
  await waitUntil(page, 'window.__sent.filter((m) => m.type === "review-next").length === 3');
  await host.pump(page);
  await waitUntil(page, `document.querySelector('.rl-ds-queue-progress').textContent === '3 / 3 reviewed'`);
  assert.equal(await page.isDisabled('#rl-ds-review-next'), true, 'nothing left to review');
  assert.equal(await page.textContent('.rl-ds-queue-next'), 'every queued trace is reviewed');

  // The sidecar holds three `reviewed` lines, for the queue's traces in order.
  const lines = (await host.session.read()).annotations;
  assert.deepEqual(lines.map((a) => a.trace), expected.map((i) => traces[i].id));

  assert.equal(await page.locator('.rl-ds-queue img, .rl-ds-queue script').count(), 0);
  assert.equal(await page.evaluate('window.__pwned'), undefined);
  assert.deepEqual(await page.evaluate('window.__violations'), []);
  assert.deepEqual(problems, []);
  await page.close();

  // A new page (the view closed and opened again): the host's kept choice and progress come back.
  const { page: again } = await openPage();
  const fresh = new QueueHost(join(dir, 'cots.trace.jsonl'));
  fresh.choice = host.choice;
  await fresh.pump(again);
  await waitUntil(again, `document.querySelector('.rl-ds-queue-progress').textContent === '3 / 3 reviewed'`);
  assert.equal(await again.isChecked('#rl-ds-queue-incorrect'), true);
  assert.equal(await again.isChecked('#rl-ds-queue-disagree'), true);
  assert.equal(await again.isChecked('#rl-ds-queue-uncertain'), true);
  assert.equal(await again.inputValue('#rl-ds-queue-n'), '3');
  assert.equal(await again.inputValue('#rl-ds-queue-seed'), '42');
  await again.close();
});
