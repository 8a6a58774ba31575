/**
 * Which `annotate` flags take effect in which mode, written once as a table: the command
 * refuses (exit 2, naming the flag and what it needs) every flag that would otherwise be
 * ignored, and test/cli/flags-modes.test.ts walks the same table.
 *
 * Modes: offline (no model: segment, label, grade, stream out) and job (a resumable dataset
 * job, chosen by --model, --resume, --limit or --strict). Inside a job, what the input holds
 * decides the rest: a problem set is generated with the model; traces are annotated as they
 * are, and probed for progress with the model when --samples is given.
 */

/** What a flag needs to take effect. */
export type FlagNeed =
  /** Every mode. */
  | 'any'
  /** A dataset job (it chooses job mode itself when it is one of JOB_SWITCHES). */
  | 'job'
  /** --model (and so a job). */
  | 'model';

/** In a job, which inputs the flag applies to ('traces': trace files, probed or not). */
export type FlagInput = 'any' | 'problems' | 'probes' | 'traces';

export interface AnnotateFlagRule {
  flag: string;
  /** The commander option key. */
  key: string;
  needs: FlagNeed;
  input: FlagInput;
}

const rule = (flag: string, key: string, needs: FlagNeed, input: FlagInput = 'any'): AnnotateFlagRule => ({ flag, key, needs, input });

/** Flags that switch `annotate` from offline annotation into a dataset job. */
export const JOB_SWITCHES = ['model', 'resume', 'limit', 'strict'] as const;

export const ANNOTATE_FLAGS: readonly AnnotateFlagRule[] = [
  rule('--output', 'output', 'any'),
  rule('--mode', 'mode', 'any'),
  rule('--max-steps', 'maxSteps', 'any'),
  rule('--group-size', 'groupSize', 'any'),
  rule('--problem-field', 'problemField', 'any'),
  rule('--gold-field', 'goldField', 'any'),
  rule('--output-field', 'outputField', 'any'),
  rule('--input-format', 'inputFormat', 'any'),
  rule('--input-kind', 'inputKind', 'any'),
  // A problem set's generated thinking is counted by the server as it streams; traces read from files are recounted.
  rule('--tokenizer', 'tokenizer', 'any', 'traces'),
  rule('--model', 'model', 'model'),
  rule('--resume', 'resume', 'job'),
  rule('--limit', 'limit', 'job'),
  rule('--strict', 'strict', 'job'),
  // Offline: replace an existing OUT inside an input folder; in a job also overwrite or re-configure it.
  rule('--force', 'force', 'any'),
  rule('--no-report', 'report', 'job'),
  rule('--host', 'host', 'model', 'probes'),
  rule('--backend', 'backend', 'model', 'probes'),
  rule('--concurrency', 'concurrency', 'model', 'probes'),
  rule('--timeout', 'timeout', 'model', 'probes'),
  rule('--samples', 'samples', 'model'),
  rule('--instruction', 'instruction', 'model', 'probes'),
  // Probe flags need --samples K in either input (jobOptionsFromFlags refuses them without).
  rule('--probe-recipe', 'probeRecipe', 'model', 'probes'),
  rule('--adaptive-samples', 'adaptiveSamples', 'model', 'probes'),
  rule('--regret-budgets', 'regretBudgets', 'model', 'probes'),
  rule('--regret-k', 'regretK', 'model', 'probes'),
  rule('--id-field', 'idField', 'model', 'problems'),
  rule('--temperature', 'temperature', 'model', 'problems'),
  rule('--seed', 'seed', 'model', 'problems'),
  rule('--max-thinking', 'maxThinking', 'model', 'problems'),
  rule('--min-thinking', 'minThinking', 'model', 'problems'),
  rule('--extensions', 'extensions', 'model', 'problems'),
  rule('--extension-text', 'extensionText', 'model', 'problems'),
  rule('--max-episodes', 'maxEpisodes', 'model', 'problems'),
  rule('--early-stop', 'earlyStop', 'model', 'problems'),
  rule('--early-stop-mode', 'earlyStopMode', 'model', 'problems'),
  rule('--probe-every', 'probeEvery', 'model', 'problems'),
  rule('--window', 'window', 'model', 'problems'),
  rule('--plateau', 'plateau', 'model', 'problems'),
  rule('--vote', 'vote', 'model', 'problems'),
  rule('--vote-adaptive', 'voteAdaptive', 'model', 'problems'),
  rule('--think', 'think', 'model', 'problems'),
  rule('--forcing', 'forcing', 'model', 'problems'),
  // 'rule' (the default) works everywhere; 'model' needs --model (refusedForMode).
  rule('--answer-extractor', 'answerExtractor', 'any'),
];

export type AnnotateMode = 'offline' | 'job';

/** The mode the given flags choose (`given`: keys the user typed). */
export function annotateMode(given: ReadonlySet<string>): AnnotateMode {
  return JOB_SWITCHES.some((k) => given.has(k)) ? 'job' : 'offline';
}

/** Refusals before anything runs: flags the chosen mode would ignore. */
export function refusedForMode(given: ReadonlySet<string>, values: Record<string, unknown>): string[] {
  const mode = annotateMode(given);
  const out: string[] = [];
  for (const r of ANNOTATE_FLAGS) {
    if (!given.has(r.key)) continue;
    if (r.needs === 'model' && !given.has('model')) out.push(`${r.flag} needs --model (without it, annotate works offline and would ignore it)`);
    else if (r.needs === 'job' && mode !== 'job') out.push(`${r.flag} needs a dataset job (--model, --resume, --limit or --strict); plain annotate writes no report and always replaces OUT`);
  }
  if (values.inputKind === 'problems' && !given.has('model')) out.push('--input-kind problems needs --model (a problem set is solved by a model)');
  if (values.answerExtractor === 'model' && !given.has('model')) out.push('--answer-extractor model needs --model (the model that reads the answers)');
  return out;
}

/**
 * Refusals once a job knows what its input holds: generation flags on traces, and flags used
 * only by probes when there are none (`given` as above; `samples` the probe count).
 */
export function refusedForInput(kind: 'problems' | 'traces', given: ReadonlySet<string>, samples: number, input: string, readsAnswersWithModel = false): string[] {
  const out: string[] = [];
  if (kind === 'problems') {
    for (const r of ANNOTATE_FLAGS) {
      if (given.has(r.key) && r.input === 'traces') out.push(`${r.flag} recounts traces read from a file, but ${input} is a problem set: the thinking generated from it is counted by the model server as it streams`);
    }
    return out;
  }
  for (const r of ANNOTATE_FLAGS) {
    if (!given.has(r.key)) continue;
    if (r.input === 'problems') out.push(`${r.flag} shapes generation from a problem set, but ${input} holds traces (they are annotated as they are)`);
    else if (r.input === 'probes' && samples === 0 && !(readsAnswersWithModel && r.flag !== '--instruction')) out.push(`${r.flag} on traces is used only by progress probes: add --samples K`);
  }
  if (given.has('model') && samples === 0 && !readsAnswersWithModel) out.push(`--model on traces is used only by progress probes: add --samples K, or drop --model to annotate offline`);
  return out;
}
