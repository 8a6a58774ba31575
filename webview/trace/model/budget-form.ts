/**
 * The budget panel's fields as strings (what inputs hold) ⇄ the BudgetPolicy a re-run sends.
 * Pure, so the parsing rules are tested without a DOM; the host validates again.
 */
import type { BudgetPolicy } from '../../../src/core/trace';
import type { ProbeRequest } from '../../../src/shared/protocol';

export type ThinkChoice = 'default' | 'on' | 'off' | 'low' | 'medium' | 'high';

export interface BudgetFormValues {
  maxThinkingTokens: string;
  minThinkingTokens: string;
  extensions: string;
  extensionText: string;
  maxEpisodes: string;
  earlyStop: boolean;
  earlyStopWindow: string;
  earlyStopPlateau: string;
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
    earlyStopWindow: typeof early === 'object' ? String(early.window) : '',
    earlyStopPlateau: typeof early === 'object' && early.plateau !== undefined ? String(early.plateau) : '',
    vote: policy.vote !== undefined,
    voteN: policy.vote ? String(policy.vote.n) : '',
    voteM: policy.vote ? String(policy.vote.m) : '',
    voteAdaptive: policy.vote?.adaptive ?? false,
    think: think === undefined ? 'default' : think === true ? 'on' : think === false ? 'off' : think,
    probe: probe !== undefined && probe !== false,
    samples: probe ? String(probe.samples) : String(DEFAULT_SAMPLES),
  };
}

function parseInteger(
  values: BudgetFormValues,
  field: keyof BudgetFormValues,
  label: string,
  min: number,
  max: number,
  errors: FieldError[],
): number | undefined {
  const raw = String(values[field]).trim().replace(/[_,\s]/g, '');
  if (raw === '') return undefined;
  if (!/^\d+$/.test(raw)) {
    errors.push({ field, message: `${label} must be a whole number` });
    return undefined;
  }
  const n = Number(raw);
  if (n < min || n > max) {
    errors.push({ field, message: `${label} must be between ${min} and ${max}` });
    return undefined;
  }
  return n;
}

export function policyFromForm(values: BudgetFormValues): ParsedBudget {
  const errors: FieldError[] = [];
  const policy: BudgetPolicy = {};
  const max = parseInteger(values, 'maxThinkingTokens', 'Max thinking tokens', 1, 10_000_000, errors);
  const min = parseInteger(values, 'minThinkingTokens', 'Min thinking tokens', 0, 10_000_000, errors);
  if (max !== undefined) policy.maxThinkingTokens = max;
  if (min !== undefined) {
    if (max !== undefined && min > max) errors.push({ field: 'minThinkingTokens', message: 'Min thinking tokens cannot exceed the maximum' });
    else policy.minThinkingTokens = min;
  }
  const extensions = parseInteger(values, 'extensions', 'Extensions', 0, 100, errors);
  if (extensions !== undefined) policy.extensions = extensions;
  if (values.extensionText !== '') {
    if (values.extensionText.length > 200) errors.push({ field: 'extensionText', message: 'Extension text is limited to 200 characters' });
    else policy.extensionText = values.extensionText;
  }
  const episodes = parseInteger(values, 'maxEpisodes', 'Max episodes', 1, 100_000, errors);
  if (episodes !== undefined) policy.maxEpisodes = episodes;
  if (values.earlyStop) {
    const window = parseInteger(values, 'earlyStopWindow', 'Early-stop window', 1, 1000, errors);
    const plateauRaw = values.earlyStopPlateau.trim();
    let plateau: number | undefined;
    if (plateauRaw !== '') {
      plateau = Number(plateauRaw);
      if (!Number.isFinite(plateau) || plateau < 0 || plateau > 1) {
        errors.push({ field: 'earlyStopPlateau', message: 'Plateau must be a number between 0 and 1' });
        plateau = undefined;
      }
    }
    if (window === undefined) policy.earlyStop = true;
    else policy.earlyStop = plateau === undefined ? { window } : { window, plateau };
  }
  if (values.vote) {
    const n = parseInteger(values, 'voteN', 'Votes (N)', 1, 64, errors);
    const m = parseInteger(values, 'voteM', 'Agreeing votes (M)', 1, 64, errors);
    if (n === undefined && String(values.voteN).trim() === '') errors.push({ field: 'voteN', message: 'Votes (N) is required for voting' });
    if (m === undefined && String(values.voteM).trim() === '') errors.push({ field: 'voteM', message: 'Agreeing votes (M) is required for voting' });
    if (n !== undefined && m !== undefined) {
      if (m > n) errors.push({ field: 'voteM', message: 'Agreeing votes (M) cannot exceed votes (N)' });
      else policy.vote = values.voteAdaptive ? { n, m, adaptive: true } : { n, m };
    }
  }
  switch (values.think) {
    case 'on': policy.think = true; break;
    case 'off': policy.think = false; break;
    case 'low': case 'medium': case 'high': policy.think = values.think; break;
    default: break;
  }
  let probe: ProbeRequest | false = false;
  if (values.probe) {
    const samples = parseInteger(values, 'samples', 'Samples per probe', 1, 64, errors);
    if (samples !== undefined) probe = { samples };
    else if (String(values.samples).trim() === '') errors.push({ field: 'samples', message: 'Samples per probe is required when probing' });
  }
  return { policy, probe, errors };
}
