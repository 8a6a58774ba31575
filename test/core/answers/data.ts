/** Locating ../shared/data (read in place, never copied) for the answer tests. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

// The project compiles as CommonJS (no "type": "module"), so __dirname is the portable choice here.
export const repoRoot = resolve(__dirname, '../../..');
export const sharedData = resolve(repoRoot, '../shared/data');

/** False when the data is present, else the skip reason (and a printed notice). */
export function skipWithoutData(): string | false {
  if (existsSync(sharedData)) return false;
  const reason = `real data not found at ${sharedData}; skipping`;
  console.log(`notice: ${reason}`);
  return reason;
}
