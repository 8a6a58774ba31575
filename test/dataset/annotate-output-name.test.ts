/** Where Annotate Dataset… writes: never onto its own input (re-annotating a finished output). */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import fc from 'fast-check';
import { annotatedOutputIn } from '../../src/extension/dataset/jobPlan';

test('a problem set or raw traces get <name>.annotated.trace.jsonl in the folder', () => {
  assert.equal(annotatedOutputIn('/w', '/w/gsm8k.jsonl'), join('/w', 'gsm8k.annotated.trace.jsonl'));
  assert.equal(annotatedOutputIn('/store', '/shared/traces/amc23.jsonl'), join('/store', 'amc23.annotated.trace.jsonl'));
});

test('a finished output given as input gets <name>.reannotated.trace.jsonl, not itself', () => {
  assert.equal(annotatedOutputIn('/w', '/w/x.annotated.trace.jsonl'), join('/w', 'x.reannotated.trace.jsonl'));
  assert.equal(annotatedOutputIn('/w', '/w/sub/../x.annotated.trace.jsonl'), join('/w', 'x.reannotated.trace.jsonl'));
  // In another folder it does not collide, so the usual name stays.
  assert.equal(annotatedOutputIn('/store', '/w/x.annotated.trace.jsonl'), join('/store', 'x.annotated.trace.jsonl'));
});

test('the output is never the input, for any file name', () => {
  const segment = fc.stringMatching(/^[A-Za-z0-9._ -]{1,20}$/).filter((s) => s !== '.' && s !== '..');
  const ext = fc.constantFrom('', '.jsonl', '.json', '.csv', '.parquet', '.trace.jsonl', '.annotated.trace.jsonl', '.reannotated.trace.jsonl', '.annotated');
  fc.assert(
    fc.property(segment, ext, (stem, e) => {
      const input = join('/w', `${stem}${e}`);
      assert.notEqual(annotatedOutputIn('/w', input), input);
    }),
  );
});
