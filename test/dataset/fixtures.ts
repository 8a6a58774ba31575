/** Small hand-built traces with known numbers, for report and export tests. */
import type { Episode, Trace } from '../../src/core/trace';

export function episode(index: number, tokens: number, extra: Partial<Episode> = {}): Episode {
  return { index, start: index * 10, end: index * 10 + 10, text: `step ${index}`, tokens, labels: [], verdict: 'none', ...extra };
}

export function progress(mu: number, delta: number) {
  return { mu, delta, samples: 4, answers: {}, basis: 'gold' as const };
}

export function trace(id: string, episodes: Episode[], over: Partial<Trace> = {}): Trace {
  const thinkingTokens = episodes.reduce((n, e) => n + e.tokens, 0);
  return {
    version: 1,
    id,
    problem: `problem ${id}`,
    gold: '1',
    model: 'm1',
    source: { kind: 'test' },
    thinking: 'x'.repeat(episodes.length * 10),
    response: '',
    episodes,
    final: { answer: '1', correct: true },
    metrics: { thinkingTokens, responseTokens: 5, episodes: episodes.length, firstCorrectEpisode: null, tokensAfterFirstCorrect: null },
    ...over,
  };
}
