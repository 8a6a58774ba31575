/**
 * Which model server protocol to speak: `--backend ollama|openai`, or a host written
 * `openai+http://…`. The one place front ends turn a host setting into a backend.
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
 * A backend for `host`. Without a host both protocols go to OLLAMA_HOST or
 * http://127.0.0.1:11434: Ollama serves its native API and the OpenAI one (/v1) there.
 */
export function createBackend(host?: string, kind?: BackendKind, env: NodeJS.ProcessEnv = process.env): ModelBackend {
  if (backendKindFor(host, kind) === 'openai') return new OpenAIBackend({ host: host ?? resolveOllamaHost(undefined, env) });
  return new OllamaBackend({ host, env });
}
