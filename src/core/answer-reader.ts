/**
 * The model-based answer reader's fixed prompt and the reading of its reply (pure; the model
 * call is src/runs/answer-model.ts). The prompt asks one thing: the answer to the problem that
 * the excerpt states, or NONE. It is versioned: a changed prompt must not reuse cached replies.
 */
import { lastBoxed } from './answers/extract';
import { traceId } from './annotate';

export const ANSWER_READER_VERSION = 1;

/** Excerpts longer than this are cut to their end (where answers are stated), to bound the prompt. */
export const MAX_EXCERPT_CHARS = 6000;

export function answerReaderPrompt(problem: string, excerpt: string): string {
  const text = excerpt.length > MAX_EXCERPT_CHARS ? `…${excerpt.slice(-MAX_EXCERPT_CHARS)}` : excerpt;
  return [
    'Below are a math problem and an excerpt from someone\'s reasoning about it.',
    'Does the excerpt state an answer to the problem (the quantity the problem asks for, not an intermediate step value)?',
    'Reply with only that answer (a number, expression, letter or set, without units), or with NONE if the excerpt states no answer to the problem.',
    '',
    '<problem>',
    problem.trim(),
    '</problem>',
    '',
    '<excerpt>',
    text.trim(),
    '</excerpt>',
  ].join('\n');
}

/**
 * The answer in a reply: null for NONE (or an empty or rambling reply). Accepts the forms models
 * add despite the instruction: `Answer: X`, `\boxed{X}`, `$X$`, a trailing period.
 */
export function parseReaderReply(reply: string): string | null {
  let v = reply.replace(/<think>[\s\S]*?<\/think>/g, '').trim();
  const boxed = lastBoxed(v);
  if (boxed !== null && boxed.trim() !== '') return boxed.trim();
  v = v.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '')[0] ?? '';
  v = v.replace(/^\**\s*(?:the\s+)?(?:final\s+)?answer\b(?:\s+is\b)?\s*[:：]?\s*\**\s*/i, '').trim();
  v = v.replace(/^\$+|\$+$/g, '').replace(/^\\\(|\\\)$/g, '').replace(/[.。]\s*$/, '').trim();
  if (v === '' || /^(?:none|n\/a|no answer|null)\b/i.test(v)) return null;
  // A sentence is not an answer: the reply did not follow the format.
  if (v.length > 80 || /\b[a-z]{3,}\s+[a-z]{3,}\s+[a-z]{3,}\b/i.test(v)) return null;
  return v;
}

/** Cache key of one episode's reading: the prompt version, problem and excerpt (cyrb53 via traceId). */
export function readerCacheKey(model: string, problem: string, excerpt: string): string {
  return `v${ANSWER_READER_VERSION}:${model}:${traceId(problem, excerpt)}`;
}
