/**
 * Dataset throughput: records/s for offline annotation of the real traces in ../shared/data,
 * and for a scripted live job (fake OpenAI-compatible servers with per-chunk latency, so a
 * host's capacity is the bottleneck) on 1 vs 2 hosts. Ratios are from this one run.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runDatasetJob } from '../src/runs/dataset/job';
import { startFakeOpenAI, type FakeOpenAI } from '../test/fake-openai/server';

const sharedData = resolve(__dirname, '..', '../shared/data');
const MODEL = 'deepseek-r1:1.5b';

interface Row {
  case: string;
  records: number;
  seconds: number;
  perSecond: number;
}

async function timeJob(name: string, run: (out: string) => Promise<number>): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'rl-bench-'));
  try {
    const t0 = process.hrtime.bigint();
    const records = await run(join(dir, 'out.trace.jsonl'));
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    return { case: name, records, seconds, perSecond: records / seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function table(rows: Row[], baseline: Row): void {
  console.log('| case | records | seconds | records/s | vs baseline |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.case} | ${r.records} | ${r.seconds.toFixed(2)} | ${r.perSecond.toFixed(1)} | ${(r.perSecond / baseline.perSecond).toFixed(2)}x |`);
}

async function offline(): Promise<void> {
  if (!existsSync(sharedData)) {
    console.log(`notice: ${sharedData} not found; skipping the offline benchmark`);
    return;
  }
  const inputs = [
    ['Sky-T1 AIME24 (QwQ-style, long)', 'traces/skythought/Sky-T1-math-correct-5K-14B__aime24.jsonl'],
    ['Sky-T1 AMC23', 'traces/skythought/Sky-T1-math-correct-5K-14B__amc23.jsonl'],
    ['Thought Anchors cots (153 dirs)', 'traces/thought-anchors-cots-math'],
  ];
  // Warm-up (module loading, JIT) so the first measured case is not penalised.
  await timeJob('warm-up', async (out) => (await runDatasetJob({ input: join(sharedData, inputs[1][1]), output: out, report: false })).written);
  const rows: Row[] = [];
  for (const [name, rel] of inputs) {
    rows.push(await timeJob(`offline: ${name}`, async (out) => (await runDatasetJob({ input: join(sharedData, rel), output: out, report: false })).written));
  }
  rows.push(
    await timeJob('offline + report: Sky-T1 AMC23', async (out) => (await runDatasetJob({ input: join(sharedData, 'traces/skythought/Sky-T1-math-correct-5K-14B__amc23.jsonl'), output: out })).written),
  );
  console.log('\nOffline annotation of real traces (read + segment + label + grade + write)\n');
  table(rows, rows[0]);
}

async function live(): Promise<void> {
  const problems = Array.from({ length: 24 }, (_, i) => ({ problem: `Bench problem ${i}: what is ${i} + ${i}?`, gold: String(2 * i) }));
  const dir = mkdtempSync(join(tmpdir(), 'rl-bench-in-'));
  const input = join(dir, 'set.jsonl');
  writeFileSync(input, problems.map((p, i) => JSON.stringify({ id: i, problem: p.problem, answer: p.gold })).join('\n') + '\n');
  const servers: FakeOpenAI[] = [];
  try {
    for (let i = 0; i < 2; i++) servers.push(await startFakeOpenAI({ models: [MODEL], problems, chunkDelayMs: 3 }));
    const rows: Row[] = [];
    const job = (hosts: string[], samples: number) => async (out: string) =>
      (await runDatasetJob({ input, output: out, models: [MODEL], hosts, backend: 'openai', concurrency: 2, samples, report: false })).written;
    rows.push(await timeJob('live, 1 host x 2 slots', job([servers[0].url], 0)));
    rows.push(await timeJob('live, 2 hosts x 2 slots', job(servers.map((s) => s.url), 0)));
    rows.push(await timeJob('live + probes k=2, 1 host', job([servers[0].url], 2)));
    rows.push(await timeJob('live + probes k=2, 2 hosts', job(servers.map((s) => s.url), 2)));
    console.log(`\nScripted live job, ${problems.length} problems, fake servers with 3 ms per stream chunk\n`);
    table(rows, rows[0]);
  } finally {
    for (const s of servers) await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  await offline();
  await live();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
