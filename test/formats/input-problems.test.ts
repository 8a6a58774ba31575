/**
 * Every reader reports each input problem it meets, as an error (the record skipped) or a
 * warning (the record read, not clean), with file, line/member/row and field; the other records
 * are still read. These are exactly what --strict refuses (test/cli/formats-strict.test.ts).
 * Before the fix, a Parquet string that was not UTF-8 and an unreadable .eval header were read
 * silently (U+FFFD, no header), with nothing for --strict to see.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatLocation } from '../../src/formats/types';
import { readRecords, type RecordResult } from '../../src/io/read-records';
import { INPUT_PROBLEM_CASES } from './input-problems';

const tmp = mkdtempSync(join(tmpdir(), 'rl-input-problems-'));

function problems(path: string, results: RecordResult[]): string[] {
  return results.flatMap((r) => {
    const where = formatLocation(r.loc).slice(path.length);
    if (!r.ok) return r.errors.map((e) => `error ${where}: ${e.field}`);
    return (r.warnings ?? []).map((w) => `warning ${where}: ${w.field}`);
  });
}

for (const c of INPUT_PROBLEM_CASES) {
  test(`input problems of ${c.name} are each reported with place and field; the rest is read`, async () => {
    const path = c.write(tmp);
    const results: RecordResult[] = [];
    for await (const r of readRecords(path)) results.push(r);
    assert.deepEqual(problems(path, results), c.expected, JSON.stringify(results.filter((r) => !r.ok || r.warnings).map((r) => (r.ok ? r.warnings : r.errors))));
    assert.equal(results.filter((r) => r.ok).length, c.traces, 'records still read');
  });
}
