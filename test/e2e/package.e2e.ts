/**
 * `npm run package` produces a small, bundled .vsix: no node_modules, sources, tests or
 * source maps; under 5 MB. Packs into .e2e/ with the same vsce command and checks the list.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './harness';

const vsce = path.join(repoRoot, 'node_modules/.bin/vsce');
const MAX_BYTES = 5 * 1024 * 1024;

test('the .vsix is bundled, holds only runtime files, and is under 5 MB', { timeout: 5 * 60_000 }, () => {
  execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { cwd: repoRoot, stdio: 'inherit' });
  const files = execFileSync(vsce, ['ls', '--no-dependencies'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('=>'));
  const forbidden = files.filter((f) => /(^|\/)node_modules\/|^src\/|^test\/|^webview\/|^scripts\/|\.map$|\.ts$|^\.e2e|^test-artifacts/.test(f));
  assert.deepEqual(forbidden, [], `must not ship: ${forbidden.join(', ')}`);
  for (const needed of ['package.json', 'dist/extension.js', 'dist/webview/main.js', 'dist/webview/main.css', 'dist/webview/dataset.js', 'dist/webview/codicon.css', 'dist/webview/codicon.ttf', 'LICENSE']) {
    assert.ok(files.includes(needed), `ships ${needed}`);
  }
  const out = path.join(repoRoot, '.e2e', 'reasoning-lens-test.vsix');
  // Same flags as `npm run package` (the repository URL is a placeholder, so README links stay relative).
  execFileSync(vsce, ['package', '--no-dependencies', '--no-rewrite-relative-links', '-o', out], { cwd: repoRoot, stdio: 'inherit' });
  const size = statSync(out).size;
  console.log(`vsix: ${files.length} files, ${(size / 1024).toFixed(0)} KB (limit ${MAX_BYTES / 1024 / 1024} MB)`);
  assert.ok(size < MAX_BYTES, `${size} bytes`);
  // Leave a development build behind for the other e2e suites (source maps help their traces).
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, stdio: 'inherit' });
});
