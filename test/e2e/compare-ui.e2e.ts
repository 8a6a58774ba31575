/**
 * Compare Traces driven through the VS Code workbench (code-server + Chromium, as ui.e2e.ts):
 * a trace file of two real traces of one MATH problem (thought-anchors.com problem 330:
 * R1-distill Llama-8B right, Qwen-14B wrong, annotated offline into the temporary workspace,
 * the data itself read in place) is opened, "Reasoning Lens: Compare Traces…" is run from the
 * palette, its first choice (the open file's traces) taken, and the compare view is checked in
 * its webview and photographed for the README (media/screenshots/compare-traces.png). Then the
 * window is reloaded: the comparison comes back through the panel serializer, and with its file
 * moved away the panel says which trace is gone. Last, Compare With… from a trace view's title
 * bar (the trace picker's entry) through its QuickPick.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { readTracesAnyFormat } from '../../src/io/read-traces';
import { requireData, underCI } from '../support/shared-data';
import { artifact, quickOpen, reloadWindow, repoRoot, requireSetup, runCommand, webviewFrame, type CodeServer, openWorkbenchSession, type WorkbenchSession } from './harness';

const FILE_PARTS = [
  ['traces', 'thought-anchors.com', 'deepseek-r1-distill-llama-8b', 'correct_base_solution', 'problem_330', 'base_solution.json'],
  ['traces', 'thought-anchors.com', 'deepseek-r1-distill-qwen-14b', 'incorrect_base_solution', 'problem_330', 'base_solution.json'],
];

/** Later tests use the file the first one writes: without it they fail under CI (nothing checked), else skip. */
function requireWritten(t: TestContext, file: string): boolean {
  if (existsSync(file)) return true;
  const message = `${file} was not written: the first test did not run to its end (no real data?)`;
  if (underCI) throw new Error(message);
  t.skip(message);
  return false;
}

describe('Compare Traces in the VS Code workbench', { timeout: 10 * 60_000 }, () => {
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let workspace: string;

  let session: WorkbenchSession | undefined;

  before(async () => {
    requireSetup();
    session = await openWorkbenchSession('compare', { 'reasoningLens.host': 'http://127.0.0.1:9' }, { width: 1280, height: 1100 });
    ({ server, browser, page, workspace } = session);
  });

  after(async () => {
    await session?.close();
  });

  test('the open file\'s two real traces of one problem, compared from the palette (screenshot)', async (t) => {
    // Missing real data fails under CI and skips with a notice elsewhere (the one rule, test/support/shared-data.ts).
    const files = FILE_PARTS.map((parts) => requireData(t, ...parts));
    if (files.some((f) => f === undefined)) return;
    const traces = [];
    for (const f of files as string[]) traces.push((await readTracesAnyFormat(f)).traces[0].trace);
    writeFileSync(path.join(workspace, 'problem-330.jsonl'), traces.map((x) => JSON.stringify(x)).join('\n') + '\n');
    await quickOpen(page, 'problem-330.jsonl');
    await page.keyboard.press('Enter');
    await page.locator('.tab', { hasText: 'problem-330.jsonl' }).first().waitFor({ timeout: 30_000 });
    await runCommand(page, 'Reasoning Lens: Compare Traces…');
    await page.locator('.quick-input-widget', { hasText: 'Traces in problem-330.jsonl' }).waitFor({ state: 'visible', timeout: 20_000 });
    await page.keyboard.press('Enter');
    const frame = webviewFrame(page);
    await frame.locator('.rl-cmp-strip').nth(1).waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await frame.locator('.rl-cmp-strip').count(), 2);
    assert.match((await frame.locator('.rl-cmp-table tr[data-key="verdict"]').textContent()) ?? '', /correct.*incorrect/);
    assert.match((await frame.locator('.rl-cmp-divergence').textContent()) ?? '', /diverge after episode #\d+/);
    // Aligned by thinking tokens: block widths are the episodes' lengths.
    await frame.locator('.rl-cmp-switch-button[data-align="tokens"]').click();
    await frame.locator('.rl-cmp-switch-button[data-align="tokens"][aria-pressed="true"]').waitFor();
    assert.match((await frame.locator('.rl-cmp-divergence').textContent()) ?? '', /diverge at [\d,]+ thinking tokens/);
    // Room for the view: no side bar, the text editor closed.
    await runCommand(page, 'View: Close Primary Side Bar');
    await page.locator('.tab', { hasText: 'problem-330.jsonl' }).first().click({ button: 'middle' }).catch(() => undefined);
    await page.waitForTimeout(800);
    await page.screenshot({ path: artifact('compare-traces.png') });
    const target = path.join(repoRoot, 'media', 'screenshots');
    mkdirSync(target, { recursive: true });
    copyFileSync(artifact('compare-traces.png'), path.join(target, 'compare-traces.png'));
  });

  test('a window reload brings the comparison back (serializer, saved alignment); with its file gone the panel says so', async (t) => {
    const file = path.join(workspace, 'problem-330.jsonl');
    if (!requireWritten(t, file)) return;
    await reloadWindow(page);
    const frame = webviewFrame(page);
    await frame.locator('.rl-cmp-strip').nth(1).waitFor({ state: 'visible', timeout: 90_000 });
    assert.equal(await frame.locator('.rl-cmp-strip').count(), 2);
    await frame.locator('.rl-cmp-switch-button[data-align="tokens"][aria-pressed="true"]').waitFor({ timeout: 20_000 });
    assert.match((await frame.locator('.rl-cmp-table tr[data-key="verdict"]').textContent()) ?? '', /correct.*incorrect/);
    // The file moved away: the restored panel names it instead of showing an empty view.
    renameSync(file, `${file}.moved`);
    try {
      await reloadWindow(page);
      const missing = webviewFrame(page).locator('.rl-cmp-missing');
      await missing.waitFor({ state: 'visible', timeout: 90_000 });
      assert.match((await missing.textContent()) ?? '', /cannot be restored: none of its traces could be read again.*problem-330\.jsonl is gone \(moved or deleted\)/s);
      await page.screenshot({ path: artifact('compare-restore-missing.png') });
    } finally {
      renameSync(`${file}.moved`, file);
    }
    // Back again: the next reload restores it (the page kept what it saved).
    await reloadWindow(page);
    await webviewFrame(page).locator('.rl-cmp-strip').nth(1).waitFor({ state: 'visible', timeout: 90_000 });
  });

  test('Compare With… in a trace view\'s title bar: the shown trace against another of its file, picked in a QuickPick', async (t) => {
    const file = path.join(workspace, 'problem-330.jsonl');
    if (!requireWritten(t, file)) return;
    // *.trace.jsonl opens in the trace editor (its trace picker lists the file's two traces).
    copyFileSync(file, path.join(workspace, 'picker-330.trace.jsonl'));
    await runCommand(page, 'View: Close All Editors');
    await quickOpen(page, 'picker-330.trace.jsonl');
    await page.keyboard.press('Enter');
    await webviewFrame(page).locator('#rl-trace-picker').waitFor({ state: 'attached', timeout: 60_000 });
    await page.locator('.editor-actions .action-label[aria-label^="Compare With"]').first().click();
    await page.locator('.quick-input-widget', { hasText: 'Compare the shown trace with' }).waitFor({ state: 'visible', timeout: 20_000 });
    const options = page.locator('.quick-input-list .monaco-list-row');
    assert.match((await options.first().textContent()) ?? '', /deepseek-r1-distill-qwen-14b.*picker-330\.trace\.jsonl:2/, 'the file\'s other trace first');
    assert.ok(await page.locator('.quick-input-list .monaco-list-row', { hasText: 'A trace from another file' }).count() === 1);
    await page.keyboard.press('Enter');
    const frame = webviewFrame(page);
    await frame.locator('.rl-cmp-strip').nth(1).waitFor({ state: 'visible', timeout: 60_000 });
    assert.match((await frame.locator('.rl-cmp-legend').textContent()) ?? '', /picker-330\.trace\.jsonl:1.*picker-330\.trace\.jsonl:2/s);
  });
});
