/**
 * Running one streamed Ollama request as a StreamHandle: one `Ollama` client per stream (its
 * `abort()` would cancel every stream of the instance), our own AbortController wired into
 * its fetch so aborts and timeouts also cover the time before the response starts, a connect
 * timeout (until response headers) and an idle timeout (between chunks), and errors surfaced
 * only after every delta received before them.
 */
import { StallWatchdog } from './stall-watchdog';
import { Ollama } from 'ollama';
import { DeltaQueue } from './delta-queue';
import { cancelledError, toModelError, type ErrorContext } from './errors';
import type { StreamDelta, StreamHandle, StreamStats } from './types';

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
  /** Async checks before the request (capabilities, server version); may throw ModelError. */
  prepare: () => Promise<void>;
  /** Start the request with the given client. */
  open: (client: Ollama) => Promise<AsyncIterable<C>>;
  read: (chunk: C) => ChunkText;
  isDone: (chunk: C) => boolean;
  stats: (chunk: C) => StreamStats;
  splitter: () => TextSplitter;
}

export function abortableFetch(signal: AbortSignal): typeof fetch {
  return (input, init) =>
    fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
}

export function runStream<C>(spec: StreamSpec<C>): StreamHandle {
  const controller = new AbortController();
  let cancelledByUser = false;
  const abort = (): void => {
    cancelledByUser = true;
    controller.abort();
  };
  const queue = new DeltaQueue(abort);
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
      await spec.prepare();
      splitter = spec.splitter(); // after prepare: the right splitter may depend on the model
      if (controller.signal.aborted) throw cancelledError(ctx);
      arm('connect', spec.timeouts.connectTimeoutMs);
      const client = new Ollama({ host: spec.host, headers: spec.headers, fetch: abortableFetch(controller.signal) });
      const iterable = await spec.open(client);
      ctx.streaming = true;
      const iterator = iterable[Symbol.asyncIterator]();
      let final: StreamStats | null = null;
      for (;;) {
        arm('idle', spec.timeouts.idleTimeoutMs);
        const next = await iterator.next();
        if (next.done) break;
        const { thinking, text } = spec.read(next.value);
        const split = text === '' ? { thinking: '', content: '' } : splitter.push(text);
        emit({ thinking: thinking + split.thinking, content: split.content });
        if (spec.isDone(next.value)) {
          final = spec.stats(next.value);
          break;
        }
      }
      watchdog.disarm();
      emit(splitter.finish());
      if (!final) throw new Error('Did not receive done or success response in stream.');
      queue.end();
      resolveStats(final);
    } catch (err) {
      watchdog.disarm();
      emit(splitter.finish()); // text held back by the splitter is still the user's data
      const error = cancelledByUser && !ctx.timedOut ? cancelledError(ctx, err) : toModelError(err, ctx);
      queue.fail(error);
      rejectStats(error);
    }
  })();

  return { deltas: queue, stats, abort };
}

/** Ollama durations are nanoseconds. */
export function nsToMs(ns: number | undefined): number | undefined {
  return typeof ns === 'number' ? ns / 1e6 : undefined;
}
