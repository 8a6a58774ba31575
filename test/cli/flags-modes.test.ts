/**
 * Every `annotate` flag × every mode: the flag either changes what the run receives (and the
 * run reads that option for that input) or the command refuses it naming the flag. The table
 * walked is the command's own (ANNOTATE_FLAGS), so a new flag is checked the day it is added;
 * which job options a job reads per input is written here independently (from job.ts).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { givenFlags, planAnnotate, registerAnnotateCommand, type AnnotateFlags, type AnnotatePlan } from '../../src/cli/commands/annotate';
import { ANNOTATE_FLAGS } from '../../src/cli/util/annotate-flags';
import type { DatasetJobOptions } from '../../src/runs/dataset/job';
import { SAMPLE_PROBLEMS } from '../fake-ollama/problems';
import { startFakeOllama, type FakeOllama } from '../fake-ollama/server';
import { cliBundle, runCli } from './helpers';

/** A value for each flag that differs from its default. */
const VALUES: Record<string, string[]> = {
  '--output': ['-o', 'other.jsonl'],
  '--mode': ['--mode', 'sentence'],
  '--max-steps': ['--max-steps', '7'],
  '--group-size': ['--group-size', '2'],
  '--problem-field': ['--problem-field', 'task,problem'],
  '--gold-field': ['--gold-field', 'ref,gold'],
  '--output-field': ['--output-field', 'gen,output'],
  '--input-kind': ['--input-kind', 'traces'],
  '--input-format': ['--input-format', 'hf-chat'],
  '--tokenizer': ['--tokenizer', 'auto'],
  '--model': ['--model', 'm2'],
  '--resume': ['--resume'],
  '--limit': ['--limit', '3'],
  '--strict': ['--strict'],
  '--force': ['--force'],
  '--no-report': ['--no-report'],
  '--host': ['--host', 'http://h:1'],
  '--backend': ['--backend', 'openai'],
  '--concurrency': ['--concurrency', '3'],
  '--timeout': ['--timeout', '5000'],
  '--samples': ['--samples', '4'],
  '--instruction': ['--instruction', 'Answer briefly.'],
  '--probe-recipe': ['--probe-recipe', 'quick'],
  '--adaptive-samples': ['--adaptive-samples'],
  '--regret-budgets': ['--regret-budgets', '1000,2000'],
  '--regret-k': ['--regret-k', '5'],
  '--id-field': ['--id-field', 'idx'],
  '--temperature': ['--temperature', '0.6'],
  '--seed': ['--seed', '7'],
  '--max-thinking': ['--max-thinking', '500'],
  '--min-thinking': ['--min-thinking', '100'],
  '--extensions': ['--extensions', '2'],
  '--extension-text': ['--extension-text', 'Hmm'],
  '--max-episodes': ['--max-episodes', '5'],
  '--early-stop': ['--early-stop'],
  '--window': ['--early-stop', '--window', '2'],
  '--plateau': ['--early-stop', '--plateau', '0.05'],
  '--early-stop-mode': ['--early-stop-mode', 'dynasor'],
  '--probe-every': ['--early-stop-mode', 'dynasor', '--probe-every', '64'],
  '--vote': ['--vote', '8/3'],
  '--vote-adaptive': ['--vote', '8/3', '--vote-adaptive'],
  '--think': ['--think', 'low'],
  '--forcing': ['--forcing', 's1'],
  '--answer-extractor': ['--answer-extractor', 'model'],
};

/** Job options a job reads, per input (from src/runs/dataset/job.ts; checked here, not taken from the table). */
const ALWAYS = ['input', 'output', 'segment', 'mapping', 'inputKind', 'inputFormat', 'resume', 'force', 'strict', 'limit', 'report'];
const PROBES = ['models', 'hosts', 'backend', 'concurrency', 'samples', 'probe', 'instruction', 'idleTimeoutMs'];
const JOB_READS: Record<string, string[]> = {
  problems: [...ALWAYS, ...PROBES, 'budget', 'forcing', 'sampling', 'answerExtractor'],
  'traces+probes': [...ALWAYS, ...PROBES, 'answerExtractor', 'tokenizer'],
  traces: [...ALWAYS, 'tokenizer'],
};

interface Context {
  name: string;
  base: string[];
  /** What the input holds, for a job. */
  kind: 'problems' | 'traces';
  reads: string;
}

const CONTEXTS: Context[] = [
  { name: 'offline', base: [], kind: 'traces', reads: 'traces' },
  { name: 'job on traces (--resume)', base: ['--resume'], kind: 'traces', reads: 'traces' },
  { name: 'job probing traces (--model --samples)', base: ['--model', 'm', '--samples', '2'], kind: 'traces', reads: 'traces+probes' },
  { name: 'job on a problem set (--model)', base: ['--model', 'm'], kind: 'problems', reads: 'problems' },
];

function plan(args: string[]): AnnotatePlan {
  const p = new Command('reasoning-lens').exitOverride();
  const cmd = registerAnnotateCommand(p);
  let result: AnnotatePlan | undefined;
  cmd.action((inputs: string[], flags: AnnotateFlags) => void (result = planAnnotate(inputs, flags, givenFlags(cmd))));
  p.parse(['annotate', 'in.jsonl', '-o', 'out.jsonl', ...args], { from: 'user' });
  return result!;
}

/** What a run receives, as comparable JSON (the job's kind check runs separately). */
function received(p: AnnotatePlan, reads: string): Record<string, string> {
  if (p.mode === 'offline') return Object.fromEntries(Object.entries(p.options).map(([k, v]) => [k, JSON.stringify(v)]));
  if (p.mode !== 'job') return {};
  const o = p.options as DatasetJobOptions & Record<string, unknown>;
  return Object.fromEntries(JOB_READS[reads].map((k) => [k, JSON.stringify(o[k])]));
}

const namesFlag = (lines: readonly string[], flag: string) => lines.some((l) => l.startsWith(`${flag} `) || l.startsWith(`${flag}:`));

/** `args` without `flag` (and its value). */
function without(args: readonly string[], flag: string): string[] {
  const i = args.indexOf(flag);
  if (i < 0) return [...args];
  const takesValue = i + 1 < args.length && !args[i + 1].startsWith('--');
  return [...args.slice(0, i), ...args.slice(i + (takesValue ? 2 : 1))];
}

/** Refusal lines: the command's own, or the job's once it knows the input's kind. */
function refusals(p: AnnotatePlan, kind: 'problems' | 'traces'): string[] {
  if (p.mode === 'refused') return p.errors;
  return p.mode === 'job' ? (p.options.checkKind?.(kind) ?? []) : [];
}

for (const ctx of CONTEXTS) {
  test(`flags × modes: ${ctx.name}: every annotate flag is honoured or refused by name`, () => {
    assert.deepEqual(refusals(plan(ctx.base), ctx.kind), [], 'the context itself runs');
    let honoured = 0;
    let refused = 0;
    for (const rule of ANNOTATE_FLAGS) {
      const extra = VALUES[rule.flag];
      assert.ok(extra, `the test has a value for ${rule.flag}`);
      // A flag the context is made of is compared with the context without it.
      const inBase = ctx.base.includes(extra[0]);
      const withFlag = plan(inBase ? ctx.base : [...ctx.base, ...extra]);
      const withoutFlag = plan(inBase ? without(ctx.base, extra[0]) : ctx.base);
      const lines = refusals(withFlag, ctx.kind);
      if (lines.length) {
        assert.ok(namesFlag(lines, rule.flag), `${ctx.name}: ${rule.flag} refused without naming it: ${lines.join(' | ')}`);
        refused++;
        continue;
      }
      const a = received(withoutFlag, ctx.reads);
      const b = received(withFlag, ctx.reads);
      const changed = withFlag.mode !== withoutFlag.mode || Object.keys({ ...a, ...b }).some((k) => a[k] !== b[k]);
      assert.ok(changed, `${ctx.name}: ${rule.flag} is neither refused nor changes what the run reads`);
      honoured++;
    }
    assert.equal(honoured + refused, ANNOTATE_FLAGS.length);
    assert.ok(honoured >= 8, `${ctx.name}: ${honoured} honoured`);
  });
}

test('flags × modes: the refusals a user sees, and what the table says per mode', () => {
  const refusal = (args: string[], kind: 'problems' | 'traces' = 'traces'): string[] => refusals(plan(args), kind);
  assert.deepEqual(refusal(['--vote', '8/3']), ['--vote needs --model (without it, annotate works offline and would ignore it)']);
  assert.match(refusal(['--no-report']).join(), /--no-report needs a dataset job/);
  assert.match(refusal(['--resume', '--think', 'off']).join(), /--think needs --model/);
  assert.match(refusal(['--model', 'm', '--samples', '2', '--max-thinking', '100']).join(), /--max-thinking shapes generation from a problem set, but in\.jsonl holds traces/);
  assert.match(refusal(['--model', 'm']).join(), /--model on traces is used only by progress probes: add --samples K/);
  assert.match(refusal(['--model', 'm', '--samples', '2', '--host', 'http://h:1']).join(), /^$/);
  assert.match(refusal(['--input-kind', 'problems']).join(), /--input-kind problems needs --model/);
  assert.deepEqual(refusal(['--model', 'm', '--max-thinking', '100', '--think', 'low'], 'problems'), []);
  const bad = plan(['--model', 'm', '--window', '2']);
  assert.equal(bad.mode, 'refused');
  assert.match((bad as { errors: string[] }).errors.join(), /--window: needs --early-stop/);
});

const tmp = mkdtempSync(join(tmpdir(), 'rl-flags-modes-'));
let ollama: FakeOllama;
before(async () => {
  await cliBundle();
  ollama = await startFakeOllama({ problems: SAMPLE_PROBLEMS });
});
after(() => ollama.close());

test('CLI: a dropped flag exits 2 naming it; offline annotate is untouched by the check', async () => {
  const out = join(tmp, 'x.jsonl');
  const r = await runCli(['annotate', 'examples/traces.jsonl', '-o', out, '--max-thinking', '100', '--temperature', '0.5']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--max-thinking needs --model/);
  assert.match(r.stderr, /--temperature needs --model/);
  const ok = await runCli(['annotate', 'examples/traces.jsonl', '-o', out, '--mode', 'mrt']);
  assert.equal(ok.code, 0, ok.stderr);
  const onTraces = await runCli(['annotate', 'examples/traces.jsonl', '-o', join(tmp, 'y.jsonl'), '--model', 'm', '--samples', '1', '--vote', '4/2']);
  assert.equal(onTraces.code, 2);
  assert.match(onTraces.stderr, /--vote shapes generation from a problem set/);
});

test('CLI: the output is never one of the inputs, offline or in a job', async () => {
  const input = join(tmp, 'own.jsonl');
  const text = readFileSync('examples/traces.jsonl', 'utf8');
  writeFileSync(input, text);
  for (const extra of [[], ['--resume']]) {
    const r = await runCli(['annotate', input, '-o', input, ...extra]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /is (one of the inputs|the input)/);
    assert.equal(readFileSync(input, 'utf8'), text, 'the input is untouched');
  }
});

test('CLI: a dataset job with no --host uses OLLAMA_HOST; field lists are tried in order in the job too', async () => {
  const input = join(tmp, 'set.jsonl');
  // The problem is under "task"; "nope" is tried first and is not a column.
  writeFileSync(input, SAMPLE_PROBLEMS.map((p, i) => JSON.stringify({ id: `s${i}`, task: p.match, ref: p.correctAnswer })).join('\n') + '\n');
  const out = join(tmp, 'set.trace.jsonl');
  const model = ollama.models[0].name;
  const before = ollama.requests.length;
  const r = await runCli(['annotate', input, '-o', out, '--model', model, '--problem-field', 'nope,task', '--gold-field', 'nope,ref', '--input-kind', 'problems', '--no-report'], {
    env: { ...process.env, OLLAMA_HOST: ollama.url },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(ollama.requests.length > before, 'the job talked to the server named by OLLAMA_HOST');
  const traces = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { final: { correct: boolean | null }; gold: string | null });
  assert.equal(traces.length, SAMPLE_PROBLEMS.length);
  assert.ok(traces.every((t) => t.gold !== null && t.final.correct === true), JSON.stringify(traces.map((t) => [t.gold, t.final])));
  const none = await runCli(['annotate', input, '-o', join(tmp, 'none.jsonl'), '--model', model, '--problem-field', 'nope,nada', '--input-kind', 'problems'], { env: { ...process.env, OLLAMA_HOST: ollama.url } });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /none of the problem field\(s\) "nope", "nada" is a column/);
});
