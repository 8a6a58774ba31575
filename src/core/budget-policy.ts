/**
 * The one budget-policy parser. Every entry point (budget panel, webview protocol, settings,
 * CLI flags, dataset jobs, the run itself) hands its raw value to parseBudgetPolicy, so a value
 * accepted in one place is accepted everywhere with the same meaning. Each field's range,
 * default, meaning and message are written once, in BUDGET_FIELDS. Pure.
 */
import type { BudgetPolicy } from './trace';

export type ThinkValue = boolean | 'low' | 'medium' | 'high';
export const THINK_LEVELS: readonly ('low' | 'medium' | 'high')[] = ['low', 'medium', 'high'];

/** Dotted policy paths, the names field errors use. */
export type BudgetField =
  | 'maxThinkingTokens'
  | 'minThinkingTokens'
  | 'extensions'
  | 'extensionText'
  | 'maxEpisodes'
  | 'earlyStop'
  | 'earlyStop.window'
  | 'earlyStop.plateau'
  | 'vote'
  | 'vote.n'
  | 'vote.m'
  | 'vote.adaptive'
  | 'think';

/**
 * The early-stop mode fields. Kept apart from BudgetField (the budget panel's and the settings'
 * fields) because only traces, the protocol and the CLI choose a mode so far; the panel and
 * `reasoningLens.defaultBudget` offer the per-episode rule.
 */
export type EarlyStopModeField = 'earlyStop.mode' | 'earlyStop.everyTokens';

export interface BudgetFieldSpec {
  /** Short human name (form labels, messages). */
  label: string;
  /** One line saying what the field does (UI hints, help text). */
  meaning: string;
  /** What a valid value is, as a message finishes "expected …". */
  expected: string;
  /** The default, as a user would read it (UI placeholders); "none" = the limit is off. */
  defaultText: string;
  kind: 'integer' | 'number' | 'text' | 'boolean' | 'switch' | 'think';
  min?: number;
  max?: number;
}

export const DEFAULT_EXTENSION_TEXT = 'Wait';
/** Extensions allowed when only minThinkingTokens is given (s1: gains flatten after about 6). */
export const DEFAULT_EXTENSIONS_WITH_MIN = 4;
export const DEFAULT_EARLY_STOP_WINDOW = 3;
/** Plateau δ: stop when mu rose by less than this over the window (MRT's progress). */
export const DEFAULT_PLATEAU = 0.05;
/** IBPO's sequential voting (arXiv 2501.17974, appendix prompt): at most eight trials ... */
export const DEFAULT_VOTE_N = 8;
/** ... and a solution that occurs three times is the consensus. */
export const IBPO_CONSENSUS = 3;
/** IBPO's consensus of 3, or every attempt when fewer than 3 are allowed. */
export function defaultVoteM(n: number): number {
  return Math.min(IBPO_CONSENSUS, n);
}

/**
 * Early-stop modes. `episode`: one forced-answer probe round per closed episode (answers stable
 * over W episodes, or mu plateaued). `dynasor`: Dynasor-CoT (hao-ai-lab/Dynasor dynasor/cot.py),
 * a probe inside the thinking every N thinking tokens; stop when the last W answers agree.
 */
export type EarlyStopMode = 'episode' | 'dynasor';
export const EARLY_STOP_MODES: readonly EarlyStopMode[] = ['episode', 'dynasor'];
/** Dynasor's chunk sizes (cot.py lines 6-18: effort presets use 64, "crazy" and the server default 32). */
export const DYNASOR_CHUNKS: readonly number[] = [32, 64];
export const DEFAULT_DYNASOR_EVERY = 32;
/** Dynasor's threshold: the server default "2,32" needs the last 2 probe answers to agree. */
export const DEFAULT_DYNASOR_WINDOW = 2;
export const MAX_TOKENS = 10_000_000;
export const MAX_EXTENSION_TEXT = 200;

/**
 * The early-stop window is at least 1. One episode is a meaningful window for both rules it
 * drives: answer stability with W = 1 stops at the first confident (non-hedging) forced answer,
 * and the plateau with W = 1 compares mu across a single episode. A larger minimum would only
 * forbid a legitimate aggressive setting.
 */
export const MIN_EARLY_STOP_WINDOW = 1;

export const BUDGET_FIELDS: Readonly<Record<BudgetField, BudgetFieldSpec>> = {
  maxThinkingTokens: {
    label: 'Max thinking tokens',
    meaning: 'Force the answer once thinking reaches this many tokens (s1 budget forcing).',
    expected: `a whole number from 1 to ${MAX_TOKENS}`,
    defaultText: 'none',
    kind: 'integer',
    min: 1,
    max: MAX_TOKENS,
  },
  minThinkingTokens: {
    label: 'Min thinking tokens',
    meaning: 'If thinking ends before this many tokens, suppress the end and append the extension text (0: no minimum).',
    expected: `a whole number from 0 to ${MAX_TOKENS}`,
    defaultText: 'none',
    kind: 'integer',
    min: 0,
    max: MAX_TOKENS,
  },
  extensions: {
    label: 'Extensions',
    meaning: 'At most this many times, replace the end of thinking with the extension text.',
    expected: 'a whole number from 0 to 100',
    defaultText: `0 (${DEFAULT_EXTENSIONS_WITH_MIN} with a minimum)`,
    kind: 'integer',
    min: 0,
    max: 100,
  },
  extensionText: {
    label: 'Extension text',
    meaning: 'Text appended when thinking is extended.',
    expected: `non-blank text of at most ${MAX_EXTENSION_TEXT} characters`,
    defaultText: DEFAULT_EXTENSION_TEXT,
    kind: 'text',
  },
  maxEpisodes: {
    label: 'Max episodes',
    meaning: 'Force the answer after this many closed episodes.',
    expected: 'a whole number from 1 to 100000',
    defaultText: 'none',
    kind: 'integer',
    min: 1,
    max: 100_000,
  },
  earlyStop: {
    label: 'Early stop',
    meaning: 'Stop thinking when forced answers are stable over the window, or mu plateaus.',
    expected: 'true, false, { window, plateau } or { mode: "dynasor", everyTokens, window }',
    defaultText: 'off',
    kind: 'switch',
  },
  'earlyStop.window': {
    label: 'Early-stop window',
    meaning: 'Probed episodes W the early stop looks back over (answers agree for W episodes; mu compared across W episodes).',
    expected: `a whole number from ${MIN_EARLY_STOP_WINDOW} to 1000`,
    defaultText: String(DEFAULT_EARLY_STOP_WINDOW),
    kind: 'integer',
    min: MIN_EARLY_STOP_WINDOW,
    max: 1000,
  },
  'earlyStop.plateau': {
    label: 'Plateau (μ change)',
    meaning: 'Also stop when mu rose by less than this over the window (needs progress probes; 0: only when mu fell).',
    expected: 'a number from 0 to 1 (a change in μ)',
    defaultText: String(DEFAULT_PLATEAU),
    kind: 'number',
    min: 0,
    max: 1,
  },
  vote: {
    label: 'Voting',
    meaning: 'Sequential voting over independent attempts (IBPO SV run from outside the model): up to n complete attempts, stop when m answers agree.',
    expected: 'an object { n, m, adaptive? }',
    defaultText: 'off',
    kind: 'switch',
  },
  'vote.n': {
    label: 'Votes (N)',
    meaning: 'Attempts at most.',
    expected: 'a whole number from 1 to 64',
    defaultText: String(DEFAULT_VOTE_N),
    kind: 'integer',
    min: 1,
    max: 64,
  },
  'vote.m': {
    label: 'Agreeing votes (M)',
    meaning: 'Stop as soon as this many answers agree',
    expected: 'a whole number from 1 to 64, not above N',
    defaultText: `${IBPO_CONSENSUS} (IBPO's consensus; N when N < ${IBPO_CONSENSUS})`,
    kind: 'integer',
    min: 1,
    max: 64,
  },
  'vote.adaptive': {
    label: 'Adaptive voting',
    meaning: 'One attempt is enough when forced answers on its thinking before its last episode all agree with its answer.',
    expected: 'true or false',
    defaultText: 'false',
    kind: 'boolean',
  },
  think: {
    label: 'Thinking level',
    meaning: 'The think parameter sent to the model: on, off, or a gpt-oss level (default: the model\'s own).',
    expected: 'true, false, "low", "medium" or "high"',
    defaultText: "the model's",
    kind: 'think',
  },
};

export const EARLY_STOP_MODE_FIELDS: Readonly<Record<EarlyStopModeField, BudgetFieldSpec>> = {
  'earlyStop.mode': {
    label: 'Early-stop mode',
    meaning: 'episode: forced answers once per closed episode (answers stable, or mu plateau); dynasor: Dynasor-CoT, a probe inside the thinking every N tokens, output the agreed answer.',
    expected: '"episode" or "dynasor"',
    defaultText: 'episode',
    kind: 'text',
  },
  'earlyStop.everyTokens': {
    label: 'Probe every (tokens)',
    meaning: 'Dynasor mode: thinking tokens between probes (Dynasor uses 32 or 64).',
    expected: 'a whole number from 8 to 4096 (Dynasor: 32 or 64)',
    defaultText: String(DEFAULT_DYNASOR_EVERY),
    kind: 'integer',
    min: 8,
    max: 4096,
  },
};

const ALL_FIELDS: Readonly<Record<BudgetField | EarlyStopModeField, BudgetFieldSpec>> = { ...BUDGET_FIELDS, ...EARLY_STOP_MODE_FIELDS };

export interface BudgetFieldError {
  /** Dotted policy path, e.g. "earlyStop.plateau". */
  field: BudgetField | EarlyStopModeField | string;
  message: string;
}

export type BudgetParse = { ok: true; policy: BudgetPolicy } | { ok: false; errors: BudgetFieldError[] };

const TOP_KEYS = new Set(['maxThinkingTokens', 'minThinkingTokens', 'extensions', 'extensionText', 'maxEpisodes', 'earlyStop', 'vote', 'think']);
const EARLY_KEYS = new Set(['mode', 'window', 'plateau']);
const DYNASOR_KEYS = new Set(['mode', 'window', 'everyTokens']);
const VOTE_KEYS = new Set(['n', 'm', 'adaptive']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as a message shows it ("got …"). */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (typeof v === 'object') return 'an object';
  return String(v);
}

/** The one message for a value outside a field's rule. */
export function fieldMessage(field: BudgetField | EarlyStopModeField, value: unknown): string {
  return `expected ${ALL_FIELDS[field].expected}, got ${describeValue(value)}`;
}

/**
 * Checks an untrusted budget policy (JSON from settings, a webview message, a trace file, form
 * or flag values already turned into numbers). Collects every field error. null and undefined
 * mean "not set". On success the policy holds only known fields; early stop and voting come back
 * complete (`earlyStop: true` as { window, plateau } at their defaults, `false` dropped, n and m
 * filled), so a trace records exactly what ran and equal meanings compare equal.
 */
export function parseBudgetPolicy(raw: unknown): BudgetParse {
  if (raw === undefined || raw === null) return { ok: true, policy: {} };
  const errors: BudgetFieldError[] = [];
  if (!isRecord(raw)) return { ok: false, errors: [{ field: '(budget)', message: `expected an object, got ${describeValue(raw)}` }] };
  const fail = (field: BudgetField | string, message: string): undefined => {
    errors.push({ field, message });
    return undefined;
  };
  for (const key of Object.keys(raw)) {
    if (!TOP_KEYS.has(key)) fail(key, `unknown field (known: ${[...TOP_KEYS].join(', ')})`);
  }

  const numberField = (field: BudgetField | EarlyStopModeField, v: unknown): number | undefined => {
    if (v === undefined || v === null) return undefined;
    const spec = ALL_FIELDS[field];
    const ok =
      typeof v === 'number' &&
      Number.isFinite(v) &&
      (spec.kind !== 'integer' || Number.isInteger(v)) &&
      v >= (spec.min ?? -Infinity) &&
      v <= (spec.max ?? Infinity);
    return ok ? (v as number) : fail(field, fieldMessage(field, v));
  };

  const policy: BudgetPolicy = {};
  const max = numberField('maxThinkingTokens', raw.maxThinkingTokens);
  const min = numberField('minThinkingTokens', raw.minThinkingTokens);
  if (max !== undefined) policy.maxThinkingTokens = max;
  if (min !== undefined) {
    if (max !== undefined && min > max) fail('minThinkingTokens', `${min} is above the maximum (${BUDGET_FIELDS.maxThinkingTokens.label.toLowerCase()} ${max})`);
    else policy.minThinkingTokens = min;
  }
  const extensions = numberField('extensions', raw.extensions);
  if (extensions !== undefined) policy.extensions = extensions;
  const text = raw.extensionText;
  if (text !== undefined && text !== null) {
    if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_EXTENSION_TEXT) fail('extensionText', fieldMessage('extensionText', text));
    else policy.extensionText = text;
  }
  const episodes = numberField('maxEpisodes', raw.maxEpisodes);
  if (episodes !== undefined) policy.maxEpisodes = episodes;

  const early = raw.earlyStop;
  // true is spelled out (window and plateau at their defaults) and false dropped: one spelling per meaning.
  if (early === true) policy.earlyStop = { window: DEFAULT_EARLY_STOP_WINDOW, plateau: DEFAULT_PLATEAU };
  else if (early === false) {
    // off, the same as not set
  } else if (isRecord(early)) {
    const mode = early.mode ?? 'episode';
    if (mode === 'dynasor') {
      for (const key of Object.keys(early)) if (!DYNASOR_KEYS.has(key)) fail(`earlyStop.${key}`, `unknown field for mode "dynasor" (known: ${[...DYNASOR_KEYS].join(', ')})`);
      const window = numberField('earlyStop.window', early.window);
      const every = numberField('earlyStop.everyTokens', early.everyTokens);
      policy.earlyStop = { mode: 'dynasor', everyTokens: every ?? DEFAULT_DYNASOR_EVERY, window: window ?? DEFAULT_DYNASOR_WINDOW };
    } else if (mode === 'episode') {
      // The per-episode rule is the default mode: its canonical spelling leaves `mode` out.
      for (const key of Object.keys(early)) if (!EARLY_KEYS.has(key)) fail(`earlyStop.${key}`, 'unknown field (known: mode, window, plateau)');
      const window = numberField('earlyStop.window', early.window);
      const plateau = numberField('earlyStop.plateau', early.plateau);
      policy.earlyStop = { window: window ?? DEFAULT_EARLY_STOP_WINDOW, plateau: plateau ?? DEFAULT_PLATEAU };
    } else fail('earlyStop.mode', fieldMessage('earlyStop.mode', mode));
  } else if (early !== undefined && early !== null) fail('earlyStop', fieldMessage('earlyStop', early));

  const vote = raw.vote;
  if (isRecord(vote)) {
    for (const key of Object.keys(vote)) if (!VOTE_KEYS.has(key)) fail(`vote.${key}`, 'unknown field (known: n, m, adaptive)');
    const n = numberField('vote.n', vote.n) ?? DEFAULT_VOTE_N;
    const m = numberField('vote.m', vote.m);
    const agree = m ?? defaultVoteM(n);
    if (agree > n) fail('vote.m', `${agree} agreeing answers can never come from ${n} attempts (M must not be above N)`);
    const adaptive = vote.adaptive;
    if (adaptive !== undefined && adaptive !== null && typeof adaptive !== 'boolean') fail('vote.adaptive', fieldMessage('vote.adaptive', adaptive));
    policy.vote = adaptive === true ? { n, m: agree, adaptive: true } : { n, m: agree };
  } else if (vote !== undefined && vote !== null) fail('vote', fieldMessage('vote', vote));

  const think = raw.think;
  if (think !== undefined && think !== null) {
    if (typeof think === 'boolean' || (typeof think === 'string' && (THINK_LEVELS as readonly string[]).includes(think))) policy.think = think as ThinkValue;
    else fail('think', fieldMessage('think', think));
  }
  return errors.length ? { ok: false, errors } : { ok: true, policy };
}

/** "field: message; field: message", each field under `prefix` (e.g. "budget."). */
export function formatBudgetErrors(errors: readonly BudgetFieldError[], prefix = ''): string {
  return errors.map((e) => `${prefix}${e.field}: ${e.message}`).join('; ');
}


/**
 * Text typed by a user (form field, command-line value) as a number, or the trimmed text itself
 * when it is not one, so parseBudgetPolicy reports it with the field's one message. "" is
 * undefined (not set). Digit grouping ("10,000", "10_000", "10 000") is accepted; a comma is
 * never read as a decimal point.
 */
export function numberFromText(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const plain = /^\d{1,3}(,\d{3})+$/.test(t) ? t.replace(/,/g, '') : t.replace(/(?<=\d)[_\s\u202f](?=\d)/g, '');
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(plain) ? Number(plain) : t;
}
