// Runs the node:test suites (core, model, runs, cli, dataset, formats, webview) under tsx.
// Usage: node scripts/run-tests.mjs [filter-substring...]
// The extension-host and Playwright suites run with `npm run test:e2e`.
//
// Files run TEST_CONCURRENCY at a time (default 4): node's default on two cores is one file at a
// time, and most files wait on child processes, local servers or Chromium rather than compute.
// At the end: the test count, the slowest files, and, under CI (CI=true), a failure when any
// test was skipped or left todo, so a run cannot pass on nothing.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const skipDirs = new Set(['extension', 'e2e', 'fixtures', 'support']);
const underCI = /^(1|true|yes)$/i.test(process.env.CI ?? '');
const concurrency = Number(process.env.TEST_CONCURRENCY ?? 4);

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (!skipDirs.has(name)) out.push(...find(p));
    } else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = find(join(root, 'test'))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const tmp = mkdtempSync(join(tmpdir(), 'rl-tests-'));
const summaryFile = join(tmp, 'summary.json');
const started = Date.now();
const r = spawnSync(
  process.execPath,
  [
    '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`,
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts/test-summary-reporter.mjs')}`, `--test-reporter-destination=${summaryFile}`,
    ...files,
  ],
  { cwd: root, stdio: 'inherit' },
);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
let summary;
try {
  summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
} catch {
  summary = undefined;
}
rmSync(tmp, { recursive: true, force: true });
if (!summary) {
  console.error(`run-tests: no summary from the test runner (exit ${r.status ?? r.signal})`);
  process.exit(r.status || 1);
}
const t = summary.totals;
const slowest = Object.entries(summary.fileMs)
  .sort((a, b) => b[1] - a[1])
  .slice(0, 5)
  .map(([f, ms]) => `${relative(root, f)} ${(ms / 1000).toFixed(1)}s`);
console.log(
  `\nrun-tests: ${t.tests} tests in ${files.length} files: ${t.pass} passed, ${t.fail} failed, ${t.skipped} skipped, ${t.todo} todo, ${t.cancelled} cancelled; ${seconds}s wall, ${concurrency} files at a time`,
);
console.log(`run-tests: slowest files (sum of their tests): ${slowest.join(', ')}`);
let status = r.status ?? 1;
if (underCI && (summary.skipped.length > 0 || summary.todo.length > 0)) {
  console.error(`run-tests: CI=true and ${summary.skipped.length} test(s) skipped, ${summary.todo.length} todo; CI cannot pass on skipped tests:`);
  for (const s of [...summary.skipped, ...summary.todo]) console.error(`  - ${relative(root, s)}`);
  status = 1;
}
process.exit(status);
