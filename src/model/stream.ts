/**
 * Running one streamed Ollama request as a StreamHandle: one `Ollama` client per stream (its
 * `abort()` would cancel every stream of the instance), our own AbortController wired into
 * its fetch so aborts and timeouts also cover the time before the response starts, a connect
 * timeout (until response headers) and an idle timeout (between chunks), our own caps on
 * chunks and time (StreamLimits: the server may ignore num_predict), lines that are not JSON
 * taken out before ollama-js sees them (it would print them with console.warn and go on) and
 * reported as warnings naming the host, and errors surfaced only after every delta received
 * before them.
 */
import { StallWatchdog } from './stall-watchdog';
import { Ollama } from 'ollama';
import { DeltaQueue } from './delta-queue';
import { terminalSafeLine } from '../core/terminal-text';
import { cancelledError, toModelError, type ErrorContext } from './errors';
import type { CapKind, StreamDelta, StreamHandle, StreamLimits, StreamStats } from './types';

export interface TextSplitter {
  push(text: string): StreamDelta;
  finish(): StreamDelta;
}

/** The parts of a chunk we read; both /api/chat and /api/generate chunks map onto it. */
export interface ChunkText {
  /** Text from the separate thinking field. */
  thinking: string;
  /** Text from content/response (may hold inline thinking, split by the TextSplitter). */
  text: string;
}

export interface StreamTimeouts {
  /** Longest wait for the response to start (covers model loading and prompt evaluation). */
  connectTimeoutMs: number;
  /** Longest silence between two chunks once streaming. */
  idleTimeoutMs: number;
}

export interface StreamSpec<C> {
  ctx: ErrorContext;
  host: string;
  headers?: Record<string, string>;
  timeouts: StreamTimeouts;
  /** Our caps (default: none). */
  limits?: StreamLimits;
  /** Async checks before the request (capabilities, server version); may throw ModelError. `signal`: the stream's abort. */
  prepare: (signal: AbortSignal) => Promise<void>;
  /** Start the request with the given client. */
  open: (client: Ollama) => Promise<AsyncIterable<C>>;
  read: (chunk: C) => ChunkText;
  isDone: (chunk: C) => boolean;
  stats: (chunk: C) => StreamStats;
  splitter: () => TextSplitter;
}

/**
 * fetch bound to our AbortSignal. With `onGarbage`, the lines of a streamed (NDJSON) answer
 * that are not JSON are taken out and reported instead of reaching the client.
 */
export function abortableFetch(signal: AbortSignal, onGarbage?: (line: string) => void): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
    return onGarbage ? withoutGarbageLines(res, onGarbage) : res;
  };
}

/** A successful NDJSON response with its non-JSON lines removed (each passed to `onGarbage`). */
function withoutGarbageLines(res: Response, onGarbage: (line: string) => void): Response {
  if (!res.ok || !res.body || !/ndjson/i.test(res.headers.get('content-type') ?? '')) return res;
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = '';
  const pass = (line: string, out: TransformStreamDefaultController<Uint8Array>): void => {
    if (line.trim() === '') return;
    try {
      JSON.parse(line);
    } catch {
      onGarbage(line);
      return;
    }
    out.enqueue(encoder.encode(`${line}\n`));
  };
  const body = res.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, out) {
        pending += decoder.decode(chunk, { stream: true });
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) pass(line, out);
      },
      flush(out) {
        pending += decoder.decode();
        pass(pending, out);
      },
    }),
  );
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/** How a skipped line is reported: host, operation and the line (made safe to print, cut). */
export function garbageLineWarning(ctx: ErrorContext, line: string): string {
  const text = terminalSafeLine(line).trim();
  return `${ctx.host} sent a line that is not JSON during ${ctx.operation}${ctx.model ? ` of "${ctx.model}"` : ''} (skipped): "${text.length > 120 ? `${text.slice(0, 120)}…` : text}"`;
}

export function runStream<C>(spec: StreamSpec<C>): StreamHandle {
  const controller = new AbortController();
  let cancelledByUser = false;
  const abort = (): void => {
    cancelledByUser = true;
    controller.abort();
  };
  const queue = new DeltaQueue(abort);
  const warnings: string[] = [];
  const limits = spec.limits ?? {};
  let capped: CapKind | null = null;
  let capTimer: ReturnType<typeof setTimeout> | undefined;
  let resolveStats!: (s: StreamStats) => void;
  let rejectStats!: (e: unknown) => void;
  const stats = new Promise<StreamStats>((resolve, reject) => {
    resolveStats = resolve;
    rejectStats = reject;
  });
  stats.catch(() => {}); // callers may only read deltas; the error reaches them there too

  void (async () => {
    const ctx: ErrorContext = { ...spec.ctx };
    let splitter: TextSplitter = { push: (text) => ({ thinking: '', content: text }), finish: () => ({ thinking: '', content: '' }) };
    const emit = (d: StreamDelta): void => {
      if (d.thinking !== '' || d.content !== '') queue.push(d);
    };
    const watchdog = new StallWatchdog((kind, ms) => {
      ctx.timedOut = kind;
      ctx.timeoutMs = ms;
      controller.abort();
    });
    const arm = (kind: 'connect' | 'idle', ms: number): void => watchdog.arm(kind, ms);
    try {
      await spec.prepare(controller.signal);
      splitter = spec.splitter(); // after prepare: the right splitter may depend on the model
      if (controller.signal.aborted) throw cancelledError(ctx);
      arm('connect', spec.timeouts.connectTimeoutMs);
      const onGarbage = (line: string): void => void warnings.push(garbageLineWarning(ctx, line));
      const client = new Ollama({ host: spec.host, headers: spec.headers, fetch: abortableFetch(controller.signal, onGarbage) });
      const iterable = await spec.open(client);
      ctx.streaming = true;
      if (limits.maxMs !== undefined) {
        capTimer = setTimeout(() => {
          capped = 'time';
          controller.abort();
        }, limits.maxMs);
      }
      const iterator = iterable[Symbol.asyncIterator]();
      let final: StreamStats | null = null;
      let chunks = 0;
      for (;;) {
        arm('idle', spec.timeouts.idleTimeoutMs);
        if (limits.maxChunks !== undefined && chunks >= limits.maxChunks) {
          capped = 'tokens';
          controller.abort(); // the server sees the connection close
          break;
        }
        const next = await iterator.next();
        if (next.done) break;
        chunks++;
        const { thinking, text } = spec.read(next.value);
        const split = text === '' ? { thinking: '', content: '' } : splitter.push(text);
        emit({ thinking: thinking + split.thinking, content: split.content });
        if (spec.isDone(next.value)) {
          final = spec.stats(next.value);
          break;
        }
      }
      watchdog.disarm();
      clearTimeout(capTimer);
      emit(splitter.finish());
      if (capped) final = { doneReason: 'limit', cappedBy: capped };
      if (!final) throw new Error('Did not receive done or success response in stream.');
      queue.end();
      resolveStats(final);
    } catch (err) {
      watchdog.disarm();
      clearTimeout(capTimer);
      emit(splitter.finish()); // text held back by the splitter is still the user's data
      if (capped && !cancelledByUser && !ctx.timedOut) {
        // Our time cap ended a stream the server would not end: a normal end, with what arrived.
        queue.end();
        resolveStats({ doneReason: 'limit', cappedBy: capped });
        return;
      }
      const error = cancelledByUser && !ctx.timedOut ? cancelledError(ctx, err) : toModelError(err, ctx);
      queue.fail(error);
      rejectStats(error);
    }
  })();

  return { deltas: queue, stats, abort, warnings };
}

/** Ollama durations are nanoseconds. */
export function nsToMs(ns: number | undefined): number | undefined {
  return typeof ns === 'number' ? ns / 1e6 : undefined;
}
