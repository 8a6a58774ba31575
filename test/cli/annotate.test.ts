import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateTrace } from '../../src/core/schema';
import type { Trace } from '../../src/core/trace';
import { cliBundle, runCli } from './helpers';
import { sharedData, skipWithoutData } from '../formats/helpers';

const tmp = mkdtempSync(join(tmpdir(), 'rl-cli-test-'));

before(async () => {
  await cliBundle();
});

function readTraces(path: string): Trace[] {
  const text = readFileSync(path, 'utf8');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l, i) => {
      const r = validateTrace(JSON.parse(l));
      assert.ok(r.ok, `${path}:${i + 1}: ${JSON.stringify(!r.ok && r.errors)}`);
      return r.trace;
    });
}

test('the bundled examples annotate with no model: exit 0, valid traces, one summary line per file', async () => {
  const out = join(tmp, 'examples.trace.jsonl');
  const r = await runCli(['annotate', 'examples/traces.jsonl', 'examples/sky-t1.jsonl', 'examples/rectangle.txt', '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  const traces = readTraces(out);
  assert.equal(traces.length, 5);
  assert.deepEqual(
    r.stderr.trim().split('\n').map((l) => l.replace(/:.*/, '')),
    ['examples/traces.jsonl', 'examples/sky-t1.jsonl', 'examples/rectangle.txt', 'total (3 files)'],
  );
  assert.match(r.stderr, /total \(3 files\): 5 traces, \d\/5 correct, \d+ episodes, 0 errors\n$/);
  assert.match(r.stderr, /examples\/traces\.jsonl: 3 traces, \d\/3 correct, \d+ episodes, 0 errors/);
  const byId = new Map(traces.map((t) => [t.id, t]));
  assert.equal(byId.get('example-coins')?.final.correct, true, 'an equivalent but differently written answer (\\dfrac{1}{2} vs 0.5) is correct');
  assert.equal(byId.get('example-divisors-cut-off')?.truncated, true);
});

test('bad input: every bad record named with file:line: field, the good ones still written, exit 1', async () => {
  const input = join(tmp, 'bad.jsonl');
  const good = (p: string) => JSON.stringify({ problem: p, gold: '1', output: '<think>\nThe answer is 1.\n</think>\n\\boxed{1}' });
  writeFileSync(
    input,
    '\ufeff' +
      [
        good('first'),
        '{"problem": "broken" ',
        JSON.stringify({ problem: 'no output here', gold: '1' }),
        JSON.stringify({ problem: 'empty thinking', gold: '1', output: '<think></think>\\boxed{1}' }),
        '\u0000\u0001\u0002garbage\u00ff',
        good('last'),
      ].join('\r\n') + '\r\n',
  );
  const out = join(tmp, 'bad.out.jsonl');
  const r = await runCli(['annotate', input, '-o', out]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`${input.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: \\(line\\): invalid JSON`));
  assert.match(r.stderr, /bad\.jsonl:3: output\|response\|completion\|generation\|solution: is required/);
  assert.match(r.stderr, /bad\.jsonl:5: \(line\): invalid JSON/);
  assert.match(r.stderr, /bad\.jsonl: 3 traces, 3\/3 correct, \d+ episodes, 3 errors/);
  assert.deepEqual(readTraces(out).map((t) => t.problem), ['first', 'empty thinking', 'last']);
});

test('our own format is validated on read: a broken trace is reported with its field', async () => {
  const first = join(tmp, 'ours.trace.jsonl');
  const r1 = await runCli(['annotate', 'examples/traces.jsonl', '-o', first]);
  assert.equal(r1.code, 0, r1.stderr);
  const lines = readFileSync(first, 'utf8').trim().split('\n');
  const broken = JSON.parse(lines[1]);
  broken.episodes[1].end = broken.episodes[1].start - 1;
  const input = join(tmp, 'broken.trace.jsonl');
  writeFileSync(input, [lines[0], JSON.stringify(broken), lines[2]].join('\n'));
  const r2 = await runCli(['annotate', input, '-o', join(tmp, 'again.jsonl')]);
  assert.equal(r2.code, 1);
  assert.match(r2.stderr, /broken\.trace\.jsonl:2: episodes\[1\]\.end: must be >= start/);
  assert.equal(readTraces(join(tmp, 'again.jsonl')).length, 2);
});

test('stdin and stdout with "-"; segment writes to stdout by default', async () => {
  const text = readFileSync('examples/rectangle.txt', 'utf8');
  const r = await runCli(['segment', '-', '--mode', 'mrt'], { stdin: text });
  assert.equal(r.code, 0, r.stderr);
  const trace = JSON.parse(r.stdout.trim()) as Trace;
  assert.equal(validateTrace(trace).ok, true);
  assert.equal(trace.source.segmentation?.mode, 'mrt');
  assert.equal(trace.gold, '54');
  assert.equal(r.stderr, '');
  const jsonl = readFileSync('examples/traces.jsonl', 'utf8');
  const r2 = await runCli(['annotate', '-', '-o', '-'], { stdin: jsonl });
  assert.equal(r2.code, 0, r2.stderr);
  assert.equal(r2.stdout.trim().split('\n').length, 3);
  assert.match(r2.stderr, /^<stdin>: 3 traces/);
});

test('usage errors exit 2: no input, unknown mode, bad number, missing file, missing -o', async () => {
  for (const args of [
    ['annotate'],
    ['annotate', 'examples/traces.jsonl', '-o', join(tmp, 'x.jsonl'), '--mode', 'paragraphs'],
    ['segment', 'examples/traces.jsonl', '--group-size', '0'],
    ['segment', 'examples/does-not-exist.jsonl'],
    ['annotate', 'examples/traces.jsonl'],
    ['no-such-command'],
  ]) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(' ')} -> ${r.code}: ${r.stderr}`);
    assert.notEqual(r.stderr, '');
  }
  const help = await runCli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /annotate/);
});

test('field options pick the generic fields', async () => {
  const input = join(tmp, 'custom.jsonl');
  writeFileSync(input, JSON.stringify({ task: 'What is 2+3?', ref: 5, gen: '<think>2+3=5</think> \\boxed{5}' }) + '\n');
  const out = join(tmp, 'custom.out.jsonl');
  const r = await runCli(['annotate', input, '-o', out, '--problem-field', 'task', '--gold-field', 'ref', '--output-field', 'gen']);
  assert.equal(r.code, 0, r.stderr);
  const [t] = readTraces(out);
  assert.deepEqual([t.problem, t.gold, t.final.correct], ['What is 2+3?', '5', true]);
});

test('a 50 MB single-line trace annotates', async () => {
  const paragraph = 'Let me add the numbers one more time to be sure: 1 + 1 = 2, and 2 + 2 = 4, so far so good.';
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < 50 * 1024 * 1024; i++) {
    const p = i % 7 === 6 ? `Wait, check step ${i} again. ${paragraph}` : `${paragraph} Step ${i}.`;
    parts.push(p);
    size += p.length + 2;
  }
  const input = join(tmp, 'huge.jsonl');
  writeFileSync(input, JSON.stringify({ problem: 'big', gold: '4', output: `<think>\n${parts.join('\n\n')}\n</think>\nSo \\boxed{4}.` }) + '\n');
  const out = join(tmp, 'huge.out.jsonl');
  const r = await runCli(['annotate', input, '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  const line = readFileSync(out, 'utf8');
  const t = JSON.parse(line) as Trace;
  assert.equal(validateTrace(t).ok, true);
  assert.ok(t.thinking.length >= 50 * 1024 * 1024);
  assert.equal(t.final.correct, true);
  assert.ok(t.episodes.length > 1000);
});

const realSets = [
  { dir: 'traces/thought-anchors.com', traces: 40 },
  { dir: 'traces/thought-anchors-cots-math', traces: 153 },
  { dir: 'traces/skythought', traces: 100 },
];

for (const set of realSets) {
  test(`real data ${set.dir}: every trace annotates, exit 0, all valid`, { skip: skipWithoutData() }, async () => {
    const out = join(tmp, `${set.dir.replace(/\W/g, '_')}.trace.jsonl`);
    const r = await runCli(['annotate', join(sharedData, set.dir), '-o', out]);
    assert.equal(r.code, 0, r.stderr.slice(0, 2000));
    const traces = readTraces(out);
    assert.equal(traces.length, set.traces);
    assert.ok(traces.every((t) => t.gold !== null && t.gold !== undefined && t.final.correct !== null));
    if (set.dir.endsWith('cots-math')) {
      // Every trace the source marked correct must be correct for us too (its grader was near-exact match).
      const markedCorrect = traces.filter((t) => (t.source.extra as Record<string, unknown>).is_correct === true);
      assert.equal(markedCorrect.length, 118);
      const missed = markedCorrect.filter((t) => t.final.correct !== true).map((t) => `${t.source.path}: ${t.final.answer} vs ${t.gold}`);
      assert.deepEqual(missed, []);
    }
  });
}

test('re-annotating our own output is stable (same ids, same episodes)', { skip: !existsSync('examples/traces.jsonl') && 'no examples' }, async () => {
  const a = join(tmp, 'stable-a.trace.jsonl');
  const b = join(tmp, 'stable-b.trace.jsonl');
  assert.equal((await runCli(['annotate', 'examples/traces.jsonl', '-o', a])).code, 0);
  assert.equal((await runCli(['annotate', a, '-o', b])).code, 0);
  const ta = readTraces(a);
  const tb = readTraces(b);
  assert.deepEqual(tb.map((t) => [t.id, t.episodes, t.final]), ta.map((t) => [t.id, t.episodes, t.final]));
});
