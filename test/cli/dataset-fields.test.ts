import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateTrace } from '../../src/core/schema';
import type { Trace } from '../../src/core/trace';
import { loadInput, type TraceItem } from '../../src/runs/dataset/input';
import { startFakeOpenAI, type FakeOpenAI } from '../fake-openai/server';
import { cliBundle, runCli } from './helpers';

const MODEL = 'deepseek-r1:1.5b';
const tmp = mkdtempSync(join(tmpdir(), 'rl-dataset-fields-'));
let fake: FakeOpenAI;

before(async () => {
  await cliBundle();
  fake = await startFakeOpenAI({ models: [MODEL] });
});
after(() => fake.close());

const OWN_THINKING = 'I add 2 and 3 and get 5.\n\nWait, let me check: 5 - 3 = 2. Yes, 5.';

function writeCustom(): string {
  const path = join(tmp, 'custom.jsonl');
  writeFileSync(path, [1, 2].map((i) => JSON.stringify({ id: `r${i}`, task: `What is 2+3? (${i})`, ref: 5, gen: `<think>\n${OWN_THINKING}\n</think>\n\\boxed{5}` })).join('\n') + '\n');
  return path;
}

test('dataset loader: --output-field/--problem-field/--gold-field make a custom file traces, read with those fields', async () => {
  const path = writeCustom();
  await assert.rejects(loadInput(path), /no problem column/, 'unmapped, it is neither a known trace nor a problem set');
  const loaded = await loadInput(path, { mapping: { problem: 'task', gold: 'ref', output: 'gen' } });
  assert.equal(loaded.kind, 'traces');
  assert.deepEqual(loaded.issues, []);
  const first = loaded.items[0] as TraceItem;
  assert.equal(first.input.problem, 'What is 2+3? (1)');
  assert.equal(first.input.gold, '5');
  assert.match(first.input.raw ?? '', /I add 2 and 3/);
});

test('annotate --model with --output-field probes the given traces instead of regenerating them', async () => {
  const path = writeCustom();
  const out = join(tmp, 'custom.trace.jsonl');
  const r = await runCli(['annotate', path, '-o', out, '--model', MODEL, '--host', `openai+${fake.url}`, '--samples', '2', '--problem-field', 'task', '--gold-field', 'ref', '--output-field', 'gen', '--no-report']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^traces: 2 record\(s\)/m);
  const traces = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Trace);
  assert.equal(traces.length, 2);
  for (const t of traces) {
    assert.ok(validateTrace(t).ok);
    assert.equal(t.thinking.trim(), OWN_THINKING, 'the file\'s own thinking, not a new generation');
    assert.equal(t.final.correct, true);
    assert.ok(t.episodes.length >= 1 && t.episodes.every((e) => e.progress !== undefined), 'every episode probed');
  }
  assert.ok(!fake.requests.some((q) => q.path === '/v1/chat/completions'), 'nothing regenerated');
});
