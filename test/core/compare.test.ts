/**
 * Compare Traces core: alignment by episode index and by token position, the divergence point
 * (checked against a brute-force definition), the summary rows and their difference flags, on
 * synthetic traces, fast-check properties, and real traces of one problem by two models.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { annotateTrace } from '../../src/core/annotate';
import { alignEpisodes, compareTraces, describeDivergence, findDivergence, MAX_COMPARED, muInterval, reduceTrace, sameAnswer, summaryTable, type ComparedEpisode } from '../../src/core/compare';
import type { Episode, Trace } from '../../src/core/trace';
import { readTracesAnyFormat } from '../../src/io/read-traces';
import { dataPath, skipWithoutData } from '../support/shared-data';

/** A trace with these episodes: [tokens, answer?, mu?]. */
function traceOf(id: string, episodes: [number, string?, number?][], extra: Partial<Trace> = {}): Trace {
  let at = 0;
  const eps: Episode[] = episodes.map(([tokens, answer, mu], index) => {
    const text = `episode ${index}`;
    const e: Episode = { index, start: at, end: at + text.length, text, tokens, labels: [], verdict: answer === undefined ? 'none' : answer === '42' ? 'correct' : 'incorrect' };
    at += text.length;
    if (answer !== undefined) e.answer = answer;
    if (mu !== undefined) e.progress = { mu, delta: 0, samples: 8, answers: {}, basis: 'gold', ci: 0.1 };
    return e;
  });
  const thinkingTokens = episodes.reduce((n, [t]) => n + t, 0);
  return {
    version: 1,
    id,
    problem: 'What is 6 times 7?',
    gold: '42',
    model: `model-${id}`,
    source: { kind: 'test' },
    thinking: eps.map((e) => e.text).join(''),
    response: '',
    episodes: eps,
    final: { answer: eps.filter((e) => e.answer).pop()?.answer ?? null, correct: null },
    metrics: { thinkingTokens, responseTokens: 0, episodes: eps.length, firstCorrectEpisode: null, tokensAfterFirstCorrect: null },
    ...extra,
  };
}

test('alignment by index: one row per episode index, null past a trace\'s end', () => {
  const a = reduceTrace(traceOf('a', [[10], [20], [30]]), 'a');
  const b = reduceTrace(traceOf('b', [[5]]), 'b');
  assert.deepEqual(alignEpisodes([a, b], 'index'), [
    { at: 0, episodes: [0, 0] },
    { at: 1, episodes: [1, null] },
    { at: 2, episodes: [2, null] },
  ]);
});

test('alignment by tokens: one row per distinct episode end, each holding the episode that contains it', () => {
  const a = reduceTrace(traceOf('a', [[10], [20], [30]]), 'a'); // ends 10, 30, 60
  const b = reduceTrace(traceOf('b', [[15], [15]]), 'b'); // ends 15, 30
  assert.deepEqual(alignEpisodes([a, b], 'tokens'), [
    { at: 10, episodes: [0, 0] },
    { at: 15, episodes: [1, 0] },
    { at: 30, episodes: [1, 1] },
    { at: 60, episodes: [2, null] },
  ]);
});

const episodeTokens = fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 0, maxLength: 25 });

test('property: token alignment rows are the sorted union of episode ends, and each episode named contains its row', () => {
  fc.assert(
    fc.property(fc.array(episodeTokens, { minLength: 2, maxLength: 5 }), (lists) => {
      const traces = lists.map((l, i) => reduceTrace(traceOf(String(i), l.map((t) => [t] as [number])), String(i)));
      const rows = alignEpisodes(traces, 'tokens');
      const ends = [...new Set(traces.flatMap((t) => t.episodes.map((e) => e.endTokens)))].sort((x, y) => x - y);
      assert.deepEqual(rows.map((r) => r.at), ends);
      for (const row of rows) {
        row.episodes.forEach((k, i) => {
          const eps = traces[i].episodes;
          if (k === null) assert.ok(eps.length === 0 || eps[eps.length - 1].endTokens < row.at);
          else assert.ok(eps[k].startTokens < row.at && row.at <= eps[k].endTokens, `episode ${k} of trace ${i} holds ${row.at}`);
        });
      }
      // Index rows: as many as the longest trace; trace i has an episode in row j iff j < its length.
      const byIndex = alignEpisodes(traces, 'index');
      assert.equal(byIndex.length, Math.max(0, ...traces.map((t) => t.episodes.length)));
      for (const row of byIndex) row.episodes.forEach((k, i) => assert.equal(k, row.at < traces[i].episodes.length ? row.at : null));
    }),
    { numRuns: 300 },
  );
});

test('divergence: first point where two running answers are both present and differ', () => {
  const a = reduceTrace(traceOf('a', [[10], [10, '5'], [10, '5']]), 'a');
  const b = reduceTrace(traceOf('b', [[10], [10, '5'], [10, '7']]), 'b');
  const byIndex = findDivergence([a, b], 'index');
  assert.deepEqual(byIndex, { alignment: 'index', at: 2, episodes: [2, 2], answers: ['5', '7'], pair: [0, 1] });
  // By tokens: b states 7 at the end of its episode 0 (5 tokens); a states nothing until 20.
  const c = reduceTrace(traceOf('c', [[10], [10, '5'], [10]]), 'c');
  const d = reduceTrace(traceOf('d', [[5, '7'], [30]]), 'd');
  assert.deepEqual(findDivergence([c, d], 'tokens'), { alignment: 'tokens', at: 20, episodes: [1, 0], answers: ['5', '7'], pair: [0, 1] });
  // A trace that has ended keeps its last answer.
  const e = reduceTrace(traceOf('e', [[10, '5']]), 'e');
  const f = reduceTrace(traceOf('f', [[10], [10], [10, '6']]), 'f');
  assert.equal(findDivergence([e, f], 'index')?.at, 2);
  assert.equal(findDivergence([e, f], 'tokens')?.at, 30);
});

test('divergence: equivalent answers (0.5 and \\frac{1}{2}) are not a divergence; none stated is not either', () => {
  assert.ok(sameAnswer('0.5', '\\frac{1}{2}'));
  const a = reduceTrace(traceOf('a', [[10, '0.5'], [10]]), 'a');
  const b = reduceTrace(traceOf('b', [[10], [10, '\\frac{1}{2}']]), 'b');
  assert.equal(findDivergence([a, b], 'index'), null);
  assert.equal(findDivergence([a, b], 'tokens'), null);
  const comparison = compareTraces([{ trace: traceOf('a', [[10, '0.5']]) }, { trace: traceOf('b', [[10, '\\frac12']]) }]);
  assert.equal(comparison.summary.find((r) => r.key === 'finalAnswer')!.differs, false, 'equivalent final answers are not flagged');
  assert.match(describeDivergence(comparison, 'index'), /never disagree/);
});

/** Running answers at each aligned point, computed the slow way from the definition. */
function runningAt(eps: ComparedEpisode[], by: 'index' | 'tokens', at: number): string | null {
  let answer: string | null = null;
  for (const e of eps) {
    const closed = by === 'index' ? e.index <= at : e.endTokens <= at;
    if (closed && e.answer !== null) answer = e.answer;
  }
  return answer;
}

const episodeWithAnswer = fc.tuple(fc.integer({ min: 1, max: 50 }), fc.option(fc.constantFrom('1', '2', '3', '0.5', '\\frac{1}{2}'), { nil: undefined }));

test('property: the divergence is the first aligned point where the brute-force running answers disagree; order and self-comparison', () => {
  fc.assert(
    fc.property(fc.array(fc.array(episodeWithAnswer, { maxLength: 12 }), { minLength: 2, maxLength: 4 }), fc.constantFrom<'index' | 'tokens'>('index', 'tokens'), (lists, by) => {
      const traces = lists.map((l, i) => reduceTrace(traceOf(String(i), l.map(([t, a]) => (a === undefined ? [t] : [t, a]) as [number, string?])), String(i)));
      const points = alignEpisodes(traces, by).map((r) => r.at);
      const disagreeAt = (at: number) => {
        const answers = traces.map((t) => runningAt(t.episodes, by, at)).filter((a): a is string => a !== null);
        return answers.some((x, i) => answers.some((y, k) => k > i && !sameAnswer(x, y)));
      };
      const expected = points.find(disagreeAt);
      const found = findDivergence(traces, by);
      assert.equal(found?.at, expected);
      if (found) {
        const [i, k] = found.pair;
        assert.ok(found.answers[i] !== null && found.answers[k] !== null && !sameAnswer(found.answers[i]!, found.answers[k]!));
      }
      // Reversing the traces finds the same point.
      assert.equal(findDivergence([...traces].reverse(), by)?.at, expected);
      // A trace never diverges from itself.
      assert.equal(findDivergence([traces[0], traces[0]], by), null);
    }),
    { numRuns: 300 },
  );
});

test('property: comparing a trace with itself flags no row but the ones that only name the trace', () => {
  fc.assert(
    fc.property(fc.array(episodeWithAnswer, { minLength: 1, maxLength: 10 }), fc.boolean(), (list, probed) => {
      const trace = traceOf('x', list.map(([t, a], i) => [t, a, probed ? i / list.length : undefined] as [number, string?, number?]));
      const comparison = compareTraces([{ trace }, { trace }]);
      assert.deepEqual(comparison.summary.filter((r) => r.differs).map((r) => r.key), []);
      assert.deepEqual(comparison.traces.map((t) => t.label), ['model-x #1', 'model-x #2']);
      assert.equal(comparison.sameProblem, true);
    }),
    { numRuns: 200 },
  );
});

test('summary: tokens, first correct, regret at the common budget, verdicts, stop and budget decisions, with differences flagged', () => {
  const a = traceOf('a', [[100, '41', 0.25], [100, '42', 0.75], [100, '42', 1]], {
    budget: { policy: { maxThinkingTokens: 300 }, decisions: [{ kind: 'forced-stop', atTokens: 300, atEpisode: 2, detail: 'cap' }], stop: 'budget' },
    final: { answer: '42', correct: true },
  });
  const b = traceOf('b', [[100, '41', 0.25], [100, '41', 0.25], [100, '41', 0.5], [100, '42', 1]], {
    budget: { policy: {}, decisions: [], stop: 'done' },
    final: { answer: '42', correct: true },
  });
  const c = compareTraces([{ trace: a, label: 'budget 300' }, { trace: b, label: 'no budget' }]);
  const row = (key: string) => c.summary.find((r) => r.key === key)!;
  assert.deepEqual(row('thinkingTokens').cells.map((x) => x.text), ['300', '400']);
  assert.equal(row('thinkingTokens').differs, true);
  assert.deepEqual(row('firstCorrectEpisode').cells.map((x) => x.text), ['#1', '#3']);
  assert.deepEqual(row('firstCorrectTokens').cells.map((x) => x.value), [200, 400]);
  assert.deepEqual(row('cumulativeRegret').cells.map((x) => x.text), ['1.00', '2.00']);
  // C = 400 (the longest): a = 1 - (12.5 + 50 + 87.5 + 100)/400 = 0.375; b = 1 - (12.5 + 25 + 37.5 + 75)/400 = 0.625.
  assert.equal(c.regretBudget, 400);
  assert.deepEqual(row('normalizedRegret').cells.map((x) => x.value), [0.375, 0.625]);
  assert.deepEqual(row('finalAnswer').cells.map((x) => x.text), ['42', '42']);
  assert.equal(row('finalAnswer').differs, false);
  assert.equal(row('verdict').differs, false);
  assert.deepEqual(row('stop').cells.map((x) => x.text), ['budget', 'done']);
  assert.deepEqual(row('budget').cells.map((x) => x.text), ['max 300 thinking tokens', 'none']);
  assert.deepEqual(row('decisions').cells.map((x) => x.text), ['forced-stop at 300', 'none']);
  assert.equal(c.divergence.index?.at, 1, 'a says 42 after episode 1, b still 41');
  assert.deepEqual(c.traces[0].episodes[0].interval, [0.15, 0.35]);
  const table = summaryTable(c);
  assert.deepEqual(table[0], ['', 'budget 300', 'no budget']);
  assert.ok(table.some((r) => r[0] === '* Thinking tokens'));
  assert.ok(table.some((r) => r[0] === '  Final answer'));
});

test('mu intervals: a recorded interval wins over ±ci; both clipped to [0, 1]', () => {
  assert.deepEqual(muInterval({ mu: 0.9, delta: 0, samples: 4, answers: {}, basis: 'gold', ci: 0.2 }), [0.7, 1]);
  assert.deepEqual(muInterval({ mu: 0.5, delta: 0, samples: 4, answers: {}, basis: 'gold', interval: [0.2, 0.8] } as never), [0.2, 0.8]);
  assert.equal(muInterval({ mu: 0.5, delta: 0, samples: 4, answers: {}, basis: 'gold' }), null);
  assert.equal(muInterval(undefined), null);
});

test('compare takes 2 to MAX_COMPARED traces', () => {
  const t = traceOf('t', [[1]]);
  assert.throws(() => compareTraces([{ trace: t }]), /at least two/);
  assert.throws(() => compareTraces(Array.from({ length: MAX_COMPARED + 1 }, () => ({ trace: t }))), /at most/);
  assert.equal(compareTraces(Array.from({ length: MAX_COMPARED }, () => ({ trace: t }))).traces.length, MAX_COMPARED);
  const other = { ...t, problem: 'Something else' };
  assert.equal(compareTraces([{ trace: t }, { trace: other }]).sameProblem, false);
});

test('annotated raw text: comparing two budgets of one solution', () => {
  const long = annotateTrace({ problem: 'What is 6 times 7?', gold: '42', source: { kind: 'test' }, raw: '<think>Six sevens: the answer is \\boxed{48}.\n\nWait, 6 times 7 is 42, so the answer is \\boxed{42}.</think>The answer is \\boxed{42}.' });
  const short = annotateTrace({ problem: 'What is 6 times 7?', gold: '42', source: { kind: 'test' }, raw: '<think>Six sevens: the answer is \\boxed{48}.</think>The answer is \\boxed{48}.' });
  const c = compareTraces([{ trace: long, label: 'long' }, { trace: short, label: 'short' }]);
  assert.equal(c.summary.find((r) => r.key === 'verdict')!.differs, true);
  assert.equal(c.divergence.index?.at, 0);
  assert.match(describeDivergence(c, 'index'), /after episode #0: long says 42 \(episode #0\), short says 48 \(episode #0\)/);
  // By tokens the short trace has ended (its one episode closed at 12) when the long one closes its first.
  assert.equal(c.divergence.tokens?.at, long.episodes[0].tokens);
  assert.match(describeDivergence(c, 'tokens'), new RegExp(`at ${long.episodes[0].tokens} thinking tokens: long says 42 \\(episode #0\\), short says 48 \\(episode #0, its last\\)`));
});

test('real traces of one problem by two models (thought-anchors.com problem_330): one right, one wrong', { skip: skipWithoutData('traces', 'thought-anchors.com') }, async () => {
  const read = async (model: string, kind: string) => {
    const r = await readTracesAnyFormat(dataPath('traces', 'thought-anchors.com', model, `${kind}_base_solution`, 'problem_330', 'base_solution.json'));
    assert.deepEqual(r.errors, []);
    assert.equal(r.traces.length, 1);
    return r.traces[0].trace;
  };
  const right = await read('deepseek-r1-distill-llama-8b', 'correct');
  const wrong = await read('deepseek-r1-distill-qwen-14b', 'incorrect');
  const c = compareTraces([{ trace: right }, { trace: wrong }]);
  assert.equal(c.sameProblem, true);
  assert.deepEqual(c.traces.map((t) => t.label), ['deepseek-r1-distill-llama-8b', 'deepseek-r1-distill-qwen-14b']);
  const row = (key: string) => c.summary.find((r) => r.key === key)!;
  assert.deepEqual(row('verdict').cells.map((x) => x.text), ['correct', 'incorrect']);
  assert.equal(row('finalAnswer').differs, true);
  assert.equal(row('episodes').cells[0].value, right.episodes.length);
  assert.equal(row('thinkingTokens').cells[1].value, wrong.metrics.thinkingTokens);
  // Both alignments find a divergence, and at that point the two running answers really differ.
  for (const by of ['index', 'tokens'] as const) {
    const d = c.divergence[by];
    assert.ok(d, `divergence by ${by}`);
    assert.equal(sameAnswer(d.answers[0]!, d.answers[1]!), false);
  }
  // Every episode's token span tiles the axis without gaps.
  for (const t of c.traces) t.episodes.forEach((e, i) => assert.equal(e.startTokens, i === 0 ? 0 : t.episodes[i - 1].endTokens));
});
