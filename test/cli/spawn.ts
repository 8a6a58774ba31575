/**
 * A running CLI child for contract tests: its output so far, waits on what it prints (bounded,
 * never a sleep), signals, and a bound on the whole run so a hang fails the test instead of
 * stalling it.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { cliBundle, repoRoot } from './helpers';

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The child was still running at the bound and was killed. */
  timedOut: boolean;
  ms: number;
}

export interface LiveCli {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves once `pattern` appears on the stream; rejects at `ms` or when the child ends first. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, ms?: number): Promise<void>;
  finished: Promise<Finished>;
}

export async function startCli(args: string[], opts: { cwd?: string; stdin?: string; stdout?: number; boundMs?: number; keepStdinOpen?: boolean } = {}): Promise<LiveCli> {
  const cli = await cliBundle();
  const stdio: StdioOptions = ['pipe', opts.stdout ?? 'pipe', 'pipe'];
  const t0 = Date.now();
  const child = spawn(process.execPath, [cli, ...args], { cwd: opts.cwd ?? repoRoot, stdio });
  const out = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  child.stdout?.on('data', (d: Buffer) => {
    out.stdout += d.toString('utf8');
    for (const l of listeners) l();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out.stderr += d.toString('utf8');
    for (const l of listeners) l();
  });
  if (opts.keepStdinOpen) child.stdin?.write(opts.stdin ?? '');
  else child.stdin?.end(opts.stdin ?? '');
  let timedOut = false;
  const bound = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, opts.boundMs ?? 60_000);
  const finished = new Promise<Finished>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(bound);
      for (const l of listeners) l();
      resolve({ code, signal, stdout: out.stdout, stderr: out.stderr, timedOut, ms: Date.now() - t0 });
    });
  });
  let ended = false;
  void finished.then(() => (ended = true));
  return {
    child,
    get stdout() {
      return out.stdout;
    },
    get stderr() {
      return out.stderr;
    },
    finished,
    waitFor(stream, pattern, ms = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(out[stream])) done(null);
          else if (ended || child.exitCode !== null || child.signalCode !== null) done(new Error(`the CLI ended before ${stream} showed ${pattern}:\n${out.stderr}`));
        };
        const timer = setTimeout(() => done(new Error(`no ${pattern} on ${stream} within ${ms} ms:\n${out.stderr}`)), ms);
        const done = (err: Error | null) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (err) reject(err);
          else resolve();
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** Runs the CLI to the end, killed at `boundMs` (a hang shows as timedOut, not a stuck test). */
export async function runBounded(args: string[], opts: { cwd?: string; stdin?: string; stdout?: number; boundMs?: number } = {}): Promise<Finished> {
  return (await startCli(args, opts)).finished;
}

/** A Node stack frame ("    at fn (file:1:2)"): what a user must never see for an I/O or usage problem. */
export const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

export { repoRoot };
