/**
 * A plain text file is one trace: the model output with its markup (`<think>`…`</think>`,
 * Sky-T1 or harmony tags). Text before `<think>` (or an alias: `<thinking>`, …) is taken as the problem; a line there that
 * reads `Gold: <answer>` gives the gold answer.
 */
import type { TraceInput } from '../core/annotate';
import type { ImportedRecord } from './types';

export function fromPlainText(text: string, path: string): ImportedRecord[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const thinkAt = body.search(/<(think|thinking|reasoning|reason|thought)>/); // the aliases of src/core/thinking
  let problem = thinkAt > 0 ? body.slice(0, thinkAt) : '';
  let gold: string | null = null;
  const goldLine = /^[ \t]*gold:[ \t]*(.*?)[ \t]*\r?$/im.exec(problem);
  if (goldLine) {
    gold = goldLine[1] || null;
    problem = problem.slice(0, goldLine.index) + problem.slice(goldLine.index + goldLine[0].length);
  }
  problem = problem.trim();
  const input: TraceInput = { problem, gold, model: null, source: { kind: 'import:text', path, line: 1 }, raw: body };
  return [{ input }];
}
