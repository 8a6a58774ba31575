/**
 * The layer rules can fail: deliberate violations, written into a temporary tree (never into src/),
 * are checked with the project's own .dependency-cruiser.cjs and per-layer tsconfigs, and each must
 * be reported; the clean files beside them must not be. (The real tree is checked by `npm run lint`.)
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '../..');
const depcruise = join(repoRoot, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');

function writeTree(root: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
}

function withTempDir(prefix: string, body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Violation {
  rule: string;
  from: string;
  to: string;
}

/** Runs the project's dependency-cruiser config over `dirs` of `cwd`; returns its violations. */
function lint(cwd: string, dirs: string[]): Violation[] {
  const r = spawnSync(process.execPath, [depcruise, ...dirs, '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  assert.ok(r.stdout, `dependency-cruiser printed nothing: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
  // Packages are named from node_modules on (the temp tree reaches them through a symlink).
  const to = (path: string) => path.replace(/^.*?node_modules\//, 'node_modules/');
  return out.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: to(v.to) }));
}

test('each import rule reports its violation, and only that', { timeout: 120_000 }, () => {
  withTempDir('rl-lint-', (dir) => {
    copyFileSync(join(repoRoot, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
    copyFileSync(join(repoRoot, 'tsconfig.base.json'), join(dir, 'tsconfig.base.json'));
    // `vscode` and `ollama` resolve as they do in the project.
    symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeTree(dir, {
      // Clean: each layer importing downwards, ollama in model, vscode and shared in the extension.
      'src/core/trace.ts': 'export type Trace = { id: string };\nexport const now = (): number => performance.now();\n',
      'src/formats/parse.ts': "import type { Trace } from '../core/trace';\nexport const parse = (t: string): Trace => ({ id: t });\n",
      'src/model/client.ts': "import { Ollama } from 'ollama';\nimport { now } from '../core/trace';\nexport const client = () => [new Ollama(), now()];\n",
      'src/io/read.ts': "import { parse } from '../formats/parse';\nimport { readFileSync } from 'node:fs';\nexport const read = (p: string) => parse(readFileSync(p, 'utf8'));\n",
      'src/runs/solve.ts': "import { client } from '../model/client';\nimport { read } from '../io/read';\nexport const solve = () => [client(), read('x')];\n",
      'src/runs/contract.ts': "import type { Trace } from '../core/trace';\nexport type RunEvent = { trace: Trace };\n",
      'src/shared/protocol.ts': "import type { RunEvent } from '../runs/contract';\nexport type Message = { event: RunEvent };\n",
      'src/cli/main.ts': "import { solve } from '../runs/solve';\nsolve();\n",
      'src/extension/extension.ts':
        "import * as vscode from 'vscode';\nimport { solve } from '../runs/solve';\nimport type { Message } from '../shared/protocol';\nexport const activate = (m: Message) => [vscode.window, solve(), m];\n",
      'webview/trace/app.ts': "import type { Message } from '../../src/shared/protocol';\nimport type { Trace } from '../../src/core/trace';\nexport const show = (m: Message, t: Trace) => [m, t];\n",
      // A cycle through a type-only import is erased at build time: allowed.
      'src/runs/host.ts': "export type Host = { name: string };\nexport const load = async () => (await import('./command')).run;\n",
      'src/runs/command.ts': "import type { Host } from './host';\nexport const run = (h: Host) => h.name;\n",
      // Violations, one per rule (the a <-> b cycle: one value import, one dynamic import).

      'src/core/uses-vscode.ts': "import * as vscode from 'vscode';\nexport const w = vscode.window;\n",
      'src/core/uses-node.ts': "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
      'src/core/upward.ts': "import { client } from '../model/client';\nexport const c = client;\n",
      'src/formats/upward.ts': "import { read } from '../io/read';\nexport const r = read;\n",
      'src/io/uses-ollama.ts': "import { Ollama } from 'ollama';\nexport const o = new Ollama();\n",
      'src/runs/uses-extension.ts': "import { activate } from '../extension/extension';\nexport const a = activate;\n",
      'src/runs/cycle-a.ts': "import { b } from './cycle-b';\nexport const a = (): number => b() + 1;\n",
      'src/runs/cycle-b.ts': "export const b = (): number => 0;\nexport const later = async () => (await import('./cycle-a')).a;\n",
      'src/formats/uses-node.ts': "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
      'src/shared/uses-node.ts': "import { join } from 'node:path';\nexport const j = join;\n",
      'src/cli/uses-shared.ts': "import type { Message } from '../shared/protocol';\nexport type M = Message;\n",
      'webview/trace/uses-runs.ts': "import type { RunEvent } from '../../src/runs/contract';\nexport type E = RunEvent;\n",
      'webview/trace/uses-core-value.ts': "import { now } from '../../src/core/trace';\nexport const n = now();\n",
      'webview/trace/uses-node.ts': "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
    });

    const violations = lint(dir, ['src', 'webview']);
    const got = violations.map((v) => `${v.rule}: ${v.from} -> ${v.to}`).sort();
    const expected = [
      'core-is-pure: src/core/uses-vscode.ts -> node_modules/@types/vscode/index.d.ts',
      'vscode-only-in-extension: src/core/uses-vscode.ts -> node_modules/@types/vscode/index.d.ts',
      'core-no-node-builtins: src/core/uses-node.ts -> fs',
      'formats-no-node-builtins: src/formats/uses-node.ts -> fs',
      'shared-no-node-builtins: src/shared/uses-node.ts -> path',
      'no-upward-from-core: src/core/upward.ts -> src/model/client.ts',
      'no-upward-from-formats: src/formats/upward.ts -> src/io/read.ts',
      'ollama-only-in-model: src/io/uses-ollama.ts -> node_modules/ollama/dist/index.cjs',
      'no-upward-from-runs: src/runs/uses-extension.ts -> src/extension/extension.ts',
      'cli-not-extension: src/cli/uses-shared.ts -> src/shared/protocol.ts',
      'shared-only-for-extension-and-webview: src/cli/uses-shared.ts -> src/shared/protocol.ts',
      'webview-imports-webview-shared-core-types: webview/trace/uses-runs.ts -> src/runs/contract.ts',
      'webview-core-types-only: webview/trace/uses-core-value.ts -> src/core/trace.ts',
      'webview-no-node: webview/trace/uses-node.ts -> fs',
    ];
    const cycles = got.filter((v) => v.startsWith('no-circular: '));
    assert.equal(cycles.length, 1, `the a <-> b cycle is reported once: ${got.join('\n')}`);
    assert.ok(cycles.every((c) => /src\/runs\/cycle-[ab]\.ts -> src\/runs\/cycle-[ab]\.ts/.test(c)), cycles.join('\n'));
    assert.deepEqual(
      got.filter((v) => !v.startsWith('no-circular: ')),
      expected.sort(),
      'every violation reported, no clean file flagged',
    );
    // What `npm run lint` runs (the default text report) fails the command.
    const asRun = spawnSync(process.execPath, [depcruise, 'src/runs', '--config', '.dependency-cruiser.cjs'], { cwd: dir, encoding: 'utf8' });
    assert.notEqual(asRun.status, 0, asRun.stdout + asRun.stderr);
    assert.match(asRun.stdout, /error no-circular: src\/runs\/cycle-[ab]\.ts/);
  });
});

/** Compiles `files` with a copy of one real layer tsconfig; returns tsc's diagnostics. */
function typecheckLayer(layerConfig: string, files: Record<string, string>, extra: string[] = []): { status: number | null; output: string } {
  let result = { status: null as number | null, output: '' };
  withTempDir('rl-tsc-', (dir) => {
    const layerDir = dirname(layerConfig);
    copyFileSync(join(repoRoot, 'tsconfig.base.json'), join(dir, 'tsconfig.base.json'));
    mkdirSync(join(dir, layerDir), { recursive: true });
    // The copy keeps every compiler option of the layer; its references are dropped (the files here import nothing).
    const config = JSON.parse(readFileSync(join(repoRoot, layerConfig), 'utf8')) as { references?: unknown };
    delete config.references;
    writeFileSync(join(dir, layerConfig), JSON.stringify(config));
    for (const f of extra) copyFileSync(join(repoRoot, f), join(dir, f));
    writeTree(dir, files);
    // Emit (declarations only: the layers are composite projects) goes to the temp dir, not to the
    // project's node_modules/.cache; no references are built because the files import nothing.
    const out = join(dir, 'out');
    const r = spawnSync(
      process.execPath,
      [tsc, '-p', join(dir, layerConfig), '--outDir', out, '--tsBuildInfoFile', join(out, 'build.tsbuildinfo'), '--pretty', 'false'],
      { cwd: dir, encoding: 'utf8' },
    );
    result = { status: r.status, output: r.stdout + r.stderr };
  });
  return result;
}

test('core compiles without DOM or Node types: document, process and Buffer are errors, performance.now() is not', { timeout: 120_000 }, () => {
  const { status, output } = typecheckLayer(
    'src/core/tsconfig.json',
    {
      'src/core/clock.ts': 'export const elapsed = (since: number): number => performance.now() - since;\n',
      'src/core/uses-dom.ts': 'export const title = (): string => document.title;\n',
      'src/core/uses-node.ts': 'export const home = (): string | undefined => process.env.HOME;\nexport const bytes = Buffer.from("x");\n',
    },
    ['src/core/env.d.ts'],
  );
  assert.notEqual(status, 0, output);
  assert.match(output, /src\/core\/uses-dom\.ts\(1,\d+\): error TS2584: Cannot find name 'document'/);
  assert.match(output, /src\/core\/uses-node\.ts\(1,\d+\): error TS25(80|91): Cannot find name 'process'/);
  assert.match(output, /src\/core\/uses-node\.ts\(2,\d+\): error TS25(80|91): Cannot find name 'Buffer'/);
  assert.doesNotMatch(output, /clock\.ts/, 'performance.now() is allowed in core (declared in src/core/env.d.ts)');
  assert.equal(output.match(/error TS/g)?.length, 3, output);
});

test('the webview compiles with DOM and without Node types', { timeout: 120_000 }, () => {
  const { status, output } = typecheckLayer('webview/tsconfig.json', {
    'webview/trace/dom.ts': "export const root = (): HTMLElement | null => document.getElementById('root');\n",
    'webview/trace/uses-node.ts': 'export const cwd = (): string => process.cwd();\n',
  });
  assert.notEqual(status, 0, output);
  assert.match(output, /webview\/trace\/uses-node\.ts\(1,\d+\): error TS25(80|91): Cannot find name 'process'/);
  assert.doesNotMatch(output, /dom\.ts/, output);
  assert.equal(output.match(/error TS/g)?.length, 1, output);
});
