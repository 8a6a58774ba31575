/**
 * "Reasoning Lens: Estimate Episode Importance" in the VS Code workbench (code-server +
 * Chromium, as ui.e2e.ts), against the fake Ollama server with the scripted counterfactual model
 * (known anchors: episode 4, then 1; a long decoy; seeded noise) and the fake embedding model.
 * The trace is opened in the trace editor; the command is run from the palette and cancelled
 * from its notification mid-way (rollouts kept in the log, nothing saved); run again, it resumes
 * from the log, saves the trace with `episodes[i].importance` (a valid v2 trace) and shows it,
 * the known anchors ranked first with their marks on the cards.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { validateTrace } from '../../src/core/schema';
import type { Trace } from '../../src/core/trace';
import { readTracesAnyFormat } from '../../src/io/read-traces';
import { CounterfactualModel } from '../fake-ollama/counterfactual-model';
import { FAKE_EMBEDDING_MODEL } from '../fake-ollama/embed';
import { DEFAULT_FAKE_MODELS, startFakeOllama, type FakeOllama } from '../fake-ollama/server';
import { ANCHOR_PROBLEM, ANCHORS_IN_ORDER } from '../importance/fixture';
import { artifact, quickOpen, requireSetup, runCommand, webviewFrame, type CodeServer, openWorkbenchSession, type WorkbenchSession } from './harness';

describe('Estimate Episode Importance in the VS Code workbench', { timeout: 15 * 60_000 }, () => {
  let fake: FakeOllama;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let workspace: string;
  let session: WorkbenchSession | undefined;

  before(async () => {
    requireSetup();
    fake = await startFakeOllama({ models: [...DEFAULT_FAKE_MODELS, FAKE_EMBEDDING_MODEL], counterfactual: new CounterfactualModel([ANCHOR_PROBLEM], 7), tokenDelayMs: 1 });
    session = await openWorkbenchSession('importance', { 'reasoningLens.host': fake.url, 'reasoningLens.model': 'qwen3:8b' }, { width: 1400, height: 1000 });
    ({ server, browser, page, workspace } = session);
  });

  after(async () => {
    await session?.close();
    await fake?.close();
  });

  const folder = () => path.join(workspace, '.reasoning-lens');
  const files = (suffix: string) => (existsSync(folder()) ? readdirSync(folder()).filter((f) => f.endsWith(suffix)).map((f) => path.join(folder(), f)) : []);
  const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').length;

  test('cancel keeps the rollouts; the next run resumes, saves a v2 trace with importance and marks the known anchors first', async () => {
    // The scripted trace, one sentence per episode (as the CLI test and the bench).
    const input = path.join(workspace, 'anchors.jsonl');
    const thinking = ANCHOR_PROBLEM.episodes.join('\n\n');
    writeFileSync(input, `${JSON.stringify({ id: 'anchors', problem: ANCHOR_PROBLEM.match, gold: '69', output: `<think>\n${thinking}\n</think>\n\nSo the answer is \\boxed{69}.` })}\n`);
    const trace = (await readTracesAnyFormat(input, { segment: { mode: 'sentence' } })).traces[0].trace;
    assert.equal(trace.episodes.length, ANCHOR_PROBLEM.episodes.length);
    writeFileSync(path.join(workspace, 'anchors.trace.json'), JSON.stringify(trace));
    await quickOpen(page, 'anchors.trace.json');
    await page.keyboard.press('Enter');
    await webviewFrame(page).locator('.rl-card').first().waitFor({ state: 'visible', timeout: 60_000 });

    // First run: cancelled from its notification once some rollouts are logged.
    await runCommand(page, 'Reasoning Lens: Estimate Episode Importance');
    const toast = page.locator('.notification-toast', { hasText: 'importance of 7 episodes' });
    await toast.waitFor({ state: 'visible', timeout: 30_000 });
    const deadline = Date.now() + 120_000;
    while (!(files('.importance-rollouts.jsonl').length && lines(files('.importance-rollouts.jsonl')[0]) > 40)) {
      if (Date.now() > deadline) throw new Error('no rollouts logged');
      await page.waitForTimeout(100);
    }
    await toast.hover();
    await toast.locator('.monaco-button', { hasText: 'Cancel' }).click();
    await page.locator('.notification-toast', { hasText: 'importance estimate stopped' }).waitFor({ timeout: 60_000 });
    const [log] = files('.importance-rollouts.jsonl');
    const kept = lines(log);
    assert.ok(kept > 40);
    assert.deepEqual(files('.trace.json'), [], 'nothing saved by a cancelled run');

    // Second run: resumes from the log and finishes.
    await runCommand(page, 'Reasoning Lens: Estimate Episode Importance');
    await page.locator('.notification-toast', { hasText: 'most important episodes' }).waitFor({ timeout: 300_000 });
    const [saved] = files('.trace.json');
    assert.ok(saved, 'the result is saved in the trace folder');
    const result = JSON.parse(readFileSync(saved, 'utf8')) as Trace;
    const checked = validateTrace(result);
    assert.ok(checked.ok, JSON.stringify(!checked.ok && checked.errors));
    assert.equal(result.version, 2);
    const ranking = result.episodes.map((e, i) => [i, e.importance?.value ?? -1] as const).sort((a, b) => b[1] - a[1]).map(([i]) => i);
    assert.deepEqual(ranking.slice(0, 2), ANCHORS_IN_ORDER);
    assert.ok(result.episodes.every((e) => e.importance?.method === 'ta-counterfactual-kl'));
    const spent = result.episodes.reduce((n, e) => n + (e.importance?.samples ?? 0), 0);
    assert.ok(lines(log) > kept && lines(log) < 800, `resumed, fewer rollouts than TA's recipe: ${lines(log)}`);
    assert.ok(spent > 0);
    console.log(`rollouts: ${lines(log)} in the log (${kept} kept at the cancel); ${spent} counted in the prefixes before episodes; TA's recipe: 700`);
    assert.match(await page.locator('.notification-toast', { hasText: 'most important episodes' }).innerText(), /most important episodes #4, #1/);

    // The shown result: the anchors marked on their cards.
    const frame = webviewFrame(page);
    await frame.locator('.rl-card[data-index="4"]').waitFor({ state: 'visible', timeout: 30_000 });
    const anchor = (i: number) => frame.locator(`.rl-card[data-index="${i}"] .rl-card-toggle`).evaluate((el) => getComputedStyle(el, '::after').content);
    assert.equal(await anchor(4), '"anchor 1"');
    assert.equal(await anchor(1), '"anchor 2"');
    await page.screenshot({ path: artifact('importance-cards.png') });
  });
});
