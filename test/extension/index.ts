/**
 * Extension-host test runner: the `run()` contract of @vscode/test-electron, also honoured by
 * VS Code's server when the workbench URL carries `extensionTestsPath` (test/e2e runs it in
 * code-server). The browser shows nothing, so results go to the JSON file named by
 * REASONING_LENS_TEST_RESULTS (and to the console).
 */
import Mocha from 'mocha';
import { writeFileSync } from 'node:fs';
import { registerActivationSuite } from './activation.suite';
import { registerSettingsSuite } from './settings.suite';
import { registerSolveSuite } from './solve.suite';
import { registerTraceFilesSuite } from './traceFiles.suite';
import { registerViewSuite } from './view.suite';
import { registerPropertiesSuite } from './properties.suite';
import { registerDatasetSuite } from './dataset.suite';
import { registerCompareSuite } from './compare.suite';
import { registerFormatsSuite } from './formats.suite';
import { metrics } from './metrics';

export interface TestResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

export interface RunResults {
  passed: number;
  failed: number;
  pending: number;
  tests: TestResult[];
  metrics: Record<string, number>;
  vscodeVersion: string;
}


export function run(): Promise<void> {
  // REASONING_LENS_TEST_GREP narrows a local run to matching tests (refused under CI by test/e2e).
  const grep = process.env.REASONING_LENS_TEST_GREP || undefined;
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, ...(grep ? { grep } : {}) });
  mocha.suite.emit('pre-require', globalThis, 'reasoning-lens-extension-tests', mocha);
  registerActivationSuite();
  registerSettingsSuite();
  registerViewSuite();
  registerPropertiesSuite();
  registerTraceFilesSuite();
  registerSolveSuite();
  registerDatasetSuite();
  registerCompareSuite();
  registerFormatsSuite();

  const results: RunResults = { passed: 0, failed: 0, pending: 0, tests: [], metrics, vscodeVersion: '' };
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      results.vscodeVersion = (require('vscode') as typeof import('vscode')).version;
      const out = process.env.REASONING_LENS_TEST_RESULTS;
      if (out) writeFileSync(out, JSON.stringify(results, null, 2));
      console.log(`[extension tests] ${results.passed} passed, ${results.failed} failed, ${results.pending} pending`);
      if (failures > 0) reject(new Error(`${failures} extension test(s) failed`));
      else resolve();
    });
    runner.on('pass', (t) => {
      results.passed++;
      results.tests.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration });
    });
    runner.on('fail', (t, err: Error) => {
      results.failed++;
      results.tests.push({ title: t.fullTitle(), state: 'failed', error: `${err.message}\n${err.stack ?? ''}`.slice(0, 4000) });
    });
    runner.on('pending', (t) => {
      results.pending++;
      results.tests.push({ title: t.fullTitle(), state: 'pending' });
    });
  });
}
