/**
 * The optional model-based answer reader: asks the local model, with one short fixed prompt
 * (src/core/answer-reader.ts), which answer an episode states, through the same backends as
 * solves and probes. Off by default (`annotate --answer-extractor model`); what it reads is
 * marked `answerSource: 'model'` in the trace. Replies are cached per episode by model, prompt
 * version and a hash of problem + episode text, so re-annotating asks nothing twice.
 */
import { withEpisodeAnswers, type EpisodeAnswer } from '../core/annotate';
import { answerReaderPrompt, parseReaderReply, readerCacheKey } from '../core/answer-reader';
import type { Trace } from '../core/trace';
import type { ModelBackend } from '../model/types';
import { ConcurrencyLimiter } from './probes';

export type AnswerExtractor = 'rule' | 'model';

/** Reply tokens: an answer is short; a model that starts explaining is cut off (and read as NONE). */
export const READER_NUM_PREDICT = 48;

export interface AnswerReaderOptions {
  /** Requests in flight at once (default 2, like probes). */
  concurrency?: number;
  /** Shared reply cache (key → answer or null); a new one per reader when absent. */
  cache?: Map<string, string | null>;
  signal?: AbortSignal;
}

export class ModelAnswerReader {
  readonly cache: Map<string, string | null>;
  readonly stats = { requests: 0, cacheHits: 0 };
  private readonly limiter: ConcurrencyLimiter;

  constructor(
    private readonly backend: ModelBackend,
    readonly model: string,
    private readonly opts: AnswerReaderOptions = {},
  ) {
    this.cache = opts.cache ?? new Map();
    this.limiter = new ConcurrencyLimiter(opts.concurrency ?? 2);
  }

  /** The answer the excerpt states according to the model, or null (NONE). */
  async read(problem: string, excerpt: string): Promise<string | null> {
    const key = readerCacheKey(this.model, problem, excerpt);
    if (this.cache.has(key)) {
      this.stats.cacheHits++;
      return this.cache.get(key) as string | null;
    }
    const reply = await this.limiter.run(() => this.ask(answerReaderPrompt(problem, excerpt)));
    const answer = parseReaderReply(reply);
    this.cache.set(key, answer);
    return answer;
  }

  private async ask(prompt: string): Promise<string> {
    this.stats.requests++;
    // Greedy and without thinking: the question is a lookup, not a problem to solve.
    const handle = this.backend.chat({
      model: this.model,
      messages: [{ role: 'user', content: prompt }],
      think: false,
      options: { temperature: 0, num_predict: READER_NUM_PREDICT },
    });
    const onAbort = () => handle.abort();
    this.opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      let content = '';
      for await (const d of handle.deltas) content += d.content;
      await handle.stats;
      return content;
    } finally {
      this.opts.signal?.removeEventListener('abort', onAbort);
    }
  }
}

/**
 * The trace with answers read by the model: by default only for episodes the rules left
 * without an answer (`scope: 'missing'`); `'all'` asks for every episode and replaces the rule
 * answers (for measuring the model alone). Verdicts, self-checks and metrics are recomputed.
 */
export async function readAnswersWithModel(trace: Trace, reader: ModelAnswerReader, scope: 'missing' | 'all' = 'missing'): Promise<Trace> {
  const answers = await Promise.all(
    trace.episodes.map(async (ep): Promise<EpisodeAnswer | null | undefined> => {
      if (scope === 'missing' && ep.answer !== undefined) return undefined;
      const answer = await reader.read(trace.problem, ep.text);
      if (answer !== null) return { answer, source: 'model' };
      return scope === 'all' ? null : undefined;
    }),
  );
  return withEpisodeAnswers(trace, answers);
}
