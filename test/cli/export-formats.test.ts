/**
 * `reasoning-lens export --format hf-chat|openai-chat|inspect|trace-minimal` through the built
 * CLI: what it writes reads back (with `segment`) to the same problem, thinking, answer and gold;
 * the CLI contract holds (an input is never the output, `-o -` is stdout, a bad record is
 * `file:line: field: message` and the rest goes on, a trace a format cannot carry is named).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBounded, STACK_FRAME } from './spawn';

/** Minimal traces of our format (so the thinking can hold what tags in an output could not: a </think>, CRLF). */
const LINES = [
  { version: 1, id: 't1', problem: 'What is 1+1?', thinking: '1+1 is 2.\r\n\r\nWait, check: yes, 2 </think> is it.', response: 'The answer is \\boxed{2}.', gold: '2' },
  { version: 1, id: 't2', problem: 'Ünïcode 😀 2+2?', thinking: '2+2 is 4.\n\nAlternatively, 2*2 = 4.', response: 'The answer is \\boxed{4}.', gold: '4' },
  { version: 1, id: 't3', problem: 'No thinking here', thinking: '', response: 'Just 5.' },
];
const BAD_LINE = '{"version": 1, "id": "t4", "problem": 7, "thinking": "x"}';
const FORMATS = [
  { format: 'hf-chat', file: 'out.jsonl' },
  { format: 'openai-chat', file: 'out.jsonl' },
  { format: 'inspect', file: 'out.json' },
  { format: 'trace-minimal', file: 'out.jsonl' },
];

function workspace(): { dir: string; input: string; bytes: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'rl-export-formats-'));
  const input = join(dir, 'in.jsonl');
  writeFileSync(input, [...LINES.map((l) => JSON.stringify(l)), BAD_LINE].join('\n') + '\n');
  return { dir, input, bytes: readFileSync(input) };
}

interface TraceText {
  id: string;
  problem: string;
  thinking: string;
  response: string;
  gold?: string | null;
  episodes: { text: string }[];
}

function traceLines(text: string): TraceText[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as TraceText);
}

const textOf = (t: TraceText): unknown => ({ id: t.id, problem: t.problem, thinking: t.thinking, response: t.response, gold: t.gold ?? null, episodes: t.episodes.map((e) => e.text) });

for (const { format, file } of FORMATS) {
  test(`export --format ${format}: written, a bad record reported as file:line: field: message, and segment reads it back to the same text`, async () => {
    const w = workspace();
    const out = join(w.dir, file);
    const r = await runBounded(['export', w.input, '--format', format, '-o', out], { boundMs: 30_000 });
    assert.equal(r.timedOut, false);
    assert.equal(r.code, 1, `a bad record means exit 1\n${r.stderr}`);
    assert.match(r.stderr, /in\.jsonl:4: problem: .*\(skipped\)/);
    assert.match(r.stdout, new RegExp(`${format}: 3 row\\(s\\) from 3 trace\\(s\\)`));
    // What the export holds, read by the tool's own readers, against the same input segmented directly.
    const direct = await runBounded(['segment', w.input, '-o', join(w.dir, 'direct.jsonl')], { boundMs: 30_000 });
    assert.equal(direct.code, 1, direct.stderr);
    const back = await runBounded(['segment', out, '-o', join(w.dir, 'back.jsonl')], { boundMs: 30_000 });
    assert.equal(back.code, 0, back.stderr);
    const expected = traceLines(readFileSync(join(w.dir, 'direct.jsonl'), 'utf8')).map(textOf);
    const got = traceLines(readFileSync(join(w.dir, 'back.jsonl'), 'utf8')).map(textOf);
    assert.deepEqual(got, expected);
    assert.ok((expected[0] as { thinking: string }).thinking.includes('\r\n'), 'the CRLF in the thinking is there to be kept');
  });

  test(`export --format ${format} refuses -o equal to its input (exit 2, the input byte-identical)`, async () => {
    const w = workspace();
    for (const o of [w.input, join(w.dir, '.', 'in.jsonl')]) {
      const r = await runBounded(['export', w.input, '--format', format, '-o', o], { boundMs: 20_000 });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /input/);
      assert.doesNotMatch(r.stderr, STACK_FRAME);
      assert.deepEqual(readFileSync(w.input), w.bytes);
    }
  });
}

test('export --format hf-chat --think-in-content: <think> in the content; a trace whose thinking holds </think> is named, not cut', async () => {
  const w = workspace();
  const out = join(w.dir, 'think.jsonl');
  const r = await runBounded(['export', w.input, '--format', 'hf-chat', '--think-in-content', '-o', out], { boundMs: 30_000 });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /trace t1: not exported \(.*without --think-in-content\)/);
  const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; messages: { role: string; content: string; reasoning_content?: string }[] });
  assert.deepEqual(rows.map((x) => x.id), ['t2', 't3']);
  assert.equal(rows[0].messages[1].content, '<think>2+2 is 4.\n\nAlternatively, 2*2 = 4.</think>\n\nThe answer is \\boxed{4}.');
  assert.equal(rows[0].messages[1].reasoning_content, undefined);
});

test('export --think-in-content with another format is a usage error (exit 2), nothing written', async () => {
  const w = workspace();
  const out = join(w.dir, 'x.jsonl');
  const r = await runBounded(['export', w.input, '--format', 'openai-chat', '--think-in-content', '-o', out], { boundMs: 20_000 });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--think-in-content is an hf-chat option/);
  assert.throws(() => readFileSync(out));
});

test('export --format openai-chat -o -: the data on stdout, the summary on stderr', async () => {
  const w = workspace();
  const r = await runBounded(['export', w.input, '--format', 'openai-chat', '-o', '-'], { boundMs: 30_000 });
  assert.equal(r.code, 1, r.stderr);
  const objs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { object: string; choices: { message: { reasoning: string; reasoning_content: string } }[] });
  assert.equal(objs.length, 3);
  assert.ok(objs.every((o) => o.object === 'chat.completion' && o.choices[0].message.reasoning === o.choices[0].message.reasoning_content));
  assert.match(r.stderr, /openai-chat: 3 row\(s\) from 3 trace\(s\) → stdout/);
});

test('export --format inspect -o x.jsonl is a usage error before anything is read: an Inspect log is one .json file', async () => {
  const w = workspace();
  const out = join(w.dir, 'log.jsonl');
  const r = await runBounded(['export', w.input, '--format', 'inspect', '-o', out], { boundMs: 20_000 });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /log\.jsonl: an Inspect log is one JSON file; name it \*\.json/);
  assert.throws(() => readFileSync(out));
});
