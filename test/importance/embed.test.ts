import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ollamaEmbedder } from '../../src/model/embed';
import { cosine } from '../../src/core/importance';
import { FAKE_EMBEDDING_MODEL } from '../fake-ollama/embed';
import { DEFAULT_FAKE_MODELS, startFakeOllama, type FakeOllama } from '../fake-ollama/server';

let fake: FakeOllama;
before(async () => {
  fake = await startFakeOllama({ models: [...DEFAULT_FAKE_MODELS, FAKE_EMBEDDING_MODEL] });
});
after(() => fake.close());

test('embeddings through the ollama client: one vector per text in order, batched; same text cosine 1, unrelated ~0', async () => {
  const embed = ollamaEmbedder({ host: fake.url, model: 'all-minilm', batchSize: 2 });
  const texts = ['Wait, let me check x = 3.', 'Wait, let me check x = 3.', 'Perhaps another route helps here.'];
  const v = await embed(texts);
  assert.equal(v.length, 3);
  assert.equal(fake.requests.filter((r) => r.path === '/api/embed').length, 2, 'two batches');
  assert.ok(Math.abs(cosine(v[0], v[1]) - 1) < 1e-12);
  assert.ok(cosine(v[0], v[2]) < 0.2);
});

test('an unknown embedding model is a model error naming it; an OpenAI-compatible host is refused by name', async () => {
  const embed = ollamaEmbedder({ host: fake.url, model: 'no-such-embedder' });
  await assert.rejects(embed(['x']), (err: Error) => err.name === 'ModelError' && /no-such-embedder/.test(err.message));
  assert.throws(() => ollamaEmbedder({ host: 'openai+http://127.0.0.1:8000', model: 'x' }), /need an Ollama server/);
});
