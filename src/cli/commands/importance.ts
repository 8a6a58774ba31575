/**
 * `reasoning-lens importance IN --model M [--samples N] [--embed-model E] -o OUT`: Thought
 * Anchors' counterfactual importance of every episode (docs/importance.md). For each trace of IN,
 * continuations are resampled from the prefix before each episode through the model server,
 * answers compared with TA's KL, replacements filtered by embedding cosine; adaptive allocation
 * by default (`--fixed` for TA's N per prefix). OUT is a trace file (JSONL, format version 2):
 * every trace of IN, the measured ones with `episodes[i].importance` = {method, samples, value,
 * interval, similar, settled}; written atomically at the end, checked by validateTrace first.
 * Every rollout is appended to `OUT.rollouts.jsonl` as it completes: Ctrl-C stops (exit 130),
 * and the same command resumes from that log. OUT is locked while the job runs.
 */
import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { DEFAULT_ADAPTIVE_PLAN, TA_ROLLOUTS_PER_CHUNK, TA_SIMILARITY_THRESHOLD, type ImportanceMeasure } from '../../core/importance';
import { validateTrace } from '../../core/schema';
import { terminalSafeLine } from '../../core/terminal-text';
import type { Trace } from '../../core/trace';
import { formatLocation } from '../../formats/types';
import { acquireOutputLock } from '../../io/lock';
import { prepareOutput } from '../../io/paths';
import { readTracesAnyFormat, type LocatedTrace } from '../../io/read-traces';
import { writeFileAtomic } from '../../io/write';
import { createBackend } from '../../model/backend-factory';
import { ollamaEmbedder } from '../../model/embed';
import type { ImportanceRunResult } from '../../runs/importance';
import { readRolloutLog, rolloutSettingsKey, runImportanceJob } from '../../runs/importance-job';
import { EXIT_BAD_RECORDS, EXIT_OK, UsageError } from '../util/exit';
import { addPipelineOptions, collectList, fieldNamesFrom, finiteNumber, positiveInteger, segmentOptionsFrom, type PipelineFlags } from '../util/options';
import { recordErrorLines } from '../util/report';
import { SIGNAL_EXIT_CODE, signalName, watchStopSignals } from '../util/signals';

interface ImportanceFlags extends PipelineFlags {
  model: string;
  output: string;
  samples: number;
  embedModel: string;
  measure: ImportanceMeasure;
  threshold: number;
  fixed?: boolean;
  topK: number;
  small: number;
  large: number;
  host?: string;
  id?: string[];
  seed: number;
  concurrency: number;
  maxTokens: number;
}

export function registerImportanceCommand(program: Command): Command {
  const cmd = program
    .command('importance')
    .description("Thought Anchors' counterfactual importance of each episode, by resampling from each prefix (docs/importance.md)")
    .argument('<input>', 'trace file (any format the CLI reads)')
    .requiredOption('--model <name>', 'model that continues the thinking')
    .requiredOption('-o, --output <file>', 'the traces with episodes[i].importance (trace format v2, JSONL; the rollout log goes beside it: OUT.rollouts.jsonl)')
    .option('--samples <n>', `rollouts per prefix: fixed count with --fixed, else the adaptive cap (default and TA: ${TA_ROLLOUTS_PER_CHUNK})`, positiveInteger('--samples', 2), TA_ROLLOUTS_PER_CHUNK)
    .option('--embed-model <name>', 'embedding model for the similarity filter (TA: all-MiniLM-L6-v2 = Ollama "all-minilm")', 'all-minilm')
    .addOption(new Option('--measure <m>', 'importance measure (TA definitions)').choices(['counterfactual-kl', 'resampling-kl', 'counterfactual-accuracy', 'resampling-accuracy']).default('counterfactual-kl'))
    .option('--threshold <cos>', `cosine at or above which a replacement counts as the same episode (TA: ${TA_SIMILARITY_THRESHOLD} for its sentence chunks)`, finiteNumber('--threshold'), TA_SIMILARITY_THRESHOLD)
    .option('--fixed', 'sample every prefix --samples times (TA recipe) instead of adaptively')
    .option('--top-k <k>', 'adaptive: how many top episodes must be ranked', positiveInteger('--top-k', 1), DEFAULT_ADAPTIVE_PLAN.topK)
    .option('--small <v>', 'adaptive: importance below this is settled as small', finiteNumber('--small'), DEFAULT_ADAPTIVE_PLAN.small)
    .option('--large <v>', 'adaptive: importance above this is settled as large', finiteNumber('--large'), DEFAULT_ADAPTIVE_PLAN.large)
    .option('--host <url>', 'Ollama server (default: OLLAMA_HOST or http://127.0.0.1:11434)')
    .option('--id <ids>', 'only the traces with these ids (repeatable, comma-separated)', collectList)
    .option('--seed <n>', 'base seed of the rollouts, each rollout gets its own (default 0)', positiveInteger('--seed', 0), 0)
    .option('--concurrency <n>', 'rollouts in flight at once (default 2)', positiveInteger('--concurrency', 1), 2)
    .option('--max-tokens <n>', 'num_predict per continuation (default 8192)', positiveInteger('--max-tokens', 1), 8192);
  return addPipelineOptions(cmd).action(async (input: string, flags: ImportanceFlags) => {
    process.exitCode = await runImportanceCommand(input, flags);
  });
}

function renderResult(id: string, r: ImportanceRunResult, plan: boolean): string {
  const lines = [`${terminalSafeLine(id)}: ${r.method} (${r.measure}; value in ${r.measure.endsWith('-kl') ? 'nats' : 'accuracy difference'}, 95% bootstrap interval)`];
  for (const [i, e] of r.episodes.entries()) {
    const rank = r.ranking.indexOf(i) + 1;
    lines.push(`  #${String(i).padEnd(4)} ${e.value.toFixed(3).padStart(7)}  [${e.interval[0].toFixed(3)}, ${e.interval[1].toFixed(3)}]  rank ${String(rank).padEnd(3)} ${e.samples} rollouts, ${e.similar} similar${plan && e.settled ? `, settled ${e.settled}` : ''}`);
  }
  lines.push(`  rollouts spent: ${r.spent}; TA's recipe: ${TA_ROLLOUTS_PER_CHUNK} per episode = ${r.taRecipe}`);
  return lines.join('\n');
}

async function runImportanceCommand(input: string, flags: ImportanceFlags): Promise<number> {
  if (input !== '-' && !existsSync(input)) throw new UsageError(`${input}: no such file`);
  if (!(flags.threshold > -1 && flags.threshold <= 1)) throw new UsageError(`--threshold must be a cosine in (-1, 1], got ${flags.threshold}`);
  const logPath = `${flags.output}.rollouts.jsonl`;
  prepareOutput(flags.output, { inputs: [input] });
  prepareOutput(logPath, { inputs: [input] });
  const lock = acquireOutputLock(flags.output, `reasoning-lens importance ${input}`);
  const controller = new AbortController();
  const signals = watchStopSignals((signal) => {
    process.stderr.write(`\n${signalName(signal)}: stopping after the rollouts in flight; run the same command again to resume\n`);
    controller.abort();
  });
  try {
    const read = await readTracesAnyFormat(input, { segment: segmentOptionsFrom(flags), fields: fieldNamesFrom(flags) });
    for (const e of read.errors) for (const line of recordErrorLines(e.loc, e.errors)) process.stderr.write(`${terminalSafeLine(line)}\n`);
    const picked = flags.id ? read.traces.filter((t) => flags.id?.includes(t.trace.id)) : read.traces;
    if (picked.length === 0) throw new UsageError(`${input}: no trace to measure${flags.id ? ' with the given --id' : ''}`);
    const backend = createBackend(flags.host);
    const needsFilter = flags.measure.startsWith('counterfactual');
    const embed = needsFilter ? ollamaEmbedder({ host: flags.host ?? backend.host, model: flags.embedModel }) : null;
    const log = await readRolloutLog(logPath);
    const measured = new Map<LocatedTrace, Trace>();
    for (const located of picked) {
      const { trace, loc } = located;
      if (trace.episodes.length === 0) {
        process.stderr.write(`${terminalSafeLine(formatLocation(loc))}: episodes: none (blank thinking); skipped\n`);
        continue;
      }
      const settings = { model: flags.model, host: flags.host ?? '', embedModel: flags.embedModel, threshold: flags.threshold, seed: flags.seed, maxTokens: flags.maxTokens, mode: flags.mode };
      const resumable = log.get(rolloutSettingsKey(settings, trace.id))?.length ?? 0;
      if (resumable) process.stderr.write(`${terminalSafeLine(trace.id)}: resuming with ${resumable} rollouts from ${terminalSafeLine(logPath)}\n`);
      const { result, trace: withValues } = await runImportanceJob(trace, {
        logPath,
        settings,
        log,
        backend,
        model: flags.model,
        embed,
        embedModel: needsFilter ? flags.embedModel : null,
        measure: flags.measure,
        threshold: flags.threshold,
        samples: flags.samples,
        adaptive: flags.fixed ? null : { round: DEFAULT_ADAPTIVE_PLAN.round, minSamples: Math.min(DEFAULT_ADAPTIVE_PLAN.minSamples, flags.samples), small: flags.small, large: flags.large, topK: flags.topK },
        maxTokens: flags.maxTokens,
        concurrency: flags.concurrency,
        seed: flags.seed,
        signal: controller.signal,
      });
      if (result.cancelled || !withValues) break;
      process.stdout.write(`${renderResult(trace.id, result, !flags.fixed)}\n`);
      measured.set(located, withValues);
    }
    if (signals.received) {
      process.stderr.write(`stopped; ${terminalSafeLine(flags.output)} not written; rollouts so far are in ${terminalSafeLine(logPath)}\n`);
      return SIGNAL_EXIT_CODE[signals.received];
    }
    // Every trace of the input, in order; the measured ones carry their importance.
    const lines: string[] = [];
    for (const located of read.traces) {
      const { trace, loc } = located;
      const out = measured.get(located) ?? trace;
      const checked = validateTrace(out);
      if (!checked.ok) throw new Error(`${formatLocation(loc)}: the trace with importance does not validate: ${checked.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
      lines.push(`${JSON.stringify(out)}\n`);
    }
    writeFileAtomic(flags.output, lines.join(''));
    process.stderr.write(`wrote ${terminalSafeLine(flags.output)}\n`);
    return read.errors.length ? EXIT_BAD_RECORDS : EXIT_OK;
  } finally {
    signals.dispose();
    lock.release();
  }
}
