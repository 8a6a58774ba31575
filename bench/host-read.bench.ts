/**
 * The extension host's longest event-loop stall while it opens a big trace output (issue 12
 * item 3; goal < 50 ms), and how soon the dataset view's first page is ready. Runs the host-side
 * code the extension runs (src/extension/dataset/*, src/extension/trace/*) outside VS Code, in
 * plain Node, on a file of 10,000 real annotated traces (Thought Anchors MATH, repeated with new
 * ids; ≈177 MB, the size of the dataset output measured at ~5.7 s in the issue), the payload
 * worker bundled as the extension ships it. Rows, each measured in this one run:
 * - "before issue 12": the whole file read, split and parsed in one synchronous call;
 * - "dataset view before": the view at BASE_COMMIT (worker built from that commit's sources:
 *   the schema compiled at run time in the worker, a first page of 200 from the worker, the whole
 *   table posted in one message);
 * - "dataset view now": what ships (datasetView.ts readIndexed): the first FIRST_PAGE traces read
 *   on the host while the worker starts, the rows streamed to the page in pages (RowPager), then
 *   the report over all;
 * - the trace editor's two paths; the post of a finished table, whole and in pages; the floor
 *   (3 s of nothing: what the machine's other load alone causes);
 * - then the dataset view's open again, PRIORITY_PAIRS times each way in alternating order: the
 *   worker thread at the host's priority (what ships) and at the lowest (nice 19, set from inside
 *   the worker: niceWorker), with a floor after each pair.
 * Every row also gives the host thread's time runnable but waiting for a core (Linux schedstat
 * run_delay) and the host's own GC pauses (PerformanceObserver 'gc'), including how much of the
 * timer's longest gap was one.
 * Each message to the page is JSON.stringify'd, as webview.postMessage does on the host. Stalls
 * are perf_hooks.monitorEventLoopDelay (max) and a 1 ms timer's longest gap; "heap held" is the
 * host's heap after a full GC with the result still referenced, minus the heap before. Below
 * the table: the first schema validation of fresh processes (run-time compile vs the generated
 * validator) and the worker's start-up.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { datasetPayload } from '../src/extension/dataset/rows';
import { parseTraceText } from '../src/extension/trace/traceFiles';
import { indexTraceFile } from '../src/extension/trace/traceReader';
import { listItem, OffsetTraceList } from '../src/extension/trace/traceList';
import { runDatasetJob } from '../src/runs/dataset/job';
import { indexedTraceList, runPayloadWorker } from '../src/extension/dataset/payloadInWorker';
import { FIRST_PAGE, RowPager } from '../src/extension/dataset/rowPages';
import { DATASET_PAGE_ROWS } from '../src/shared/dataset-protocol';
import { measure, niceWorker, openDatasetView, type DatasetOpen, type Stall } from './dataset-open';
import { annotateTrace } from '../src/core/annotate';
import { computeReport } from '../src/core/report';

const sharedData = resolve(__dirname, '..', '../shared/data');
const COUNT = Number(process.env.HOST_READ_TRACES ?? 10_000);
/** Opens of the dataset view with the worker at each priority (alternating order); HOST_READ_ONLY=priority runs only those (after one warm-up open). */
const PRIORITY_PAIRS = Number(process.env.HOST_READ_PAIRS ?? 3);
/** Fresh processes that each open the dataset view once (the first open after VS Code starts); HOST_READ_ONLY=fresh runs only those. */
const FRESH_OPENS = Number(process.env.HOST_READ_FRESH ?? 5);

function row(what: string, s: Stall): string {
  const first = s.firstPageMs !== undefined ? s.firstPageMs.toFixed(0) : '–';
  const held = s.heldMb !== undefined ? Math.max(0, s.heldMb).toFixed(0) : '–';
  return `| ${what} | ${s.totalMs.toFixed(0)} | ${first} | ${s.loopDelayMaxMs.toFixed(1)} | ${s.timerGapMaxMs.toFixed(1)} | ${queued(s)} | ${gcs(s)} | ${held} |`;
}
const stall = (s: Stall) => Math.max(s.loopDelayMaxMs, s.timerGapMaxMs);
const queued = (s: Stall) => (s.runQueueMs !== undefined ? `${s.runQueueMs.toFixed(0)} (${((100 * s.runQueueMs) / s.totalMs).toFixed(0)}%)` : '–');
const gcs = (s: Stall) => `${s.gc.count} / ${s.gc.maxMs.toFixed(0)} / ${s.gc.inLongestGapMs.toFixed(0)}`;

/**
 * The first schema validation of a fresh process (what the first trace a new extension host
 * validates pays), each way in its own Node process running an esbuild bundle as the extension
 * does: "before" compiles the schema with ajv at run time as src/core/schema.ts did, "after"
 * loads the validator generated at build time (src/core/trace-validator.generated.ts). Time from
 * the require() of the module to the end of the first validation, ms, one value per process.
 */
async function firstValidation(dir: string, sample: unknown, runs = 5): Promise<{ before: number[]; after: number[] }> {
  const sampleFile = join(dir, 'sample.json');
  writeFileSync(sampleFile, JSON.stringify(sample));
  const root = resolve(__dirname, '..');
  const entries = {
    before: `const Ajv = require('ajv').default; const schema = require(${JSON.stringify(join(root, 'schema/trace.v2.schema.json'))}); const validate = new Ajv({ allErrors: true, strict: true, verbose: true }).compile(schema); if (!validate(value)) throw new Error('invalid');`,
    after: `const { validateTrace } = require(${JSON.stringify(join(root, 'src/core/schema.ts'))}); if (!validateTrace(value).ok) throw new Error('invalid');`,
  };
  const out = { before: [] as number[], after: [] as number[] };
  for (const [name, body] of Object.entries(entries) as ['before' | 'after', string][]) {
    const outfile = join(dir, `first-validation-${name}.js`);
    await build({
      stdin: { contents: `const value = JSON.parse(require('node:fs').readFileSync(${JSON.stringify(sampleFile)}, 'utf8')); const t0 = performance.now(); ${body} console.log(performance.now() - t0);`, resolveDir: root, loader: 'js' },
      outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning',
    });
    for (let i = 0; i < runs; i++) {
      const r = spawnSync(process.execPath, [outfile], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
      out[name].push(Number(r.stdout.trim()));
    }
  }
  return out;
}

/**
 * The dataset view's first open in fresh processes: bench/dataset-open-fresh.ts bundled with
 * esbuild as the extension is (so nothing is compiled before the open but what a new extension
 * host has compiled), one open per new Node process. Each open's measurement, in order.
 */
async function freshOpens(dir: string, file: string, workerBundle: string, runs: number): Promise<DatasetOpen[]> {
  const outfile = join(dir, 'dataset-open-fresh.js');
  await build({ entryPoints: [resolve(__dirname, 'dataset-open-fresh.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  const opens: DatasetOpen[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, [outfile, file, workerBundle], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`the fresh open failed: ${r.stderr}`);
    opens.push(JSON.parse(r.stdout.trim().split('\n').pop()!) as DatasetOpen);
  }
  return opens;
}

/** The commit before this session's three fixes (paged post, generated validator, first page on the host). */
const BASE_COMMIT = '445608c';

/** The payload worker as the extension ships it (one bundled file), from the working tree or from BASE_COMMIT's sources. */
async function workerBundle(dir: string, from: 'now' | 'base'): Promise<string> {
  const root = resolve(__dirname, '..');
  let src = root;
  if (from === 'base') {
    src = join(dir, 'base');
    mkdirSync(src, { recursive: true });
    const archive = spawnSync('git', ['archive', BASE_COMMIT, 'src', 'schema', 'tsconfig.base.json'], { cwd: root, maxBuffer: 1 << 28 });
    if (archive.status !== 0) throw new Error(`git archive ${BASE_COMMIT}: ${archive.stderr}`);
    const untar = spawnSync('tar', ['-x', '-C', src], { input: archive.stdout });
    if (untar.status !== 0) throw new Error(`tar: ${untar.stderr}`);
  }
  const outfile = join(dir, `payloadWorker-${from}.js`);
  await build({ entryPoints: [join(src, 'src/extension/dataset/payloadWorker.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning', nodePaths: [join(root, 'node_modules')] });
  return outfile;
}

/** Worker start-up, ms: a worker thread that only answers, and one that loads `bundle` (module evaluation, no job) and answers. */
async function workerStart(bundle?: string): Promise<number> {
  const t0 = performance.now();
  const worker = new Worker(`${bundle ? `require(${JSON.stringify(bundle)});` : ''} require('node:worker_threads').parentPort.postMessage(1);`, { eval: true });
  await new Promise((r) => worker.once('message', r));
  const ms = performance.now() - t0;
  await worker.terminate();
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs: number[]) => `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;

async function main(): Promise<void> {
  if (!existsSync(sharedData)) {
    console.log(`notice: ${sharedData} not found; skipping`);
    return;
  }
  const sample = annotateTrace({ id: 'warm', problem: 'What is 17 + 25?', gold: '42', source: { kind: 'bench' }, raw: '<think>17 + 25 = 42.</think>\\boxed{42}' });
  let t = performance.now();
  computeReport([sample]);
  const firstReportMs = performance.now() - t;
  const dir = mkdtempSync(join(tmpdir(), 'rl-bench-hostread-'));
  try {
    const validation = await firstValidation(dir, JSON.parse(JSON.stringify(sample)));
    const base = join(dir, 'cots.trace.jsonl');
    await runDatasetJob({ input: join(sharedData, 'traces/thought-anchors-cots-math'), output: base, report: false });
    const lines = readFileSync(base, 'utf8').trim().split('\n');
    const file = join(dir, `n${COUNT}.trace.jsonl`);
    const text = Array.from({ length: COUNT }, (_, i) => {
      const t = JSON.parse(lines[i % lines.length]) as { id: string };
      t.id = `${t.id}-${i}`;
      return JSON.stringify(t);
    }).join('\n') + '\n';
    writeFileSync(file, text);
    const mb = (Buffer.byteLength(text) / 1e6).toFixed(0);
    const workerNow = await workerBundle(dir, 'now');
    const workerBase = await workerBundle(dir, 'base');
    const starts = { empty: [] as number[], base: [] as number[], now: [] as number[] };
    for (let i = 0; i < 3; i++) {
      starts.empty.push(await workerStart());
      starts.base.push(await workerStart(workerBase));
      starts.now.push(await workerStart(workerNow));
    }
    const where = { file, name: 'x' };
    const middle = Math.floor(COUNT / 2);
    // What ships now (datasetView.ts readIndexed): the worker starts, the host reads the first 50
    // traces itself meanwhile; the rows go to the page through the RowPager (pages of
    // DATASET_PAGE_ROWS, one per turn) as the worker indexes them, then the report over all.
    let pages = { messages: 0, largestPage: 0 };
    let nowRows = 0;
    const openView = async (nice19 = false) => {
      const open = await openDatasetView(file, workerNow, { nice19 });
      [pages, nowRows] = [open.pages, open.rows];
      return open.stall;
    };
    const priorityTable = async () => {
      // The worker thread's priority: the dataset view opened again with the worker at the host's
      // priority and at nice 19 (what ships on Linux), alternating which goes first, with a floor
      // after each pair; the load changes from minute to minute, so only runs side by side compare.
      const load = loadavg()[0];
      const byPriority = { normal: [] as Stall[], low: [] as Stall[], floor: [] as Stall[] };
      for (let i = 0; i < PRIORITY_PAIRS; i++) {
        for (const low of i % 2 === 0 ? [false, true] : [true, false]) byPriority[low ? 'low' : 'normal'].push(await openView(low));
        byPriority.floor.push(await measure(() => new Promise((r) => setTimeout(r, 2000))));
      }
      console.log(`\nThe worker thread's priority: the dataset view opened ${PRIORITY_PAIRS} times each way, alternating (load average ${load.toFixed(1)} → ${loadavg()[0].toFixed(1)}). Each cell: total / **longest stall** / host waiting for a core (share of total) / host GC pauses: count / longest / how much of the longest gap was GC (ms)\n`);
      console.log(`| pair | worker at the host's priority (ships) | worker thread at nice 19 | floor: 2 s of nothing, longest stall / waiting |`);
      console.log('|---|---|---|---|');
      const cell = (s: Stall) => `${s.totalMs.toFixed(0)} / **${stall(s).toFixed(0)}** / ${queued(s)} / ${gcs(s)}`;
      for (let i = 0; i < PRIORITY_PAIRS; i++) console.log(`| ${i + 1}${i % 2 === 0 ? '' : ' (nice 19 first)'} | ${cell(byPriority.normal[i])} | ${cell(byPriority.low[i])} | ${stall(byPriority.floor[i]).toFixed(0)} / ${queued(byPriority.floor[i])} |`);
      const med = (xs: Stall[], f: (s: Stall) => number) => median(xs.map(f));
      const share = (s: Stall) => (s.runQueueMs ?? NaN) / s.totalMs;
      const [stallN, stallL] = [med(byPriority.normal, stall), med(byPriority.low, stall)];
      const [shareN, shareL] = [med(byPriority.normal, share), med(byPriority.low, share)];
      console.log(`| median | **${stallN.toFixed(0)}** ms, waiting ${(100 * shareN).toFixed(0)}% | **${stallL.toFixed(0)}** ms (${(stallL / stallN).toFixed(2)}×), waiting ${(100 * shareL).toFixed(0)}% (${(shareL / shareN).toFixed(2)}×) | ${med(byPriority.floor, stall).toFixed(0)} |`);
    };
    const freshTable = async () => {
      // The first open after VS Code starts: nothing of the read compiled yet (the rows above ran
      // in this process after a warm-up; a fresh extension host has not).
      const load = loadavg()[0];
      const opens = await freshOpens(dir, file, workerNow, FRESH_OPENS);
      console.log(`\nThe dataset view's first open in a fresh process (bench/dataset-open-fresh.ts bundled as the extension is; one open per new Node process; load average ${load.toFixed(1)} → ${loadavg()[0].toFixed(1)}). Each cell: total / first page / **longest stall** / host waiting for a core (share of total) / host GC pauses: count / longest / how much of the longest gap was GC (ms)\n`);
      console.log('| process | first open |');
      console.log('|---|---|');
      opens.forEach((o, i) => console.log(`| ${i + 1} | ${o.stall.totalMs.toFixed(0)} / ${o.stall.firstPageMs?.toFixed(0) ?? '–'} / **${stall(o.stall).toFixed(0)}** / ${queued(o.stall)} / ${gcs(o.stall)} |`));
      console.log(`| median | ${median(opens.map((o) => o.stall.totalMs)).toFixed(0)} / ${median(opens.map((o) => o.stall.firstPageMs ?? NaN)).toFixed(0)} / **${median(opens.map((o) => stall(o.stall))).toFixed(0)}** |`);
    };
    if (process.env.HOST_READ_ONLY === 'fresh') {
      await freshTable();
      return;
    }
    if (process.env.HOST_READ_ONLY === 'priority') {
      await openView(); // warm-up, not shown (the full run's earlier rows warm the same code)
      await priorityTable();
      console.log(`load average after: ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (2 cores)`);
      return;
    }
    console.log(`\nExtension host, opening ${COUNT} traces (${mb} MB), plain Node running the host's code (ms; heap MB); load average before: ${loadavg().map((l) => l.toFixed(1)).join(' / ')}\n`);
    console.log('| path | total | first page | event-loop delay max | 1 ms timer longest gap | host waiting for a core (share of total) | host GC pauses: count / longest / within the longest gap | heap held |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
    const before = await measure(() => {
      const loaded = parseTraceText(readFileSync(file, 'utf8'), `n${COUNT}.trace.jsonl`);
      JSON.stringify(datasetPayload(loaded.traces, where));
      return loaded;
    });
    console.log(row('before issue 12: readFile + parseTraceText + payload, one synchronous call (dataset view)', before));

    // The dataset view as it was at BASE_COMMIT: the worker (schema compiled at run time in it)
    // sends the first page at 200 traces; then the whole payload goes to the page in one message.
    let baseRows = 0;
    const viewBase = await measure(async (mark) => {
      const { payload, summary } = await runPayloadWorker(workerBase, { path: file, where, index: true, firstPage: 200 }, {
        onFirstPage: (first) => {
          JSON.stringify(first); // the first page's message
          mark();
        },
      });
      baseRows = payload!.rows.length;
      await new Promise((r) => setImmediate(r));
      JSON.stringify(payload); // the whole table in one postMessage
      const list = indexedTraceList(file, payload!.rows, summary!);
      await list.load(middle); // a row opened
      return { payload, summary, list };
    });
    console.log(row(`dataset view before (${BASE_COMMIT}): first page of 200 from the worker, then the whole ${baseRows}-row payload in one message + one row opened`, viewBase));

    const viewNow = await openView();
    console.log(row(`dataset view now: first ${FIRST_PAGE} traces read on the host while the worker starts, rows streamed in pages (${pages.messages} messages, at most ${pages.largestPage} rows each), ${nowRows} rows + one row opened`, viewNow));

    let openOneMs = 0;
    const editorPlaces = await measure(async () => {
      const index = await indexTraceFile(file, listItem);
      const list = new OffsetTraceList(file, index.places, index.ids, (i) => index.summaries[i], index.stamp, index.digests);
      await new Promise((r) => setImmediate(r));
      const t = performance.now();
      list.at(middle); // the picker's choice, read and parsed when shown
      openOneMs = performance.now() - t;
      return list;
    });
    console.log(row('trace editor, indexed on the host (parse, summarize, drop; yields every 8 ms) + one trace shown (the fallback when the worker fails)', editorPlaces));
    const editorWorker = await measure(async () => {
      const result = await runPayloadWorker(workerNow, { path: file, where, index: true, report: false });
      const list = indexedTraceList(file, result.rows, result.summary!);
      await new Promise((r) => setImmediate(r));
      list.items(); // the picker's entries
      list.at(middle); // the picker's choice, read and parsed when shown
      return list;
    });
    console.log(row('trace editor: the worker indexes the file (no report), the host parses none + one trace shown', editorWorker));

    // The post of a finished read's table alone, both ways, on the same payload.
    const full = (await runPayloadWorker(workerNow, { path: file, where, index: true })).payload!;
    let wholeMs = 0;
    const postWhole = await measure(() => {
      const t = performance.now();
      const json = JSON.stringify({ type: 'dataset', ...full }); // what webview.postMessage does with it on the host
      wholeMs = performance.now() - t;
      return json;
    });
    console.log(row(`post before: the whole ${full.rows.length}-row table in one message (JSON as webview.postMessage makes it)`, postWhole));
    let pageMaxMs = 0;
    const postPaged = await measure(async () => {
      const pager = new RowPager({
        post: (m) => {
          const t = performance.now();
          JSON.stringify(m);
          pageMaxMs = Math.max(pageMaxMs, performance.now() - t);
          return true;
        },
      });
      pager.show(full);
      while (!pager.done) await new Promise((r) => setImmediate(r));
      return pager;
    });
    console.log(row(`post now: the same table in pages of ${DATASET_PAGE_ROWS} rows, one per turn (RowPager)`, postPaged));
    const idle = await measure(() => new Promise((r) => setTimeout(r, 3000)));
    console.log(row('floor: the same 3 s with nothing to do (other load on the machine)', idle));

    await freshTable();
    await priorityTable();
    console.log(`\none trace read from its place and parsed (synchronously, as a trace view shows it): ${openOneMs.toFixed(1)} ms`);
    console.log(`serializing the table: whole ${wholeMs.toFixed(0)} ms in one piece; largest page ${pageMaxMs.toFixed(1)} ms`);
    console.log(`first schema validation of a fresh process (load + first call, ms, median (min–max) of ${validation.before.length} processes): before (ajv compiles the schema) ${range(validation.before)}; now (validator generated at build time) ${range(validation.after)}`);
    console.log(`worker start-up until it answers (ms, median (min–max) of 3): empty worker ${range(starts.empty)}; loading the ${BASE_COMMIT} bundle ${range(starts.base)}; loading today's bundle ${range(starts.now)}`);
    console.log(`the first computeReport call ${firstReportMs.toFixed(0)} ms`);
    console.log(`load average after: ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (2 cores)`);
    console.log(`goal: longest stall < 50 ms (before issue 12: ${before.timerGapMaxMs.toFixed(0)} ms)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
