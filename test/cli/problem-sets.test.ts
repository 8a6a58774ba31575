import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { fromGeneric } from '../../src/formats/generic';
import { MODEL_OUTPUT_FIELDS, problemRecordShape } from '../../src/formats/problem-set';
import { DEFAULT_FIELD_NAMES, RecordError, resolveFieldNames } from '../../src/formats/types';
import { detectProblemSet, inspectStdin } from '../../src/io/problem-set';
import { loadInput } from '../../src/runs/dataset/input';
import { validateTrace } from '../../src/core/schema';
import type { Trace } from '../../src/core/trace';
import { cliBundle, runCli } from './helpers';
import { sharedData, skipWithoutData } from '../formats/helpers';

const tmp = mkdtempSync(join(tmpdir(), 'rl-problem-sets-'));

before(async () => {
  await cliBundle();
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function readTraces(path: string): Trace[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const r = validateTrace(JSON.parse(l));
      assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
      return r.trace;
    });
}

const BENCHMARKS = [
  { file: 'aime24_test__SkyThought_Qwen2.5-Math-evaldata.jsonl', problems: 30, fields: 'problem/answer' },
  { file: 'amc23_test__SkyThought_Qwen2.5-Math-evaldata.jsonl', problems: 40, fields: 'problem/answer' },
  { file: 'gsm8k_test__openai_grade-school-math.jsonl', problems: 1319, fields: 'question/answer' },
  { file: 'math500_test__SkyThought_Qwen2.5-Math-evaldata.jsonl', problems: 500, fields: 'problem/answer' },
];

const expectedMessage = (path: string, problems: number, fields: string) =>
  `reasoning-lens: ${path} looks like a problem set (${problems} problems, fields ${fields}): add --model M [--host URL] to generate traces, or --output-field F if a column holds model output\n`;

for (const b of BENCHMARKS) {
  test(`real benchmark ${b.file} without --model: one clear message, exit 2, nothing written`, { skip: skipWithoutData() }, async () => {
    const path = join(sharedData, 'benchmarks', b.file);
    const out = join(tmp, `${b.file}.trace.jsonl`);
    const r = await runCli(['annotate', path, '-o', out]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr, expectedMessage(path, b.problems, b.fields));
    assert.equal(existsSync(out), false, 'no output file for a refused input');
    // The dataset loader, which the message sends the user to, agrees on kind and count.
    const loaded = await loadInput(path);
    assert.equal(loaded.kind, 'problems');
    assert.equal(loaded.items.length, b.problems);
  });
}

test('segment refuses a problem set too, pointing at annotate --model', { skip: skipWithoutData() }, async () => {
  const path = join(sharedData, 'benchmarks', BENCHMARKS[0].file);
  const r = await runCli(['segment', path]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /looks like a problem set \(30 problems, fields problem\/answer\): run `annotate FILE -o OUT --model M \[--host URL\]`/);
});

test('a directory of problem sets: each skipped with its reason, then exit 2 (nothing to annotate)', { skip: skipWithoutData() }, async () => {
  const dir = join(sharedData, 'benchmarks');
  const r = await runCli(['annotate', dir, '-o', join(tmp, 'bench-dir.jsonl')]);
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 5, r.stderr);
  for (const b of BENCHMARKS) assert.ok(lines.some((l) => l.startsWith(`skipped ${join(dir, b.file)} looks like a problem set (${b.problems} problems`)), b.file);
  assert.match(lines[4], /^reasoning-lens: no trace files to annotate/);
});

test('a directory mixing problem sets and traces: the traces annotate (exit 0), the problem sets are skipped', { skip: skipWithoutData() }, async () => {
  const out = join(tmp, 'mixed.trace.jsonl');
  const r = await runCli(['annotate', join(sharedData, 'benchmarks'), join(sharedData, 'traces', 'skythought'), '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((r.stderr.match(/^skipped /gm) ?? []).length, 4);
  assert.equal(readTraces(out).length, 100);
});

test('every real trace file is traces, for the CLI check and for the dataset loader', { skip: skipWithoutData() }, async () => {
  const files = [
    ...['Sky-T1-math-correct-5K-14B__aime24.jsonl', 'Sky-T1-math-correct-5K-14B__amc23.jsonl', 'Sky-T1-math-correct-5K-32B-ckpt140__aime24.jsonl'].map((f) => join(sharedData, 'traces', 'skythought', f)),
    join(sharedData, 'traces', 'thought-anchors-cots-math', 'problem_53', 'solutions.json'),
    join(sharedData, 'traces', 'thought-anchors.com', 'deepseek-r1-distill-llama-8b', 'correct_base_solution', 'problem_330', 'base_solution.json'),
  ];
  for (const f of files) {
    assert.equal(await detectProblemSet(f), null, f);
    assert.equal((await loadInput(f)).kind, 'traces', f);
  }
});

test('--output-field solution takes a reference solution as the output when the user says so', { skip: skipWithoutData() }, async () => {
  const out = join(tmp, 'aime-solutions.trace.jsonl');
  const r = await runCli(['annotate', join(sharedData, 'benchmarks', BENCHMARKS[0].file), '-o', out, '--output-field', 'solution']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readTraces(out).length, 30);
});

test('generic records: `solution` with <think> is a trace; without it, a problem; output fields always traces', async () => {
  const traceFile = join(tmp, 'solution-trace.jsonl');
  writeFileSync(traceFile, JSON.stringify({ problem: 'What is 2+3?', answer: '5', solution: '<think>\n2+3 is 5.\n\nWait, check: 5-3=2. Yes.\n</think>\n\\boxed{5}' }) + '\n');
  const out = join(tmp, 'solution-trace.out.jsonl');
  const ok = await runCli(['annotate', traceFile, '-o', out]);
  assert.equal(ok.code, 0, ok.stderr);
  const [t] = readTraces(out);
  assert.equal(t.final.correct, true);
  assert.ok(t.episodes.length >= 1);

  const problems = join(tmp, 'problems.json');
  writeFileSync(problems, JSON.stringify([{ question: 'q1', solution: 'reference 1', gt: 1 }, { question: 'q2', solution: 'reference 2', gt: 2 }], null, 2));
  const refused = await runCli(['annotate', problems, '-o', join(tmp, 'p.out.jsonl')]);
  assert.equal(refused.code, 2);
  assert.equal(refused.stderr, expectedMessage(problems, 2, 'question/gt'));

  // --input-kind traces skips the check; each record then says why it has no output.
  const forced = await runCli(['annotate', problems, '-o', join(tmp, 'forced.out.jsonl'), '--input-kind', 'traces']);
  assert.equal(forced.code, 1);
  assert.match(forced.stderr, /problems\.json:2\[0\]: output\|response\|completion\|generation\|solution: is required: .*"solution" has no <think> markup.*--output-field solution/);
});

test('CSV inputs are problem sets: refused with the count, or named as a table without a problem column', async () => {
  const csv = join(tmp, 'set.csv');
  writeFileSync(csv, 'id,Question,Answer\n1,"What is 1+1?",2\n2,"What is 2+2?",4\n3,"What is 3+3?",6\n');
  const r = await runCli(['annotate', csv, '-o', join(tmp, 'csv.out.jsonl')]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, `reasoning-lens: ${csv} looks like a problem set (3 problems, fields Question/Answer): add --model M [--host URL] to generate traces\n`, 'no --output-field advice: tables are never read as traces');
  const noProblem = join(tmp, 'table.csv');
  writeFileSync(noProblem, 'text,label\nhello,1\n');
  const r2 = await runCli(['annotate', noProblem, '-o', join(tmp, 'csv2.out.jsonl')]);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, new RegExp(`^reasoning-lens: ${escape(noProblem)} is a table, not traces .*no problem column found .*columns are: text, label`));
});

test('property: a record the check calls a problem never becomes a trace in the generic reader', () => {
  const key = fc.constantFrom('problem', 'question', 'prompt', 'answer', 'gold', 'gt', 'solution', 'id', 'level', ...MODEL_OUTPUT_FIELDS);
  const value = fc.oneof(fc.string(), fc.constantFrom('<think>hm</think> 4', '\\boxed{3}', '#### 7'), fc.integer(), fc.constant(null));
  const explicit = fc.option(fc.subarray(['solution', 'gen', 'output']), { nil: undefined });
  fc.assert(
    fc.property(fc.dictionary(key, value), explicit, (record, output) => {
      const names = resolveFieldNames(output && output.length ? { output } : {});
      const shape = problemRecordShape(record, 'x.jsonl', names, output ?? []);
      if (shape === null) return;
      assert.throws(() => fromGeneric(record, { path: 'x.jsonl', line: 1 }, names), RecordError);
    }),
    { numRuns: 2000 },
  );
});

test('records with an output field or reasoning markup are never problem-shaped', () => {
  for (const f of MODEL_OUTPUT_FIELDS) assert.equal(problemRecordShape({ problem: 'p', answer: '1', [f]: 'x' }, 'x.jsonl'), null, f);
  assert.equal(problemRecordShape({ problem: 'p', solution: 'a <think> b' }, 'x.jsonl'), null);
  assert.deepEqual(problemRecordShape({ problem: 'p', solution: 'ref' }, 'x.jsonl'), { problemField: 'problem', goldField: 'solution' });
  assert.equal(problemRecordShape({ problem: 'p', gen: 'x' }, 'x.jsonl', DEFAULT_FIELD_NAMES, ['gen']), null, 'an explicit output field present means output');
  assert.equal(problemRecordShape({ answer: '1' }, 'x.jsonl'), null, 'no problem field: not a problem set');
});

test('the check reads only the start of a JSONL file: BOM, CRLF and blank lines tolerated; a line over 1 MB is a trace', async () => {
  const crlf = join(tmp, 'crlf.jsonl');
  writeFileSync(crlf, '\ufeff\r\n\r\n{"question": "q1", "answer": "1"}\r\n{"question": "q2", "answer": "2"}\r\n');
  assert.deepEqual(await detectProblemSet(crlf), { path: crlf, problems: 2, problemField: 'question', goldField: 'answer' });
  const badFirst = join(tmp, 'bad-first.jsonl');
  writeFileSync(badFirst, '{"question": oops\n{"question": "q2", "gold": "2"}\n');
  assert.equal((await detectProblemSet(badFirst))?.goldField, 'gold', 'a broken first line does not decide');
  const long = join(tmp, 'long-first.jsonl');
  writeFileSync(long, JSON.stringify({ problem: 'x '.repeat(600_000), answer: '1' }) + '\n');
  assert.equal(await detectProblemSet(long), null);
  assert.equal(await detectProblemSet('-'), null, 'stdin is not inspected');
});

test('stdin is checked too: a problem set on stdin is refused, traces on stdin still annotate', { skip: skipWithoutData() }, async () => {
  const aime = readFileSync(join(sharedData, 'benchmarks', BENCHMARKS[0].file));
  const r = await runCli(['annotate', '-', '-o', '-'], { stdin: aime });
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, expectedMessage('<stdin>', 30, 'problem/answer'));
  const sky = readFileSync(join(sharedData, 'traces', 'skythought', 'Sky-T1-math-correct-5K-14B__amc23.jsonl'));
  const ok = await runCli(['annotate', '-', '-o', '-'], { stdin: sky });
  assert.equal(ok.code, 0, ok.stderr.slice(0, 500));
  assert.equal(ok.stdout.trim().split('\n').length, 40);
  const array = JSON.stringify([{ problem: 'p1', answer: '1' }]);
  const r2 = await runCli(['segment', '-'], { stdin: array });
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /^reasoning-lens: <stdin> looks like a problem set \(1 problem, fields problem\/answer\)/);
});

test('stdin check waits only for the first line, then replays everything unchanged', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const first = '{"problem": "p", "output": "<think>a</think> 1"}\n';
  const rest = '{"problem": "q", "output": "b"}\n';
  async function* slowProducer() {
    yield '\ufeff\n';
    yield first;
    await gate; // the rest arrives only after the check has decided
    yield rest;
  }
  const inspected = await inspectStdin({}, slowProducer());
  assert.equal(inspected.info, null);
  release();
  let replayed = '';
  for await (const c of inspected.source) replayed += c;
  assert.equal(replayed, `\ufeff\n${first}${rest}`);
});
