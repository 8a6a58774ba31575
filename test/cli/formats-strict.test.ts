/**
 * `--strict` has one meaning for every reader: any input problem a reader reports (an unusable
 * record, bytes that are not UTF-8, a record that deviates from its file's format, a repeated
 * id, an unreadable log header) fails the dataset job before it writes anything, each problem
 * listed as `file:place: field: message`; without --strict the same job reports them and goes
 * on with the rest. One file per reader (test/formats/input-problems.ts), through the bundled CLI.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INPUT_PROBLEM_CASES } from '../formats/input-problems';
import { cliBundle, runCli } from './helpers';

const tmp = mkdtempSync(join(tmpdir(), 'rl-formats-strict-'));

before(async () => {
  await cliBundle();
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

INPUT_PROBLEM_CASES.forEach((c, i) => {
  test(`--strict fails on the input problems of ${c.name}; without it the job reads the rest`, async () => {
    const dir = join(tmp, String(i));
    mkdirSync(dir);
    const input = c.write(dir);
    const strictOut = join(dir, 'strict.trace.jsonl');
    const strict = await runCli(['annotate', input, '-o', strictOut, '--strict', '--no-report']);
    assert.equal(strict.code, 2, strict.stderr);
    assert.match(strict.stderr, /\(--strict\):/);
    for (const p of c.expected) {
      const [, where, field] = /^(?:error|warning) (.*): (.+)$/.exec(p)!;
      assert.match(strict.stderr, new RegExp(`^  ${escape(input + where)}: ${escape(field)}: \\S`, 'm'), `${p} listed`);
    }
    assert.equal(existsSync(strictOut), false, 'nothing written');

    const out = join(dir, 'lenient.trace.jsonl');
    const lenient = await runCli(['annotate', input, '-o', out, '--limit', '1000', '--no-report']);
    const errors = c.expected.filter((p) => p.startsWith('error')).length;
    assert.equal(lenient.code, errors > 0 ? 1 : 0, lenient.stderr);
    assert.match(lenient.stderr, new RegExp(`${errors} unusable input record\\(s\\)|input warning`));
    assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, c.traces, 'the other records are written');
  });
});
