/**
 * Our side of a token budget: a request that asks for at most N tokens (num_predict,
 * max_tokens) is also cut by us, whatever the server does with N. Ollama streams about one
 * chunk per token (some carry none while a parser holds text back), so 2N + 32 chunks is a
 * cap an honest server never reaches; and the answer must arrive within one idle timeout of
 * its first byte (a 256-token forced answer at 2 tokens/s takes 128 s: the 120 s default
 * idle timeout is about the slowest machine this is meant for).
 */
import type { SamplingOptions, StreamLimits } from './types';

/**
 * The waits on a model server and their defaults. Three bounds, because the waits differ: a
 * short request (version, show, list) answers at once; the first chunk of a stream comes after
 * the model is loaded and the prompt evaluated (a cold load of a big model takes minutes);
 * after that, chunks come steadily.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_START_TIMEOUT_MS = 600_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;

/**
 * The bound on the first chunk when the user set one timeout T (`--timeout`, the editor's idle
 * setting) for requests and silences: T must not cut a model load, so max(10 min, T).
 */
export function startTimeoutFor(timeoutMs: number): number {
  return Math.max(DEFAULT_START_TIMEOUT_MS, timeoutMs);
}

export const CHUNKS_PER_TOKEN = 2;
export const CHUNK_SLACK = 32;

/** The caps for a request: explicit ones win; otherwise derived from num_predict, or none. */
export function limitsFor(options: SamplingOptions | undefined, explicit: StreamLimits | undefined, idleTimeoutMs: number): StreamLimits {
  const n = options?.num_predict;
  const derived: StreamLimits = typeof n === 'number' && n >= 0 ? { maxChunks: CHUNKS_PER_TOKEN * n + CHUNK_SLACK, maxMs: idleTimeoutMs } : {};
  return { ...derived, ...explicit };
}

export function describeCap(kind: 'tokens' | 'time', limits: StreamLimits): string {
  return kind === 'tokens' ? `${limits.maxChunks} chunks` : `${limits.maxMs} ms`;
}
