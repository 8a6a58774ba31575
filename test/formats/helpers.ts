/** Locating ../shared/data (read in place, never copied) for tests that use real traces. */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const sharedData = resolve(repoRoot, '../shared/data');
export const haveSharedData = existsSync(sharedData);

export function skipWithoutData(): string | false {
  if (haveSharedData) return false;
  const reason = `real data not found at ${sharedData}; skipping`;
  console.log(`notice: ${reason}`);
  return reason;
}
