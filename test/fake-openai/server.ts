/**
 * A fake OpenAI-compatible server over loopback, speaking the wire protocol of vLLM/SGLang:
 * GET /v1/models, GET /version, POST /v1/chat/completions (SSE `data: {...}\n\n`, `data: [DONE]`,
 * usage in a last choice-less chunk when stream_options.include_usage), POST /v1/completions
 * (streaming or not). The model is scripted (scripted.ts). Faults can be switched on to test
 * retries and failover.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forcedAnswer, pieces, scriptFor, type Script, type ScriptedProblem } from './scripted';

export type ReasoningStyle = 'reasoning_content' | 'reasoning' | 'inline' | 'inline-no-open';

export type Fault =
  | { kind: 'none' }
  /** Answer every request with this HTTP status and an OpenAI-style error body. */
  | { kind: 'http'; status: number; message?: string }
  /** Close the connection in the middle of a stream (after `afterChunks` chunks). */
  | { kind: 'drop'; afterChunks: number }
  /** Send an error event inside the stream. */
  | { kind: 'stream-error'; message: string }
  /** Send `afterChunks` chunks, then keep the connection open without sending anything. */
  | { kind: 'stall'; afterChunks: number }
  /** Accept requests and never answer (no headers). */
  | { kind: 'hang' };

export interface FakeOpenAIOptions {
  models?: string[];
  problems?: ScriptedProblem[];
  reasoning?: ReasoningStyle;
  /** Delay between stream chunks (and before a non-streaming reply). */
  chunkDelayMs?: number;
  chunkChars?: number;
  /** Bind to this port (0 = any free port). */
  port?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

export interface FakeOpenAI {
  url: string;
  requests: RecordedRequest[];
  /** Number of requests whose client went away before the reply ended. */
  disconnects: number;
  setFault(fault: Fault): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (s += c));
    req.on('end', () => resolve(s));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whitespace-separated words stand in for tokens. */
const tokenCount = (s: string) => (s.match(/\S+/g) ?? []).length;

export async function startFakeOpenAI(opts: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const models = opts.models ?? ['deepseek-r1:1.5b'];
  const scripts = (opts.problems ?? []).map((p) => ({ problem: p.problem, script: scriptFor(p) }));
  const reasoning = opts.reasoning ?? 'reasoning_content';
  const delay = opts.chunkDelayMs ?? 0;
  const chunkChars = opts.chunkChars ?? 24;
  const requests: RecordedRequest[] = [];
  let fault: Fault = { kind: 'none' };
  let disconnects = 0;
  let counter = 0;

  const findScript = (text: string): Script => {
    const hit = scripts.find((s) => text.includes(s.problem));
    return hit?.script ?? scriptFor({ problem: text.slice(0, 60), gold: '42' });
  };

  const sendError = (res: ServerResponse, status: number, message: string, type = 'invalid_request_error') => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'error', message, type, code: status, error: { message, type, code: status } }));
  };

  async function streamChunks(req: IncomingMessage, res: ServerResponse, chunks: object[], usage: object | null, id: string, model: string, kind: string) {
    let gone = false;
    res.on('close', () => {
      if (!res.writableEnded) gone = true;
    });
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    let sent = 0;
    for (const c of chunks) {
      if (gone) break;
      if (fault.kind === 'drop' && sent >= fault.afterChunks) {
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'stall' && sent >= fault.afterChunks) return; // the client's watchdog must notice
      if (fault.kind === 'stream-error' && sent >= 1) {
        res.write(`data: ${JSON.stringify({ error: { message: fault.message, type: 'internal_error', code: 500 } })}\n\n`);
        res.end();
        return;
      }
      res.write(`data: ${JSON.stringify({ id, object: kind, created: 1_700_000_000, model, ...c })}\n\n`);
      sent++;
      if (delay) await sleep(delay);
    }
    if (gone) {
      disconnects++;
      return;
    }
    if (usage) res.write(`data: ${JSON.stringify({ id, object: kind, created: 1_700_000_000, model, choices: [], usage })}\n\n`);
    res.write('data: [DONE]\n\n');
    res.end();
  }

  async function chatCompletions(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>) {
    const model = String(body.model ?? '');
    const messages = Array.isArray(body.messages) ? (body.messages as { role: string; content: string }[]) : [];
    const userText = messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
    const script = findScript(userText);
    const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : Infinity;
    const id = `chatcmpl-${++counter}`;
    const deltas: object[] = [{ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }];
    let used = 0;
    let finish = 'stop';
    const emit = (field: 'reasoning_content' | 'reasoning' | 'content', text: string): boolean => {
      for (const p of pieces(text, chunkChars)) {
        const t = tokenCount(p);
        if (used + t > maxTokens) {
          finish = 'length';
          return false;
        }
        used += t;
        deltas.push({ choices: [{ index: 0, delta: { [field]: p }, finish_reason: null }] });
      }
      return true;
    };
    const thinkingOff = (body.chat_template_kwargs as { enable_thinking?: boolean } | undefined)?.enable_thinking === false;
    let ok = true;
    if (!thinkingOff) {
      if (reasoning === 'reasoning_content' || reasoning === 'reasoning') ok = emit(reasoning, script.thinking);
      else ok = emit('content', `${reasoning === 'inline' ? '<think>\n' : ''}${script.thinking}\n</think>\n\n`);
    }
    if (ok) emit('content', script.response);
    deltas.push({ choices: [{ index: 0, delta: {}, finish_reason: finish }] });
    const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    await streamChunks(req, res, deltas, includeUsage ? { prompt_tokens: tokenCount(userText), completion_tokens: used, total_tokens: used + tokenCount(userText) } : null, id, model, 'chat.completion.chunk');
  }

  async function completions(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>) {
    const model = String(body.model ?? '');
    const prompt = String(body.prompt ?? '');
    const script = findScript(prompt);
    // A prompt that ends inside thinking continues it; one that closed thinking gets the forced answer.
    const text = /<\/think>|Time is up|Final Answer|\\boxed\{\s*$/.test(prompt.slice(-400)) ? forcedAnswer(script, prompt) : '\n\nLet me reconsider once more.\n\n';
    const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : Infinity;
    const words = text.split(/(?<=\s)/);
    const kept = Number.isFinite(maxTokens) ? words.slice(0, Math.max(0, maxTokens)).join('') : text;
    const finish = kept.length < text.length ? 'length' : 'stop';
    const usage = { prompt_tokens: tokenCount(prompt), completion_tokens: tokenCount(kept), total_tokens: tokenCount(prompt) + tokenCount(kept) };
    const id = `cmpl-${++counter}`;
    if (body.stream === true) {
      const chunks: object[] = pieces(kept, chunkChars).map((p) => ({ choices: [{ index: 0, text: p, finish_reason: null }] }));
      chunks.push({ choices: [{ index: 0, text: '', finish_reason: finish }] });
      const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
      await streamChunks(req, res, chunks, includeUsage ? usage : null, id, model, 'text_completion');
      return;
    }
    if (delay) await sleep(delay);
    if (fault.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id, object: 'text_completion', created: 1_700_000_000, model, choices: [{ index: 0, text: kept, finish_reason: finish, logprobs: null }], usage }));
  }

  const server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const raw = req.method === 'POST' ? await readBody(req) : '';
    let body: Record<string, unknown> = {};
    if (raw) {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        requests.push({ method: req.method ?? '', path, body: raw });
        return sendError(res, 400, 'request body is not valid JSON');
      }
    }
    requests.push({ method: req.method ?? '', path, body });
    if (fault.kind === 'hang' && req.method === 'POST') return;
    if (fault.kind === 'http') return sendError(res, fault.status, fault.message ?? `fake failure ${fault.status}`, 'internal_error');
    if (req.method === 'GET' && path === '/version') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ version: '0.0.0-fake' }));
    }
    if (req.method === 'GET' && path === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ object: 'list', data: models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'fake', max_model_len: 32768 })) }));
    }
    if (req.method === 'POST' && (path === '/v1/chat/completions' || path === '/v1/completions')) {
      if (!models.includes(String(body.model))) return sendError(res, 404, `The model \`${String(body.model)}\` does not exist.`, 'NotFoundError');
      return path === '/v1/chat/completions' ? chatCompletions(req, res, body) : completions(req, res, body);
    }
    sendError(res, 404, `no route ${req.method} ${path}`);
  });

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get disconnects() {
      return disconnects;
    },
    setFault(f: Fault) {
      fault = f;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
