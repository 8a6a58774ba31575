/**
 * A pool of model hosts for a dataset job. Work goes to the host with the most free slots;
 * a host that fails is retried after an exponential backoff and, after repeated failures (or
 * at once for failures that retrying cannot fix), leaves the rotation. When no host is left
 * the job must stop: `acquire` then answers 'none'.
 */
import { ModelError, type ModelErrorKind } from '../../model/types';

export interface HostSpec {
  url: string;
  /** Requests this host may serve at once. */
  capacity: number;
}

export interface HostState<B> {
  readonly url: string;
  readonly backend: B;
  readonly capacity: number;
  inFlight: number;
  completed: number;
  failures: number;
  consecutiveFailures: number;
  /** Epoch ms before which the host gets no new work (backoff). */
  coolingUntil: number;
  removed: boolean;
  lastError?: string;
}

export interface RetryPolicy {
  /** Consecutive failures after which a host leaves the rotation. */
  maxConsecutiveFailures: number;
  backoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxConsecutiveFailures: 3, backoffMs: 1000, maxBackoffMs: 30_000 };

/** Failures that say something about the host rather than about the record. */
const TRANSIENT_HOST_ERRORS: ReadonlySet<ModelErrorKind> = new Set(['unreachable', 'timeout', 'stream-incomplete', 'stream-error']);
/** Host failures that no retry can fix: take the host out at once. */
const FATAL_HOST_ERRORS: ReadonlySet<ModelErrorKind> = new Set(['model-missing', 'not-ollama', 'server-too-old']);

export type FailureScope = 'host-transient' | 'host-fatal' | 'record';

/**
 * Whose fault a failure is. Server errors (HTTP 5xx) arrive from the Ollama backend as kind
 * 'unknown' with the status in the message; they count against the host, not the record.
 */
export function classifyFailure(kind: string, message = ''): FailureScope {
  if (TRANSIENT_HOST_ERRORS.has(kind as ModelErrorKind)) return 'host-transient';
  if (kind === 'unknown' && /\bHTTP 5\d\d\b/.test(message)) return 'host-transient';
  if (FATAL_HOST_ERRORS.has(kind as ModelErrorKind)) return 'host-fatal';
  return 'record';
}

export function errorKind(err: unknown): string {
  if (err instanceof ModelError) return err.kind;
  const code = (err as { code?: string; cause?: { code?: string } } | null)?.cause?.code ?? (err as { code?: string } | null)?.code;
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND') return 'unreachable';
  return 'unknown';
}

export type Acquired<B> = { host: HostState<B> } | { wait: number } | { none: string };

export class HostPool<B> {
  readonly hosts: HostState<B>[];
  private turn = 0;

  constructor(
    specs: { url: string; capacity: number; backend: B }[],
    readonly retry: RetryPolicy = DEFAULT_RETRY,
    private readonly now: () => number = Date.now,
  ) {
    if (specs.length === 0) throw new Error('no hosts given');
    this.hosts = specs.map((s) => ({
      url: s.url,
      backend: s.backend,
      capacity: Math.max(1, Math.floor(s.capacity)),
      inFlight: 0,
      completed: 0,
      failures: 0,
      consecutiveFailures: 0,
      coolingUntil: 0,
      removed: false,
    }));
  }

  get alive(): HostState<B>[] {
    return this.hosts.filter((h) => !h.removed);
  }

  /** Total free slots on hosts that can take work now. */
  freeSlots(): number {
    const t = this.now();
    return this.alive.filter((h) => h.coolingUntil <= t).reduce((n, h) => n + Math.max(0, h.capacity - h.inFlight), 0);
  }

  /**
   * Pick the host with the most free slots (ties rotate), mark a slot taken. Otherwise say
   * how long until a cooling host returns, or that every host is gone.
   */
  acquire(): Acquired<B> {
    const alive = this.alive;
    if (alive.length === 0) return { none: this.downMessage() };
    const t = this.now();
    let best: HostState<B> | undefined;
    let bestFree = 0;
    for (let k = 0; k < this.hosts.length; k++) {
      const h = this.hosts[(this.turn + k) % this.hosts.length];
      if (h.removed || h.coolingUntil > t) continue;
      const free = h.capacity - h.inFlight;
      if (free > bestFree) {
        best = h;
        bestFree = free;
      }
    }
    if (best) {
      best.inFlight++;
      this.turn = (this.hosts.indexOf(best) + 1) % this.hosts.length;
      return { host: best };
    }
    const cooling = alive.filter((h) => h.coolingUntil > t && h.inFlight < h.capacity);
    const wait = cooling.length ? Math.min(...cooling.map((h) => h.coolingUntil)) - t : Infinity;
    return { wait };
  }

  succeed(host: HostState<B>): void {
    host.inFlight--;
    host.completed++;
    host.consecutiveFailures = 0;
  }

  /** A record ended without a host problem (its own error): the host stays healthy. */
  releaseNeutral(host: HostState<B>): void {
    host.inFlight--;
  }

  /** Record a host failure; returns true when the host left the rotation. */
  fail(host: HostState<B>, scope: 'host-transient' | 'host-fatal', message: string): boolean {
    host.inFlight--;
    host.failures++;
    host.consecutiveFailures++;
    host.lastError = message;
    if (host.removed) return false;
    if (scope === 'host-fatal' || host.consecutiveFailures >= this.retry.maxConsecutiveFailures) {
      host.removed = true;
      return true;
    }
    const backoff = Math.min(this.retry.maxBackoffMs, this.retry.backoffMs * 2 ** (host.consecutiveFailures - 1));
    host.coolingUntil = this.now() + backoff;
    return false;
  }

  /** The retry policy as it applies to `host` after its last failure, for messages. */
  retryNote(host: HostState<B>): string {
    const max = this.retry.maxConsecutiveFailures;
    if (host.removed) return `failure ${host.consecutiveFailures} of ${max} in a row: out of the rotation`;
    const seconds = Math.max(0, host.coolingUntil - this.now()) / 1000;
    return `failure ${host.consecutiveFailures} of ${max} in a row before it leaves the rotation; next try in ${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  }

  downMessage(): string {
    const lines = this.hosts.map((h) => `  ${h.url}: ${h.lastError ?? 'out of rotation'}`);
    return `all hosts are down:\n${lines.join('\n')}`;
  }
}
