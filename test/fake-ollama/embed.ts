/**
 * /api/embed for the fake server: a deterministic bag-of-words embedding (each lower-cased word
 * hashed into one of 256 dimensions, L2-normalised), so equal texts have cosine 1, texts sharing
 * most words a high cosine and unrelated texts a low one. Answers as Ollama does:
 * `{ model, embeddings: number[][] }`, 404 for an unknown model, 400 without input.
 */
import type { FakeModelConfig } from './scripted-model';

export const FAKE_EMBED_DIMENSIONS = 256;

/** An embedding-only model to add to the fake server's models (Ollama's name for all-MiniLM-L6-v2). */
export const FAKE_EMBEDDING_MODEL: FakeModelConfig = {
  name: 'all-minilm:latest',
  family: 'generic',
  capabilities: ['embedding'],
  thinking: 'none',
  details: { family: 'bert', families: ['bert'], parameter_size: '23M', quantization_level: 'F16' },
};

function hashWord(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193) >>> 0;
  return h % FAKE_EMBED_DIMENSIONS;
}

export function fakeEmbedding(text: string): number[] {
  const v = new Array<number>(FAKE_EMBED_DIMENSIONS).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) v[hashWord(word)] += 1;
  const norm = Math.hypot(...v);
  return norm === 0 ? v : v.map((x) => x / norm);
}

export function embedResponse(body: Record<string, unknown>, findModel: (name: unknown) => FakeModelConfig | undefined): { status: number; body: unknown } {
  const model = findModel(body.model);
  if (!model) return { status: 404, body: { error: `model "${String(body.model)}" not found, try pulling it first` } };
  const input = typeof body.input === 'string' ? [body.input] : body.input;
  if (!Array.isArray(input) || !input.every((t) => typeof t === 'string')) return { status: 400, body: { error: 'invalid input type' } };
  return { status: 200, body: { model: model.name, embeddings: input.map((t) => fakeEmbedding(t as string)), total_duration: 1000, load_duration: 0, prompt_eval_count: input.length } };
}
