/** Backend choice for dataset jobs: `--backend ollama|openai`, or an `openai+http://` host. */
import { OllamaBackend } from '../../model/ollama';
import { OpenAIBackend } from '../../model/openai';
import type { ModelBackend } from '../../model/types';

export type BackendKind = 'ollama' | 'openai';

export function backendKindFor(host: string, kind?: BackendKind): BackendKind {
  if (/^openai\+/i.test(host.trim())) return 'openai';
  return kind ?? 'ollama';
}

export function createBackend(host: string, kind?: BackendKind): ModelBackend {
  return backendKindFor(host, kind) === 'openai' ? new OpenAIBackend({ host }) : new OllamaBackend({ host });
}
