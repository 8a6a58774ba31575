/** The budget presets offered by "Solve with Budget…" (constants from notes/algorithms.md). */
import type { BudgetPolicy } from '../../core/trace';

export interface BudgetPreset {
  id: string;
  label: string;
  detail: string;
  /** null for "Custom…", which asks for JSON. */
  policy: BudgetPolicy | null;
}

export const BUDGET_PRESETS: readonly BudgetPreset[] = [
  { id: 'unlimited', label: 'Unlimited', detail: 'Let the model think until it stops by itself.', policy: {} },
  { id: 'short', label: 'Short: 1k thinking', detail: 'Force the answer after 1,024 thinking tokens.', policy: { maxThinkingTokens: 1024 } },
  {
    id: 's1',
    label: 's1: max 4k + force',
    detail: 'Budget forcing (s1): stop thinking at 4,096 tokens and force the answer.',
    policy: { maxThinkingTokens: 4096 },
  },
  {
    id: 'extend',
    label: 'Extend: min 2k, 2×Wait',
    detail: 'Suppress the end of thinking before 2,048 tokens by appending "Wait", at most twice.',
    policy: { minThinkingTokens: 2048, extensions: 2, extensionText: 'Wait' },
  },
  {
    id: 'early-stop',
    label: 'Early stop (per episode)',
    detail: 'Probe a forced answer after each episode; stop when 3 consecutive episodes agree without hedging.',
    policy: { earlyStop: { window: 3 } },
  },
  {
    id: 'dynasor',
    label: 'Early stop (Dynasor-CoT)',
    detail: 'Probe inside the thinking every 32 tokens; stop when 2 probes agree and output that answer (Dynasor).',
    policy: { earlyStop: { mode: 'dynasor', everyTokens: 32, window: 2 } },
  },
  {
    id: 'vote',
    label: 'Vote 8/3',
    detail: 'Sequential voting over independent attempts (IBPO\'s rule): up to 8 attempts, stop when 3 agree.',
    policy: { vote: { n: 8, m: 3 } },
  },
  { id: 'custom', label: 'Custom…', detail: 'Type a budget policy as JSON.', policy: null },
];

/** A short human description of a policy, for titles and the status bar. */
export function describePolicy(policy: BudgetPolicy): string {
  const parts: string[] = [];
  if (policy.maxThinkingTokens !== undefined) parts.push(`max ${policy.maxThinkingTokens}`);
  if (policy.minThinkingTokens !== undefined) parts.push(`min ${policy.minThinkingTokens}`);
  if (policy.extensions !== undefined) parts.push(`${policy.extensions}×${policy.extensionText ?? 'Wait'}`);
  if (policy.maxEpisodes !== undefined) parts.push(`≤${policy.maxEpisodes} episodes`);
  if (policy.earlyStop) parts.push(typeof policy.earlyStop === 'object' && policy.earlyStop.mode === 'dynasor' ? `Dynasor every ${policy.earlyStop.everyTokens}` : 'early stop');
  if (policy.vote) parts.push(`vote ${policy.vote.n}/${policy.vote.m}${policy.vote.adaptive ? ' adaptive' : ''}`);
  if (policy.think !== undefined) parts.push(`think ${String(policy.think)}`);
  return parts.length ? parts.join(', ') : 'unlimited';
}
