/**
 * What the main thread did in a scroll's long frames, from a DevTools trace: used by
 * bench/trace-scroll.bench.ts (the dev harness) and bench-large-trace.ts (real VS Code), with
 * LONG_FRAMES=<ms>. The session may be a page's or the browser's (then every process is traced;
 * the main thread is the one that set the scroll's mark).
 */
import type { CDPSession } from 'playwright-core';

/** One DevTools trace event, as far as the benches read it. */
export interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  tid: number;
  pid: number;
  cat?: string;
  /** `value`: a V8 GC event's statistics (an object; a JSON string for V8.GCTraceGCNVP). */
  args?: { data?: { functionName?: string; url?: string; lineNumber?: number; type?: string }; value?: unknown };
}

/**
 * Starts a DevTools trace of `categories` on `session`; the returned function ends it, waits for
 * every event to arrive, detaches the session and returns the events.
 */
export async function recordTrace(session: CDPSession, categories: string[]): Promise<() => Promise<TraceEvent[]>> {
  const events: TraceEvent[] = [];
  session.on('Tracing.dataCollected', (e) => void events.push(...(e.value as unknown as TraceEvent[])));
  await session.send('Tracing.start', { traceConfig: { includedCategories: categories } } as never);
  return async () => {
    const done = new Promise<void>((r) => session.once('Tracing.tracingComplete', () => r()));
    await session.send('Tracing.end');
    await done;
    await session.detach();
    return events;
  };
}

/**
 * Traces the scroll; the returned function stops and, for each frame longer than `threshold` ms
 * (frames from scriptedScroll's deltas, placed on the trace's clock by its 'rl:scroll-start'
 * mark), lists the main thread's tasks of ≥ 1 ms in it and what took ≥ 1 ms inside each (wall / CPU ms);
 * then the main thread's garbage collections over the whole scroll.
 */
export async function startLongFrameTrace(session: CDPSession, threshold: number, heapSession?: CDPSession): Promise<(deltas: number[]) => Promise<string>> {
  const stop = await recordTrace(session, ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'v8', 'disabled-by-default-v8.gc']);
  if (heapSession) await heapSession.send('HeapProfiler.collectGarbage');
  return async (deltas) => {
    if (heapSession) {
      await heapSession.send('HeapProfiler.collectGarbage');
      await heapSession.detach();
    }
    const events = await stop();
    const start = events.filter((e) => e.name === 'rl:scroll-start' && (e.cat ?? '').includes('user_timing')).at(-1);
    if (!start) return '  long frames: no rl:scroll-start mark in the trace';
    const onMain = (e: TraceEvent) => e.pid === start.pid && e.tid === start.tid && e.ph === 'X' && e.dur !== undefined;
    const main = events.filter(onMain).sort((a, b) => a.ts - b.ts);
    const task = main.some((e) => e.name === 'RunTask') ? 'RunTask' : 'ThreadControllerImpl::RunTask';
    // Where a script call's code came from (the workbench's bundle or the webview's): the file's name.
    const sourceFile = (url?: string) => (url ? ` (${url.split('?')[0].split('/').pop()})` : '');
    const label = (e: TraceEvent) => `${e.name}${e.args?.data?.functionName ? ` ${e.args.data.functionName}` : ''}${e.name === 'FunctionCall' ? sourceFile(e.args?.data?.url) : ''}${e.args?.data?.type ? ` ${e.args.data.type}` : ''}`;
    const ms = (us?: number) => ((us ?? 0) / 1000).toFixed(1);
    const lines: string[] = [];
    let t = start.ts;
    deltas.forEach((delta, i) => {
      const [from, to] = [t, t + delta * 1000];
      t = to;
      if (delta <= threshold) return;
      lines.push(`  frame ${i + 1}: ${delta.toFixed(1)} ms`);
      for (const top of main) {
        if (top.name !== task || top.dur! < 1000 || top.ts + top.dur! < from || top.ts > to) continue;
        const inside = main.filter((e) => e !== top && e.name !== task && e.ts >= top.ts && e.ts + e.dur! <= top.ts + top.dur! && e.dur! >= 1000);
        lines.push(`    task ${ms(top.dur)} / ${ms(top.tdur)} ms at +${ms(top.ts - from)}: ${inside.map((e) => `${label(e)} ${ms(e.dur)}/${ms(e.tdur)}`).join(', ') || '(nothing ≥ 1 ms)'}`);
      }
    });
    // The main thread's garbage collections over the whole scroll: full (mark-compact) and young
    // (scavenge), how many and their wall / CPU time, long frame or not.
    const end = t;
    const gcs = (name: string) => {
      const list = main.filter((e) => e.name === name && e.ts >= start.ts && e.ts <= end);
      return `${list.length} ${name} (${ms(list.reduce((a, e) => a + e.dur!, 0))} / ${ms(list.reduce((a, e) => a + (e.tdur ?? 0), 0))} ms)`;
    };
    if (!lines.length) lines.push(`  long frames: none over ${threshold} ms`);
    lines.push(`  garbage collection on the main thread during the scroll: ${gcs('MajorGC')}, ${gcs('MinorGC')}`);
    const starts = main.filter((e) => e.name === 'V8.GCIncrementalMarkingStart' && e.ts >= start.ts && e.ts <= end).map((e) => (e.args?.value as { reason?: string } | undefined)?.reason ?? '?');
    if (starts.length) lines.push(`  full collections started because: ${[...new Set(starts)].map((r) => `${r} ×${starts.filter((x) => x === r).length}`).join(', ')}`);
    if (heapSession) lines.push(`  ${heapAllocated(events.filter((e) => e.pid === start.pid && e.tid === start.tid && e.name === 'V8.GCTraceGCNVP'))}`);
    return lines.join('\n');
  };
}

/** One collection's statistics (V8's --trace-gc-nvp, carried by the V8.GCTraceGCNVP trace event). */
interface CollectionStats {
  allocated: number;
  start_global_consumed_size: number;
  start_old_gen_consumed_size: number;
  end_global_consumed_size: number;
  end_old_gen_consumed_size: number;
}

/**
 * What the scroll allocated, from the statistics of every collection between the two forced
 * ones around it: V8's own objects (`allocated`: bytes since the previous collection) and the
 * embedder's heap, i.e. Blink's (DOM, style, layout, text shaping) plus external memory, read as
 * V8's "global consumed" minus its old generation: its growth from the end of one collection to
 * the start of the next, summed. Blink's heap counts towards V8's global allocation limit, whose
 * approach starts a full collection.
 */
function heapAllocated(nvp: TraceEvent[]): string {
  const stats = nvp.sort((a, b) => a.ts - b.ts).map((e) => JSON.parse(String(e.args?.value)) as CollectionStats);
  if (stats.length < 2) return 'heap allocated during the scroll: not read (fewer than two collections in the trace)';
  let embedder = 0;
  let v8 = 0;
  for (let i = 1; i < stats.length; i++) {
    const before = stats[i - 1].end_global_consumed_size - stats[i - 1].end_old_gen_consumed_size;
    embedder += stats[i].start_global_consumed_size - stats[i].start_old_gen_consumed_size - before;
    // A collection right after another reports a wrapped-around (negative) size_t: nothing was allocated.
    if (stats[i].allocated < 2 ** 53) v8 += stats[i].allocated;
  }
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  return `heap allocated during the scroll (between forced collections before and after it): Blink's heap and external memory ${mb(embedder)} MB, V8's ${mb(v8)} MB`;
}
