/**
 * gpt-oss conversations rendered in the harmony format (openai/harmony; OpenAI cookbook "OpenAI
 * harmony response format"): messages `<|start|>{role}[<|channel|>{channel}]<|message|>{text}`
 * ended by `<|end|>`, `<|return|>` (the last answer) or `<|call|>` (a tool call); a completion
 * that starts inside an assistant message begins with `<|channel|>` alone. Channels: `analysis`
 * (the chain of thought), `commentary` (tool preambles), `final` (the answer).
 * One trace per user turn that has assistant messages: the problem is the user message, the
 * assistant part is split by src/core/thinking.ts (its harmony split: analysis and commentary
 * are thinking, final is the answer), and system/developer messages are kept in source.extra.
 */
import type { TraceInput } from '../core/annotate';
import { splitThinking } from '../core/thinking';
import type { ImportedRecord } from './types';

const START = '<|start|>';
const CHANNEL = '<|channel|>';
const MESSAGE = '<|message|>';
const ENDS = ['<|end|>', '<|return|>', '<|call|>'];

/** A whole file in harmony: it opens with a harmony token and has a message in it. */
export function looksLikeHarmonyText(text: string): boolean {
  const head = text.replace(/^\ufeff/, '').trimStart();
  return (head.startsWith(START) || head.startsWith(CHANNEL)) && head.includes(MESSAGE);
}

export interface HarmonyMessage {
  role: string;
  channel: string | null;
  /** The header as written (role, channel, `to=…`, `<|constrain|>…`). */
  header: string;
  body: string;
  /** Offsets of the message in the text: from its first token to after its end token. */
  start: number;
  end: number;
  /** Ended by a token, not by the end of the text. */
  closed: boolean;
}

function nextAt(text: string, tokens: string[], from: number): { at: number; token: string } | null {
  let best: { at: number; token: string } | null = null;
  for (const token of tokens) {
    const at = text.indexOf(token, from);
    if (at >= 0 && (best === null || at < best.at)) best = { at, token };
  }
  return best;
}

export function parseHarmonyMessages(text: string): HarmonyMessage[] {
  const out: HarmonyMessage[] = [];
  let pos = 0;
  for (;;) {
    const opener = nextAt(text, [START, CHANNEL], pos);
    if (!opener) break;
    const headerFrom = opener.token === START ? opener.at + START.length : opener.at;
    const msg = text.indexOf(MESSAGE, headerFrom);
    if (msg < 0) break;
    const header = text.slice(headerFrom, msg);
    const channelAt = header.indexOf(CHANNEL);
    const role = opener.token === START ? (channelAt >= 0 ? header.slice(0, channelAt) : header).trim().split(/\s+/)[0] : 'assistant';
    const channel = channelAt >= 0 ? (header.slice(channelAt + CHANNEL.length).trim().split(/\s|<\|/)[0] ?? null) : null;
    const bodyFrom = msg + MESSAGE.length;
    const stop = nextAt(text, [...ENDS, START], bodyFrom);
    const bodyEnd = stop ? stop.at : text.length;
    const closed = stop !== null && stop.token !== START;
    const end = closed ? bodyEnd + stop.token.length : bodyEnd;
    out.push({ role, channel, header: header.trim(), body: text.slice(bodyFrom, bodyEnd), start: opener.at, end, closed });
    pos = end;
  }
  return out;
}

export function fromHarmonyText(text: string, path: string): ImportedRecord[] {
  const body = text.replace(/^\ufeff/, '');
  const messages = parseHarmonyMessages(body);
  const preamble: Record<string, string> = {};
  const turns: { problem: string; assistant: HarmonyMessage[] }[] = [];
  let current: { problem: string; assistant: HarmonyMessage[] } | null = null;
  for (const m of messages) {
    if (m.role === 'user') {
      current = { problem: m.body, assistant: [] };
      turns.push(current);
    } else if (m.role === 'assistant') {
      if (!current) {
        current = { problem: '', assistant: [] };
        turns.push(current);
      }
      current.assistant.push(m);
    } else if (m.role === 'system' || m.role === 'developer') {
      preamble[m.role] = m.role in preamble ? `${preamble[m.role]}\n\n${m.body}` : m.body;
    }
    // Tool results (role `functions.x`) stay in the text of the turn they answer.
  }
  const answered = turns.filter((t) => t.assistant.length > 0);
  return answered.map((t, n) => {
    const first = t.assistant[0];
    const last = t.assistant[t.assistant.length - 1];
    const split = splitThinking(body.slice(first.start, last.end));
    const withChannels = split.format === 'harmony';
    const extra: Record<string, unknown> = { ...preamble, messages: t.assistant.length, channels: t.assistant.map((m) => m.channel ?? '') };
    if (withChannels && split.thinking !== '') extra.reasoningFrom = 'harmony-analysis';
    else extra.noReasoning = true;
    const input: TraceInput = {
      problem: t.problem.trim(),
      gold: null,
      model: null,
      source: { kind: 'import:harmony', path, line: 1 + countNewlines(body, first.start), extra },
      thinking: withChannels ? split.thinking : '',
      response: withChannels ? split.response : t.assistant.map((m) => m.body).join('').trim(),
      truncated: withChannels ? split.truncated : !last.closed,
    };
    if (answered.length > 1) input.id = `turn${n + 1}`;
    return { input };
  });
}

function countNewlines(text: string, until: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < until; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
