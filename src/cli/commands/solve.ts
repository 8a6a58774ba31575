/**
 * `reasoning-lens solve "<problem>" --model M ...`: a live run in the terminal. Episodes are
 * printed as they close (late probe results as updates), with a spinner on stderr when it is a
 * terminal; `--json` prints the finished trace instead. Ctrl-C, SIGTERM and SIGHUP cancel and
 * still print/save the partial trace. `-o` is checked (its folder made) before the model is asked.
 * Exit codes: 0 done, 1 run error, 2 usage or I/O error, 128 + N stopped by signal N (130 Ctrl-C).
 */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Episode, EpisodeProgress, SegmentMode, Trace } from '../../core/trace';
import { BACKEND_KINDS, backendKindFor, createBackend, timeoutsFromFlag, type BackendKind } from '../../model/backend-factory';
import type { ModelBackend } from '../../model/types';
import type { RunEvent, SolveOptions } from '../../runs/contract';
import { checkSolveOptions, startSolve } from '../../runs/solve';
import { terminalSafeLine } from '../../core/terminal-text';
import { prepareOutput } from '../../io/paths';
import { writeFileAtomic } from '../../io/write';
import { addSegmentationOptions } from '../util/options';
import { SIGNAL_EXIT_CODE, signalName, watchStopSignals } from '../util/signals';
import { addBudgetOptions, budgetFromFlags, flagErrorLines, forcingFromFlags, type BudgetFlags } from '../util/budget-flags';
import { spentTokens } from '../../core/budget';
import { addProbeOptions, probeFlagsWithoutProbes, probeSettingsFrom, type ProbeFlags } from '../util/probe-flags';

interface SolveCliOptions extends BudgetFlags, ProbeFlags {
  model: string;
  host?: string;
  backend?: BackendKind;
  gold?: string;
  progress?: boolean;
  samples?: number;
  fixedSamples?: boolean;
  concurrency?: number;
  seed?: number;
  temperature?: number;
  /** Segmentation (`--mode`; `--segment` is its older name). */
  mode?: SegmentMode;
  segment?: SegmentMode;
  maxSteps?: number;
  groupSize?: number;
  json?: boolean;
  timeout?: number;
  output?: string;
}

function positiveInt(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || !Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got "${v}".`);
    return n;
  };
}

function nonNegativeInt(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim())) throw new InvalidArgumentError(`${name} must be a whole number, got "${v}".`);
    return n;
  };
}

/** `--vote` text as { n, m } (the budget flags' own rule); throws the flag's message. */
export function parseVote(v: string): { n: number; m: number } {
  const r = budgetFromFlags({ vote: v });
  if (!r.ok || !r.policy.vote) throw new InvalidArgumentError(r.ok ? `--vote: expected N/M, got "${v}"` : flagErrorLines(r.errors).join('; '));
  return { n: r.policy.vote.n, m: r.policy.vote.m };
}

function parseTemperature(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`--temperature must be a number >= 0, got "${v}".`);
  return n;
}

function segmentFrom(o: SolveCliOptions): Pick<SolveOptions, 'segment'> {
  const mode = o.segment ?? o.mode;
  const segment = {
    ...(mode ? { mode } : {}),
    ...(o.maxSteps !== undefined ? { maxSteps: o.maxSteps } : {}),
    ...(o.groupSize !== undefined ? { groupSize: o.groupSize } : {}),
  };
  return Object.keys(segment).length ? { segment } : {};
}

/**
 * Turns CLI flags into SolveOptions (pure, so it can be tested without a server). Bad budget
 * flags throw InvalidArgumentError listing every one as "--flag: message" (a usage error, exit 2).
 */
export function toSolveOptions(problem: string, o: SolveCliOptions): SolveOptions {
  const parsed = budgetFromFlags(o);
  if (!parsed.ok) throw new InvalidArgumentError(flagErrorLines(parsed.errors).join('\n'));
  const budget = parsed.policy;
  const wantsProgress = o.progress === true || o.samples !== undefined;
  const unused = wantsProgress ? [] : probeFlagsWithoutProbes(o, 'add --progress or --samples K');
  if (unused.length) throw new InvalidArgumentError(unused.join('\n'));
  return {
    problem,
    model: o.model,
    gold: o.gold ?? null,
    budget,
    progress: wantsProgress
      ? {
          ...(o.samples !== undefined ? { samples: o.samples } : {}),
          ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
          ...probeSettingsFrom(o),
        }
      : false,
    ...segmentFrom(o),
    sampling: {
      ...(o.seed !== undefined ? { seed: o.seed } : {}),
      ...(o.temperature !== undefined ? { temperature: o.temperature } : {}),
    },
    ...(o.timeout !== undefined ? { idleTimeoutMs: o.timeout } : {}),
    ...forcingOption(o),
  };
}

/** `--forcing` as SolveOptions.forcing; a usage error otherwise. */
function forcingOption(o: SolveCliOptions): Pick<SolveOptions, 'forcing'> {
  const f = forcingFromFlags(o);
  if (!f.ok) throw new InvalidArgumentError(flagErrorLines([f.error]).join('\n'));
  return f.forcing ? { forcing: f.forcing } : {};
}

// ---- terminal output ----

const mark = (v: Episode['verdict']): string => (v === 'correct' ? '✓' : v === 'incorrect' ? '✗' : '');

/** One short line per closed episode; model text is shown flattened and cut, never interpreted. */
export function formatEpisode(e: Episode): string {
  const parts = [`#${e.index}`.padEnd(4), (e.opener ? `"${oneLine(e.opener, 20)}"` : '—').padEnd(16), `${e.tokens} tok`.padStart(9)];
  if (e.labels.length) parts.push(`[${e.labels.join(', ')}]`);
  if (e.answer !== undefined) parts.push(`answer ${oneLine(e.answer, 40)} ${mark(e.verdict)}`.trimEnd() + (e.check ? ` (${e.check})` : ''));
  if (e.progress) parts.push(formatMu(e.progress));
  return parts.join('  ');
}

export function formatMu(p: EpisodeProgress): string {
  const sign = p.delta >= 0 ? '+' : '';
  const ci = p.interval ? `95% CI ${p.interval[0].toFixed(2)}–${p.interval[1].toFixed(2)}, ` : p.ci !== undefined ? `±${p.ci.toFixed(2)}, ` : '';
  return `mu ${p.mu.toFixed(2)} (${sign}${p.delta.toFixed(2)}, ${ci}n=${p.samples}${p.basis === 'self' ? ', vs own answer' : ''})`;
}

function oneLine(text: string, max: number): string {
  // Escape sequences and control characters removed: model text cannot move the cursor or recolour the terminal.
  const flat = terminalSafeLine(text).replace(/\uFFFD+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function formatSummary(t: Trace): string[] {
  const lines: string[] = [];
  const verdict = t.final.correct === true ? '✓ correct' : t.final.correct === false ? '✗ incorrect' : '(no gold answer)';
  lines.push(`final answer: ${t.final.answer === null ? '(none)' : oneLine(t.final.answer, 80)}  ${verdict}`);
  const m = t.metrics;
  const timing = [
    m.durationMs !== undefined ? `${(m.durationMs / 1000).toFixed(1)} s` : null,
    m.tokensPerSecond !== undefined ? `${m.tokensPerSecond.toFixed(1)} tok/s` : null,
  ].filter(Boolean);
  lines.push(
    `stop: ${t.budget?.stop ?? 'done'}  episodes: ${m.episodes}  thinking: ${m.thinkingTokens} tok  response: ${m.responseTokens} tok${timing.length ? `  ${timing.join(', ')}` : ''}`,
  );
  if (t.probes) {
    const p = t.probes;
    lines.push(
      `probes: recipe ${p.recipe}, ${p.sampling === 'fixed' ? `K = ${p.k}` : `adaptive, at most ${p.k}`} per prefix, basis ${p.basis}${p.tokens !== undefined ? `, ${p.tokens} probe tokens (prompt tokens by ${p.promptTokenCounter ?? 'estimate'}${p.promptTokenFallback ? `: ${p.promptTokenFallback}` : ''})` : ''}`,
    );
  }
  if (m.cumulativeRegret !== undefined) {
    // Version 2: MRT's normalised regret (oracle J* = 1, x = probe prompt + rollouts / 16) at shared budgets.
    const at = (m.regret ?? []).map((r) => `${r.normalized.toFixed(3)} @${r.budget}${r.comparator ? '' : ' thinking tok'}`).join(', ');
    const comparator = m.regret?.some((r) => r.comparator === 'oracle') ? ' (oracle)' : '';
    const cumulative = typeof m.cumulativeRegret === 'number'
      ? `${m.cumulativeRegret.toFixed(2)} (sum of 1 - mu over probed episodes, version 1)`
      : m.cumulativeRegret.map((c) => `${c.value === null ? 'n/a' : c.value.toFixed(2)} (${c.comparator}, k=${c.k})`).join(', ');
    lines.push(`cumulative regret: ${cumulative}${at ? `  normalized regret${comparator}: ${at}` : ''}`);
  }
  const spent = spentTokens(t);
  if (t.budget?.attempts && (spent.attempts > 1 || spent.probe > 0)) {
    // The lines above describe the trace's own text (attempt 1); this is what the run spent (budget.attempts).
    lines.push(`spent over ${spent.attempts} attempt${spent.attempts === 1 ? '' : 's'}: thinking ${spent.thinking} + response ${spent.response} + probes ${spent.probe} = ${spent.total} tok (probe tokens as the server counted them)`);
  }
  for (const d of t.budget?.decisions ?? []) lines.push(`budget: ${d.kind}: ${oneLine(d.detail, 160)}`);
  if (t.error) lines.push(`error: ${t.error}`);
  return lines;
}

interface Spinner {
  text: string;
  start(): Spinner;
  stop(): Spinner;
  clear(): Spinner;
  render(): Spinner;
}

async function makeSpinner(): Promise<Spinner | null> {
  // ora computes lines to clear from the terminal width; a terminal reporting 0 columns makes
  // that unbounded, so such terminals get no spinner.
  if (!process.stderr.isTTY || !(process.stderr.columns > 0)) return null;
  const { default: ora } = await import('ora');
  return ora({ stream: process.stderr, text: 'starting…' }).start();
}

function saveTrace(file: string, trace: Trace): void {
  // Write then rename, so an interrupted save never leaves half a trace behind.
  writeFileAtomic(file, JSON.stringify(trace, null, 2) + '\n');
}

function readProblem(arg: string): string {
  return arg === '-' ? readFileSync(0, 'utf8') : arg;
}

export async function runSolve(problemArg: string, o: SolveCliOptions): Promise<number> {
  // The output folder is made (or the path refused) before anything else, so no model run is wasted.
  if (o.output !== undefined) prepareOutput(o.output);
  const problem = readProblem(problemArg);
  const opts = toSolveOptions(problem, o);
  const problems = checkSolveOptions(opts);
  if (problems.length) {
    process.stderr.write(`reasoning-lens solve: ${problems.join('; ')}\n`);
    return 2;
  }
  let backend: ModelBackend;
  try {
    backend = createBackend(o.host, o.backend, process.env, timeoutsFromFlag(o.timeout));
  } catch (err) {
    process.stderr.write(`reasoning-lens solve: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }

  let spinner = o.json ? null : await makeSpinner();
  const print = (line: string): void => {
    spinner?.clear();
    process.stdout.write(line + '\n');
    spinner?.render();
  };
  const run = startSolve(backend, opts);
  // Ctrl-C, SIGTERM, SIGHUP: cancel and save the partial trace; a second one saves what is there and leaves.
  const signals = watchStopSignals(
    (signal) => {
      if (spinner) spinner.text = `cancelling on ${signalName(signal)}… (again to quit at once)`;
      run.cancel();
    },
    () => {
      if (o.output) saveTrace(o.output, run.snapshot());
    },
  );

  let thinkingTokens = 0;
  let errorKind: string | undefined;
  let status = 'starting';
  const refresh = (): void => {
    if (spinner) spinner.text = `${status} · ${thinkingTokens} thinking tokens`;
  };
  run.on((e: RunEvent) => {
    switch (e.type) {
      case 'status':
        status = e.detail ? `${e.status}: ${oneLine(e.detail, 60)}` : e.status;
        refresh();
        break;
      case 'tokens':
        thinkingTokens = e.thinkingTokens;
        refresh();
        break;
      case 'episode-closed':
        if (!o.json) print(formatEpisode(e.episode));
        break;
      case 'probe-result':
        if (!o.json) print(`     ↳ #${e.episodeIndex} ${formatMu(e.progress)}`);
        break;
      case 'budget-decision':
        if (!o.json) print(`     ⚑ ${e.decision.kind}: ${oneLine(e.decision.detail, 120)}`);
        break;
      case 'error':
        errorKind = e.kind;
        break;
      case 'started':
        if (!o.json) print(`solving with ${e.model}${e.gold ? ` (gold: ${oneLine(e.gold, 40)})` : ''}`);
        break;
      default:
        break;
    }
  });

  const trace = await run.finished;
  signals.dispose();
  spinner?.stop();
  spinner = null; // the summary below must not redraw it
  if (o.output) {
    try {
      saveTrace(o.output, trace);
    } catch (err) {
      process.stderr.write(`reasoning-lens solve: could not save ${terminalSafeLine(err instanceof Error ? err.message : String(err))}\n`);
      if (o.json) process.stdout.write(JSON.stringify(trace, null, 2) + '\n');
      return 1;
    }
  }
  if (o.json) process.stdout.write(JSON.stringify(trace, null, 2) + '\n');
  else {
    if (trace.response.trim()) print(`\n${oneLine(trace.response, 400)}\n`);
    for (const l of formatSummary(trace)) if (!l.startsWith('error:')) print(l);
  }
  // Problems the run survived (a line from the server that was not JSON): said, and kept in the trace.
  for (const w of trace.warnings ?? []) process.stderr.write(`reasoning-lens solve: warning (trace ${terminalSafeLine(trace.id)}): ${terminalSafeLine(w)}\n`);
  const stop = trace.budget?.stop;
  if (stop === 'cancelled') {
    const by = signals.received ? ` (${signalName(signals.received)})` : '';
    process.stderr.write(`reasoning-lens solve: cancelled${by}${o.output ? `; partial trace saved to ${terminalSafeLine(o.output)}` : ''}\n`);
    return signals.received ? SIGNAL_EXIT_CODE[signals.received] : 130;
  }
  if (trace.error) {
    // A vLLM/SGLang server answers Ollama's routes with 404: say which switch is missing.
    const hint = errorKind === 'not-ollama' && backendKindFor(o.host, o.backend) === 'ollama' ? ' For an OpenAI-compatible server (vLLM, SGLang, llama.cpp) add --backend openai.' : '';
    process.stderr.write(`reasoning-lens solve: ${terminalSafeLine(trace.error)}${hint}\n`);
    return 1;
  }
  return 0;
}

export function registerSolveCommand(program: Command): Command {
  const cmd = program
    .command('solve')
    .description('solve one problem with a reasoning model, showing episodes, progress and budget decisions live')
    .argument('<problem>', 'problem text ("-" reads it from stdin)')
    .requiredOption('-m, --model <name>', 'model: an Ollama tag (e.g. deepseek-r1:7b) or the name an OpenAI-compatible server serves')
    .option('--host <url>', 'model server (default: OLLAMA_HOST or http://127.0.0.1:11434); openai+http://… picks --backend openai')
    .addOption(new Option('--backend <kind>', 'server protocol: Ollama\'s native API, or OpenAI-compatible (vLLM, SGLang, llama.cpp, Ollama /v1)').choices([...BACKEND_KINDS]).default('ollama'))
    .option('--gold <answer>', 'ground-truth answer: verdicts, and progress measured against it (default: against the final answer)')
    .option('--progress', 'estimate progress (MRT mu) with forced-answer probes on the empty thinking and after each episode')
    .option('--samples <k>', 'forced-answer samples per prefix (fixed K, MRT: 8; implies --progress; default 8, or the cap 16 with --adaptive-samples)', positiveInt('--samples'))
    // Fixed K is the default now; the older switch is kept for scripts.
    .addOption(new Option('--fixed-samples', 'fixed K samples per prefix (the default)').hideHelp())
    .option('--concurrency <n>', 'probe requests in flight at once (default 2)', positiveInt('--concurrency'))
    .option('--temperature <t>', 'sampling temperature (default: the model\'s)', parseTemperature)
    .option('--seed <n>', 'sampling seed (default: none, the server picks)', nonNegativeInt('--seed'));
  addProbeOptions(cmd);
  addBudgetOptions(cmd);
  addSegmentationOptions(cmd)
    // The older name of --mode, kept for scripts.
    .addOption(new Option('--segment <mode>', 'same as --mode').choices(['mrt', 'auto', 'sentence']).hideHelp())
    .option('--json', 'print the finished trace as JSON instead of live output')
    .option('--timeout <ms>', 'longest wait on a model server for a short request and between two chunks of a stream; the first chunk (model loading) may take max(10 min, this) (default: 30 s for requests, 10 min to start, 2 min between chunks)', positiveInt('--timeout'))
    .option('-o, --output <file>', 'save the trace (also the partial one on cancel/error)')
    .action(async (problem: string, o: SolveCliOptions) => {
      const budget = budgetFromFlags(o);
      if (!budget.ok) cmd.error(flagErrorLines(budget.errors).join('\n'), { exitCode: 2 });
      const unusedProbeFlags = o.progress === true || o.samples !== undefined ? [] : probeFlagsWithoutProbes(o, 'add --progress or --samples K');
      if (unusedProbeFlags.length) cmd.error(unusedProbeFlags.join('\n'), { exitCode: 2 });
      const code = await runSolve(problem, o);
      // Exit now: idle keep-alive sockets to the server would otherwise hold the process open.
      await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
      process.exit(code);
    });
  // Usage mistakes (unknown flag, bad value, missing --model) exit 2 through the program's
  // exitOverride (src/cli/main.ts); run failures exit 1.
  return cmd;
}
