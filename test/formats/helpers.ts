/** Locating ../shared/data (read in place, never copied) for tests that use real traces: see test/support/shared-data. */
import { haveData } from '../support/shared-data';

export { repoRoot, sharedData, skipWithoutData } from '../support/shared-data';
export const haveSharedData = haveData();
