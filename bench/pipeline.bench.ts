/**
 * The whole offline pipeline as users run it: `segment --mode <m>` (each mode) and offline
 * `annotate`, each a whole process (`node dist/cli.js … -o out.jsonl`) on ~52 MB of real
 * traces (../shared/data/traces repeated), against the I/O floor of the same job measured in
 * the same run: a Node process that reads + JSON-parses the same input and parses +
 * stringifies + writes an output of the size that command wrote (its own output, read before
 * the clock starts). Then linearity: `segment --mode auto` on half the input (1x) and all of it
 * (2x). Goal (issue 8, item 10): every command within 2x of its floor; 2x input -> ~2x time.
 *
 * Each number is the best of 3 runs; command and floor runs alternate, so a change in the
 * machine's load hits both alike. Times are CPU time of the child process (user + system, all
 * its threads, from /proc/self/stat's cutime/cstime after it exits): on a machine shared by
 * several agents, wall time mostly measures the others (printed beside it).
 *
 * Run: npm run bench -- pipeline   (builds dist/ first; BENCH_CLI=path measures another build)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { haveData, thoughtAnchorsProblemDirs, tracesRoot } from '../test/core/segment-data';

const root = path.resolve(__dirname, '..');
const RUNS = 3;
const TARGET_BYTES = 52e6;
const GOAL_FLOOR = 2;

interface Timing {
  cpu: number;
  wall: number;
}

/** CPU ms of all waited-for children so far (Linux: /proc/self/stat fields 16 and 17). */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); cutime and cstime are fields 16 and 17.
  const ticks = Number(fields[13]) + Number(fields[14]);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

function runProcess(args: string[]): Timing & { stdout: string } {
  const c0 = childrenCpuMs();
  const w0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  const wall = performance.now() - w0;
  const cpu = childrenCpuMs() - c0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { cpu, wall, stdout: r.stdout };
}

const best = (ts: readonly Timing[]): Timing => ({ cpu: Math.min(...ts.map((t) => t.cpu)), wall: Math.min(...ts.map((t) => t.wall)) });

/** The floor: read + parse the input, then parse + stringify + write `reference` (its text is read off the clock). */
const FLOOR_SOURCE = `
const { readFileSync, writeFileSync } = require('node:fs');
const [input, reference, out] = process.argv.slice(2);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const c0 = cpu(), w0 = performance.now();
const text = readFileSync(reference, 'utf8');
const offClock = { cpu: cpu() - c0, wall: performance.now() - w0 };
let n = 0;
for (const line of readFileSync(input, 'utf8').split('\\n')) if (line) n += Object.keys(JSON.parse(line)).length;
const lines = [];
for (const line of text.split('\\n')) if (line) lines.push(JSON.stringify(JSON.parse(line)));
writeFileSync(out, lines.join('\\n') + '\\n');
process.stdout.write(JSON.stringify(offClock));
`;

function floorRun(script: string, input: string, reference: string, out: string): Timing {
  const t = runProcess([script, input, reference, out]);
  const offClock = JSON.parse(t.stdout) as Timing;
  return { cpu: t.cpu - offClock.cpu, wall: t.wall - offClock.wall };
}

/** Every real trace as a generic JSONL record: problem, gold answer (so annotate grades), raw output. */
function realTraceLines(): string[] {
  const json = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const record = (problem: unknown, gold: unknown, output: unknown) => JSON.stringify({ problem, gold: String(gold), output });
  const out: string[] = [];
  for (const dir of thoughtAnchorsProblemDirs()) {
    const p = json(path.join(dir, 'problem.json'));
    out.push(record(p.problem, p.gt_answer, json(path.join(dir, 'base_solution.json')).full_cot));
  }
  const cots = path.join(tracesRoot, 'thought-anchors-cots-math');
  for (const problem of readdirSync(cots).sort()) {
    const file = path.join(cots, problem, 'solutions.json');
    if (!existsSync(file)) continue;
    const p = json(path.join(cots, problem, 'problem.json'));
    for (const s of JSON.parse(readFileSync(file, 'utf8')) as { solution: string }[]) out.push(record(p.problem, p.gt_answer, s.solution));
  }
  const sky = path.join(tracesRoot, 'skythought');
  for (const f of readdirSync(sky).filter((n) => n.endsWith('.jsonl')).sort())
    for (const line of readFileSync(path.join(sky, f), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const r = JSON.parse(line) as { question: string; answer: string; code: string[] };
      out.push(record(r.question, r.answer, r.code[0]));
    }
  return out;
}

function writeInput(file: string, lines: readonly string[], bytes: number): { records: number; bytes: number } {
  const out: string[] = [];
  let size = 0;
  while (size < bytes) for (const l of lines) {
    if (size >= bytes) break;
    out.push(l);
    size += Buffer.byteLength(l) + 1;
  }
  writeFileSync(file, out.join('\n') + '\n');
  return { records: out.length, bytes: size };
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
const ms = (t: number) => t.toFixed(0).padStart(6);

function main(): void {
  if (!haveData()) return;
  if (process.platform !== 'linux') {
    console.log('notice: this bench reads child CPU time from /proc; skipped on', process.platform);
    return;
  }
  const cli = process.env.BENCH_CLI ? path.resolve(process.env.BENCH_CLI) : path.join(root, 'dist', 'cli.js');
  if (!process.env.BENCH_CLI) {
    const b = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('build failed');
  }
  if (!existsSync(cli)) throw new Error(`${cli} is missing`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-bench-'));
  try {
    const lines = realTraceLines();
    const full = path.join(dir, 'in-2x.jsonl');
    const half = path.join(dir, 'in-1x.jsonl');
    const fullSize = writeInput(full, lines, TARGET_BYTES);
    const halfSize = writeInput(half, lines, TARGET_BYTES / 2);
    const floorScript = path.join(dir, 'floor.js');
    writeFileSync(floorScript, FLOOR_SOURCE);
    const out = path.join(dir, 'out.jsonl');
    const floorOut = path.join(dir, 'floor-out.jsonl');

    console.log(`input: ${fullSize.records} records, ${mb(fullSize.bytes)} MB of JSONL from ${lines.length} real traces (../shared/data/traces); ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}`);
    console.log(`CLI: ${path.relative(root, cli) || cli}; best of ${RUNS}, command and floor runs alternating; CPU ms of the child process (wall ms beside)\n`);
    console.log('floor = read + JSON-parse the input, JSON-parse + stringify + write an output of the size the command wrote (its own)\n');
    console.log('| command | output MB | CPU ms | floor CPU ms | x floor (CPU) | goal <= 2x | wall ms | floor wall ms | x floor (wall) |');
    console.log('|---|--:|--:|--:|--:|---|--:|--:|--:|');
    const commands: [string, string[]][] = [
      ['segment --mode mrt', ['segment', '--mode', 'mrt']],
      ['segment --mode auto', ['segment', '--mode', 'auto']],
      ['segment --mode sentence', ['segment', '--mode', 'sentence']],
      ['annotate (offline)', ['annotate']],
    ];
    for (const [name, args] of commands) {
      const runs: Timing[] = [];
      const floors: Timing[] = [];
      for (let r = 0; r < RUNS; r++) {
        rmSync(out, { force: true });
        runs.push(runProcess([cli, ...args, full, '-o', out]));
        floors.push(floorRun(floorScript, full, out, floorOut));
      }
      const t = best(runs);
      const f = best(floors);
      const ratio = t.cpu / f.cpu;
      const goal = ratio <= GOAL_FLOOR ? 'met' : `missed by ${((ratio / GOAL_FLOOR - 1) * 100).toFixed(0)}%`;
      console.log(`| ${name} | ${mb(statSync(out).size)} | ${ms(t.cpu)} | ${ms(f.cpu)} | ${ratio.toFixed(2)} | ${goal} | ${ms(t.wall)} | ${ms(f.wall)} | ${(t.wall / f.wall).toFixed(2)} |`);
    }

    console.log(`\nLinearity, segment --mode auto: ${mb(halfSize.bytes)} MB (1x, ${halfSize.records} records) vs ${mb(fullSize.bytes)} MB (2x); best of ${RUNS} alternating runs\n`);
    console.log('| command | 1x CPU ms | 2x CPU ms | ratio 2x/1x (CPU) | 1x wall ms | 2x wall ms | ratio (wall) |');
    console.log('|---|--:|--:|--:|--:|--:|--:|');
    const ones: Timing[] = [];
    const twos: Timing[] = [];
    for (let r = 0; r < RUNS; r++) {
      ones.push(runProcess([cli, 'segment', '--mode', 'auto', half, '-o', out]));
      twos.push(runProcess([cli, 'segment', '--mode', 'auto', full, '-o', out]));
    }
    const one = best(ones);
    const two = best(twos);
    console.log(`| segment --mode auto | ${ms(one.cpu)} | ${ms(two.cpu)} | ${(two.cpu / one.cpu).toFixed(2)} | ${ms(one.wall)} | ${ms(two.wall)} | ${(two.wall / one.wall).toFixed(2)} |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
