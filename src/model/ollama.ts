/**
 * ModelBackend over the official `ollama` client (the only module importing it, with stream.ts).
 * Facts it relies on: notes/platform.md Part A (wire protocol, ollama-js behaviour).
 */
import { Ollama, type ChatResponse, type GenerateResponse, type ShowResponse } from 'ollama';
import { InlineThinkSplitter } from '../core/thinking';
import {
  cancelledError,
  notOllamaError,
  serverTooOldError,
  thinkUnsupportedError,
  toModelError,
  type ErrorContext,
} from './errors';
import { detectFamily, isReasoningFamily, thinkLevelsFor } from './family';
import { HarmonyStreamSplitter } from './harmony-stream';
import { resolveOllamaHost } from './host';
import { limitsFor } from './limits';
import {
  THINK_FALSE_ANY_MODEL_MIN_VERSION,
  THINK_LEVELS_MIN_VERSION,
  THINK_MIN_VERSION,
  versionAtLeast,
} from './server-version';
import { deadlineSignal } from './deadline';
import { abortableFetch, nsToMs, runStream, type StreamTimeouts, type TextSplitter } from './stream';
import { promptEndsInsideThinking } from './templates';
import {
  ModelError,
  type ChatRequest,
  type ModelBackend,
  type ModelInfo,
  type ModelSummary,
  type PullProgress,
  type RawGenerateRequest,
  type RawGenerateResult,
  type SamplingOptions,
  type StreamHandle,
  type StreamStats,
  type ThinkSetting,
} from './types';

export interface OllamaBackendOptions {
  /** Server address; default: OLLAMA_HOST, else http://127.0.0.1:11434 (CLI-style forms accepted). */
  host?: string;
  /** Timeout for short requests (version, list, show). Default 30 s. */
  timeoutMs?: number;
  /** Longest wait for a streamed answer to start: model load + prompt evaluation. Default 10 min. */
  connectTimeoutMs?: number;
  /** Longest silence between two streamed chunks. Default 2 min. */
  idleTimeoutMs?: number;
  headers?: Record<string, string>;
  /** Environment to read OLLAMA_HOST from (tests). Default process.env. */
  env?: NodeJS.ProcessEnv;
}

type ThinkField = ThinkSetting | undefined;

export class OllamaBackend implements ModelBackend {
  readonly host: string;
  private readonly headers?: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly timeouts: StreamTimeouts;
  private versionCache: Promise<string> | null = null;
  private readonly showCache = new Map<string, Promise<ModelInfo>>();

  constructor(opts: OllamaBackendOptions = {}) {
    this.host = resolveOllamaHost(opts.host, opts.env ?? process.env);
    this.headers = opts.headers;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.timeouts = {
      connectTimeoutMs: opts.connectTimeoutMs ?? 600_000,
      idleTimeoutMs: opts.idleTimeoutMs ?? 120_000,
    };
  }

  /** Server version; cached after the first success. Fails with 'not-ollama' for other servers. */
  version(): Promise<string> {
    if (!this.versionCache) {
      this.versionCache = this.request('version', undefined, async (c) => {
        const body: unknown = await c.version();
        const version = (body as { version?: unknown } | null)?.version;
        if (typeof version !== 'string' || version === '') {
          throw notOllamaError(this.host, '/api/version did not return a version');
        }
        return version;
      });
      this.versionCache.catch(() => (this.versionCache = null));
    }
    return this.versionCache;
  }

  async list(): Promise<ModelSummary[]> {
    return this.request('list', undefined, async (c) => {
      const body = await c.list();
      if (!Array.isArray(body?.models)) throw notOllamaError(this.host, '/api/tags did not return a model list');
      return body.models.map((m) => {
        const raw = m as typeof m & { capabilities?: string[] };
        return {
          name: m.name,
          size: m.size,
          modifiedAt: String(m.modified_at),
          family: m.details?.family || undefined,
          parameterSize: m.details?.parameter_size || undefined,
          capabilities: Array.isArray(raw.capabilities) ? raw.capabilities : undefined,
        };
      });
    });
  }

  /**
   * Model details, family and thinking support; cached per model for this backend. The request
   * is bounded by the request timeout; `signal` (a run's cancel, Ctrl-C) ends the wait at once.
   */
  show(model: string, signal?: AbortSignal): Promise<ModelInfo> {
    let cached = this.showCache.get(model);
    if (!cached) {
      cached = this.request('show', model, async (c) => toModelInfo(model, await c.show({ model })));
      this.showCache.set(model, cached);
      cached.catch(() => this.showCache.delete(model));
    }
    return untilAborted(cached, signal, { host: this.host, model, operation: 'show' });
  }

  chat(req: ChatRequest): StreamHandle {
    let think: ThinkField;
    return runStream<ChatResponse>({
      ctx: { host: this.host, model: req.model, operation: 'chat' },
      host: this.host,
      headers: this.headers,
      timeouts: this.timeouts,
      prepare: async (signal) => {
        think = await this.resolveThink(req.model, req.think, signal);
      },
      open: (client) =>
        client.chat({
          model: req.model,
          messages: req.messages.map((m) => ({
            role: m.role,
            content: m.content,
            ...(m.thinking !== undefined ? { thinking: m.thinking } : {}),
          })),
          stream: true,
          ...(think !== undefined ? { think } : {}),
          ...(req.options ? { options: samplingOptions(req.options) } : {}),
          ...(req.keepAlive !== undefined ? { keep_alive: req.keepAlive } : {}),
        }),
      read: (chunk) => ({ thinking: chunk.message?.thinking ?? '', text: chunk.message?.content ?? '' }),
      isDone: (chunk) => chunk.done === true,
      stats: (chunk) => doneStats(chunk),
      splitter: () => new InlineThinkSplitter(),
    });
  }

  generateRawStream(req: RawGenerateRequest): StreamHandle {
    return this.rawStream(req, 'generate', true);
  }

  /** Streams internally, so it stays abortable and the idle timeout applies. */
  async generateRaw(req: RawGenerateRequest, signal?: AbortSignal): Promise<RawGenerateResult> {
    const handle = this.rawStream(req, 'forced-answer generate', false);
    const onAbort = (): void => handle.abort();
    if (signal?.aborted) handle.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      let text = '';
      for await (const d of handle.deltas) text += d.thinking + d.content;
      const stats = await handle.stats;
      const warnings = [...(handle.warnings ?? [])];
      return {
        text,
        doneReason: stats.doneReason,
        evalCount: stats.evalCount ?? 0,
        ...(stats.promptEvalCount !== undefined ? { promptEvalCount: stats.promptEvalCount } : {}),
        ...(stats.cappedBy ? { cappedBy: stats.cappedBy } : {}),
        ...(warnings.length ? { warnings } : {}),
      };
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async pull(model: string, onProgress: (p: PullProgress) => void, signal?: AbortSignal): Promise<void> {
    const ctx: ErrorContext = { host: this.host, model, operation: 'pull' };
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    if (signal?.aborted) controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const client = new Ollama({ host: this.host, headers: this.headers, fetch: abortableFetch(controller.signal) });
      const progress = await client.pull({ model, stream: true });
      ctx.streaming = true;
      for await (const p of progress) {
        onProgress({
          status: p.status,
          ...(p.digest ? { digest: p.digest } : {}),
          ...(typeof p.total === 'number' ? { total: p.total } : {}),
          ...(typeof p.completed === 'number' ? { completed: p.completed } : {}),
        });
      }
      this.showCache.delete(model);
    } catch (err) {
      throw toModelError(err, ctx);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private rawStream(req: RawGenerateRequest, operation: string, split: boolean): StreamHandle {
    let think: false | undefined;
    let splitter: () => TextSplitter = () => passThrough();
    return runStream<GenerateResponse>({
      ctx: { host: this.host, model: req.model, operation },
      host: this.host,
      headers: this.headers,
      timeouts: this.timeouts,
      limits: limitsFor(req.options, req.limits, this.timeouts.idleTimeoutMs),
      prepare: async (signal) => {
        const [info, version] = await Promise.all([this.show(req.model, signal), untilAborted(this.version(), signal, { host: this.host, operation: 'version' })]);
        // think:false keeps the server's thinking parser out of raw output, but before 0.12.5 it
        // is an error for models without the thinking capability (platform.md A1/A5).
        think =
          info.supportsThinking || versionAtLeast(version, THINK_FALSE_ANY_MODEL_MIN_VERSION) ? false : undefined;
        if (split) {
          const startInThinking = promptEndsInsideThinking(req.prompt);
          splitter =
            info.family === 'gpt-oss'
              ? () => new HarmonyStreamSplitter({ startInThinking })
              : () => new InlineThinkSplitter({ startInThinking });
        }
      },
      open: (client) =>
        client.generate({
          model: req.model,
          prompt: req.prompt,
          raw: true,
          stream: true,
          ...(think !== undefined ? { think } : {}),
          ...(req.options ? { options: samplingOptions(req.options) } : {}),
        }),
      read: (chunk) => ({ thinking: chunk.thinking ?? '', text: chunk.response ?? '' }),
      isDone: (chunk) => chunk.done === true,
      stats: (chunk) => doneStats(chunk),
      splitter: () => splitter(),
    });
  }

  /**
   * The `think` value to send: checked against the model's capabilities and the server version.
   * gpt-oss ignores booleans (thinking.mdx), so they become its default level "medium"; levels
   * on models without levels become `true` (the server treats any level as true there).
   */
  private async resolveThink(model: string, think: ThinkSetting | undefined, signal?: AbortSignal): Promise<ThinkField> {
    if (think === undefined) return undefined;
    const [info, version] = await Promise.all([this.show(model, signal), untilAborted(this.version(), signal, { host: this.host, operation: 'version' })]);
    if (info.family === 'gpt-oss') {
      if (!versionAtLeast(version, THINK_LEVELS_MIN_VERSION)) {
        throw serverTooOldError(this.host, version, THINK_LEVELS_MIN_VERSION, 'gpt-oss thinking levels');
      }
      return typeof think === 'string' ? think : 'medium';
    }
    if (think === false) {
      if (!versionAtLeast(version, THINK_MIN_VERSION)) return undefined; // server knows no `think`
      if (!info.supportsThinking && !versionAtLeast(version, THINK_FALSE_ANY_MODEL_MIN_VERSION)) return undefined;
      return false;
    }
    if (!info.supportsThinking) {
      // Reasoning models packaged without the capability (older QwQ/R1 builds) think inline in
      // <think> tags anyway; sending `think` would only earn a 400, so leave it out.
      if (isReasoningFamily(info.family)) return undefined;
      throw thinkUnsupportedError(this.host, model);
    }
    if (!versionAtLeast(version, THINK_MIN_VERSION)) {
      throw serverTooOldError(this.host, version, THINK_MIN_VERSION, 'thinking (the `think` option)');
    }
    if (typeof think === 'string') {
      if (info.thinkLevels.includes(think) && versionAtLeast(version, THINK_LEVELS_MIN_VERSION)) return think;
      return true;
    }
    return true;
  }

  /** A short request (version/list/show) with the request timeout, errors mapped. */
  private async request<T>(operation: string, model: string | undefined, run: (c: Ollama) => Promise<T>): Promise<T> {
    const timeoutMs = this.timeoutMs;
    const client = new Ollama({
      host: this.host,
      headers: this.headers,
      fetch: abortableFetch(deadlineSignal(timeoutMs)),
    });
    try {
      return await run(client);
    } catch (err) {
      throw toModelError(err, { host: this.host, model, operation, timeoutMs });
    }
  }
}

/** `promise`, or a 'cancelled' error as soon as `signal` aborts (the work behind it goes on, bounded by its own timeout). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined, ctx: ErrorContext): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(cancelledError(ctx));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(cancelledError(ctx));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function toModelInfo(model: string, show: ShowResponse): ModelInfo {
  if (!show || typeof show !== 'object') throw new ModelError('not-ollama', `Unexpected /api/show answer for "${model}"`);
  const details = show.details ?? ({} as ShowResponse['details']);
  const family = detectFamily({
    name: model,
    template: typeof show.template === 'string' ? show.template : undefined,
    serverFamily: details.family,
    serverFamilies: Array.isArray(details.families) ? details.families : undefined,
  });
  const reported = Array.isArray(show.capabilities) ? show.capabilities : null;
  // Servers before 0.6.4 report no capabilities: assume the known reasoning families think.
  const capabilities = reported ?? (isReasoningFamily(family) ? ['completion', 'thinking'] : ['completion']);
  const supportsThinking = capabilities.includes('thinking');
  const contextLength = readContextLength(show.model_info);
  return {
    name: model,
    family,
    ...(details.family ? { serverFamily: details.family } : {}),
    capabilities,
    supportsThinking,
    thinkLevels: supportsThinking ? thinkLevelsFor(family) : [],
    ...(typeof show.template === 'string' && show.template !== '' ? { template: show.template } : {}),
    ...(details.parameter_size ? { parameterSize: details.parameter_size } : {}),
    ...(details.quantization_level ? { quantization: details.quantization_level } : {}),
    ...(contextLength !== undefined ? { contextLength } : {}),
  };
}

function readContextLength(modelInfo: unknown): number | undefined {
  if (!modelInfo || typeof modelInfo !== 'object') return undefined;
  for (const [key, value] of Object.entries(modelInfo as Record<string, unknown>)) {
    if (key.endsWith('.context_length') && typeof value === 'number') return value;
  }
  return undefined;
}

function samplingOptions(o: SamplingOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

function doneStats(chunk: ChatResponse | GenerateResponse): StreamStats {
  const c = chunk as Partial<GenerateResponse> & { done_reason?: string };
  const stats: StreamStats = { doneReason: c.done_reason ? c.done_reason : null };
  const total = nsToMs(c.total_duration);
  const load = nsToMs(c.load_duration);
  const evalMs = nsToMs(c.eval_duration);
  if (total !== undefined) stats.totalDurationMs = total;
  if (load !== undefined) stats.loadDurationMs = load;
  if (typeof c.prompt_eval_count === 'number') stats.promptEvalCount = c.prompt_eval_count;
  if (typeof c.eval_count === 'number') stats.evalCount = c.eval_count;
  if (evalMs !== undefined) stats.evalDurationMs = evalMs;
  return stats;
}

function passThrough(): TextSplitter {
  return { push: (text) => ({ thinking: '', content: text }), finish: () => ({ thinking: '', content: '' }) };
}
