/**
 * The trace view's issue-12 budgets in the dev harness (headless Chromium, strict CSP, no VS
 * Code around it), with bundles compared in the same run: by default the working tree's
 * webview against the one at git HEAD (`BASE_REF` to change it, `BASE_REF=none` for the working
 * tree alone). For each of the 1,000- and 10,000-episode traces built from real Sky-T1 text
 * (test/e2e/largeTrace.ts) and each bundle: first card after the page receives the 'load'
 * message, then a scripted scroll top to bottom (400 px per frame, as `bench:e2e`), beside a
 * plain page of the same paragraphs scrolled in the same browser. Rounds alternate the
 * variants so the machine's load falls on all of them. `PROFILE=1` also records a Chromium
 * trace of each scroll and prints where the main thread's time went.
 * Needs /usr/bin/chromium and ../shared/data; prints a notice and exits 0 without them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Trace } from '../src/core/trace';
import { packTrace } from '../src/shared/wire-trace';
import { CHROMIUM_ARGS } from '../webview/dev/chromium';
import { buildLargeTrace, fillWithParagraphs, scriptedScroll, SCROLL_STEP_PX, summarizeFrames, type ScrollMeasurement } from '../test/e2e/largeTrace';
import { recordTrace, startLongFrameTrace } from '../test/e2e/longFrames';

const root = resolve(__dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
const VIEWPORT = { width: 1500, height: 950 };
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const SIZES = (process.env.SIZES ?? '1000,10000').split(',').map(Number);
const PROFILE = process.env.PROFILE === '1';
/** LONG_FRAMES=<ms>: also a DevTools trace of each scroll, and for every frame longer than <ms> what the page's main thread did in it. */
const LONG_FRAMES = Number(process.env.LONG_FRAMES ?? 0);
/** HEAP_CHURN=1 (with LONG_FRAMES): forced collections before and after each scroll, and the heap the scroll allocated between them (V8's and Blink's). */
const HEAP_CHURN = process.env.HEAP_CHURN === '1';
/** HEAP_SAMPLE=1: where the view's JavaScript allocated during each scroll (DevTools' sampling heap profiler; MINIFY=0 for names). */
const HEAP_SAMPLE = process.env.HEAP_SAMPLE === '1';
/**
 * LOAD_CPU=1: also the renderer main thread's CPU time for the load (a DevTools trace around it):
 * on a machine shared with other jobs the first card's wall time swings several-fold with the
 * load, the CPU time the page spent much less.
 */
const LOAD_CPU = process.env.LOAD_CPU === '1';
/** PACKED=0: the working tree's page gets the full trace too. */
const PACKED = process.env.PACKED !== '0';
/** Frames per scroll (the page and the plain page alike): the whole list by default; fewer on a loaded machine (1,000 episodes take ~150). */
const MAX_FRAMES = Number(process.env.MAX_FRAMES ?? 4000);
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.ttf': 'font/ttf', '.woff2': 'font/woff2' };

/** Builds the trace view's bundle of the tree at `src` into `out` (same esbuild options as webview/dev/build.mjs). */
function buildBundle(src: string, out: string): void {
  const script = `
    const esbuild = require(${JSON.stringify(join(root, 'node_modules/esbuild'))});
    esbuild.build({ bundle: true, minify: ${process.env.MINIFY !== '0'}, logLevel: 'warning', absWorkingDir: ${JSON.stringify(src)}, nodePaths: [${JSON.stringify(join(root, 'node_modules'))}],
      entryPoints: { main: 'webview/trace/main.ts' }, outdir: ${JSON.stringify(out)}, platform: 'browser', format: 'iife', target: ['chrome114'],
      loader: { '.woff2': 'file', '.woff': 'file', '.ttf': 'file' }, assetNames: 'assets/[name]-[hash]' }).catch(() => process.exit(1));`;
  const r = spawnSync(process.execPath, ['-e', script], { stdio: 'inherit', cwd: src });
  if (r.status !== 0) throw new Error(`building the webview of ${src} failed`);
}

/** A copy of the tree at `ref` (only what the webview bundle needs), with node_modules linked. */
function checkout(ref: string): string {
  const dir = join(root, 'dist/bench-trace-scroll/src-base');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const archive = spawnSync('bash', ['-c', `git archive ${ref} webview src media | tar -x -C ${JSON.stringify(dir)}`], { cwd: root, stdio: 'inherit' });
  if (archive.status !== 0) throw new Error(`git archive ${ref} failed`);
  spawnSync('ln', ['-s', join(root, 'node_modules'), join(dir, 'node_modules')]);
  return dir;
}

/** Serves /bundle/<variant>/… from each bundle's folder, /page/<variant>.html (the harness page on that bundle), and the repo root. */
function serve(bundles: Record<string, string>): Promise<{ server: Server; url: string }> {
  const harness = readFileSync(join(root, 'webview/dev/index.html'), 'utf8');
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const page = /^\/page\/([\w-]+)\.html$/.exec(path);
    if (page && bundles[page[1]]) {
      res.writeHead(200, { 'content-type': TYPES['.html'] }).end(harness.replace(/\/dist\/webview\/main\./g, `/bundle/${page[1]}/main.`));
      return;
    }
    const bundle = /^\/bundle\/([\w-]+)\/(.+)$/.exec(path);
    const file = bundle && bundles[bundle[1]] ? join(bundles[bundle[1]], bundle[2]) : join(root, path);
    if (!existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    done({ server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` });
  }));
}

interface ViewRun extends ScrollMeasurement {
  firstCardAfterLoadMs: number;
  /** message event → data read (deserialising); data read → view state built and first cards mounted. */
  phases: { deserialised: number; applied: number };
  /** LOAD_CPU: main-thread CPU time of the tasks from the one that received the load to the one that set the first-card mark. */
  loadCpuMs?: number;
  elementsAtOpen: number;
  profile?: Record<string, number>;
}

/** Opens the harness page on `variant`, delivers the trace, waits for the first card, scrolls. */
async function measureView(browser: Browser, url: string, variant: string, sample: string): Promise<ViewRun> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  try {
    await page.goto(`${url}/page/${variant}.html?sample=none`);
    await page.waitForFunction('document.body.dataset.ready === "true"');
    await page.evaluate(async (name: string) => {
      (window as unknown as { __benchTrace: unknown }).__benchTrace = await (await fetch(`/dist/bench-trace-scroll/${name}.json`)).json();
    }, sample);
    const loadCpu = process.env.CPU_PROFILE === 'load' ? await startCpuProfile(page) : null;
    const loadTrace = LOAD_CPU ? await startLoadTrace(page) : null;
    const phases = await page.evaluate(async () => {
      const trace = (window as unknown as { __benchTrace: unknown }).__benchTrace;
      await new Promise((r) => requestAnimationFrame(r));
      (window as unknown as { __deliver(m: unknown): void }).__deliver({ type: 'load', trace, live: false, settings: { renderMath: true, expandEpisodes: false, showChart: true }, budget: {}, probe: false });
      // Events, not sleeps: each message is one task; the mark comes a painted frame after the first card.
      while (performance.getEntriesByName('rl:first-card-painted').length === 0) await new Promise((r) => requestAnimationFrame(r));
      const [arrived, received, applied, painted] = ['rl:message-arrived', 'rl:load-received', 'rl:load-applied', 'rl:first-card-painted'].map((name) => performance.getEntriesByName(name).at(-1)?.startTime ?? NaN);
      return { total: painted - received, deserialised: received - arrived, applied: applied - received };
    });
    if (loadCpu) console.log(await loadCpu());
    const loadCpuMs = loadTrace ? await loadTrace() : undefined;
    const firstCardAfterLoadMs = phases.total;
    // Let the chart and map draw (they follow the first paint) before scrolling.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0)))));
    if (process.env.INJECT_CSS) await page.evaluate((rules: string) => { const sheet = [...document.styleSheets].find((x) => (x.href ?? '').includes('/main.css'))!; for (const rule of rules.split('}').filter((r) => r.trim())) sheet.insertRule(`${rule}}`, sheet.cssRules.length); }, process.env.INJECT_CSS);
    const elementsAtOpen = await page.evaluate(() => document.getElementsByTagName('*').length);
    const profile = PROFILE ? await startProfile(page) : null;
    const cpu = process.env.CPU_PROFILE === '1' ? await startCpuProfile(page) : null;
    const longFrames = LONG_FRAMES > 0 ? await startLongFrameTrace(await page.context().newCDPSession(page), LONG_FRAMES, HEAP_CHURN ? await page.context().newCDPSession(page) : undefined) : null;
    const sampling = HEAP_SAMPLE ? await startAllocationSampling(page) : null;
    const run = await page.locator('body').evaluate(scriptedScroll, { selector: '.rl-episodes', step: SCROLL_STEP_PX, maxFrames: MAX_FRAMES });
    const scroll = summarizeFrames(run);
    if (sampling) console.log(await sampling());
    if (cpu) console.log(await cpu());
    if (longFrames) console.log(`  view:\n${await longFrames(run.deltas)}`);
    return { ...scroll, firstCardAfterLoadMs, phases, elementsAtOpen, loadCpuMs, ...(profile ? { profile: await profile() } : {}) };
  } finally {
    await page.close();
  }
}

/** Records a DevTools trace; the returned function stops it and sums the main thread's top-level work by kind (ms). */
async function startProfile(page: Page): Promise<() => Promise<Record<string, number>>> {
  const stop = await recordTrace(await page.context().newCDPSession(page), ['devtools.timeline', 'disabled-by-default-devtools.timeline']);
  return async () => {
    const events = await stop();
    const kinds = ['FunctionCall', 'EvaluateScript', 'UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'Layerize', 'Commit', 'RasterTask', 'ParseHTML', 'ResizeObserverCallback', 'FireAnimationFrame', 'MajorGC', 'MinorGC', 'V8.GC_SCAVENGER', 'HitTest', 'UpdateLayerTree', 'IntersectionObserverController::computeIntersections', 'ScrollLayer', 'Decode Image'];
    const layouts = events.filter((e) => e.name === 'Layout' && e.ph === 'X') as unknown as { dur: number; args: { beginData?: { dirtyObjects?: number; totalObjects?: number; partialLayout?: boolean; stackTrace?: { functionName: string }[] } } }[];
    if (layouts.length) {
      const forced = layouts.filter((l) => l.args.beginData?.stackTrace?.length);
      const by = new Map<string, number>();
      for (const l of forced) { const k = l.args.beginData!.stackTrace!.slice(0, 3).map((f) => f.functionName).join('<'); by.set(k, (by.get(k) ?? 0) + l.dur / 1000); }
      console.log(`  layouts ${layouts.length}, forced by script ${forced.length} (${forced.reduce((a, l) => a + l.dur / 1000, 0).toFixed(0)} ms); mean objects ${(layouts.reduce((a, l) => a + (l.args.beginData?.totalObjects ?? 0), 0) / layouts.length).toFixed(0)}, mean dirty ${(layouts.reduce((a, l) => a + (l.args.beginData?.dirtyObjects ?? 0), 0) / layouts.length).toFixed(0)}`);
      console.log(`  forced at: ${[...by].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join('; ')}`);
    }
    if (process.env.PAINT_DETAIL === '1') {
      // Which kinds of trace event the paint and raster time hides: counts and mean CPU by name and node.
      const by = new Map<string, { n: number; cpu: number }>();
      for (const e of events as unknown as { name: string; ph: string; tdur?: number; dur?: number; args?: { data?: { nodeName?: string; nodeId?: number; layerId?: number } } }[]) {
        if (e.ph !== 'X' || !['Paint', 'PrePaint', 'Layout', 'UpdateLayoutTree', 'RasterTask', 'Layerize', 'Commit'].includes(e.name)) continue;
        const key = `${e.name}${e.args?.data?.nodeName ? ` ${e.args.data.nodeName}` : ''}`;
        const v = by.get(key) ?? { n: 0, cpu: 0 };
        v.n++;
        v.cpu += (e.tdur ?? e.dur ?? 0) / 1000;
        by.set(key, v);
      }
      console.log(`  detail: ${[...by].sort((a, b) => b[1].cpu - a[1].cpu).slice(0, 12).map(([k, v]) => `${k} ×${v.n} ${v.cpu.toFixed(0)} ms`).join('; ')}`);
    }
    // Wall time by kind, and under "cpu <kind>" the threads' CPU time (tdur): on a machine shared
    // with other jobs the wall time includes waiting for a core, the CPU time much less so.
    const sums: Record<string, number> = {};
    for (const e of events) {
      if (e.ph !== 'X' || e.dur === undefined || !kinds.includes(e.name)) continue;
      sums[e.name] = (sums[e.name] ?? 0) + e.dur / 1000;
      if (e.tdur !== undefined) sums[`cpu ${e.name}`] = (sums[`cpu ${e.name}`] ?? 0) + e.tdur / 1000;
    }
    return sums;
  };
}

/**
 * Traces the load; the returned function stops and sums the thread CPU time (tdur) of the
 * renderer main thread's tasks that overlap [rl:message-arrived, rl:first-card-painted]: the
 * task that deserialised and applied the load, the frame that painted the first card, and any
 * other task between them (the mark's own task is the first after that frame).
 */
async function startLoadTrace(page: Page): Promise<() => Promise<number>> {
  const stop = await recordTrace(await page.context().newCDPSession(page), ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing']);
  return async () => {
    const events = await stop();
    const mark = (name: string) => events.filter((e) => e.name === name && (e.cat ?? '').includes('user_timing')).at(-1);
    const arrived = mark('rl:message-arrived');
    const painted = mark('rl:first-card-painted');
    if (!arrived || !painted) return NaN;
    const onMain = (e: { pid: number; tid: number }) => e.pid === arrived.pid && e.tid === arrived.tid;
    const name = events.some((e) => e.name === 'RunTask' && onMain(e)) ? 'RunTask' : 'ThreadControllerImpl::RunTask';
    let cpu = 0;
    for (const e of events) {
      if (e.name !== name || e.ph !== 'X' || !onMain(e) || e.dur === undefined) continue;
      if (e.ts <= painted.ts && e.ts + e.dur >= arrived.ts) cpu += (e.tdur ?? e.dur) / 1000;
    }
    return cpu;
  };
}

/**
 * Samples what the page's JavaScript allocates (collected objects included); the returned
 * function stops and lists the allocation sites with the most bytes, each with its two callers.
 */
async function startAllocationSampling(page: Page): Promise<() => Promise<string>> {
  interface SampleNode { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: SampleNode[] }
  const session = await page.context().newCDPSession(page);
  await session.send('HeapProfiler.enable');
  await session.send('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
  return async () => {
    const { profile } = (await session.send('HeapProfiler.stopSampling')) as unknown as { profile: { head: SampleNode } };
    await session.detach();
    const bySite = new Map<string, number>();
    let total = 0;
    const walk = (node: SampleNode, callers: string[]) => {
      const name = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').pop()}:${node.callFrame.lineNumber + 1}`;
      total += node.selfSize;
      const site = [...callers.slice(-2), name].join(' → ');
      if (node.selfSize) bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
      for (const child of node.children) walk(child, [...callers, name]);
    };
    walk(profile.head, []);
    const top = [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([site, bytes]) => `    ${(bytes / 1e6).toFixed(1).padStart(5)} MB  ${site}`);
    return `  JavaScript allocated during the scroll (sampled): ${(total / 1e6).toFixed(1)} MB\n${top.join('\n')}`;
  };
}

/** Samples the page's JavaScript; the returned function stops and lists the functions with the most self time. */
async function startCpuProfile(page: Page): Promise<() => Promise<string>> {
  const session = await page.context().newCDPSession(page);
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 200 });
  await session.send('Profiler.start');
  return async () => {
    const { profile } = (await session.send('Profiler.stop')) as { profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; hitCount?: number }[]; startTime: number; endTime: number; samples: number[] } };
    await session.detach();
    const perSample = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
    const self = new Map<string, number>();
    const keyOf = (f: { functionName: string; url: string; lineNumber: number }) => `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const inclusive = process.env.CPU_TOTAL === '1';
    // Inclusive: a node's time is its hits plus its descendants' (counted once per function on a path).
    const walk = (id: number, onPath: Set<string>): number => {
      const node = byId.get(id)!;
      const key = keyOf(node.callFrame);
      const fresh = !onPath.has(key);
      if (fresh) onPath.add(key);
      let total = (node.hitCount ?? 0) * perSample;
      for (const child of (node as { children?: number[] }).children ?? []) total += walk(child, onPath);
      if (fresh) onPath.delete(key);
      if (!inclusive) self.set(key, (self.get(key) ?? 0) + (node.hitCount ?? 0) * perSample);
      else if (fresh) self.set(key, (self.get(key) ?? 0) + total);
      return total;
    };
    walk(profile.nodes[0].id, new Set());
    return [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.CPU_TOP ?? 25)).map(([k, v]) => `  ${v.toFixed(0).padStart(6)} ms  ${k}`).join('\n');
  };
}

async function measurePlain(browser: Browser, texts: string[]): Promise<ScrollMeasurement> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  try {
    await page.setContent('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body></body></html>');
    await page.locator('body').evaluate(fillWithParagraphs, texts);
    const profile = PROFILE ? await startProfile(page) : null;
    const longFrames = LONG_FRAMES > 0 ? await startLongFrameTrace(await page.context().newCDPSession(page), LONG_FRAMES, HEAP_CHURN ? await page.context().newCDPSession(page) : undefined) : null;
    const run = await page.locator('body').evaluate(scriptedScroll, { selector: 'body', step: SCROLL_STEP_PX, maxFrames: MAX_FRAMES });
    if (longFrames) console.log(`  plain page:\n${await longFrames(run.deltas)}`);
    const scroll = summarizeFrames(run);
    if (profile) console.log(`  plain page:\n${profileLine(await profile(), scroll.scrollFrames)}`);
    return scroll;
  } finally {
    await page.close();
  }
}

/** The profile's line: wall time by kind, then CPU time by kind and in all per scroll frame. */
function profileLine(profile: Record<string, number>, frames: number): string {
  const wall = Object.entries(profile).filter(([k]) => !k.startsWith('cpu ')).sort((a, b) => b[1] - a[1]);
  const cpu = Object.entries(profile).filter(([k]) => k.startsWith('cpu ')).sort((a, b) => b[1] - a[1]);
  const cpuTotal = cpu.reduce((sum, [, v]) => sum + v, 0);
  return `  profile, wall (ms): ${wall.map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}\n  profile, thread CPU (ms): ${cpu.map(([k, v]) => `${k.slice(4)} ${v.toFixed(0)}`).join(', ')}; all ${cpuTotal.toFixed(0)} ms = ${(cpuTotal / Math.max(1, frames)).toFixed(1)} ms per frame`;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const f1 = (x: number) => x.toFixed(1);

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) return console.log(`notice: ${CHROMIUM} not found; skipped`);
  const out = join(root, 'dist/bench-trace-scroll');
  mkdirSync(out, { recursive: true });
  const texts: Record<number, string[]> = {};
  for (const n of SIZES) {
    // REUSE_TRACES=1: the files of an earlier run (built by another tree's schema, say).
    const file = join(out, `large-${n}.json`);
    const trace = process.env.REUSE_TRACES === '1' && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Trace) : buildLargeTrace(n);
    if (!trace) return console.log('notice: ../shared/data is absent; skipped');
    writeFileSync(file, JSON.stringify(trace));
    // What the host sends since the load payload stopped carrying the thinking twice.
    writeFileSync(join(out, `large-${n}.packed.json`), JSON.stringify(packTrace(trace)));
    texts[n] = trace.episodes.map((e) => e.text.trim());
  }
  const bundles: Record<string, string> = {};
  const baseRef = process.env.BASE_REF ?? 'HEAD';
  if (baseRef !== 'none') {
    bundles.before = join(out, 'bundle-before');
    buildBundle(checkout(baseRef), bundles.before);
  }
  bundles.after = join(out, 'bundle-after');
  buildBundle(root, bundles.after);
  for (const dir of Object.values(bundles)) for (const f of ['codicon.css', 'codicon.ttf']) writeFileSync(join(dir, f), readFileSync(join(root, 'node_modules/@vscode/codicons/dist', f)));

  const { server, url } = await serve(bundles);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const results: Record<string, (ViewRun | ScrollMeasurement)[]> = {};
  const add = (key: string, r: ViewRun | ScrollMeasurement) => (results[key] ??= []).push(r);
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const n of SIZES) {
        add(`plain ${n}`, await measurePlain(browser, texts[n]));
        for (const variant of round % 2 === 0 ? Object.keys(bundles) : Object.keys(bundles).reverse()) {
          // The working tree's page gets what its host sends (the packed trace); the base gets what its host sent.
          const r = await measureView(browser, url, variant, `large-${n}${variant === 'after' && PACKED ? '.packed' : ''}`);
          add(`${variant} ${n}`, r);
          console.log(`round ${round + 1} ${variant} ${n}: first card ${f1(r.firstCardAfterLoadMs)} ms (deserialise ${f1(r.phases.deserialised)}, apply ${f1(r.phases.applied)}), p50 ${f1(r.frameP50)} p95 ${f1(r.frameP95)} max ${f1(r.frameMax)}, >50 ms ${r.longFrames}/${r.scrollFrames}, elements ${r.elementsAtOpen}/${r.maxElements}${r.loadCpuMs !== undefined ? `, load main-thread CPU ${f1(r.loadCpuMs)} ms` : ''}${r.profile ? `\n${profileLine(r.profile, r.scrollFrames)}` : ''}`);
        }
        const p = results[`plain ${n}`].at(-1)!;
        console.log(`round ${round + 1} plain ${n}: p50 ${f1(p.frameP50)} p95 ${f1(p.frameP95)} max ${f1(p.frameMax)}, >50 ms ${p.longFrames}/${p.scrollFrames}`);
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`\nMedians over ${ROUNDS} round(s) (headless Chromium --disable-gpu, ${VIEWPORT.width}×${VIEWPORT.height}, ${SCROLL_STEP_PX} px per frame; load average at the end ${(await import('node:os')).loadavg()[0].toFixed(1)}):`);
  console.log('| case | first card after load | scroll p50 | scroll p95 | p95 / plain p95 | frames > 50 ms | elements (open / max) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const n of SIZES) {
    const plain = results[`plain ${n}`];
    const plainP95 = median(plain.map((r) => r.frameP95));
    console.log(`| plain page, ${n} | | ${f1(median(plain.map((r) => r.frameP50)))} ms | ${f1(plainP95)} ms | 1.00 | ${median(plain.map((r) => r.longFrames))} of ${plain[0].scrollFrames} | ${plain[0].maxElements} |`);
    for (const variant of Object.keys(bundles)) {
      const rs = results[`${variant} ${n}`] as ViewRun[];
      const p95 = median(rs.map((r) => r.frameP95));
      const loadCpu = LOAD_CPU ? ` (main-thread CPU ${f1(median(rs.map((r) => r.loadCpuMs ?? NaN)))} ms)` : '';
      console.log(`| ${variant}, ${n} | ${f1(median(rs.map((r) => r.firstCardAfterLoadMs)))} ms${loadCpu} | ${f1(median(rs.map((r) => r.frameP50)))} ms | ${f1(p95)} ms | ${(p95 / plainP95).toFixed(2)} | ${median(rs.map((r) => r.longFrames))} of ${rs[0].scrollFrames} | ${rs[0].elementsAtOpen} / ${Math.max(...rs.map((r) => r.maxElements))} |`);
    }
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
