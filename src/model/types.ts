/**
 * The contract between model access (src/model) and runs (src/runs).
 * Runs depend only on these types; src/model/ollama*.ts implements them with the official
 * `ollama` client (the only place that imports it). A later OpenAI-compatible backend
 * implements the same interface.
 */

export type ThinkSetting = boolean | 'low' | 'medium' | 'high';

/** Family decides the raw prompt template used for forced answers and continuation. */
export type ModelFamily = 'deepseek-r1' | 'qwq' | 'qwen3' | 'gpt-oss' | 'generic';

export interface ModelInfo {
  name: string;
  family: ModelFamily;
  /** Raw `details.family` / `details.families` from the server. */
  serverFamily?: string;
  capabilities: string[];
  supportsThinking: boolean;
  /** Levels accepted by `think` (gpt-oss: low/medium/high); empty when only booleans. */
  thinkLevels: string[];
  template?: string;
  parameterSize?: string;
  quantization?: string;
  contextLength?: number;
}

export interface ModelSummary {
  name: string;
  size: number;
  modifiedAt: string;
  family?: string;
  parameterSize?: string;
  capabilities?: string[];
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
  thinking?: string;
}

export interface SamplingOptions {
  temperature?: number;
  top_p?: number;
  top_k?: number;
  seed?: number;
  num_predict?: number;
  num_ctx?: number;
  stop?: string[];
}

/** Final statistics from Ollama's done chunk (durations converted to ms). */
export interface StreamStats {
  doneReason: string | null;
  totalDurationMs?: number;
  loadDurationMs?: number;
  promptEvalCount?: number;
  evalCount?: number;
  evalDurationMs?: number;
  /** Set when WE ended the stream at a StreamLimits cap (doneReason is then "limit"). */
  cappedBy?: CapKind;
}

/** Which of our own caps ended a stream: its chunk count, or its wall time. */
export type CapKind = 'tokens' | 'time';

/**
 * Caps we enforce on a stream whatever the server does (a server may ignore num_predict and
 * stream forever). Reaching one ends the stream normally, with the text so far and
 * `cappedBy` in its stats. Requests with num_predict get default caps (src/model/limits.ts).
 */
export interface StreamLimits {
  /** Chunks read (every chunk counts, empty ones too), about one per token on Ollama. */
  maxChunks?: number;
  /** Wall time from the first byte of the answer (the wait before it is the connect timeout). */
  maxMs?: number;
}

/** One piece of a stream: thinking text and/or answer text, in arrival order. */
export interface StreamDelta {
  thinking: string;
  content: string;
}

export interface StreamHandle {
  /** Deltas in arrival order; ends after the done chunk (its text included). */
  deltas: AsyncIterable<StreamDelta>;
  /** Resolves with the done chunk's stats once the stream has ended normally. */
  stats: Promise<StreamStats>;
  /** Abort the HTTP request (the server sees the connection close). */
  abort(): void;
  /** Problems seen but survived (a line that is not JSON, skipped), each naming the host; filled as they occur. */
  readonly warnings?: readonly string[];
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  think?: ThinkSetting;
  options?: SamplingOptions;
  keepAlive?: string | number;
}

export interface RawGenerateRequest {
  model: string;
  /** Fully rendered prompt (template applied by us): raw mode. */
  prompt: string;
  options?: SamplingOptions;
  /** Our own caps; default from options.num_predict (src/model/limits.ts). */
  limits?: StreamLimits;
}

export interface RawGenerateResult {
  text: string;
  doneReason: string | null;
  evalCount: number;
  promptEvalCount?: number;
  /** Set when our cap, not the server, ended the answer. */
  cappedBy?: CapKind;
  /** As StreamHandle.warnings. */
  warnings?: string[];
}

export interface PullProgress {
  status: string;
  digest?: string;
  total?: number;
  completed?: number;
}

/** Everything a run needs from a model server. */
export interface ModelBackend {
  readonly host: string;
  version(): Promise<string>;
  list(): Promise<ModelSummary[]>;
  /** `signal` ends the wait at once (the request itself stays bounded by the backend's timeout). */
  show(model: string, signal?: AbortSignal): Promise<ModelInfo>;
  /** Streaming chat with thinking (separate field or inline <think> tags, both handled). */
  chat(req: ChatRequest): StreamHandle;
  /** Streaming raw generation (continuation of a rendered prompt, e.g. after "Wait"). */
  generateRawStream(req: RawGenerateRequest): StreamHandle;
  /** Non-streaming raw generation (forced-answer probes); abortable through the signal. */
  generateRaw(req: RawGenerateRequest, signal?: AbortSignal): Promise<RawGenerateResult>;
  pull(model: string, onProgress: (p: PullProgress) => void, signal?: AbortSignal): Promise<void>;
}

/** Error with a message a user can act on; `kind` lets front ends offer the right action. */
export type ModelErrorKind =
  | 'unreachable'
  | 'not-ollama'
  | 'model-missing'
  | 'think-unsupported'
  | 'server-too-old'
  | 'stream-incomplete'
  | 'stream-error'
  | 'bad-request'
  | 'timeout'
  | 'cancelled'
  | 'unknown';

export class ModelError extends Error {
  constructor(
    readonly kind: ModelErrorKind,
    message: string,
    readonly detail?: { host?: string; model?: string; status?: number; cause?: unknown },
  ) {
    super(message);
    this.name = 'ModelError';
  }
}
