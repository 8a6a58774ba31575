/**
 * The budget flags shared by every command that runs a model (`solve`, `annotate` jobs): one
 * registration, one flag → policy mapping. Values reach us as the text commander read; they are
 * turned into numbers here and checked by the one core parser (core/budget-policy.ts), whose
 * field errors come back named by the flag that set them.
 */
import type { Command } from 'commander';
import { BUDGET_FIELDS, EARLY_STOP_MODE_FIELDS, numberFromText, parseBudgetPolicy, type BudgetField, type EarlyStopModeField } from '../../core/budget-policy';
import type { BudgetPolicy } from '../../core/trace';

/** Raw commander values (strings; numbers and booleans are accepted from callers that parsed already). */
export interface BudgetFlags {
  maxThinking?: string | number;
  minThinking?: string | number;
  extensions?: string | number;
  extensionText?: string;
  maxEpisodes?: string | number;
  earlyStop?: boolean;
  earlyStopMode?: string;
  probeEvery?: string | number;
  window?: string | number;
  plateau?: string | number;
  vote?: string | { n: number; m: number };
  voteAdaptive?: boolean;
  think?: string | boolean;
  /** Not a policy field: the text that forces the answer (SolveOptions.forcing). */
  forcing?: string;
}

export interface FlagError {
  flag: string;
  message: string;
}

export type BudgetFromFlags = { ok: true; policy: BudgetPolicy } | { ok: false; errors: FlagError[] };

/** Which flag sets which policy field (errors are reported under the flag a user typed). */
export const FLAG_FOR_FIELD: Readonly<Record<BudgetField, string>> = {
  maxThinkingTokens: '--max-thinking',
  minThinkingTokens: '--min-thinking',
  extensions: '--extensions',
  extensionText: '--extension-text',
  maxEpisodes: '--max-episodes',
  earlyStop: '--early-stop',
  'earlyStop.window': '--window',
  'earlyStop.plateau': '--plateau',
  vote: '--vote',
  'vote.n': '--vote',
  'vote.m': '--vote',
  'vote.adaptive': '--vote-adaptive',
  think: '--think',
};

/** The early-stop mode fields' flags. */
export const FLAG_FOR_MODE_FIELD: Readonly<Record<EarlyStopModeField, string>> = {
  'earlyStop.mode': '--early-stop-mode',
  'earlyStop.everyTokens': '--probe-every',
};

const specOf = (field: BudgetField | EarlyStopModeField) => (field in EARLY_STOP_MODE_FIELDS ? EARLY_STOP_MODE_FIELDS[field as EarlyStopModeField] : BUDGET_FIELDS[field as BudgetField]);

/** A field's one-line meaning as flag help ("budget: force the answer …"). */
const meaning = (field: BudgetField | EarlyStopModeField): string => {
  const m = specOf(field).meaning.replace(/\.$/, '');
  return m.charAt(0).toLowerCase() + m.slice(1);
};

const help = (field: BudgetField | EarlyStopModeField, extra = ''): string => {
  const spec = specOf(field);
  return `budget: ${meaning(field)}${extra} (${spec.expected}; default ${spec.defaultText})`;
};

/** Registers the budget flags on a command (no value parsers: budgetFromFlags checks them all at once). */
export function addBudgetOptions(cmd: Command): Command {
  return cmd
    .option('--max-thinking <tokens>', help('maxThinkingTokens'))
    .option('--min-thinking <tokens>', help('minThinkingTokens'))
    .option('--extensions <n>', help('extensions'))
    .option('--extension-text <text>', help('extensionText'))
    .option('--max-episodes <n>', help('maxEpisodes'))
    .option('--early-stop', 'budget: stop thinking when forced answers agree for --window episodes without hedging, or mu rose by less than --plateau over them (with --progress); mode "episode"')
    .option('--early-stop-mode <mode>', `budget: ${meaning('earlyStop.mode')} (implies --early-stop; default episode)`)
    .option('--probe-every <tokens>', help('earlyStop.everyTokens', '; needs --early-stop-mode dynasor'))
    .option('--window <n>', help('earlyStop.window', '; needs --early-stop'))
    .option('--plateau <delta>', help('earlyStop.plateau', '; needs --early-stop'))
    .option('--vote <N/M>', 'budget: sequential voting over independent attempts, up to N attempts, stop when M agree (IBPO: 8/3; N:M accepted; N alone: M = 3, or N when N < 3)')
    .option('--vote-adaptive', `budget: ${meaning('vote.adaptive')}; needs --vote`)
    .option('--think <level>', 'thinking: on, off (or true, false), or a gpt-oss level low, medium, high (default: the model\'s)')
    .option('--forcing <text>', 'budget: the text that forces the answer after a budget stop: boxed (the family\'s stop sentence, then **Final Answer** \\boxed{) or s1 (s1\'s "Final Answer:") (default boxed)');
}

/** `--forcing` as the forcing text it names (undefined when not given), or the flag's error. */
export function forcingFromFlags(flags: Pick<BudgetFlags, 'forcing'>): { ok: true; forcing?: 'boxed' | 's1' } | { ok: false; error: FlagError } {
  if (flags.forcing === undefined) return { ok: true };
  const s = flags.forcing.trim().toLowerCase();
  if (s === 'boxed' || s === 's1') return { ok: true, forcing: s };
  return { ok: false, error: { flag: '--forcing', message: `expected boxed or s1, got "${flags.forcing}"` } };
}

function num(v: string | number | undefined): unknown {
  return typeof v === 'string' ? numberFromText(v) : v;
}

function voteFrom(v: string | { n: number; m: number }): { value: unknown; error?: string } {
  if (typeof v !== 'string') return { value: v };
  const m = /^\s*(\S+?)\s*(?:[/:]\s*(\S+)\s*)?$/.exec(v);
  if (!m) return { value: undefined, error: `expected N/M (up to N attempts, stop when M agree), got "${v}"` };
  return { value: { n: numberFromText(m[1]), ...(m[2] !== undefined ? { m: numberFromText(m[2]) } : {}) } };
}

function thinkFrom(v: string | boolean): unknown {
  if (typeof v === 'boolean') return v;
  const s = v.trim().toLowerCase();
  if (s === 'true' || s === 'on') return true;
  if (s === 'false' || s === 'off') return false;
  return s;
}

/** Turns raw flag values into a checked policy, or `--flag: message` errors (every bad flag at once). */
export function budgetFromFlags(flags: BudgetFlags): BudgetFromFlags {
  const errors: FlagError[] = [];
  const raw: Record<string, unknown> = {};
  if (flags.maxThinking !== undefined) raw.maxThinkingTokens = num(flags.maxThinking);
  if (flags.minThinking !== undefined) raw.minThinkingTokens = num(flags.minThinking);
  if (flags.extensions !== undefined) raw.extensions = num(flags.extensions);
  if (flags.extensionText !== undefined) raw.extensionText = flags.extensionText;
  if (flags.maxEpisodes !== undefined) raw.maxEpisodes = num(flags.maxEpisodes);
  const mode = flags.earlyStopMode?.trim().toLowerCase();
  if (flags.earlyStop || mode !== undefined) {
    raw.earlyStop = {
      ...(mode !== undefined && mode !== 'episode' ? { mode } : {}),
      ...(flags.window !== undefined ? { window: num(flags.window) } : {}),
      ...(flags.plateau !== undefined ? { plateau: num(flags.plateau) } : {}),
      ...(flags.probeEvery !== undefined && mode === 'dynasor' ? { everyTokens: num(flags.probeEvery) } : {}),
    };
    if (flags.probeEvery !== undefined && mode !== 'dynasor') errors.push({ flag: '--probe-every', message: 'needs --early-stop-mode dynasor' });
  } else {
    if (flags.window !== undefined) errors.push({ flag: '--window', message: 'needs --early-stop' });
    if (flags.plateau !== undefined) errors.push({ flag: '--plateau', message: 'needs --early-stop' });
    if (flags.probeEvery !== undefined) errors.push({ flag: '--probe-every', message: 'needs --early-stop-mode dynasor' });
  }
  if (flags.vote !== undefined) {
    const vote = voteFrom(flags.vote);
    if (vote.error) errors.push({ flag: '--vote', message: vote.error });
    else raw.vote = { ...(vote.value as object), ...(flags.voteAdaptive ? { adaptive: true } : {}) };
  } else if (flags.voteAdaptive) errors.push({ flag: '--vote-adaptive', message: 'needs --vote N/M' });
  if (flags.think !== undefined) raw.think = thinkFrom(flags.think);

  const parsed = parseBudgetPolicy(raw);
  if (!parsed.ok) {
    for (const e of parsed.errors) errors.push({ flag: FLAG_FOR_FIELD[e.field as BudgetField] ?? FLAG_FOR_MODE_FIELD[e.field as EarlyStopModeField] ?? e.field, message: e.message });
  }
  return errors.length || !parsed.ok ? { ok: false, errors } : { ok: true, policy: parsed.policy };
}

/** "--flag: message" lines, as the CLI prints usage errors. */
export function flagErrorLines(errors: readonly FlagError[]): string[] {
  return errors.map((e) => `${e.flag}: ${e.message}`);
}
