// The fake Ollama checked against the real thing, route by route and mode by mode: chunk key sets
// and value types, final-chunk keys and statistics. The references are real /api/generate streams
// recorded from live servers (../shared/data/ollama/recorded-streams) and the documented examples
// of the official API reference (../shared/data/ollama/docs). Chat has no recording: its reference
// is the documented chat examples plus the recorded generate chunks mapped through the documented
// correspondence (thinking → message.thinking, response → message.content, no context), and the
// test first checks that mapping reproduces the documented chat examples.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { SAMPLE_PROBLEMS, SUM_PROBLEM } from '../fake-ollama/problems';
import { listRecordedStreams, parseJsonObjects, type RecordedStream } from '../fake-ollama/recorded';
import { startFakeOllama, type FakeOllama } from '../fake-ollama/server';
import { dataPath, skipWithoutData } from '../support/shared-data';

type Chunk = Record<string, unknown>;

const skip = skipWithoutData('ollama');
const recordings: RecordedStream[] = skip ? [] : listRecordedStreams(dataPath('ollama', 'recorded-streams'));
/** Every recorded stream: each file's demo run and, when whole, its debug run (10 in all). */
const streams: { file: string; chunks: Chunk[] }[] = recordings.flatMap((r) => [
  { file: r.file, chunks: r.chunks },
  ...(r.debugChunks ? [{ file: `${r.file} (debug run)`, chunks: r.debugChunks }] : []),
]);
const apiMd = skip ? '' : readFileSync(dataPath('ollama', 'docs', 'api.md'), 'utf8');
const thinkingMdx = skip ? '' : readFileSync(dataPath('ollama', 'docs', 'capabilities__thinking.mdx'), 'utf8');

/** JSON examples of one "#### heading" section of api.md, in order. */
function documented(heading: string): Chunk[] {
  const at = apiMd.indexOf(`#### ${heading}\n`);
  assert.ok(at >= 0, `api.md has no "#### ${heading}" section`);
  const end = apiMd.indexOf('\n#### ', at + 5);
  const section = apiMd.slice(at, end < 0 ? undefined : end);
  const blocks = [...section.matchAll(/^```json\n([\s\S]*?)^```/gm)].map((m) => m[1]);
  return blocks.flatMap((b) => parseJsonObjects(b, `api.md "${heading}"`));
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `array<${v.length ? typeOf(v[0]) : 'empty'}>`;
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/**
 * "key:type" for every key, nested message keys as message.<key>. Keys whose documented value is
 * null (`"images": null` in the chat example) are how older servers said "none"; current servers
 * leave them out, so they are not part of a shape.
 */
function shape(c: Chunk): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(c)) {
    if (v === null) continue;
    if (k === 'message' && typeof v === 'object') parts.push(...shape(v as Chunk).split(',').filter(Boolean).map((s) => `message.${s}`));
    else parts.push(`${k}:${typeOf(v)}`);
  }
  return parts.sort().join(',');
}

const keysOf = (c: Chunk): string[] => shape(c).split(',').map((s) => s.split(':')[0]);

/** The documented generate ↔ chat correspondence (thinking.mdx; chat has no context). */
function asChat(c: Chunk): Chunk {
  const { response, thinking, context: _context, model, created_at, ...rest } = c;
  const message: Chunk = { role: 'assistant', content: response ?? '' };
  if (typeof thinking === 'string') message.thinking = thinking;
  return { model, created_at, message, ...rest };
}

function withoutContext(c: Chunk): Chunk {
  const { context: _context, ...rest } = c;
  return rest;
}

/** Recordings from a local server (full statistics); the gpt-oss ones went through ollama.com's turbo endpoint. */
const local = (r: { chunks: Chunk[] }) => 'load_duration' in r.chunks.at(-1)!;
const fieldThinking = (r: { chunks: Chunk[] }) => r.chunks.some((c) => typeof c.thinking === 'string');

interface Reference {
  body: Set<string>;
  final: Chunk;
}

let fake: FakeOllama;
before(async () => {
  if (!skip) fake = await startFakeOllama({ problems: SAMPLE_PROBLEMS });
});
after(() => fake?.close());

async function stream(path: '/api/generate' | '/api/chat', body: Chunk): Promise<Chunk[]> {
  const res = await fetch(fake.url + path, { method: 'POST', body: JSON.stringify(body) });
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal(res.headers.get('content-type'), 'application/x-ndjson');
  return (await res.text()).trimEnd().split('\n').map((l) => JSON.parse(l) as Chunk);
}

/** Every fake body chunk has a real shape; the final chunk has exactly the real final keys and types. */
function assertLikeReference(ours: Chunk[], ref: Reference, what: string): void {
  const body = ours.slice(0, -1);
  assert.ok(body.length > 3, `${what}: a stream`);
  for (const c of body) assert.ok(ref.body.has(shape(c)), `${what}: body chunk shape ${shape(c)} not among the real ${[...ref.body].join(' | ')}`);
  const final = ours.at(-1)!;
  assert.equal(shape(final), shape(ref.final), `${what}: final chunk`);
}

describe('fake Ollama vs recorded streams and documented examples', { skip }, () => {
  const generateBody = () => new Set(streams.flatMap((r) => r.chunks.slice(0, -1).map(shape)));
  const localFinal = () => streams.find(local)!.chunks.at(-1)!;

  test('the references: 10 recorded streams of 5 files (4 thinking-field, 6 inline from a local server) and the documented examples agree', () => {
    assert.equal(recordings.length, 5);
    assert.equal(streams.length, 10);
    assert.equal(streams.filter(fieldThinking).length, 4);
    assert.equal(streams.filter(local).length, 6);
    // Every local final chunk has the same keys.
    assert.equal(new Set(streams.filter(local).map((r) => keysOf(r.chunks.at(-1)!).sort().join())).size, 1);
    // Documented generate stream: a body chunk of a recorded shape; the final chunk's keys all in the recorded local final.
    const [docBody, docFinal] = documented('Generate request (Streaming)');
    assert.ok(generateBody().has(shape(docBody)), shape(docBody));
    for (const k of keysOf(docFinal)) assert.ok(k in localFinal(), `documented final key ${k} recorded`);
    // Recorded finals add only done_reason (documented in api__streaming.mdx) to the documented final.
    assert.deepEqual(keysOf(localFinal()).filter((k) => !keysOf(docFinal).includes(k)), ['done_reason']);
    assert.match(readFileSync(dataPath('ollama', 'docs', 'api__streaming.mdx'), 'utf8'), /"done_reason": "stop"/);
    // Chat: the mapping of recorded chunks reproduces the documented chat stream's shapes.
    const [chatBody, chatFinal] = documented('Chat request (Streaming)');
    assert.ok(new Set(streams.flatMap((r) => r.chunks.slice(0, -1).map((c) => shape(asChat(c))))).has(shape(chatBody)), shape(chatBody));
    assert.deepEqual(keysOf(chatFinal).sort(), keysOf(asChat(localFinal())).filter((k) => k !== 'done_reason').sort());
    assert.match(thinkingMdx, /`message\.thinking` \(chat endpoint\) or `thinking` \(generate endpoint\)/);
    // Raw mode drops context, by the documentation.
    assert.match(apiMd, /raw mode will not return a context/);
  });

  const generateRef = (): Reference => ({ body: generateBody(), final: localFinal() });
  const rawRef = (): Reference => ({ body: generateBody(), final: withoutContext(localFinal()) });
  const chatRef = (): Reference => ({
    body: new Set([...streams.flatMap((r) => r.chunks.slice(0, -1).map((c) => shape(asChat(c)))), ...documented('Chat request (Streaming)').slice(0, 1).map(shape)]),
    final: asChat(localFinal()),
  });
  const R1_PROMPT = `<｜User｜>${SUM_PROBLEM.match}<｜Assistant｜><think>\n`;

  // Route × mode, as the product and the fake use them (src/model/ollama.ts: chat with think
  // on/off/level; raw generate with think:false, or no think on old servers; templated generate).
  const cells: { route: string; mode: string; path: '/api/generate' | '/api/chat'; body: Chunk; ref: () => Reference; thinking: boolean }[] = [
    { route: 'generate', mode: 'thinking field', path: '/api/generate', body: { model: 'qwen3:8b', prompt: SUM_PROBLEM.match }, ref: generateRef, thinking: true },
    { route: 'generate', mode: 'thinking inline', path: '/api/generate', body: { model: 'qwq:32b', prompt: SUM_PROBLEM.match }, ref: generateRef, thinking: false },
    { route: 'generate', mode: 'think:false', path: '/api/generate', body: { model: 'qwen3:8b', prompt: SUM_PROBLEM.match, think: false }, ref: generateRef, thinking: false },
    { route: 'generate', mode: 'non-thinking model', path: '/api/generate', body: { model: 'llama3.2:1b', prompt: SUM_PROBLEM.match }, ref: generateRef, thinking: false },
    { route: 'raw generate', mode: 'think:false, continuing a thought', path: '/api/generate', body: { model: 'deepseek-r1:7b', prompt: R1_PROMPT, raw: true, think: false }, ref: rawRef, thinking: false },
    { route: 'raw generate', mode: 'thinking parser on', path: '/api/generate', body: { model: 'deepseek-r1:7b', prompt: R1_PROMPT, raw: true }, ref: rawRef, thinking: true },
    { route: 'raw generate', mode: 'forced answer', path: '/api/generate', body: { model: 'deepseek-r1:7b', prompt: `${R1_PROMPT}${SUM_PROBLEM.episodes[0]}\n</think>\n\nThe answer is \\boxed{`, raw: true, think: false, options: { temperature: 0 } }, ref: rawRef, thinking: false },
    { route: 'raw generate', mode: 'non-thinking model, no think', path: '/api/generate', body: { model: 'llama3.2:1b', prompt: SUM_PROBLEM.match, raw: true }, ref: rawRef, thinking: false },
    { route: 'chat', mode: 'thinking field', path: '/api/chat', body: { model: 'deepseek-r1:7b', messages: [{ role: 'user', content: SUM_PROBLEM.match }] }, ref: chatRef, thinking: true },
    { route: 'chat', mode: 'think level', path: '/api/chat', body: { model: 'gpt-oss:20b', messages: [{ role: 'user', content: SUM_PROBLEM.match }], think: 'high' }, ref: chatRef, thinking: true },
    { route: 'chat', mode: 'thinking inline', path: '/api/chat', body: { model: 'qwq:32b', messages: [{ role: 'user', content: SUM_PROBLEM.match }] }, ref: chatRef, thinking: false },
    { route: 'chat', mode: 'think:false', path: '/api/chat', body: { model: 'qwen3:8b', messages: [{ role: 'user', content: SUM_PROBLEM.match }], think: false }, ref: chatRef, thinking: false },
    { route: 'chat', mode: 'non-thinking model', path: '/api/chat', body: { model: 'llama3.2:1b', messages: [{ role: 'user', content: SUM_PROBLEM.match }] }, ref: chatRef, thinking: false },
  ];

  for (const cell of cells) {
    test(`${cell.route}, ${cell.mode}: chunk key sets and value types as the real server's`, async () => {
      const ours = await stream(cell.path, cell.body);
      assertLikeReference(ours, cell.ref(), `${cell.route} ${cell.mode}`);
      const thinks = ours.some((c) => typeof c.thinking === 'string' || typeof (c.message as Chunk | undefined)?.thinking === 'string');
      assert.equal(thinks, cell.thinking, 'a thinking field exactly when the mode has one');
    });
  }

  test(`all ${cells.length} route × mode cells are covered`, () => {
    assert.deepEqual([...new Set(cells.map((c) => c.route))], ['generate', 'raw generate', 'chat']);
    assert.equal(cells.length, 13);
  });

  test('final-chunk statistics relate as in the real local-server streams', async () => {
    // The real relations, read from the complete local recordings (done_reason "stop").
    const complete = streams.filter((r) => local(r) && r.chunks.at(-1)!.done_reason === 'stop');
    assert.equal(complete.length, 6);
    const relations = (chunks: Chunk[]) => {
      const f = chunks.at(-1)! as Record<string, number> & { context?: unknown[] };
      return {
        // The end-of-generation token is counted but never streamed.
        evalIsBodyPlusOne: f.eval_count === chunks.length - 1 + 1,
        totalCoversParts: f.total_duration >= f.load_duration + f.prompt_eval_duration + f.eval_duration,
        contextIsPromptPlusEval: f.context === undefined || (f.context.length >= f.prompt_eval_count + f.eval_count - 2 && f.context.length <= f.prompt_eval_count + f.eval_count - 1),
        nanoseconds: f.eval_duration / f.eval_count > 100_000,
      };
    };
    const real = { evalIsBodyPlusOne: true, totalCoversParts: true, contextIsPromptPlusEval: true, nanoseconds: true };
    for (const r of complete) assert.deepEqual(relations(r.chunks), real, r.file);
    for (const cell of cells) {
      const ours = await stream(cell.path, cell.body);
      assert.equal(ours.at(-1)!.done_reason, 'stop');
      assert.deepEqual(relations(ours), real, `${cell.route} ${cell.mode}`);
    }
    // A long prompt (a raw probe after many episodes) must not break the duration sum.
    const long = await stream('/api/generate', { model: 'deepseek-r1:7b', prompt: `${R1_PROMPT}${SUM_PROBLEM.episodes.join('\n\n').repeat(20)}\n</think>\n\n\\boxed{`, raw: true, think: false });
    assert.deepEqual(relations(long), real, 'long raw prompt');
  });

  test('stream:false: one JSON object shaped like the documented non-streaming examples', async () => {
    const [docGenerate] = documented('Request (No streaming)');
    const res = await fetch(fake.url + '/api/generate', { method: 'POST', body: JSON.stringify({ model: 'llama3.2:1b', prompt: SUM_PROBLEM.match, stream: false }) });
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const ours = (await res.json()) as Chunk;
    assert.deepEqual(keysOf(ours).filter((k) => k !== 'done_reason').sort(), keysOf(docGenerate).sort());
    assert.equal(shape(withoutKey(ours, 'done_reason')), shape(docGenerate));
    const chat = (await (await fetch(fake.url + '/api/chat', { method: 'POST', body: JSON.stringify({ model: 'llama3.2:1b', messages: [{ role: 'user', content: SUM_PROBLEM.match }], stream: false }) })).json()) as Chunk;
    const [, docChatFinal] = documented('Chat request (Streaming)');
    assert.equal(shape(withoutKey(chat, 'done_reason')), shape(docChatFinal));
    assert.notEqual((chat.message as Chunk).content, '');
  });
});

function withoutKey(c: Chunk, key: string): Chunk {
  const { [key]: _dropped, ...rest } = c;
  return rest;
}
