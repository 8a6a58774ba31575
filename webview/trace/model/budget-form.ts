/**
 * The budget panel's fields as strings (what inputs hold) ⇄ the BudgetPolicy a re-run sends.
 * This file only turns text into numbers; the rules (ranges, defaults, messages) are the core
 * parser's (src/core/budget-policy.ts), whose field errors are mapped back to the panel's fields
 * so each shows at its input before anything runs. The host checks again with the same parser.
 */
import type { BudgetPolicy } from '../../../src/core/trace';
import { BUDGET_FIELDS, EARLY_STOP_MODE_FIELDS, numberFromText, parseBudgetPolicy, type BudgetField, type EarlyStopMode, type EarlyStopModeField } from '../../../src/core/budget-policy';
import type { ProbeRequest } from '../../../src/shared/protocol';

export type ThinkChoice = 'default' | 'on' | 'off' | 'low' | 'medium' | 'high';

export interface BudgetFormValues {
  maxThinkingTokens: string;
  minThinkingTokens: string;
  extensions: string;
  extensionText: string;
  maxEpisodes: string;
  earlyStop: boolean;
  /** `episode` (forced answers per closed episode) or `dynasor` (a probe every N thinking tokens). */
  earlyStopMode: EarlyStopMode;
  earlyStopWindow: string;
  earlyStopPlateau: string;
  /** Dynasor mode: thinking tokens between probes. */
  earlyStopEvery: string;
  vote: boolean;
  voteN: string;
  voteM: string;
  voteAdaptive: boolean;
  think: ThinkChoice;
  probe: boolean;
  samples: string;
}

export interface FieldError {
  field: keyof BudgetFormValues;
  message: string;
}

export interface ParsedBudget {
  policy: BudgetPolicy;
  probe: ProbeRequest | false;
  errors: FieldError[];
}

export const DEFAULT_SAMPLES = 4;

/** Which form field holds which policy field (core errors are shown at these). */
export const FORM_FIELD_FOR: Readonly<Record<BudgetField, keyof BudgetFormValues>> = {
  maxThinkingTokens: 'maxThinkingTokens',
  minThinkingTokens: 'minThinkingTokens',
  extensions: 'extensions',
  extensionText: 'extensionText',
  maxEpisodes: 'maxEpisodes',
  earlyStop: 'earlyStop',
  'earlyStop.window': 'earlyStopWindow',
  'earlyStop.plateau': 'earlyStopPlateau',
  vote: 'vote',
  'vote.n': 'voteN',
  'vote.m': 'voteM',
  'vote.adaptive': 'voteAdaptive',
  think: 'think',
};

/** The early-stop mode's own fields (errors from the core parser shown at these). */
export const MODE_FORM_FIELD_FOR: Readonly<Record<EarlyStopModeField, keyof BudgetFormValues>> = {
  'earlyStop.mode': 'earlyStopMode',
  'earlyStop.everyTokens': 'earlyStopEvery',
};

/** What an empty field means (the core default), for the panel's placeholders and hints. */
export function fieldHint(field: BudgetField): { placeholder: string; title: string } {
  const spec = BUDGET_FIELDS[field];
  return { placeholder: spec.defaultText, title: `${spec.meaning} Expected: ${spec.expected}.` };
}

export function formFromPolicy(policy: BudgetPolicy, probe: ProbeRequest | false | undefined): BudgetFormValues {
  const early = policy.earlyStop;
  const think = policy.think;
  return {
    maxThinkingTokens: policy.maxThinkingTokens?.toString() ?? '',
    minThinkingTokens: policy.minThinkingTokens?.toString() ?? '',
    extensions: policy.extensions?.toString() ?? '',
    extensionText: policy.extensionText ?? '',
    maxEpisodes: policy.maxEpisodes?.toString() ?? '',
    earlyStop: early !== undefined && early !== false,
    // A Dynasor policy comes back as Dynasor: re-running it from the panel keeps its mode.
    earlyStopMode: typeof early === 'object' && early.mode === 'dynasor' ? 'dynasor' : 'episode',
    earlyStopWindow: typeof early === 'object' && early.window !== undefined ? String(early.window) : '',
    earlyStopPlateau: typeof early === 'object' && early.mode !== 'dynasor' && early.plateau !== undefined ? String(early.plateau) : '',
    earlyStopEvery: typeof early === 'object' && early.mode === 'dynasor' ? String(early.everyTokens) : '',
    vote: policy.vote !== undefined,
    voteN: policy.vote?.n !== undefined ? String(policy.vote.n) : '',
    voteM: policy.vote?.m !== undefined ? String(policy.vote.m) : '',
    voteAdaptive: policy.vote?.adaptive ?? false,
    think: think === undefined ? 'default' : think === true ? 'on' : think === false ? 'off' : think,
    probe: probe !== undefined && probe !== false,
    samples: probe ? String(probe.samples) : String(DEFAULT_SAMPLES),
  };
}

const SAMPLES_MAX = 64;

function parseSamples(text: string, errors: FieldError[]): number | undefined {
  const n = numberFromText(text);
  if (n === undefined) {
    errors.push({ field: 'samples', message: 'Samples per probe is required when probing' });
    return undefined;
  }
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > SAMPLES_MAX) {
    errors.push({ field: 'samples', message: `Samples per probe: expected a whole number from 1 to ${SAMPLES_MAX}, got ${JSON.stringify(String(text).trim())}` });
    return undefined;
  }
  return n;
}

const THINK_FROM_CHOICE: Record<ThinkChoice, BudgetPolicy['think']> = { default: undefined, on: true, off: false, low: 'low', medium: 'medium', high: 'high' };

/**
 * Form text → policy. Empty text means "not set": the core default applies, which is what the
 * field's placeholder shows (so an empty Window with a Plateau typed is window 3, plateau as typed).
 */
export function policyFromForm(values: BudgetFormValues): ParsedBudget {
  const num = (field: keyof BudgetFormValues) => numberFromText(String(values[field]));
  const raw: Record<string, unknown> = {
    maxThinkingTokens: num('maxThinkingTokens'),
    minThinkingTokens: num('minThinkingTokens'),
    extensions: num('extensions'),
    extensionText: values.extensionText === '' ? undefined : values.extensionText,
    maxEpisodes: num('maxEpisodes'),
    think: THINK_FROM_CHOICE[values.think],
  };
  if (values.earlyStop) {
    raw.earlyStop = values.earlyStopMode === 'dynasor'
      ? { mode: 'dynasor', everyTokens: num('earlyStopEvery'), window: num('earlyStopWindow') }
      : { window: num('earlyStopWindow'), plateau: num('earlyStopPlateau') };
  }
  if (values.vote) raw.vote = { n: num('voteN'), m: num('voteM'), ...(values.voteAdaptive ? { adaptive: true } : {}) };

  const errors: FieldError[] = [];
  const parsed = parseBudgetPolicy(raw);
  if (!parsed.ok) {
    for (const e of parsed.errors) {
      const modeField = MODE_FORM_FIELD_FOR[e.field as EarlyStopModeField];
      const spec = modeField ? EARLY_STOP_MODE_FIELDS[e.field as EarlyStopModeField] : BUDGET_FIELDS[e.field as BudgetField];
      errors.push({ field: modeField ?? FORM_FIELD_FOR[e.field as BudgetField] ?? 'maxThinkingTokens', message: `${spec?.label ?? e.field}: ${e.message}` });
    }
  }
  let probe: ProbeRequest | false = false;
  if (values.probe) {
    const samples = parseSamples(values.samples, errors);
    if (samples !== undefined) probe = { samples };
  }
  return { policy: parsed.ok ? parsed.policy : {}, probe, errors };
}
