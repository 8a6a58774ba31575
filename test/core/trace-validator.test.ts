/**
 * The trace schema's validator is generated at build time (scripts/trace-validator.mjs →
 * src/core/trace-validator.generated.ts). These tests fail when the generated module and
 * schema/trace.v2.schema.json disagree: the committed text must be what the schema generates now,
 * the check must notice a changed schema, and the generated validator must give the same
 * verdicts and errors as ajv compiling the schema at run time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import traceSchema from '../../schema/trace.v2.schema.json';
import { validate as generatedValidate } from '../../src/core/trace-validator.generated';
import { validateTrace } from '../../src/core/schema';
import { annotateTrace } from '../../src/core/annotate';

const generated = generatedValidate as unknown as ValidateFunction;
const root = resolve(__dirname, '../..');
const generator = join(root, 'scripts/trace-validator.mjs');

function check(schemaPath?: string) {
  return spawnSync(process.execPath, [generator, '--check', ...(schemaPath ? ['--schema', schemaPath] : [])], { cwd: root, encoding: 'utf8' });
}

test('the committed generated validator is what the schema generates now', () => {
  const r = check();
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /up to date/);
});

test('the check fails when the schema changes and the generated module does not', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-validator-'));
  try {
    const schema = JSON.parse(readFileSync(join(root, 'schema/trace.v2.schema.json'), 'utf8')) as { required: string[] };
    schema.required = schema.required.filter((f) => f !== 'response');
    const changed = join(dir, 'trace.schema.json');
    writeFileSync(changed, JSON.stringify(schema));
    const r = check(changed);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, /trace-validator\.generated\.ts: out of date/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the generated validator gives the same verdicts and errors as ajv compiling the schema at run time', () => {
  const compiled = new Ajv({ allErrors: true, strict: true, verbose: true }).compile(traceSchema);
  const good = JSON.parse(JSON.stringify(annotateTrace({ id: 'g', problem: 'What is 17 + 25?', gold: '42', source: { kind: 'test' }, raw: '<think>17 + 25 = 42.\n\nWait, check: 42.</think>\\boxed{42}' }))) as Record<string, any>;
  const broken = (edit: (t: Record<string, any>) => void) => {
    const t = JSON.parse(JSON.stringify(good)) as Record<string, any>;
    edit(t);
    return t;
  };
  const cases: unknown[] = [
    good,
    null,
    [],
    'text',
    {},
    broken((t) => (t.version = 3)),
    broken((t) => delete t.episodes[0].text),
    broken((t) => (t.episodes[0].verdict = 'maybe')),
    broken((t) => (t.extra = 1)),
    broken((t) => (t.metrics.firstCorrectEpisode = -1)),
    broken((t) => (t.metrics.tokenCounter = 'guess')),
    broken((t) => (t.episodes[0].labels = ['planning', 'planning'])),
    broken((t) => (t.id = '')),
    broken((t) => (t.budget = { policy: { earlyStop: { mode: 'other' } }, decisions: [], stop: 'done' })),
  ];
  for (const value of cases) {
    const ok = compiled(value);
    assert.equal(generated(value), ok, JSON.stringify(value)?.slice(0, 80));
    const strip = (errors: unknown) => JSON.parse(JSON.stringify(errors ?? null, (k, v) => (k === 'parentSchema' || k === 'schema' ? undefined : v))) as unknown;
    assert.deepEqual(strip(generated.errors), strip(compiled.errors));
  }
  assert.equal(validateTrace(good).ok, true);
});
