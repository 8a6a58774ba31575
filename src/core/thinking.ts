/**
 * Separating a model's thinking from its answer, for the markups reasoning models use:
 *   think-tags        `<think>` … `</think>` answer  (DeepSeek-R1 and distills, QwQ, Qwen3); also
 *                     `<thinking>`, `<reasoning>`, `<reason>`, `<thought>` (THINKING_TAG_NAMES);
 *                     text before `<think>` (e.g. the prompt in Thought Anchors files) is dropped
 *   think-close-only  thinking `</think>` answer      (the chat template injected `<think>`)
 *   sky-t1            `<|begin_of_thought|>` … `<|end_of_thought|>` `<|begin_of_solution|>` … `<|end_of_solution|>`
 *   harmony           `<|channel|>analysis<|message|>` … `<|end|>` … `<|channel|>final<|message|>` … (gpt-oss)
 *   plain             no markup: all of it is the answer
 * Thinking is returned verbatim (offsets of episodes point into it); the response is trimmed.
 * A trace cut off before the end of its thinking gives `truncated: true` and response ''.
 * Pure: no I/O.
 */

export type ThinkingFormat = 'think-tags' | 'think-close-only' | 'sky-t1' | 'harmony' | 'plain';

export interface SplitResult {
  thinking: string;
  response: string;
  truncated: boolean;
  format: ThinkingFormat;
}

export const THINK_OPEN = '<think>';
export const THINK_CLOSE = '</think>';
/**
 * Tag names models and datasets use for the thinking block, all read like `<think>`:
 * `<thinking>` (Claude-style prompts, many SFT sets), `<reason>`/`<reasoning>` (GRPO recipes),
 * `<thought>`. Sky-T1's `<|begin_of_thought|>` is handled on its own (it has a solution block).
 */
export const THINKING_TAG_NAMES = ['think', 'thinking', 'reasoning', 'reason', 'thought'] as const;
const TAG_ALTERNATIVES = THINKING_TAG_NAMES.join('|');
const THINK_OPEN_ANY = new RegExp(`<(${TAG_ALTERNATIVES})>`);
const THINK_CLOSE_ANY = new RegExp(`</(${TAG_ALTERNATIVES})>`);
const SKY_THOUGHT_OPEN = '<|begin_of_thought|>';
const SKY_THOUGHT_CLOSE = '<|end_of_thought|>';
const SKY_SOLUTION_OPEN = '<|begin_of_solution|>';
const SKY_SOLUTION_CLOSE = '<|end_of_solution|>';
const HARMONY_CHANNEL = '<|channel|>';
const HARMONY_MESSAGE = '<|message|>';
/** Tokens that end a harmony message (or start the next one). */
const HARMONY_MESSAGE_ENDS = ['<|end|>', '<|return|>', '<|call|>', '<|start|>', HARMONY_CHANNEL];

export function splitThinking(raw: string): SplitResult {
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  if (text.includes(SKY_THOUGHT_OPEN) || text.includes(SKY_THOUGHT_CLOSE)) return splitSkyT1(text);
  if (text.includes(HARMONY_CHANNEL) && text.includes(HARMONY_MESSAGE)) {
    const harmony = splitHarmony(text);
    if (harmony) return harmony;
  }
  const open = THINK_OPEN_ANY.exec(text);
  const close = THINK_CLOSE_ANY.exec(text);
  if (open && (!close || open.index < close.index)) {
    const from = open.index + open[0].length;
    const closeTag = `</${open[1]}>`;
    const end = text.indexOf(closeTag, from);
    if (end < 0) return { thinking: text.slice(from), response: '', truncated: true, format: 'think-tags' };
    return {
      thinking: text.slice(from, end),
      response: text.slice(end + closeTag.length).trim(),
      truncated: false,
      format: 'think-tags',
    };
  }
  if (close) {
    return {
      thinking: text.slice(0, close.index),
      response: text.slice(close.index + close[0].length).trim(),
      truncated: false,
      format: 'think-close-only',
    };
  }
  return { thinking: '', response: text.trim(), truncated: false, format: 'plain' };
}

function splitSkyT1(text: string): SplitResult {
  const open = text.indexOf(SKY_THOUGHT_OPEN);
  const from = open >= 0 ? open + SKY_THOUGHT_OPEN.length : 0;
  const end = text.indexOf(SKY_THOUGHT_CLOSE, from);
  if (end < 0) return { thinking: text.slice(from), response: '', truncated: true, format: 'sky-t1' };
  const after = text.slice(end + SKY_THOUGHT_CLOSE.length);
  const solOpen = after.indexOf(SKY_SOLUTION_OPEN);
  let response = after;
  if (solOpen >= 0) {
    const solFrom = solOpen + SKY_SOLUTION_OPEN.length;
    const solEnd = after.indexOf(SKY_SOLUTION_CLOSE, solFrom);
    response = solEnd >= 0 ? after.slice(solFrom, solEnd) : after.slice(solFrom);
  }
  return { thinking: text.slice(from, end), response: response.trim(), truncated: false, format: 'sky-t1' };
}

/** Harmony: analysis (and commentary) messages are thinking; the final message is the answer. */
function splitHarmony(text: string): SplitResult | null {
  const thinkingParts: string[] = [];
  let response: string | null = null;
  let truncated = false;
  let cursor = 0;
  let sawMessage = false;
  for (;;) {
    const ch = text.indexOf(HARMONY_CHANNEL, cursor);
    if (ch < 0) break;
    const msg = text.indexOf(HARMONY_MESSAGE, ch + HARMONY_CHANNEL.length);
    if (msg < 0) break;
    // The channel header may carry extras ("commentary to=functions.x <|constrain|>json"); its first word names it.
    const header = text.slice(ch + HARMONY_CHANNEL.length, msg).trim();
    const channel = header.split(/\s|<\|/)[0];
    const bodyFrom = msg + HARMONY_MESSAGE.length;
    let bodyEnd = text.length;
    let endTokenLength = 0;
    for (const endToken of HARMONY_MESSAGE_ENDS) {
      const at = text.indexOf(endToken, bodyFrom);
      if (at >= 0 && at < bodyEnd) {
        bodyEnd = at;
        endTokenLength = endToken === HARMONY_CHANNEL ? 0 : endToken.length;
      }
    }
    sawMessage = true;
    const body = text.slice(bodyFrom, bodyEnd);
    if (channel === 'final') {
      response = (response ?? '') + body;
    } else {
      thinkingParts.push(body);
      if (bodyEnd === text.length && response === null) truncated = true;
    }
    cursor = bodyEnd + endTokenLength;
  }
  if (!sawMessage) return null;
  if (response === null) truncated = true;
  return {
    thinking: thinkingParts.join('\n\n'),
    response: truncated ? '' : (response ?? '').trim(),
    truncated,
    format: 'harmony',
  };
}

export interface InlineThinkOptions {
  /**
   * The chat template already opened the thinking block (QwQ, newer DeepSeek-R1 templates):
   * text is thinking until `</think>`. Default false: text is answer unless the stream
   * opens with `<think>` (after optional whitespace).
   */
  startInThinking?: boolean;
}

/**
 * Splits an Ollama stream whose thinking arrives inline in `content`/`response`
 * (`<think>…</think>` tags), chunk by chunk. Tags may be split across chunks: a possible
 * partial tag at the end of a chunk is held back until the next chunk decides it.
 * Nothing is dropped except the recognised tags themselves.
 */
export class InlineThinkSplitter {
  private state: 'start' | 'thinking' | 'content';
  private pending = '';
  private sawTags = false;

  constructor(opts: InlineThinkOptions = {}) {
    this.state = opts.startInThinking ? 'thinking' : 'start';
  }

  get sawThinkTags(): boolean {
    return this.sawTags;
  }

  push(contentChunk: string): { thinking: string; content: string } {
    return this.run(this.pending + contentChunk, false);
  }

  finish(): { thinking: string; content: string } {
    return this.run(this.pending, true);
  }

  private run(input: string, final: boolean): { thinking: string; content: string } {
    this.pending = '';
    let thinking = '';
    let content = '';
    let rest = input;
    while (rest.length > 0) {
      if (this.state === 'start') {
        const lead = rest.length - rest.trimStart().length;
        const body = rest.slice(lead);
        if (body.startsWith(THINK_OPEN)) {
          // Whitespace before the opening tag is not thinking; keep it as (invisible) content.
          content += rest.slice(0, lead);
          this.sawTags = true;
          this.state = 'thinking';
          rest = body.slice(THINK_OPEN.length);
          continue;
        }
        if (!final && THINK_OPEN.startsWith(body)) {
          this.pending = rest; // only whitespace or a partial "<think" so far
          break;
        }
        this.state = 'content';
        continue;
      }
      if (this.state === 'thinking') {
        const close = rest.indexOf(THINK_CLOSE);
        if (close >= 0) {
          thinking += rest.slice(0, close);
          this.sawTags = true;
          this.state = 'content';
          rest = rest.slice(close + THINK_CLOSE.length);
          continue;
        }
        const hold = final ? 0 : partialTagSuffix(rest, THINK_CLOSE);
        thinking += rest.slice(0, rest.length - hold);
        this.pending = rest.slice(rest.length - hold);
        break;
      }
      content += rest;
      break;
    }
    return { thinking, content };
  }
}

/** Length of the longest suffix of `text` that is a proper prefix of `tag`. */
function partialTagSuffix(text: string, tag: string): number {
  const max = Math.min(tag.length - 1, text.length);
  for (let n = max; n > 0; n--) {
    if (text.endsWith(tag.slice(0, n))) return n;
  }
  return 0;
}
