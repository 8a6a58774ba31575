/**
 * Wire-level helpers for OpenAI-compatible servers (vLLM, SGLang, llama.cpp, DeepSeek API,
 * Ollama's /v1): Server-Sent-Events framing and splitting inline <think>…</think> out of
 * content for servers that run without a reasoning parser.
 */
import type { StreamDelta } from './types';

/** Yields the `data:` payload of each SSE event ("[DONE]" included) from a byte stream. */
export async function* sseData(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    yield* drainEvents();
  }
  buffer += decoder.decode();
  buffer += '\n\n';
  yield* drainEvents();

  function* drainEvents(): Generator<string> {
    // Events end at a blank line; accept \n\n and \r\n\r\n.
    for (;;) {
      const m = /\r?\n\r?\n/.exec(buffer);
      if (!m) return;
      const event = buffer.slice(0, m.index);
      buffer = buffer.slice(m.index + m[0].length);
      const data = event
        .split(/\r?\n/)
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).replace(/^ /, ''))
        .join('\n');
      if (data !== '') yield data;
    }
  }
}

const OPEN = '<think>';
const CLOSE = '</think>';

/** Length of the longest suffix of `text` that is a proper prefix of `tag` (a tag split across chunks). */
function partialTagSuffix(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) {
    if (tag.startsWith(text.slice(text.length - n))) return n;
  }
  return 0;
}

/**
 * Routes content text into thinking and answer parts. Starts undecided: leading "<think>"
 * opens thinking; with `assumeThinking` (R1/QwQ templates put "<think>\n" in the prompt, so the
 * output starts inside thinking) content counts as thinking until "</think>". A separate
 * reasoning field seen first means the server already splits, and content is plain content.
 */
export class InlineThinkSplitter {
  private state: 'undecided' | 'thinking' | 'content' = 'undecided';
  private held = '';

  constructor(private readonly assumeThinking = false) {}

  /** The server sent a separate reasoning field: content is never thinking. */
  sawReasoningField(): void {
    if (this.state === 'undecided') this.state = 'content';
  }

  push(text: string): StreamDelta {
    const out: StreamDelta = { thinking: '', content: '' };
    this.held += text;
    for (;;) {
      if (this.state === 'undecided') {
        const trimmed = this.held.trimStart();
        if (trimmed.startsWith(OPEN)) {
          this.held = trimmed.slice(OPEN.length).replace(/^\n/, '');
          this.state = 'thinking';
          continue;
        }
        if (OPEN.startsWith(trimmed)) return out; // could still become "<think>"
        this.state = this.assumeThinking ? 'thinking' : 'content';
        continue;
      }
      if (this.state === 'thinking') {
        const close = this.held.indexOf(CLOSE);
        if (close >= 0) {
          out.thinking += this.held.slice(0, close);
          this.held = this.held.slice(close + CLOSE.length).replace(/^\n+/, '');
          this.state = 'content';
          continue;
        }
        const keep = partialTagSuffix(this.held, CLOSE);
        out.thinking += this.held.slice(0, this.held.length - keep);
        this.held = this.held.slice(this.held.length - keep);
        return out;
      }
      out.content += this.held;
      this.held = '';
      return out;
    }
  }

  /** End of stream: whatever is held back belongs to the current part. */
  flush(): StreamDelta {
    const rest = this.held;
    this.held = '';
    if (this.state === 'thinking' || (this.state === 'undecided' && this.assumeThinking)) return { thinking: rest, content: '' };
    return { thinking: '', content: rest };
  }
}
