/**
 * Token numbers counted again by a model's own tokenizer (src/model/tokenizers.ts) instead of
 * our estimate: every episode, the thinking and response totals, the tokens after the first
 * correct answer, and the version-1 regret variant (which is on thinking tokens). MRT's regret
 * (version 2, comparator `oracle`) is on the server's probe counts and stays as it is. The
 * trace records the counter (`metrics.tokenCounter`), a version-2 field.
 */
import { regretAtBudgets, tokensAfter } from './metrics';
import type { Trace } from './trace';

export interface TextTokenCounter {
  /** `tokenizer:<family>`. */
  readonly name: string;
  count(text: string): number;
}

export function recountTokens(trace: Trace, counter: TextTokenCounter): Trace {
  const episodes = trace.episodes.map((e) => ({ ...e, tokens: counter.count(e.text) }));
  const first = trace.metrics.firstCorrectEpisode;
  const metrics = {
    ...trace.metrics,
    thinkingTokens: counter.count(trace.thinking),
    responseTokens: counter.count(trace.response),
    tokensAfterFirstCorrect: first === null ? null : tokensAfter(episodes, first),
    tokenCounter: counter.name,
  };
  if (metrics.regret?.some((r) => r.comparator === undefined)) {
    metrics.regret = metrics.regret.map((r) => (r.comparator !== undefined ? r : (regretAtBudgets(episodes, [r.budget])[0] ?? r)));
  }
  return { ...trace, version: 2, episodes, metrics };
}
