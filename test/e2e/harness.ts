/**
 * Shared e2e plumbing: a real VS Code (code-server 4.100.3's VS Code server, installed by
 * scripts/setup-e2e.sh into .e2e/), the fake Ollama servers, and Chromium via playwright-core.
 * Everything binds to 127.0.0.1; every process started here is stopped by its own handle.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page, type FrameLocator } from 'playwright-core';
import { startFakeOllama, type FakeOllama, type FakeModelConfig } from '../fake-ollama/server';
import { SAMPLE_PROBLEMS } from '../fake-ollama/problems';
import { CHANGE_PROBLEM } from '../fake-ollama/self-check-problem';
import type { ScriptedProblem } from '../fake-ollama/scripted-model';

export const repoRoot = path.resolve(__dirname, '../..');
export const CODE_SERVER_VERSION = '4.100.3';
export const serverMain = path.join(repoRoot, `.e2e/code-server-${CODE_SERVER_VERSION}/package/lib/vscode/out/server-main.js`);
export const artifactsDir = path.join(repoRoot, 'test-artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function requireSetup(): void {
  if (!existsSync(serverMain)) throw new Error(`VS Code server missing at ${serverMain}: run scripts/setup-e2e.sh first`);
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium missing at ${CHROMIUM}: run scripts/setup-e2e.sh first`);
  if (!existsSync(path.join(repoRoot, 'dist/extension.js'))) throw new Error('dist/extension.js missing: run npm run build first');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Problems whose model text tries to inject markup: it must render inert. */
export const HOSTILE_PROBLEM: ScriptedProblem = {
  match: 'Render this hostile text',
  episodes: [
    'Let me think. <script>window.__lensPwned = 1; document.title = "PWNED"</script>\n\nThe sum is 3.\n\nSo the answer is 3.',
    'Wait, check the image <img src=x onerror="window.__lensPwned = 2"> and [a link](javascript:window.__lensPwned=3) and <a href="javascript:window.__lensPwned=4">click</a>.\n\n1 + 2 = 3.\n\nYes, 3.',
  ],
  response: 'The answer is \\boxed{3}. <iframe src="javascript:window.__lensPwned=5"></iframe>',
  correctAnswer: '3',
  wrongAnswers: ['4'],
  accuracy: [0.2, 0.6, 1],
};

/** A problem with many episodes so Stop can land mid-run on the slow server. */
export const LONG_PROBLEM: ScriptedProblem = {
  match: 'Count the primes below 60.',
  episodes: Array.from({ length: 12 }, (_, i) =>
    i === 0
      ? 'I will list primes below 60.\n\n2, 3, 5, 7, 11, 13, 17, 19, 23, 29.\n\nThat is ten so far.'
      : `Wait, let me re-check block ${i}.\n\nThe primes 31, 37, 41, 43, 47, 53, 59 add seven more.\n\nSo the count is 17.`,
  ),
  response: 'There are \\boxed{17} primes below 60.',
  correctAnswer: '17',
  wrongAnswers: ['16', '18'],
  accuracy: [0.1, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.9, 1, 1, 1, 1, 1],
};

export const PULLABLE: FakeModelConfig = {
  name: 'tiny-thinker:1b',
  family: 'qwen3',
  capabilities: ['completion', 'thinking'],
  thinking: 'field',
  details: { family: 'qwen3', families: ['qwen3'], parameter_size: '1.0B', quantization_level: 'Q4_K_M' },
};

export async function startFakes(slowDelayMs: number): Promise<{ fast: FakeOllama; slow: FakeOllama; close(): Promise<void> }> {
  const problems = [...SAMPLE_PROBLEMS, HOSTILE_PROBLEM, LONG_PROBLEM, CHANGE_PROBLEM];
  const fast = await startFakeOllama({ problems, registry: [PULLABLE] });
  const slow = await startFakeOllama({ problems, tokenDelayMs: slowDelayMs, registry: [PULLABLE] });
  return { fast, slow, close: async () => void (await Promise.all([fast.close(), slow.close()])) };
}

export interface CodeServer {
  port: number;
  url: string;
  /** Its user, server and extensions folders (logs live here until stop()). */
  dir: string;
  proc: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}

/** Starts VS Code's server (its own entry, so URL payloads load a development extension). */
export async function startCodeServer(opts: { env?: Record<string, string>; tag: string }): Promise<CodeServer> {
  requireSetup();
  const port = await freePort();
  const base = mkdtempSync(path.join(repoRoot, '.e2e', `run-${opts.tag}-`));
  const dirs = { ud: path.join(base, 'user'), sd: path.join(base, 'server'), ext: path.join(base, 'extensions') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const proc = spawn(
    process.execPath,
    [
      serverMain,
      '--host', '127.0.0.1',
      '--port', String(port),
      '--without-connection-token',
      '--accept-server-license-terms',
      '--disable-workspace-trust',
      '--disable-telemetry',
      '--user-data-dir', dirs.ud,
      '--server-data-dir', dirs.sd,
      '--extensions-dir', dirs.ext,
    ],
    { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  proc.stdout?.on('data', (b: Buffer) => (log += b.toString()));
  proc.stderr?.on('data', (b: Buffer) => (log += b.toString()));
  const deadline = Date.now() + 60_000;
  while (!/Extension host agent listening|Web UI available/.test(log)) {
    if (proc.exitCode !== null) throw new Error(`VS Code server exited (${proc.exitCode}):\n${log}`);
    if (Date.now() > deadline) throw new Error(`VS Code server did not start within 60 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    proc,
    dir: base,
    log: () => log,
    stop: async () => {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** The workbench URL with a folder and the development extension (and optional test module). */
export function workbenchUrl(server: CodeServer, folder: string, testsPath?: string): string {
  const remote = (p: string) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const payload: [string, string][] = [['extensionDevelopmentPath', remote(repoRoot)]];
  if (testsPath) payload.push(['extensionTestsPath', remote(testsPath)]);
  return `${server.url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh workspace folder under .e2e with the given workspace settings. */
export function makeWorkspace(tag: string, settings: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(repoRoot, '.e2e', `ws-${tag}-`));
  writeWorkspaceSettings(dir, settings);
  return dir;
}

export function writeWorkspaceSettings(dir: string, settings: Record<string, unknown>): void {
  mkdirSync(path.join(dir, '.vscode'), { recursive: true });
  writeFileSync(path.join(dir, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
}

export async function openWorkbench(page: Page, url: string, opts: { waitForExtension?: boolean } = {}): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  // The extension activates after start-up; its status bar item says it is ready.
  if (opts.waitForExtension) await page.locator('.statusbar-item', { hasText: 'Lens:' }).first().waitFor({ timeout: 90_000 });
}

/** A workbench on its own workspace, code-server and browser page: what each UI suite starts in `before`. */
export interface WorkbenchSession {
  server: CodeServer;
  browser: Browser;
  page: Page;
  workspace: string;
  /** Screenshot `<tag>-last-state.png`, then stop everything this session started and remove the workspace. */
  close(): Promise<void>;
}

/** Settings every UI suite starts with: no start-up editor, a light theme, no git; `settings` add or override. */
export async function openWorkbenchSession(tag: string, settings: Record<string, unknown>, viewport: { width: number; height: number }): Promise<WorkbenchSession> {
  const workspace = makeWorkspace(tag, { 'workbench.startupEditor': 'none', 'workbench.colorTheme': 'Default Light Modern', 'git.enabled': false, ...settings });
  const server = await startCodeServer({ tag });
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport });
  await openWorkbench(page, workbenchUrl(server, workspace), { waitForExtension: true });
  return {
    server,
    browser,
    page,
    workspace,
    async close() {
      await page.screenshot({ path: artifact(`${tag}-last-state.png`) }).catch(() => undefined);
      await browser.close();
      await server.stop();
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}

/** Runs a command from the palette by its title. */
export async function runCommand(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  // The first key press can land before the workbench has focus: retry until the palette shows.
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 3000 });
      break;
    } catch (err) {
      if (attempt >= 5) throw err;
      await page.keyboard.press('Escape');
    }
  }
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: 20_000 });
  await page.keyboard.press('Enter');
}

/**
 * Opens a workspace file by name through Quick Open (the palette without '>'). Retries while
 * the file index catches up with a file written a moment ago.
 */
/**
 * "Developer: Reload Window", as a user would: the workbench saves its state (the webviews'
 * too) before it reloads. A browser reload would not wait for that save, and a state set just
 * before could be lost.
 */
export async function reloadWindow(page: Page): Promise<void> {
  const loaded = page.waitForEvent('load', { timeout: 90_000 });
  await runCommand(page, 'Developer: Reload Window');
  await loaded;
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  await page.locator('.statusbar-item', { hasText: 'Lens:' }).first().waitFor({ timeout: 90_000 });
}

export async function quickOpen(page: Page, fileName: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 5000 }).catch(() => undefined);
    if (await input.isVisible()) {
      await input.fill(fileName);
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first();
      if (await row.waitFor({ timeout: 8000 }).then(() => true, () => false)) return;
    }
    if (attempt >= 4) throw new Error(`Quick Open did not find ${fileName}`);
    await page.keyboard.press('Escape');
  }
}

/** The trace webview's document (VS Code nests it in two iframes). */
export function webviewFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
}

export function artifact(name: string): string {
  mkdirSync(artifactsDir, { recursive: true });
  return path.join(artifactsDir, name);
}

/**
 * Bundles the extension-host mocha suite (test/extension/index.ts) to `outfile`, for code-server
 * (test/e2e) and desktop VS Code (test/desktop) alike. vscode is provided by the host; mocha
 * resolves from the project's node_modules, so `outfile` must lie inside the repository.
 */
export async function buildExtensionSuite(outfile: string): Promise<void> {
  await esbuild.build({
    entryPoints: [path.join(repoRoot, 'test/extension/index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
}
