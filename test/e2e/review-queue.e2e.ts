/**
 * The review queue in the VS Code workbench (code-server + Chromium), keyboard only: a real
 * dataset output (thought-anchors-cots-math annotated offline by a dataset job into the
 * temporary workspace, the data read in place) is opened by Quick Open, its dataset view by the
 * command palette; in the dataset view the reviewer builds a queue (incorrect + disagreeing with
 * mu, a sample of 5 with seed 7), presses Review next, and in the trace panel that opens (review
 * panel already open) reviews a step and marks the trace reviewed, ] to the next queued trace,
 * the same again. The dataset view's progress follows the sidecar ("2 / 5 reviewed"); after a
 * window reload it still says so, and Review next resumes at the third queued trace.
 * Screenshot: media/screenshots/review-queue.png.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import type { ReviewAnnotation } from '../../src/core/review/annotation';
import { reviewedTraces } from '../../src/core/review/resolve';
import { reviewQueueOrder } from '../../src/extension/dataset/reviewQueueState';
import { reviewTitle } from '../../src/extension/trace/viewTypes';
import { runDatasetJob } from '../../src/runs/dataset/job';
import { readTraceFile } from '../../src/runs/dataset/report';
import { requireData } from '../support/shared-data';
import { artifact, reloadWindow, openWorkbenchSession, quickOpen, repoRoot, requireSetup, runCommand, type WorkbenchSession } from './harness';

const DATA = ['traces', 'thought-anchors-cots-math'];
const CHOICE = { criteria: ['incorrect' as const, 'disagree' as const], sample: { n: 5, seed: 7 } };

describe('Review queue in the VS Code workbench', { timeout: 10 * 60_000 }, () => {
  let session: WorkbenchSession | undefined;
  let page: Page;
  let workspace: string;

  before(async () => {
    requireSetup();
    session = await openWorkbenchSession('review-queue', { 'reasoningLens.host': 'http://127.0.0.1:9' }, { width: 1600, height: 1000 });
    ({ page, workspace } = session);
  });

  after(async () => {
    await session?.close();
  });

  /** The webview document holding `selector` (VS Code nests each webview in two iframes). */
  async function frameWith(selector: string, timeout = 60_000): Promise<Frame> {
    const until = Date.now() + timeout;
    for (;;) {
      for (const frame of page.frames()) {
        if (await frame.locator(selector).first().isVisible().catch(() => false)) return frame;
      }
      if (Date.now() > until) throw new Error(`no webview shows ${selector}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function waitText(frame: Frame, selector: string, text: string | RegExp, timeout = 30_000): Promise<void> {
    const until = Date.now() + timeout;
    let last = '';
    for (;;) {
      last = (await frame.locator(selector).first().textContent().catch(() => '')) ?? '';
      if (typeof text === 'string' ? last === text : text.test(last)) return;
      if (Date.now() > until) throw new Error(`timed out waiting for ${selector} to say ${String(text)} (it says "${last}")`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function waitAttr(frame: Frame, selector: string, attr: string, value: string, timeout = 30_000): Promise<void> {
    const until = Date.now() + timeout;
    while ((await frame.locator(selector).first().getAttribute(attr).catch(() => null)) !== value) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${selector} ${attr}=${value}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The titles of the workbench's open tabs. */
  async function tabTitles(): Promise<string[]> {
    return page.locator('.tabs-container .tab .label-name').allTextContents();
  }

  async function waitTabs(want: (titles: string[]) => boolean, what: string, timeout = 30_000): Promise<string[]> {
    const until = Date.now() + timeout;
    for (;;) {
      const titles = await tabTitles();
      if (want(titles)) return titles;
      if (Date.now() > until) throw new Error(`timed out waiting for tabs: ${what} (tabs: ${JSON.stringify(titles)})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * Presses `key` (Control+1: the first editor group) and waits until the webview in `frame` has
   * the keyboard: VS Code moves focus into a webview's iframe after the key, not with it, and Tab
   * pressed before then walks the workbench instead.
   */
  async function focusWebview(frame: Frame, key: string, timeout = 10_000): Promise<void> {
    await page.keyboard.press(key);
    await waitKeyboard(frame, key, timeout);
  }

  /** Waits until the webview in `frame` has the keyboard (`after`: what should have given it). */
  async function waitKeyboard(frame: Frame, after: string, timeout = 10_000): Promise<void> {
    const until = Date.now() + timeout;
    while (!(await frame.evaluate(() => document.hasFocus()).catch(() => false))) {
      if (Date.now() > until) throw new Error(`${after} did not give the webview the keyboard (focus is on ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120))})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Presses Tab until the element with this id has focus in `frame`. */
  async function tabTo(frame: Frame, id: string): Promise<void> {
    for (let i = 0; i < 60; i++) {
      if ((await frame.evaluate(() => document.activeElement?.id ?? '')) === id) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`Tab never reached #${id}`);
  }

  test('build a queue, review two traces by keyboard, reload: "2 / 5 reviewed" and Review next resumes at the third', async (t) => {
    const input = requireData(t, ...DATA);
    if (!input) return;
    const file = path.join(workspace, 'cots.trace.jsonl');
    await runDatasetJob({ input, output: file, report: false });
    const traces = (await readTraceFile(file)).traces;
    const before = readFileSync(file, 'utf8');
    const queue = reviewQueueOrder(traces, new Set(), CHOICE, { name: '', skippedLines: 0 }).indexes.map((i) => traces[i].id);
    assert.equal(queue.length, 5);
    const titleOf = (k: number) => reviewTitle(traces.find((tr) => tr.id === queue[k])!);
    assert.notEqual(titleOf(0), titleOf(1), 'the first two queued traces have tabs of their own names');

    await quickOpen(page, 'cots.trace.jsonl');
    await page.keyboard.press('Enter');
    await (await frameWith('.rl-card')).locator('.rl-card').first().waitFor({ state: 'visible' });
    await runCommand(page, 'Reasoning Lens: Show Dataset Report');
    let dataset = await frameWith('.rl-ds-queue-progress');
    const incorrect = traces.filter((tr) => tr.final.correct === false).length;
    await waitText(dataset, '.rl-ds-queue-progress', `0 / ${incorrect} reviewed`);

    // Build the queue with the keyboard: add "disagrees with mu" (Space), a sample of 5, seed 7.
    await tabTo(dataset, 'rl-ds-queue-disagree');
    await page.keyboard.press('Space');
    await tabTo(dataset, 'rl-ds-queue-n');
    await page.keyboard.type('5');
    // Tab selects the seed field's text, so typing replaces it. (Not Control+A: the webview
    // forwards it to the workbench, whose select-all comes back later and could land after the
    // next Tab, putting focus back on the field.)
    await page.keyboard.press('Tab');
    await page.keyboard.type('7');
    assert.equal(await dataset.evaluate(() => (document.getElementById('rl-ds-queue-seed') as HTMLInputElement).value), '7');
    await page.keyboard.press('Tab');
    await waitText(dataset, '.rl-ds-queue-progress', '0 / 5 reviewed');
    assert.equal(await dataset.evaluate(() => document.activeElement?.id), 'rl-ds-review-next');

    // Review next: the first queued trace opens beside, its review panel open and focused.
    await page.keyboard.press('Enter');
    let trace = await frameWith('.rl-review .rl-review-status');
    await waitText(trace, '.rl-review-head', /0 \/ 5 traces reviewed/);
    await waitAttr(trace, '.rl-review [data-episode]', 'data-episode', '0');
    await waitKeyboard(trace, 'Review next');
    await page.keyboard.press('g');
    await waitAttr(trace, '.rl-review [data-verdict]', 'data-verdict', 'good');
    await page.keyboard.press('Shift+R');
    await waitAttr(trace, '.rl-review-status', 'data-reviewed', 'true');
    await waitText(trace, '.rl-review-head', /1 \/ 5 traces reviewed/);
    await waitTabs((titles) => titles.includes(titleOf(0)), `"${titleOf(0)}"`);
    // ] goes to the next trace of the queue, and the tab names it.
    await page.keyboard.press(']');
    await waitText(trace, '.rl-review-head', /trace not reviewed .* 1 \/ 5 traces reviewed/);
    await waitTabs((titles) => titles.includes(titleOf(1)) && !titles.includes(titleOf(0)), `"${titleOf(1)}" instead of "${titleOf(0)}"`);
    await waitAttr(trace, '.rl-review [data-episode]', 'data-episode', '0');
    await page.keyboard.press('b');
    await waitAttr(trace, '.rl-review [data-verdict]', 'data-verdict', 'bad');
    await page.keyboard.press('Shift+R');
    await waitText(trace, '.rl-review-head', /2 \/ 5 traces reviewed/);

    const sidecar = `${file}.annotations.jsonl`;
    const lines = readFileSync(sidecar, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { trace: string; kind: string; value: unknown });
    assert.deepEqual(lines.map((l) => [l.trace, l.kind, l.value]), [
      [queue[0], 'stepVerdict', 'good'],
      [queue[0], 'reviewed', true],
      [queue[1], 'stepVerdict', 'bad'],
      [queue[1], 'reviewed', true],
    ]);
    assert.equal(readFileSync(file, 'utf8'), before, 'the trace file is never written');
    // The dataset view follows the sidecar.
    await waitText(dataset, '.rl-ds-queue-progress', '2 / 5 reviewed');

    // Reload the window: the dataset view comes back with the queue and its progress.
    // Developer: Reload Window (the workbench saves the webviews' state first; a browser reload
    // may lose the last save, and the dataset view was then not restored at all).
    await reloadWindow(page);
    dataset = await frameWith('.rl-ds-queue-progress', 90_000);
    await waitText(dataset, '.rl-ds-queue-progress', '2 / 5 reviewed', 60_000);
    assert.equal(await dataset.locator('#rl-ds-queue-disagree').isChecked(), true);
    assert.equal(await dataset.locator('#rl-ds-queue-n').inputValue(), '5');
    assert.equal(await dataset.locator('#rl-ds-queue-seed').inputValue(), '7');
    await waitAttr(dataset, '.rl-ds-queue-next', 'data-next', String(traces.findIndex((tr) => tr.id === queue[2])));
    const shot = artifact('review-queue.png');
    await page.screenshot({ path: shot });
    mkdirSync(path.join(repoRoot, 'media/screenshots'), { recursive: true });
    copyFileSync(shot, path.join(repoRoot, 'media/screenshots/review-queue.png'));

    // The reviewer goes on in the dataset view at once, while the queue's trace panel is still
    // being restored beside it (on the second queued trace, its review open): that panel must not
    // take the keyboard away when its review opens.
    await focusWebview(dataset, 'Control+1');
    await waitTabs((titles) => titles.includes(titleOf(1)), `the restored "${titleOf(1)}"`, 60_000);
    const restored = await frameWith('.rl-review .rl-review-head', 60_000);
    await waitText(restored, '.rl-review-head', /2 \/ 5 traces reviewed/);
    await waitAttr(restored, '.rl-review [data-episode]', 'data-episode', '0');
    assert.equal(await dataset.evaluate(() => document.hasFocus()), true, 'the dataset view keeps the keyboard while the restored panel opens its review');

    // Review next, by keyboard from the dataset view: the third queued trace, in the restored
    // panel (not a second one beside it).
    await tabTo(dataset, 'rl-ds-review-next');
    await page.keyboard.press('Enter');
    trace = await frameWith('.rl-review .rl-review-head');
    // The restored panel already said "2 / 5" (on the reviewed second trace): wait for the third,
    // not yet reviewed, and for the panel to have the keyboard before pressing keys in it.
    await waitText(trace, '.rl-review-head', /trace not reviewed .* 2 \/ 5 traces reviewed/);
    await waitKeyboard(trace, 'Review next');
    const reviewTabs = (await waitTabs((titles) => titles.includes(titleOf(2)), `"${titleOf(2)}"`)).filter((title) => title.startsWith('Review: '));
    assert.deepEqual(reviewTabs, [titleOf(2)], 'one review panel, showing the third queued trace');
    await page.keyboard.press('Shift+R');
    await waitText(dataset, '.rl-ds-queue-progress', '3 / 5 reviewed');
    const all = readFileSync(sidecar, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ReviewAnnotation);
    assert.deepEqual(all.at(-1), { ...all.at(-1), trace: queue[2], kind: 'reviewed' });
    assert.deepEqual([...reviewedTraces(all)].sort(), queue.slice(0, 3).sort());
  });
});
