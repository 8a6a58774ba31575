import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeOllama, type FakeOllama } from '../fake-ollama/server';
import { OllamaBackend } from '../../src/model/ollama';
import { ModelAnswerReader, readAnswersWithModel } from '../../src/runs/answer-model';
import { answerReaderPrompt, parseReaderReply, readerCacheKey, MAX_EXCERPT_CHARS } from '../../src/core/answer-reader';
import { annotateTrace } from '../../src/core/annotate';
import { validateTrace } from '../../src/core/schema';
import { CHANGE_PROBLEM } from '../fake-ollama/self-check-problem';

let fake: FakeOllama;
before(async () => {
  fake = await startFakeOllama({ problems: [CHANGE_PROBLEM] });
});
after(() => fake.close());

const MODEL = 'deepseek-r1:7b';
const backend = () => new OllamaBackend({ host: fake.url });
const readerRequests = () => fake.requests.filter((r) => r.path === '/api/chat' && JSON.stringify(r.body).includes('<excerpt>'));

/** GSM8K-style prose the rules do not read (a number in words, step values stated as results), then an episode with none. */
const PROSE = [
  'Each of the 8 students ran 14 laps.\n\nAdding the laps of every student.\n\nSo the class ran a hundred and twelve laps in all.',
  'Wait, the question asks about the garden.\n\nIts length is 24 and its width is 15.\n\nSo the product of length and width is 360 square feet.',
  'Wait, let me redo it with l = 38.\n\nThe width is 16.\n\nThat gives l = 38, area 608.',
  'Wait, I should compare these.\n\nThey are different setups.\n\nLet me think about which one the problem means.',
].join('\n\n');

test('reply parsing: bare, "Answer:", boxed, $…$; NONE, empty and sentences are no answer', () => {
  assert.equal(parseReaderReply('160'), '160');
  assert.equal(parseReaderReply('The answer: 360.'), '360');
  assert.equal(parseReaderReply('The final answer is 7'), '7');
  assert.equal(parseReaderReply('Answer: 360.'), '360');
  assert.equal(parseReaderReply('**Answer:** $\\frac{1}{2}$'), '\\frac{1}{2}');
  assert.equal(parseReaderReply('\\boxed{608}'), '608');
  assert.equal(parseReaderReply('<think>hmm</think>\n42\nbecause 6 times 7'), '42');
  for (const none of ['NONE', 'None.', 'none', '', '   ', 'N/A', 'The excerpt does not state any final answer to the problem.']) assert.equal(parseReaderReply(none), null, none);
});

test('the prompt is fixed: problem and excerpt in tags, long excerpts cut to their end; the cache key changes with model, problem and text', () => {
  const p = answerReaderPrompt('What is 2+2?', 'so it is 4');
  assert.match(p, /<problem>\nWhat is 2\+2\?\n<\/problem>/);
  assert.match(p, /<excerpt>\nso it is 4\n<\/excerpt>/);
  assert.match(p, /or with NONE/);
  const long = answerReaderPrompt('p', `${'x'.repeat(MAX_EXCERPT_CHARS)}THE END`);
  assert.ok(long.includes('THE END') && long.length < MAX_EXCERPT_CHARS + 600);
  const k = readerCacheKey('m', 'p', 'e');
  assert.notEqual(k, readerCacheKey('m2', 'p', 'e'));
  assert.notEqual(k, readerCacheKey('m', 'p2', 'e'));
  assert.notEqual(k, readerCacheKey('m', 'p', 'e2'));
  assert.equal(k, readerCacheKey('m', 'p', 'e'));
});

test('on the fake server: the model reads prose answers the rules miss, marked answerSource "model"; graded and metrics recomputed', async () => {
  const rule = annotateTrace({ problem: 'How many laps did the class run in total?', gold: '112', source: { kind: 'test' }, thinking: PROSE, response: '\\boxed{112}' }, { segment: { mode: 'mrt' } });
  assert.deepEqual(rule.episodes.map((e) => e.answer), [undefined, undefined, undefined, undefined], 'the rules read none of these');
  assert.equal(rule.metrics.firstCorrectEpisode, null);
  const before = readerRequests().length;
  const reader = new ModelAnswerReader(backend(), MODEL);
  const read = await readAnswersWithModel(rule, reader);
  assert.ok(validateTrace(read).ok);
  assert.deepEqual(read.episodes.map((e) => [e.answer, e.answerSource, e.verdict]), [
    ['112', 'model', 'correct'],
    ['360', 'model', 'incorrect'],
    ['608', 'model', 'incorrect'],
    [undefined, undefined, 'none'],
  ]);
  assert.equal(read.metrics.firstCorrectEpisode, 0);
  assert.ok((read.metrics.tokensAfterFirstCorrect ?? 0) > 0);
  assert.equal(readerRequests().length - before, 4, 'one request per episode');
  const body = readerRequests().at(-1)!.body as { think?: unknown; options?: { temperature?: number; num_predict?: number }; messages: { content: string }[] };
  assert.equal(body.think, false);
  assert.equal(body.options?.temperature, 0);
  assert.match(body.messages[0].content, /<problem>\nHow many laps did the class run in total\?/);
  // Cached per episode: the same trace again asks nothing.
  const again = await readAnswersWithModel(rule, reader);
  assert.deepEqual(again.episodes.map((e) => e.answer), read.episodes.map((e) => e.answer));
  assert.equal(readerRequests().length - before, 4);
  assert.deepEqual(reader.stats, { requests: 4, cacheHits: 4 });
});

test('by default the rules go first: only episodes without a rule answer are asked; scope "all" replaces rule answers', async () => {
  const t = annotateTrace({ problem: CHANGE_PROBLEM.match, gold: '8', source: { kind: 'test' }, thinking: CHANGE_PROBLEM.episodes.join('\n\n'), response: CHANGE_PROBLEM.response }, { segment: { mode: 'mrt' } });
  const reader = new ModelAnswerReader(backend(), MODEL);
  const missing = await readAnswersWithModel(t, reader);
  assert.equal(reader.stats.requests, 1, 'only the episode with no rule answer');
  assert.deepEqual(missing.episodes.map((e) => e.answerSource), ['rule', 'rule', 'rule', undefined]);
  const all = await readAnswersWithModel(t, new ModelAnswerReader(backend(), MODEL), 'all');
  // The fake reads "8" only from episode 1; NONE elsewhere removes the rule answers.
  assert.deepEqual(all.episodes.map((e) => [e.answer, e.answerSource]), [[undefined, undefined], ['8', 'model'], [undefined, undefined], [undefined, undefined]]);
  assert.equal(all.episodes[1].check, 'stated');
  assert.ok(validateTrace(all).ok);
});

test('an unreachable server fails the reading with the backend error (the trace is not silently left as is)', async () => {
  const reader = new ModelAnswerReader(new OllamaBackend({ host: 'http://127.0.0.1:9' }), MODEL);
  await assert.rejects(reader.read('p', 'excerpt'), (err: Error) => err.name === 'ModelError');
});
