/**
 * The CLI contract on the output side (issue 9, cases 1, 4, 6, 8, 10): an output is never an
 * input (however it is spelled), paths are checked before any input is read or model called,
 * `-o` under /proc is refused at once (Node's recursive mkdir loops there), I/O problems are one
 * plain line with exit 2 (never a stack trace), `export -o -` is stdout, and everything echoed
 * from input is free of terminal control sequences.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, linkSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeOllama } from '../fake-ollama/server';
import { SUM_PROBLEM } from '../fake-ollama/problems';
import { runBounded, STACK_FRAME } from './spawn';

const TRACE_LINES = [
  { id: 't1', problem: 'What is 1+1?', output: '<think>1+1 is 2.\n\nWait, check: yes, 2.</think>The answer is \\boxed{2}.', gold: '2' },
  { id: 't2', problem: 'What is 2+2?', output: '<think>2+2 is 4.\n\nWait, check: yes, 4.</think>The answer is \\boxed{4}.', gold: '4' },
];

function workspace(): { dir: string; traces: string; bytes: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'rl-contract-'));
  const traces = join(dir, 'a.jsonl');
  writeFileSync(traces, TRACE_LINES.map((l) => JSON.stringify(l)).join('\n') + '\n');
  mkdirSync(join(dir, 'x'));
  symlinkSync(traces, join(dir, 'link.jsonl'));
  linkSync(traces, join(dir, 'hard.jsonl'));
  return { dir, traces, bytes: readFileSync(traces) };
}

/** Every way of naming the input again: itself, through `x/..`, a symlink, a hard link. */
const SPELLINGS = ['a.jsonl', './x/../a.jsonl', 'link.jsonl', 'hard.jsonl'];

function assertRefusedUnchanged(r: Awaited<ReturnType<typeof runBounded>>, w: ReturnType<typeof workspace>, what: string): void {
  assert.equal(r.timedOut, false, `${what}: hung`);
  assert.equal(r.code, 2, `${what}: exit ${r.code}\n${r.stderr}`);
  assert.match(r.stderr, /input/, `${what}: the message says the output is an input`);
  assert.doesNotMatch(r.stderr, STACK_FRAME, what);
  assert.deepEqual(readFileSync(w.traces), w.bytes, `${what}: the input is byte-identical`);
}

test('case 1: annotate, segment and export refuse an output that is an input, however spelled; the input is byte-identical', async () => {
  const w = workspace();
  for (const out of SPELLINGS) {
    assertRefusedUnchanged(await runBounded(['annotate', 'a.jsonl', '-o', out], { cwd: w.dir, boundMs: 20_000 }), w, `annotate a.jsonl -o ${out}`);
    assertRefusedUnchanged(await runBounded(['segment', 'a.jsonl', '-o', out], { cwd: w.dir, boundMs: 20_000 }), w, `segment a.jsonl -o ${out}`);
    assertRefusedUnchanged(await runBounded(['export', 'a.jsonl', '--format', 'trl', '-o', out], { cwd: w.dir, boundMs: 20_000 }), w, `export a.jsonl -o ${out}`);
    assertRefusedUnchanged(await runBounded(['grade', 'a.jsonl', '-o', out], { cwd: w.dir, boundMs: 20_000 }), w, `grade a.jsonl -o ${out}`);
  }
  // The input named through the symlink, the output as the real file.
  assertRefusedUnchanged(await runBounded(['annotate', 'link.jsonl', '-o', 'a.jsonl'], { cwd: w.dir, boundMs: 20_000 }), w, 'annotate link.jsonl -o a.jsonl');
});

test('case 1: a dataset job refuses its input as output even with --force, before any model request', async () => {
  const fake = await startFakeOllama({ problems: [SUM_PROBLEM] });
  try {
    const dir = mkdtempSync(join(tmpdir(), 'rl-contract-'));
    const set = join(dir, 'set.jsonl');
    writeFileSync(set, `${JSON.stringify({ id: 'p0', problem: SUM_PROBLEM.match, answer: '42' })}\n`);
    const bytes = readFileSync(set);
    symlinkSync(set, join(dir, 'link.jsonl'));
    mkdirSync(join(dir, 'x'));
    for (const out of ['link.jsonl', './x/../set.jsonl']) {
      for (const extra of [['--force'], ['--resume', '--force']]) {
        const r = await runBounded(['annotate', 'set.jsonl', '-o', out, '--model', 'deepseek-r1:7b', '--host', fake.url, ...extra], { cwd: dir, boundMs: 20_000 });
        assert.equal(r.code, 2, `-o ${out} ${extra.join(' ')}: exit ${r.code}\n${r.stderr}`);
        assert.match(r.stderr, /input/);
        assert.deepEqual(readFileSync(set), bytes, 'the problem set is byte-identical');
      }
    }
    assert.equal(fake.requests.length, 0, 'no model request was made');
  } finally {
    await fake.close();
  }
});

test('case 4: -o under /proc is refused at once with a clear message (no mkdir loop), before any model request', async () => {
  const w = workspace();
  const fake = await startFakeOllama({ problems: [SUM_PROBLEM] });
  try {
    const runs: [string, string[]][] = [
      ['annotate -o /proc/…/bar', ['annotate', 'a.jsonl', '-o', '/proc/rl-no-such/bar.trace.jsonl']],
      ['segment -o /proc/…', ['segment', 'a.jsonl', '-o', '/proc/rl-no-such/out.jsonl']],
      ['export thought-anchors -o /proc/foo', ['export', 'a.jsonl', '--format', 'thought-anchors', '-o', '/proc/rl-no-such']],
      ['export trl -o /proc/foo', ['export', 'a.jsonl', '--format', 'trl', '-o', '/proc/rl-no-such']],
      ['grade -o /proc/…', ['grade', 'a.jsonl', '-o', '/proc/rl-no-such/g.jsonl']],
      ['annotate --model -o /proc/…', ['annotate', 'a.jsonl', '-o', '/proc/rl-no-such/bar.trace.jsonl', '--model', 'deepseek-r1:7b', '--host', fake.url, '--samples', '2']],
      ['solve -o /proc/…', ['solve', SUM_PROBLEM.match, '-m', 'deepseek-r1:7b', '--host', fake.url, '-o', '/proc/rl-no-such/t.trace.json']],
    ];
    for (const [what, args] of runs) {
      const r = await runBounded(args, { cwd: w.dir, boundMs: 15_000 });
      assert.equal(r.timedOut, false, `${what}: still running after 15 s (a mkdir loop)`);
      assert.equal(r.code, 2, `${what}: exit ${r.code}\n${r.stderr}`);
      assert.match(r.stderr, /\/proc\/rl-no-such/, `${what}: the path is named`);
      assert.doesNotMatch(r.stderr, STACK_FRAME, what);
    }
    assert.deepEqual(fake.requests.filter((q) => q.path !== '/api/version'), [], 'no model work started');
  } finally {
    await fake.close();
  }
});

test('case 6: outputs into missing folders are created; a directory as input or output is one plain message, never a stack trace', async () => {
  const w = workspace();
  const pairs = join(w.dir, 'pairs.jsonl');
  writeFileSync(pairs, '{"gold":"2","pred":"2"}\n');
  const g = await runBounded(['grade', pairs, '-o', join(w.dir, 'new', 'deeper', 'graded.jsonl')], { boundMs: 20_000 });
  assert.equal(g.code, 0, g.stderr);
  assert.match(readFileSync(join(w.dir, 'new', 'deeper', 'graded.jsonl'), 'utf8'), /"equivalent":true/);
  for (const format of ['trl', 'csv']) {
    const e = await runBounded(['export', w.traces, '--format', format, '-o', join(w.dir, 'missing', format, 'out')], { boundMs: 20_000 });
    assert.equal(e.code, 0, e.stderr);
    assert.ok(existsSync(join(w.dir, 'missing', format, 'out')));
  }
  const onDir = await runBounded(['grade', join(w.dir, 'x')], { boundMs: 20_000 });
  assert.equal(onDir.code, 2, onDir.stderr);
  assert.match(onDir.stderr, /x: .*directory/);
  assert.doesNotMatch(onDir.stderr, /EISDIR/);
  assert.doesNotMatch(onDir.stderr, STACK_FRAME);
  for (const args of [
    ['annotate', w.traces, '-o', join(w.dir, 'x')],
    ['grade', pairs, '-o', join(w.dir, 'x')],
    ['export', w.traces, '--format', 'trl', '-o', join(w.dir, 'x')],
  ]) {
    const r = await runBounded(args, { boundMs: 20_000 });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /directory/);
    assert.doesNotMatch(r.stderr, STACK_FRAME);
    assert.deepEqual(readdirSync(join(w.dir, 'x')), [], 'nothing left in the directory');
  }
  // A parent that is a file cannot become a folder.
  const underFile = await runBounded(['annotate', w.traces, '-o', join(w.traces, 'out.jsonl')], { boundMs: 20_000 });
  assert.equal(underFile.code, 2, underFile.stderr);
  assert.match(underFile.stderr, /not a directory/);
  assert.doesNotMatch(underFile.stderr, STACK_FRAME);
});

test('case 6: stdout on a full device is a clear message and a failing exit code, not a stack trace', async () => {
  const w = workspace();
  const runs = [
    ['segment', w.traces],
    ['export', w.traces, '--format', 'trl', '-o', '-'],
    ['grade', '--gold', '1', '--pred', '1'],
    ['report', join(w.dir, 'none.jsonl')],
  ];
  // report first writes its files; its stdout summary is what fails.
  writeFileSync(join(w.dir, 'none.jsonl'), '');
  for (const args of runs) {
    const full = openSync('/dev/full', 'w');
    try {
      const r = await runBounded(args, { stdout: full, boundMs: 20_000 });
      assert.equal(r.timedOut, false, `${args[0]}: hung`);
      assert.equal(r.code, 2, `${args[0]} > /dev/full: exit ${r.code}\n${r.stderr}`);
      assert.match(r.stderr, /stdout.*no space left/i, args[0]);
      assert.doesNotMatch(r.stderr, STACK_FRAME, args[0]);
    } finally {
      closeSync(full);
    }
  }
});

test('case 10: export -o - writes to stdout (no file named "-"); export and job input errors read file:line: field: message', async () => {
  const w = workspace();
  const bad = join(w.dir, 'bad.jsonl');
  writeFileSync(bad, `${JSON.stringify(TRACE_LINES[0])}\n${JSON.stringify({ id: 'b', problem: 'p', output: 42 })}\n`);
  for (const format of ['trl', 'csv']) {
    const r = await runBounded(['export', 'a.jsonl', '--format', format, '-o', '-'], { cwd: w.dir, boundMs: 20_000 });
    assert.equal(r.code, 0, r.stderr);
    if (format === 'trl') assert.deepEqual(r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { prompt: string }).prompt), ['What is 1+1?', 'What is 2+2?']);
    else assert.match(r.stdout, /^trace_id,/);
    assert.equal(existsSync(join(w.dir, '-')), false, 'no file named "-"');
  }
  const e = await runBounded(['export', bad, '--format', 'trl', '-o', join(w.dir, 'o.jsonl')], { boundMs: 20_000 });
  assert.equal(e.code, 1, e.stderr);
  assert.match(e.stderr, /bad\.jsonl:2: output: [^\n]+/);

  // A dataset job: unusable problem-set lines in the same form; ids from the input are printed safely.
  const fake = await startFakeOllama({ problems: [SUM_PROBLEM] });
  try {
    const set = join(w.dir, 'set.jsonl');
    writeFileSync(set, `${JSON.stringify({ id: 'p\u001b[2J0', problem: SUM_PROBLEM.match, answer: '42' })}\n{broken\n${JSON.stringify({ id: 'p2', problem: '', answer: '1' })}\n`);
    const job = await runBounded(['annotate', set, '-o', join(w.dir, 'job.trace.jsonl'), '--model', 'deepseek-r1:7b', '--host', fake.url, '--no-report'], { boundMs: 30_000 });
    assert.equal(job.code, 1, job.stderr);
    assert.match(job.stderr, /set\.jsonl:2: \(record\): invalid JSON[^\n]* \(skipped\)/);
    assert.match(job.stderr, /set\.jsonl:3: problem: [^\n]+ \(skipped\)/);
    assert.match(job.stderr, /\[1\/1\] p\S*0 on /, 'the id is printed without its escape character');
    assert.doesNotMatch(job.stderr, /\u001b/);
  } finally {
    await fake.close();
  }
});

test('case 8: input-derived text the CLI echoes (bad lines, file names, ids) carries no terminal control sequences', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-contract-'));
  const evil = join(dir, 'evil\u001b[31m.jsonl');
  writeFileSync(evil, `\u001b]0;pwned\u0007\u001b[2Jnot json\n${JSON.stringify({ id: 'x\u001b[8m', problem: 'p\u001b[2J', output: 7 })}\n${JSON.stringify(TRACE_LINES[0])}\n`);
  const pairs = join(dir, 'pairs\u001b[1m.jsonl');
  writeFileSync(pairs, '\u001b[2J{"gold": 1\n{"gold":"\u001b[31m","pred":[1]}\n');
  for (const args of [
    ['annotate', evil, '-o', join(dir, 'o.jsonl')],
    ['segment', evil],
    ['export', evil, '--format', 'trl', '-o', join(dir, 't.jsonl')],
    ['grade', pairs],
    ['report', evil],
  ]) {
    const r = await runBounded(args, { boundMs: 20_000 });
    assert.equal(r.timedOut, false);
    assert.ok(r.stderr.length > 0, `${args[0]} reported something`);
    assert.doesNotMatch(r.stderr, /[\u001b\u0007\u009b]/, `${args[0]}: stderr has no control sequences:\n${JSON.stringify(r.stderr)}`);
  }
});
