import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { annotateTrace } from '../../src/core/annotate';
import { makeAnnotation } from '../../src/core/review/annotation';
import { appendAnnotation, sidecarPathFor } from '../../src/io/review-sidecar';

const repoRoot = join(import.meta.dirname, '..', '..');
const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'rl-review-cli-'));
  const trace = annotateTrace(
    { problem: 'What is 2+2?', gold: '4', source: { kind: 'import:text' }, thinking: 'I will add the numbers first.\n\nTwo plus two is four.\n\nWait, let me verify: 2+2=4, yes.', response: 'The answer is \\boxed{4}.' },
    { segment: { mode: 'sentence' } },
  );
  trace.episodes.forEach((e, i) => (e.progress = { mu: 0.5, delta: [0.5, 0.25, -0.25][i] ?? 0, samples: 4, answers: { '4': 2 }, basis: 'gold' }));
  const tracePath = join(dir, 'run.trace.jsonl');
  writeFileSync(tracePath, `${JSON.stringify(trace)}\n`);
  return { dir, trace, tracePath, sidecar: sidecarPathFor(tracePath) };
}

test('review report: human vs automatic labels and verdicts vs mu, reviewed count, detached count; -o onto an input refused', () => {
  const { trace, tracePath, sidecar } = setup();
  const t = new Date('2026-01-01T00:00:00Z');
  const [e0, e1, e2] = trace.episodes;
  appendAnnotation(sidecar, makeAnnotation('ann', t, trace.id, e0, { kind: 'stepVerdict', value: 'good' }, trace.thinking));
  appendAnnotation(sidecar, makeAnnotation('ann', t, trace.id, e1, { kind: 'stepVerdict', value: 'bad' }, trace.thinking));
  appendAnnotation(sidecar, makeAnnotation('ann', t, trace.id, e2, { kind: 'labels', value: ['verification'] }, trace.thinking));
  appendAnnotation(sidecar, makeAnnotation('ann', t, trace.id, { start: 0, end: 3 }, { kind: 'note', value: 'old range' }, trace.thinking));
  appendAnnotation(sidecar, makeAnnotation('ann', t, trace.id, 'trace', { kind: 'reviewed', value: true }));
  const r = cli(['review', 'report', tracePath, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.reviewed, 1);
  assert.equal(report.detached, 1);
  assert.equal(report.labels.reviewed, 1);
  assert.equal(report.verdicts.n, 2);
  assert.equal(report.verdicts.confusion.good.good, 1);
  assert.equal(report.verdicts.confusion.bad.good, 1);
  const text = cli(['review', 'report', tracePath]);
  assert.match(text.stdout, /reviewed: 1 \/ 1 traces/);
  assert.match(text.stdout, /precision = both \/ auto\+/);
  const onto = cli(['review', 'report', tracePath, '-o', sidecar]);
  assert.equal(onto.status, 2);
  assert.doesNotMatch(onto.stderr, /^\s+at /m);
});

test('review agreement A B: kappa text; a bad sidecar line is file:line: field: message and exit 1; the output is written atomically', () => {
  const { dir, trace, tracePath } = setup();
  const t = new Date('2026-01-01T00:00:00Z');
  const a = join(dir, 'a.annotations.jsonl');
  const b = join(dir, 'b.annotations.jsonl');
  for (const [i, e] of trace.episodes.entries()) {
    appendAnnotation(a, makeAnnotation('ann', t, trace.id, e, { kind: 'stepVerdict', value: i === 0 ? 'good' : 'bad' }, trace.thinking));
    appendAnnotation(b, makeAnnotation('bob', t, trace.id, e, { kind: 'stepVerdict', value: i === 1 ? 'neutral' : i === 0 ? 'good' : 'bad' }, trace.thinking));
  }
  const ok = cli(['review', 'agreement', a, b]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /Step verdicts: 3 target\(s\) with a verdict from both; agreement 0\.67/);
  writeFileSync(b, `${readFileSync(b, 'utf8')}{"v":1,"who":"bob","at":"2026-01-01T00:00:00Z","trace":"x","target":"trace","kind":"reviewed","value":"yes"}\n`);
  const out = join(dir, 'agreement.txt');
  const bad = cli(['review', 'agreement', a, b, '-o', out]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /b\.annotations\.jsonl:4: value: must be true or false/);
  assert.match(readFileSync(out, 'utf8'), /Inter-annotator agreement/);
  void tracePath;
});
