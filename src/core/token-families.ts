/**
 * Which tokenizer a model counts with, by its name, and how far our regex estimate
 * (src/core/tokens.ts) is from it. Pure: the CLI loads the real tokenizers
 * (src/model/tokenizers.ts, optional packages); the extension, which cannot ship them (15-18 MB
 * each), shows the estimate corrected by the family's median ratio.
 */

export type TokenizerFamily = 'qwen2.5' | 'llama3.1';

/**
 * The tokenizer family of a model name (an HF id or a tag naming its base): R1 distills name
 * their base ("DeepSeek-R1-Distill-Qwen-14B", "...-Llama-8B"); QwQ and Sky-T1 are Qwen2.5
 * fine-tunes. Null when the name does not say (e.g. a bare `deepseek-r1:7b` tag, which has
 * pointed at a Llama distill and later at a Qwen3 one).
 */
export function tokenizerFamilyOf(model: string | null | undefined): TokenizerFamily | null {
  if (!model) return null;
  if (/llama/i.test(model)) return 'llama3.1';
  if (/qwen(?!3)|qwq|sky-?t1/i.test(model)) return 'qwen2.5';
  return null;
}

export interface EstimateCorrection {
  family: TokenizerFamily;
  /** Display name of the tokenizer. */
  name: string;
  /** Model tokens per estimated token: 1 / (1 + median error). */
  factor: number;
  /** What the factor was measured on, and the spread it leaves per trace. */
  basis: string;
}

/**
 * Measured by `npm run bench -- tokenizer` on the 40 thought-anchors.com traces (docs/segmentation.md,
 * "The model's own tokenizer"): error = (estimate − tokenizer) / tokenizer per trace, median
 * −1.7% (Qwen2.5, 20 R1-Distill-Qwen-14B traces; range −8.4%..−0.3%) and +12.5% (Llama 3.1,
 * 20 R1-Distill-Llama-8B traces; range −4.9%..+26.9%).
 */
export const ESTIMATE_CORRECTIONS: Readonly<Record<TokenizerFamily, EstimateCorrection>> = {
  'qwen2.5': { family: 'qwen2.5', name: 'Qwen2.5', factor: 1 / (1 - 0.017), basis: 'the median tokenizer/estimate ratio over 20 real R1-Distill-Qwen-14B traces (per trace the estimate was 8.4% under to 0.3% under)' },
  'llama3.1': { family: 'llama3.1', name: 'Llama 3.1', factor: 1 / (1 + 0.125), basis: 'the median tokenizer/estimate ratio over 20 real R1-Distill-Llama-8B traces (per trace the estimate was 4.9% under to 26.9% over)' },
};

/** The family correction for a trace's model, or null when its name names no family. */
export function estimateCorrectionFor(model: string | null | undefined): EstimateCorrection | null {
  const family = tokenizerFamilyOf(model);
  return family ? ESTIMATE_CORRECTIONS[family] : null;
}
