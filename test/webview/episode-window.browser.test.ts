/**
 * The windowed episode list and the overview map in the built webview (headless Chromium, dev
 * harness, strict CSP): cards that are not mounted still answer search, jump, keyboard,
 * filters and expand/collapse; the DOM stays bounded; live runs; the map navigates.
 * Builds dist/webview first. Skips with a notice only when Chromium is not installed.
 */
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../webview/dev/chromium';
import { chromiumPath, requireChromium } from '../support/shared-data';
import { serveHarness } from '../../webview/dev/serve';

const root = resolve(__dirname, '../..');
let browser: Browser;
let server: Server;
let baseUrl: string;

before(async () => {
  if (!existsSync(chromiumPath)) return;
  for (const script of [['webview/dev/build.mjs'], ['--import', 'tsx', 'webview/dev/make-samples.ts', '200']]) {
    const r = spawnSync(process.execPath, script, { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
  ({ server, url: baseUrl } = await serveHarness());
  browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function open(query: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${baseUrl}/webview/dev/index.html?${query}`);
  await page.waitForSelector('.rl-card', { state: 'attached' });
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

function skipWithout(t: TestContext): boolean {
  return !requireChromium(t);
}

const card = (position: number) => `.rl-card[data-position="${position}"]`;

test('bug 6.1: after a live run finishes, every expanded episode shows its text (not only the first)', async (t) => {
  if (skipWithout(t)) return;
  const { page, problems } = await open('sample=synthetic-40&live=1&rate=8');
  await waitUntil(page, 'document.querySelector(".rl-status")?.dataset.status === "done"', 60_000);
  const trace = (await page.evaluate('window.__trace')) as { episodes: { text: string }[] };
  await page.evaluate('window.scrollTo(0, 0)');
  for (const position of [1, 2, 5, 12]) {
    await waitUntil(page, `document.querySelector('${card(position)}')`);
    await page.locator(card(position)).scrollIntoViewIfNeeded();
    await page.click(`${card(position)} .rl-card-toggle`);
    await waitUntil(page, `document.querySelector('${card(position)} .rl-card-body')?.textContent.trim().length > 0`, 5000).catch(() => undefined);
    const shown = ((await page.textContent(`${card(position)} .rl-card-body`)) ?? '').replace(/\s+/g, ' ').trim();
    const expected = trace.episodes[position].text.replace(/\s+/g, ' ').trim().slice(0, 30);
    assert.ok(shown.length > 0, `episode at position ${position}: expanded card is empty`);
    assert.ok(shown.replace(/[^a-z]/gi, '').includes(expected.replace(/[^a-z]/gi, '').slice(0, 12)), `episode at position ${position} shows its own text: ${shown.slice(0, 60)}`);
  }
  assert.deepEqual(problems, []);
  await page.close();
});

/** Loads a 10,000-episode trace made of the 200 synthetic episodes (episode 9,000 carries a unique word). */
async function openHuge(): Promise<{ page: Page; problems: string[] }> {
  const opened = await open('sample=synthetic-200');
  await opened.page.evaluate(`(() => {
    const base = window.__trace;
    const episodes = [];
    let at = 0;
    for (let i = 0; i < 10000; i++) {
      const e = base.episodes[i % base.episodes.length];
      const text = i === 9000 ? e.text + ' zebracorn' : e.text;
      episodes.push({ ...e, index: i, start: at, end: at + text.length, text });
      at += text.length;
    }
    window.__huge = { ...base, id: 'huge', episodes, metrics: { ...base.metrics, episodes: 10000, firstCorrectEpisode: null, tokensAfterFirstCorrect: null } };
    window.__deliver({ type: 'load', trace: window.__huge, live: false, settings: { renderMath: true, expandEpisodes: false, showChart: true }, budget: {}, probe: false });
  })()`);
  await waitUntil(opened.page, `document.querySelector('.rl-card[data-index="0"]') && window.__sent.some((m) => m.type === 'shown' && m.episodes === 10000)`);
  return opened;
}

/** Resolves after two animation frames: a layout scheduled by the last change has run. */
const nextFrames = (page: Page) => page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
/** Waits until the cards are laid out for the new scroll position: one straddles the sticky header's bottom. */
const waitForSettledScroll = async (page: Page) => {
  await waitUntil(page, `(() => { const top = document.querySelector('.rl-header').getBoundingClientRect().bottom; return [...document.querySelectorAll('.rl-card')].some((c) => c.getBoundingClientRect().top <= top && c.getBoundingClientRect().bottom > top); })()`);
  await nextFrames(page);
};
const elementCount = (page: Page) => page.evaluate('document.getElementsByTagName("*").length') as Promise<number>;
const mountedPositions = (page: Page) => page.evaluate('[...document.querySelectorAll(".rl-card")].map((c) => Number(c.dataset.position))') as Promise<number[]>;
/** First card whose bottom is below the sticky header, and its top. */
const firstVisible = (page: Page) => page.evaluate(`(() => {
  const top = document.querySelector('.rl-header').getBoundingClientRect().bottom;
  const card = [...document.querySelectorAll('.rl-card')].find((c) => c.getBoundingClientRect().bottom > top);
  return card ? { position: Number(card.dataset.position), top: card.getBoundingClientRect().top } : null;
})()`) as Promise<{ position: number; top: number } | null>;

test('opening a trace leaves the page at its top: content above the list growing after the first paint does not scroll the page (no card is held at the page top, as browser scroll anchoring holds none at offset 0)', async (t) => {
  if (skipWithout(t)) return;
  const { page, problems } = await open('sample=synthetic-200&theme=dark');
  await waitUntil(page, `window.__sent.some((m) => m.type === 'shown')`);
  // Let the chart, the header's math and the cards' first measurements land (several frames).
  for (let i = 0; i < 10; i++) await page.evaluate('new Promise((r) => requestAnimationFrame(() => r(null)))');
  assert.equal(await page.evaluate('window.scrollY'), 0, 'the page stays at its top (it used to scroll down by the growth above the list, ~100 px)');
  const search = await page.locator('.rl-search').first().boundingBox();
  assert.ok(search && search.y >= 0, `the search field is on screen (${JSON.stringify(search)})`);
  // Inside the list the reader's place is still held when something above changes (the anchor test below).
  assert.deepEqual(problems, []);
  await page.close();
});

test('10,000 episodes: the DOM holds a bounded window of cards wherever the reader is', async (t) => {
  if (skipWithout(t)) return;
  const { page, problems } = await open('sample=synthetic-200');
  const at200 = await elementCount(page);
  await page.close();
  const huge = await openHuge();
  const atOpen = await elementCount(huge.page);
  assert.ok((await mountedPositions(huge.page)).length <= 80);
  assert.ok(atOpen < at200 + 400, `elements with 10,000 episodes (${atOpen}) about as many as with 200 (${at200})`);
  await huge.page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight / 2)');
  await waitUntil(huge.page, `[...document.querySelectorAll('.rl-card')].some((c) => Math.abs(Number(c.dataset.position) - 5000) < 300)`);
  assert.ok((await elementCount(huge.page)) < at200 + 400);
  await huge.page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
  await waitUntil(huge.page, `document.querySelector('.rl-card[data-position="9999"]')`);
  assert.deepEqual(problems, []);
  assert.deepEqual(huge.problems, []);
  await huge.page.close();
});

test('search steps to a match in a card that is not mounted; j/k walk past the mounted window', async (t) => {
  if (skipWithout(t)) return;
  const { page, problems } = await openHuge();
  assert.equal(await page.locator(card(9000)).count(), 0, 'not mounted at first');
  await page.locator('h2').first().click();
  await page.keyboard.press('/');
  await page.keyboard.type('zebracorn');
  await page.keyboard.press('Enter');
  await waitUntil(page, 'document.querySelector(".rl-search-count").textContent === "1 of 1"');
  await waitUntil(page, `document.querySelector('${card(9000)} .rl-card-toggle')?.getAttribute('aria-expanded') === 'true'`);
  await waitUntil(page, 'CSS.highlights.get("rl-search-current")?.size === 1');
  const range = (await page.evaluate('(() => { const r = [...CSS.highlights.get("rl-search-current")][0]; const b = r.getBoundingClientRect(); return { top: b.top, text: r.toString() }; })()')) as { top: number; text: string };
  assert.equal(range.text.toLowerCase(), 'zebracorn');
  assert.ok(range.top > 0 && range.top < 900, `current match on screen (top ${range.top})`);

  // Keyboard continues from the match: 40 × j walks far past the cards mounted around it.
  await page.locator('h2').first().click();
  for (let i = 0; i < 40; i++) await page.keyboard.press('j');
  assert.equal(await page.evaluate('document.activeElement.dataset.position'), '9040');
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute(`${card(9040)} .rl-card-toggle`, 'aria-expanded'), 'true');
  await page.keyboard.press('c');
  assert.deepEqual(((await page.evaluate('window.__sent.filter((m) => m.type === "copy-episode")')) as unknown[]).at(-1), { type: 'copy-episode', index: 9040 });
  await page.keyboard.press('k');
  assert.equal(await page.evaluate('document.activeElement.dataset.position'), '9039');
  assert.deepEqual(problems, []);
  await page.close();
});

test('filters, expand/collapse all and the scroll anchor hold on 10,000 episodes', async (t) => {
  if (skipWithout(t)) return;
  const { page, problems } = await openHuge();
  const labelled = (await page.evaluate('window.__huge.episodes.map((e, i) => e.labels.includes("backtracking") ? i : -1).filter((i) => i >= 0)')) as number[];
  await page.click('.rl-chip.rl-label-backtracking');
  await waitUntil(page, `[...document.querySelectorAll('.rl-card')].every((c) => c.querySelector('.rl-labels').textContent.includes('backtracking'))`);
  await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
  await waitUntil(page, `document.querySelector('${card(labelled[labelled.length - 1])}')`);
  await page.click('.rl-chip.rl-label-backtracking');

  // Middle of the list: expand all keeps the first visible card where it was.
  await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight / 2)');
  await waitForSettledScroll(page);
  const before = await firstVisible(page);
  assert.ok(before);
  // A script click: Playwright's own would scroll the toolbar into view first.
  await page.evaluate(`document.querySelector('button[aria-label="Expand all visible episodes"]').click()`);
  // Bodies are shown as plain text, then typeset a few per frame: wait until none is left plain.
  await waitUntil(page, `document.querySelectorAll('.rl-card').length > 0 && document.querySelectorAll('.rl-card .rl-plain').length === 0`);
  await nextFrames(page);
  const after = await firstVisible(page);
  assert.equal(after?.position, before.position, 'same first visible card');
  assert.ok(Math.abs(after!.top - before.top) <= 2, `its top moved ${after!.top - before.top} px`);
  const notExpanded = await page.evaluate(`[...document.querySelectorAll('.rl-card')].filter((c) => !(c.querySelector('.rl-card-toggle').getAttribute('aria-expanded') === 'true' && c.querySelector('.rl-card-body').textContent.trim().length > 0)).map((c) => ({ position: c.dataset.position, expanded: c.querySelector('.rl-card-toggle').getAttribute('aria-expanded'), hidden: c.querySelector('.rl-card-body').hidden, body: c.querySelector('.rl-card-body').innerHTML.slice(0, 80), text: window.__huge.episodes[Number(c.dataset.position)].text.slice(0, 40) }))`);
  assert.ok((await mountedPositions(page)).length > 0);
  assert.deepEqual(notExpanded, [], 'every mounted card is expanded with its text');
  await waitUntil(page, 'window.__state?.expanded?.length === 10000');
  await page.click('button[aria-label="Collapse all episodes"]');
  await waitUntil(page, `document.querySelectorAll('.rl-card.rl-expanded').length === 0`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('state restore: expanded episodes and the scroll position come back on cards never mounted before', async (t) => {
  if (skipWithout(t)) return;
  const { page } = await open('sample=synthetic-200');
  await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight * 0.7)');
  await waitForSettledScroll(page);
  const shown = (await firstVisible(page))!;
  await page.click(`${card(shown.position + 1)} .rl-card-toggle`);
  await waitUntil(page, `window.__state && window.__state.expanded.includes(${shown.position + 1}) && window.__state.scrollTop > 0`);
  const state = (await page.evaluate('window.__state')) as { trace?: unknown };
  // A trace this size that a file gives back is not in the state (MAX_PERSISTED_FILE_TRACE_CHARS):
  // after a reload the host reads the file and sends the same load, and the view state applies to it.
  assert.equal(state.trace, undefined, 'the file gives the trace back');
  const restored = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await restored.addInitScript({ content: `window.__initialState = ${JSON.stringify(state)};` });
  await restored.goto(`${baseUrl}/webview/dev/index.html?sample=synthetic-200`);
  await waitUntil(restored, `document.querySelector('${card(shown.position + 1)} .rl-card-toggle')?.getAttribute('aria-expanded') === 'true'`);
  const again = await firstVisible(restored);
  assert.ok(again && Math.abs(again.position - shown.position) <= 1, `first visible ${again?.position} vs ${shown.position}`);
  await restored.close();
  await page.close();
});

test('live: shown cards are kept (not rebuilt) as episodes append; the growing episode appends plain text, rendered when it closes', async (t) => {
  if (skipWithout(t)) return;
  const { page, problems } = await open('sample=synthetic-40');
  // Drive the run by hand: a live load, then events, one batch at a time.
  await page.evaluate(`(() => {
    const base = window.__trace;
    window.__ep = (i, text) => ({ ...base.episodes[i], text, end: base.episodes[i].start + text.length, tokens: Math.ceil(text.length / 4), labels: [], verdict: 'none', answer: undefined, progress: undefined });
    window.__deliver({ type: 'load', trace: { ...base, id: 'live-by-hand', thinking: '', response: '', episodes: [] }, live: true, status: 'thinking', settings: { renderMath: true, expandEpisodes: false, showChart: true }, budget: {}, probe: false });
    const events = [];
    for (let i = 0; i < 3; i++) events.push({ type: 'episode-opened', episode: window.__ep(i, '') }, { type: 'episode-closed', episode: base.episodes[i] });
    events.push({ type: 'episode-opened', episode: window.__ep(3, 'Growing: $x^2$ so far') });
    window.__deliver({ type: 'events', events });
  })()`);
  // The live trace's card #3, not the sample's: the delivered messages are tasks, and on a loaded
  // machine the sample's own card #3 was still on screen here and took the click (the live load
  // then reset the expansion and no growing body ever appeared).
  await waitUntil(page, `document.querySelector('${card(3)}')?.textContent.includes('Growing: ')`);
  await page.evaluate(`window.__kept = [...document.querySelectorAll('.rl-card')]`);
  await page.click(`${card(3)} .rl-card-toggle`);
  await waitUntil(page, `document.querySelector('${card(3)} .rl-growing')`);
  await page.evaluate(`window.__node = document.querySelector('${card(3)} .rl-growing').firstChild`);
  for (const more of [' and more', ' and more $y$', ' and more $y$ still']) {
    await page.evaluate(`window.__deliver({ type: 'events', events: [{ type: 'episode-grew', index: 3, text: 'Growing: $x^2$ so far${more}', end: 100, tokens: 9 }] })`);
    await waitUntil(page, `window.__node.data.endsWith('${more}')`);
  }
  assert.equal(await page.evaluate(`document.querySelector('${card(3)} .rl-growing').firstChild === window.__node`), true, 'the same text node, appended to');
  assert.equal(await page.locator(`${card(3)} .katex`).count(), 0, 'plain text while growing');
  // More episodes arrive: the cards already shown are the same elements.
  await page.evaluate(`window.__deliver({ type: 'events', events: [{ type: 'episode-closed', episode: window.__ep(3, 'Growing: $x^2$ so far and more $y$ still') }, { type: 'episode-opened', episode: window.__ep(4, 'next') }] })`);
  await waitUntil(page, `document.querySelector('${card(4)}')`);
  const replaced = (await page.evaluate(`window.__kept.filter((c) => !c.isConnected).length`)) as number;
  assert.equal(replaced, 0, 'no shown card was rebuilt');
  // Closed: the body is rendered (Markdown + KaTeX), no longer plain.
  await waitUntil(page, `!document.querySelector('${card(3)} .rl-growing') && document.querySelector('${card(3)} .rl-card-body .katex')`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('overview map: one block per episode, a text summary, click and drag navigate, follows a live run', async (t) => {
  if (skipWithout(t)) return;
  const { page, problems } = await openHuge();
  await waitUntil(page, `document.querySelector('.rl-overview-canvas')?.getAttribute('aria-label') === 'Overview map of 10000 episodes'`);
  const summary = (await page.evaluate(`document.getElementById(document.querySelector('.rl-overview-canvas').getAttribute('aria-describedby')).textContent`)) as string;
  assert.match(summary, /^10000 episodes, /);
  assert.match(summary, /First correct answer in episode #\d+/);
  await page.evaluate(`window.scrollTo(0, document.querySelector('.rl-episodes-area').getBoundingClientRect().top + window.scrollY)`);
  await nextFrames(page);
  const box = (await page.locator('.rl-overview-canvas').boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height * 0.75);
  await waitUntil(page, `(() => { const c = [...document.querySelectorAll('.rl-card')].map((c) => Number(c.dataset.position)); return c.some((p) => Math.abs(p - 7500) < 400); })()`);
  const visible = (await firstVisible(page))!;
  assert.ok(Math.abs(visible.position - 7500) < 400, `clicked at 75%: first visible ${visible.position}`);
  // Drag to the top.
  await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.2, { steps: 5 });
  await page.mouse.move(box.x + box.width / 2, box.y + 1, { steps: 5 });
  await page.mouse.up();
  await waitUntil(page, `document.querySelector('${card(0)}')`);
  // Colour switch.
  await page.click('.rl-overview-switch:has-text("verdict")');
  assert.equal(await page.getAttribute('.rl-overview-switch:has-text("verdict")', 'aria-pressed'), 'true');
  assert.match((await page.evaluate(`document.getElementById('rl-overview-summary').textContent`)) as string, /colour its verdict/);
  assert.deepEqual(await page.evaluate('window.__violations'), []);
  assert.deepEqual(problems, []);
  await page.close();

  const live = await open('sample=synthetic-200&live=1&rate=30');
  await waitUntil(live.page, `/Overview map of ([2-9]|\\d\\d+) episodes/.test(document.querySelector('.rl-overview-canvas').getAttribute('aria-label'))`);
  await waitUntil(live.page, 'document.querySelector(".rl-status")?.dataset.status === "done"', 90_000);
  await waitUntil(live.page, `document.querySelector('.rl-overview-canvas').getAttribute('aria-label') === 'Overview map of 200 episodes'`);
  assert.deepEqual(live.problems, []);
  await live.page.close();
});

/**
 * Every mounted card against its own episode: what could be left over from another episode when
 * a card element is recycled (attributes, classes, aria, head, preview, body). Returns problems.
 */
const CHECK_CARDS = `(() => {
  const episodes = window.__checkEpisodes;
  const expanded = new Set(window.__checkExpanded);
  const firstCorrect = episodes.findIndex((e) => e.verdict === 'correct');
  const flat = (s) => s.replace(/\\s+/g, ' ').trim();
  const letters = (s) => s.replace(/[^a-z]/gi, '');
  const problems = [];
  for (const c of document.querySelectorAll('.rl-card')) {
    const p = Number(c.dataset.position);
    const e = episodes[p];
    const bad = (what, shown, want) => problems.push({ position: p, what, shown, want });
    if (!e) { bad('position', c.dataset.position, 'an episode'); continue; }
    if (c.dataset.index !== String(e.index)) bad('data-index', c.dataset.index, String(e.index));
    const number = c.querySelector('.rl-card-number')?.textContent;
    if (number !== '#' + e.index) bad('number', number, '#' + e.index);
    const opener = c.querySelector('.rl-opener')?.textContent;
    if (opener !== e.opener) bad('opener', opener, e.opener);
    const preview = (c.querySelector('.rl-preview')?.textContent ?? '').replace(/…$/, '');
    if (!preview || !flat(e.text).startsWith(preview)) bad('preview', preview.slice(0, 40), flat(e.text).slice(0, 40));
    const labels = [...c.querySelectorAll('.rl-label')].map((l) => l.textContent).join(',');
    if (labels !== e.labels.join(',')) bad('labels', labels, e.labels.join(','));
    const answer = c.querySelector('.rl-answer code')?.textContent;
    if (answer !== e.answer) bad('answer', answer, e.answer);
    if (e.answer !== undefined && !c.querySelector('.rl-verdict-' + e.verdict)) bad('verdict mark', c.querySelector('.rl-verdict')?.className, e.verdict);
    const backgrounds = [...c.classList].filter((k) => k.startsWith('rl-verdict-bg-')).join(' ');
    if (backgrounds !== 'rl-verdict-bg-' + e.verdict) bad('verdict background', backgrounds, e.verdict);
    const check = c.querySelector('.rl-check')?.dataset.check;
    if (check !== e.check) bad('check', check, e.check);
    // The check's text says this episode's outcome, not the one the recycled card showed before
    // (the answers of the synthetic sample are short: never clipped).
    const checkText = c.querySelector('.rl-check')?.textContent?.trim();
    const a = e.answer, s = e.standingAnswer;
    const wantCheck = { confirmed: a !== undefined ? 'confirmed ' + a : 'confirmed', changed: s !== undefined && a !== undefined ? 'changed ' + s + ' → ' + a : 'changed the answer', 'no-answer': s !== undefined ? 'found no answer (' + s + ' stands)' : 'found no answer', stated: a !== undefined ? 'stated a first answer ' + a : 'stated a first answer' }[e.check];
    if (checkText !== wantCheck) bad('check text', checkText, wantCheck);
    const mu = c.querySelector('.rl-progress')?.firstChild?.textContent;
    const wantMu = e.progress ? 'μ ' + e.progress.mu.toFixed(2) : undefined;
    if (mu !== wantMu) bad('progress', mu, wantMu);
    const copy = c.querySelector('.rl-card-copy')?.getAttribute('aria-label');
    if (copy !== 'Copy episode ' + e.index) bad('copy label', copy, e.index);
    const controls = c.querySelector('.rl-card-toggle').getAttribute('aria-controls');
    if (controls !== 'rl-episode-body-' + p) bad('aria-controls', controls, p);
    const after = c.classList.contains('rl-after-correct');
    if (after !== (firstCorrect >= 0 && p > firstCorrect)) bad('after-correct', after, !after);
    const open = expanded.has(e.index);
    if (c.querySelector('.rl-card-toggle').getAttribute('aria-expanded') !== String(open) || c.classList.contains('rl-expanded') !== open) bad('expanded', !open, open);
    const body = c.querySelector('.rl-card-body');
    if (open) {
      if (!body || body.id !== 'rl-episode-body-' + p || body.hidden) bad('body', body?.id, p);
      else if (!letters(body.textContent).includes(letters(e.text.split('$')[0]).slice(0, 30))) bad('body text', flat(body.textContent).slice(0, 40), flat(e.text).slice(0, 40));
    } else if (body) bad('collapsed body in the card', body.id, null);
  }
  return problems;
})()`;

test('cards recycled while scrolling never show another episode: every mounted card checked against its episode each frame, down and up; placed without overlap and in DOM order once settled', async (t) => {
  if (skipWithout(t)) return;
  const { page, problems } = await open('sample=synthetic-200');
  const expand = [5, 60, 61, 130];
  await page.evaluate(`window.__checkEpisodes = window.__trace.episodes; window.__checkExpanded = ${JSON.stringify(expand)}`);
  for (const position of expand) {
    await page.evaluate(`window.scrollTo(0, 0)`);
    // Scrolled into the middle in the same task that finds it: a card at the window's edge can
    // leave the window in a later frame, when rows above it are measured.
    await page.evaluate(`(async () => { for (let i = 0; i < 400 && !document.querySelector('${card(position)}'); i++) { window.scrollBy(0, 300); await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))); } document.querySelector('${card(position)}').scrollIntoView({ block: 'center' }); })()`);
    await nextFrames(page);
    await page.click(`${card(position)} .rl-card-toggle`);
    await waitUntil(page, `document.querySelector('${card(position)} .rl-card-body')?.textContent.trim().length > 0`);
  }
  const scroll = (step: number) => page.evaluate(`(async () => {
    const found = [];
    for (let frame = 0; frame < 1000; frame++) {
      const y = window.scrollY;
      window.scrollBy(0, ${step});
      await new Promise((r) => requestAnimationFrame(r));
      found.push(...${CHECK_CARDS});
      await new Promise((r) => requestAnimationFrame(r));
      found.push(...${CHECK_CARDS});
      if (window.scrollY === y) break;
    }
    return found.slice(0, 10);
  })()`) as Promise<unknown[]>;
  await page.evaluate('window.scrollTo(0, 0)');
  await nextFrames(page);
  assert.deepEqual(await scroll(400), [], 'scrolling down');
  assert.deepEqual(await scroll(-400), [], 'scrolling up');
  assert.deepEqual(await scroll(1500), [], 'scrolling down in big steps');
  // Once the scrolling stops: every card in the DOM in its rows' order, none overlapping the next.
  for (const y of [0.3, 0.5, 0.7]) {
    await page.evaluate(`window.scrollTo(0, document.documentElement.scrollHeight * ${y})`);
    // (Not waitForSettledScroll: the sticky header's bottom can fall in the gap between two cards.)
    for (let i = 0; i < 4; i++) await nextFrames(page);
    assert.deepEqual(await page.evaluate(CHECK_CARDS), []);
    const cards = (await page.evaluate(`[...document.querySelectorAll('.rl-card')].map((c) => ({ position: Number(c.dataset.position), top: c.getBoundingClientRect().top, bottom: c.getBoundingClientRect().bottom }))`)) as { position: number; top: number; bottom: number }[];
    const positions = cards.map((c) => c.position);
    assert.deepEqual(positions, [...positions].sort((a, b) => a - b), 'DOM order is the rows\' order');
    for (let i = 1; i < cards.length; i++) assert.ok(cards[i].top >= cards[i - 1].bottom - 0.5, `card ${cards[i].position} (top ${cards[i].top}) overlaps ${cards[i - 1].position} (bottom ${cards[i - 1].bottom})`);
  }
  assert.deepEqual(problems, []);
  await page.close();
});
