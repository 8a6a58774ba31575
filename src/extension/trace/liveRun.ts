/**
 * One solve in progress, independent of any panel: it keeps running when its panel closes,
 * and its trace (finished, stopped or failed) is saved through the TraceStore.
 */
import type { BudgetPolicy, Trace } from '../../core/trace';
import type { RunEvent, RunHandle, RunStatus, SolveOptions } from '../../runs/contract';
import type { ProbeRequest } from '../../shared/protocol';

export type RunListener = (event: RunEvent) => void;

export class LiveRun {
  status: RunStatus = 'starting';
  tokens = 0;
  private finalTrace: Trace | undefined;
  private readonly listeners = new Set<RunListener>();
  /** Where the trace was saved, once it was. */
  savedTo: string | undefined;
  readonly startedAt = Date.now();
  /** Resolves after the trace is final and saved (or saving failed and was reported). */
  readonly settled: Promise<Trace>;

  constructor(
    readonly handle: RunHandle,
    readonly options: SolveOptions,
    readonly probe: ProbeRequest | false,
    save: (trace: Trace) => Promise<string>,
  ) {
    handle.on((event) => {
      if (event.type === 'status') this.status = event.status;
      else if (event.type === 'tokens') this.tokens = event.thinkingTokens + event.responseTokens;
      for (const l of this.listeners) l(event);
    });
    this.settled = handle.finished.then(async (trace) => {
      this.finalTrace = trace;
      if (this.status !== 'error' && this.status !== 'cancelled') this.status = trace.budget?.stop === 'cancelled' ? 'cancelled' : trace.error ? 'error' : 'done';
      this.savedTo = await save(trace);
      return trace;
    });
  }

  get id(): string {
    return this.handle.id;
  }

  get live(): boolean {
    return this.finalTrace === undefined;
  }

  get budget(): BudgetPolicy {
    return this.options.budget ?? {};
  }

  /** The trace now: the final one once finished, else the run's snapshot. */
  trace(): Trace {
    return this.finalTrace ?? this.handle.snapshot();
  }

  subscribe(listener: RunListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  cancel(): void {
    if (this.live) this.handle.cancel();
  }
}
