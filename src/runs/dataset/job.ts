/**
 * A dataset job: every record of a problem set is solved live (startSolve, with the live
 * budget policy and progress probes), every record of a trace file is annotated (and probed
 * when asked), and each finished trace is appended as one JSONL line. Work is spread over
 * several hosts by free capacity; failing hosts back off and drop out; when none is left the
 * job stops cleanly, keeping what finished. Resume skips finished ids; a changed
 * configuration is refused unless forced.
 */
import type { RecordFormat } from '../../formats/types';
import { createHash } from 'node:crypto';
import { existsSync, statSync, truncateSync, unlinkSync } from 'node:fs';
import { FileProblem } from '../../io/io-errors';
import { refuseExistingOutputInInputFolder } from '../../io/inputs';
import { acquireOutputLock, LockHeldError, type OutputLock } from '../../io/lock';
import { prepareOutput as prepareOutputPath } from '../../io/paths';
import { annotateTrace, reannotateTrace } from '../../core/annotate';
import { issueLine } from '../../core/issue-line';
import type { BudgetPolicy, Trace } from '../../core/trace';
import type { ModelBackend, SamplingOptions } from '../../model/types';
import type { ProbeSettings, SolveOptions } from '../contract';
import { resolveProbeSettings } from '../probes';
import { DEFAULT_INSTRUCTION, startSolve } from '../solve';
import { createBackend, defaultHost, timeoutsFromFlag, type BackendKind } from '../../model/backend-factory';
import { DEFAULT_RETRY, HostPool, classifyFailure, errorKind, type HostState, type RetryPolicy } from './hosts';
import { loadInput, normalizeFieldChoice, type FieldChoice, type InputIssue, type InputItem, type InputKind, type LoadedInput } from './input';
import { openOutput, readSidecar, scanOutput, sidecarPath, writeSidecar, type JobSidecar } from './output';
import { probeTraceProgress } from './probe-trace';
import { ModelAnswerReader, readAnswersWithModel, type AnswerExtractor } from '../answer-model';
import { readTraceFile, writeReport, type WrittenReport } from './report';
import { tokenRecounter, type TokenizerChoice } from '../token-recounter';

export interface DatasetJobOptions {
  input: string;
  output: string;
  /** Models to run (problem sets need one; several give a per-model comparison). */
  models?: string[];
  hosts?: string[];
  backend?: BackendKind;
  /** Records in flight per host. */
  concurrency?: number;
  /** Forced-answer samples per prefix for progress; 0 or unset: no probes. */
  samples?: number;
  probe?: Partial<ProbeSettings>;
  /** Budget, including `think`. */
  budget?: BudgetPolicy;
  /** Text forcing the answer after a budget stop (`boxed` default, or `s1`). */
  forcing?: SolveOptions['forcing'];
  sampling?: SamplingOptions;
  segment?: SolveOptions['segment'];
  instruction?: string;
  /**
   * Longest silence between chunks, and (unless requestTimeoutMs) the bound on short requests;
   * the first chunk of a stream (model loading) gets max(10 min, it) (src/model/limits.ts).
   */
  idleTimeoutMs?: number;
  /** Short requests (version, show); the editor's `timeouts.connectMs`. Default: idleTimeoutMs, else 30 s. */
  requestTimeoutMs?: number;
  /** Field names chosen by the user, each list tried in order. */
  mapping?: FieldChoice;
  /** `--input-format`: the input's records are traces of this format (no detection). */
  inputFormat?: RecordFormat;
  /** Traces read from the input: recount their tokens with the model's own tokenizer (src/runs/token-recounter.ts). */
  tokenizer?: TokenizerChoice;
  inputKind?: InputKind;
  resume?: boolean;
  force?: boolean;
  /** Fail before starting when any input record is unusable. */
  strict?: boolean;
  /** Process at most this many (unfinished) records. */
  limit?: number;
  retry?: Partial<RetryPolicy>;
  /** Attempts per record on failing hosts before giving up on it for this run. */
  maxRecordAttempts?: number;
  /** Write the report beside the output at the end (default true). */
  report?: boolean;
  signal?: AbortSignal;
  onEvent?: (e: JobEvent) => void;
  /**
   * Called once the input's kind is known, before anything is written: returns reasons to
   * refuse the options for that kind (the CLI names flags that would have no effect).
   */
  checkKind?: (kind: InputKind) => string[];
  /** Tests and the extension inject backends; default by host and `backend`. */
  createBackend?: (host: string, kind?: BackendKind) => ModelBackend;
  /** 'model': episodes the rules leave without an answer are read by the model (src/runs/answer-model.ts). */
  answerExtractor?: AnswerExtractor;
}

export type JobEvent =
  | { type: 'start'; total: number; todo: number; alreadyDone: number; issues: number; warnings: number; kind: InputKind }
  | { type: 'record'; id: string; host?: string; ok: boolean; error?: string; warnings?: string[]; done: number; todo: number }
  | { type: 'host-failed'; host: string; message: string; removed: boolean }
  | { type: 'record-abandoned'; id: string; message: string }
  | { type: 'repaired'; message: string };

export interface HostReport {
  url: string;
  completed: number;
  failures: number;
  removed: boolean;
  lastError?: string;
}

export interface DatasetJobResult {
  status: 'done' | 'stopped' | 'cancelled';
  kind: InputKind;
  total: number;
  alreadyDone: number;
  written: number;
  /** Written traces that ended with an error of their own (kept, marked in `error`). */
  withErrors: number;
  /** Records left unfinished by failing hosts (resume retries them). */
  abandoned: string[];
  /** Unusable input records (skipped). */
  inputIssues: InputIssue[];
  /** Input records read with a warning (bad UTF-8, a repeated id): processed, not skipped. */
  inputWarnings: InputIssue[];
  message?: string;
  hosts: HostReport[];
  report?: WrittenReport;
  elapsedMs: number;
}

/**
 * The job's input report, one `file:line: field: message` line per input problem: unusable
 * records end in "(skipped)", records read with a warning in "(warning)". The CLI prints these
 * lines and the extension logs them: one form for both.
 */
export function inputReportLines(r: Pick<DatasetJobResult, 'inputIssues' | 'inputWarnings'>): string[] {
  return [...r.inputIssues.map((i) => issueLine(i.where, i.field, i.message, ' (skipped)')), ...r.inputWarnings.map((i) => issueLine(i.where, i.field, i.message, ' (warning)'))];
}

export class JobConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobConfigError';
  }
}

interface WorkItem {
  id: string;
  item: InputItem;
  model: string | undefined;
  attempts: number;
}

/** JSON with sorted keys, so equal configurations hash equally. */
export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** What decides the content of a record: hosts, concurrency and limits do not. */
export function jobConfig(o: DatasetJobOptions, kind: InputKind, mapping?: FieldChoice): Record<string, unknown> {
  return {
    formatVersion: 1,
    kind,
    models: o.models ?? [],
    backend: o.backend ?? 'ollama',
    samples: o.samples ?? 0,
    probe: o.probe,
    budget: o.budget,
    sampling: o.sampling,
    segment: o.segment,
    instruction: o.instruction,
    answerExtractor: o.answerExtractor === 'model' ? 'model' : undefined,
    mapping,
    inputFormat: o.inputFormat,
    tokenizer: o.tokenizer,
  };
}

export function configHash(config: unknown): string {
  return createHash('sha256').update(stableStringify(config)).digest('hex').slice(0, 16);
}

function configDiff(a: unknown, b: unknown): string[] {
  const ra = (a ?? {}) as Record<string, unknown>;
  const rb = (b ?? {}) as Record<string, unknown>;
  return [...new Set([...Object.keys(ra), ...Object.keys(rb)])]
    .filter((k) => stableStringify(ra[k]) !== stableStringify(rb[k]))
    .map((k) => `${k}: ${stableStringify(ra[k])} → ${stableStringify(rb[k])}`);
}

export async function runDatasetJob(o: DatasetJobOptions): Promise<DatasetJobResult> {
  const started = Date.now();
  const emit = (e: JobEvent) => o.onEvent?.(e);
  if (!existsSync(o.input)) throw new JobConfigError(`input ${o.input} does not exist`);
  // Before reading the input or asking a model: the output is not the input in any spelling
  // (never overridden, not by --force), not under /proc, and its folder exists.
  try {
    prepareOutputPath(o.output, { inputs: [o.input] });
    // An existing file in the input folder would be skipped by the walk and then replaced, unless it
    // is this job's own output being resumed (it has a job file) or --force says it may go.
    refuseExistingOutputInInputFolder(o.output, [o.input], Boolean(o.force) || (Boolean(o.resume) && existsSync(sidecarPath(o.output))));
  } catch (err) {
    if (err instanceof FileProblem) throw new JobConfigError(err.message);
    throw err;
  }
  let loaded;
  try {
    loaded = await loadInput(o.input, { kind: o.inputKind, mapping: o.mapping, exclude: [o.output], ...(o.inputFormat ? { format: o.inputFormat } : {}) });
  } catch (err) {
    // An input that cannot be used as asked (no problem column, a directory as problems…).
    throw new JobConfigError((err as Error).message);
  }
  const refused = o.checkKind?.(loaded.kind) ?? [];
  if (refused.length) throw new JobConfigError(refused.join('\n'));
  // Before anything is written: a named tokenizer whose package is missing stops the job.
  recounterOf(o);
  if (o.strict && (loaded.issues.length || loaded.warnings.length)) {
    // --strict: any input problem fails the run, a record read with a warning too.
    const all = [...loaded.issues, ...loaded.warnings];
    const shown = all.slice(0, 20).map((i) => `  ${issueLine(i.where, i.field, i.message)}`);
    const counts = [loaded.issues.length ? `${loaded.issues.length} unusable input record(s)` : '', loaded.warnings.length ? `${loaded.warnings.length} input warning(s)` : ''].filter(Boolean).join(' and ');
    throw new JobConfigError(`${counts} (--strict):\n${shown.join('\n')}${all.length > 20 ? '\n  …' : ''}`);
  }
  const models = o.models?.filter(Boolean) ?? [];
  const samples = o.samples ?? 0;
  if (loaded.kind === 'problems' && models.length === 0) throw new JobConfigError(`${o.input} is a problem set: name a model (--model) to generate traces`);
  if (loaded.kind === 'traces' && samples > 0 && models.length === 0) throw new JobConfigError('progress probes (--samples) on existing traces need a model (--model)');
  if (o.answerExtractor === 'model' && models.length === 0) throw new JobConfigError('--answer-extractor model needs a model (--model) to read the answers');

  // Trace files have no detected mapping, but an explicit one (--output-field…) still decides
  // which text is annotated, so it belongs in the configuration a resume must match.
  const config = jobConfig(o, loaded.kind, loaded.mapping ?? normalizeFieldChoice(o.mapping));
  const hash = configHash(config);
  // One job per output at a time: a second one would write every id again.
  let lock: OutputLock;
  try {
    lock = acquireOutputLock(o.output, `${loaded.kind === 'problems' ? 'solve' : 'annotate'} ${o.input}`);
  } catch (err) {
    if (err instanceof LockHeldError) throw new JobConfigError(err.message);
    throw err;
  }
  try {
    if (lock.tookOver) emit({ type: 'repaired', message: `${lock.path}: took over a stale lock of pid ${lock.tookOver.pid} on ${lock.tookOver.host} (that process is gone)` });
    return await runLocked(o, loaded, config, hash, started, emit);
  } finally {
    lock.release();
  }
}

async function runLocked(
  o: DatasetJobOptions,
  loaded: LoadedInput,
  config: Record<string, unknown>,
  hash: string,
  started: number,
  emit: (e: JobEvent) => void,
): Promise<DatasetJobResult> {
  const models = o.models?.filter(Boolean) ?? [];
  const samples = o.samples ?? 0;
  const probeSettings = samples > 0 ? resolveProbeSettings({ ...o.probe, samples }) : null;
  const finished = await prepareOutput(o, config, hash, emit);

  // Problems run once per model; traces once (probed with the first model when asked).
  const passes = loaded.kind === 'problems' ? models : [models[0]];
  const all: WorkItem[] = [];
  for (const item of loaded.items) {
    for (const model of passes) {
      const id = passes.length > 1 ? `${item.baseId}@${model}` : item.baseId;
      all.push({ id, item, model, attempts: 0 });
    }
  }
  let todo = all.filter((w) => !finished.has(w.id));
  if (o.limit !== undefined) todo = todo.slice(0, Math.max(0, o.limit));
  emit({ type: 'start', total: all.length, todo: todo.length, alreadyDone: all.length - all.filter((w) => !finished.has(w.id)).length, issues: loaded.issues.length, warnings: loaded.warnings.length, kind: loaded.kind });

  const sidecar: JobSidecar = {
    version: 1,
    configHash: hash,
    config,
    input: o.input,
    createdAt: readSidecarSafe(o.output)?.createdAt ?? new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    status: 'running',
  };
  writeSidecar(o.output, sidecar);

  const appender = openOutput(o.output);
  const result: DatasetJobResult = {
    status: 'done',
    kind: loaded.kind,
    total: all.length,
    alreadyDone: all.length - all.filter((w) => !finished.has(w.id)).length,
    written: 0,
    withErrors: 0,
    abandoned: [],
    inputIssues: loaded.issues,
    inputWarnings: loaded.warnings,
    hosts: [],
    elapsedMs: 0,
  };
  const write = async (trace: Trace, host?: string) => {
    await appender.write(trace);
    result.written++;
    if (trace.error) result.withErrors++;
    emit({ type: 'record', id: trace.id, ...(host ? { host } : {}), ok: !trace.error, ...(trace.error ? { error: trace.error } : {}), ...(trace.warnings?.length ? { warnings: trace.warnings } : {}), done: result.written, todo: todo.length });
  };

  try {
    const needsModel = loaded.kind === 'problems' || probeSettings !== null || o.answerExtractor === 'model';
    if (!needsModel) {
      for (const w of todo) {
        if (o.signal?.aborted) {
          result.status = 'cancelled';
          break;
        }
        await write(annotateOffline(w, o));
      }
    } else {
      await runOnHosts(o, todo, probeSettings, result, write, emit);
    }
  } finally {
    await appender.close();
    sidecar.status = result.status === 'done' ? 'done' : 'stopped';
    sidecar.updatedAt = new Date().toISOString();
    sidecar.counts = { total: result.total, finished: result.alreadyDone + result.written, withErrors: result.withErrors, abandoned: result.abandoned.length, inputIssues: loaded.issues.length, inputWarnings: loaded.warnings.length };
    if (result.message) sidecar.message = result.message;
    writeSidecar(o.output, sidecar);
  }
  if (o.report !== false) {
    const { traces } = await readTraceFile(o.output);
    result.report = writeReport(o.output, traces);
  }
  result.elapsedMs = Date.now() - started;
  return result;
}

function readSidecarSafe(out: string): JobSidecar | null {
  try {
    return readSidecar(out);
  } catch {
    return null;
  }
}

/** Checks the existing output against the options; returns the ids already finished. */
async function prepareOutput(o: DatasetJobOptions, config: unknown, hash: string, emit: (e: JobEvent) => void): Promise<Set<string>> {
  const exists = existsSync(o.output) && statSync(o.output).size > 0;
  if (!o.resume) {
    if (exists && !o.force) throw new JobConfigError(`${o.output} already exists: pass --resume to continue it, or --force to start over (overwrites it)`);
    if (exists) truncateSync(o.output, 0);
    if (existsSync(sidecarPath(o.output))) unlinkSync(sidecarPath(o.output));
    return new Set();
  }
  if (!exists) return new Set();
  let previous: JobSidecar | null;
  try {
    previous = readSidecar(o.output);
  } catch (err) {
    if (!o.force) throw new JobConfigError((err as Error).message);
    previous = null;
  }
  if (!previous && !o.force) {
    throw new JobConfigError(`${o.output} has no job file (${sidecarPath(o.output)}), so its configuration cannot be checked; pass --force to resume anyway`);
  }
  if (previous && previous.configHash !== hash && !o.force) {
    const diff = configDiff(previous.config, config);
    throw new JobConfigError(`the configuration changed since ${o.output} was started:\n  ${diff.join('\n  ') || '(unknown fields)'}\nresume with the same options, or pass --force to continue with the new ones`);
  }
  const scan = await scanOutput(o.output);
  if (scan.repaired) emit({ type: 'repaired', message: `${o.output}: cut an incomplete last line (${scan.repaired.bytes} bytes, saved to ${scan.repaired.savedTo}); that record will be redone` });
  for (const b of scan.badLines) emit({ type: 'repaired', message: `${o.output}:${b.line}: unreadable line kept in place and ignored (${b.message}); its record will be redone` });
  return scan.finishedIds;
}

const recounters = new WeakMap<DatasetJobOptions, ((t: Trace) => Trace) | null>();

/** The job's `tokenizer` step, resolved once per job (loading a tokenizer takes seconds). */
function recounterOf(o: DatasetJobOptions): ((t: Trace) => Trace) | null {
  if (!recounters.has(o)) {
    const r = o.tokenizer ? tokenRecounter(o.tokenizer) : null;
    if (r && !r.ok) throw new JobConfigError(r.message);
    recounters.set(o, r ? r.recount : null);
  }
  return recounters.get(o)!;
}

function annotateOffline(w: WorkItem, o: DatasetJobOptions): Trace {
  if (w.item.kind !== 'trace') throw new Error('offline annotation needs a trace record');
  const segment = o.segment;
  const trace = w.item.trace ? reannotateTrace(w.item.trace, { segment }) : annotateTrace(w.item.input, { segment });
  const recount = recounterOf(o);
  return { ...(recount ? recount(trace) : trace), id: w.id };
}

type Writer = (trace: Trace, host?: string) => Promise<void>;

async function runOnHosts(
  o: DatasetJobOptions,
  todo: WorkItem[],
  probeSettings: ProbeSettings | null,
  result: DatasetJobResult,
  write: Writer,
  emit: (e: JobEvent) => void,
): Promise<void> {
  const make = o.createBackend ?? ((url: string, kind?: BackendKind) => createBackend(url, kind, process.env, { ...timeoutsFromFlag(o.idleTimeoutMs), ...(o.requestTimeoutMs ? { timeoutMs: o.requestTimeoutMs } : {}) }));
  const readerCache = new Map<string, string | null>();
  const hosts = o.hosts?.length ? o.hosts : [defaultHost()];
  const pool = new HostPool(
    hosts.map((url) => ({ url, capacity: o.concurrency ?? 1, backend: make(url, o.backend) })),
    { ...DEFAULT_RETRY, ...o.retry },
  );
  const maxAttempts = o.maxRecordAttempts ?? 3;
  const queue = [...todo];
  const inflight = new Map<Promise<void>, { cancel: () => void }>();
  const cancelAll = () => {
    for (const r of inflight.values()) r.cancel();
  };
  o.signal?.addEventListener('abort', cancelAll, { once: true });

  const start = (w: WorkItem, host: HostState<ModelBackend>) => {
    const control = { cancel: () => {} };
    const p = (async () => {
      w.attempts++;
      let outcome = await processOnHost(w, host, o, probeSettings, control);
      if (outcome.ok && o.answerExtractor === 'model' && !o.signal?.aborted) outcome = await withModelAnswers(outcome.trace, new ModelAnswerReader(host.backend, w.model as string, { cache: readerCache, signal: o.signal }));
      if (o.signal?.aborted) {
        pool.releaseNeutral(host);
        return; // unfinished: resume redoes it
      }
      if (outcome.ok) {
        pool.succeed(host);
        await write(outcome.trace, host.url);
        return;
      }
      const scope = classifyFailure(outcome.kind, outcome.message);
      if (scope === 'record') {
        pool.releaseNeutral(host);
        if (outcome.trace) await write(outcome.trace, host.url);
        return;
      }
      const removed = pool.fail(host, scope, outcome.message);
      emit({ type: 'host-failed', host: host.url, message: `${outcome.message} (${pool.retryNote(host)}; record ${w.id}: attempt ${w.attempts} of ${maxAttempts})`, removed });
      if (w.attempts >= maxAttempts) {
        result.abandoned.push(w.id);
        emit({ type: 'record-abandoned', id: w.id, message: `gave up after ${w.attempts} attempts on failing hosts: ${outcome.message}` });
      } else {
        queue.unshift(w); // its work moves to the other hosts
      }
    })();
    inflight.set(p, control);
    void p.finally(() => inflight.delete(p));
  };

  try {
    for (;;) {
      if (o.signal?.aborted) {
        result.status = 'cancelled';
        break;
      }
      let waitMs = Infinity;
      while (queue.length) {
        const a = pool.acquire();
        if ('host' in a) start(queue.shift() as WorkItem, a.host);
        else if ('none' in a) {
          result.status = 'stopped';
          result.message = `${a.none}\nStopped with ${queue.length} record(s) left; finished records are kept. Fix the hosts and run again with --resume.`;
          break;
        } else {
          waitMs = a.wait;
          break;
        }
      }
      if (result.status === 'stopped') break;
      if (queue.length === 0 && inflight.size === 0) break;
      const waits: Promise<unknown>[] = [...inflight.keys()];
      if (Number.isFinite(waitMs)) waits.push(new Promise((r) => setTimeout(r, Math.max(1, waitMs))));
      if (waits.length === 0) {
        // Nothing running and no host can take work: every remaining host is removed.
        continue;
      }
      await Promise.race(waits);
    }
    // Records still running on dead hosts (or cancelled) finish or fail on their own; wait for them.
    if (result.status === 'cancelled') cancelAll();
    while (inflight.size) await Promise.race(inflight.keys());
  } finally {
    o.signal?.removeEventListener('abort', cancelAll);
    result.hosts = pool.hosts.map((h) => ({ url: h.url, completed: h.completed, failures: h.failures, removed: h.removed, ...(h.lastError ? { lastError: h.lastError } : {}) }));
  }
  if (result.status === 'done' && queue.length) result.status = 'stopped';
}

type Outcome = { ok: true; trace: Trace } | { ok: false; kind: string; message: string; trace?: Trace };

/** Answers the rules missed, read by the model; a failure keeps the rule-annotated trace, with the reason. */
async function withModelAnswers(trace: Trace, reader: ModelAnswerReader): Promise<Outcome> {
  try {
    return { ok: true, trace: await readAnswersWithModel(trace, reader) };
  } catch (err) {
    return { ok: false, kind: errorKind(err), message: (err as Error).message, trace: { ...trace, error: `answer reading failed: ${(err as Error).message}` } };
  }
}

async function processOnHost(
  w: WorkItem,
  host: HostState<ModelBackend>,
  o: DatasetJobOptions,
  probeSettings: ProbeSettings | null,
  control: { cancel: () => void },
): Promise<Outcome> {
  const item = w.item;
  const model = w.model as string;
  if (item.kind === 'problem') {
    const handle = startSolve(host.backend, {
      problem: item.problem,
      model,
      gold: item.gold,
      id: w.id,
      ...(o.instruction !== undefined ? { instruction: o.instruction } : {}),
      ...(o.budget ? { budget: o.budget } : {}),
      ...(o.forcing ? { forcing: o.forcing } : {}),
      progress: probeSettings ?? false,
      ...(o.segment ? { segment: o.segment } : {}),
      ...(o.sampling ? { sampling: o.sampling } : {}),
      ...(o.idleTimeoutMs ? { idleTimeoutMs: o.idleTimeoutMs } : {}),
    });
    control.cancel = () => handle.cancel();
    let failure: { kind: string; message: string } | null = null;
    handle.on((e) => {
      if (e.type === 'error') failure = { kind: e.kind, message: e.message };
    });
    const solved = await handle.finished;
    const trace: Trace = {
      ...solved,
      id: w.id,
      source: {
        ...solved.source,
        host: host.url,
        path: o.input,
        extra: { ...solved.source.extra, ...item.extra, input: item.where },
      },
    };
    const f = failure as { kind: string; message: string } | null;
    if (f) return { ok: false, kind: f.kind, message: f.message, trace };
    return { ok: true, trace };
  }
  const base = annotateOffline(w, o);
  if (!probeSettings || base.episodes.every((e) => e.progress)) return { ok: true, trace: base };
  const controller = new AbortController();
  control.cancel = () => controller.abort();
  try {
    const family = (await host.backend.show(model)).family;
    const instruction = o.instruction ?? DEFAULT_INSTRUCTION;
    const probed = await probeTraceProgress(host.backend, base, {
      model,
      family,
      prompt: instruction.trim() ? `${base.problem}\n\n${instruction}` : base.problem,
      settings: probeSettings,
      signal: controller.signal,
    });
    return { ok: true, trace: { ...probed, source: { ...probed.source, extra: { ...probed.source.extra, probeModel: model, probeHost: host.url } } } };
  } catch (err) {
    const kind = errorKind(err);
    // A record-level probe failure keeps the annotated trace, with the reason.
    return { ok: false, kind, message: (err as Error).message, trace: { ...base, error: `progress probes failed: ${(err as Error).message}` } };
  }
}
