/**
 * read(write(trace)) for Inspect eval logs: our writer (src/formats/writers/inspect.ts) and the
 * Inspect reader (src/formats/inspect.ts), which both follow inspect_ai's log schema
 * (src/inspect_ai/log/_log.py, model/_chat_message.py, _util/content.py @ 499e6152). Problem,
 * thinking, answer, gold and the episodes' text come back exactly (before the fix the reader
 * trimmed the answer's text block).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { annotateTrace } from '../../src/core/annotate';
import type { Trace } from '../../src/core/trace';
import { detectRecordFormat } from '../../src/formats/detect';
import { inspectLogResults } from '../../src/formats/inspect';
import { toInspectLog } from '../../src/formats/writers/inspect';
import { readTracesAnyFormat } from '../../src/io/read-traces';
import { dataPath, skipWithoutData } from '../support/shared-data';

const CREATED = '2026-12-01T00:00:00.000Z';

function assertSameText(back: Trace, t: Trace): void {
  assert.equal(back.id, t.id, 'id');
  assert.equal(back.problem, t.problem, 'problem');
  assert.equal(back.thinking, t.thinking, 'thinking');
  assert.equal(back.response, t.response, 'response');
  assert.equal(back.gold ?? null, t.gold ?? null, 'gold');
  assert.deepEqual(
    back.episodes.map((e) => e.text),
    t.episodes.map((e) => e.text),
    'episodes text',
  );
}

/** The pure read path: the log as JSON text, detected, its samples read, each annotated with the trace's own segmentation. */
function readBack(traces: Trace[]): { back: Trace[]; written: Trace[] } {
  const { log, skipped } = toInspectLog(traces, { created: CREATED });
  const parsed: unknown = JSON.parse(JSON.stringify(log));
  assert.equal(detectRecordFormat(parsed, 'export.json'), 'inspect-log');
  const skippedIds = new Set(skipped.map((s) => s.id));
  const written = traces.filter((t) => !skippedIds.has(t.id));
  // A log with no samples reads as an error ("the log has no samples"): nothing to compare.
  if (written.length === 0) return { back: [], written };
  const results = inspectLogResults(parsed, 'export.json');
  const back = results.map((r, i) => {
    assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
    return annotateTrace(r.record.input, { segment: written[i].source.segmentation });
  });
  return { back, written };
}

const piece = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\r\n', '\n\n', '</think>', '<think>', 'attachment://abc', 'tc://x', 'Wait, ', 'So the answer is \\boxed{42}. ', '😀', '\u0000', '\ufeff', ' '),
);
const hostile = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));
const hostileTrace = fc
  .record({ problem: hostile, thinking: hostile, response: hostile, gold: fc.option(hostile, { nil: null }), truncated: fc.boolean() })
  .map((r) => annotateTrace({ problem: r.problem, thinking: r.thinking, response: r.truncated ? '' : r.response, truncated: r.truncated, gold: r.gold, source: { kind: 'test' } }));

test('round trip inspect: hostile text comes back exactly, or the writer refuses it with a reason', () => {
  let written = 0;
  fc.assert(
    fc.property(fc.uniqueArray(hostileTrace, { minLength: 1, maxLength: 4, selector: (t) => t.id }), (traces) => {
      const r = readBack(traces);
      assert.equal(r.back.length, r.written.length, 'one trace per sample');
      for (const t of traces.filter((x) => !r.written.includes(x))) assert.match(t.response, /<\/?(think|thinking|reasoning|reason|thought)>|<\|/, `refused ${t.id} without cause`);
      r.back.forEach((b, i) => assertSameText(b, r.written[i]));
      written += r.written.length;
    }),
    { numRuns: 200 },
  );
  assert.ok(written > 200, `most hostile traces are written (${written})`);
});

test('round trip inspect: empty thinking, CRLF, </think> inside thinking, no gold, a very long text, an answer with surrounding whitespace', () => {
  const cases = [
    annotateTrace({ id: 'a', problem: 'p', thinking: '', response: 'Answer: 3', gold: '3', source: { kind: 'test' } }),
    annotateTrace({ id: 'b', problem: 'line1\r\nline2', thinking: 'First\r\nWait, no.\r\nSo 4.', response: 'The answer is 4.', gold: null, source: { kind: 'test' } }),
    annotateTrace({ id: 'c', problem: 'tags', thinking: 'a </think> b <think> c', response: 'done', gold: '', source: { kind: 'test' } }),
    annotateTrace({ id: 'd', problem: 'long', thinking: 'Let me think. Wait, maybe 7. '.repeat(40_000), response: '\\boxed{7}', gold: '7', source: { kind: 'test' } }),
    annotateTrace({ id: 'e', problem: 'spaces', thinking: 'Two and three.', response: '\n\n  The answer is 5.\n', gold: '5', source: { kind: 'test' } }),
  ];
  const r = readBack(cases);
  assert.equal(r.written.length, cases.length);
  r.back.forEach((b, i) => assertSameText(b, cases[i]));
});

test('round trip inspect of the real Sky-T1 traces through the file reader', { skip: skipWithoutData('traces/skythought') }, async () => {
  const files = readdirSync(dataPath('traces/skythought')).filter((f) => f.endsWith('.jsonl')).map((f) => dataPath('traces/skythought', f)).filter((f) => existsSync(f));
  const originals: Trace[] = [];
  for (const f of files) originals.push(...(await readTracesAnyFormat(f)).traces.map((l) => l.trace));
  assert.ok(originals.length >= 50, `${originals.length} traces`);
  const { log, skipped } = toInspectLog(originals, { created: CREATED });
  const dir = mkdtempSync(join(tmpdir(), 'rl-inspect-'));
  try {
    const file = join(dir, 'export.json');
    writeFileSync(file, JSON.stringify(log, null, 2) + '\n');
    const back = await readTracesAnyFormat(file);
    assert.equal(back.errors.length, 0, JSON.stringify(back.errors[0]));
    const written = originals.filter((t) => !skipped.some((s) => s.id === t.id));
    assert.equal(back.traces.length, written.length);
    back.traces.forEach((b, i) => assertSameText(b.trace, written[i]));
    assert.ok(skipped.length <= 1, `${skipped.length} refused`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
