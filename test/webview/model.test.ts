import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { BudgetPolicy, Episode, Trace } from '../../src/core/trace';
import type { RunEvent } from '../../src/runs/contract';
import { parseWebviewMessage } from '../../src/shared/protocol';
import { parseBudgetPolicy } from '../../src/core/budget-policy';
import { formFromPolicy, policyFromForm, type BudgetFormValues } from '../../webview/trace/model/budget-form';
import { compactEvents } from '../../webview/trace/model/event-queue';
import { findMatches, passesFilters, searchHits } from '../../webview/trace/model/filter';
import { applyEvents, emptyTrace, stateFromTrace } from '../../webview/trace/model/live-trace';
import { chartSeries, summarize } from '../../webview/trace/model/summary';
import { syntheticTrace } from '../../webview/dev/make-samples';

// ---------------------------------------------------------------- budget form

const policyArb: fc.Arbitrary<BudgetPolicy> = fc
  .record(
    {
      maxThinkingTokens: fc.integer({ min: 1, max: 10_000_000 }),
      minThinkingTokens: fc.integer({ min: 0, max: 10_000_000 }),
      extensions: fc.integer({ min: 0, max: 100 }),
      extensionText: fc.string({ minLength: 1, maxLength: 200 }).filter((t) => t.trim() !== ''),
      maxEpisodes: fc.integer({ min: 1, max: 100_000 }),
      earlyStop: fc.oneof(
        fc.constant(true),
        fc.record({ window: fc.integer({ min: 1, max: 1000 }) }),
        fc.record({ window: fc.integer({ min: 1, max: 1000 }), plateau: fc.double({ min: 0, max: 1, noNaN: true }) }),
        // A Dynasor policy survives the panel (it once came back as the per-episode rule).
        fc.record({ mode: fc.constant('dynasor' as const), everyTokens: fc.integer({ min: 8, max: 4096 }), window: fc.integer({ min: 1, max: 1000 }) }),
      ),
      vote: fc.integer({ min: 1, max: 64 }).chain((n) => fc.record({ n: fc.constant(n), m: fc.integer({ min: 1, max: n }), adaptive: fc.constant(true) }, { requiredKeys: ['n', 'm'] })),
      think: fc.constantFrom(true, false, 'low' as const, 'medium' as const, 'high' as const),
    },
    { requiredKeys: [] },
  )
  .filter((p) => p.minThinkingTokens === undefined || p.maxThinkingTokens === undefined || p.minThinkingTokens <= p.maxThinkingTokens);

test('budget form: policy → fields → policy gives the checked policy back (early-stop and vote objects completed with their defaults)', () => {
  fc.assert(
    fc.property(policyArb, fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }), (policy, samples) => {
      const probe = samples === undefined ? false : { samples };
      const parsed = policyFromForm(formFromPolicy(policy, probe));
      assert.deepEqual(parsed.errors, []);
      const checked = parseBudgetPolicy(policy);
      assert.ok(checked.ok);
      assert.deepEqual(parsed.policy, checked.policy);
      // Checking is idempotent: the form's own output survives another round trip unchanged.
      assert.deepEqual(policyFromForm(formFromPolicy(parsed.policy, probe)).policy, parsed.policy);
      assert.deepEqual(parsed.probe, probe);
    }),
    { numRuns: 500 },
  );
});

test('budget form: whatever the user types, an error-free result passes the host validator', () => {
  const text = fc.oneof(fc.constant(''), fc.integer({ min: -5, max: 20_000_000 }).map(String), fc.string({ maxLength: 8 }), fc.constant('1,000'), fc.constant('0.5'));
  const formArb: fc.Arbitrary<BudgetFormValues> = fc.record({
    maxThinkingTokens: text, minThinkingTokens: text, extensions: text, extensionText: fc.string({ maxLength: 210 }), maxEpisodes: text,
    earlyStop: fc.boolean(), earlyStopMode: fc.constantFrom('episode' as const, 'dynasor' as const), earlyStopWindow: text, earlyStopPlateau: text, earlyStopEvery: text,
    vote: fc.boolean(), voteN: text, voteM: text, voteAdaptive: fc.boolean(),
    think: fc.constantFrom('default', 'on', 'off', 'low', 'medium', 'high'),
    probe: fc.boolean(), samples: text,
  });
  fc.assert(
    fc.property(formArb, (values) => {
      const parsed = policyFromForm(values);
      const checked = parseWebviewMessage({ type: 'rerun', budget: parsed.policy, probe: parsed.probe });
      if (parsed.errors.length === 0) assert.ok(checked.ok, JSON.stringify(checked));
      for (const error of parsed.errors) assert.ok(error.field in values && error.message.length > 0);
    }),
    { numRuns: 1000 },
  );
});

test('budget form: names the field and the rule', () => {
  const values = { ...formFromPolicy({}, false), maxThinkingTokens: '100', minThinkingTokens: '500', vote: true, voteN: '3', voteM: '4', probe: true, samples: 'x' };
  const fields = policyFromForm(values).errors.map((e) => e.field).sort();
  assert.deepEqual(fields, ['minThinkingTokens', 'samples', 'voteM']);
  assert.deepEqual(policyFromForm({ ...formFromPolicy({}, false), maxThinkingTokens: '8_000' }).policy, { maxThinkingTokens: 8000 });
});

// ---------------------------------------------------------------- live trace

/** The events a run would emit for a finished trace, growing each episode in `step`-char chunks. */
function eventsFor(trace: Trace, step: number): RunEvent[] {
  const events: RunEvent[] = [{ type: 'started', id: trace.id, model: trace.model ?? 'm', problem: trace.problem, gold: trace.gold ?? null, policy: {}, at: 0 }];
  let tokens = 0;
  for (const episode of trace.episodes) {
    events.push({ type: 'episode-opened', episode: { ...episode, text: '', tokens: 0, labels: [], verdict: 'none', answer: undefined, progress: undefined } });
    for (let at = step; at < episode.text.length + step; at += step) {
      const text = episode.text.slice(0, at);
      events.push({ type: 'episode-grew', index: episode.index, text, end: episode.start + text.length, tokens: Math.round((episode.tokens * text.length) / Math.max(1, episode.text.length)) });
    }
    events.push({ type: 'episode-closed', episode: { ...episode, progress: undefined } });
    tokens += episode.tokens;
    events.push({ type: 'tokens', thinkingTokens: tokens, responseTokens: 0, elapsedMs: tokens });
    if (episode.answer !== undefined) events.push({ type: 'answer-seen', episodeIndex: episode.index, answer: episode.answer, verdict: episode.verdict });
    if (episode.progress) events.push({ type: 'probe-result', episodeIndex: episode.index, progress: episode.progress, prefixTokens: tokens });
  }
  return events;
}

test('live trace: replaying a run rebuilds its episodes, and batching/compaction does not change the result', () => {
  const trace = syntheticTrace(30, 80, 11);
  fc.assert(
    fc.property(fc.integer({ min: 5, max: 400 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }), (step, batchSizes) => {
      const events = eventsFor(trace, step);
      const oneByOne = stateFromTrace(emptyTrace('', '', null, null, {}), true);
      for (const e of events) applyEvents(oneByOne, [e]);
      const batched = stateFromTrace(emptyTrace('', '', null, null, {}), true);
      let i = 0;
      let b = 0;
      while (i < events.length) {
        const queue: RunEvent[] = [];
        const size = batchSizes[b++ % batchSizes.length];
        compactEvents(queue, events.slice(i, i + size));
        applyEvents(batched, queue);
        i += size;
      }
      assert.deepEqual(batched.trace, oneByOne.trace);
      assert.deepEqual(oneByOne.trace.episodes, trace.episodes);
      assert.equal(oneByOne.trace.metrics.thinkingTokens, trace.metrics.thinkingTokens);
    }),
    { numRuns: 40 },
  );
});

test('live trace: done replaces the trace and ends the live state; events for unknown episodes are ignored', () => {
  const trace = syntheticTrace(5);
  const state = stateFromTrace(emptyTrace('x', 'p', 'm', null, {}), true);
  const change = applyEvents(state, [{ type: 'episode-grew', index: 7, text: 'zzz', end: 3, tokens: 1 }, { type: 'answer-seen', episodeIndex: 9, answer: '1', verdict: 'correct' }]);
  assert.equal(state.trace.episodes.length, 0);
  assert.equal(change.episodes.size, 0);
  const done = applyEvents(state, [{ type: 'done', trace }]);
  assert.ok(done.replaced);
  assert.equal(state.live, false);
  assert.equal(state.status, 'done');
  assert.equal(state.trace, trace);
});

test('event queue: keeps only the last growth of an episode, never reorders kinds', () => {
  const queue: RunEvent[] = [];
  compactEvents(queue, [
    { type: 'episode-grew', index: 0, text: 'a', end: 1, tokens: 1 },
    { type: 'episode-grew', index: 0, text: 'ab', end: 2, tokens: 1 },
    { type: 'tokens', thinkingTokens: 1, responseTokens: 0, elapsedMs: 1 },
    { type: 'tokens', thinkingTokens: 2, responseTokens: 0, elapsedMs: 2 },
    { type: 'episode-grew', index: 0, text: 'abc', end: 3, tokens: 2 },
  ]);
  assert.deepEqual(queue.map((e) => e.type), ['episode-grew', 'tokens', 'episode-grew']);
  assert.equal((queue[2] as { text: string }).text, 'abc');
});

// ---------------------------------------------------------------- search, filters, summary

test('search: matches are exactly the case-insensitive occurrences, non-overlapping, in order', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), fc.string({ minLength: 1, maxLength: 4 }), (text, query) => {
      const matches = findMatches(text, query);
      let last = -1;
      for (const [start, end] of matches) {
        assert.ok(start >= last);
        assert.equal(text.slice(start, end).toLowerCase(), query.toLowerCase());
        last = end;
      }
      if (matches.length === 0) assert.equal(text.toLowerCase().includes(query.toLowerCase()) && text.length === text.toLowerCase().length && query.length === query.toLowerCase().length, false);
    }),
    { numRuns: 1000 },
  );
  assert.deepEqual(findMatches('Wait, wait. WAIT', 'wait'), [[0, 4], [6, 10], [12, 16]]);
  assert.deepEqual(findMatches('a.b', '.'), [[1, 2]], 'query is literal, not a pattern');
});

test('filters: labels are OR-ed, verdicts AND-ed with labels; hits only in visible episodes', () => {
  const e = (labels: Episode['labels'], verdict: Episode['verdict'], text: string): Episode => ({ index: 0, start: 0, end: text.length, text, tokens: 1, labels, verdict });
  assert.ok(passesFilters(e(['verification'], 'none', ''), { labels: ['verification', 'planning'], verdicts: [], query: '' }));
  assert.ok(!passesFilters(e(['computation'], 'none', ''), { labels: ['verification'], verdicts: [], query: '' }));
  assert.ok(!passesFilters(e(['verification'], 'none', ''), { labels: ['verification'], verdicts: ['correct'], query: '' }));
  const episodes = [e(['planning'], 'none', 'x wait x'), e(['verification'], 'none', 'wait wait')];
  assert.deepEqual(searchHits(episodes, { labels: ['verification'], verdicts: [], query: 'WAIT' }), [{ position: 1, occurrence: 0 }, { position: 1, occurrence: 1 }]);
});

test('summary: wasted tokens and chart series agree with the episodes', () => {
  const trace = syntheticTrace(200, 50, 5);
  const s = summarize(trace);
  const series = chartSeries(trace);
  assert.equal(series.tokens.length, 200);
  assert.equal(series.tokens[199], 200 * 50);
  assert.equal(s.firstCorrectAtTokens, (s.firstCorrectEpisode! + 1) * 50);
  assert.equal(s.tokensAfterFirstCorrect, 200 * 50 - s.firstCorrectAtTokens!);
  // Without stored metrics the same numbers are derived from the episodes.
  const bare = { ...trace, metrics: { ...trace.metrics, firstCorrectEpisode: null, tokensAfterFirstCorrect: null } };
  const derived = summarize(bare);
  assert.equal(derived.firstCorrectEpisode, s.firstCorrectEpisode);
  assert.equal(derived.tokensAfterFirstCorrect, s.tokensAfterFirstCorrect);
  assert.ok(Math.abs(derived.cumulativeRegret! - trace.episodes.reduce((n, ep) => n + 1 - ep.progress!.mu, 0)) < 1e-9);
});
