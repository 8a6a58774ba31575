/**
 * `npm run test:desktop`: the extension-host mocha suite (test/extension/index.ts) in desktop VS Code,
 * downloaded by @vscode/test-electron, on the oldest supported version and on the latest stable.
 * Needs internet (it downloads VS Code) and, on Linux, a display (xvfb-run -a). Not run by CI, which
 * runs the same suite offline in code-server (npm run test:e2e). The fake Ollama/OpenAI servers are
 * started here exactly as the e2e does; nothing else on the machine is used.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { buildExtensionSuite, startFakes, writeWorkspaceSettings } from '../e2e/harness';
import { startFakeOpenAI } from '../fake-openai/server';
import { desktopRuns, displayProblem, resultsProblem, type SuiteResults } from './plan';

const repoRoot = path.resolve(__dirname, '../..');
// Inside the repository so the bundle's require('mocha') resolves from its node_modules.
const testsBundle = path.join(repoRoot, 'out/test/desktop/extension-tests.js');

async function main(): Promise<void> {
  const noDisplay = displayProblem(process.platform, process.env);
  if (noDisplay) throw new Error(noDisplay);
  if (!existsSync(path.join(repoRoot, 'dist/extension.js'))) throw new Error('dist/extension.js missing: run npm run build first');
  await buildExtensionSuite(testsBundle);
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { engines: { vscode: string } };
  const fakes = await startFakes(15);
  const openai = await startFakeOpenAI({ models: ['qwen3-served:8b'], problems: [{ problem: 'What is 17 + 25?', gold: '42' }] });
  const scratch = mkdtempSync(path.join(tmpdir(), 'rl-desktop-'));
  const workspace = path.join(scratch, 'workspace');
  writeWorkspaceSettings(workspace, {});
  const problems: string[] = [];
  try {
    const runs = desktopRuns({
      engines: pkg.engines.vscode,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: testsBundle,
      workspace,
      env: {
        REASONING_LENS_TEST_OLLAMA: fakes.fast.url,
        REASONING_LENS_TEST_OLLAMA_SLOW: fakes.slow.url,
        REASONING_LENS_TEST_OPENAI: openai.url,
      },
      resultsFile: (version) => path.join(scratch, `results-${version}.json`),
    });
    for (const run of runs) {
      console.log(`== ${run.label}`);
      try {
        await runTests(run.options);
      } catch (err) {
        problems.push(`${run.label}: ${(err as Error).message}`);
      }
      if (!existsSync(run.resultsFile)) {
        problems.push(`${run.label}: no results written`);
        continue;
      }
      const results = JSON.parse(readFileSync(run.resultsFile, 'utf8')) as SuiteResults & { vscodeVersion: string };
      console.log(`${run.label} (${results.vscodeVersion}): ${results.passed} passed, ${results.failed} failed, ${results.pending} pending`);
      const problem = resultsProblem(run.label, results);
      if (problem) problems.push(problem);
    }
  } finally {
    await fakes.close();
    await openai.close();
    rmSync(scratch, { recursive: true, force: true });
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

main().catch((err: Error) => {
  console.error(`test:desktop failed: ${err.message}`);
  process.exit(1);
});
