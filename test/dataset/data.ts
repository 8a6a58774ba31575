/** Where the shared real data lives (beside the checkout); tests skip only when it is absent. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..');
export const sharedData = resolve(repoRoot, '../shared/data');
export const haveSharedData = existsSync(sharedData);

export function dataPath(...parts: string[]): string {
  return join(sharedData, ...parts);
}

export function skipWithoutData(): string | false {
  if (haveSharedData) return false;
  const msg = `shared data not found at ${sharedData}; skipping tests that read it`;
  console.log(`notice: ${msg}`);
  return msg;
}
