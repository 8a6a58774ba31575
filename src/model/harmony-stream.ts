/**
 * Streaming splitter for raw gpt-oss (harmony) output: analysis text until `<|end|>`, then a
 * header such as `<|start|>assistant<|channel|>final<|message|>`, then the answer. Same shape
 * as InlineThinkSplitter (push/finish). Only the harmony control tokens are removed; a token
 * split across chunks is held back until the next chunk decides it.
 */

const CONTROL_TOKENS = ['<|end|>', '<|start|>', '<|channel|>', '<|message|>', '<|return|>', '<|call|>', '<|constrain|>'];
const LONGEST = Math.max(...CONTROL_TOKENS.map((t) => t.length));

export class HarmonyStreamSplitter {
  /** Which channel the text belongs to: thinking (analysis/commentary) or content (final). */
  private target: 'thinking' | 'content';
  /** Inside a header (between <|start|>/<|channel|> and <|message|>): text is the channel name. */
  private inHeader = false;
  private header = '';
  private pending = '';

  constructor(opts: { startInThinking?: boolean } = {}) {
    this.target = opts.startInThinking ? 'thinking' : 'content';
  }

  push(chunk: string): { thinking: string; content: string } {
    return this.run(this.pending + chunk, false);
  }

  finish(): { thinking: string; content: string } {
    return this.run(this.pending, true);
  }

  private run(input: string, final: boolean): { thinking: string; content: string } {
    this.pending = '';
    const out = { thinking: '', content: '' };
    let i = 0;
    while (i < input.length) {
      const lt = input.indexOf('<|', i);
      if (lt < 0) {
        // A lone "<" at the end may be the start of the next chunk's token.
        const hold = !final && input.endsWith('<') ? 1 : 0;
        this.emit(out, input.slice(i, input.length - hold));
        this.pending = input.slice(input.length - hold);
        break;
      }
      this.emit(out, input.slice(i, lt));
      const token = CONTROL_TOKENS.find((t) => input.startsWith(t, lt));
      if (token) {
        this.control(token);
        i = lt + token.length;
        continue;
      }
      const rest = input.slice(lt);
      if (!final && rest.length < LONGEST && CONTROL_TOKENS.some((t) => t.startsWith(rest))) {
        this.pending = rest;
        break;
      }
      this.emit(out, '<|');
      i = lt + 2;
    }
    return out;
  }

  private control(token: string): void {
    if (token === '<|start|>' || token === '<|channel|>') {
      // A space separates role and channel name: text pieces may split a name ("f" + "inal").
      this.header = token === '<|start|>' ? '' : `${this.header} `;
      this.inHeader = true;
    } else if (token === '<|message|>') {
      // The header reads e.g. "assistant" + "final"; only the final channel is the answer.
      this.target = /\bfinal\b/.test(this.header) ? 'content' : 'thinking';
      this.inHeader = false;
      this.header = '';
    } else if (token === '<|end|>' || token === '<|return|>' || token === '<|call|>') {
      this.inHeader = false;
    }
  }

  private emit(out: { thinking: string; content: string }, text: string): void {
    if (text === '') return;
    if (this.inHeader) {
      this.header += text;
      return;
    }
    out[this.target] += text;
  }
}
