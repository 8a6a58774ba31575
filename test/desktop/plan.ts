/**
 * What `npm run test:desktop` asks @vscode/test-electron for, kept pure so it is unit-tested without
 * downloading VS Code: the same mocha suite as the code-server e2e (test/extension/index.ts) in desktop
 * VS Code, on the oldest version package.json's engines.vscode accepts and on the latest stable (as
 * rust-analyzer's editors/code/tests/runTests.ts does).
 */
import type { TestOptions } from '@vscode/test-electron';

/** The oldest VS Code an `engines.vscode` range accepts: "^1.100.0" → "1.100.0". */
export function minimumVsCodeVersion(engines: string): string {
  const m = /^\s*(?:\^|~|>=)?\s*(\d+)\.(\d+)(?:\.(\d+))?\s*$/.exec(engines);
  if (!m) throw new Error(`engines.vscode: expected a range such as ^1.100.0, got ${JSON.stringify(engines)}`);
  return `${m[1]}.${m[2]}.${m[3] ?? '0'}`;
}

export interface DesktopPlanInput {
  /** package.json's engines.vscode. */
  engines: string;
  /** The folder holding the extension's package.json (--extensionDevelopmentPath). */
  extensionDevelopmentPath: string;
  /** The bundled mocha suite exporting run() (built from test/extension/index.ts). */
  extensionTestsPath: string;
  /** The workspace folder VS Code opens. */
  workspace: string;
  /** Environment of the extension host: fake server URLs; `results` is added per version. */
  env: Record<string, string>;
  /** Where each version writes its results JSON, e.g. (v) => `.../desktop-${v}.json`. */
  resultsFile: (version: string) => string;
}

export interface DesktopRun {
  label: string;
  resultsFile: string;
  options: TestOptions;
}

/** The two runs, oldest supported first (its failures are the likelier ones). */
export function desktopRuns(input: DesktopPlanInput): DesktopRun[] {
  const versions = [minimumVsCodeVersion(input.engines), 'stable'];
  return versions.map((version) => {
    const resultsFile = input.resultsFile(version);
    return {
      label: `VS Code ${version}`,
      resultsFile,
      options: {
        version,
        extensionDevelopmentPath: input.extensionDevelopmentPath,
        extensionTestsPath: input.extensionTestsPath,
        extensionTestsEnv: { ...input.env, REASONING_LENS_TEST_RESULTS: resultsFile },
        // Only the extension under development; no welcome page or trust prompt in front of the suite.
        launchArgs: [input.workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
      },
    };
  });
}

/** Why desktop VS Code cannot start here, or null: on Linux it needs a display (use xvfb-run -a). */
export function displayProblem(platform: string, env: Record<string, string | undefined>): string | null {
  if (platform !== 'linux' || env.DISPLAY || env.WAYLAND_DISPLAY) return null;
  return 'desktop VS Code needs a display: run `xvfb-run -a npm run test:desktop` (Debian package xvfb)';
}

export interface SuiteResults {
  passed: number;
  failed: number;
  pending: number;
}

/** The same verdict as the code-server e2e: a failed or skipped (pending) test fails the run, and so does none. */
export function resultsProblem(label: string, r: SuiteResults): string | null {
  if (r.failed > 0) return `${label}: ${r.failed} failed`;
  if (r.pending > 0) return `${label}: ${r.pending} skipped (pending); every extension-host test must run`;
  if (r.passed === 0) return `${label}: no test ran`;
  return null;
}
