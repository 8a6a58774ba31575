/**
 * Progress probes for a trace that already exists (imported or generated without probes):
 * force an answer after the empty prefix and after every episode, estimate mu per prefix with
 * the run's ForcedAnswerProber/ProgressBook (src/runs/probes.ts), write `progress` into each
 * episode and recompute the metrics. Written here because probes.ts has no whole-trace entry.
 */
import { answerKey } from '../../core/answers';
import { finalizeTrace } from '../../core/annotate';
import { equivalent } from '../../core/verdicts';
import type { Trace } from '../../core/trace';
import { ModelError, type ModelBackend, type ModelFamily, type RawGenerateRequest } from '../../model/types';
import type { ProbeSettings } from '../contract';
import { ConcurrencyLimiter, ForcedAnswerProber, ProgressBook } from '../probes';

export interface ProbeTraceOptions {
  model: string;
  family: ModelFamily;
  /** The user message the trace answered (problem + instruction). */
  prompt: string;
  settings: ProbeSettings;
  signal?: AbortSignal;
  seedBase?: number;
}

const same = (reference: string, answer: string) => equivalent(reference, answer).equivalent;

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

/** Returns the trace with `progress` on every episode; throws (ModelError when known) if a probe fails. */
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
    keyOf: answerKey,
  });
  const gold = trace.gold ?? null;
  const book = new ProgressBook(gold, same);
  if (!gold) book.settleReference(trace.final.answer);

  let tokens = 0;
  const prefixes = [{ index: -1, text: '', tokens: 0 }];
  for (const e of trace.episodes) {
    tokens += e.tokens;
    prefixes.push({ index: e.index, text: trace.thinking.slice(0, e.end), tokens });
  }
  // Prefixes run concurrently; the limiter bounds requests in flight.
  const estimates = await Promise.all(prefixes.map((p) => prober.estimate(p.index, p.text, p.tokens, (a) => book.judge(a))));
  for (const est of estimates) {
    if (est.stopReason === 'error') {
      const cause = watched.last();
      if (cause instanceof ModelError) throw cause;
      throw new ModelError('unknown', `progress probe failed after episode ${est.index}: ${est.error ?? 'unknown error'}`, { model: opts.model });
    }
    book.add(est);
  }
  const episodes = trace.episodes.map((e) => {
    const progress = book.progressOf(e.index);
    return progress ? { ...e, progress } : e;
  });
  return finalizeTrace({ ...trace, episodes });
}
