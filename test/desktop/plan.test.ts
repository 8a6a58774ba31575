/**
 * The arguments `npm run test:desktop` gives @vscode/test-electron (no download here: the runs
 * themselves need internet and a display, so only their plan is checked).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { desktopRuns, displayProblem, minimumVsCodeVersion, resultsProblem } from './plan';

const repoRoot = resolve(__dirname, '../..');

test('the oldest version comes from engines.vscode', () => {
  assert.equal(minimumVsCodeVersion('^1.100.0'), '1.100.0');
  assert.equal(minimumVsCodeVersion('>=1.98'), '1.98.0');
  assert.equal(minimumVsCodeVersion('~1.101.2'), '1.101.2');
  assert.throws(() => minimumVsCodeVersion('*'), /engines\.vscode: expected a range such as \^1\.100\.0, got "\*"/);
  assert.throws(() => minimumVsCodeVersion('^1.100.0 || ^2.0.0'), /engines\.vscode/);
  const pkg = JSON.parse(readFileSync(resolve(repoRoot, 'package.json'), 'utf8')) as { engines: { vscode: string } };
  assert.equal(minimumVsCodeVersion(pkg.engines.vscode), '1.100.0', 'the project supports VS Code 1.100 (Node 20 extension host)');
});

test('two runs, the oldest supported then stable, each with the suite, the workspace and its own results file', () => {
  const runs = desktopRuns({
    engines: '^1.100.0',
    extensionDevelopmentPath: '/repo',
    extensionTestsPath: '/repo/out/test/desktop/extension-tests.js',
    workspace: '/tmp/ws',
    env: { REASONING_LENS_TEST_OLLAMA: 'http://127.0.0.1:1234' },
    resultsFile: (v) => `/tmp/results-${v}.json`,
  });
  assert.deepEqual(
    runs.map((r) => [r.label, r.options.version, r.resultsFile]),
    [
      ['VS Code 1.100.0', '1.100.0', '/tmp/results-1.100.0.json'],
      ['VS Code stable', 'stable', '/tmp/results-stable.json'],
    ],
  );
  for (const run of runs) {
    assert.equal(run.options.extensionDevelopmentPath, '/repo');
    assert.equal(run.options.extensionTestsPath, '/repo/out/test/desktop/extension-tests.js');
    assert.deepEqual(run.options.extensionTestsEnv, { REASONING_LENS_TEST_OLLAMA: 'http://127.0.0.1:1234', REASONING_LENS_TEST_RESULTS: run.resultsFile });
    assert.equal(run.options.launchArgs?.[0], '/tmp/ws', 'the workspace is the first argument');
    assert.ok(run.options.launchArgs?.includes('--disable-extensions'), 'no other extension interferes');
  }
});

test('desktop VS Code on Linux needs a display', () => {
  assert.match(displayProblem('linux', {}) ?? '', /xvfb-run -a npm run test:desktop/);
  assert.equal(displayProblem('linux', { DISPLAY: ':99' }), null);
  assert.equal(displayProblem('linux', { WAYLAND_DISPLAY: 'wayland-0' }), null);
  assert.equal(displayProblem('darwin', {}), null);
  assert.equal(displayProblem('win32', {}), null);
});

test('a failed, skipped or empty suite fails the run, as in the code-server e2e', () => {
  assert.equal(resultsProblem('VS Code stable', { passed: 41, failed: 0, pending: 0 }), null);
  assert.equal(resultsProblem('VS Code stable', { passed: 40, failed: 1, pending: 0 }), 'VS Code stable: 1 failed');
  assert.match(resultsProblem('VS Code 1.100.0', { passed: 40, failed: 0, pending: 1 }) ?? '', /1 skipped \(pending\)/);
  assert.equal(resultsProblem('VS Code stable', { passed: 0, failed: 0, pending: 0 }), 'VS Code stable: no test ran');
});
