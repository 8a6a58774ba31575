/**
 * The dataset view's rules without a browser: rows built from real annotated traces, sorting,
 * filtering, overthinking, the inbound message validator, and the job command's pure parts.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Trace } from '../../src/core/trace';
import { runDatasetJob } from '../../src/runs/dataset/job';
import { readTraceFile } from '../../src/runs/dataset/report';
import { datasetPayload, datasetRow } from '../../src/extension/dataset/rows';
import { annotatedOutputName, formatJobProgress, outputBeside, parseJobRequest, readHostsSetting } from '../../src/extension/dataset/jobPlan';
import { parseDatasetViewMessage, type DatasetRow, type RowFilters, type SortKey } from '../../src/shared/dataset-protocol';
import {
  defaultFilters,
  isOverthinking,
  nextSort,
  outcomeCounts,
  overthinkingShare,
  rowMatches,
  sanitizeFilters,
  sanitizeSort,
  sortRows,
  visibleRows,
} from '../../webview/dataset/rows';
import { dataPath, haveSharedData, skipWithoutData } from '../dataset/data';

const LABELS = ['planning', 'computation', 'verification', 'backtracking', 'alternative', 'answer'] as const;
const SORT_KEYS: SortKey[] = ['index', 'id', 'problem', 'model', 'correct', 'episodes', 'thinkingTokens', 'tokensAfterFirstCorrect', 'finalMu'];

const rowArb = (index: number) =>
  fc.record({
    id: fc.string({ maxLength: 8 }),
    problem: fc.string({ maxLength: 20 }),
    model: fc.constantFrom('', 'a:1b', 'b:7b'),
    correct: fc.constantFrom(true, false, null),
    error: fc.boolean(),
    episodes: fc.nat({ max: 50 }),
    thinkingTokens: fc.nat({ max: 20_000 }),
    after: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
    finalMu: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
    labels: fc.subarray([...LABELS]),
  }).map((r): DatasetRow => ({
    index,
    id: r.id,
    problem: r.problem,
    model: r.model,
    correct: r.correct,
    error: r.error,
    episodes: r.episodes,
    thinkingTokens: r.thinkingTokens,
    tokensAfterFirstCorrect: r.after === null ? null : Math.round(r.after * r.thinkingTokens),
    finalMu: r.finalMu,
    labels: r.labels,
  }));

const rowsArb = fc.integer({ min: 0, max: 40 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => rowArb(i))));
const filtersArb: fc.Arbitrary<RowFilters> = fc.record({
  outcome: fc.constantFrom('all', 'correct', 'incorrect', 'ungraded', 'error'),
  label: fc.constantFrom('', ...LABELS),
  overthinking: fc.boolean(),
  overthinkingPercent: fc.integer({ min: 0, max: 100 }),
  model: fc.constantFrom('', 'a:1b', 'b:7b'),
  query: fc.constantFrom('', 'a', 'x'),
});

describe('rows from real annotated traces (153 Thought Anchors MATH traces, offline job)', () => {
  let traces: Trace[] = [];
  let dir = '';
  before(async () => {
    if (!haveSharedData) return;
    dir = mkdtempSync(join(tmpdir(), 'rl-dataset-rows-'));
    const output = join(dir, 'cots.annotated.trace.jsonl');
    const result = await runDatasetJob({ input: dataPath('traces/thought-anchors-cots-math'), output, report: false });
    assert.equal(result.status, 'done');
    traces = (await readTraceFile(output)).traces;
    rmSync(dir, { recursive: true, force: true });
  });

  test('one row per trace, with the trace metrics and every label present', { skip: skipWithoutData() }, () => {
    assert.equal(traces.length, 153);
    const rows = traces.map(datasetRow);
    rows.forEach((row, i) => {
      const t = traces[i];
      assert.equal(row.index, i);
      assert.equal(row.id, t.id);
      assert.equal(row.episodes, t.episodes.length);
      assert.equal(row.thinkingTokens, t.metrics.thinkingTokens);
      assert.equal(row.correct, t.final.correct);
      assert.equal(row.tokensAfterFirstCorrect, t.metrics.tokensAfterFirstCorrect);
      assert.ok(row.problem.length <= 120 && !row.problem.includes('\n'));
      assert.deepEqual(new Set(row.labels), new Set(t.episodes.flatMap((e) => e.labels)));
    });
    // Real data exercises every column: graded both ways, some traces with work after the first correct answer.
    assert.ok(rows.some((r) => r.correct === true) && rows.some((r) => r.correct === false));
    assert.ok(rows.filter((r) => r.tokensAfterFirstCorrect !== null && r.tokensAfterFirstCorrect > 0).length >= 5);
  });

  test('payload: the report counts agree with the rows; filters partition them', { skip: skipWithoutData() }, () => {
    const payload = datasetPayload(traces, { file: '/x/cots.annotated.trace.jsonl', name: 'cots.annotated.trace.jsonl' }, [], { status: 'done', total: 153, done: 153 });
    const rows = payload.rows;
    const correct = rows.filter((r) => r.correct === true).length;
    assert.equal(payload.report.overall.traces, 153);
    assert.equal(payload.report.overall.correct, correct);
    const counts = outcomeCounts(rows, 10);
    assert.equal(counts.correct + counts.incorrect + counts.ungraded, 153);
    const f = defaultFilters();
    assert.equal(visibleRows(rows, { ...f, outcome: 'correct' }, { key: 'index', dir: 'asc' }).length, correct);
    assert.equal(visibleRows(rows, { ...f, outcome: 'incorrect' }, { key: 'index', dir: 'asc' }).length, counts.incorrect);
    const over = visibleRows(rows, { ...f, overthinking: true, overthinkingPercent: 10 }, { key: 'tokensAfterFirstCorrect', dir: 'desc' });
    assert.equal(over.length, counts.overthinking);
    assert.ok(over.length > 0 && over.every((r) => overthinkingShare(r)! > 0.1));
    for (let i = 1; i < over.length; i++) assert.ok(over[i - 1].tokensAfterFirstCorrect! >= over[i].tokensAfterFirstCorrect!);
    // The report's tokens-after-first-correct statistic counts the same traces as the rows.
    assert.equal(payload.report.overall.tokensAfterFirstCorrect.n, rows.filter((r) => r.tokensAfterFirstCorrect !== null).length);
  });
});

describe('sorting', () => {
  test('a permutation, ordered by the column, missing values last in both directions, ties in file order', () => {
    fc.assert(
      fc.property(rowsArb, fc.constantFrom(...SORT_KEYS), fc.constantFrom('asc' as const, 'desc' as const), (rows, key, dir) => {
        const sorted = sortRows(rows, { key, dir });
        assert.deepEqual([...sorted].map((r) => r.index).sort((a, b) => a - b), rows.map((r) => r.index));
        const value = (r: DatasetRow) => (key === 'correct' ? (r.correct === null ? null : Number(r.correct)) : r[key]);
        let seenNull = false;
        for (let i = 0; i < sorted.length; i++) {
          const v = value(sorted[i]);
          if (v === null) seenNull = true;
          else assert.equal(seenNull, false, 'a value after a missing one');
          if (i === 0) continue;
          const u = value(sorted[i - 1]);
          if (u === null || v === null) continue;
          const c = typeof u === 'number' && typeof v === 'number' ? u - v : new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' }).compare(String(u), String(v));
          assert.ok(dir === 'asc' ? c <= 0 : c >= 0, `${String(u)} before ${String(v)} (${dir})`);
          if (c === 0) assert.ok(sorted[i - 1].index < sorted[i].index, 'ties keep file order');
        }
      }),
      { numRuns: 300 },
    );
  });

  test('the same column flips the direction; a numeric column starts descending', () => {
    assert.deepEqual(nextSort({ key: 'index', dir: 'asc' }, 'index'), { key: 'index', dir: 'desc' });
    assert.deepEqual(nextSort({ key: 'index', dir: 'asc' }, 'thinkingTokens'), { key: 'thinkingTokens', dir: 'desc' });
    assert.deepEqual(nextSort({ key: 'index', dir: 'asc' }, 'problem'), { key: 'problem', dir: 'asc' });
  });
});

describe('filters and overthinking', () => {
  test('a row is kept exactly when it passes every filter', () => {
    fc.assert(
      fc.property(rowsArb, filtersArb, (rows, f) => {
        const kept = new Set(visibleRows(rows, f, { key: 'index', dir: 'asc' }).map((r) => r.index));
        for (const r of rows) {
          const outcome =
            f.outcome === 'all' ||
            (f.outcome === 'correct' && r.correct === true) ||
            (f.outcome === 'incorrect' && r.correct === false) ||
            (f.outcome === 'ungraded' && r.correct === null) ||
            (f.outcome === 'error' && r.error);
          const expected =
            outcome &&
            (!f.label || r.labels.includes(f.label)) &&
            (!f.model || r.model === f.model) &&
            (!f.overthinking || (r.tokensAfterFirstCorrect !== null && r.tokensAfterFirstCorrect / Math.max(r.thinkingTokens, 1e-9) > f.overthinkingPercent / 100)) &&
            (!f.query || r.id.toLowerCase().includes(f.query) || r.problem.toLowerCase().includes(f.query));
          assert.equal(kept.has(r.index), expected, `row ${r.index} with ${JSON.stringify(f)}`);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('overthinking means strictly more than X% of thinking after the first correct episode', () => {
    const row = (thinkingTokens: number, after: number | null): DatasetRow => ({ index: 0, id: 'a', problem: '', model: '', correct: true, error: false, episodes: 3, thinkingTokens, tokensAfterFirstCorrect: after, finalMu: null, labels: [] });
    assert.equal(isOverthinking(row(1000, 500), 50), false, 'exactly half is not more than half');
    assert.equal(isOverthinking(row(1000, 501), 50), true);
    assert.equal(isOverthinking(row(1000, null), 0), false, 'no correct episode: never overthinking');
    assert.equal(isOverthinking(row(1000, 0), 0), false);
    assert.equal(isOverthinking(row(1000, 1), 0), true);
    assert.equal(overthinkingShare(row(0, 0)), 0);
    assert.equal(overthinkingShare(row(800, 200)), 0.25);
    assert.equal(rowMatches(row(1000, 900), { ...defaultFilters(), overthinking: true, overthinkingPercent: 90 }), false);
  });

  test('persisted filters and sort are sanitised (state can be anything)', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const f = sanitizeFilters(value);
        assert.ok(['all', 'correct', 'incorrect', 'ungraded', 'error'].includes(f.outcome));
        assert.ok(f.overthinkingPercent >= 0 && f.overthinkingPercent <= 100);
        assert.ok(SORT_KEYS.includes(sanitizeSort(value).key));
      }),
    );
    assert.deepEqual(sanitizeFilters({ outcome: 'incorrect', label: 'verification', overthinking: true, overthinkingPercent: 30, model: 'm', query: 'q' }), {
      outcome: 'incorrect', label: 'verification', overthinking: true, overthinkingPercent: 30, model: 'm', query: 'q',
    });
  });
});

describe('messages from the dataset view', () => {
  test('known messages pass as clean copies; anything else is rejected with the field named, never thrown', () => {
    assert.deepEqual(parseDatasetViewMessage({ type: 'open-trace', index: 3, id: 'p-1', extra: '<script>' }), { ok: true, message: { type: 'open-trace', index: 3, id: 'p-1' } });
    assert.deepEqual(parseDatasetViewMessage({ type: 'ready' }), { ok: true, message: { type: 'ready' } });
    assert.deepEqual(parseDatasetViewMessage({ type: 'shown', rows: 40 }), { ok: true, message: { type: 'shown', rows: 40 } });
    assert.equal(parseDatasetViewMessage({ type: 'shown', rows: '40' }).ok, false);
    assert.deepEqual(parseDatasetViewMessage({ type: 'open-file', what: 'report' }), { ok: true, message: { type: 'open-file', what: 'report' } });
    const bad = parseDatasetViewMessage({ type: 'open-trace', index: -1, id: 'x' });
    assert.equal(bad.ok, false);
    assert.match(!bad.ok ? bad.error : '', /open-trace\.index/);
    assert.match(JSON.stringify(parseDatasetViewMessage({ type: 'open-file', what: '/etc/passwd' })), /open-file\.what/);
    assert.match(JSON.stringify(parseDatasetViewMessage({ type: 'run-command', command: 'rm' })), /known message type/);
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const r = parseDatasetViewMessage(value);
        if (r.ok) assert.ok(['ready', 'open-trace', 'open-file', 'shown', 'log'].includes(r.message.type));
      }),
      { numRuns: 500 },
    );
  });
});

describe('the job command, pure parts', () => {
  test('output name beside the input', () => {
    assert.equal(annotatedOutputName('/d/gsm8k_test.jsonl'), 'gsm8k_test.annotated.trace.jsonl');
    assert.equal(annotatedOutputName('/d/runs.trace.jsonl'), 'runs.annotated.trace.jsonl');
    assert.equal(annotatedOutputName('/d/x.annotated.trace.jsonl'), 'x.annotated.trace.jsonl', 're-annotating an output resumes it, no x.annotated.annotated');
    assert.equal(annotatedOutputName('/d/problems.parquet'), 'problems.annotated.trace.jsonl');
    assert.equal(annotatedOutputName('/d/thought-anchors'), 'thought-anchors.annotated.trace.jsonl');
    assert.equal(outputBeside('/d/a/set.csv'), join('/d/a', 'set.annotated.trace.jsonl'));
  });

  test('reasoningLens.hosts: normalised, deduplicated, bad entries named, fallback to the one host', () => {
    assert.deepEqual(readHostsSetting(undefined, 'http://127.0.0.1:11434'), { hosts: ['http://127.0.0.1:11434'] });
    assert.deepEqual(readHostsSetting([], 'http://h:1'), { hosts: ['http://h:1'] });
    assert.deepEqual(readHostsSetting(['gpu1:11434', 'http://gpu1:11434', 'openai+http://gpu2:8000'], 'x').hosts, ['http://gpu1:11434', 'openai+http://gpu2:8000']);
    const bad = readHostsSetting(['ftp://x', 42, 'gpu3'], 'http://h:1');
    assert.deepEqual(bad.hosts, ['http://gpu3:11434']);
    assert.match(bad.problem ?? '', /\[0\] "ftp:\/\/x"/);
    assert.match(bad.problem ?? '', /\[1\] is not a non-empty string/);
    assert.match(readHostsSetting('gpu1', 'http://h:1').problem ?? '', /expected an array/);
  });

  test('progress line: count, rate and ETA from this run only', () => {
    assert.equal(formatJobProgress({ done: 0, todo: 40, elapsedMs: 0 }), '0 of 40 · starting…');
    assert.equal(formatJobProgress({ done: 10, todo: 40, elapsedMs: 60_000 }), '10 of 40 · 10 per min · about 3 min left');
    assert.equal(formatJobProgress({ done: 2, todo: 10, elapsedMs: 240_000, failed: 1 }), '2 of 10 · 2.0 min each · about 16 min left · 1 with errors');
    assert.equal(formatJobProgress({ done: 40, todo: 40, elapsedMs: 1000 }), '40 of 40 · 2400 per min');
  });

  test('the command argument is validated field by field', () => {
    assert.deepEqual(parseJobRequest({ input: '/d/x.jsonl', models: ['a', ' b '], samples: 0, ifExists: 'resume' }), {
      ok: true,
      request: { input: '/d/x.jsonl', models: ['a', 'b'], samples: 0, ifExists: 'resume' },
    });
    assert.match(JSON.stringify(parseJobRequest({ input: '/d/x.jsonl', samples: 99 })), /samples: expected an integer/);
    assert.match(JSON.stringify(parseJobRequest({ input: '/d/x.jsonl', budget: { maxThinkingTokens: -1 } })), /budget\.maxThinkingTokens/);
    assert.match(JSON.stringify(parseJobRequest({ input: '/d/x.jsonl', ifExists: 'append' })), /ifExists/);
    assert.match(JSON.stringify(parseJobRequest('x.jsonl')), /expected an object/);
  });
});
