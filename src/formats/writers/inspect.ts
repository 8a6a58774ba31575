/**
 * Inspect AI eval logs (`.json`, the whole EvalLog in one file), with one sample per trace. The
 * shape follows UKGovernmentBEIS/inspect_ai @ 499e6152:
 *   EvalLog     src/inspect_ai/log/_log.py:1130-1173 (version 2, status, eval, samples; EvalStatus :59)
 *   EvalSpec    src/inspect_ai/log/_log.py:930-1005 (required: created, task, dataset, model, config)
 *   EvalDataset src/inspect_ai/log/_log.py:871-886
 *   EvalSample  src/inspect_ai/log/_log.py:400-436 (id, epoch, input, target, messages, output, scores, metadata)
 *   messages    src/inspect_ai/model/_chat_message.py:20-32 (content: str | list[Content], source),
 *               :147-166 (user; assistant with `model`)
 *   ContentReasoning src/inspect_ai/_util/content.py:32-50 ({type: "reasoning", reasoning, …}),
 *   ContentText      src/inspect_ai/_util/content.py:16-22 ({type: "text", text})
 *   ModelOutput src/inspect_ai/model/_model_output.py:259-271 (model, choices, completion);
 *               ChatCompletionChoice :224-230 (message, stop_reason); StopReason :95-102
 *   Score       src/inspect_ai/scorer/_metric.py:91-105 (value, answer, explanation); CORRECT "C" :36, INCORRECT "I" :39
 * The problem is the sample's `input` and its user message; the thinking is a ContentReasoning
 * block of the assistant message (left out when the trace has none), the answer its text block;
 * gold is `target` (`target: str | list[str]`, _log.py:415; a trace without gold gets the empty
 * list, which says "no target" apart from an empty string). Read back by src/formats/inspect.ts.
 * Pure.
 */
import type { Trace } from '../../core/trace';
import { answerMarkupProblem, type UnwritableTrace } from './common';

export interface InspectContentReasoning {
  type: 'reasoning';
  reasoning: string;
  redacted: false;
}
export interface InspectContentText {
  type: 'text';
  text: string;
}
export interface InspectAssistantMessage {
  role: 'assistant';
  content: (InspectContentReasoning | InspectContentText)[];
  source: 'generate';
  model?: string;
}
export interface InspectUserMessage {
  role: 'user';
  content: string;
  source: 'input';
}
export interface InspectScore {
  value: 'C' | 'I';
  answer?: string;
  explanation?: string;
}
export interface InspectSample {
  id: string;
  epoch: number;
  input: string;
  target: string | string[];
  messages: [InspectUserMessage, InspectAssistantMessage];
  output: {
    model: string;
    choices: { message: InspectAssistantMessage; stop_reason: 'stop' | 'max_tokens' }[];
    completion: string;
  };
  scores?: Record<string, InspectScore>;
  metadata: Record<string, unknown>;
}
export interface InspectEvalLog {
  version: 2;
  status: 'success';
  eval: {
    created: string;
    task: string;
    dataset: { name: string; samples: number; sample_ids: string[] };
    model: string;
    config: Record<string, never>;
  };
  samples: InspectSample[];
}

export interface InspectLogOptions {
  /** ISO time of the log (a writer is pure: the caller reads the clock). */
  created: string;
  /** Task name (default "reasoning-lens-export"). */
  task?: string;
  /** Dataset name, e.g. the input file's name. */
  dataset?: string;
}

/** The name our graded final answer is stored under in each sample's `scores`. */
export const INSPECT_SCORER = 'reasoning_lens';

/** The sample for a trace, or why it cannot be one (an answer holding reasoning markup, as for the chat writers). */
export function toInspectSample(t: Trace): InspectSample | UnwritableTrace {
  const problem = answerMarkupProblem(t);
  if (problem) return problem;
  const content: InspectAssistantMessage['content'] = [];
  if (t.thinking !== '') content.push({ type: 'reasoning', reasoning: t.thinking, redacted: false });
  content.push({ type: 'text', text: t.response });
  const assistant: InspectAssistantMessage = { role: 'assistant', content, source: 'generate' };
  if (t.model) assistant.model = t.model;
  const sample: InspectSample = {
    id: t.id,
    epoch: 1,
    input: t.problem,
    target: t.gold ?? [],
    messages: [{ role: 'user', content: t.problem, source: 'input' }, assistant],
    output: { model: t.model ?? '', choices: [{ message: assistant, stop_reason: t.truncated ? 'max_tokens' : 'stop' }], completion: t.response },
    metadata: { source: t.source.kind },
  };
  if (t.final.correct === true || t.final.correct === false) {
    const score: InspectScore = { value: t.final.correct ? 'C' : 'I' };
    if (t.final.answer !== null) score.answer = t.final.answer;
    if (t.final.reason !== undefined) score.explanation = t.final.reason;
    sample.scores = { [INSPECT_SCORER]: score };
  }
  return sample;
}

/** One EvalLog holding every trace it can carry as a sample; its model is the traces' model when they share one. */
export function toInspectLog(traces: readonly Trace[], opts: InspectLogOptions): { log: InspectEvalLog; skipped: UnwritableTrace[] } {
  const samples: InspectSample[] = [];
  const skipped: UnwritableTrace[] = [];
  for (const t of traces) {
    const s = toInspectSample(t);
    if ('reason' in s) skipped.push(s);
    else samples.push(s);
  }
  const models = [...new Set(samples.map((s) => s.output.model))];
  const log: InspectEvalLog = {
    version: 2,
    status: 'success',
    eval: {
      created: opts.created,
      task: opts.task ?? 'reasoning-lens-export',
      dataset: { name: opts.dataset ?? 'reasoning-lens-export', samples: samples.length, sample_ids: samples.map((s) => s.id) },
      model: models.length === 1 ? models[0] || 'unknown' : 'mixed',
      config: {},
    },
    samples,
  };
  return { log, skipped };
}
