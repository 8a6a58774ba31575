/**
 * `reasoning-lens compare`, run as the bundled CLI: the summary table of two real traces of one
 * problem, --json and --align, picking traces from a file of several (FILE#ID, FILE#N, --id),
 * and the CLI contract: no output onto an input (also through a symlink), atomic -o, bad
 * records as `file:line: field: message` with exit 1, usage errors exit 2, terminal-safe text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { annotateTrace } from '../../src/core/annotate';
import type { Trace } from '../../src/core/trace';
import { parseInputSpec } from '../../src/cli/commands/compare';
import { dataPath, skipWithoutData } from '../support/shared-data';
import { runCli } from './helpers';

const realFile = (model: string, kind: string) => dataPath('traces', 'thought-anchors.com', model, `${kind}_base_solution`, 'problem_330', 'base_solution.json');
const RIGHT = realFile('deepseek-r1-distill-llama-8b', 'correct');
const WRONG = realFile('deepseek-r1-distill-qwen-14b', 'incorrect');

function trace(id: string, model: string, raw: string): Trace {
  return { ...annotateTrace({ problem: 'What is 6 times 7?', gold: '42', model, source: { kind: 'test' }, raw }), id };
}

const RIGHT_RAW = '<think>Six sevens: the answer is \\boxed{48}.\n\nWait, 6 times 7 is 42, so the answer is \\boxed{42}.</think>The answer is \\boxed{42}.';
const WRONG_RAW = '<think>Six sevens: the answer is \\boxed{48}.</think>The answer is \\boxed{48}.';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'rl-compare-'));
}

test('two real traces of one problem: the table marks the rows that differ and names the divergence', { skip: skipWithoutData('traces', 'thought-anchors.com') }, async () => {
  const r = await runCli(['compare', RIGHT, WRONG]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\* Final verdict\s+correct\s+incorrect$/m);
  assert.match(r.stdout, /^\* Final answer\s+88572\s+36084$/m);
  assert.match(r.stdout, /^ {2}Budget policy\s+not recorded\s+not recorded$/m);
  assert.match(r.stdout, /deepseek-r1-distill-llama-8b: .*problem_330\/base_solution\.json:1 \(id [0-9a-f]+\)/);
  // Which values the sentence names depends on the answer extractor (issue 11 tunes it); the
  // compare logic is checked on hand-made traces below and in test/core/compare.test.ts.
  assert.match(r.stdout, /Intermediate answers diverge after episode #\d+: deepseek-r1-distill-llama-8b says \S+ \(episode #\d+\), deepseek-r1-distill-qwen-14b says \S+ \(episode #\d+\)\./);
  const tokens = await runCli(['compare', RIGHT, WRONG, '--align', 'tokens']);
  assert.match(tokens.stdout, /Intermediate answers diverge at [\d,]+ thinking tokens/);
});

test('--json: summary rows with definitions, both divergences, and the aligned episodes of the chosen alignment', { skip: skipWithoutData('traces', 'thought-anchors.com') }, async () => {
  const r = await runCli(['compare', RIGHT, WRONG, '--json', '--align', 'tokens']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.alignment, 'tokens');
  assert.equal(out.sameProblem, true);
  assert.equal(out.traces.length, 2);
  const verdict = out.summary.find((row: { key: string }) => row.key === 'verdict');
  assert.deepEqual(verdict.cells.map((c: { text: string }) => c.text), ['correct', 'incorrect']);
  assert.equal(verdict.differs, true);
  assert.ok(out.summary.every((row: { definition: string }) => row.definition.length > 10), 'every row says what it is');
  assert.ok(out.divergence.index && out.divergence.tokens);
  const ends = new Set(out.traces.flatMap((t: { episodes: { endTokens: number }[] }) => t.episodes.map((e) => e.endTokens)));
  assert.equal(out.aligned.length, ends.size);
});

test('a file of several traces: FILE#ID and FILE#N pick one, --id picks by id, too many or too few is a usage error', async () => {
  const dir = tempDir();
  const file = join(dir, 'runs.trace.jsonl');
  const traces = [trace('long', 'model-a', RIGHT_RAW), trace('short', 'model-b', WRONG_RAW), ...Array.from({ length: 8 }, (_, i) => trace(`x${i}`, `m${i}`, WRONG_RAW))];
  writeFileSync(file, traces.map((t) => JSON.stringify(t)).join('\n') + '\n');
  const r = await runCli(['compare', `${file}#long`, `${file}#2`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\s+model-a\s+model-b$/m);
  assert.match(r.stdout, /^\* Final answer\s+42\s+48$/m);
  const byId = await runCli(['compare', file, '--id', 'short,long', '--json']);
  assert.equal(byId.code, 0, byId.stderr);
  assert.deepEqual(JSON.parse(byId.stdout).traces.map((t: { id: string }) => t.id), ['long', 'short'], 'file order');
  const tooMany = await runCli(['compare', file]);
  assert.equal(tooMany.code, 2);
  assert.match(tooMany.stderr, /the inputs hold 10 traces; compare shows at most 8: pick some with FILE#ID or --id \(e\.g\. \S+runs\.trace\.jsonl#long, /);
  const missing = await runCli(['compare', `${file}#nope`, `${file}#long`]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /runs\.trace\.jsonl: no trace with id "nope" \(and not a position 1\.\.10\)/);
  const one = await runCli(['compare', `${file}#long`]);
  assert.equal(one.code, 2);
  assert.match(one.stderr, /compare needs at least two traces; the inputs gave 1/);
  assert.deepEqual(parseInputSpec('a#b.jsonl', (p) => p === 'a#b.jsonl'), { path: 'a#b.jsonl' }, 'a file name with # is taken whole');
  assert.deepEqual(parseInputSpec('runs.jsonl#abc', () => false), { path: 'runs.jsonl', selector: 'abc' });
});

test('-o never writes onto an input (also through a symlink) nor into a directory; otherwise it writes atomically', async () => {
  const dir = tempDir();
  const a = join(dir, 'a.trace.json');
  const b = join(dir, 'b.trace.json');
  writeFileSync(a, JSON.stringify(trace('a', 'model-a', RIGHT_RAW)));
  writeFileSync(b, JSON.stringify(trace('b', 'model-b', WRONG_RAW)));
  const before = readFileSync(a, 'utf8');
  const onto = await runCli(['compare', a, b, '-o', a]);
  assert.equal(onto.code, 2);
  assert.match(onto.stderr, /is one of the inputs: write the output elsewhere/);
  symlinkSync(a, join(dir, 'link.json'));
  const viaLink = await runCli(['compare', a, b, '-o', join(dir, 'link.json')]);
  assert.equal(viaLink.code, 2);
  assert.equal(readFileSync(a, 'utf8'), before, 'the input is untouched');
  const intoDir = await runCli(['compare', a, b, '-o', dir]);
  assert.equal(intoDir.code, 2);
  assert.match(intoDir.stderr, /is a directory; give a file name for the output/);
  const badAlign = await runCli(['compare', a, b, '--align', 'bytes']);
  assert.equal(badAlign.code, 2, 'an unknown alignment is a usage error');
  const out = join(dir, 'cmp.txt');
  const ok = await runCli(['compare', a, b, '-o', out]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, '');
  assert.match(readFileSync(out, 'utf8'), /^\* Final verdict\s+correct\s+incorrect$/m);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp')), [], 'no temp file left');
});

test('bad records are reported as file:line: field: message (exit 1) and the good ones compared; text is terminal-safe', async () => {
  const dir = tempDir();
  const file = join(dir, 'mixed.trace.jsonl');
  const hostile = { ...trace('h', 'evil\u001b]0;pwned\u0007\u001b[31m-model', RIGHT_RAW), final: { answer: '42\u001b[2J', correct: true } };
  writeFileSync(file, [JSON.stringify(hostile), '{"version": 1, "id": 5}', JSON.stringify(trace('s', 'model-b', WRONG_RAW))].join('\n') + '\n');
  const r = await runCli(['compare', file]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: \\S+: .+$`, 'm'));
  assert.match(r.stdout, /Final verdict\s+correct\s+incorrect/);
  assert.equal(/[\u001b\u0007]/.test(r.stdout + r.stderr), false, 'no escape or bell reaches the terminal');
  assert.match(r.stdout, /evil-model/);
});
