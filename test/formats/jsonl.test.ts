/**
 * The one JSONL reader (src/io/jsonl.ts) and writer (src/io/write.ts): any chunking reads the
 * same lines; an unterminated last line is flagged (torn when it does not parse); the
 * streamed writer replaces its file only on close; the durable one appends whole lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { completeLinesLength, readJsonl, type JsonlLine } from '../../src/io/jsonl';
import { JsonlWriter } from '../../src/io/write';

const tmp = mkdtempSync(join(tmpdir(), 'rl-jsonl-'));

async function* chunksOf(text: string, sizes: number[]): AsyncGenerator<string> {
  let at = 0;
  let i = 0;
  while (at < text.length) {
    const n = Math.max(1, sizes.length ? sizes[i++ % sizes.length] : text.length);
    yield text.slice(at, at + n);
    at += n;
  }
}

async function all(source: string | AsyncIterable<string>): Promise<JsonlLine[]> {
  const out: JsonlLine[] = [];
  for await (const r of readJsonl(source)) out.push(r);
  return out;
}

test('property: any chunking reads the same values; only an unterminated last line is flagged', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.jsonValue(), { minLength: 1, maxLength: 6 }),
      fc.boolean(),
      fc.constantFrom('', 'cut'),
      fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 4 }),
      async (values, crlf, ending, sizes) => {
        const nl = crlf ? '\r\n' : '\n';
        const lines = values.map((v) => JSON.stringify(v));
        // Either complete, or the last line torn in its middle.
        const text = ending === 'cut' ? lines.join(nl) + nl + '{"id":"torn' : lines.join(nl) + nl;
        const got = await all(chunksOf(text, sizes));
        const complete = got.filter((r) => r.ok);
        // Compared with the values as JSON carries them (-0 is written as 0).
        assert.deepEqual(complete.map((r) => (r as { value: unknown }).value), lines.map((l) => JSON.parse(l) as unknown));
        assert.ok(complete.every((r) => !r.unterminated));
        if (ending === 'cut') {
          const last = got.at(-1)!;
          assert.ok(!last.ok && last.torn && last.unterminated && /incomplete last line/.test(last.message), JSON.stringify(last));
          assert.equal(last.line, values.length + 1);
        } else assert.equal(got.length, values.length);
      },
    ),
  );
});

test('a parseable last line without its newline is read but flagged; bad lines name their line; the complete length excludes the torn tail', async () => {
  const path = join(tmp, 'mixed.jsonl');
  writeFileSync(path, '\ufeff{"a":1}\n\n{oops}\n{"b":2}');
  const got = await all(path);
  assert.deepEqual(
    got.map((r) => [r.line, r.ok, r.unterminated]),
    [
      [1, true, false],
      [3, false, false],
      [4, true, true],
    ],
  );
  assert.match((got[1] as { message: string }).message, /^invalid JSON/);
  assert.equal(completeLinesLength(path), Buffer.byteLength('\ufeff{"a":1}\n\n{oops}\n'));
  const whole = join(tmp, 'whole.jsonl');
  writeFileSync(whole, '{"a":1}\n');
  assert.equal(completeLinesLength(whole), 8);
  writeFileSync(whole, '');
  assert.equal(completeLinesLength(whole), 0);
  const big = join(tmp, 'big.jsonl');
  writeFileSync(big, `{"x":"${'y'.repeat(200_000)}"}\n{"torn":"${'z'.repeat(100_000)}`);
  assert.equal(completeLinesLength(big), 200_000 + 9);
});

test('streamed writer: the output appears only on close; a discarded run leaves the old file as it was', async () => {
  const path = join(tmp, 'out.jsonl');
  writeFileSync(path, 'old\n');
  const w = new JsonlWriter(path);
  await w.write({ id: 'a' });
  assert.equal(readFileSync(path, 'utf8'), 'old\n', 'not replaced while writing');
  await w.close();
  assert.equal(readFileSync(path, 'utf8'), '{"id":"a"}\n');
  const d = new JsonlWriter(path);
  await d.write({ id: 'b' });
  await d.discard();
  assert.equal(readFileSync(path, 'utf8'), '{"id":"a"}\n');
  assert.deepEqual(readdirSync(tmp).filter((f) => f.endsWith('.tmp')), [], 'no temp file left');
});

test('durable writer appends complete lines to what is there', async () => {
  const path = join(tmp, 'job.jsonl');
  writeFileSync(path, '{"id":"x"}\n');
  const w = new JsonlWriter(path, { durable: { syncEvery: 2 } });
  for (const id of ['a', 'b', 'c']) await w.write({ id });
  await w.close();
  assert.equal(w.written, 3);
  const ids = (await all(path)).map((r) => (r.ok ? (r.value as { id: string }).id : '?'));
  assert.deepEqual(ids, ['x', 'a', 'b', 'c']);
  assert.ok(existsSync(path));
  assert.throws(() => new JsonlWriter('-', { durable: { syncEvery: 1 } }), /needs a file/);
});
