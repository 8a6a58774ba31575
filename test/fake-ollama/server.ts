/**
 * A fake Ollama server on 127.0.0.1 that speaks the real wire protocol (notes/platform.md A6),
 * backed by the scripted reasoning model in scripted-model.ts. Tests drive it with the real
 * `ollama` client. Shapes follow ollama/ollama api/types.go and the recorded streams in
 * ../shared/data/ollama/recorded-streams:
 * - NDJSON streaming (`application/x-ndjson`), one object per line, `stream` defaults to true;
 * - generate chunks {model, created_at, response, thinking?, done:false}; chat chunks
 *   {model, created_at, message:{role, content, thinking?}, done:false}; the final chunk adds
 *   done_reason and metrics in nanoseconds, and `context` for non-raw generate only;
 * - errors: 400/404 {"error": "..."} before streaming, an {"error"} line mid-stream,
 *   "404 page not found" / "405 method not allowed" as text for unknown routes/methods.
 * Faults (setFault) script broken servers: mid-stream error, EOF without done, stalls, hangs,
 * HTTP errors, a non-Ollama web server, and trailing text in the done chunk.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScriptedModel, type AnswerDraw, type FakeModelConfig, type ScriptedProblem } from './scripted-model';
import type { CounterfactualModel } from './counterfactual-model';
import { embedResponse } from './embed';
import { SPECIAL_TOKENS, tokenize } from './tokens';

export type { AnswerDraw, FakeModelConfig, ScriptedProblem } from './scripted-model';

export interface FakeFaults {
  /** Send this many chunks, then an {"error": message} line, then end the stream. */
  midStreamError?: { afterChunks: number; message?: string };
  /** Send this many chunks, then end the response without a done chunk. */
  eofWithoutDone?: { afterChunks: number };
  /** Send this many chunks, then keep the connection open without sending anything. */
  stallAfterChunks?: number;
  /** Accept generate/chat requests and never answer (no headers). */
  hangBeforeResponse?: boolean;
  /** Put the last token's text into the done chunk (real servers may; clients must keep it). */
  doneChunkText?: boolean;
  /** Answer generate/chat/show with this HTTP error and JSON body {"error": error}. */
  httpError?: { status: number; error: string };
  /** Behave like some other web server: an HTML 404 page for every path. */
  notOllama?: boolean;
  /**
   * /api/generate ignores num_predict and streams forever, until the client hangs up: `text`
   * each chunk (default "1 "), or empty chunks (a server that sends nothing but keep-alives).
   */
  endlessGenerate?: { text?: string; emptyChunks?: boolean };
  /** /api/show never answers (the connection stays open until the client hangs up). */
  hangShow?: boolean;
  /** After this many chunks of a generate/chat stream, write `text` (not JSON) as a line, then carry on. */
  garbageLine?: { afterChunks: number; text: string };
}

export interface FakeOllamaOptions {
  models?: FakeModelConfig[];
  problems?: ScriptedProblem[];
  /** Delay before each streamed chunk (ms). Default 0. */
  tokenDelayMs?: number;
  /** Reported by /api/version; also gates think:false on non-thinking models (< 0.12.5 ⇒ 400). */
  version?: string;
  faults?: FakeFaults;
  /** Models /api/pull can fetch (added to the local list once pulled). */
  registry?: FakeModelConfig[];
  /** How forced answers are drawn (scripted-model.ts): 'quasi' (default) or seeded sampling. */
  draw?: AnswerDraw;
  /** Raw continuations for counterfactual-importance tests (counterfactual-model.ts), tried before the scripted model. */
  counterfactual?: CounterfactualModel;
  /**
   * Reuse the prompt cache as a llama.cpp-backed server does: tokens shared with the previous
   * request's prompt are not evaluated again, so prompt_eval_count counts only the new ones
   * (at least 1). Default off: every request counts its whole prompt.
   */
  promptCache?: boolean;
}

export interface LoggedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
  /** Parsed JSON body, or undefined when empty or not JSON. */
  body: unknown;
}

/** What the server answered to one raw generate request: the counts it reported and the text. */
export interface LoggedCompletion {
  prompt: string;
  /** The full completion text (thinking and response channels, as generated). */
  text: string;
  promptEvalCount: number;
  evalCount: number;
}

export interface FakeOllama {
  url: string;
  port: number;
  requests: LoggedRequest[];
  /** Raw generate answers, in the order they were computed (probe tests recompute regret from them). */
  completions: LoggedCompletion[];
  /** Streaming responses whose connection closed before the server finished them. */
  readonly disconnects: number;
  /** Streaming responses the server finished (done chunk written, or a scripted fault end). */
  readonly completedStreams: number;
  readonly model: ScriptedModel;
  models: FakeModelConfig[];
  setFault(faults: FakeFaults | undefined): void;
  /** Serve exactly these chunk objects on `path` (e.g. a recorded stream); null to stop. */
  setReplay(path: '/api/generate' | '/api/chat', chunks: unknown[] | null): void;
  setVersion(version: string): void;
  close(): Promise<void>;
}

export const DEFAULT_FAKE_VERSION = '0.12.6';

const R1_TEMPLATE =
  '{{- if .System }}{{ .System }}{{ end }}{{- range $i, $_ := .Messages }}{{- if eq .Role "user" }}<｜User｜>{{ .Content }}{{- else if eq .Role "assistant" }}<｜Assistant｜>{{ .Content }}<｜end▁of▁sentence｜>{{- end }}{{- end }}<｜Assistant｜>';
const CHATML_TEMPLATE =
  '{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}<|im_start|>assistant\n<think>\n';
const HARMONY_TEMPLATE = '<|start|>system<|message|>{{ .System }}<|end|>{{- range .Messages }}<|start|>{{ .Role }}<|channel|>final<|message|>{{ .Content }}<|end|>{{ end }}<|start|>assistant';

export const DEFAULT_FAKE_MODELS: FakeModelConfig[] = [
  {
    name: 'deepseek-r1:7b',
    family: 'deepseek-r1',
    capabilities: ['completion', 'thinking'],
    thinking: 'field',
    template: R1_TEMPLATE,
    details: { family: 'qwen2', families: ['qwen2'], parameter_size: '7.6B', quantization_level: 'Q4_K_M' },
  },
  {
    name: 'qwen3:8b',
    family: 'qwen3',
    capabilities: ['completion', 'tools', 'thinking'],
    thinking: 'field',
    template: CHATML_TEMPLATE,
    details: { family: 'qwen3', families: ['qwen3'], parameter_size: '8.2B', quantization_level: 'Q4_K_M' },
  },
  {
    name: 'gpt-oss:20b',
    family: 'gpt-oss',
    capabilities: ['completion', 'tools', 'thinking'],
    thinking: 'field',
    template: HARMONY_TEMPLATE,
    details: { family: 'gptoss', families: ['gptoss'], parameter_size: '20.9B', quantization_level: 'MXFP4' },
  },
  {
    // An older-style reasoning model: <think> tags arrive inline in the content.
    name: 'qwq:32b',
    family: 'qwq',
    capabilities: ['completion'],
    thinking: 'inline',
    template: CHATML_TEMPLATE,
    details: { family: 'qwen2', families: ['qwen2'], parameter_size: '32.8B', quantization_level: 'Q4_K_M' },
  },
  {
    name: 'llama3.2:1b',
    family: 'generic',
    capabilities: ['completion', 'tools'],
    thinking: 'none',
    template: '{{ .Prompt }}',
    details: { family: 'llama', families: ['llama'], parameter_size: '1.2B', quantization_level: 'Q8_0' },
  },
];

const THINK_VALUES = new Set(['high', 'medium', 'low', 'max']);

interface Token {
  text: string;
  channel: 'thinking' | 'content';
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startFakeOllama(opts: FakeOllamaOptions = {}): Promise<FakeOllama> {
  const models = (opts.models ?? DEFAULT_FAKE_MODELS).map((m) => ({ ...m }));
  const registry = opts.registry ?? [];
  const model = new ScriptedModel(opts.problems ?? [], opts.draw);
  const requests: LoggedRequest[] = [];
  const completions: LoggedCompletion[] = [];
  let cachedPrompt: readonly string[] = [];
  const loaded = new Map<string, number>();
  const replays = new Map<string, unknown[]>();
  let faults: FakeFaults = opts.faults ?? {};
  let version = opts.version ?? DEFAULT_FAKE_VERSION;
  let disconnects = 0;
  let completedStreams = 0;
  const delayMs = opts.tokenDelayMs ?? 0;

  const findModel = (name: unknown): FakeModelConfig | undefined => {
    if (typeof name !== 'string') return undefined;
    const full = name.includes(':') ? name : `${name}:latest`;
    return models.find((m) => m.name === name || m.name === full);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = rawBody === '' ? undefined : JSON.parse(rawBody);
      } catch {
        body = undefined;
      }
      const path = (req.url ?? '/').split('?')[0];
      requests.push({ method: req.method ?? 'GET', path, headers: { ...req.headers }, rawBody, body });
      route(req, res, path, rawBody).catch((err: unknown) => {
        if (!res.headersSent) {
          const status = err instanceof HttpError ? err.status : 500;
          sendJson(res, status, { error: err instanceof Error ? err.message : String(err) });
        } else res.end();
      });
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse, path: string, rawBody: string): Promise<void> {
    const method = req.method ?? 'GET';
    if (faults.notOllama) {
      res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>');
      return;
    }
    const routes: Record<string, string[]> = {
      '/': ['GET', 'HEAD'],
      '/api/version': ['GET', 'HEAD'],
      '/api/tags': ['GET', 'HEAD'],
      '/api/ps': ['GET'],
      '/api/show': ['POST'],
      '/api/generate': ['POST'],
      '/api/chat': ['POST'],
      '/api/pull': ['POST'],
      '/api/embed': ['POST'],
    };
    const allowed = routes[path];
    if (!allowed) return sendText(res, 404, '404 page not found');
    if (!allowed.includes(method)) return sendText(res, 405, '405 method not allowed');
    const head = method === 'HEAD';
    switch (path) {
      case '/':
        return sendText(res, 200, 'Ollama is running', head);
      case '/api/version':
        return sendJson(res, 200, { version }, head);
      case '/api/tags':
        return sendJson(res, 200, { models: models.map(tagEntry) }, head);
      case '/api/ps':
        return sendJson(res, 200, {
          models: [...loaded.keys()].map((name) => {
            const m = findModel(name)!;
            return {
              ...tagEntry(m),
              expires_at: new Date(Date.now() + 300_000).toISOString(),
              size_vram: 0,
              context_length: 4096,
            };
          }),
        });
    }
    const body = parseBody(rawBody, path);
    if (faults.httpError && path !== '/api/pull') {
      return sendJson(res, faults.httpError.status, { error: faults.httpError.error });
    }
    switch (path) {
      case '/api/show':
        if (faults.hangShow) {
          res.on('close', () => disconnects++);
          return; // never answer
        }
        return show(res, body);
      case '/api/pull':
        return pull(res, body);
      case '/api/embed': {
        const answer = embedResponse(body, findModel);
        return sendJson(res, answer.status, answer.body);
      }
      default:
        return generateOrChat(req, res, path, body);
    }
  }

  function parseBody(rawBody: string, path: string): Record<string, unknown> {
    if (rawBody.trim() === '') throw new HttpError(400, 'missing request body');
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch (err) {
      throw new HttpError(400, (err as Error).message);
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw new HttpError(400, 'json: cannot unmarshal into Go value of type api.Request');
    }
    const b = body as Record<string, unknown>;
    if ((path === '/api/generate' || path === '/api/chat') && 'think' in b) {
      const t = b.think;
      if (!(t === null || typeof t === 'boolean' || (typeof t === 'string' && THINK_VALUES.has(t)))) {
        throw new HttpError(
          400,
          `invalid think value: ${JSON.stringify(t)} (must be "high", "medium", "low", "max", true, or false)`,
        );
      }
    }
    return b;
  }

  function show(res: ServerResponse, body: Record<string, unknown>): void {
    const name = body.model ?? body.name;
    if (typeof name !== 'string' || name === '') throw new HttpError(400, 'model is required');
    const m = findModel(name);
    if (!m) throw new HttpError(404, `model '${name}' not found`);
    sendJson(res, 200, {
      license: '',
      modelfile: `# Modelfile generated by "ollama show"\nFROM ${m.name}\nTEMPLATE """${m.template ?? ''}"""`,
      parameters: 'temperature                    0.6',
      template: m.template ?? '{{ .Prompt }}',
      details: details(m),
      model_info: {
        'general.architecture': m.details?.family ?? 'llama',
        [`${m.details?.family ?? 'llama'}.context_length`]: 131072,
      },
      capabilities: m.capabilities,
      modified_at: MODIFIED_AT,
    });
  }

  async function pull(res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const name = body.model ?? body.name;
    if (typeof name !== 'string' || name === '') throw new HttpError(400, 'model is required');
    const stream = body.stream !== false;
    const known = findModel(name) ?? registry.find((m) => m.name === name || m.name === `${name}:latest`);
    const total = 4_000_000;
    const digest = `sha256:${hex(name).padEnd(64, '0').slice(0, 64)}`;
    const lines: Record<string, unknown>[] = [{ status: 'pulling manifest' }];
    if (known) {
      for (const completed of [0, 1_000_000, 2_500_000, 4_000_000]) {
        lines.push({ status: `pulling ${digest.slice(7, 19)}`, digest, total, ...(completed > 0 ? { completed } : {}) });
      }
      lines.push({ status: 'verifying sha256 digest' }, { status: 'writing manifest' }, { status: 'success' });
    }
    if (!stream) {
      if (!known) throw new HttpError(500, 'pull model manifest: file does not exist');
      if (!findModel(name)) models.push({ ...known });
      return sendJson(res, 200, { status: 'success' });
    }
    const ok = await streamLines(res, lines, () => false);
    if (!ok) return;
    if (!known) {
      res.end(`${JSON.stringify({ error: 'pull model manifest: file does not exist' })}\n`);
      completedStreams++;
      return;
    }
    if (!findModel(name)) models.push({ ...known });
    res.end();
    completedStreams++;
  }

  async function generateOrChat(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    body: Record<string, unknown>,
  ): Promise<void> {
    const isChat = path === '/api/chat';
    const replay = replays.get(path);
    if (replay) {
      const ok = await streamLines(res, replay as Record<string, unknown>[], () => false);
      if (ok) {
        res.end();
        completedStreams++;
      }
      return;
    }
    const name = body.model;
    if (typeof name !== 'string' || name === '') throw new HttpError(400, 'model is required');
    const raw = !isChat && body.raw === true;
    if (raw && (body.system !== undefined || body.template !== undefined || body.context !== undefined)) {
      throw new HttpError(400, 'raw mode does not support template, system, or context');
    }
    if (body.top_logprobs !== undefined) {
      const n = body.top_logprobs;
      if (typeof n !== 'number' || n < 0 || n > 20) throw new HttpError(400, 'top_logprobs must be between 0 and 20');
    }
    const m = findModel(name);
    if (!m) throw new HttpError(404, `model '${name}' not found`);
    const canThink = m.capabilities.includes('thinking');
    const think = body.think;
    if (think !== undefined && think !== null) {
      const truthy = think !== false;
      const oldServer = compare(version, '0.12.5') < 0;
      if (!canThink && (truthy || oldServer)) throw new HttpError(400, `"${m.name}" does not support thinking`);
    }
    const stream = body.stream !== false;
    const options = (body.options ?? {}) as Record<string, unknown>;

    // Load / unload: empty prompt or no messages.
    const prompt = isChat ? messagesText(body.messages) : typeof body.prompt === 'string' ? body.prompt : '';
    const empty = isChat ? !Array.isArray(body.messages) || body.messages.length === 0 : prompt === '';
    if (empty) {
      const unload = body.keep_alive === 0 || body.keep_alive === '0' || body.keep_alive === '0s';
      if (unload) loaded.delete(m.name);
      else loaded.set(m.name, Date.now());
      const doneReason = unload ? 'unload' : 'load';
      const chunk = isChat
        ? { model: m.name, created_at: nowRfc3339Nano(), message: { role: 'assistant', content: '' }, done: true, done_reason: doneReason }
        : { model: m.name, created_at: nowRfc3339Nano(), response: '', done: true, done_reason: doneReason };
      return sendJson(res, 200, chunk);
    }
    loaded.set(m.name, Date.now());

    if (faults.hangBeforeResponse) {
      res.on('close', () => disconnects++);
      return; // never answer
    }

    // Thinking on unless explicitly off (server default for thinking models).
    const thinkOn = canThink ? think !== false : m.thinking === 'inline';
    let tokens: Token[];
    if (raw) {
      const text = opts.counterfactual?.continueRaw(prompt, { seed: typeof options.seed === 'number' ? options.seed : undefined }) ?? model.continueRaw(m.family, prompt, {
        seed: typeof options.seed === 'number' ? options.seed : undefined,
        temperature: typeof options.temperature === 'number' ? options.temperature : undefined,
      });
      tokens = rawTokens(text, prompt, canThink && think !== false && m.family !== 'gpt-oss' && m.thinking !== 'none');
    } else {
      const out = model.answer(prompt, thinkOn && m.thinking !== 'none');
      tokens = chatTokens(m, out.thinking, out.content);
    }
    const stop = Array.isArray(options.stop) ? (options.stop as unknown[]).filter((s): s is string => typeof s === 'string' && s !== '') : [];
    const limit = typeof options.num_predict === 'number' && options.num_predict >= 0 ? options.num_predict : Infinity;
    const { kept, doneReason } = truncate(tokens, stop, limit);
    const endedByItself = kept.length === tokens.length && doneReason === 'stop';
    const promptTokenList = tokenize(prompt, SPECIAL_TOKENS);
    let promptTokens = promptTokenList.length;
    if (opts.promptCache) {
      let shared = 0;
      while (shared < promptTokenList.length && shared < cachedPrompt.length && promptTokenList[shared] === cachedPrompt[shared]) shared++;
      cachedPrompt = promptTokenList;
      promptTokens = Math.max(1, promptTokenList.length - shared);
    }

    const chunkOf = (t: Token | null): Record<string, unknown> => {
      const base = { model: m.name, created_at: nowRfc3339Nano() };
      if (isChat) {
        const message: Record<string, unknown> = { role: 'assistant', content: t && t.channel === 'content' ? t.text : '' };
        if (t && t.channel === 'thinking') message.thinking = t.text;
        return { ...base, message, done: false };
      }
      const chunk: Record<string, unknown> = { ...base, response: t && t.channel === 'content' ? t.text : '' };
      if (t && t.channel === 'thinking') chunk.thinking = t.text;
      return { ...chunk, done: false };
    };
    // As in the real local-server recordings (test/model/fake-vs-real.test.ts): a generation that
    // ends by itself counts its end-of-generation token, which is never streamed; the total
    // covers loading, the prompt and the generation.
    const evalCount = kept.length + (endedByItself ? 1 : 0);
    if (raw) completions.push({ prompt, text: kept.map((t) => t.text).join(''), promptEvalCount: promptTokens, evalCount });
    const loadDuration = 2_000_000;
    const promptEvalDuration = promptTokens * 100_000;
    const evalDuration = evalCount * Math.max(delayMs, 1) * 1_000_000;
    const finalChunk = (last: Token | null): Record<string, unknown> => {
      const metrics = {
        done: true,
        done_reason: doneReason,
        total_duration: loadDuration + promptEvalDuration + evalDuration + 3_000_000,
        load_duration: loadDuration,
        prompt_eval_count: promptTokens,
        prompt_eval_duration: promptEvalDuration,
        eval_count: evalCount,
        eval_duration: evalDuration,
      };
      const base = chunkOf(last);
      delete base.done;
      if (!isChat && !raw) return { ...base, ...metrics, context: contextTokens(promptTokens + evalCount - 1) };
      return { ...base, ...metrics };
    };

    if (faults.endlessGenerate && !isChat && stream) return endless(res, m.name, faults.endlessGenerate);

    if (!stream) {
      const thinking = kept.filter((t) => t.channel === 'thinking').map((t) => t.text).join('');
      const content = kept.filter((t) => t.channel === 'content').map((t) => t.text).join('');
      const final = finalChunk(null);
      if (isChat) {
        final.message = { role: 'assistant', content, ...(thinking ? { thinking } : {}) };
      } else {
        final.response = content;
        if (thinking) final.thinking = thinking;
      }
      return sendJson(res, 200, final);
    }

    const doneText = faults.doneChunkText && kept.length > 0 ? kept[kept.length - 1] : null;
    const body_ = doneText ? kept.slice(0, -1) : kept;
    const f = faults;
    const ok = await streamLines(res, body_.map(chunkOf), (sent) => {
      if (f.midStreamError && sent === f.midStreamError.afterChunks) {
        res.end(`${JSON.stringify({ error: f.midStreamError.message ?? 'an error was encountered while running the model' })}\n`);
        completedStreams++;
        return true;
      }
      if (f.eofWithoutDone && sent === f.eofWithoutDone.afterChunks) {
        res.end();
        completedStreams++;
        return true;
      }
      if (f.stallAfterChunks !== undefined && sent === f.stallAfterChunks) return true; // keep open, send nothing
      if (f.garbageLine && sent === f.garbageLine.afterChunks) res.write(`${f.garbageLine.text}\n`);
      return false;
    });
    if (!ok) return;
    res.end(`${JSON.stringify(finalChunk(doneText))}\n`);
    completedStreams++;
  }

  /** A generation that never ends: one chunk per turn of the event loop until the client hangs up. */
  async function endless(res: ServerResponse, model: string, how: NonNullable<FakeFaults['endlessGenerate']>): Promise<void> {
    let closed = false;
    res.on('close', () => {
      closed = true;
      disconnects++;
    });
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    res.flushHeaders();
    const text = how.emptyChunks ? '' : (how.text ?? '1 ');
    while (!closed) {
      const line = `${JSON.stringify({ model, created_at: nowRfc3339Nano(), response: text, done: false })}\n`;
      if (!res.write(line)) await new Promise((r) => res.once('drain', r).once('close', r));
      await sleep(delayMs);
    }
  }

  /**
   * Write lines one by one with the token delay. `interrupt(sent)` may end or freeze the
   * stream (returns true). Returns false when the stream did not reach its end normally.
   */
  async function streamLines(
    res: ServerResponse,
    lines: Record<string, unknown>[],
    interrupt: (sent: number) => boolean,
  ): Promise<boolean> {
    let closed = false;
    let finished = false;
    res.on('close', () => {
      closed = true;
      if (!res.writableFinished && !finished) disconnects++;
    });
    res.on('finish', () => (finished = true));
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    res.flushHeaders();
    for (let i = 0; i <= lines.length; i++) {
      if (interrupt(i)) return false;
      if (i === lines.length) break;
      if (delayMs > 0) await sleep(delayMs);
      else if (i % 16 === 15) await sleep(0); // let the event loop see a client disconnect
      if (closed) return false;
      res.write(`${JSON.stringify(lines[i])}\n`);
    }
    return !closed;
  }

  // Ollama's Go http.Server sets no IdleTimeout, so it never closes an idle keep-alive
  // connection; Node's default (5 s) did, and a client reusing the socket at that moment got
  // ECONNRESET on a POST ("connection reset" in a loaded CI run). Behave like the real server.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    completions,
    get disconnects() {
      return disconnects;
    },
    get completedStreams() {
      return completedStreams;
    },
    model,
    models,
    setFault(f) {
      faults = f ?? {};
    },
    setReplay(path, chunks) {
      if (chunks) replays.set(path, chunks);
      else replays.delete(path);
    },
    setVersion(v) {
      version = v;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const MODIFIED_AT = '2025-08-01T15:55:49.3533422Z';

function tagEntry(m: FakeModelConfig): Record<string, unknown> {
  return {
    name: m.name,
    model: m.name,
    modified_at: MODIFIED_AT,
    size: 4_683_087_332,
    digest: hex(m.name).padEnd(64, '0').slice(0, 64),
    details: details(m),
    capabilities: m.capabilities,
  };
}

function details(m: FakeModelConfig): Record<string, unknown> {
  return {
    parent_model: m.details?.parent_model ?? '',
    format: m.details?.format ?? 'gguf',
    family: m.details?.family ?? 'llama',
    families: m.details?.families ?? [m.details?.family ?? 'llama'],
    parameter_size: m.details?.parameter_size ?? '1B',
    quantization_level: m.details?.quantization_level ?? 'Q4_K_M',
  };
}

/** Tokens for chat / templated generate, per the model's thinking style. */
function chatTokens(m: FakeModelConfig, thinking: string, content: string): Token[] {
  if (thinking !== '' && m.thinking === 'inline') {
    const text = `<think>\n${thinking}\n</think>\n\n${content}`;
    return tokenize(text, SPECIAL_TOKENS).map((t) => ({ text: t, channel: 'content' }));
  }
  const th = thinking === '' ? [] : tokenize(thinking, SPECIAL_TOKENS).map((t): Token => ({ text: t, channel: 'thinking' }));
  return [...th, ...tokenize(content, SPECIAL_TOKENS).map((t): Token => ({ text: t, channel: 'content' }))];
}

/**
 * Raw mode output. With the thinking parser attached (thinking model, think not false) and a
 * prompt ending inside <think>, the server reports the text up to </think> as thinking
 * (platform.md A5 gotcha); otherwise everything is `response`.
 */
function rawTokens(text: string, prompt: string, parserAttached: boolean): Token[] {
  const tokens = tokenize(text, SPECIAL_TOKENS);
  const insideThinking = prompt.lastIndexOf('<think>') > prompt.lastIndexOf('</think>');
  if (!parserAttached || !insideThinking) return tokens.map((t) => ({ text: t, channel: 'content' }));
  const out: Token[] = [];
  let channel: Token['channel'] = 'thinking';
  for (const t of tokens) {
    if (channel === 'thinking' && t === '</think>') {
      channel = 'content';
      continue;
    }
    out.push({ text: t, channel });
  }
  return out;
}

/** Apply stop strings (cut before the first match) and num_predict (⇒ done_reason "length"). */
function truncate(tokens: Token[], stop: string[], limit: number): { kept: Token[]; doneReason: string } {
  let text = '';
  const kept: Token[] = [];
  for (const t of tokens) {
    if (kept.length >= limit) return { kept, doneReason: 'length' };
    const before = text.length;
    text += t.text;
    let cut = -1;
    for (const s of stop) {
      const at = text.indexOf(s, Math.max(0, before - s.length + 1));
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) {
      const keepText = text.slice(before, cut);
      if (keepText !== '') kept.push({ text: keepText, channel: t.channel });
      return { kept, doneReason: 'stop' };
    }
    kept.push(t);
  }
  return { kept, doneReason: 'stop' };
}

function messagesText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  return messages
    .map((m) => (m && typeof m === 'object' && typeof (m as { content?: unknown }).content === 'string' ? (m as { content: string }).content : ''))
    .join('\n');
}

function contextTokens(n: number): number[] {
  return Array.from({ length: n }, (_, i) => 151644 + (i % 97));
}

function sendJson(res: ServerResponse, status: number, body: unknown, head = false): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(head ? undefined : text);
}

function sendText(res: ServerResponse, status: number, text: string, head = false): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(head ? undefined : text);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function hex(s: string): string {
  return Buffer.from(s).toString('hex');
}

/** RFC3339Nano in UTC, trailing zeros of the fraction trimmed (Go's time.RFC3339Nano). */
export function nowRfc3339Nano(): string {
  const ms = Date.now();
  const sub = Number(process.hrtime.bigint() % 1_000_000n); // pseudo sub-millisecond digits
  const iso = new Date(ms).toISOString(); // 2025-08-01T15:55:49.353Z
  const fraction = `${iso.slice(20, 23)}${String(sub).padStart(6, '0')}`.replace(/0+$/, '');
  return `${iso.slice(0, 19)}${fraction ? `.${fraction}` : ''}Z`;
}

function compare(a: string, b: string): number {
  const pa = a.split(/[-+]/)[0].split('.').map(Number);
  const pb = b.split(/[-+]/)[0].split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] || 0) - (pb[i] || 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
