/**
 * Offline annotation throughput (annotateTrace: split, segment, label, token estimate,
 * intermediate answers, grading, final answer, metrics) on the real traces of
 * ../shared/data/traces and on one 50 MB single-line trace (the CLI test's shape), with the
 * cost of each stage on the same input. The stages' reference definitions (estimateTokensByRegex,
 * labelEpisodeByEachCue: what they were before the fast paths) are timed beside them.
 *
 * Median of 3 runs after a warm-up, CPU time of this process (user + system), all in one run.
 * Run: npm run bench -- annotate
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { annotateTrace, type TraceInput } from '../src/core/annotate';
import { extractIntermediateAnswer, learnAnswerNames, type AnswerContext } from '../src/core/answers';
import { findIntermediateAnswer, findRuleAnswer } from '../src/core/answers/extract';
import { labelEpisode, labelEpisodeByEachCue } from '../src/core/labels';
import { segmentThinking } from '../src/core/segment/index';
import { splitThinking } from '../src/core/thinking';
import { estimateTokens, estimateTokensByRegex } from '../src/core/tokens';
import { loadInput } from '../src/runs/dataset/input';

const dataRoot = path.resolve(__dirname, '..', '../shared/data');
const RUNS = 3;
const BIG_CHARS = 50 * 1024 * 1024;

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Median CPU ms of RUNS calls of `fn` (after one warm-up call). */
function cpuMedian(fn: () => void, warm = true): number {
  if (warm) fn();
  const runs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    (globalThis as { gc?: () => void }).gc?.();
    const t0 = cpuNow();
    fn();
    runs.push(cpuNow() - t0);
  }
  return runs.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

const fmt = (ms: number) => ms.toFixed(0).padStart(6);

function stageTable(title: string, inputs: readonly TraceInput[], readParseMs: number | null): void {
  const chars = inputs.reduce((n, t) => n + (t.raw ?? t.thinking ?? '').length, 0);
  const mb = chars / 1e6;
  const thinkings = inputs.map((t) => (t.raw !== undefined ? splitThinking(t.raw).thinking : (t.thinking ?? '')));
  const segments = thinkings.map((t) => segmentThinking(t).map((s) => s.text));
  const episodes = segments.flat();
  // The extractor as annotateTrace calls it: the problem, the gold and the names earlier episodes gave the asked quantity.
  const asAnnotated = (extract: (text: string, ctx: AnswerContext) => unknown) => () => {
    inputs.forEach((t, i) => {
      let names: readonly string[] = [];
      for (const text of segments[i]) {
        extract(text, { problem: t.problem, gold: t.gold ?? null, names });
        names = learnAnswerNames(text, t.problem, names);
      }
    });
  };
  const rows: [string, number][] = [
    ['annotateTrace (everything)', cpuMedian(() => inputs.forEach((t) => annotateTrace(t)))],
    ['  split thinking / answer', cpuMedian(() => inputs.forEach((t) => t.raw !== undefined && splitThinking(t.raw)))],
    ['  segment (auto)', cpuMedian(() => thinkings.forEach((t) => segmentThinking(t)))],
    ['  estimateTokens (episodes + whole thinking)', cpuMedian(() => (episodes.forEach((e) => estimateTokens(e)), thinkings.forEach((t) => estimateTokens(t))))],
    ['    same, estimateTokensByRegex (reference)', cpuMedian(() => (episodes.forEach((e) => estimateTokensByRegex(e)), thinkings.forEach((t) => estimateTokensByRegex(t))), false)],
    ['  labelEpisode (episodes)', cpuMedian(() => episodes.forEach((e) => labelEpisode(e)))],
    ['    same, labelEpisodeByEachCue (reference)', cpuMedian(() => episodes.forEach((e) => labelEpisodeByEachCue(e)), false)],
    ['  extractIntermediateAnswer (episodes, no problem: cue rules only)', cpuMedian(() => episodes.forEach((e) => extractIntermediateAnswer(e)))],
    ['  findIntermediateAnswer as annotated (fitted scorer) + learnAnswerNames', cpuMedian(asAnnotated(findIntermediateAnswer))],
    ['    same, findRuleAnswer (the rules alone, reference)', cpuMedian(asAnnotated(findRuleAnswer), false)],
  ];
  console.log(`\n${title}: ${inputs.length} trace(s), ${mb.toFixed(1)} MB, ${episodes.length} episodes (auto)`);
  if (readParseMs !== null) console.log(`read + JSON.parse of its JSONL: ${readParseMs.toFixed(0)} ms CPU`);
  console.log(`\n| stage | CPU ms | MB/s |${readParseMs !== null ? ' x read+parse |' : ''}`);
  console.log(`|---|--:|--:|${readParseMs !== null ? '--:|' : ''}`);
  for (const [name, ms] of rows) {
    const ratio = readParseMs !== null ? ` ${(ms / readParseMs).toFixed(2)} |` : '';
    console.log(`| ${name} | ${fmt(ms)} | ${(mb / (ms / 1000)).toFixed(0)} |${ratio}`);
  }
}

/** The CLI test's 50 MB trace: short arithmetic paragraphs, every 7th opening with "Wait". */
function bigTrace(): TraceInput {
  const paragraph = 'Let me add the numbers one more time to be sure: 1 + 1 = 2, and 2 + 2 = 4, so far so good.';
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < BIG_CHARS; i++) {
    const p = i % 7 === 6 ? `Wait, check step ${i} again. ${paragraph}` : `${paragraph} Step ${i}.`;
    parts.push(p);
    size += p.length + 2;
  }
  return { problem: 'big', gold: '4', source: { kind: 'bench' }, raw: `<think>\n${parts.join('\n\n')}\n</think>\nSo \\boxed{4}.` };
}

async function main(): Promise<void> {
  console.log(`${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}; median of ${RUNS}, CPU ms of this process`);
  if (existsSync(dataRoot)) {
    const inputs: TraceInput[] = [];
    for (const dir of ['thought-anchors.com', 'thought-anchors-cots-math', 'skythought']) {
      const loaded = await loadInput(path.join(dataRoot, 'traces', dir));
      for (const item of loaded.items) if (item.kind === 'trace') inputs.push(item.input);
    }
    stageTable('Real traces (Thought Anchors, cots/math, Sky-T1)', inputs, null);
  } else console.log(`notice: ${dataRoot} is absent; the real-trace table is skipped`);

  const big = bigTrace();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'annotate-bench-'));
  const file = path.join(dir, 'big.jsonl');
  writeFileSync(file, JSON.stringify({ problem: big.problem, gold: big.gold, output: big.raw }) + '\n');
  const readParse = cpuMedian(() => JSON.parse(readFileSync(file, 'utf8')));
  rmSync(dir, { recursive: true, force: true });
  stageTable('One 50 MB single-line trace', [big], readParse);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
