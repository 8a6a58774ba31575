import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { annotateTrace } from '../../src/core/annotate';
import { ReviewSession } from '../../src/io/review-session';
import { exportTrl, toThoughtAnchorsChunks } from '../../src/runs/dataset/export';
import { loadReviews } from '../../src/runs/dataset/reviews';

const repoRoot = join(import.meta.dirname, '..', '..');
const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });

/** A probed trace (deltas +, +, −: automatic labels true, true, false) saved as a file, with a review session on it. */
function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'rl-export-reviews-'));
  const trace = annotateTrace(
    { problem: 'What is 2+2?', gold: '4', source: { kind: 'import:text' }, thinking: 'I will add the numbers first.\n\nTwo plus two is five.\n\nWait, let me verify: 2+2=4, yes.', response: 'The answer is \\boxed{4}.' },
    { segment: { mode: 'sentence' } },
  );
  assert.equal(trace.episodes.length, 3);
  trace.episodes.forEach((e, i) => (e.progress = { mu: 0.5, delta: [0.5, 0.25, -0.25][i], samples: 4, answers: { '4': 2 }, basis: 'gold' }));
  const tracePath = join(dir, 'run.trace.jsonl');
  writeFileSync(tracePath, `${JSON.stringify(trace)}\n`);
  return { dir, trace, tracePath, ann: new ReviewSession(tracePath, { who: 'ann' }), bob: new ReviewSession(tracePath, { who: 'bob' }) };
}

test('TRL export: human step verdicts replace the automatic rule where given, label_source says which per step; latest write wins', async () => {
  const { trace, tracePath, ann, bob } = setup();
  const [e0, e1, e2] = trace.episodes;
  ann.set(trace.id, e1, { kind: 'stepVerdict', value: 'good' }, trace.thinking, new Date(1000));
  bob.set(trace.id, e1, { kind: 'stepVerdict', value: 'bad' }, trace.thinking, new Date(2000)); // latest wins
  ann.set(trace.id, e2, { kind: 'stepVerdict', value: 'good' }, trace.thinking, new Date(3000));
  ann.set(trace.id, e0, { kind: 'note', value: 'fine' }, trace.thinking); // a note alone is no verdict
  ann.set(trace.id, { start: 0, end: 5 }, { kind: 'stepVerdict', value: 'bad' }, trace.thinking); // detached: not used

  const plain = JSON.parse(exportTrl([trace]).text);
  assert.deepEqual(plain.labels, [true, true, false]);
  assert.deepEqual(plain.label_source, ['auto', 'auto', 'auto']);
  assert.equal(plain.auto_rule, 'progress');

  const reviews = await loadReviews([tracePath]);
  assert.equal(reviews.annotations, 5);
  const row = JSON.parse(exportTrl([trace], { reviews: reviews.lookup }).text);
  assert.deepEqual(row.labels, [true, false, true]);
  assert.deepEqual(row.label_source, ['auto', 'human', 'human']);
  // One reviewer only: ann's verdict on e1 stands.
  const annOnly = await loadReviews([tracePath], { who: 'ann' });
  assert.deepEqual(JSON.parse(exportTrl([trace], { reviews: annOnly.lookup }).text).labels, [true, true, true]);
  // Neutral: true by default (no mistake), false when asked.
  ann.set(trace.id, e2, { kind: 'stepVerdict', value: 'neutral' }, trace.thinking, new Date(4000));
  const neutral = (await loadReviews([tracePath])).lookup;
  assert.deepEqual(JSON.parse(exportTrl([trace], { reviews: neutral }).text).labels, [true, false, true]);
  assert.deepEqual(JSON.parse(exportTrl([trace], { reviews: neutral, neutralAs: false }).text).labels, [true, false, false]);
  // Cleared (null) falls back to the automatic rule.
  ann.set(trace.id, e2, { kind: 'stepVerdict', value: null }, trace.thinking, new Date(5000));
  const cleared = JSON.parse(exportTrl([trace], { reviews: (await loadReviews([tracePath])).lookup }).text);
  assert.deepEqual(cleared.label_source, ['auto', 'human', 'auto']);
  assert.deepEqual(cleared.labels, [true, false, false]);
});

test('Thought Anchors export carries human labels (function_tags from them, automatic labels kept apart), verdict, note, tags', async () => {
  const { trace, tracePath, ann } = setup();
  const [e0, e1] = trace.episodes;
  ann.set(trace.id, e0, { kind: 'labels', value: ['verification'] }, trace.thinking);
  ann.set(trace.id, e0, { kind: 'tags', value: ['<b>x</b>', 'arith'] }, trace.thinking);
  ann.set(trace.id, e1, { kind: 'stepVerdict', value: 'bad' }, trace.thinking);
  ann.set(trace.id, e1, { kind: 'note', value: '2+2 is not five' }, trace.thinking);
  const chunks = toThoughtAnchorsChunks(trace, (await loadReviews([tracePath])).lookup);
  assert.deepEqual(chunks[0].function_tags, ['self_checking']);
  assert.equal(chunks[0].function_tags_source, 'human');
  assert.deepEqual(chunks[0].labels, trace.episodes[0].labels, 'automatic labels unchanged');
  assert.deepEqual(chunks[0].human, { by: ['ann'], labels: ['verification'], tags: ['<b>x</b>', 'arith'] });
  assert.deepEqual(chunks[1].human, { by: ['ann'], step_verdict: 'bad', note: '2+2 is not five' });
  assert.equal(chunks[1].function_tags_source, 'auto');
  assert.equal(chunks[2].human, undefined);
});

test('CLI export: the sidecar beside the input is used by default (--no-reviews ignores it, --annotations picks another, a bad line is reported by file:line)', () => {
  const { dir, trace, tracePath, ann } = setup();
  ann.set(trace.id, trace.episodes[0], { kind: 'stepVerdict', value: 'bad' }, trace.thinking);
  const out = join(dir, 'trl.jsonl');
  const r = cli(['export', tracePath, '--format', 'trl', '-o', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /reviews: 1 annotation\(s\) from .*run\.trace\.jsonl\.annotations\.jsonl/);
  const row = JSON.parse(readFileSync(out, 'utf8'));
  assert.deepEqual(row.labels, [false, true, false]);
  assert.deepEqual(row.label_source, ['human', 'auto', 'auto']);

  const none = cli(['export', tracePath, '--format', 'trl', '-o', out, '--no-reviews']);
  assert.equal(none.status, 0, none.stderr);
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')).label_source, ['auto', 'auto', 'auto']);

  const other = join(dir, 'other.annotations.jsonl');
  new ReviewSession(tracePath, { who: 'cy', sidecar: other }).set(trace.id, trace.episodes[2], { kind: 'stepVerdict', value: 'good' }, trace.thinking);
  appendFileSync(other, '{"v":1,"who":"cy","at":"2026-01-01T00:00:00.000Z","trace":"x","target":"trace","kind":"stepVerdict","value":"good"}\n');
  const picked = cli(['export', tracePath, '--format', 'trl', '-o', out, '--annotations', other]);
  assert.equal(picked.status, 1, 'a bad sidecar line is bad input');
  assert.match(picked.stderr, /other\.annotations\.jsonl:2: /);
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')).label_source, ['auto', 'auto', 'human']);

  // A folder: each trace file's own sidecar is read, and no sidecar is taken for a trace file.
  const sub = join(dir, 'folder');
  mkdirSync(sub);
  const inFolder = join(sub, 'a.trace.jsonl');
  writeFileSync(inFolder, readFileSync(tracePath));
  new ReviewSession(inFolder, { who: 'dee' }).set(trace.id, trace.episodes[0], { kind: 'stepVerdict', value: 'bad' }, trace.thinking);
  const folderOut = join(dir, 'folder-trl.jsonl');
  const folder = cli(['export', sub, '--format', 'trl', '-o', folderOut]);
  assert.equal(folder.status, 0, folder.stderr);
  assert.deepEqual(JSON.parse(readFileSync(folderOut, 'utf8')).label_source, ['human', 'auto', 'auto']);

  const missing = cli(['export', tracePath, '--format', 'trl', '-o', out, '--annotations', join(dir, 'nope.jsonl')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /nope\.jsonl: no such annotations file/);
});
