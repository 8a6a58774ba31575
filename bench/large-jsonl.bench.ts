/**
 * Issue 13, "a 1 GB HF-style JSONL annotates offline in bounded memory": the built CLI
 * (`annotate IN -o OUT`, no model) on Hugging Face chat rows (`messages`, the thinking in
 * `reasoning_content`) made from the real thought-anchors.com traces, at 1/8 of the size and at
 * the full size in the same run. Peak RSS is the child's VmHWM (/proc/PID/status, polled), so
 * memory that stays flat while the input grows 8x is what "bounded" means here.
 * RL_BENCH_MB sets the full size (default 1024).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dataPath } from '../test/support/shared-data';

const root = resolve(__dirname, '..');
const FULL_MB = Number(process.env.RL_BENCH_MB ?? 1024);
const source = dataPath('traces', 'thought-anchors.com');
if (!existsSync(source)) {
  console.error(`missing ${source}`);
  process.exit(1);
}

const solutions: { problem: string; thinking: string; answer: string }[] = [];
for (const model of readdirSync(source).filter((d) => !d.endsWith('.md'))) {
  for (const kind of readdirSync(join(source, model))) {
    for (const problem of readdirSync(join(source, model, kind))) {
      const file = join(source, model, kind, problem, 'base_solution.json');
      if (!existsSync(file)) continue;
      const r = JSON.parse(readFileSync(file, 'utf8')) as { prompt: string; solution: string };
      const [thinking, answer = ''] = r.solution.split('</think>');
      solutions.push({ problem: r.prompt, thinking, answer: answer.trim() });
    }
  }
}

async function writeRows(path: string, megabytes: number): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  let rows = 0;
  while (bytes < megabytes * 1024 * 1024) {
    const s = solutions[rows % solutions.length];
    const line = `${JSON.stringify({ id: `row-${rows}`, messages: [{ role: 'user', content: s.problem }, { role: 'assistant', content: s.answer, reasoning_content: s.thinking }] })}\n`;
    if (!out.write(line)) await once(out, 'drain');
    bytes += Buffer.byteLength(line);
    rows++;
  }
  out.end();
  await once(out, 'finish');
  return rows;
}

function peakOf(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function annotate(input: string, output: string): Promise<{ seconds: number; peakMb: number; code: number | null }> {
  const started = performance.now();
  const child = spawn(process.execPath, [join(root, 'dist/cli.js'), 'annotate', input, '-o', output], { stdio: ['ignore', 'ignore', 'pipe'] });
  let peak = 0;
  const poll = setInterval(() => (peak = Math.max(peak, peakOf(child.pid!))), 100);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  clearInterval(poll);
  if (code !== 0) console.error(stderr.slice(-2000));
  return { seconds: (performance.now() - started) / 1000, peakMb: peak, code };
}

(async () => {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(1);
  const dir = mkdtempSync(join(tmpdir(), 'rl-large-'));
  let failed = false;
  try {
    console.log('| input | rows | annotate wall | MB/s | peak RSS | output |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const mb of [Math.max(1, Math.round(FULL_MB / 8)), FULL_MB]) {
      const input = join(dir, `hf-${mb}.jsonl`);
      const output = join(dir, `hf-${mb}.trace.jsonl`);
      const rows = await writeRows(input, mb);
      const r = await annotate(input, output);
      failed ||= r.code !== 0;
      const size = statSync(input).size / 1024 / 1024;
      console.log(`| ${size.toFixed(0)} MB HF chat JSONL | ${rows} | ${r.seconds.toFixed(1)} s | ${(size / r.seconds).toFixed(1)} | ${r.peakMb.toFixed(0)} MB | ${existsSync(output) ? (statSync(output).size / 1024 / 1024).toFixed(0) : '–'} MB${r.code === 0 ? '' : ` (exit ${r.code})`} |`);
      rmSync(input);
      rmSync(output, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
})();
