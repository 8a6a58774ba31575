/**
 * Which model server protocol to speak: `--backend ollama|openai`, or a host written
 * `openai+http://…`. The one place front ends (solve, dataset jobs, the extension) turn a
 * host setting into a backend, so OLLAMA_HOST and `openai+` mean the same everywhere.
 */
import { resolveOllamaHost } from './host';
import { OllamaBackend } from './ollama';
import { OpenAIBackend } from './openai';
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
  /** Longest silence between two streamed chunks. */
  idleTimeoutMs?: number;
}

/** A backend for `host` (default: `defaultHost`). */
export function createBackend(host?: string, kind?: BackendKind, env: NodeJS.ProcessEnv = process.env, timeouts: BackendTimeouts = {}): ModelBackend {
  const named = host !== undefined && host.trim() !== '' ? host : undefined;
  if (backendKindFor(named, kind) === 'openai') return new OpenAIBackend({ host: named ?? defaultHost(env), ...timeouts });
  return new OllamaBackend({ host: named, env, ...timeouts });
}
