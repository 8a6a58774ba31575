/** Locating ../shared/data (read in place, never copied) for the answer tests. */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const sharedData = resolve(repoRoot, '../shared/data');

/** False when the data is present, else the skip reason (and a printed notice). */
export function skipWithoutData(): string | false {
  if (existsSync(sharedData)) return false;
  const reason = `real data not found at ${sharedData}; skipping`;
  console.log(`notice: ${reason}`);
  return reason;
}
