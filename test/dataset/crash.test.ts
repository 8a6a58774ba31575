import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDatasetJob } from '../../src/runs/dataset/job';
import { startFakeOpenAI } from '../fake-openai/server';
import { repoRoot } from './data';

const MODEL = 'deepseek-r1:1.5b';
const PROBLEMS = Array.from({ length: 20 }, (_, i) => ({ problem: `Compute ${i} times ${i + 3}.`, gold: String(i * (i + 3)) }));

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'rl-crash-'));
  const input = join(dir, 'set.jsonl');
  writeFileSync(input, PROBLEMS.map((p, i) => JSON.stringify({ id: `q${i}`, problem: p.problem, answer: p.gold })).join('\n') + '\n');
  return { dir, input, output: join(dir, 'out.trace.jsonl') };
}

function completeLines(path: string): string[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  return text.split('\n').slice(0, -1); // only lines that ended with a newline
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

test('SIGKILL mid-job loses only in-flight records; the output stays parseable; resume finishes every id exactly once', async () => {
  // Latency per chunk keeps records in flight long enough to kill the job between them.
  const fake = await startFakeOpenAI({ models: [MODEL], problems: PROBLEMS, chunkDelayMs: 4 });
  const w = setup();
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/dataset/crash-child.ts'), w.input, w.output, fake.url, MODEL], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ? -1 : code)));
    await waitFor(() => completeLines(w.output).length >= 3 || child.exitCode !== null, 'three finished records');
    assert.equal(child.exitCode, null, `child ended before the kill: ${stderr}`);
    child.kill('SIGKILL');
    assert.equal(await exited, -1);

    const text = readFileSync(w.output, 'utf8');
    const lines = completeLines(w.output);
    assert.ok(lines.length >= 3 && lines.length < PROBLEMS.length, `killed mid-way (${lines.length} lines)`);
    for (const l of lines) assert.doesNotThrow(() => JSON.parse(l));
    // A record is one write(2), but Linux ends a multi-page write to a file at a page boundary when
    // SIGKILL arrives, so a kill during a write may leave the start of a line: resume must cut it,
    // keep it aside and redo its record.
    const tornBytes = Buffer.byteLength(text) - Buffer.byteLength(lines.map((l) => `${l}\n`).join(''));
    const side = JSON.parse(readFileSync(`${w.output}.job.json`, 'utf8'));
    assert.equal(side.status, 'running', 'the sidecar shows the job never finished');

    const repaired: string[] = [];
    const r = await runDatasetJob({
      input: w.input,
      output: w.output,
      models: [MODEL],
      hosts: [fake.url],
      backend: 'openai',
      concurrency: 4,
      resume: true,
      report: false,
      onEvent: (e) => e.type === 'repaired' && repaired.push(e.message),
    });
    // The killed job never released its lock: resume sees its pid is gone and takes it over.
    assert.match(repaired.shift() ?? '', new RegExp(`out\\.trace\\.jsonl\\.lock: took over a stale lock of pid ${child.pid}`));
    assert.equal(existsSync(`${w.output}.lock`), false, 'released at the end');
    if (tornBytes > 0) assert.match(repaired[0] ?? '', new RegExp(`incomplete last line \\(${tornBytes} bytes, saved to .*torn-`));
    else assert.deepEqual(repaired, []);
    assert.equal(r.alreadyDone, lines.length);
    assert.equal(r.written, PROBLEMS.length - lines.length);
    const ids = readFileSync(w.output, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
    assert.deepEqual([...ids].sort(), PROBLEMS.map((_, i) => `q${i}`).sort(), 'every id exactly once');
  } finally {
    await fake.close();
  }
});

test('a torn last line (power loss) is cut, saved aside, and its record redone', async () => {
  const fake = await startFakeOpenAI({ models: [MODEL], problems: PROBLEMS });
  const w = setup();
  try {
    await runDatasetJob({ input: w.input, output: w.output, models: [MODEL], hosts: [fake.url], backend: 'openai', limit: 4, report: false });
    const full = readFileSync(w.output, 'utf8').split('\n').filter(Boolean);
    // Simulate a crash inside the write of the 4th record: drop it and leave half of it.
    writeFileSync(w.output, full.slice(0, 3).join('\n') + '\n');
    appendFileSync(w.output, full[3].slice(0, 100));
    const messages: string[] = [];
    const r = await runDatasetJob({
      input: w.input,
      output: w.output,
      models: [MODEL],
      hosts: [fake.url],
      backend: 'openai',
      resume: true,
      report: false,
      onEvent: (e) => e.type === 'repaired' && messages.push(e.message),
    });
    assert.match(messages[0], /incomplete last line \(100 bytes, saved to .*torn-/);
    assert.equal(r.alreadyDone, 3);
    assert.equal(r.written, PROBLEMS.length - 3);
    const ids = readFileSync(w.output, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
    assert.equal(new Set(ids).size, PROBLEMS.length);
    assert.equal(ids.length, PROBLEMS.length);
    const torn = readdirSync(w.dir).filter((f) => f.includes('.torn-'));
    assert.equal(readFileSync(join(w.dir, torn[0]), 'utf8'), full[3].slice(0, 100), 'the fragment is kept, not lost');
  } finally {
    await fake.close();
  }
});
