/**
 * The fake model's side of the model-based answer reader (src/runs/answer-model.ts): a prompt
 * with the reader's `<excerpt>` block gets a scripted reply for the excerpts below (in the
 * reply forms real models use: bare, "The answer: X.", boxed), NONE for any other. Scripted,
 * not computed: the tests check the reader's mechanics, not the fake's reading.
 */
export const READER_REPLIES: { excerptIncludes: string; reply: string }[] = [
  { excerptIncludes: 'So the class ran a hundred and twelve laps in all.', reply: '112' },
  { excerptIncludes: 'the product of length and width is 360', reply: 'The answer: 360.' },
  { excerptIncludes: 'That gives l = 38, area 608.', reply: '\\boxed{608}' },
  { excerptIncludes: '20 - 12 = 8, not 6.', reply: '8' },
];

/** The reply to a reader prompt, or null when the prompt is not one. */
export function readerReply(prompt: string): string | null {
  const open = prompt.indexOf('<excerpt>');
  const close = prompt.lastIndexOf('</excerpt>');
  if (open < 0 || close < open || !prompt.includes('NONE')) return null;
  const excerpt = prompt.slice(open, close);
  return READER_REPLIES.find((r) => excerpt.includes(r.excerptIncludes))?.reply ?? 'NONE';
}
