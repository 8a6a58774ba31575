/**
 * Runs the mocha suite in test/extension inside a real VS Code extension host (VS Code
 * 1.100.3 server, loaded through the workbench URL payload) and reports each mocha test as a
 * node:test subtest. Results come back through a JSON file (the browser page shows nothing).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { Browser } from 'playwright-core';
import { launchBrowser, makeWorkspace, openWorkbench, repoRoot, requireSetup, startCodeServer, startFakes, workbenchUrl, type CodeServer } from './harness';
import type { RunResults } from '../extension/index';

const testsBundle = path.join(repoRoot, 'out/test/extension/index.js');

async function buildSuite(): Promise<void> {
  await esbuild.build({
    entryPoints: [path.join(repoRoot, 'test/extension/index.ts')],
    outfile: testsBundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    // vscode is provided by the host; mocha resolves from the project's node_modules.
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
}

test('extension-host suite in VS Code (code-server) passes', { timeout: 10 * 60_000 }, async (t) => {
  requireSetup();
  await buildSuite();
  const fakes = await startFakes(15);
  const resultsFile = path.join(repoRoot, '.e2e', `ext-results-${process.pid}.json`);
  rmSync(resultsFile, { force: true });
  const workspace = makeWorkspace('ext', {});
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startCodeServer({
      tag: 'ext',
      env: {
        REASONING_LENS_TEST_OLLAMA: fakes.fast.url,
        REASONING_LENS_TEST_OLLAMA_SLOW: fakes.slow.url,
        REASONING_LENS_TEST_RESULTS: resultsFile,
      },
    });
    browser = await launchBrowser();
    const page = await browser.newPage();
    const started = Date.now();
    await openWorkbench(page, workbenchUrl(server, workspace, testsBundle));
    const deadline = Date.now() + 8 * 60_000;
    while (!existsSync(resultsFile)) {
      if (Date.now() > deadline) throw new Error(`no results after 8 minutes; server log:\n${server.log().slice(-4000)}`);
      if (/Extension Host Process exited with code/.test(server.log()) && !existsSync(resultsFile)) {
        await new Promise((r) => setTimeout(r, 1000));
        if (!existsSync(resultsFile)) throw new Error(`extension host exited without results:\n${server.log().slice(-4000)}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    await new Promise((r) => setTimeout(r, 200)); // let the writer finish
    const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as RunResults;
    console.log(`VS Code ${results.vscodeVersion}: ${results.passed} passed, ${results.failed} failed, ${results.pending} pending (${((Date.now() - started) / 1000).toFixed(1)} s incl. workbench start)`);
    console.log('metrics:', JSON.stringify(results.metrics));
    for (const r of results.tests) {
      await t.test(r.title, { skip: r.state === 'pending' }, () => {
        if (r.state === 'failed') assert.fail(r.error);
      });
    }
    assert.equal(results.failed, 0);
    assert.ok(results.passed > 0, 'some tests ran');
  } finally {
    await browser?.close();
    await server?.stop();
    await fakes.close();
    rmSync(workspace, { recursive: true, force: true });
  }
});
