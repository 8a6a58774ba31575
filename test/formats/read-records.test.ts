import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitLines } from '../../src/io/lines';
import { readRecords, type RecordResult } from '../../src/io/read-records';
import { sharedData, skipWithoutData } from './helpers';

async function* chunksOf(text: string, sizes: number[]): AsyncGenerator<string> {
  let at = 0;
  let i = 0;
  while (at < text.length) {
    const n = Math.max(1, sizes.length ? sizes[i++ % sizes.length] : text.length);
    yield text.slice(at, at + n);
    at += n;
  }
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const tmp = mkdtempSync(join(tmpdir(), 'rl-read-'));
function file(name: string, content: string | Buffer): string {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
}

function describe(results: RecordResult[]): string[] {
  return results.map((r) => (r.ok ? `ok:${r.loc.line}` : `err:${r.loc.line}:${r.errors.map((e) => e.field).join(',')}`));
}

test('property: any chunking gives the same numbered lines (CRLF and LF, BOM dropped)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\u00e9', '\ud83d\ude00') }), { maxLength: 8 }),
      fc.boolean(),
      fc.boolean(),
      fc.array(fc.integer({ min: 1, max: 7 }), { maxLength: 5 }),
      async (lines, crlf, bom, sizes) => {
        const text = (bom ? '\ufeff' : '') + lines.join(crlf ? '\r\n' : '\n');
        const got = await collect(splitLines(chunksOf(text, sizes)));
        const expected = lines.map((t, i) => ({ line: i + 1, text: t }));
        // A final empty line (text ends with a newline) yields nothing.
        while (expected.length > 0 && expected[expected.length - 1].text === '' && expected.length === lines.length) expected.pop();
        assert.deepEqual(got, expected);
      },
    ),
  );
});

test('JSONL with BOM, CRLF, blank lines and a malformed line: the rest is still read, errors name the line', async () => {
  const path = file(
    'mixed.jsonl',
    '\ufeff{"problem":"p1","gold":"1","output":"<think>a</think>1"}\r\n\r\n{"problem": "p2", oops}\r\n{"problem":"p3","output":"x"}\r\n{"output":"no problem"}\r\n[1,2]\r\n',
  );
  const results = await collect(readRecords(path));
  assert.deepEqual(describe(results), ['ok:1', 'err:3:(line)', 'ok:4', 'err:5:problem|question|prompt', 'err:6:(record)']);
  const bad = results[1];
  assert.ok(!bad.ok && /invalid JSON/.test(bad.errors[0].message));
  assert.ok(results[0].ok && results[0].record.input.problem === 'p1');
});

test('binary junk is reported once for the file, not parsed', async () => {
  const path = file('junk.jsonl', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff, 0xfe, 0x0a, 0x7b]));
  const results = await collect(readRecords(path));
  assert.equal(results.length, 1);
  assert.ok(!results[0].ok && /binary/.test(results[0].errors[0].message));
});

test('binary junk inside one line of a text JSONL is that line\'s error only', async () => {
  const path = file('oneline-junk.jsonl', Buffer.concat([Buffer.from('{"problem":"a","output":"b"}\n'), Buffer.from([0xc3, 0x28, 0xff, 0x7b, 0x0a]), Buffer.from('{"problem":"c","output":"d"}\n')]));
  // Two errors for line 2: its bytes are not UTF-8, and what they decode to is not JSON.
  const results = await collect(readRecords(path));
  assert.deepEqual(describe(results), ['ok:1', 'err:2:(line),(line)', 'ok:3']);
  assert.ok(!results[1].ok && /invalid UTF-8/.test(results[1].errors[0].message));
});

test('a JSON array file gives each element its line; invalid JSON names the line', async () => {
  const arr = file('arr.json', JSON.stringify([{ problem: 'a', output: 'x' }, { problem: 'b' }], null, 2));
  assert.deepEqual(describe(await collect(readRecords(arr))), ['ok:2', 'err:6:output|response|completion|generation|solution']);
  const broken = file('broken.json', '{\n  "problem": "a",\n  oops\n}');
  const [r] = await collect(readRecords(broken));
  assert.ok(!r.ok && r.loc.line === 3 && r.errors[0].field === '(file)', JSON.stringify(r));
});

test('missing file and directories are reported, not thrown', async () => {
  const [r] = await collect(readRecords(join(tmp, 'nope.jsonl')));
  assert.ok(!r.ok && /no such file/.test(r.errors[0].message));
});

test('Thought Anchors files pick up problem.json beside them; a bad problem.json is reported', async () => {
  const dir = join(tmp, 'problem_1');
  mkdirSync(dir);
  writeFileSync(join(dir, 'problem.json'), '{"problem": "P?", "gt_answer": "42"}');
  writeFileSync(join(dir, 'solutions.json'), JSON.stringify([{ seed: 0, solution: 'Problem: P? Solution: \n<think>\nhm</think> \\boxed{42}', answer: '42', is_correct: true }]));
  const [r] = await collect(readRecords(join(dir, 'solutions.json')));
  assert.ok(r.ok && r.record.input.gold === '42' && r.record.input.problem === 'P?' && r.format === 'thought-anchors-solutions');

  const dir2 = join(tmp, 'problem_2');
  mkdirSync(dir2);
  writeFileSync(join(dir2, 'problem.json'), '{oops');
  writeFileSync(join(dir2, 'base_solution.json'), JSON.stringify({ prompt: 'Problem: Q Solution: \n<think>\n', solution: 'x</think>y', is_correct: false }));
  const results = await collect(readRecords(join(dir2, 'base_solution.json')));
  assert.deepEqual(
    results.map((x) => x.ok),
    [false, true],
  );
  assert.ok(!results[0].ok && results[0].loc.path.endsWith('problem.json'));
  assert.ok(results[1].ok && results[1].record.input.problem === 'Q' && results[1].record.input.gold === null);
});

test('plain text file is one record', async () => {
  const [r] = await collect(readRecords(file('t.txt', 'Q\n<think>\nx</think>\ny')));
  assert.ok(r.ok && r.format === 'text' && r.record.input.problem === 'Q');
});

test('every real trace file reads without a record error', { skip: skipWithoutData() }, async () => {
  const { expandInputs } = await import('../../src/io/inputs');
  const files = await expandInputs([join(sharedData, 'traces')]);
  assert.equal(files.filter((f) => f.endsWith('base_solution.json')).length, 40);
  assert.equal(files.filter((f) => f.endsWith('solutions.json')).length, 153);
  let records = 0;
  for (const f of files) {
    for await (const r of readRecords(f)) {
      assert.ok(r.ok, `${f}: ${JSON.stringify(!r.ok && r.errors)}`);
      records++;
    }
  }
  assert.equal(records, 40 + 153 + 100);
});

test('a directory walk skips the command output that lives inside it', async () => {
  const { expandInputs } = await import('../../src/io/inputs');
  const dir = mkdtempSync(join(tmpdir(), 'rl-walk-'));
  writeFileSync(join(dir, 'a.jsonl'), '{}\n');
  mkdirSync(join(dir, 'out'));
  writeFileSync(join(dir, 'out', 'annotated.trace.jsonl'), '');
  assert.deepEqual(await expandInputs([dir], [join(dir, 'out', 'annotated.trace.jsonl')]), [join(dir, 'a.jsonl')]);
  assert.equal((await expandInputs([dir])).length, 2);
});

test("a directory walk skips the tool's side files: review sidecars and importance rollout logs", async () => {
  const { expandInputs } = await import('../../src/io/inputs');
  const dir = mkdtempSync(join(tmpdir(), 'rl-walk-side-'));
  for (const name of ['run.trace.jsonl', 'run.trace.jsonl.annotations.jsonl', 'out.jsonl.rollouts.jsonl', 'p1.importance-rollouts.jsonl']) writeFileSync(join(dir, name), '');
  assert.deepEqual(await expandInputs([dir]), [join(dir, 'run.trace.jsonl')]);
});
