/**
 * Opt-in: the store contract against a REAL CloudBase environment. Runs only when
 * CLOUDBASE_ENV, TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY are set (an API key of the
 * environment's account; never commit it). It uses collections prefixed `rpmtest_` — created on
 * first use, emptied before every test — and leaves them in place (the server SDK cannot drop a
 * collection; delete them in the console when done). What it proves beyond the offline run:
 * docs/cloudbase-stand-in.md.
 */
import { cloudbaseOptionsFromEnv, createCloudbaseStore } from '../../backend/store/cloudbase';
import { COLLECTIONS } from '../../backend/store/cloudbase/db';
import { runStoreContract } from './contract';
import { cloudbaseSecrets } from './cloudbase-secrets';
import { testKeys } from '../helpers/secret-keys';

const PREFIX = 'rpmtest_';
const live = ['CLOUDBASE_ENV', 'TENCENTCLOUD_SECRETID', 'TENCENTCLOUD_SECRETKEY'].every((k) => process.env[k]);

if (!live) {
  test.skip('CloudBase live contract — skipped: set CLOUDBASE_ENV, TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY to run it', () => {});
} else {
  jest.setTimeout(300_000);
  runStoreContract('CloudBase (live)', {
    async open() {
      const store = createCloudbaseStore({ ...cloudbaseOptionsFromEnv(process.env), collectionPrefix: PREFIX, keys: testKeys() });
      await store.ensureCollections();
      const { db } = store.cloudbase;
      for (const c of COLLECTIONS)
        await db
          .collection(PREFIX + c)
          .where({ _id: db.command.exists(true) })
          .remove();
      return store;
    },
    secrets: () => cloudbaseSecrets((keys) => createCloudbaseStore({ ...cloudbaseOptionsFromEnv(process.env), collectionPrefix: PREFIX, keys }), PREFIX),
    async dispose() {},
  });
}
