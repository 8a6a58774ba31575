import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { CSV_COLUMNS, exportCsv, exportTrl, toThoughtAnchorsChunks, toTrlRow, writeExport } from '../../src/runs/dataset/export';
import { episode, progress, trace } from './fixtures';

const probed = trace('P', [
  episode(0, 10, { progress: progress(0.25, 0.25), labels: ['planning'] }),
  episode(1, 10, { progress: progress(0.25, 0), labels: ['computation', 'answer'], answer: '2', verdict: 'incorrect' }),
  episode(2, 10, { progress: progress(0.75, 0.5), labels: ['verification', 'backtracking'], verdict: 'correct', answer: '1' }),
]);
const unprobed = trace('U', [episode(0, 10, { verdict: 'incorrect', answer: '3' }), episode(1, 10, { verdict: 'correct', answer: '1' }), episode(2, 10)]);

test('TRL rows: prompt, completions = episode texts, labels from progress delta > threshold', () => {
  assert.deepEqual(toTrlRow(probed), { prompt: 'problem P', completions: ['step 0', 'step 1', 'step 2'], labels: [true, false, true], label_source: ['auto', 'auto', 'auto'], auto_rule: 'progress' });
  assert.deepEqual((toTrlRow(probed, { threshold: 0.3 }) as { labels: boolean[] }).labels, [false, false, true]);
  assert.deepEqual(Object.keys(toTrlRow(probed)).sort(), ['auto_rule', 'completions', 'label_source', 'labels', 'prompt']);
});

test('TRL labels fall back to verdicts when a trace is not fully probed; forcing progress skips it', () => {
  assert.deepEqual((toTrlRow(unprobed) as { labels: boolean[] }).labels, [false, true, true]);
  assert.deepEqual((toTrlRow(probed, { labels: 'verdict' }) as { labels: boolean[] }).labels, [true, false, true]);
  const r = exportTrl([probed, unprobed, trace('E', [])], { labels: 'progress' });
  assert.equal(r.rows, 1);
  assert.deepEqual(r.skipped.map((s) => s.id), ['U', 'E']);
  const line = JSON.parse(r.text.trim());
  assert.equal(line.labels.length, line.completions.length);
});

test('Thought Anchors chunks carry chunk, chunk_idx, function_tags, depends_on, accuracy', () => {
  const chunks = toThoughtAnchorsChunks(probed);
  assert.equal(chunks.length, 3);
  assert.deepEqual(
    { chunk: chunks[2].chunk, chunk_idx: chunks[2].chunk_idx, function_tags: chunks[2].function_tags, depends_on: chunks[2].depends_on, accuracy: chunks[2].accuracy },
    { chunk: 'step 2', chunk_idx: 2, function_tags: ['self_checking', 'uncertainty_management'], depends_on: [], accuracy: 0.75 },
  );
  assert.equal(toThoughtAnchorsChunks(unprobed)[0].accuracy, undefined);
});

test('CSV: one row per episode, formulas neutralised, parses back', () => {
  const evil = trace('X', [episode(0, 3, { text: '=HYPERLINK("http://x")' })]);
  const csv = exportCsv([probed, evil]);
  const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
  assert.deepEqual(parsed.meta.fields, [...CSV_COLUMNS]);
  assert.equal(parsed.data.length, 4);
  assert.equal(parsed.data[2].mu, '0.75');
  assert.equal(parsed.data[2].labels, 'verification;backtracking');
  assert.equal(parsed.data[3].text, `'=HYPERLINK("http://x")`);
});

test('writeExport: thought-anchors writes one chunks_labeled.json per trace in a directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-export-'));
  const r = writeExport([probed, unprobed, { ...unprobed }], 'thought-anchors', join(dir, 'ta'));
  assert.deepEqual(r.written.map((p) => p.slice(dir.length + 1)), ['ta/P/chunks_labeled.json', 'ta/U/chunks_labeled.json', 'ta/U_2/chunks_labeled.json']);
  assert.equal(JSON.parse(readFileSync(r.written[0], 'utf8')).length, 3);
  const single = writeExport([probed], 'thought-anchors', join(dir, 'one.json'));
  assert.deepEqual(single.written, [join(dir, 'one.json')]);
  const trl = writeExport([probed], 'trl', join(dir, 'trl.jsonl'));
  assert.equal(readFileSync(trl.written[0], 'utf8').trim().split('\n').length, 1);
});
