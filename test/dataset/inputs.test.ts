import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import Papa from 'papaparse';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { parseCsv, parseJsonArray, parseJsonl, sniffFormat } from '../../src/formats/tabular/read';
import { readTable } from '../../src/io/tables';
import { detectFields, goldFromCell, toProblemRecord } from '../../src/formats/tabular/fields';
import { loadInput, type ProblemItem } from '../../src/runs/dataset/input';
import { dataPath, skipWithoutData } from './data';

const tmp = () => mkdtempSync(join(tmpdir(), 'rl-inputs-'));

const BENCHMARKS: [string, number, (p: ProblemItem) => void][] = [
  ['gsm8k_test__openai_grade-school-math.jsonl', 1319, (p) => assert.equal(p.gold, '18')],
  ['math500_test__SkyThought_Qwen2.5-Math-evaldata.jsonl', 500, (p) => assert.equal(p.baseId, 'test/precalculus/807.json')],
  ['aime24_test__SkyThought_Qwen2.5-Math-evaldata.jsonl', 30, (p) => assert.equal(p.baseId, '60')],
  ['amc23_test__SkyThought_Qwen2.5-Math-evaldata.jsonl', 40, (p) => assert.equal(p.gold, '27')],
];

for (const [file, count, checkFirst] of BENCHMARKS) {
  test(`real benchmark ${file} loads without a mapping`, { skip: skipWithoutData() }, async () => {
    const loaded = await loadInput(dataPath('benchmarks', file));
    assert.equal(loaded.kind, 'problems');
    assert.deepEqual(loaded.issues, []);
    assert.equal(loaded.items.length, count);
    const items = loaded.items as ProblemItem[];
    checkFirst(items[0]);
    for (const p of items) {
      assert.ok(p.problem.length > 10, `${p.where}: problem text`);
      assert.ok(p.gold && p.gold.length > 0 && !p.gold.includes('####'), `${p.where}: gold "${p.gold}"`);
    }
    assert.equal(new Set(items.map((p) => p.baseId)).size, count, 'ids unique');
  });
}

test('GSM8K gold comes from the #### line, commas dropped', () => {
  assert.equal(goldFromCell('She pays 2 * 600 = $<<2*600=1,200>>1,200.\n#### 1,200'), '1200');
  assert.equal(goldFromCell('so $\\boxed{\\frac{1}{2}}$.'), '\\frac{1}{2}');
  assert.equal(goldFromCell(27.0), '27');
  assert.equal(goldFromCell('  '), null);
});

test('field detection prefers problem over question, answer over solution; explicit mapping wins', () => {
  const d = detectFields(['id', 'question', 'problem', 'solution', 'answer']);
  assert.deepEqual(d, { ok: true, mapping: { problem: 'problem', gold: 'answer', id: 'id' } });
  const m = detectFields(['Q', 'A', 'key'], { problem: 'Q', gold: 'A', id: 'key' });
  assert.deepEqual(m, { ok: true, mapping: { problem: 'Q', gold: 'A', id: 'key' } });
  const bad = detectFields(['text', 'label']);
  assert.equal(bad.ok, false);
  assert.match((bad as { message: string }).message, /no problem column.*columns are: text, label.*--problem-field COLUMN/);
  const missing = detectFields(['q'], { problem: 'nope' });
  assert.match((missing as { message: string }).message, /"nope" not found/);
});

test('CSV: quoted multi-line cells, line numbers of rows, empty problem reported', () => {
  const csv = 'id,question,answer\n1,"line one\nline two",5\n2,,7\n3,plain,#### 9\n';
  const t = parseCsv(csv);
  assert.deepEqual(t.columns, ['id', 'question', 'answer']);
  assert.deepEqual(t.rows.map((r) => r.where), ['line 2', 'line 4', 'line 5']);
  const mapping = { problem: 'question', gold: 'answer', id: 'id' };
  const r0 = toProblemRecord(t.rows[0], mapping);
  assert.ok(r0.ok && r0.record.problem === 'line one\nline two' && r0.record.gold === '5');
  const r1 = toProblemRecord(t.rows[1], mapping);
  assert.ok(!r1.ok && r1.field === 'question' && /line 4/.test(r1.message));
  const r2 = toProblemRecord(t.rows[2], mapping);
  assert.ok(r2.ok && r2.record.gold === '9');
});

test('JSONL: bad lines become issues with line numbers, the rest loads', async () => {
  const dir = tmp();
  const p = join(dir, 'set.jsonl');
  writeFileSync(p, '{"problem":"a?","answer":"1"}\nnot json\n[1,2]\n\n{"problem":"","answer":"2"}\n{"problem":"b?","answer":"3"}\n{"problem":"c?"');
  const loaded = await loadInput(p);
  assert.equal(loaded.kind, 'problems');
  assert.deepEqual((loaded.items as ProblemItem[]).map((i) => i.problem), ['a?', 'b?']);
  assert.deepEqual(
    loaded.issues.map((i) => i.where),
    [`${p}:2`, `${p}:3`, `${p}:7`, `${p}:5`],
  );
  assert.match(loaded.issues[2].message, /incomplete last line/);
  assert.equal(loaded.issues[3].field, 'problem');
});

test('JSON arrays (and {"data": [...]}) load with item positions', () => {
  const t = parseJsonArray('{"data":[{"question":"x","gt":"1"}, 3]}');
  assert.equal(t.rows.length, 1);
  assert.deepEqual(t.issues.map((i) => i.where), ['item 2']);
  assert.equal(parseJsonArray('{oops').issues[0].where, 'file');
});

test('Parquet problem set written with hyparquet-writer loads, INT64 ids become numbers', async () => {
  const dir = tmp();
  const p = join(dir, 'set.parquet');
  const buf = parquetWriteBuffer({
    columnData: [
      { name: 'idx', data: [BigInt(7), BigInt(8)], type: 'INT64' },
      { name: 'question', data: ['What is 1+1?', 'What is 2+2?'], type: 'STRING' },
      { name: 'answer', data: ['#### 2', '#### 4'], type: 'STRING' },
    ],
  });
  writeFileSync(p, new Uint8Array(buf));
  assert.equal(sniffFormat(new Uint8Array(buf)), 'parquet');
  const table = await readTable(p);
  assert.equal(table.format, 'parquet');
  assert.equal(table.rows[0].values.idx, 7);
  const loaded = await loadInput(p);
  const items = loaded.items as ProblemItem[];
  assert.deepEqual(items.map((i) => [i.baseId, i.problem, i.gold, i.where.replace(`${p}: `, '')]), [
    ['7', 'What is 1+1?', '2', 'row 1'],
    ['8', 'What is 2+2?', '4', 'row 2'],
  ]);
});

test('garbage Parquet is reported, not thrown', async () => {
  const dir = tmp();
  const p = join(dir, 'bad.parquet');
  writeFileSync(p, 'PAR1 this is not parquet PAR1');
  const t = await readTable(p);
  assert.equal(t.rows.length, 0);
  assert.match(t.issues[0].message, /not a readable Parquet file/);
});

test('trace files are recognised as traces (Sky-T1 eval JSONL)', { skip: skipWithoutData() }, async () => {
  const loaded = await loadInput(dataPath('traces/skythought/Sky-T1-math-correct-5K-14B__amc23.jsonl'));
  assert.equal(loaded.kind, 'traces');
  assert.equal(loaded.items.length, 40);
  assert.equal(new Set(loaded.items.map((i) => i.baseId)).size, 40);
});

test('a directory of Thought Anchors problems is read as traces', { skip: skipWithoutData() }, async () => {
  const loaded = await loadInput(dataPath('traces/thought-anchors-cots-math'));
  assert.equal(loaded.kind, 'traces');
  assert.equal(loaded.items.length, 153);
  assert.equal(new Set(loaded.items.map((i) => i.baseId)).size, 153, 'stable unique ids');
});

test('property: CSV round trip through papaparse keeps every problem and its line', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ q: fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''), a: fc.integer() }), { minLength: 1, maxLength: 15 }), (rows) => {
      const csv = Papa.unparse({ fields: ['question', 'answer'], data: rows.map((r) => [r.q, r.a]) }, { newline: '\n' });
      const t = parseCsv(csv);
      assert.deepEqual(t.rows.map((r) => r.values.question), rows.map((r) => r.q));
      // Rows start after the header, in increasing line order, inside the file.
      const lineCount = csv.split('\n').length;
      assert.equal(t.rows[0].position, 2);
      t.rows.forEach((r, i) => assert.ok(r.position <= lineCount && (i === 0 || r.position > t.rows[i - 1].position)));
    }),
  );
});

test('property: JSONL reader never throws on arbitrary text', () => {
  fc.assert(fc.property(fc.string(), (s) => void parseJsonl(s)));
});
