/**
 * A user's --timeout bounds short requests and the silence between chunks, not the wait for
 * the first chunk, which includes loading the model (a cold load of a big model can take
 * minutes): that wait gets max(10 min, --timeout). Here a server takes 5 s to load the model
 * (a proxy in front of the fake holds chat/generate requests before forwarding them) and
 * `--timeout 2000` must not cut it, in `annotate --model` jobs and in `solve` alike. The short
 * requests (/api/show, /api/version) answer in milliseconds but get the whole 2 s: with 400 ms
 * a loaded CI machine once let /api/show time out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeOllama, type FakeOllama } from '../fake-ollama/server';
import { SAMPLE_PROBLEMS, SUM_PROBLEM } from '../fake-ollama/problems';
import { runCli } from '../cli/helpers';
import { DEFAULT_START_TIMEOUT_MS, startTimeoutFor } from '../../src/model/limits';
import { timeoutsFromFlag } from '../../src/model/backend-factory';

const MODEL = 'deepseek-r1:7b';
const LOAD_MS = 5000;

/** Forwards everything to `fake`; generation requests wait `loadMs` first, with no headers sent (a model loading). */
async function slowLoadingServer(fake: FakeOllama, loadMs: number): Promise<{ url: string; server: Server }> {
  const target = new URL(fake.url);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const forward = () => {
        const up = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        });
        res.on('close', () => up.destroy());
        up.on('error', () => res.destroy());
        up.end(Buffer.concat(chunks));
      };
      if (req.url === '/api/chat' || req.url === '/api/generate') setTimeout(forward, loadMs);
      else forward();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

test('--timeout T: short requests and silence get T, the first chunk max(10 min, T)', () => {
  assert.deepEqual(timeoutsFromFlag(400), { timeoutMs: 400, connectTimeoutMs: DEFAULT_START_TIMEOUT_MS, idleTimeoutMs: 400 });
  assert.equal(startTimeoutFor(20 * 60_000), 20 * 60_000, 'a longer --timeout raises the first-chunk bound too');
});

test('a slow model load is not cut by --timeout (annotate --model job, solve)', { timeout: 120_000 }, async () => {
  const fake = await startFakeOllama({ problems: SAMPLE_PROBLEMS });
  const slow = await slowLoadingServer(fake, LOAD_MS);
  try {
    const dir = mkdtempSync(join(tmpdir(), 'rl-first-chunk-'));
    const input = join(dir, 'problems.jsonl');
    writeFileSync(input, `${JSON.stringify({ id: 'p1', problem: SUM_PROBLEM.match, answer: '42' })}\n`);
    const out = join(dir, 'out.trace.jsonl');
    const job = await runCli(['annotate', input, '-o', out, '--model', MODEL, '--host', slow.url, '--timeout', '2000']);
    assert.equal(job.code, 0, job.stderr);
    assert.doesNotMatch(job.stderr, /timed out|did not start|No output/);
    const trace = JSON.parse(readFileSync(out, 'utf8').trim()) as { id: string; error?: string };
    assert.equal(trace.id, 'p1');
    assert.equal(trace.error, undefined);

    const solve = await runCli(['solve', SUM_PROBLEM.match, '--model', MODEL, '--host', slow.url, '--timeout', '2000']);
    assert.equal(solve.code, 0, solve.stderr);
    assert.doesNotMatch(solve.stderr, /timed out|did not start|No output/);
  } finally {
    slow.server.close();
    await fake.close();
  }
});
