/**
 * Text embeddings through the server's embedding endpoint (Ollama `/api/embed`, via the official
 * client's `embed`), for the similarity filter of counterfactual importance (src/runs/importance.ts).
 * Kept apart from ModelBackend: only this feature needs it, and OpenAI-compatible backends are
 * refused by name (their /v1/embeddings is not wired).
 */
import { Ollama } from 'ollama';
import { deadlineSignal } from './deadline';
import { toModelError } from './errors';
import { resolveOllamaHost } from './host';
import { abortableFetch } from './stream';
import { ModelError } from './types';

/** Embeds texts in order; one vector per text. */
export type EmbedTexts = (texts: string[], signal?: AbortSignal) => Promise<number[][]>;

export interface EmbedderOptions {
  host?: string;
  model: string;
  /** Per request. Default 5 minutes (the first call loads the model). */
  timeoutMs?: number;
  /** Texts per request. Default 64. */
  batchSize?: number;
}

export function ollamaEmbedder(opts: EmbedderOptions): EmbedTexts {
  if (opts.host !== undefined && /^openai\+/i.test(opts.host.trim())) {
    throw new ModelError('bad-request', `embeddings for the similarity filter need an Ollama server; ${opts.host} is an OpenAI-compatible one`);
  }
  const host = resolveOllamaHost(opts.host, process.env);
  const timeoutMs = opts.timeoutMs ?? 300_000;
  const batchSize = Math.max(1, opts.batchSize ?? 64);
  return async (texts, signal) => {
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += batchSize) {
      const batch = texts.slice(i, i + batchSize);
      const timeout = deadlineSignal(timeoutMs);
      const client = new Ollama({ host, fetch: abortableFetch(signal ? AbortSignal.any([signal, timeout]) : timeout) });
      let vectors: unknown;
      try {
        vectors = (await client.embed({ model: opts.model, input: batch })).embeddings;
      } catch (err) {
        throw toModelError(err, { host, model: opts.model, operation: 'embed', timeoutMs });
      }
      if (!Array.isArray(vectors) || vectors.length !== batch.length || !vectors.every((v) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number'))) {
        throw new ModelError('not-ollama', `${host}/api/embed did not return one vector per text for "${opts.model}"`, { host, model: opts.model });
      }
      out.push(...(vectors as number[][]));
    }
    return out;
  };
}
