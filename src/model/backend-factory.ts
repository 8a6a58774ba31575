/**
 * Which model server protocol to speak: `--backend ollama|openai`, or a host written
 * `openai+http://…`. The one place front ends (solve, dataset jobs, the extension) turn a
 * host setting into a backend, so OLLAMA_HOST and `openai+` mean the same everywhere.
 */
import { DEFAULT_OLLAMA_HOST, normalizeOllamaHost, resolveOllamaHost } from './host';
import { OllamaBackend } from './ollama';
import { OpenAIBackend, normalizeOpenAIHost } from './openai';
import { startTimeoutFor } from './limits';
import type { ModelBackend } from './types';

export const BACKEND_KINDS = ['ollama', 'openai'] as const;
export type BackendKind = (typeof BACKEND_KINDS)[number];

/** An `openai+` host picks the OpenAI-compatible protocol whatever `kind` says. */
export function backendKindFor(host: string | undefined, kind?: BackendKind): BackendKind {
  if (host !== undefined && /^openai\+/i.test(host.trim())) return 'openai';
  return kind ?? 'ollama';
}

/**
 * The server used when none is named: OLLAMA_HOST, else http://127.0.0.1:11434 (Ollama
 * serves its native API and the OpenAI one, /v1, at the same address).
 */
export function defaultHost(env: NodeJS.ProcessEnv = process.env): string {
  return resolveOllamaHost(undefined, env);
}

/** Request limits a front end may set (the extension's timeout settings); else each backend's defaults. */
export interface BackendTimeouts {
  /** Short requests (version, model list, show). */
  timeoutMs?: number;
  /** Longest wait for a streamed answer to start (model loading, prompt evaluation). */
  connectTimeoutMs?: number;
  /** Longest silence between two streamed chunks. */
  idleTimeoutMs?: number;
}

/**
 * A backend for `host` (default when undefined: `defaultHost`). A host given but empty
 * (`--host ""`) is refused, not taken as the default: the user named a server and named none.
 * Bad hosts throw an Error naming the value and showing a valid one.
 */
export function createBackend(host?: string, kind?: BackendKind, env: NodeJS.ProcessEnv = process.env, timeouts: BackendTimeouts = {}): ModelBackend {
  if (host !== undefined && host.trim() === '') {
    throw new Error(`host "${host}" is empty: name a server, e.g. http://127.0.0.1:11434, or leave the host out for the default (OLLAMA_HOST, else ${DEFAULT_OLLAMA_HOST})`);
  }
  if (backendKindFor(host, kind) === 'openai') return new OpenAIBackend({ host: host ?? defaultHost(env), ...timeouts });
  return new OllamaBackend({ host, env, ...timeouts });
}

/** Why `host` cannot be used (the message createBackend would throw), or null: for checking flags before any work. */
export function hostProblem(host: string, kind?: BackendKind): string | null {
  try {
    if (host.trim() === '') createBackend(host, kind);
    else if (backendKindFor(host, kind) === 'openai') normalizeOpenAIHost(host);
    else normalizeOllamaHost(host);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * The backend limits for a user's `--timeout` (ms): it bounds the short requests (version,
 * show) and the silence between chunks; the wait for the first chunk (model loading) gets
 * max(10 min, it) (startTimeoutFor). Undefined keeps each backend's defaults (30 s, 10 min, 2 min).
 */
export function timeoutsFromFlag(timeoutMs: number | undefined): BackendTimeouts {
  return timeoutMs === undefined ? {} : { timeoutMs, connectTimeoutMs: startTimeoutFor(timeoutMs), idleTimeoutMs: timeoutMs };
}
