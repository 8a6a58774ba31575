/**
 * Deciding a model's family (which raw prompt template and thinking markers it uses) from
 * what /api/show reports. Pure functions, no I/O.
 */
import type { ModelFamily } from './types';

export interface FamilyEvidence {
  name: string;
  template?: string;
  /** details.family and details.families from the server. */
  serverFamily?: string;
  serverFamilies?: string[];
}

/**
 * Name first (tags such as "deepseek-r1:14b" are the most reliable signal, and distills report
 * details.family "qwen2"/"llama"), then the chat template's special tokens, then details.family.
 */
export function detectFamily(e: FamilyEvidence): ModelFamily {
  const name = e.name.toLowerCase();
  if (name.includes('gpt-oss') || name.includes('gptoss')) return 'gpt-oss';
  if (/deepseek-r1|r1-distill|deepscaler|openthinker/.test(name)) return 'deepseek-r1';
  if (name.includes('qwq')) return 'qwq';
  if (name.includes('qwen3')) return 'qwen3';

  const template = e.template ?? '';
  if (template.includes('<|channel|>') || template.includes('<|start|>assistant')) return 'gpt-oss';
  if (template.includes('<｜Assistant｜>') || template.includes('<｜User｜>')) return 'deepseek-r1';

  const families = [e.serverFamily ?? '', ...(e.serverFamilies ?? [])].map((f) => f.toLowerCase());
  if (families.some((f) => f === 'gptoss' || f === 'gpt-oss')) return 'gpt-oss';
  if (families.some((f) => f.startsWith('qwen3'))) return 'qwen3';
  // ChatML with a <think> block and no better evidence: QwQ's template is the closest match.
  if (template.includes('<|im_start|>') && template.includes('<think>')) return 'qwq';
  return 'generic';
}

/** `think` levels the family accepts; other thinking models take booleans only. */
export function thinkLevelsFor(family: ModelFamily): string[] {
  return family === 'gpt-oss' ? ['low', 'medium', 'high'] : [];
}

/** Families whose models are reasoning models even when an old server reports no capabilities. */
export function isReasoningFamily(family: ModelFamily): boolean {
  return family !== 'generic';
}
