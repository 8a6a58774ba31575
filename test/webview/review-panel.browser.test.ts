/**
 * The review panel in the built trace webview (headless Chromium, dev harness, strict CSP),
 * driven with keyboard events only. The host side is the real one, run here in Node: every
 * message the page posts goes through the real validator (parseWebviewMessage) and the real
 * handler (src/extension/trace/traceReview.ts), which appends to a real sidecar beside a trace
 * file; its answers are delivered back to the page. Flow: open (r), move (j), label (1), verdict
 * (b, n, n), note and tags with hostile text (e, t), trace reviewed (R); reload: the review comes
 * back from the sidecar; the TRL export takes the step verdict.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../webview/dev/chromium';
import { chromiumPath, requireChromium } from '../support/shared-data';
import { serveHarness } from '../../webview/dev/serve';
import { parseWebviewMessage } from '../../src/shared/protocol';
import { isReviewWebviewType, type ReviewWebviewMessage } from '../../src/shared/review-protocol';
import { handleReviewMessage } from '../../src/extension/trace/traceReview';
import type { Trace } from '../../src/core/trace';
import { exportTrl } from '../../src/runs/dataset/export';
import { loadReviews } from '../../src/runs/dataset/reviews';

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
    if (Date.now() > deadline) {
      // Name where the keys went: a wait on a key's effect fails either because the key went to another element or because the page had not yet handled what the key depends on.
      const focus = await page.evaluate(`(() => { const a = document.activeElement; return a ? a.tagName.toLowerCase() + (a.className ? '.' + String(a.className).split(' ').join('.') : '') : 'none'; })()`);
      throw new Error(`timed out waiting for ${expression} (focus on ${focus})`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The host side for one page: answers its review messages with the real handler, as the extension does. */
function serveReviews(page: Page, trace: Trace, file: string): { stop(): void; handled: ReviewWebviewMessage[]; errors: string[] } {
  let seen = 0;
  let stopped = false;
  const handled: ReviewWebviewMessage[] = [];
  const errors: string[] = [];
  const loop = async () => {
    while (!stopped) {
      const sent = (await page.evaluate(`window.__sent.slice(${seen})`).catch(() => [])) as unknown[];
      seen += sent.length;
      for (const raw of sent) {
        if (!isReviewWebviewType((raw as { type?: unknown }).type)) continue;
        const parsed = parseWebviewMessage(raw);
        if (!parsed.ok) {
          errors.push(parsed.error);
          continue;
        }
        handled.push(parsed.message as ReviewWebviewMessage);
        await handleReviewMessage(parsed.message as ReviewWebviewMessage, {
          trace: () => trace,
          reviewFile: () => file,
          traceIds: () => [trace.id],
          post: (message) => void page.evaluate(`window.__deliver(${JSON.stringify(message)})`).catch(() => undefined),
        }).catch((err: Error) => errors.push(err.message));
      }
      await new Promise((r) => setTimeout(r, 30));
    }
  };
  void loop();
  return { stop: () => (stopped = true), handled, errors };
}

const panel = `document.querySelector('.rl-review')`;
const humanCell = (label: string) => `document.querySelector('.rl-review tr[data-label="${label}"] td[data-human]')?.dataset.human`;
const verdict = `document.querySelector('.rl-review [data-verdict]')?.dataset.verdict`;
const episodeShown = `document.querySelector('.rl-review [data-episode]')?.dataset.episode`;

test('review panel: label, verdict, note, tags and reviewed by keyboard alone, stored in the sidecar; reload brings them back; TRL export takes the verdict', async (t) => {
  if (!requireChromium(t)) return;
  browser ??= await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
  const dir = mkdtempSync(join(tmpdir(), 'rl-review-panel-'));
  const file = join(dir, 'synthetic.trace.jsonl');
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await page.goto(`${baseUrl}/webview/dev/index.html?sample=synthetic-40&math=0`);
  await page.waitForSelector('.rl-card');
  const trace = (await page.evaluate('window.__trace')) as Trace;
  writeFileSync(file, `${JSON.stringify(trace)}\n`);
  const traceBefore = readFileSync(file, 'utf8');
  let host = serveReviews(page, trace, file);
  await waitUntil(page, `window.__sent.some((m) => m.type === 'review-get')`);
  assert.equal(await page.evaluate(`${panel}.hidden`), true, 'closed until r');

  await page.keyboard.press('r');
  await waitUntil(page, `!${panel}.hidden && ${episodeShown} === '0'`);
  await page.keyboard.press('j');
  await waitUntil(page, `${episodeShown} === '1'`);
  const autoVerification = trace.episodes[1].labels.includes('verification');
  await page.keyboard.press('1'); // toggles "verification" starting from the automatic labels
  await waitUntil(page, `${humanCell('verification')} === '${String(!autoVerification)}'`);
  await page.keyboard.press('b');
  await waitUntil(page, `${verdict} === 'bad'`);
  // n in review mode is "neutral" (not the search's next match); again clears it.
  await page.keyboard.press('n');
  await waitUntil(page, `${verdict} === 'neutral'`);
  await page.keyboard.press('n');
  await waitUntil(page, `${verdict} === 'unset'`);
  await page.keyboard.press('b');
  await waitUntil(page, `${verdict} === 'bad'`);

  const hostile = '<img src=x onerror="window.__pwned=1">2+2 is "5" & wrong';
  await page.keyboard.press('e');
  await waitUntil(page, `document.activeElement?.classList.contains('rl-review-input')`);
  await page.keyboard.type(hostile);
  await page.keyboard.press('Enter');
  await waitUntil(page, `document.querySelector('.rl-review dd.rl-review-note')?.textContent === ${JSON.stringify(hostile)}`);
  assert.equal(await page.evaluate(`document.activeElement?.closest('.rl-card')?.dataset.index`), '1', 'focus back on the card after the note');
  await page.keyboard.press('t');
  await page.keyboard.type('arith, <b>bold</b>, arith');
  await page.keyboard.press('Enter');
  await waitUntil(page, `document.querySelectorAll('.rl-review .rl-review-tag').length === 2`);
  await page.keyboard.press('Shift+E');
  await page.keyboard.type('checked the first half');
  await page.keyboard.press('Enter');
  await waitUntil(page, `document.querySelector('.rl-review-trace-note')?.textContent.includes('checked the first half')`);
  await page.keyboard.press('Shift+R');
  await waitUntil(page, `document.querySelector('.rl-review-status')?.dataset.reviewed === 'true'`);

  assert.equal(await page.evaluate(`document.querySelectorAll('.rl-review img, .rl-review b').length`), 0, 'user text stays text');
  assert.equal(await page.evaluate('window.__pwned'), undefined);
  // The card of episode 1 carries the review mark (✗ for a bad step), the others none.
  const mark = (i: number) => page.evaluate(`getComputedStyle(document.querySelector('.rl-card[data-index="${i}"] .rl-card-number'), '::after').content`);
  assert.match(String(await mark(1)), /✗/);
  assert.ok(['none', 'normal'].includes(String(await mark(0))), String(await mark(0)));
  assert.deepEqual(await page.evaluate('window.__violations'), []);
  assert.deepEqual(host.errors, []);

  // The sidecar: one line per change, the trace file untouched.
  const lines = readFileSync(`${file}.annotations.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.kind), ['labels', 'stepVerdict', 'stepVerdict', 'stepVerdict', 'stepVerdict', 'note', 'tags', 'note', 'reviewed']);
  assert.deepEqual(lines[6].value, ['arith', '<b>bold</b>']);
  assert.equal(lines[5].value, hostile);
  assert.deepEqual(lines[1].target, { start: trace.episodes[1].start, end: trace.episodes[1].end });
  assert.equal(readFileSync(file, 'utf8'), traceBefore);

  // Reload: a new page asks again and the review comes back from the sidecar.
  host.stop();
  await page.reload();
  await page.waitForSelector('.rl-card');
  host = serveReviews(page, trace, file);
  await waitUntil(page, `window.__sent.some((m) => m.type === 'review-get')`);
  await page.keyboard.press('r');
  await waitUntil(page, `${episodeShown} === '0' && document.querySelector('.rl-review-status')?.dataset.reviewed === 'true'`);
  await page.keyboard.press('j');
  await waitUntil(page, `${episodeShown} === '1' && ${verdict} === 'bad'`);
  assert.equal(await page.evaluate(humanCell('verification')), String(!autoVerification));
  assert.equal(await page.evaluate(`document.querySelector('.rl-review dd.rl-review-note')?.textContent`), hostile);
  // Escape closes the panel; j/k keep moving, n is the search's again.
  await page.keyboard.press('Escape');
  await waitUntil(page, `${panel}.hidden`);
  host.stop();
  await page.close();

  // The export takes the human step verdict for episode 1, the automatic rule elsewhere.
  const row = JSON.parse(exportTrl([trace], { reviews: (await loadReviews([file])).lookup }).text);
  assert.equal(row.labels[1], false);
  assert.equal(row.label_source[1], 'human');
  assert.equal(row.label_source.filter((s: string) => s === 'human').length, 1);
});

test('importance on the cards: a bar per measured episode relative to the largest, the top anchors numbered; the review panel names the value and method', async (t) => {
  if (!requireChromium(t)) return;
  browser ??= await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await page.goto(`${baseUrl}/webview/dev/index.html?sample=synthetic-40&math=0`);
  await page.waitForSelector('.rl-card');
  const trace = (await page.evaluate('window.__trace')) as Trace;
  const values = [0.05, 0.8, 0, 0.4, 0.2];
  const measured: Trace = {
    ...trace,
    version: 2,
    episodes: trace.episodes.map((e, i) => (i < values.length ? { ...e, importance: { method: 'ta-counterfactual-kl', value: values[i], interval: [0, 1] as [number, number], samples: 40, similar: 3 } } : e)),
  };
  await page.evaluate(`window.__deliver(${JSON.stringify({ type: 'load', trace: measured, live: false, settings: { renderMath: false, expandEpisodes: false, showChart: true }, budget: {}, probe: false })})`);
  await waitUntil(page, `getComputedStyle(document.querySelector('.rl-card[data-index="1"]'), '::after').width !== 'auto'`);
  const bar = (i: number) => page.evaluate(`(() => { const c = document.querySelector('.rl-card[data-index="${i}"]'); const a = getComputedStyle(c, '::after'); return { content: a.content, width: parseFloat(a.width), card: c.clientWidth }; })()`) as Promise<{ content: string; width: number; card: number }>;
  const top = await bar(1);
  const half = await bar(3);
  assert.ok(Math.abs(half.width / top.width - 0.5) < 0.02, `0.4 of the largest 0.8 is half its bar: ${half.width} vs ${top.width}`);
  assert.equal((await bar(2)).width, 0);
  assert.ok(['none', 'normal'].includes((await bar(7)).content), 'unmeasured episodes get no bar');
  const anchor = (i: number) => page.evaluate(`getComputedStyle(document.querySelector('.rl-card[data-index="${i}"] .rl-card-toggle'), '::after').content`);
  assert.equal(await anchor(1), '"anchor 1"');
  assert.equal(await anchor(3), '"anchor 2"');
  assert.equal(await anchor(4), '"anchor 3"');
  assert.ok(['none', 'normal'].includes(String(await anchor(0))));
  // The review panel names the value and its method on the focused episode.
  await page.keyboard.press('r');
  await page.keyboard.press('j');
  await waitUntil(page, `document.querySelector('.rl-review [data-episode]')?.dataset.episode === '1'`);
  assert.match(await page.locator('.rl-review-facts').innerText(), /importance 0\.800 \(ta-counterfactual-kl, 40 rollouts\)/);
  // ] / [ move between the file's traces (the host answers select-trace with a new load).
  const items = [0, 1, 2].map((i) => ({ index: i, id: `t${i}`, problem: `p${i}`, correct: null, episodes: 3 }));
  await page.evaluate(`window.__deliver(${JSON.stringify({ type: 'trace-list', file: '/data/three.jsonl', items, selected: 0 })})`);
  // __deliver posts a message event (a task, as in VS Code): keys pressed before it is handled
  // would find no list yet, so wait for the picker to show it.
  await waitUntil(page, `document.querySelector('.rl-picker:not([hidden]) label')?.textContent === 'Trace (3 in three.jsonl)'`);
  await page.keyboard.press('[');
  await page.keyboard.press(']');
  await waitUntil(page, `window.__sent.some((m) => m.type === 'select-trace')`);
  assert.deepEqual(await page.evaluate(`window.__sent.filter((m) => m.type === 'select-trace')`), [{ type: 'select-trace', index: 1 }], '[ on the first trace does nothing; ] selects the second');
  assert.deepEqual(await page.evaluate('window.__violations'), []);
  await page.close();
});
