/**
 * The one place tests find the real data (../shared/data beside the clone, read in place, never
 * copied) and headless Chromium, and decide what a missing part means:
 *
 * - outside CI a test that needs a missing part skips, with a printed notice naming the path;
 * - under CI (CI=true, which CI sets) a missing part is a FAILURE naming the path, so a run
 *   cannot go green on nothing.
 *
 * REASONING_LENS_SHARED overrides where ../shared is (e.g. to show the CI failure without moving
 * the real folder); REASONING_LENS_CHROMIUM overrides the Chromium binary.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test, type TestContext } from 'node:test';

// Test files compile as CommonJS (package.json has no "type"), so __dirname is the portable anchor.
export const repoRoot = resolve(__dirname, '../..');
export const sharedRoot = resolve(repoRoot, process.env.REASONING_LENS_SHARED || '../shared');
export const sharedData = join(sharedRoot, 'data');
export const chromiumPath = process.env.REASONING_LENS_CHROMIUM || '/usr/bin/chromium';
export const underCI = /^(1|true|yes)$/i.test(process.env.CI ?? '');

/** Path of a part of the shared data (no check). */
export function dataPath(...parts: string[]): string {
  return join(sharedData, ...parts);
}

/** True when the part is present (no notice, no failure: for code that only adapts to it). */
export function haveData(...parts: string[]): boolean {
  return existsSync(dataPath(...parts));
}

function missingMessage(what: string, path: string): string {
  return underCI
    ? `CI=true and ${what} ${path} is missing: the tests that need it cannot pass on nothing. ` +
        (what === 'Chromium'
          ? 'Install it (bash scripts/setup-e2e.sh) or set REASONING_LENS_CHROMIUM.'
          : `CI needs ../shared (here ${sharedRoot}) beside the clone; REASONING_LENS_SHARED overrides it.`)
    : `${what} ${path} not found; skipping the tests that need it`;
}

const reported = new Set<string>();

/**
 * For a test's `skip` option, evaluated when the test is defined: false when the path exists.
 * Otherwise outside CI: the skip reason (notice printed once); under CI: one failing test named
 * after the path is registered (once per file) and the dependent tests skip behind it.
 */
function skipWithout(what: string, path: string): string | false {
  if (existsSync(path)) return false;
  const message = missingMessage(what, path);
  if (!reported.has(path)) {
    reported.add(path);
    if (underCI) {
      test(`required for CI: ${path}`, () => {
        throw new Error(message);
      });
    } else console.log(`notice: ${message}`);
  }
  return underCI ? `needs ${path}, which is missing (see the failing "required for CI" test)` : message;
}

/** Inside a running test: the path when present; else skip (outside CI) or fail (under CI). */
function requirePresent(t: TestContext, what: string, path: string): string | undefined {
  if (existsSync(path)) return path;
  const message = missingMessage(what, path);
  if (underCI) throw new Error(message);
  console.log(`notice: ${message}`);
  t.skip(message);
  return undefined;
}

/** `{ skip: skipWithoutData('traces', 'skythought') }`; no parts = the whole data folder. */
export function skipWithoutData(...parts: string[]): string | false {
  return skipWithout('real data', dataPath(...parts));
}

/** `const dir = requireData(t, 'ollama', 'docs'); if (!dir) return;` */
export function requireData(t: TestContext, ...parts: string[]): string | undefined {
  return requirePresent(t, 'real data', dataPath(...parts));
}

export function skipWithoutChromium(): string | false {
  return skipWithout('Chromium', chromiumPath);
}

export function requireChromium(t: TestContext): string | undefined {
  return requirePresent(t, 'Chromium', chromiumPath);
}
