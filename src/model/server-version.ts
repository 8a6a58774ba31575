/**
 * Ollama server versions that introduced the features we rely on
 * (sources: notes/platform.md A1; ollama/ollama PR numbers in brackets).
 */

/** `think` on /api/chat and /api/generate (PR #10584). */
export const THINK_MIN_VERSION = '0.9.0';
/** `think` as a level string, with gpt-oss (PR #11672). */
export const THINK_LEVELS_MIN_VERSION = '0.11.0';
/** `think: false` accepted by models without the thinking capability (PR #12555). */
export const THINK_FALSE_ANY_MODEL_MIN_VERSION = '0.12.5';

/**
 * Compare dotted versions numerically ("0.12.10" > "0.12.5"). A leading "v" and any
 * pre-release/build suffix ("-rc2", "+abc") are ignored; missing parts count as 0.
 * Unparseable input compares as 0.0.0, so an odd version string never blocks a feature check
 * more than an old server would.
 */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  for (let i = 0; i < 3; i++) {
    if (pa[i] !== pb[i]) return pa[i] < pb[i] ? -1 : 1;
  }
  return 0;
}

export function versionAtLeast(version: string, minimum: string): boolean {
  return compareVersions(version, minimum) >= 0;
}

function parseVersion(v: string): [number, number, number] {
  const core = v.trim().replace(/^v/i, '').split(/[-+\s]/)[0];
  const parts = core.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : NaN));
  if (parts.some((n) => Number.isNaN(n))) return [0, 0, 0];
  return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
}
