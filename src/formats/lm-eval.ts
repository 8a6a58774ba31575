/**
 * lm-evaluation-harness `--log_samples` output (`samples_<task>_<date>.jsonl`), fields as
 * EleutherAI/lm-evaluation-harness writes them (read at commit 4e7e0d47):
 *   lm_eval/evaluator.py:644-666   doc_id, doc, target, arguments, resps (one list per request,
 *                                  one entry per repeat), filtered_resps, filter, metrics (names),
 *                                  doc_hash, prompt_hash, target_hash, then each metric's value
 *   lm_eval/loggers/evaluation_tracker.py:352-364
 *                                  on writing: arguments become {gen_args_i: {arg_j}}, resps and
 *                                  filtered_resps are stringified (tuples → lists of strings),
 *                                  target becomes str(target)
 *   lm_eval/api/instance.py:5-7    request types: generate_until has text resps; loglikelihood
 *                                  and multiple_choice resps are [log-likelihood, is-greedy]
 * The thinking is `<think>` (or an alias, Sky-T1, harmony) markup in the generated text. A model
 * run with `think_end_token` has its thinking stripped before logging
 * (lm_eval/models/huggingface.py:112, :204), so its samples read as noReasoning.
 */
import type { TraceInput } from '../core/annotate';
import { splitThinking } from '../core/thinking';
import { isObject, kindOf, remainingFields, requireObject, type JsonObject } from './fields';
import { holdsReasoningMarkup } from './markup';
import { RecordError, type ImportedRecord, type RecordLocation } from './types';

export function looksLikeLmEvalSample(value: unknown): boolean {
  return isObject(value) && isObject(value.doc) && Array.isArray(value.resps) && 'filtered_resps' in value && ('doc_id' in value || 'target' in value);
}

/** Doc fields that hold the question, in the order tried (GSM8K `question`, MATH `problem`, …). */
const DOC_QUESTION_FIELDS = ['problem', 'question', 'Question', 'query', 'prompt', 'input'];

function promptArgument(args: unknown, index: number): string | undefined {
  if (!isObject(args)) return undefined;
  const request = args[`gen_args_${index}`];
  return isObject(request) && typeof request.arg_0 === 'string' ? request.arg_0 : undefined;
}

function splitResponse(text: string): { thinking: string; response: string; truncated: boolean; from: string | null } {
  if (!holdsReasoningMarkup(text)) return { thinking: '', response: text.trim(), truncated: false, from: null };
  const split = splitThinking(text);
  return { thinking: split.thinking, response: split.response, truncated: split.truncated, from: 'content-markup' };
}

export function fromLmEvalSample(value: unknown, loc: RecordLocation): ImportedRecord[] {
  const obj = requireObject(value, 'an lm-eval sample');
  const doc = obj.doc as JsonObject;
  const resps = obj.resps as unknown[];
  const generations: { request: number; repeat: number; text: string }[] = [];
  resps.forEach((perRequest, i) => {
    if (!Array.isArray(perRequest)) throw new RecordError({ field: `resps[${i}]`, message: `must be a list of responses, got ${kindOf(perRequest)}` });
    perRequest.forEach((r, k) => {
      if (typeof r === 'string') generations.push({ request: i, repeat: k, text: r });
    });
  });
  if (generations.length === 0) {
    throw new RecordError({ field: 'resps', message: 'holds no generated text (a loglikelihood or multiple-choice task logs [log-likelihood, is-greedy] pairs): there is no model output to read' });
  }
  const questionField = DOC_QUESTION_FIELDS.find((f) => typeof doc[f] === 'string' && doc[f] !== '');
  const problem = questionField ? (doc[questionField] as string) : (promptArgument(obj.arguments, 0) ?? '');
  let gold: string | null = null;
  if (typeof obj.target === 'string') gold = obj.target;
  else if (typeof obj.target === 'number' && Number.isFinite(obj.target)) gold = String(obj.target);
  else if (obj.target !== undefined && obj.target !== null) throw new RecordError({ field: 'target', message: `must be a string or number, got ${kindOf(obj.target)}` });
  const base = obj.doc_id !== undefined && obj.doc_id !== null ? String(obj.doc_id) : loc.line !== undefined ? `line${loc.line}` : undefined;
  // Each doc is logged once per filter (gsm8k: strict-match, flexible-extract); the filter tells them apart.
  const filter = typeof obj.filter === 'string' && obj.filter !== '' && obj.filter !== 'none' ? obj.filter : null;
  const rest = remainingFields(obj, ['resps', 'target', 'doc_id']);
  if (obj.doc_id !== undefined) rest.docId = obj.doc_id;
  if (questionField) rest.problemFrom = `doc.${questionField}`;
  return generations.map((g) => {
    const split = splitResponse(g.text);
    const extra: JsonObject = { ...rest };
    if (generations.length > 1) extra.generation = { request: g.request, repeat: g.repeat };
    if (split.from) extra.reasoningFrom = split.from;
    else extra.noReasoning = true;
    const input: TraceInput = {
      problem,
      gold,
      model: null,
      source: { kind: 'import:lm-eval', path: loc.path, ...(loc.line !== undefined ? { line: loc.line } : {}), extra },
      thinking: split.thinking,
      response: split.response,
      truncated: split.truncated,
    };
    if (base !== undefined) {
      const withFilter = filter ? `${base}:${filter}` : base;
      input.id = generations.length > 1 ? `${withFilter}#${generations.indexOf(g) + 1}` : withFilter;
    }
    return { input };
  });
}
