/** The CloudBase store adapter on the local stand-in (test/helpers/cloudbase-server), with the tests' key ring. */
import { createCloudbaseStore } from '../../backend/store/cloudbase';
import type { SecretKeys } from '../../backend/secret-box';
import type { CloudbaseServer } from './cloudbase-server';
import { testKeys } from './secret-keys';

/** `collectionPrefix`: collections of its own; default the one the functions use, so they share data. */
export function standInStore(server: CloudbaseServer, collectionPrefix?: string, keys: SecretKeys = testKeys()) {
  return createCloudbaseStore({
    env: server.env,
    secretId: 'test-id',
    secretKey: 'test-key',
    serviceUrl: server.serviceUrl,
    keys,
    ...(collectionPrefix === undefined ? {} : { collectionPrefix }),
  });
}
