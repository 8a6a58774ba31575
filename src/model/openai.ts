/**
 * ModelBackend for OpenAI-compatible servers (vLLM, SGLang, llama.cpp server, DeepSeek API,
 * Ollama's /v1 routes): streaming chat through /v1/chat/completions (thinking from
 * `reasoning_content`, `reasoning`, or inline <think> tags), raw continuation and forced-answer
 * probes through /v1/completions, model listing through /v1/models.
 */
import { StallWatchdog } from './stall-watchdog';
import { deadlineSignal } from './deadline';
import { TIMEOUT_HINT } from './errors';
import { limitsFor } from './limits';
import { detectFamily, isReasoningFamily, thinkLevelsFor } from './family';
import { InlineThinkSplitter, sseData } from './openai-stream';
import {
  ModelError,
  type ChatRequest,
  type ModelBackend,
  type ModelFamily,
  type ModelInfo,
  type ModelSummary,
  type PullProgress,
  type RawGenerateRequest,
  type RawGenerateResult,
  type SamplingOptions,
  type StreamDelta,
  type StreamHandle,
  type StreamStats,
  type CapKind,
  type StreamLimits,
} from './types';

export interface OpenAIBackendOptions {
  /** Base URL, with or without the trailing /v1 (e.g. http://127.0.0.1:8000). `openai+http://` is accepted. */
  host: string;
  /** Bearer token; defaults to OPENAI_API_KEY when set (local servers usually need none). */
  apiKey?: string;
  fetch?: typeof fetch;
  /** Timeout for short requests (models, version). Default 30 s. */
  timeoutMs?: number;
  /** Longest wait for the first streamed event or a non-streamed reply (model loading). Default 10 min. */
  connectTimeoutMs?: number;
  /** Longest silence between two streamed events. Default 2 min. */
  idleTimeoutMs?: number;
}

/** Strip the `openai+` scheme prefix and a trailing /v1 so paths can be appended. */
export function normalizeOpenAIHost(value: string): string {
  const bad = (why: string): Error => new Error(`OpenAI-compatible host "${value}": ${why}; expected e.g. openai+http://127.0.0.1:8000 (or http://127.0.0.1:8000 with --backend openai)`);
  let url = value.trim().replace(/^openai\+/i, '');
  if (url === '') throw bad('it names no server');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1];
  if (scheme !== undefined && !/^https?$/i.test(scheme)) throw bad(`only http:// and https:// are supported, not "${scheme}://"`);
  if (scheme === undefined && /^[a-z][a-z0-9+.-]*:\/(?!\/)/i.test(url)) throw bad('the scheme is mistyped (a scheme is followed by "://")');
  if (scheme === undefined) url = `http://${url}`;
  url = url.replace(/\/+$/, '').replace(/\/v1$/, '');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw bad('it is not a valid URL');
  }
  if (parsed.hostname === '') throw bad('it names no host');
  return url;
}

/** Template family from the served model name (these servers report no family or template). */
export function familyFromModelName(name: string): ModelFamily {
  return detectFamily({ name });
}

interface OpenAIModelEntry {
  id: string;
  created?: number;
  owned_by?: string;
  max_model_len?: number;
}

interface ChunkChoice {
  delta?: { content?: string | null; reasoning_content?: string | null; reasoning?: string | null };
  text?: string;
  finish_reason?: string | null;
}

interface StreamChunk {
  choices?: ChunkChoice[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  error?: { message?: string } | string;
}

export class OpenAIBackend implements ModelBackend {
  readonly host: string;
  private readonly apiKey?: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly idleTimeoutMs: number;

  constructor(opts: OpenAIBackendOptions) {
    this.host = normalizeOpenAIHost(opts.host);
    this.apiKey = opts.apiKey ?? process.env.OPENAI_API_KEY ?? undefined;
    this.fetchImpl = opts.fetch ?? fetch;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 600_000;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 120_000;
  }

  async version(): Promise<string> {
    // vLLM and SGLang answer /version; others only prove themselves through /v1/models.
    try {
      const res = await this.fetchImpl(`${this.host}/version`, { headers: this.headers(), signal: deadlineSignal(this.timeoutMs) });
      if (res.ok) {
        const body = (await res.json()) as { version?: string };
        if (typeof body.version === 'string') return body.version;
      }
    } catch {
      // fall through to the models check, which maps connection errors
    }
    await this.listRaw();
    return 'openai-compatible';
  }

  async list(): Promise<ModelSummary[]> {
    const models = await this.listRaw();
    return models.map((m) => ({
      name: m.id,
      size: 0,
      modifiedAt: m.created ? new Date(m.created * 1000).toISOString() : '',
      family: familyFromModelName(m.id),
    }));
  }

  async show(model: string, signal?: AbortSignal): Promise<ModelInfo> {
    const models = await this.listRaw(signal);
    const entry = models.find((m) => m.id === model);
    if (!entry) throw this.missingModel(model, models);
    const family = familyFromModelName(model);
    const thinks = isReasoningFamily(family);
    return {
      name: model,
      family,
      capabilities: thinks ? ['completion', 'thinking'] : ['completion'],
      supportsThinking: thinks,
      thinkLevels: thinkLevelsFor(family),
      ...(entry.max_model_len ? { contextLength: entry.max_model_len } : {}),
    };
  }

  chat(req: ChatRequest): StreamHandle {
    const family = familyFromModelName(req.model);
    const body: Record<string, unknown> = {
      model: req.model,
      messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
      stream: true,
      stream_options: { include_usage: true },
      ...samplingFields(req.options),
    };
    if (typeof req.think === 'string') body.reasoning_effort = req.think;
    if (req.think === false) body.chat_template_kwargs = { enable_thinking: false };
    // R1/QwQ templates open <think> in the prompt, so raw output starts inside thinking.
    const assumeThinking = req.think !== false && (family === 'deepseek-r1' || family === 'qwq');
    return this.stream('/v1/chat/completions', body, req.model, assumeThinking, 'chat');
  }

  generateRawStream(req: RawGenerateRequest): StreamHandle {
    const body = { model: req.model, prompt: req.prompt, stream: true, stream_options: { include_usage: true }, ...samplingFields(req.options) };
    return this.stream('/v1/completions', body, req.model, false, 'completion', limitsFor(req.options, req.limits, this.idleTimeoutMs));
  }

  async generateRaw(req: RawGenerateRequest, signal?: AbortSignal): Promise<RawGenerateResult> {
    const body = { model: req.model, prompt: req.prompt, stream: false, ...samplingFields(req.options) };
    const deadline = deadlineSignal(this.connectTimeoutMs);
    let res: Response;
    try {
      res = await this.post('/v1/completions', body, req.model, signal ? AbortSignal.any([signal, deadline]) : deadline);
    } catch (err) {
      if (deadline.aborted && !signal?.aborted) throw this.timeoutError(this.connectTimeoutMs, 'waiting for a completion', req.model);
      throw err;
    }
    let parsed: { choices?: { text?: string; finish_reason?: string | null }[]; usage?: { completion_tokens?: number; prompt_tokens?: number } };
    try {
      parsed = (await res.json()) as typeof parsed;
    } catch (err) {
      throw new ModelError('stream-error', `${this.host} returned an unreadable /v1/completions reply: ${(err as Error).message}`, { host: this.host, model: req.model });
    }
    const choice = parsed.choices?.[0];
    if (!choice || typeof choice.text !== 'string') {
      throw new ModelError('stream-error', `${this.host} returned no completion choice for model "${req.model}"`, { host: this.host, model: req.model });
    }
    return {
      text: choice.text,
      doneReason: choice.finish_reason ?? null,
      evalCount: parsed.usage?.completion_tokens ?? 0,
      ...(parsed.usage?.prompt_tokens !== undefined ? { promptEvalCount: parsed.usage.prompt_tokens } : {}),
    };
  }

  async pull(model: string, _onProgress: (p: PullProgress) => void): Promise<void> {
    throw new ModelError(
      'bad-request',
      `OpenAI-compatible servers cannot download models: start ${this.host} with "${model}" loaded (e.g. \`vllm serve ${model}\`)`,
      { host: this.host, model },
    );
  }

  private headers(json = false): Record<string, string> {
    return {
      ...(json ? { 'content-type': 'application/json' } : {}),
      ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
    };
  }

  private async listRaw(signal?: AbortSignal): Promise<OpenAIModelEntry[]> {
    let res: Response;
    const deadline = deadlineSignal(this.timeoutMs);
    try {
      res = await this.fetchImpl(`${this.host}/v1/models`, { headers: this.headers(), signal: signal ? AbortSignal.any([signal, deadline]) : deadline });
    } catch (err) {
      if (signal?.aborted) throw new ModelError('cancelled', `listing models on ${this.host} was cancelled`, { host: this.host });
      if ((err as Error)?.name === 'TimeoutError') throw this.timeoutError(this.timeoutMs, 'listing models');
      throw this.connectionError(err);
    }
    if (!res.ok) throw await this.httpError(res);
    const body = (await res.json().catch(() => null)) as { data?: OpenAIModelEntry[] } | null;
    if (!body || !Array.isArray(body.data)) {
      throw new ModelError('not-ollama', `${this.host}/v1/models did not return an OpenAI model list; is this an OpenAI-compatible server?`, { host: this.host });
    }
    return body.data.filter((m) => typeof m?.id === 'string');
  }

  private async post(path: string, body: unknown, model: string, signal?: AbortSignal): Promise<Response> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.host}${path}`, { method: 'POST', headers: this.headers(true), body: JSON.stringify(body), signal });
    } catch (err) {
      throw this.connectionError(err, model);
    }
    if (!res.ok) throw await this.httpError(res, model);
    return res;
  }

  private stream(path: string, body: unknown, model: string, assumeThinking: boolean, kind: 'chat' | 'completion', limits: StreamLimits = {}): StreamHandle {
    const controller = new AbortController();
    // Our caps (the server may ignore max_tokens): reaching one ends the stream normally.
    let capped: CapKind | null = null;
    let capTimer: ReturnType<typeof setTimeout> | undefined;
    // Watchdog: a stuck server (no first event, or silence mid-stream) becomes a 'timeout' error.
    let timedOut: number | null = null;
    const watchdog = new StallWatchdog((_kind, ms) => {
      timedOut = ms;
      controller.abort();
    });
    const arm = (ms: number) => watchdog.arm('idle', ms);
    let resolveStats!: (s: StreamStats) => void;
    let rejectStats!: (e: unknown) => void;
    const stats = new Promise<StreamStats>((res, rej) => {
      resolveStats = res;
      rejectStats = rej;
    });
    stats.catch(() => undefined); // the iterator reports the same error to whoever consumes it
    const started = Date.now();
    const self = this;

    async function* deltas(): AsyncGenerator<StreamDelta> {
      const splitter = new InlineThinkSplitter(assumeThinking);
      let finishReason: string | null = null;
      let sawDone = false;
      let usage: StreamChunk['usage'] = null;
      try {
        arm(self.connectTimeoutMs);
        const res = await self.post(path, body, model, controller.signal);
        if (!res.body) throw new ModelError('stream-error', `${self.host}${path} sent no response body`, { host: self.host, model });
        if (limits.maxMs !== undefined) {
          capTimer = setTimeout(() => {
            capped = 'time';
            controller.abort();
          }, limits.maxMs);
        }
        let events = 0;
        for await (const data of sseData(res.body as unknown as AsyncIterable<Uint8Array>)) {
          arm(self.idleTimeoutMs);
          if (limits.maxChunks !== undefined && ++events > limits.maxChunks) {
            capped = 'tokens';
            break;
          }
          if (data === '[DONE]') {
            sawDone = true;
            break;
          }
          let chunk: StreamChunk;
          try {
            chunk = JSON.parse(data) as StreamChunk;
          } catch {
            throw new ModelError('stream-error', `${self.host}${path} sent a malformed event: ${data.slice(0, 120)}`, { host: self.host, model });
          }
          if (chunk.error) {
            const msg = typeof chunk.error === 'string' ? chunk.error : (chunk.error.message ?? 'unknown error');
            throw new ModelError('stream-error', `${self.host} reported an error mid-stream for "${model}": ${msg}`, { host: self.host, model });
          }
          if (chunk.usage) usage = chunk.usage;
          const choice = chunk.choices?.[0];
          if (!choice) continue;
          if (choice.finish_reason) finishReason = choice.finish_reason;
          const out: StreamDelta = { thinking: '', content: '' };
          if (kind === 'completion') {
            out.content = choice.text ?? '';
          } else {
            const reasoning = choice.delta?.reasoning_content ?? choice.delta?.reasoning ?? '';
            if (reasoning) {
              splitter.sawReasoningField();
              out.thinking += reasoning;
            }
            const content = choice.delta?.content ?? '';
            if (content) {
              const split = splitter.push(content);
              out.thinking += split.thinking;
              out.content += split.content;
            }
          }
          if (out.thinking || out.content) yield out;
        }
        if (!sawDone && finishReason === null && !capped) {
          throw new ModelError('stream-incomplete', `${self.host}${path} closed the stream before it finished (no finish_reason, no [DONE])`, { host: self.host, model });
        }
        const rest = splitter.flush();
        if (rest.thinking || rest.content) yield rest;
        resolveStats({
          doneReason: capped ? 'limit' : finishReason,
          ...(capped ? { cappedBy: capped } : {}),
          totalDurationMs: Date.now() - started,
          ...(usage?.prompt_tokens !== undefined ? { promptEvalCount: usage.prompt_tokens } : {}),
          ...(usage?.completion_tokens !== undefined ? { evalCount: usage.completion_tokens } : {}),
        });
      } catch (err) {
        if (capped === 'time' && timedOut === null) {
          // Our time cap ended a stream the server would not end: a normal end, with what arrived.
          const rest = splitter.flush();
          if (rest.thinking || rest.content) yield rest;
          resolveStats({ doneReason: 'limit', cappedBy: 'time', totalDurationMs: Date.now() - started });
          return;
        }
        const mapped =
          timedOut !== null
            ? self.timeoutError(timedOut, 'waiting for the stream', model)
            : err instanceof ModelError
              ? err
              : controller.signal.aborted
                ? new ModelError('cancelled', 'request cancelled', { host: self.host, model })
                : self.connectionError(err, model);
        rejectStats(mapped);
        throw mapped;
      } finally {
        watchdog.disarm();
        clearTimeout(capTimer);
        controller.abort();
      }
    }

    return { deltas: deltas(), stats, abort: () => controller.abort() };
  }

  private timeoutError(ms: number, what: string, model?: string): ModelError {
    const s = ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 ? 1 : 0)} s` : `${ms} ms`;
    return new ModelError('timeout', `${this.host} sent nothing for ${s} while ${what}; the server may be stuck or still loading the model: ${TIMEOUT_HINT}`, { host: this.host, model });
  }

  private connectionError(err: unknown, model?: string): ModelError {
    if (err instanceof ModelError) return err;
    const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    if (e?.name === 'AbortError') return new ModelError('cancelled', 'request cancelled', { host: this.host, model });
    const code = e?.cause?.code ?? '';
    if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET') {
      return new ModelError('stream-incomplete', `connection to ${this.host} dropped (${code}); the server may have crashed or restarted`, { host: this.host, model, cause: err });
    }
    return new ModelError(
      'unreachable',
      `cannot reach the OpenAI-compatible server at ${this.host} (${code || e?.cause?.message || e?.message || 'network error'}). Is it running? e.g. \`vllm serve MODEL --port 8000\`, then pass --host ${this.host}`,
      { host: this.host, model, cause: err },
    );
  }

  private async httpError(res: Response, model?: string): Promise<ModelError> {
    const text = await res.text().catch(() => '');
    let message = text.slice(0, 300);
    try {
      const j = JSON.parse(text) as { error?: { message?: string } | string; message?: string; detail?: string };
      message = (typeof j.error === 'string' ? j.error : j.error?.message) ?? j.message ?? j.detail ?? message;
    } catch {
      // not JSON: keep the text
    }
    const detail = { host: this.host, model, status: res.status };
    if (res.status === 401 || res.status === 403) {
      return new ModelError('bad-request', `${this.host} refused the request (HTTP ${res.status}: ${message}); set OPENAI_API_KEY to a key the server accepts`, detail);
    }
    if (res.status === 404 && model && /model/i.test(message)) {
      const served = await this.listRaw().then((ms) => ms.map((m) => m.id), () => [] as string[]);
      return this.missingModel(model, served.map((id) => ({ id })), message);
    }
    if (res.status === 404) {
      return new ModelError('not-ollama', `${this.host} has no ${new URL(res.url || this.host).pathname} route (HTTP 404); is it an OpenAI-compatible server? (use --backend ollama for Ollama's native API)`, detail);
    }
    if (res.status === 408 || res.status === 504) return new ModelError('timeout', `${this.host} timed out (HTTP ${res.status}): ${message}`, detail);
    if (res.status >= 500) return new ModelError('stream-error', `${this.host} failed (HTTP ${res.status}): ${message}`, detail);
    return new ModelError('bad-request', `${this.host} rejected the request (HTTP ${res.status}): ${message}`, detail);
  }

  private missingModel(model: string, served: { id: string }[], serverMessage?: string): ModelError {
    const names = served.map((m) => m.id);
    return new ModelError(
      'model-missing',
      `model "${model}" is not served at ${this.host}${serverMessage ? ` (${serverMessage})` : ''}; served: ${names.length ? names.join(', ') : 'none'}. Start the server with that model or pick one of these`,
      { host: this.host, model, status: 404 },
    );
  }
}

function samplingFields(o: SamplingOptions | undefined): Record<string, unknown> {
  if (!o) return {};
  const out: Record<string, unknown> = {};
  if (o.temperature !== undefined) out.temperature = o.temperature;
  if (o.top_p !== undefined) out.top_p = o.top_p;
  if (o.top_k !== undefined) out.top_k = o.top_k; // vLLM/SGLang extension; ignored elsewhere
  if (o.seed !== undefined) out.seed = o.seed;
  if (o.num_predict !== undefined && o.num_predict > 0) out.max_tokens = o.num_predict;
  if (o.stop?.length) out.stop = o.stop;
  return out;
}
