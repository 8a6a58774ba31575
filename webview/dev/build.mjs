// Builds only the webview bundle (same options as scripts/build.mjs), for the dev harness
// and benchmarks when the rest of the tree does not build. Usage: node webview/dev/build.mjs [--production]
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { katexWoff2Only } from '../build-plugins.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const production = process.argv.includes('--production');
mkdirSync(join(root, 'dist/webview'), { recursive: true });
for (const f of ['codicon.css', 'codicon.ttf']) cpSync(join(root, 'node_modules/@vscode/codicons/dist', f), join(root, 'dist/webview', f));
const result = await esbuild.build({
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
  entryPoints: { main: 'webview/trace/main.ts', dataset: 'webview/dataset/main.ts', compare: 'webview/compare/main.ts' },
  outdir: 'dist/webview',
  platform: 'browser',
  format: 'iife',
  target: ['chrome114'],
  loader: { '.woff2': 'file', '.woff': 'file', '.ttf': 'file' },
  assetNames: 'assets/[name]-[hash]',
  metafile: true,
  plugins: [katexWoff2Only],
});
const outputs = Object.entries(result.metafile.outputs).filter(([f]) => !f.endsWith('.map'));
const total = outputs.reduce((n, [, o]) => n + o.bytes, 0);
console.log(`webview bundle: ${outputs.length} files, ${(total / 1024).toFixed(0)} KiB`);
