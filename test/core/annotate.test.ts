import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { annotateTrace, finalizeTrace, reannotateTrace, traceId, TraceAnnotator, type TraceInput } from '../../src/core/annotate';
import { validateTrace } from '../../src/core/schema';
import { episodeVerdict, gradeFinal } from '../../src/core/verdicts';
import { selfCheckOutcome } from '../../src/core/self-check';
import type { Trace } from '../../src/core/trace';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const examples = readFileSync(join(root, 'examples/traces.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { id: string; problem: string; gold: string; output: string });

function input(i: number): TraceInput {
  const e = examples[i];
  return { id: e.id, problem: e.problem, gold: e.gold, source: { kind: 'test' }, raw: e.output };
}

function valid(t: Trace): Trace {
  const r = validateTrace(t);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  return t;
}

test('verdict rules: none without gold or answer, equivalence decides otherwise', () => {
  assert.equal(episodeVerdict(undefined, '2'), 'none');
  assert.equal(episodeVerdict('2', null), 'none');
  assert.equal(episodeVerdict('2', '  '), 'none');
  assert.equal(episodeVerdict('\\frac{1}{2}', '0.5'), 'correct');
  assert.equal(episodeVerdict('3/4', '0.5'), 'incorrect');
  assert.deepEqual(selfCheckOutcome(['verification'], '1/2', '0.5'), { check: 'confirmed', standingAnswer: '0.5' });
  assert.deepEqual(selfCheckOutcome(['verification'], '1/2', '3/4'), { check: 'changed', standingAnswer: '3/4' });
  assert.equal(selfCheckOutcome(['computation'], '1/2', '3/4'), undefined);
  assert.deepEqual(selfCheckOutcome(['verification'], undefined, '3/4'), { check: 'no-answer', standingAnswer: '3/4' });
  assert.deepEqual(selfCheckOutcome(['verification'], undefined, undefined), { check: 'no-answer' });
  assert.deepEqual(selfCheckOutcome(['verification', 'answer'], '7', undefined), { check: 'stated' });
  assert.deepEqual(gradeFinal('7', null), { correct: null });
  assert.equal(gradeFinal(null, '7').correct, false);
});

test('annotateTrace: episodes cover the thinking, equivalent final answer is correct', () => {
  const t = valid(annotateTrace(input(0)));
  assert.equal(t.id, 'example-hexagon');
  assert.equal(t.episodes.map((e) => e.text).join(''), t.thinking);
  assert.ok(t.episodes.length >= 2, 'the "Wait, let me double-check" paragraph opens an episode');
  assert.equal(t.final.answer !== null && t.final.correct, true, `final ${JSON.stringify(t.final)}`);
  assert.equal(t.metrics.episodes, t.episodes.length);
  assert.equal(t.source.segmentation?.mode, 'auto');
  for (const ep of t.episodes) assert.ok(ep.tokens > 0);
});

test('annotateTrace: an answer changed on re-check gives verdicts and a "changed" check when labelled verification', () => {
  const t = valid(annotateTrace(input(1)));
  const answers = t.episodes.map((e) => [e.answer, e.verdict]);
  assert.ok(answers.some(([a, v]) => a !== undefined && v === 'incorrect'), JSON.stringify(answers));
  assert.ok(answers.some(([a, v]) => a !== undefined && v === 'correct'), JSON.stringify(answers));
  assert.equal(t.final.correct, true);
  assert.ok(t.metrics.firstCorrectEpisode !== null);
  // Whatever the labeller says, every verification episode and only those carry an outcome.
  let running: string | undefined;
  for (const ep of t.episodes) {
    assert.equal(ep.check !== undefined, ep.labels.includes('verification'), `episode ${ep.index}`);
    if (ep.check) {
      assert.equal(ep.check, selfCheckOutcome(ep.labels, ep.answer, running)?.check);
      assert.equal(ep.standingAnswer, running);
    }
    if (ep.answer !== undefined) running = ep.answer;
  }
  assert.ok(t.episodes.every((e) => (e.answer === undefined) === (e.answerSource === undefined)), 'answerSource is set with every answer');
  assert.ok(t.episodes.every((e) => e.answerSource === undefined || e.answerSource === 'rule'));
});

test('annotateTrace: a cut-off trace is truncated; its final answer comes only from an explicit statement in the thinking', () => {
  const cut = valid(annotateTrace(input(2)));
  assert.equal(cut.truncated, true);
  assert.equal(cut.response, '');
  // The example ends mid-list of divisors: the last number there (3600) is not an answer; the
  // conclusion stated before the list ("the number of divisors should be 45") is.
  assert.deepEqual([cut.final.answer, cut.final.correct], ['45', true]);
  assert.match(cut.final.reason ?? '', /from the thinking/);
  const listOnly = valid(annotateTrace({ problem: 'How many divisors?', gold: '45', source: { kind: 'test' }, raw: '<think>\nLet me list them: 1, 2, 3, 4, 6' }));
  assert.deepEqual([listOnly.final.answer, listOnly.final.correct], [null, false]);
  const stated = valid(annotateTrace({ problem: 'p', gold: '45', source: { kind: 'test' }, raw: '<think>\nSo the final answer is 45.\n\nLet me list them: 1, 2, 3' }));
  assert.deepEqual([stated.final.answer, stated.final.correct], ['45', true]);
  assert.match(stated.final.reason ?? '', /from the thinking/);
});

test('annotateTrace: empty thinking gives no episodes and still a valid trace', () => {
  const t = valid(annotateTrace({ problem: 'p', gold: '1', source: { kind: 'test' }, raw: '<think></think>\\boxed{1}' }));
  assert.deepEqual(t.episodes, []);
  assert.equal(t.final.correct, true);
  const plain = valid(annotateTrace({ problem: 'p', source: { kind: 'test' }, raw: 'just an answer: 3' }));
  assert.equal(plain.thinking, '');
  assert.equal(plain.final.correct, null);
});

test('trace ids: the input id, else a stable 14-digit hash of problem and thinking', () => {
  const a = annotateTrace({ ...input(0), id: undefined });
  assert.match(a.id, /^[0-9a-f]{14}$/);
  assert.equal(a.id, traceId(a.problem, a.thinking));
  assert.equal(annotateTrace({ ...input(0), id: undefined }).id, a.id);
  assert.notEqual(traceId('p', 'x'), traceId('p', 'y'));
});

test('property: TraceAnnotator fed in any chunking gives the same episodes as annotateTrace', () => {
  const whole = examples.map((_, i) => annotateTrace(input(i)));
  fc.assert(
    fc.property(fc.integer({ min: 0, max: examples.length - 1 }), fc.array(fc.integer({ min: 1, max: 90 }), { minLength: 1, maxLength: 6 }), (i, sizes) => {
      const ref = whole[i];
      const ann = new TraceAnnotator({ gold: ref.gold, problem: ref.problem });
      const emitted = [];
      let at = 0;
      let k = 0;
      while (at < ref.thinking.length) {
        const n = sizes[k++ % sizes.length];
        emitted.push(...ann.pushThinking(ref.thinking.slice(at, at + n)));
        const open = ann.openEpisode();
        if (open) assert.equal(open.start + open.text.length, at + Math.min(n, ref.thinking.length - at));
        at += n;
      }
      emitted.push(...ann.finishThinking());
      assert.deepEqual(emitted, ref.episodes);
      assert.deepEqual(ann.episodes, ref.episodes);
      assert.equal(ann.thinking, ref.thinking);
      assert.equal(ann.openEpisode(), null);
    }),
    { numRuns: 40 },
  );
});

test('setGold re-grades closed episodes', () => {
  const ann = new TraceAnnotator({ gold: null });
  const t = annotateTrace(input(1));
  ann.pushThinking(t.thinking);
  ann.finishThinking();
  assert.ok(ann.episodes.every((e) => e.verdict === 'none'));
  ann.setGold('0.5');
  assert.deepEqual(
    ann.episodes.map((e) => e.verdict),
    t.episodes.map((e) => e.verdict),
  );
});

test('finalizeTrace keeps a given final answer (e.g. a vote) and carries live metrics', () => {
  const base = annotateTrace(input(0));
  const { final: _f, metrics: _m, ...rest } = base;
  const t = valid(finalizeTrace({ ...rest, final: { answer: '721', correct: null }, metrics: { ...base.metrics, durationMs: 1234, evalTokens: 99 } }));
  assert.equal(t.final.answer, '721');
  assert.equal(t.final.correct, false);
  assert.equal(t.metrics.durationMs, 1234);
  assert.equal(t.metrics.evalTokens, 99);
});

test('finalizeTrace computes regret from probed episodes at the policy budget', () => {
  const base = annotateTrace(input(0));
  const episodes = base.episodes.map((e, i) => ({ ...e, progress: { mu: i === 0 ? 0.5 : 1, delta: 0, samples: 4, answers: {}, basis: 'gold' as const } }));
  const t = valid(finalizeTrace({ ...base, episodes, budget: { policy: { maxThinkingTokens: 1000 }, decisions: [], stop: 'done' } }));
  assert.equal(t.metrics.cumulativeRegret, 0.5);
  assert.equal(t.metrics.regret?.[0].budget, 1000);
});

test('reannotateTrace: new segmentation, progress kept where spans match, budget and error kept', () => {
  const first = annotateTrace(input(0));
  const withLive: Trace = {
    ...first,
    episodes: first.episodes.map((e) => ({ ...e, progress: { mu: 1, delta: 0, samples: 2, answers: { '720': 2 }, basis: 'gold' } })),
    budget: { policy: {}, decisions: [], stop: 'done' },
    error: 'stream ended early',
  };
  const again = valid(reannotateTrace(withLive));
  assert.deepEqual(again.episodes.map((e) => e.progress?.mu), first.episodes.map(() => 1));
  assert.equal(again.error, 'stream ended early');
  assert.deepEqual(again.budget, withLive.budget);
  const sentences = valid(reannotateTrace(withLive, { segment: { mode: 'sentence' } }));
  assert.ok(sentences.episodes.length > first.episodes.length);
  assert.equal(sentences.source.segmentation?.mode, 'sentence');
});
