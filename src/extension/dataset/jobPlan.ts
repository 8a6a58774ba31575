/**
 * The parts of "Annotate Dataset…" that need no VS Code: the output name, the hosts
 * setting, the command's optional request argument, and the progress line (count, rate, ETA).
 */
import { basename, dirname, join, resolve } from 'node:path';
import type { BudgetPolicy } from '../../core/trace';
import { normalizeOllamaHost } from '../../model/host';
import { validateBudgetPolicy } from '../settings';

/** `<name>.annotated.trace.jsonl` for an input file or directory named `<name>[.trace].(jsonl|json|csv|parquet|…)`. */
export function annotatedOutputName(inputPath: string): string {
  const stem = basename(inputPath).replace(/(\.trace)?\.(jsonl|ndjson|json|csv|parquet|txt)$/i, '').replace(/\.annotated$/i, '');
  return `${stem || 'dataset'}.annotated.trace.jsonl`;
}

/**
 * The output for `inputPath` in `folder`. Re-annotating a finished output (e.g. to probe its
 * progress) would name the input itself, which the job would truncate while reading from it:
 * that case gets `<name>.reannotated.trace.jsonl`, fixed too, so a rerun resumes it.
 */
export function annotatedOutputIn(folder: string, inputPath: string): string {
  const output = join(folder, annotatedOutputName(inputPath));
  if (resolve(output) !== resolve(inputPath)) return output;
  return join(folder, annotatedOutputName(inputPath).replace(/\.annotated\.trace\.jsonl$/, '.reannotated.trace.jsonl'));
}

/** The output beside the input (for a directory input: beside the directory). */
export function outputBeside(inputPath: string): string {
  return join(dirname(inputPath), annotatedOutputName(inputPath));
}

export interface HostsSetting {
  hosts: string[];
  /** Set when the setting held something unusable (the fallback is used then). */
  problem?: string;
}

/**
 * `reasoningLens.hosts`: an array of server URLs (`openai+http://…` for OpenAI-compatible
 * servers). Empty or unset: the one `reasoningLens.host`. Invalid entries are reported, not used.
 */
export function readHostsSetting(value: unknown, fallbackHost: string): HostsSetting {
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) return { hosts: [fallbackHost] };
  if (!Array.isArray(value)) return { hosts: [fallbackHost], problem: `reasoningLens.hosts: expected an array of server URLs, got ${typeof value} (using ${fallbackHost}).` };
  const hosts: string[] = [];
  const bad: string[] = [];
  value.forEach((entry, i) => {
    if (typeof entry !== 'string' || entry.trim() === '') {
      bad.push(`[${i}] is not a non-empty string`);
      return;
    }
    const openai = /^openai\+/i.test(entry.trim());
    const raw = entry.trim().replace(/^openai\+/i, '');
    try {
      const url = normalizeOllamaHost(raw);
      const full = openai ? `openai+${url}` : url;
      if (!hosts.includes(full)) hosts.push(full);
    } catch (err) {
      bad.push(`[${i}] ${JSON.stringify(entry.slice(0, 80))}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  if (hosts.length === 0) return { hosts: [fallbackHost], problem: `reasoningLens.hosts: no usable server (${bad.join('; ')}); using ${fallbackHost}.` };
  return bad.length ? { hosts, problem: `reasoningLens.hosts: ignored ${bad.join('; ')}.` } : { hosts };
}

/** What the command accepts instead of prompting (tests, keybindings, other extensions). */
export interface DatasetJobRequest {
  input: string;
  models?: string[];
  hosts?: string[];
  budget?: BudgetPolicy;
  samples?: number;
  /** When the output exists: continue it, or start over. Unset: ask. */
  ifExists?: 'resume' | 'overwrite';
  /** Open the dataset view at the end (default true). */
  open?: boolean;
}

export type ParsedRequest = { ok: true; request: DatasetJobRequest } | { ok: false; error: string };

/** Validates the command's argument (anything may be passed to a command). */
export function parseJobRequest(value: unknown): ParsedRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: 'expected an object { input, models?, hosts?, budget?, samples?, ifExists? }' };
  const v = value as Record<string, unknown>;
  if (typeof v.input !== 'string' || v.input === '') return { ok: false, error: 'input: expected a file path' };
  const request: DatasetJobRequest = { input: v.input };
  const strings = (key: 'models' | 'hosts'): string[] | undefined | false => {
    const x = v[key];
    if (x === undefined) return undefined;
    if (!Array.isArray(x) || x.some((s) => typeof s !== 'string' || s.trim() === '')) return false;
    return x.map((s: string) => s.trim());
  };
  const models = strings('models');
  if (models === false) return { ok: false, error: 'models: expected an array of model names' };
  if (models) request.models = models;
  const hosts = strings('hosts');
  if (hosts === false) return { ok: false, error: 'hosts: expected an array of server URLs' };
  if (hosts) request.hosts = hosts;
  if (v.budget !== undefined) {
    const b = validateBudgetPolicy(v.budget, 'budget');
    if (!b.ok) return { ok: false, error: b.error };
    request.budget = b.policy;
  }
  if (v.samples !== undefined) {
    if (typeof v.samples !== 'number' || !Number.isInteger(v.samples) || v.samples < 0 || v.samples > 64) return { ok: false, error: 'samples: expected an integer in 0..64' };
    request.samples = v.samples;
  }
  if (v.ifExists !== undefined) {
    if (v.ifExists !== 'resume' && v.ifExists !== 'overwrite') return { ok: false, error: 'ifExists: expected "resume" or "overwrite"' };
    request.ifExists = v.ifExists;
  }
  if (v.open !== undefined) {
    if (typeof v.open !== 'boolean') return { ok: false, error: 'open: expected a boolean' };
    request.open = v.open;
  }
  return { ok: true, request };
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return `${h} h ${m % 60} min`;
}

/**
 * The progress line: "12 of 40 · 3.2 per min · about 9 min left". Rate and ETA come from this
 * run's records only (resumed records cost nothing); before the first record, the time spent.
 */
export function formatJobProgress(p: { done: number; todo: number; elapsedMs: number; failed?: number }): string {
  const parts = [`${p.done} of ${p.todo}`];
  if (p.done > 0 && p.elapsedMs > 0) {
    const perMs = p.done / p.elapsedMs;
    const perMin = perMs * 60_000;
    parts.push(perMin >= 1 ? `${perMin.toFixed(perMin < 10 ? 1 : 0)} per min` : `${(1 / perMin).toFixed(1)} min each`);
    const left = p.todo - p.done;
    if (left > 0) parts.push(`about ${formatDuration(left / perMs)} left`);
  } else if (p.todo > 0) parts.push(p.elapsedMs >= 1000 ? `first record under way, ${formatDuration(p.elapsedMs)} so far` : 'starting…');
  if (p.failed) parts.push(`${p.failed} with errors`);
  return parts.join(' · ');
}

/** What VS Code's `Progress<{message, increment}>` takes. */
export interface ProgressSink {
  report(step: { message?: string; increment?: number }): void;
}

/**
 * Feeds the job's count, rate and ETA to the notification. Every report carries the current
 * line: the extension host merges reports that come within 100 ms of each other and keeps the
 * *last* one's message even when it has none, so a bare `{increment}` right after a message
 * wiped the line (the notification showed "0 of 5 · starting…" and then no count at all).
 * `tick()` (every second from a timer) keeps the time moving while a slow record runs.
 */
export class JobProgress {
  private todo = 0;
  private done = 0;
  private failed = 0;
  private started: number;

  constructor(
    private readonly sink: ProgressSink,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  start(todo: number): void {
    this.todo = todo;
    this.started = this.now();
    this.sink.report({ message: this.line() });
  }

  record(done: number, ok: boolean): void {
    if (!ok) this.failed++;
    const step = this.todo ? (100 * (done - this.done)) / this.todo : 0;
    this.done = done;
    this.sink.report({ increment: step, message: this.line() });
  }

  tick(): void {
    if (this.done < this.todo) this.sink.report({ message: this.line() });
  }

  line(): string {
    return formatJobProgress({ done: this.done, todo: this.todo, elapsedMs: this.now() - this.started, failed: this.failed });
  }
}
