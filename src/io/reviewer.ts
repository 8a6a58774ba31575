/**
 * Who is reviewing: `git config user.name` (as run in `cwd`), else the OS user name, else
 * "unknown". Looked up once per process by callers; git is given two seconds.
 */
import { execFileSync } from 'node:child_process';
import { userInfo } from 'node:os';

export function gitUserName(cwd?: string): string | null {
  try {
    const name = execFileSync('git', ['config', 'user.name'], { cwd, encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return name === '' ? null : name;
  } catch {
    return null; // no git, not configured, or not a folder git can run in
  }
}

export function osUserName(): string | null {
  try {
    const name = userInfo().username.trim();
    if (name !== '') return name;
  } catch {
    // No passwd entry for this uid (containers): fall through to the environment.
  }
  const env = (process.env.USER ?? process.env.USERNAME ?? '').trim();
  return env === '' ? null : env;
}

export function reviewerIdentity(cwd?: string): string {
  return gitUserName(cwd) ?? osUserName() ?? 'unknown';
}
