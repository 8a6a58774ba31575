/**
 * One budget policy, four ways in. Each row gives the same intent as a user would type it at each
 * entry point (budget panel text, settings JSON, command-line argv, webview protocol message) and
 * the one expected outcome: the policy, or the field that is wrong and its message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import {
  BUDGET_FIELDS,
  EARLY_STOP_MODE_FIELDS,
  DEFAULT_EARLY_STOP_WINDOW,
  DEFAULT_PLATEAU,
  DEFAULT_VOTE_N,
  MIN_EARLY_STOP_WINDOW,
  defaultVoteM,
  numberFromText,
  parseBudgetPolicy,
  type BudgetField,
} from '../../src/core/budget-policy';
import { resolvePolicy } from '../../src/core/budget';
import type { BudgetPolicy } from '../../src/core/trace';
import { FORM_FIELD_FOR, formFromPolicy, policyFromForm, type BudgetFormValues } from '../../webview/trace/model/budget-form';
import { readSettings } from '../../src/extension/settings';
import { addBudgetOptions, budgetFromFlags, FLAG_FOR_FIELD } from '../../src/cli/util/budget-flags';
import { parseWebviewMessage } from '../../src/shared/protocol';

type Outcome = { policy: BudgetPolicy } | { field: BudgetField; message: RegExp };

interface Row {
  name: string;
  form?: Partial<BudgetFormValues>;
  settings?: unknown;
  argv?: string[];
  protocol?: unknown;
  expect: Outcome;
}

// ---------------------------------------------------------------- the four entry points

type Result = { policy: BudgetPolicy } | { errors: string[] };

function viaForm(fields: Partial<BudgetFormValues>): Result & { formErrors?: { field: string; message: string }[] } {
  const parsed = policyFromForm({ ...formFromPolicy({}, false), ...fields });
  if (parsed.errors.length === 0) return { policy: parsed.policy };
  return { errors: parsed.errors.map((e) => `${e.field}: ${e.message}`), formErrors: parsed.errors };
}

function viaSettings(json: unknown): Result {
  const { settings, problems } = readSettings((key) => (key === 'defaultBudget' ? json : undefined), {});
  const budgetProblems = problems.filter((p) => p.startsWith('reasoningLens.defaultBudget'));
  return budgetProblems.length ? { errors: budgetProblems } : { policy: settings.defaultBudget };
}

function viaArgv(argv: string[]): Result {
  const cmd = addBudgetOptions(new Command().exitOverride());
  cmd.parse(argv, { from: 'user' });
  const r = budgetFromFlags(cmd.opts());
  return r.ok ? { policy: r.policy } : { errors: r.errors.map((e) => `${e.flag}: ${e.message}`) };
}

function viaProtocol(budget: unknown): Result {
  const r = parseWebviewMessage({ type: 'rerun', budget, probe: false });
  if (!r.ok) return { errors: [r.error] };
  assert.equal(r.message.type, 'rerun');
  return { policy: (r.message as { budget: BudgetPolicy }).budget };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** How each entry point names a policy field in its messages. */
const NAME_AT: Record<string, (field: BudgetField) => string> = {
  form: (f) => `${FORM_FIELD_FOR[f]}: ${BUDGET_FIELDS[f].label}`,
  settings: (f) => `reasoningLens.defaultBudget.${f}`,
  argv: (f) => FLAG_FOR_FIELD[f],
  protocol: (f) => `rerun.budget.${f}`,
};

function check(row: Row, entry: keyof typeof NAME_AT, result: Result): void {
  const where = `${row.name} via ${entry}`;
  if ('policy' in row.expect) {
    assert.ok('policy' in result, `${where}: ${JSON.stringify(result)}`);
    assert.deepEqual(result.policy, row.expect.policy, where);
    // Every entry point's policy runs: the run's own check accepts it.
    assert.doesNotThrow(() => resolvePolicy(result.policy), where);
  } else {
    assert.ok('errors' in result, `${where}: expected an error, got ${JSON.stringify(result)}`);
    const text = result.errors.join('\n');
    const pattern = new RegExp(`${escape(NAME_AT[entry](row.expect.field))}: (.*)?${row.expect.message.source}`);
    assert.match(text, pattern, where);
  }
}

// ---------------------------------------------------------------- the table

const EARLY = { window: DEFAULT_EARLY_STOP_WINDOW, plateau: DEFAULT_PLATEAU };

const ROWS: Row[] = [
  {
    name: 'plateau 0.05 with the window left empty keeps the plateau (window = its placeholder, 3)',
    form: { earlyStop: true, earlyStopPlateau: '0.05' },
    settings: { earlyStop: { plateau: 0.05 } },
    argv: ['--early-stop', '--plateau', '0.05'],
    protocol: { earlyStop: { plateau: 0.05 } },
    expect: { policy: { earlyStop: { window: 3, plateau: 0.05 } } },
  },
  {
    name: 'plateau 0.05 with window 3 typed',
    form: { earlyStop: true, earlyStopWindow: '3', earlyStopPlateau: '0.05' },
    settings: { earlyStop: { window: 3, plateau: 0.05 } },
    argv: ['--early-stop', '--window', '3', '--plateau', '0.05'],
    protocol: { earlyStop: { window: 3, plateau: 0.05 } },
    expect: { policy: { earlyStop: { window: 3, plateau: 0.05 } } },
  },
  {
    name: 'plateau 0 (stop only when mu fell) and 1 are the ends of the range',
    form: { earlyStop: true, earlyStopPlateau: '0' },
    settings: { earlyStop: { plateau: 0 } },
    argv: ['--early-stop', '--plateau', '0'],
    protocol: { earlyStop: { plateau: 0 } },
    expect: { policy: { earlyStop: { window: 3, plateau: 0 } } },
  },
  {
    name: 'min thinking 0 is valid',
    form: { minThinkingTokens: '0' },
    settings: { minThinkingTokens: 0 },
    argv: ['--min-thinking', '0'],
    protocol: { minThinkingTokens: 0 },
    expect: { policy: { minThinkingTokens: 0 } },
  },
  {
    name: 'window 1 is valid everywhere',
    form: { earlyStop: true, earlyStopWindow: '1' },
    settings: { earlyStop: { window: 1 } },
    argv: ['--early-stop', '--window', '1'],
    protocol: { earlyStop: { window: 1 } },
    expect: { policy: { earlyStop: { window: 1, plateau: DEFAULT_PLATEAU } } },
  },
  {
    name: 'early stop with every field empty means the placeholders: window 3, plateau 0.05',
    form: { earlyStop: true, earlyStopWindow: '', earlyStopPlateau: '  ' },
    settings: { earlyStop: true },
    argv: ['--early-stop'],
    protocol: { earlyStop: true },
    expect: { policy: { earlyStop: EARLY } },
  },
  {
    name: "voting with N and M empty means the placeholders: IBPO's 8 and 3",
    form: { vote: true },
    settings: { vote: {} },
    argv: ['--vote', '8'],
    protocol: { vote: {} },
    expect: { policy: { vote: { n: DEFAULT_VOTE_N, m: defaultVoteM(DEFAULT_VOTE_N) } } },
  },
  {
    name: 'nothing set is an empty policy',
    form: {},
    settings: undefined,
    argv: [],
    protocol: {},
    expect: { policy: {} },
  },
  {
    name: 'every control set',
    form: {
      maxThinkingTokens: '8,000', minThinkingTokens: '500', extensions: '2', extensionText: 'Hmm', maxEpisodes: '40',
      earlyStop: true, earlyStopWindow: '2', earlyStopPlateau: '0.1', vote: true, voteN: '4', voteM: '2', voteAdaptive: true, think: 'medium',
    },
    settings: { maxThinkingTokens: 8000, minThinkingTokens: 500, extensions: 2, extensionText: 'Hmm', maxEpisodes: 40, earlyStop: { window: 2, plateau: 0.1 }, vote: { n: 4, m: 2, adaptive: true }, think: 'medium' },
    argv: ['--max-thinking', '8000', '--min-thinking', '500', '--extensions', '2', '--extension-text', 'Hmm', '--max-episodes', '40', '--early-stop', '--window', '2', '--plateau', '0.1', '--vote', '4/2', '--vote-adaptive', '--think', 'medium'],
    protocol: { maxThinkingTokens: 8000, minThinkingTokens: 500, extensions: 2, extensionText: 'Hmm', maxEpisodes: 40, earlyStop: { window: 2, plateau: 0.1 }, vote: { n: 4, m: 2, adaptive: true }, think: 'medium' },
    expect: { policy: { maxThinkingTokens: 8000, minThinkingTokens: 500, extensions: 2, extensionText: 'Hmm', maxEpisodes: 40, earlyStop: { window: 2, plateau: 0.1 }, vote: { n: 4, m: 2, adaptive: true }, think: 'medium' } },
  },
  { name: 'think on', form: { think: 'on' }, settings: { think: true }, argv: ['--think', 'on'], protocol: { think: true }, expect: { policy: { think: true } } },
  { name: 'think off', form: { think: 'off' }, settings: { think: false }, argv: ['--think', 'false'], protocol: { think: false }, expect: { policy: { think: false } } },
  { name: 'think low', form: { think: 'low' }, settings: { think: 'low' }, argv: ['--think', 'LOW'], protocol: { think: 'low' }, expect: { policy: { think: 'low' } } },
  { name: 'think high', form: { think: 'high' }, settings: { think: 'high' }, argv: ['--think', 'high'], protocol: { think: 'high' }, expect: { policy: { think: 'high' } } },
  {
    name: 'think: an unknown level',
    settings: { think: 'max' },
    argv: ['--think', 'max'],
    protocol: { think: 'max' },
    expect: { field: 'think', message: /expected true, false, "low", "medium" or "high", got "max"/ },
  },
  // ---- refused, with the field and the one message
  {
    name: 'plateau above 1 (a mu change, not a number of episodes)',
    form: { earlyStop: true, earlyStopWindow: '3', earlyStopPlateau: '2' },
    settings: { earlyStop: { window: 3, plateau: 2 } },
    argv: ['--early-stop', '--plateau', '2'],
    protocol: { earlyStop: { window: 3, plateau: 2 } },
    expect: { field: 'earlyStop.plateau', message: /expected a number from 0 to 1 \(a change in μ\), got 2/ },
  },
  {
    name: 'negative plateau',
    form: { earlyStop: true, earlyStopPlateau: '-0.1' },
    settings: { earlyStop: { plateau: -0.1 } },
    argv: ['--early-stop', '--plateau', '-0.1'],
    protocol: { earlyStop: { plateau: -0.1 } },
    expect: { field: 'earlyStop.plateau', message: /expected a number from 0 to 1 \(a change in μ\), got -0\.1/ },
  },
  {
    name: 'window 0',
    form: { earlyStop: true, earlyStopWindow: '0' },
    settings: { earlyStop: { window: 0 } },
    argv: ['--early-stop', '--window', '0'],
    protocol: { earlyStop: { window: 0 } },
    expect: { field: 'earlyStop.window', message: /expected a whole number from 1 to 1000, got 0/ },
  },
  {
    name: 'a fractional window',
    form: { earlyStop: true, earlyStopWindow: '2.5' },
    settings: { earlyStop: { window: 2.5 } },
    argv: ['--early-stop', '--window', '2.5'],
    protocol: { earlyStop: { window: 2.5 } },
    expect: { field: 'earlyStop.window', message: /expected a whole number from 1 to 1000, got 2\.5/ },
  },
  {
    name: 'M above N',
    form: { vote: true, voteN: '2', voteM: '3' },
    settings: { vote: { n: 2, m: 3 } },
    argv: ['--vote', '2/3'],
    protocol: { vote: { n: 2, m: 3 } },
    expect: { field: 'vote.m', message: /3 agreeing answers can never come from 2 attempts/ },
  },
  {
    name: 'M above the default N',
    form: { vote: true, voteM: '9' },
    settings: { vote: { m: 9 } },
    protocol: { vote: { m: 9 } },
    expect: { field: 'vote.m', message: /9 agreeing answers can never come from 8 attempts/ },
  },
  {
    name: 'min above max',
    form: { maxThinkingTokens: '100', minThinkingTokens: '500' },
    settings: { maxThinkingTokens: 100, minThinkingTokens: 500 },
    argv: ['--max-thinking', '100', '--min-thinking', '500'],
    protocol: { maxThinkingTokens: 100, minThinkingTokens: 500 },
    expect: { field: 'minThinkingTokens', message: /500 is above the maximum/ },
  },
  {
    name: 'garbage where a number goes',
    form: { maxThinkingTokens: 'lots' },
    settings: { maxThinkingTokens: 'lots' },
    argv: ['--max-thinking', 'lots'],
    protocol: { maxThinkingTokens: 'lots' },
    expect: { field: 'maxThinkingTokens', message: /expected a whole number from 1 to 10000000, got "lots"/ },
  },
  {
    name: 'a decimal comma is not a decimal point',
    form: { earlyStop: true, earlyStopPlateau: '0,05' },
    argv: ['--early-stop', '--plateau', '0,05'],
    expect: { field: 'earlyStop.plateau', message: /got "0,05"/ },
  },
  {
    name: 'garbage types in JSON',
    settings: { maxEpisodes: [3] },
    protocol: { maxEpisodes: { n: 3 } },
    expect: { field: 'maxEpisodes', message: /expected a whole number from 1 to 100000, got (a list|an object)/ },
  },
  { name: 'early stop as text', settings: { earlyStop: 'yes' }, protocol: { earlyStop: 'yes' }, expect: { field: 'earlyStop', message: /expected true, false, \{ window, plateau \} or \{ mode: "dynasor", everyTokens, window \}, got "yes"/ } },
  { name: 'vote as a number', settings: { vote: 5 }, protocol: { vote: 5 }, expect: { field: 'vote', message: /expected an object \{ n, m, adaptive\? \}, got 5/ } },
  {
    name: 'blank extension text',
    form: { extensionText: '   ' },
    settings: { extensionText: '   ' },
    argv: ['--extension-text', '   '],
    protocol: { extensionText: '   ' },
    expect: { field: 'extensionText', message: /expected non-blank text of at most 200 characters/ },
  },
  {
    name: 'a misspelt field',
    settings: { maxThinking: 100 },
    protocol: { maxThinking: 100 },
    expect: { field: 'maxThinking' as BudgetField, message: /unknown field/ },
  },
];

test('budget input table: every entry point gives the same policy or names the same field with the same message', () => {
  let checked = 0;
  for (const row of ROWS) {
    if (row.form) (check(row, 'form', viaForm(row.form)), checked++);
    if ('settings' in row) (check(row, 'settings', viaSettings(row.settings)), checked++);
    if (row.argv) (check(row, 'argv', viaArgv(row.argv)), checked++);
    if ('protocol' in row) (check(row, 'protocol', viaProtocol(row.protocol)), checked++);
  }
  assert.equal(ROWS.length, 28);
  assert.equal(checked, 100, 'row × entry point cells checked');
});

test('form errors land on the field that holds the value, every bad field at once', () => {
  const r = policyFromForm({
    ...formFromPolicy({}, false),
    maxThinkingTokens: 'x', earlyStop: true, earlyStopWindow: '0', earlyStopPlateau: '5', vote: true, voteN: '2', voteM: '3', probe: true, samples: '',
  });
  assert.deepEqual(r.errors.map((e) => e.field), ['maxThinkingTokens', 'earlyStopWindow', 'earlyStopPlateau', 'voteM', 'samples']);
  assert.deepEqual(r.policy, {}, 'nothing is sent while a field is wrong');
});

test('the CLI reports flags that need another flag, and every bad flag at once', () => {
  assert.deepEqual(viaArgv(['--window', '2', '--plateau', '0.1', '--vote-adaptive']), {
    errors: ['--window: needs --early-stop', '--plateau: needs --early-stop', '--vote-adaptive: needs --vote N/M'],
  });
  assert.deepEqual(viaArgv(['--vote', '4:2', '--vote-adaptive']), { policy: { vote: { n: 4, m: 2, adaptive: true } } });
  assert.deepEqual(viaArgv(['--vote', 'five']), { errors: ['--vote: expected a whole number from 1 to 64, got "five"'] });
});

test('placeholders are the defaults the run applies', () => {
  const resolved = resolvePolicy({ earlyStop: true, vote: {} as never, minThinkingTokens: 10 });
  assert.equal(BUDGET_FIELDS['earlyStop.window'].defaultText, String(resolved.earlyStop?.window));
  assert.equal(BUDGET_FIELDS['earlyStop.plateau'].defaultText, String(resolved.earlyStop?.plateau));
  assert.equal(BUDGET_FIELDS['vote.n'].defaultText, String(resolved.vote?.n));
  assert.match(BUDGET_FIELDS['vote.m'].defaultText, new RegExp(`^${resolved.vote?.m} \\(IBPO`));
  assert.equal(BUDGET_FIELDS.extensionText.defaultText, resolved.extensionText);
  assert.match(BUDGET_FIELDS.extensions.defaultText, new RegExp(`\\(${resolved.extensions} with a minimum\\)`));
  assert.equal(BUDGET_FIELDS['earlyStop.window'].min, MIN_EARLY_STOP_WINDOW);
  for (const [field, spec] of Object.entries(BUDGET_FIELDS)) {
    assert.ok(spec.meaning.length > 10 && spec.expected.length > 5 && spec.label.length > 2, field);
  }
});

test('numberFromText: digits and grouping become numbers; anything else stays text for the parser to name', () => {
  assert.equal(numberFromText(''), undefined);
  assert.equal(numberFromText('  '), undefined);
  assert.equal(numberFromText('10,000'), 10000);
  assert.equal(numberFromText('10_000'), 10000);
  assert.equal(numberFromText('0.05'), 0.05);
  assert.equal(numberFromText('.5'), 0.5);
  assert.equal(numberFromText('1e3'), 1000);
  assert.equal(numberFromText('-2'), -2);
  assert.equal(numberFromText('0,05'), '0,05');
  assert.equal(numberFromText('12abc'), '12abc');
  assert.equal(numberFromText('Infinity'), 'Infinity');
});

test('parseBudgetPolicy: collects all errors, normalises, and is idempotent', () => {
  const bad = parseBudgetPolicy({ maxThinkingTokens: -1, extensions: 101, earlyStop: { window: 1001, plateau: Number.NaN, extra: 1 }, vote: { n: 65, m: 0, adaptive: 'yes' } });
  assert.ok(!bad.ok);
  assert.deepEqual(bad.errors.map((e) => e.field), ['maxThinkingTokens', 'extensions', 'earlyStop.extra', 'earlyStop.window', 'earlyStop.plateau', 'vote.n', 'vote.m', 'vote.adaptive']);
  assert.deepEqual(parseBudgetPolicy('x'), { ok: false, errors: [{ field: '(budget)', message: 'expected an object, got "x"' }] });
  const good = parseBudgetPolicy({ earlyStop: true, vote: { n: 3 }, think: null, earlyStopUnused: undefined });
  assert.ok(!good.ok, 'an unknown key is refused even when its value is undefined');
  const ok = parseBudgetPolicy({ earlyStop: true, vote: { n: 3 }, think: null });
  assert.deepEqual(ok, { ok: true, policy: { earlyStop: EARLY, vote: { n: 3, m: 3 } } });
  assert.deepEqual(parseBudgetPolicy(ok.ok ? ok.policy : null), ok);
  assert.deepEqual(parseBudgetPolicy({ earlyStop: false }), { ok: true, policy: {} });
});

test("package.json's reasoningLens.defaultBudget schema states the parser's ranges", () => {
  const pkg = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, unknown> } | { properties: Record<string, unknown> }[] };
  };
  const conf = pkg.contributes.configuration;
  const props = (Array.isArray(conf) ? Object.assign({}, ...conf.map((c) => c.properties)) : conf.properties) as Record<string, Schema>;
  interface Schema { type?: string; minimum?: number; maximum?: number; properties?: Record<string, Schema>; anyOf?: Schema[]; enum?: unknown[]; description?: string; additionalProperties?: boolean }
  const budget = props['reasoningLens.defaultBudget'];
  assert.equal(budget.additionalProperties, false);
  const early = budget.properties!.earlyStop.anyOf!.find((s) => s.type === 'object')!;
  const at: Record<string, Schema> = {
    ...budget.properties,
    'earlyStop.window': early.properties!.window,
    'earlyStop.plateau': early.properties!.plateau,
    'vote.n': budget.properties!.vote.properties!.n,
    'vote.m': budget.properties!.vote.properties!.m,
  };
  for (const [field, spec] of Object.entries(BUDGET_FIELDS)) {
    if (spec.kind !== 'integer' && spec.kind !== 'number') continue;
    const schema = at[field];
    assert.ok(schema, `${field} in the schema`);
    assert.equal(schema.type, spec.kind, field);
    assert.equal(schema.minimum, spec.min, `${field} minimum`);
    assert.equal(schema.maximum, spec.max, `${field} maximum`);
    assert.ok(schema.description?.startsWith(spec.meaning), `${field} described by its meaning`);
  }
  assert.deepEqual(budget.properties!.think.enum, [true, false, 'low', 'medium', 'high']);
  // Dynasor's shape: the parser's range for the probe interval, and its mode.
  const dynasor = budget.properties!.earlyStop.anyOf!.find((s) => s.properties?.mode?.enum?.[0] === 'dynasor')!;
  assert.ok(dynasor, 'a dynasor shape in the schema');
  const every = EARLY_STOP_MODE_FIELDS['earlyStop.everyTokens'];
  assert.equal(dynasor.properties!.everyTokens.minimum, every.min);
  assert.equal(dynasor.properties!.everyTokens.maximum, every.max);
  assert.ok(dynasor.properties!.everyTokens.description?.startsWith(every.meaning));
  assert.equal(parseBudgetPolicy({ earlyStop: { mode: 'dynasor', everyTokens: 64 } }).ok, true, 'a settings value of that shape parses');
});
