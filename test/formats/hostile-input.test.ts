// Issue 9 cases 5 and 8: nothing the user gave is silently corrupted or made up, and nothing
// echoed from input can drive the terminal. Readers are tested directly and through the CLI.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readRecords, type RecordResult } from '../../src/io/read-records';
import { parseTable } from '../../src/formats/tabular/read';
import { runCli } from '../cli/helpers';

const tmp = mkdtempSync(join(tmpdir(), 'rl-9b-input-'));
function file(name: string, content: string | Buffer): string {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
}

async function collect(path: string): Promise<RecordResult[]> {
  const out: RecordResult[] = [];
  for await (const r of readRecords(path)) out.push(r);
  return out;
}

const record = (o: Record<string, unknown>): string => `${JSON.stringify(o)}\n`;
const ESC = '\u001b';

describe('case 5: invalid UTF-8', () => {
  // "example-co" + two bytes that are not UTF-8 + "ins": no NUL, so not "binary".
  const badLine = Buffer.concat([Buffer.from('{"id":"example-co'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('ins","problem":"p","output":"<think>a</think> \\\\boxed{1}"}\n')]);
  const good = record({ id: 'fine', problem: 'p', output: '<think>a</think> \\boxed{1}' });

  test('the reader reports file:line: invalid UTF-8 and keeps the record', async () => {
    const path = file('utf8.jsonl', Buffer.concat([Buffer.from(good), badLine, Buffer.from(good.replace('fine', 'fine2'))]));
    const results = await collect(path);
    assert.equal(results.length, 3);
    const second = results[1];
    assert.ok(second.ok);
    assert.equal(second.loc.line, 2);
    assert.deepEqual(second.warnings?.map((w) => w.message.slice(0, 17)), ['invalid UTF-8 (by']);
    assert.ok(results[0].ok && !results[0].warnings?.length);
  });

  test('annotate prints it as file:line and still writes the record; exit code says so', { timeout: 30_000 }, async () => {
    const path = file('utf8-cli.jsonl', Buffer.concat([Buffer.from(good), badLine]));
    const out = join(tmp, 'utf8-cli.out.jsonl');
    const r = await runCli(['annotate', path, '-o', out]);
    assert.match(r.stderr, new RegExp(`${path.replace(/[.]/g, '\\.')}:2: .*invalid UTF-8`));
    assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 2);
  });

  test('a problem set with invalid UTF-8 names the line (and --strict refuses it)', async () => {
    const table = await parseTable(new Uint8Array(Buffer.concat([Buffer.from(record({ problem: 'a', answer: '1' })), Buffer.from('{"problem":"b'), Buffer.from([0xff]), Buffer.from('","answer":"2"}\n')])), 'jsonl');
    assert.equal(table.rows.length, 2, 'the row is still read');
    assert.deepEqual(table.issues.map((i) => [i.where, i.message.slice(0, 13)]), [['line 2', 'invalid UTF-8']]);
  });
});

test('case 5: a problem-set job with --strict refuses invalid UTF-8 before any model work', { timeout: 30_000 }, async () => {
  const path = file('strict-utf8.jsonl', Buffer.concat([Buffer.from(record({ id: 'p1', problem: 'What is 1+1?', answer: '2' })), Buffer.from('{"id":"p2","problem":"b'), Buffer.from([0xff]), Buffer.from('","answer":"2"}\n')]));
  const out = join(tmp, 'strict-utf8.out.trace.jsonl');
  // An unreachable host: --strict must refuse before any request is made.
  const r = await runCli(['annotate', path, '-o', out, '--model', 'm', '--host', 'http://127.0.0.1:9', '--strict']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /strict-utf8\.jsonl:2: .*invalid UTF-8/);
  assert.doesNotMatch(r.stderr, /Could not reach/);
  assert.throws(() => readFileSync(out), 'no output written');
});

describe('case 5: fields of the wrong type are errors naming the field', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['thinking a number', { problem: 'p', thinking: 42, response: 'r' }, /^thinking: must be a string, got number/],
    ['thinking an object', { problem: 'p', thinking: { a: 1 } }, /^thinking: must be a string, got object/],
    ['response a number beside thinking', { problem: 'p', thinking: 't', response: 7 }, /^response: must be a string, got number/],
    ['gold an object', { problem: 'p', output: 'x', gold: { v: 1 } }, /^gold: must be a string or number, got object/],
    ['gold a boolean', { problem: 'p', output: 'x', answer: true }, /^answer: must be a string or number, got boolean/],
    ['problem a number', { problem: 5, output: 'x' }, /^problem: must be a string, got number/],
  ];
  for (const [name, value, expected] of cases) {
    test(name, async () => {
      const [r] = await collect(file(`type-${name.replace(/\W+/g, '-')}.jsonl`, record(value)));
      assert.ok(!r.ok, `refused: ${JSON.stringify(r)}`);
      const text = r.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
      assert.match(text, expected);
    });
  }

  test('a numeric gold is taken as its text (documented): 42 → "42"', async () => {
    const [r] = await collect(file('gold-number.jsonl', record({ problem: 'p', output: 'x', gold: 42 })));
    assert.ok(r.ok);
    assert.equal(r.record.input.gold, '42');
  });

  test('problem sets: a numeric problem and an object gold are refused by field', async () => {
    const { toProblemRecord } = await import('../../src/formats/tabular/fields');
    const mapping = { problem: 'problem', gold: 'answer' };
    const numeric = toProblemRecord({ values: { problem: 5, answer: '1' }, position: 1, where: 'line 1' }, mapping);
    assert.ok(!numeric.ok);
    assert.equal(numeric.field, 'problem');
    assert.match(numeric.message, /must be (a string|text), got number/);
    const objectGold = toProblemRecord({ values: { problem: 'p', answer: { x: 1 } }, position: 2, where: 'line 2' }, mapping);
    assert.ok(!objectGold.ok);
    assert.equal(objectGold.field, 'answer');
    assert.match(objectGold.message, /must be a string or number, got object/);
  });
});

describe('case 5: duplicate ids', () => {
  test('reported as file:line: id: duplicate of line N, and made unique as id#2', async () => {
    const path = file('dup.jsonl', record({ id: 'a', problem: 'p', output: 'x' }) + record({ id: 'b', problem: 'p', output: 'y' }) + record({ id: 'a', problem: 'p', output: 'z' }));
    const results = await collect(path);
    assert.ok(results.every((r) => r.ok));
    const third = results[2];
    assert.ok(third.ok);
    assert.equal(third.record.input.id, 'a#2');
    assert.deepEqual(third.warnings, [{ field: 'id', message: 'duplicate of line 1; written as "a#2"' }]);
  });

  test('annotate writes unique ids and says so', { timeout: 30_000 }, async () => {
    const path = file('dup-cli.jsonl', record({ id: 'a', problem: 'p', output: 'x' }) + record({ id: 'a', problem: 'p', output: 'y' }));
    const out = join(tmp, 'dup-cli.out.jsonl');
    const r = await runCli(['annotate', path, '-o', out]);
    assert.match(r.stderr, /dup-cli\.jsonl:2: id: duplicate of line 1/);
    const ids = readFileSync(out, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
    assert.deepEqual(ids, ['a', 'a#2']);
  });
});

describe('case 5: nothing is made up from empty input', () => {
  test('empty stdin: "no traces in <stdin>", nothing written', { timeout: 30_000 }, async () => {
    const r = await runCli(['annotate', '-', '-o', '-'], { stdin: '' });
    assert.equal(r.stdout, '', 'no made-up trace on stdout');
    assert.match(r.stderr, /no traces in <stdin>/);
    assert.notEqual(r.code, 0);
  });

  test('an empty .txt and a blank one', async () => {
    for (const [name, content] of [['empty.txt', ''], ['blank.txt', '\n  \n']] as const) {
      const results = await collect(file(name, content));
      assert.equal(results.length, 1);
      const [r] = results;
      assert.ok(!r.ok, `${name}: no trace made up`);
      assert.match(r.errors[0].message, new RegExp(`no traces in .*${name.replace('.', '\\.')}: it is empty`));
    }
  });
});

describe('case 8: input echoed in errors carries no control sequences', () => {
  test('an invalid JSON line with ESC sequences is reported without them', async () => {
    const path = file('esc.jsonl', `${record({ problem: 'p', output: 'x' })}nope ${ESC}]0;pwned${'\u0007'}${ESC}[2J red\n`);
    const results = await collect(path);
    const bad = results.find((r) => !r.ok);
    assert.ok(bad && !bad.ok);
    const text = bad.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    assert.match(text, /invalid JSON/);
    assert.doesNotMatch(text, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  test('through the CLI: stderr has no ESC byte', { timeout: 30_000 }, async () => {
    const path = file('esc-cli.jsonl', `{"problem": 5, "output": "x", "${ESC}[31mred": 1} ${ESC}[2J\n${JSON.stringify({ problem: `${ESC}[2Jp`, output: 7 })}\n`);
    const r = await runCli(['annotate', path, '-o', join(tmp, 'esc-cli.out.jsonl')]);
    assert.match(r.stderr, /esc-cli\.jsonl:1: /);
    assert.ok(!r.stderr.includes(ESC), JSON.stringify(r.stderr));
  });
});
