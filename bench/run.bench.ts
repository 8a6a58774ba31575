/**
 * Live-run costs, measured against the fake Ollama server over loopback with the real client.
 *
 * 1. Progress probes per annotated episode: our adaptive sampling (k <= 8, 32-token answers
 *    that start inside \boxed{) vs fixed k = 8, and vs MRT's recipe (k = 8, 4096-token answer
 *    budget). Requests and generated tokens are MEASURED (eval_count the fake reports). The fake
 *    answers briefly whatever the budget, so for MRT the tokens a real model may spend are
 *    COMPUTED as requests x 4096 (an upper bound: MRT's answers end when the model stops).
 * 2. The run's own overhead per streamed token: a solve (segmentation, annotation, events,
 *    budget checks) vs a bare client loop over the same zero-latency stream; the difference,
 *    divided by the tokens, is what the run adds. Also the pure annotator on the same chunks.
 * All ratios come from this one run. Run: npm run bench -- run
 */
import { startFakeOllama, type FakeOllama, type ScriptedProblem } from '../test/fake-ollama/server';
import { productProblem } from '../test/runs/scripted';
import { haveData, loadRealTraces } from '../test/core/segment-data';
import { OllamaBackend } from '../src/model/ollama';
import { startSolve } from '../src/runs/solve';
import { TraceAnnotator } from '../src/core/annotate';
import { estimateTokens } from '../src/core/tokens';
import type { ProbeSettings } from '../src/runs/contract';
import type { Trace } from '../src/core/trace';

const MRT_ANSWER_TOKENS = 4096;

/** Scripted accuracy curves (P(correct forced answer) after j episodes). */
const CURVES: Record<string, number[]> = {
  easy: [0, 1, 1, 1, 1, 1, 1, 1, 1],
  typical: [0, 0.1, 0.3, 0.6, 0.9, 1, 1, 1, 1],
  hard: [0, 0, 0, 0.1, 0.2, 0.25, 0.25, 0.3, 0.3],
};

interface ProbeRow {
  variant: string;
  episodes: number;
  requests: number;
  tokens: number;
  budgetTokens: number;
  meanAbsError: number;
}

async function probeCost(fake: FakeOllama, variant: string, progress: Partial<ProbeSettings>): Promise<ProbeRow> {
  let episodes = 0;
  let requests = 0;
  let tokens = 0;
  let errSum = 0;
  let errN = 0;
  for (const [name, curve] of Object.entries(CURVES)) {
    fake.model.resetCounters();
    const trace: Trace = await startSolve(new OllamaBackend({ host: fake.url }), {
      problem: `BENCH-${name}`,
      model: 'deepseek-r1:7b',
      gold: '42',
      segment: { mode: 'mrt' },
      progress,
    }).finished;
    if (trace.error) throw new Error(`${variant}/${name}: ${trace.error}`);
    const extra = trace.source.extra as { probeRequests: number; probeTokens: number };
    episodes += trace.episodes.length;
    requests += extra.probeRequests;
    tokens += extra.probeTokens;
    trace.episodes.forEach((e, j) => {
      if (!e.progress) return;
      errSum += Math.abs(e.progress.mu - curve[j + 1]);
      errN++;
    });
  }
  const maxTokens = progress.maxTokens ?? (progress.recipe === 'quick' ? 32 : MRT_ANSWER_TOKENS);
  return { variant, episodes, requests, tokens, budgetTokens: requests * maxTokens, meanAbsError: errN ? errSum / errN : NaN };
}

function fmt(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}

function table(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

async function probeBench(): Promise<void> {
  const problems: ScriptedProblem[] = Object.entries(CURVES).map(([name, curve]) => productProblem(`BENCH-${name}`, curve.length - 1, curve));
  const fake = await startFakeOllama({ problems });
  try {
    const rows = [
      await probeCost(fake, 'quick: adaptive k<=8, 32-token answers', { recipe: 'quick', samples: 8, adaptive: true }),
      await probeCost(fake, 'quick: fixed k=8, 32-token answers', { recipe: 'quick', samples: 8, adaptive: false }),
      await probeCost(fake, 'mrt: fixed k=8, 4096-token answers', { recipe: 'mrt', samples: 8, adaptive: false }),
    ];
    const base = rows[1];
    console.log(`\nProgress probes per annotated episode (${Object.keys(CURVES).length} scripted curves, ${base.episodes} episodes; the empty-thinking prefix is charged to the episodes)`);
    table(
      ['variant', 'requests/ep (measured)', 'vs fixed k=8', 'tokens generated/ep (measured, fake)', 'answer budget/ep (computed)', 'vs MRT budget', 'mean |mu - true|'],
      rows.map((r) => [
        r.variant,
        fmt(r.requests / r.episodes, 2),
        `${fmt(r.requests / base.requests, 2)}x`,
        fmt(r.tokens / r.episodes, 1),
        fmt(r.budgetTokens / r.episodes, 0),
        `${fmt(r.budgetTokens / rows[2].budgetTokens, 4)}x`,
        fmt(r.meanAbsError, 3),
      ]),
    );
    console.log('answer budget = requests x num_predict: the most a real model could generate; the fake answers in ~10 tokens whatever the budget.');
  } finally {
    await fake.close();
  }
}

/** A long thinking stream from real R1-distill traces (or synthetic text without the data). */
function longThinking(): string {
  // ~65k tokens (BENCH_CHARS overrides): the fake server spreads a whole reply into one push(),
  // which overflows the call stack near 100k tokens.
  const target = Number(process.env.BENCH_CHARS ?? 200_000);
  let text = '';
  if (haveData()) {
    const traces = loadRealTraces(false).filter((t) => t.source === 'thought-anchors.com');
    for (let i = 0; text.length < target; i++) text += (text ? '\n\n' : '') + traces[i % traces.length].thinking.trim();
  } else {
    const p = productProblem('x', 200, Array(201).fill(0)).episodes.join('\n\n');
    while (text.length < target) text += (text ? '\n\n' : '') + p;
  }
  return text;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function overheadBench(): Promise<void> {
  const thinking = longThinking();
  // The fake streams episodes joined by blank lines; hand it the text in paragraph groups.
  const paragraphs = thinking.split('\n\n');
  const episodes: string[] = [];
  for (let i = 0; i < paragraphs.length; i += 20) episodes.push(paragraphs.slice(i, i + 20).join('\n\n'));
  const problem: ScriptedProblem = {
    match: 'BENCH-LONG',
    episodes,
    response: 'The answer is \\boxed{42}.',
    correctAnswer: '42',
    wrongAnswers: ['41'],
    accuracy: Array(episodes.length + 1).fill(1),
  };
  const fake = await startFakeOllama({ problems: [problem] });
  const backend = new OllamaBackend({ host: fake.url });
  const messages = [{ role: 'user' as const, content: 'BENCH-LONG' }];
  try {
    // Bare client loop: the same stream, only concatenated. Also records the chunks.
    const bare = async (): Promise<{ ms: number; tokens: number; chunks: string[] }> => {
      const t0 = performance.now();
      const h = backend.chat({ model: 'deepseek-r1:7b', messages });
      const chunks: string[] = [];
      let text = '';
      for await (const d of h.deltas) {
        if (d.thinking) chunks.push(d.thinking);
        text += d.thinking + d.content;
      }
      const stats = await h.stats;
      return { ms: performance.now() - t0, tokens: stats.evalCount ?? 0, chunks };
    };
    const solve = async (): Promise<{ ms: number; events: number }> => {
      const t0 = performance.now();
      const run = startSolve(backend, { problem: 'BENCH-LONG', model: 'deepseek-r1:7b', gold: '42' });
      let events = 0;
      run.on(() => events++);
      const trace = await run.finished;
      if (trace.error) throw new Error(trace.error);
      return { ms: performance.now() - t0, events };
    };
    await bare();
    await solve(); // warm-up: JIT, connection, caches
    const bareMs: number[] = [];
    const solveMs: number[] = [];
    let tokens = 0;
    let chunks: string[] = [];
    let events = 0;
    for (let i = 0; i < 3; i++) {
      (globalThis as { gc?: () => void }).gc?.();
      const b = await bare();
      bareMs.push(b.ms);
      tokens = b.tokens;
      chunks = b.chunks;
      (globalThis as { gc?: () => void }).gc?.();
      const s = await solve();
      solveMs.push(s.ms);
      events = s.events;
    }
    const annotMs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const a = new TraceAnnotator({ gold: '42' });
      let tokens = 0;
      for (const c of chunks) {
        // What the run does per chunk: segment, and advance the open episode's token count.
        if (a.pushThinking(c).length) a.openEpisode();
        tokens += estimateTokens(c);
      }
      if (tokens < 0) throw new Error('unreachable'); // keeps the work observable
      a.finishThinking();
      annotMs.push(performance.now() - t0);
    }
    const b = median(bareMs);
    const s = median(solveMs);
    const a = median(annotMs);
    console.log(`\nRun overhead per streamed token (${tokens} tokens in ${chunks.length} chunks, ${(thinking.length / 1e3).toFixed(0)}k chars of real R1-distill thinking, zero latency; median of 3)`);
    table(
      ['measurement', 'total ms', 'µs/token', 'vs bare loop'],
      [
        ['bare client loop (server + client)', fmt(b, 0), fmt((b * 1000) / tokens, 2), '1.00x'],
        ['solve run, progress off (same stream)', fmt(s, 0), fmt((s * 1000) / tokens, 2), `${fmt(s / b, 2)}x`],
        ['  run overhead = solve - bare', fmt(s - b, 0), fmt(((s - b) * 1000) / tokens, 2), '-'],
        ['pure annotator on the same chunks', fmt(a, 0), fmt((a * 1000) / tokens, 2), `${fmt(a / b, 2)}x`],
      ],
    );
    console.log(`events emitted by the run: ${events} (${fmt(events / tokens, 2)} per token)`);
  } finally {
    await fake.close();
  }
}

async function main(): Promise<void> {
  await probeBench();
  await overheadBench();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
