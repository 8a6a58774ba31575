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
    label: 'Early stop (Dynasor)',
    detail: 'Probe a forced answer as thinking grows; stop when 3 consecutive probes agree.',
    policy: { earlyStop: { window: 3 } },
  },
  {
    id: 'vote',
    label: 'Vote 5/3',
    detail: 'Sequential voting (IBPO): up to 5 answers, stop when 3 agree.',
    policy: { vote: { n: 5, m: 3 } },
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
  if (policy.earlyStop) parts.push('early stop');
  if (policy.vote) parts.push(`vote ${policy.vote.n}/${policy.vote.m}${policy.vote.adaptive ? ' adaptive' : ''}`);
  if (policy.think !== undefined) parts.push(`think ${String(policy.think)}`);
  return parts.length ? parts.join(', ') : 'unlimited';
}
