import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { validateTrace, fieldPath } from '../../src/core/schema';
import type { Episode, Trace } from '../../src/core/trace';

/** A valid trace whose episodes cut `thinking` at the given offsets. */
function traceWithCuts(thinking: string, cuts: number[]): Trace {
  const bounds = [0, ...[...new Set(cuts)].filter((c) => c > 0 && c < thinking.length).sort((a, b) => a - b), thinking.length];
  const episodes: Episode[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const [start, end] = [bounds[i], bounds[i + 1]];
    episodes.push({ index: i, start, end, text: thinking.slice(start, end), tokens: end - start, labels: [], verdict: 'none' });
  }
  if (thinking === '') episodes.length = 0;
  return {
    version: 1,
    id: 't1',
    problem: 'What is 1+1?',
    gold: '2',
    model: null,
    source: { kind: 'test', extra: { anything: [1, { deep: true }] } },
    thinking,
    response: 'The answer is \\boxed{2}.',
    episodes,
    final: { answer: '2', correct: true },
    metrics: { thinkingTokens: 3, responseTokens: 5, episodes: episodes.length, firstCorrectEpisode: null, tokensAfterFirstCorrect: null },
  };
}

const sample = () => traceWithCuts('First, 1+1=2.\n\nWait, check: 1+1 is 2.\n\nSo 2.', [15, 38]);

function validErrors(value: unknown) {
  const r = validateTrace(value);
  return r.ok ? [] : r.errors;
}

function errorsOf(value: unknown) {
  const r = validateTrace(value);
  assert.equal(r.ok, false, 'expected the trace to be rejected');
  return r.ok ? [] : r.errors;
}

test('a well-formed trace validates and is returned as is', () => {
  const t = sample();
  const r = validateTrace(t);
  assert.deepEqual(r, { ok: true, trace: t });
});

test('fieldPath turns JSON pointers into dotted paths with indexes', () => {
  assert.equal(fieldPath('/episodes/3/verdict'), 'episodes[3].verdict');
  assert.equal(fieldPath('/episodes/0', 'text'), 'episodes[0].text');
  assert.equal(fieldPath(''), '(record)');
});

test('schema errors name the field and say what is wrong', () => {
  const t = sample() as unknown as Record<string, any>;
  t.episodes[1].verdict = 'maybe';
  delete t.episodes[2].text;
  t.version = 3;
  t.extraField = 1;
  t.metrics.firstCorrectEpisode = -1;
  const errors = errorsOf(t);
  const byField = new Map(errors.map((e) => [e.field, e.message]));
  assert.match(byField.get('episodes[1].verdict') ?? '', /must be one of "correct", "incorrect", "none", got "maybe"/);
  assert.equal(byField.get('episodes[2].text'), 'is required');
  assert.match(byField.get('version') ?? '', /must be one of 1, 2, got 3/);
  assert.match(byField.get('extraField') ?? '', /not a field/);
  assert.ok(byField.has('metrics.firstCorrectEpisode'));
});

test('version 2: its optional fields validate, version-1 records stay valid, and a version-1 record carrying them is refused by name', () => {
  const v1 = sample();
  v1.version = 1;
  assert.deepEqual(validErrors(v1), []);
  const v2 = sample() as unknown as Record<string, any>;
  v2.version = 2;
  v2.probes = {
    recipe: 'mrt', k: 8, sampling: 'fixed', temperature: 0.6, topP: 0.95, maxTokens: 4096, basis: 'gold',
    interval: { method: 'clopper-pearson', level: 0.95 }, deltaInterval: 'mover-clopper-pearson', promptTokenCounter: 'server',
    prefix0: { mu: 0.125, interval: [0.003, 0.527], samples: 8, correct: 1, noAnswer: 2, answers: { '42': 1, '41': 5 }, entropy: 1.3, promptTokens: 80, rolloutTokens: 900 },
    tokens: 12000,
  };
  v2.episodes[0].progress = { mu: 0.5, interval: [0.157, 0.843], delta: 0.375, deltaInterval: [-0.1, 0.7], samples: 8, correct: 4, noAnswer: 0, answers: { '42': 4, '41': 4 }, entropy: 1, basis: 'gold', promptTokens: 120, rolloutTokens: 700 };
  v2.episodes[1].importance = { method: 'counterfactual-kl', value: 0.4, interval: [0.1, 0.9], samples: 20, similar: 3, settled: 'ranked' };
  v2.metrics.regret = [{ budget: 4096, normalized: 0.4, comparator: 'oracle' }];
  v2.metrics.cumulativeRegret = [{ comparator: 'oracle', k: 3, value: 1.2, normalized: 0.4 }, { comparator: 'majority', k: 3, value: null, normalized: null }];
  v2.metrics.tokenCounter = 'tokenizer:qwen2.5';
  v2.metrics.probeTokens = 12000;
  v2.budget = { policy: { vote: { n: 8, m: 3 } }, decisions: [], stop: 'done', attempts: [{ index: 0, thinkingTokens: 100, responseTokens: 10, answer: '42', stop: 'done' }] };
  assert.deepEqual(validErrors(v2), []);

  const bad = structuredClone(v2);
  bad.episodes[0].progress.interval = [0.2];
  bad.probes.recipe = 'fast';
  bad.metrics.tokenCounter = 'guess';
  const byField = new Map(errorsOf(bad).map((e) => [e.field, e.message]));
  assert.ok(byField.has('episodes[0].progress.interval'));
  assert.match(byField.get('probes.recipe') ?? '', /must be one of "mrt", "quick", got "fast"/);
  assert.ok(byField.has('metrics.tokenCounter'));

  const mislabelled = structuredClone(v2);
  mislabelled.version = 1;
  const fields = errorsOf(mislabelled).map((e) => e.field);
  assert.deepEqual(fields, ['probes', 'metrics.cumulativeRegret', 'metrics.tokenCounter', 'metrics.probeTokens', 'metrics.regret[0].comparator']);
  assert.match(errorsOf(mislabelled)[0].message, /version 2, but the record says "version": 1/);
});

test('non-objects are rejected without throwing', () => {
  for (const v of [null, 42, 'text', [], [1, 2]]) assert.equal(errorsOf(v)[0].field, '(record)');
});

test('semantic checks: end before start, past thinking, wrong text, bad index, overlap, gaps', () => {
  let t = sample();
  t.episodes[2].end = t.episodes[2].start - 1;
  assert.ok(errorsOf(t).some((e) => e.field === 'episodes[2].end' && /must be >= start/.test(e.message)));

  t = sample();
  t.episodes[2].end = t.thinking.length + 5;
  assert.ok(errorsOf(t).some((e) => e.field === 'episodes[2].end' && /thinking length/.test(e.message)));

  t = sample();
  t.episodes[1].text = 'something else';
  assert.ok(errorsOf(t).some((e) => e.field === 'episodes[1].text'));

  t = sample();
  t.episodes[1].index = 7;
  assert.ok(errorsOf(t).some((e) => e.field === 'episodes[1].index'));

  t = sample();
  t.episodes[1].start -= 3;
  t.episodes[1].text = t.thinking.slice(t.episodes[1].start, t.episodes[1].end);
  assert.ok(errorsOf(t).some((e) => e.field === 'episodes[1].start' && /previous episode/.test(e.message)));

  t = sample();
  t.episodes[1].start += 3;
  t.episodes[1].text = t.thinking.slice(t.episodes[1].start, t.episodes[1].end);
  assert.ok(errorsOf(t).some((e) => e.field === 'episodes[1].start' && /uncovered/.test(e.message)));

  t = sample();
  t.metrics.episodes = 9;
  assert.ok(errorsOf(t).some((e) => e.field === 'metrics.episodes'));
});

test('whitespace between episodes is allowed (segmenters may drop paragraph breaks)', () => {
  const thinking = 'A.\n\nB.\n\n';
  const t = traceWithCuts(thinking, []);
  t.episodes = [
    { index: 0, start: 0, end: 2, text: 'A.', tokens: 1, labels: [], verdict: 'none' },
    { index: 1, start: 4, end: 6, text: 'B.', tokens: 1, labels: [], verdict: 'none' },
  ];
  t.metrics.episodes = 2;
  assert.equal(validateTrace(t).ok, true);
});

test('property: any cut of any thinking text validates; shifting one offset does not', () => {
  fc.assert(
    fc.property(fc.string({ minLength: 2, maxLength: 200, unit: 'grapheme' }), fc.array(fc.nat(), { maxLength: 8 }), (thinking, cuts) => {
      const t = traceWithCuts(thinking, cuts.map((c) => c % thinking.length));
      assert.equal(validateTrace(t).ok, true);
      const broken = structuredClone(t);
      broken.episodes[0].end = thinking.length + 1;
      assert.equal(validateTrace(broken).ok, false);
    }),
  );
});

test('answer source, answer range and every self-check outcome validate; old "confirmed"/"changed" traces still do', () => {
  const t = sample();
  const [e0, e1, e2] = t.episodes;
  e0.answer = '2';
  e0.answerSource = 'rule';
  e0.answerRange = [e0.start + 6, e0.start + 11];
  e1.labels = ['verification'];
  e1.answer = '2';
  e1.answerSource = 'model';
  e1.check = 'confirmed';
  e1.standingAnswer = '2';
  e2.labels = ['verification'];
  e2.check = 'no-answer';
  e2.standingAnswer = '2';
  assert.ok(validateTrace(t).ok, JSON.stringify(validateTrace(t)));
  for (const check of ['changed', 'stated'] as const) assert.ok(validateTrace({ ...t, episodes: [e0, { ...e1, check }, e2] }).ok);
  const old = sample();
  old.episodes[1].answer = '2';
  old.episodes[1].check = 'changed';
  assert.ok(validateTrace(old).ok, 'a trace written before the new fields');
});

test('bad answer fields name the field: unknown source or outcome, a range outside the episode, a source without an answer', () => {
  const t = sample();
  const e = t.episodes[0];
  assert.match(errorsOf({ ...t, episodes: [{ ...e, answer: '2', answerSource: 'guess' }, ...t.episodes.slice(1)] })[0].message, /must be one of "rule", "model"/);
  assert.equal(errorsOf({ ...t, episodes: [{ ...e, check: 'maybe' }, ...t.episodes.slice(1)] })[0].field, 'episodes[0].check');
  const outside = errorsOf({ ...t, episodes: [{ ...e, answer: '2', answerRange: [0, e.end + 1] }, ...t.episodes.slice(1)] });
  assert.deepEqual(outside.map((x) => x.field), ['episodes[0].answerRange']);
  assert.match(outside[0].message, /within the episode/);
  const reversed = errorsOf({ ...t, episodes: [{ ...e, answer: '2', answerRange: [5, 2] }, ...t.episodes.slice(1)] });
  assert.match(reversed[0].message, /start <= end/);
  assert.equal(errorsOf({ ...t, episodes: [{ ...e, answerSource: 'rule' }, ...t.episodes.slice(1)] })[0].field, 'episodes[0].answerSource');
  assert.equal(errorsOf({ ...t, episodes: [{ ...e, answer: '2', answerRange: [1] }, ...t.episodes.slice(1)] })[0].field, 'episodes[0].answerRange');
});
