import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anchorCorrection, DEFAULT_STATS, estimateHeight, PrefixSums, scrollTargetFor, VirtualRows, windowRange, type RowShape } from '../../webview/trace/model/virtual-window';

const collapsed = (n: number, visible = (_: number) => true): RowShape[] => Array.from({ length: n }, (_, i) => ({ chars: 500, expanded: false, visible: visible(i) }));

test('prefix sums: before/total/indexAt agree with a plain running sum after random updates', () => {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const values = Array.from({ length: 1000 }, () => Math.floor(rand() * 100));
  const sums = new PrefixSums(values);
  for (let k = 0; k < 500; k++) {
    const i = Math.floor(rand() * values.length);
    values[i] = Math.floor(rand() * 100);
    sums.set(i, values[i]);
  }
  let running = 0;
  for (let i = 0; i < values.length; i++) {
    assert.equal(sums.before(i), running);
    running += values[i];
  }
  assert.equal(sums.total(), running);
  // indexAt(y): the row whose [start, end) holds y; zero-height rows are skipped.
  for (let probe = 0; probe < 300; probe++) {
    const y = rand() * running;
    const i = sums.indexAt(y);
    assert.ok(sums.before(i) <= y && y < sums.before(i) + values[i], `y=${y} i=${i}`);
    assert.ok(values[i] > 0);
  }
  assert.equal(sums.indexAt(running + 5), values.length);
});

test('rows: estimates until measured, measurements cached per expanded state, learned estimate', () => {
  const rows = new VirtualRows();
  rows.reset(collapsed(10));
  assert.equal(rows.height(3), DEFAULT_STATS.collapsed);
  assert.equal(rows.isMeasured(3), false);
  assert.equal(rows.measure(3, 50), true);
  assert.equal(rows.height(3), 50);
  assert.equal(rows.isMeasured(3), true);
  // The estimate of the unmeasured rows follows the measured mean.
  rows.measure(4, 40);
  rows.reset(collapsed(10));
  assert.equal(rows.height(0), 45);
  assert.equal(rows.height(3), 50, 'the measurement of the same state survives a reset');
  // Expanding: estimated from the text; collapsing again brings back the collapsed measurement.
  rows.setShape(3, { chars: 4000, expanded: true, visible: true });
  assert.ok(rows.height(3) > 400, `expanded estimate ${rows.height(3)}`);
  rows.measure(3, 900);
  rows.setShape(3, { chars: 4000, expanded: false, visible: true });
  assert.equal(rows.height(3), 45, 'collapsed again: estimate (the cached size was for expanded)');
  assert.equal(rows.offsetOf(4), 3 * 45 + 45);
});

test('rows: hidden rows take no space and indexAt skips them', () => {
  const rows = new VirtualRows();
  rows.reset(collapsed(100, (i) => i % 10 === 0));
  assert.equal(rows.total(), 10 * DEFAULT_STATS.collapsed);
  assert.equal(rows.indexAt(DEFAULT_STATS.collapsed + 1), 10);
  assert.equal(rows.measure(5, 99), false, 'a hidden row is not measured');
});

test('rows: appending while live keeps earlier measurements; growing text invalidates an expanded body', () => {
  const rows = new VirtualRows();
  rows.reset(collapsed(2));
  rows.measure(0, 30);
  rows.measure(1, 30);
  rows.setShape(2, { chars: 10, expanded: true, visible: true });
  assert.equal(rows.length, 3);
  assert.equal(rows.offsetOf(2), 60);
  rows.measure(2, 200);
  assert.equal(rows.height(2), 200);
  rows.setShape(2, { chars: 5000, expanded: true, visible: true });
  assert.notEqual(rows.height(2), 200, 'grew: re-estimated until measured again');
  rows.forgetMeasurements();
  assert.equal(rows.isMeasured(0), false);
});

test('window: covers the viewport plus overscan, bounded by maxRows, whatever the row count', () => {
  const rows = new VirtualRows();
  rows.reset(collapsed(10_000));
  const h = DEFAULT_STATS.collapsed;
  const range = windowRange(rows, 100 * h, 100 * h + 900, 300);
  assert.ok(range.start <= 100 - Math.floor(300 / h) + 1 && range.start >= 100 - Math.ceil(300 / h) - 1, `start ${range.start}`);
  assert.ok(range.end >= 100 + Math.ceil((900 + 300) / h), `end ${range.end}`);
  assert.ok(range.end - range.start <= 40);
  assert.equal(windowRange(rows, 0, 1e6, 0, 120).end, 120, 'maxRows caps the DOM');
  const last = windowRange(rows, rows.total() - 500, rows.total(), 300);
  assert.equal(last.end, 10_000);
  assert.deepEqual(windowRange(new VirtualRows(), 0, 900, 300), { start: 0, end: 0 });
  // The list starts 100 px below the viewport: the overscan still mounts its first rows; 400 px below a 300 px overscan, none.
  assert.deepEqual(windowRange(rows, -1000, -100, 300), { start: 0, end: rows.indexAt(200) + 1 });
  assert.deepEqual(windowRange(rows, -1300, -400, 300), { start: 0, end: 0 });
});

test('anchor and scroll targets', () => {
  assert.equal(anchorCorrection(120, 120.2), 0);
  assert.equal(anchorCorrection(120, 180), 60, 'a row above grew by 60 px: scroll down by 60');
  const rows = new VirtualRows();
  rows.reset(collapsed(100));
  const h = DEFAULT_STATS.collapsed;
  assert.equal(scrollTargetFor(rows, 50, 0, 900, 'start'), 50 * h);
  assert.equal(scrollTargetFor(rows, 5, 0, 900, 'nearest'), 0, 'already visible: no scroll');
  assert.equal(scrollTargetFor(rows, 50, 0, 900, 'nearest'), 51 * h - 900, 'below: aligned to the bottom');
  assert.equal(scrollTargetFor(rows, 2, 10 * h, 900, 'nearest'), 2 * h, 'above: aligned to the top');
  assert.equal(estimateHeight({ chars: 10, expanded: false, visible: false }, DEFAULT_STATS), 0);
});
