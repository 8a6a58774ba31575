/**
 * read(write(trace)) keeps problem, thinking, response, gold and the episodes' text, for every
 * format with both a writer (src/formats/writers) and a reader here: HF chat rows, OpenAI chat
 * completions, our minimal trace and our complete trace, byte for byte (the answer's surrounding
 * whitespace too: before the fix the chat readers trimmed it). A trace a format cannot carry
 * exactly is refused by the writer, never written altered.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { annotateTrace } from '../../src/core/annotate';
import { validateTrace } from '../../src/core/schema';
import type { Trace } from '../../src/core/trace';
import { convertRecord, detectRecordFormat } from '../../src/formats/detect';
import { resolveFieldNames, type RecordFormat } from '../../src/formats/types';
import { jsonLines } from '../../src/formats/writers/common';
import { toHfChatRow } from '../../src/formats/writers/hf-chat';
import { toOpenAIChatCompletion } from '../../src/formats/writers/openai-chat';
import { toMinimalTrace } from '../../src/formats/writers/trace';
import { readTracesAnyFormat } from '../../src/io/read-traces';
import { dataPath, skipWithoutData } from '../support/shared-data';

type Writer = (t: Trace) => object;
const CREATED = 1_764_547_200;
const WRITERS: { name: string; format: RecordFormat; write: Writer }[] = [
  { name: 'hf-chat', format: 'hf-chat', write: (t) => toHfChatRow(t) },
  { name: 'hf-chat --think-in-content', format: 'hf-chat', write: (t) => toHfChatRow(t, { thinkInContent: true }) },
  { name: 'openai-chat', format: 'openai-chat', write: (t) => toOpenAIChatCompletion(t, { created: CREATED }) },
  { name: 'trace-minimal', format: 'trace', write: (t) => toMinimalTrace(t) },
];

/** Why a writer may refuse a trace: reasoning markup in the answer; with tags in the content, also markup in the thinking or whitespace around the answer (the tag split trims it). */
function refusalHasCause(name: string, t: Trace): boolean {
  if (/<\/?(think|thinking|reasoning|reason|thought)>|<\|/.test(t.response)) return true;
  if (!name.includes('think-in-content')) return false;
  return /<\/?(think|thinking|reasoning|reason|thought)>|<\|/.test(t.thinking) || t.response !== t.response.trim();
}

/** The pure read path of one record: detection, then its reader, then annotation with the trace's own segmentation. */
function readBack(record: object, format: RecordFormat, original: Trace): Trace {
  const parsed: unknown = JSON.parse(JSON.stringify(record));
  assert.equal(detectRecordFormat(parsed, 'export.jsonl'), format, 'detected as its own format');
  const imported = convertRecord(format, parsed, { path: 'export.jsonl', line: 1 }, { fields: resolveFieldNames(), sibling: null });
  assert.equal(imported.length, 1, 'one trace per written record');
  return imported[0].trace ?? annotateTrace(imported[0].input, { segment: original.source.segmentation });
}

function assertSameText(back: Trace, t: Trace): void {
  assert.equal(back.problem, t.problem, 'problem');
  assert.equal(back.thinking, t.thinking, 'thinking');
  assert.equal(back.response, t.response, 'response');
  assert.equal(back.gold ?? null, t.gold ?? null, 'gold');
  assert.deepEqual(
    back.episodes.map((e) => e.text),
    t.episodes.map((e) => e.text),
    'episodes text',
  );
  assert.equal(back.id, t.id, 'id');
}

/** Hostile text: any UTF-16 (lone surrogates too), CRLF, tags, and pieces reasoning text really holds. */
const piece = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\r\n', '\n\n', '</think>', '<think>', '<thinking>', '</reasoning>', 'Wait, ', 'Alternatively, ', 'So the answer is \\boxed{42}. ', '😀', '\u0000', '\u200b', '\ufeff', ' '),
);
const hostile = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));
const hostileTrace = fc
  .record({ problem: hostile, thinking: hostile, response: hostile, gold: fc.option(hostile, { nil: null }), truncated: fc.boolean() })
  .map((r) =>
    annotateTrace({ problem: r.problem, thinking: r.thinking, response: r.truncated ? '' : r.response, truncated: r.truncated, gold: r.gold, source: { kind: 'test' } }),
  );

for (const w of WRITERS) {
  test(`round trip ${w.name}: hostile text comes back exactly, or the writer refuses it with a reason`, () => {
    let written = 0;
    fc.assert(
      fc.property(hostileTrace, (t) => {
        const record = w.write(t);
        if ('reason' in record) {
          assert.ok(refusalHasCause(w.name, t), `refused without cause: ${JSON.stringify(record)}`);
          return;
        }
        written++;
        assertSameText(readBack(record, w.format, t), t);
      }),
      { numRuns: 300 },
    );
    assert.ok(written > 100, `most hostile traces are written (${written} of 300)`);
  });
}

test('round trip: empty thinking, CRLF, </think> inside thinking, an answer with surrounding whitespace, and a very long text come back exactly', () => {
  const cases: Trace[] = [
    annotateTrace({ problem: 'p', thinking: '', response: 'Answer: 3', gold: '3', source: { kind: 'test' } }),
    annotateTrace({ problem: 'line1\r\nline2', thinking: 'First\r\nWait, no.\r\nSo 4.', response: 'The answer is 4.', gold: null, source: { kind: 'test' } }),
    annotateTrace({ problem: 'tags', thinking: 'a </think> b <think> c', response: 'done', gold: 'x', source: { kind: 'test' } }),
    annotateTrace({ problem: 'long', thinking: 'Let me think. Wait, maybe 7. '.repeat(40_000), response: '\\boxed{7}', gold: '7', source: { kind: 'test' } }),
    // DeepSeek-style content: blank lines before the answer, a newline after it.
    annotateTrace({ problem: 'spaces', thinking: 'Two and three.', response: '\n\n  The answer is 5.\n', gold: '5', source: { kind: 'test' } }),
  ];
  for (const w of WRITERS) {
    for (const t of cases) {
      const record = w.write(t);
      if (w.name.includes('think-in-content') && (t.thinking.includes('</think>') || t.response !== t.response.trim())) {
        assert.ok('reason' in record, `${w.name}: ${t.problem}: refused, not cut or trimmed`);
        continue;
      }
      assert.ok(!('reason' in record), `${w.name} writes ${t.problem}`);
      assertSameText(readBack(record, w.format, t), t);
    }
  }
});

test('round trip of our complete format: the trace the tool writes reads back equal', () => {
  fc.assert(
    fc.property(hostileTrace, (t) => {
      const r = validateTrace(JSON.parse(JSON.stringify(t)));
      assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
      assert.deepEqual(r.trace, JSON.parse(JSON.stringify(t)));
    }),
    { numRuns: 100 },
  );
});

/** Real traces, read in place, written to a temp file in each format and read back through the file reader (detection included). */
const REAL_INPUTS: { name: string; files: () => string[] }[] = [
  { name: 'traces/skythought', files: () => readdirSync(dataPath('traces/skythought')).filter((f) => f.endsWith('.jsonl')).map((f) => dataPath('traces/skythought', f)) },
  { name: 'traces/thought-anchors-cots-math', files: () => readdirSync(dataPath('traces/thought-anchors-cots-math')).map((d) => dataPath('traces/thought-anchors-cots-math', d, 'solutions.json')).filter((f) => existsSync(f)) },
];
for (const input of REAL_INPUTS) {
  test(`round trip of the real traces in ${input.name}`, { skip: skipWithoutData(input.name) }, async () => {
    const originals: Trace[] = [];
    for (const file of input.files()) {
      const read = await readTracesAnyFormat(file);
      assert.equal(read.errors.length, 0, `${file}: ${JSON.stringify(read.errors[0])}`);
      originals.push(...read.traces.map((l) => l.trace));
    }
    assert.ok(originals.length >= 10, `${originals.length} traces`);
    const dir = mkdtempSync(join(tmpdir(), 'rl-roundtrip-'));
    try {
      for (const w of WRITERS) {
        const records = originals.map((t) => ({ t, record: w.write(t) }));
        const kept = records.filter((r) => !('reason' in r.record));
        for (const r of records.filter((x) => 'reason' in x.record)) {
          assert.ok(refusalHasCause(w.name, r.t), `${w.name} refused ${r.t.id} without cause`);
        }
        const file = join(dir, `${w.name.replace(/\W+/g, '-')}.jsonl`);
        writeFileSync(file, jsonLines(kept.map((r) => r.record)));
        const back = await readTracesAnyFormat(file);
        assert.equal(back.errors.length, 0, `${w.name}: ${JSON.stringify(back.errors[0])}`);
        assert.equal(back.traces.length, kept.length, `${w.name}: every written trace reads back`);
        back.traces.forEach((b, i) => assertSameText(b.trace, kept[i].t));
        assert.ok(kept.length >= originals.length - 1, `${w.name}: ${originals.length - kept.length} refused`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
