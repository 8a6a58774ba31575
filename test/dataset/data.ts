/** Where the shared real data lives (beside the checkout): see test/support/shared-data (skips outside CI, fails under CI). */
import { haveData } from '../support/shared-data';

export { dataPath, repoRoot, sharedData, skipWithoutData } from '../support/shared-data';
export const haveSharedData = haveData();
