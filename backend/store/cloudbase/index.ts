/** The CloudBase document database adapter of the store interface (`@cloudbase/node-sdk`). */
import type { Store } from '../types';
import type { CloudbaseStoreOptions } from './options';

export { cloudbaseOptionsFromEnv, insideCloudbase } from './options';
export type { CloudbaseStoreOptions } from './options';

// IN PROGRESS (being written in this session): replaced by the real adapter before commit.
export function createCloudbaseStore(_opts: CloudbaseStoreOptions): Store {
  throw new Error('CloudBase store: not written yet');
}
