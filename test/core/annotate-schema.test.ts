/**
 * What annotateTrace builds from real traces is valid trace format in every segmentation mode.
 * The offline CLI does not validate its own output again (that cost showed in profiles of the
 * whole command); this test is what stands behind that.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { annotateTrace } from '../../src/core/annotate';
import { validateTrace } from '../../src/core/schema';
import { REAL_TRACE_COUNT, loadRealTraces } from './segment-data';
import { skipWithoutData } from '../support/shared-data';

test('annotateTrace output validates against the schema for every real trace in every mode', { skip: skipWithoutData('traces') }, () => {
  const traces = loadRealTraces(true);
  assert.equal(traces.length, REAL_TRACE_COUNT);
  let checked = 0;
  for (const mode of ['mrt', 'auto', 'sentence'] as const) {
    for (const t of traces) {
      const trace = annotateTrace({ problem: t.name, gold: '42', source: { kind: 'test' }, raw: t.raw }, { segment: { mode } });
      const r = validateTrace(trace);
      assert.ok(r.ok, `${t.name} (${mode}): ${r.ok ? '' : JSON.stringify(r.errors.slice(0, 3))}`);
      checked++;
    }
  }
  assert.equal(checked, 3 * REAL_TRACE_COUNT);
});
