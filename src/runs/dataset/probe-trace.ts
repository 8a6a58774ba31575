/**
 * Progress probes for a trace that already exists (imported or generated without probes):
 * probe the empty prefix, every middle prefix and the whole thinking under the settings' recipe
 * (default `mrt`), estimate mu per prefix with the run's ForcedAnswerProber/ProgressBook
 * (src/runs/probes.ts), write `progress` into each episode and `probes` into the trace, and
 * recompute the metrics. Written here because probes.ts has no whole-trace entry.
 */
import { answerKey } from '../../core/answers';
import { finalizeTrace } from '../../core/annotate';
import { probeAnswerKey, probeJudge } from '../../core/probe-judge';
import { TRACE_FORMAT_VERSION, type Trace } from '../../core/trace';
import { ModelError, type ModelBackend, type ModelFamily, type RawGenerateRequest } from '../../model/types';
import type { ProbeSettings } from '../contract';
import { ConcurrencyLimiter, ForcedAnswerProber, ProgressBook, buildProbeTurn } from '../probes';

export interface ProbeTraceOptions {
  model: string;
  family: ModelFamily;
  /** The user message the trace answered (problem + instruction). */
  prompt: string;
  settings: ProbeSettings;
  signal?: AbortSignal;
  seedBase?: number;
}


/**
 * The prober reports a failed request only as text; this wrapper keeps the ModelError itself so
 * the job can tell a dead host (retry elsewhere) from a bad record.
 */
function rememberingErrors(backend: ModelBackend): { backend: ModelBackend; last: () => unknown } {
  let last: unknown;
  const wrapped = Object.create(backend) as ModelBackend;
  wrapped.generateRaw = async (req: RawGenerateRequest, signal?: AbortSignal) => {
    try {
      return await backend.generateRaw(req, signal);
    } catch (err) {
      last = err;
      throw err;
    }
  };
  return { backend: wrapped, last: () => last };
}

/**
 * Returns the trace with `progress` on every episode and `probes` (recipe, sampling, prefix 0,
 * probe tokens) filled, its metrics recomputed (MRT regret at `settings.regretBudgets`, cumulative
 * regret at `settings.regretK`); throws (ModelError when known) if a probe fails. Prefixes 0 .. L
 * as pass_at_k_given_prefix.py: no thinking, each middle prefix, the whole thinking.
 */
export async function probeTraceProgress(backend: ModelBackend, trace: Trace, opts: ProbeTraceOptions): Promise<Trace> {
  if (trace.episodes.length === 0) return trace;
  const watched = rememberingErrors(backend);
  const signal = opts.signal ?? new AbortController().signal;
  const prober = new ForcedAnswerProber(watched.backend, {
    model: opts.model,
    family: opts.family,
    prompt: opts.prompt,
    settings: opts.settings,
    limiter: new ConcurrencyLimiter(opts.settings.concurrency),
    signal,
    seedBase: opts.seedBase ?? 0,
    keyOf: probeAnswerKey(opts.settings.recipe),
  });
  const gold = trace.gold ?? null;
  const book = new ProgressBook(gold, probeJudge(opts.settings.recipe));
  if (!gold) book.settleReference(trace.final.answer);

  const subject = { thinking: trace.thinking, episodes: trace.episodes };
  let tokens = 0;
  const prefixes = [{ index: -1, turn: buildProbeTurn(opts.settings, opts.family, subject, 0), tokens: 0 }];
  trace.episodes.forEach((e, j) => {
    tokens += e.tokens;
    prefixes.push({ index: e.index, turn: buildProbeTurn(opts.settings, opts.family, subject, j + 1), tokens });
  });
  // Prefixes run concurrently; the limiter bounds requests in flight.
  const estimates = await Promise.all(prefixes.map((p) => prober.estimate(p.index, p.turn, p.tokens, (a) => book.judge(a))));
  for (const est of estimates) {
    if (est.stopReason === 'error') {
      const cause = watched.last();
      if (cause instanceof ModelError) throw cause;
      throw new ModelError('unknown', `progress probe failed after episode ${est.index}: ${est.error ?? 'unknown error'}`, { model: opts.model });
    }
    book.add(est);
  }
  const promptTokens = book.promptTokens();
  const episodes = trace.episodes.map((e) => {
    const progress = book.progressOf(e.index, promptTokens);
    return progress ? { ...e, progress } : e;
  });
  return finalizeTrace(
    { ...trace, version: TRACE_FORMAT_VERSION, episodes, probes: book.record(opts.settings, opts.model) },
    { ...(opts.settings.regretBudgets ? { regretBudgets: opts.settings.regretBudgets } : {}), ...(opts.settings.regretK ? { regretK: opts.settings.regretK } : {}) },
  );
}
