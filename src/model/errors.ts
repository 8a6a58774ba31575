/**
 * Turning whatever the `ollama` client or fetch throws into a ModelError whose message tells
 * the user what to do. ollama-js facts (notes/platform.md A4): HTTP errors are `ResponseError`
 * (not exported; recognised by name) with `status_code` and the server's `error` text; a
 * mid-stream {"error"} line is a plain Error; a stream without `done` ends with
 * "Did not receive done or success response in stream."; abort is a DOMException AbortError;
 * an unreachable server is undici's TypeError "fetch failed" with a `cause.code`.
 */
import { ModelError, type ModelErrorKind } from './types';

export const INCOMPLETE_STREAM_MESSAGE = 'Did not receive done or success response in stream.';
const HOST_HINT = 'change the host (setting reasoningLens.host / --host / OLLAMA_HOST)';
/** Every command that waits on a server has this flag (solve, annotate); the editor has settings. */
export const TIMEOUT_HINT = 'raise the timeout (--timeout <ms> on solve and annotate; settings reasoningLens.timeouts.connectMs / idleMs in VS Code)';

export interface ErrorContext {
  host: string;
  model?: string;
  /** What we were doing, for the message: "chat", "show", "list", "pull", ... */
  operation: string;
  /** True once the response started streaming (errors then are mid-stream). */
  streaming?: boolean;
  /** Set by our own timers when they aborted the request. */
  timedOut?: 'connect' | 'idle' | 'request';
  timeoutMs?: number;
}

export function unreachableError(host: string, cause?: unknown, reason = ''): ModelError {
  const why = reason ? ` (${reason})` : '';
  return new ModelError(
    'unreachable',
    `Could not reach Ollama at ${host}${why}: start it with \`ollama serve\` or ${HOST_HINT}.`,
    { host, cause },
  );
}

export function notOllamaError(host: string, what: string, cause?: unknown, status?: number): ModelError {
  return new ModelError(
    'not-ollama',
    `The server at ${host} does not look like Ollama (${what}). Check the port, or ${HOST_HINT}.`,
    { host, status, cause },
  );
}

export function modelMissingError(host: string, model: string, status?: number, cause?: unknown): ModelError {
  return new ModelError(
    'model-missing',
    `Model "${model}" is not installed on the Ollama server at ${host}. Run \`ollama pull ${model}\` or use the "Reasoning Lens: Pull Model" command.`,
    { host, model, status, cause },
  );
}

export function thinkUnsupportedError(host: string, model: string, cause?: unknown, status?: number): ModelError {
  return new ModelError(
    'think-unsupported',
    `Model "${model}" does not support thinking. Choose a reasoning model (e.g. deepseek-r1, qwen3, gpt-oss) or turn thinking off.`,
    { host, model, status, cause },
  );
}

export function serverTooOldError(host: string, version: string, minimum: string, feature: string): ModelError {
  return new ModelError(
    'server-too-old',
    `Ollama ${version} at ${host} is too old for ${feature} (needs ${minimum} or newer). Update Ollama (https://ollama.com/download).`,
    { host },
  );
}

export function cancelledError(ctx: ErrorContext, cause?: unknown): ModelError {
  return new ModelError('cancelled', `The ${ctx.operation} request to Ollama was cancelled.`, {
    host: ctx.host,
    model: ctx.model,
    cause,
  });
}

export function timeoutError(ctx: ErrorContext, cause?: unknown): ModelError {
  const seconds = ctx.timeoutMs !== undefined ? ` after ${formatSeconds(ctx.timeoutMs)}` : '';
  const what =
    ctx.timedOut === 'idle'
      ? `Ollama at ${ctx.host} stopped sending tokens${seconds} during ${ctx.operation}`
      : ctx.timedOut === 'connect'
        ? `Ollama at ${ctx.host} did not start answering the ${ctx.operation} request${seconds} (model still loading, or the server is stuck)`
        : `The ${ctx.operation} request to Ollama at ${ctx.host} timed out${seconds}`;
  return new ModelError('timeout', `${what}. Try again, ${TIMEOUT_HINT}, or check \`ollama ps\`.`, {
    host: ctx.host,
    model: ctx.model,
    cause,
  });
}

/** Map any thrown value to a ModelError (ModelErrors pass through unchanged). */
export function toModelError(err: unknown, ctx: ErrorContext): ModelError {
  if (err instanceof ModelError) return err;
  const e = err as { name?: string; message?: string; status_code?: number; error?: unknown; cause?: unknown };
  const name = e?.name ?? '';
  const message = typeof e?.message === 'string' ? e.message : String(err);

  if (ctx.timedOut) return timeoutError(ctx, err);
  if (name === 'TimeoutError') return timeoutError({ ...ctx, timedOut: 'request' }, err);
  if (name === 'AbortError') return cancelledError(ctx, err);

  if (name === 'ResponseError' && typeof e.status_code === 'number') {
    // OpenAI-style servers answer {"error": {"message": …}}, which ollama-js passes on as an object.
    const body: unknown = e.error;
    const text =
      typeof body === 'string' ? body : typeof (body as { message?: unknown } | null)?.message === 'string' ? (body as { message: string }).message : body == null ? message : JSON.stringify(body);
    return fromHttpError(e.status_code, text, ctx, err);
  }
  if (message === INCOMPLETE_STREAM_MESSAGE) {
    return new ModelError(
      'stream-incomplete',
      `Ollama at ${ctx.host} ended the ${ctx.operation} stream without finishing it (no final "done" message). The text received so far is kept; the server may have crashed or run out of memory.`,
      { host: ctx.host, model: ctx.model, cause: err },
    );
  }
  if (name === 'SyntaxError') {
    return notOllamaError(ctx.host, `its answer to ${ctx.operation} is not JSON`, err);
  }
  if (name === 'TypeError') {
    const code = networkCode(err);
    if (message === 'fetch failed' || code !== undefined) {
      if (ctx.streaming) {
        return new ModelError(
          'stream-incomplete',
          `The connection to Ollama at ${ctx.host} broke during ${ctx.operation}${code ? ` (${code})` : ''}. The text received so far is kept.`,
          { host: ctx.host, model: ctx.model, cause: err },
        );
      }
      return unreachableError(ctx.host, err, code ? describeNetworkCode(code) : message);
    }
    if (message === 'terminated') {
      return new ModelError(
        'stream-incomplete',
        `The connection to Ollama at ${ctx.host} closed during ${ctx.operation}. The text received so far is kept.`,
        { host: ctx.host, model: ctx.model, cause: err },
      );
    }
  }
  if (ctx.streaming && name === 'Error') {
    // ollama-js throws the text of a {"error": "..."} stream line as a plain Error.
    return classifyServerText(message, ctx, err, undefined, 'stream-error');
  }
  return new ModelError('unknown', `Ollama ${ctx.operation} failed at ${ctx.host}: ${message}`, {
    host: ctx.host,
    model: ctx.model,
    cause: err,
  });
}

function fromHttpError(status: number, text: string, ctx: ErrorContext, cause: unknown): ModelError {
  const body = text.trim();
  if (status === 404 && !/model\b.*not found/i.test(body)) {
    return notOllamaError(ctx.host, `HTTP 404 "${clip(body)}" for ${ctx.operation}`, cause, status);
  }
  if (status === 405) return notOllamaError(ctx.host, `HTTP 405 for ${ctx.operation}`, cause, status);
  if (/^\s*</.test(body)) return notOllamaError(ctx.host, `HTTP ${status} with an HTML page`, cause, status);
  const kind: ModelErrorKind = status >= 500 ? 'unknown' : 'bad-request';
  return classifyServerText(body, ctx, cause, status, kind);
}

/** Recognise Ollama's own error texts (server/routes.go) wherever they arrive. */
function classifyServerText(
  text: string,
  ctx: ErrorContext,
  cause: unknown,
  status: number | undefined,
  fallback: ModelErrorKind,
): ModelError {
  const missing = /model ['"]([^'"]+)['"] not found/i.exec(text);
  if (missing) return modelMissingError(ctx.host, ctx.model ?? missing[1], status, cause);
  if (/pull model manifest: file does not exist/i.test(text) && ctx.model) {
    return new ModelError(
      'model-missing',
      `Model "${ctx.model}" was not found in the Ollama library. Check the name and tag (e.g. "qwen3:8b") on https://ollama.com/library.`,
      { host: ctx.host, model: ctx.model, status, cause },
    );
  }
  if (/does not support thinking/i.test(text)) {
    return thinkUnsupportedError(ctx.host, ctx.model ?? quotedName(text) ?? '?', cause, status);
  }
  const detail = { host: ctx.host, model: ctx.model, status, cause };
  if (/server busy/i.test(text)) {
    return new ModelError('unknown', `Ollama at ${ctx.host} is busy (${clip(text)}). Try again in a moment.`, detail);
  }
  if (fallback === 'stream-error') {
    return new ModelError(
      'stream-error',
      `Ollama reported an error during ${ctx.operation}: ${clip(text)}. The text received so far is kept.`,
      detail,
    );
  }
  const code = status !== undefined ? `HTTP ${status}: ` : '';
  return new ModelError(fallback, `Ollama rejected the ${ctx.operation} request (${code}${clip(text)}).`, detail);
}

function networkCode(err: unknown): string | undefined {
  let c: unknown = (err as { cause?: unknown })?.cause;
  for (let depth = 0; c && depth < 4; depth++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    c = (c as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeNetworkCode(code: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'ECONNRESET':
      return 'connection reset';
    default:
      return code;
  }
}

function quotedName(text: string): string | undefined {
  return /"([^"]+)"/.exec(text)?.[1];
}

function clip(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function formatSeconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
