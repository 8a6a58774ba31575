// Runs the node:test suites (core, model, runs, cli, dataset, formats, webview) under tsx.
// Usage: node scripts/run-tests.mjs [filter-substring...]
// The extension-host and Playwright suites run with `npm run test:e2e`.
//
// Where the time went (two cores): one tsx process per test file costs about 1.2 s of CPU to
// start (51 files: about a minute of CPU), node runs one file at a time on two cores, and the
// real traces were read and split again in every file that uses them. So the files are packed
// into TEST_CONCURRENCY lanes (default 3), each lane one process that imports its files in turn
// (their tests run in the same order and count as before), balanced by the time each file took
// last time (node_modules/.cache/reasoning-lens/test-times.json; file size the first time).
// TEST_ISOLATION=process runs one process per file instead, to rule out an interaction.
//
// At the end: the test count, the slowest files, and, under CI (CI=true), a failure when any
// test was skipped or left todo, so a run cannot pass on nothing.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const skipDirs = new Set(['extension', 'e2e', 'fixtures', 'support']);
const underCI = /^(1|true|yes)$/i.test(process.env.CI ?? '');
const concurrency = Math.max(1, Number(process.env.TEST_CONCURRENCY ?? 3));
const perProcess = process.env.TEST_ISOLATION === 'process';
const timesFile = join(root, 'node_modules/.cache/reasoning-lens/test-times.json');

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

function readTimes() {
  try {
    return JSON.parse(readFileSync(timesFile, 'utf8'));
  } catch {
    return {};
  }
}

/** Longest-first into the lightest lane: lanes of about equal expected time. */
function packLanes(files, times, lanes) {
  const weight = (f) => times[f] ?? statSync(join(root, f)).size / 10; // ~10 bytes of test per ms, a guess until measured
  const out = Array.from({ length: Math.min(lanes, files.length) }, () => ({ files: [], ms: 0 }));
  for (const f of [...files].sort((a, b) => weight(b) - weight(a))) {
    const lane = out.reduce((a, b) => (b.ms < a.ms ? b : a));
    lane.files.push(f);
    lane.ms += weight(f);
  }
  for (const lane of out) lane.files.sort();
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
let targets = files;
if (!perProcess) {
  targets = packLanes(files, readTimes(), concurrency).map((lane, i) => {
    const entry = join(tmp, `lane-${i + 1}.test.ts`);
    writeFileSync(entry, lane.files.map((f) => `import ${JSON.stringify(join(root, f))};\n`).join(''));
    return entry;
  });
}
const started = Date.now();
const r = spawnSync(
  process.execPath,
  [
    '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`,
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts/test-summary-reporter.mjs')}`, `--test-reporter-destination=${summaryFile}`,
    ...targets,
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
const fileMs = Object.fromEntries(Object.entries(summary.fileMs).map(([f, ms]) => [relative(root, f), Math.round(ms)]));
const t = summary.totals;
// Times of a clean run only: skipped or failed files finish early and would mislead the packing.
if (t.fail === 0 && t.skipped === 0 && t.cancelled === 0) {
  try {
    mkdirSync(dirname(timesFile), { recursive: true });
    writeFileSync(timesFile, JSON.stringify({ ...readTimes(), ...fileMs }, null, 1));
  } catch {
    // only a scheduling hint
  }
}
const slowest = Object.entries(fileMs)
  .sort((a, b) => b[1] - a[1])
  .slice(0, 5)
  .map(([f, ms]) => `${f} ${(ms / 1000).toFixed(1)}s`);
console.log(
  `\nrun-tests: ${t.tests} tests in ${files.length} files: ${t.pass} passed, ${t.fail} failed, ${t.skipped} skipped, ${t.todo} todo, ${t.cancelled} cancelled; ` +
    `${seconds}s wall, ${perProcess ? `one process per file, ${concurrency} at a time` : `${targets.length} lanes`}`,
);
console.log(`run-tests: slowest files (sum of their tests): ${slowest.join(', ')}`);
let status = r.status ?? 1;
if (underCI && (summary.skipped.length > 0 || summary.todo.length > 0)) {
  console.error(`run-tests: CI=true and ${summary.skipped.length} test(s) skipped, ${summary.todo.length} todo; CI cannot pass on skipped tests:`);
  for (const s of [...summary.skipped, ...summary.todo]) console.error(`  - ${relative(root, s)}`);
  status = 1;
}
process.exit(status);
