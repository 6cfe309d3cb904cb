/** The secrets contract's raw access for the CloudBase adapter (stand-in and live runs). */
import type { CloudbaseStoreExtras } from '../../backend/store/cloudbase';
import { COLLECTIONS } from '../../backend/store/cloudbase/db';
import type { SecretKeys } from '../../backend/secret-box';
import type { Store } from '../../backend/store/types';
import { testKeys } from '../helpers/secret-keys';
import type { SecretsFactory } from './contract-secrets';

export function cloudbaseSecrets(open: (keys: SecretKeys) => Store & CloudbaseStoreExtras, prefix: string): SecretsFactory {
  const coll = (c: string) => open(testKeys()).cloudbase.db.collection(prefix + c);
  return {
    async raw() {
      const parts: string[] = [];
      for (const c of COLLECTIONS) parts.push(`${c}: ${JSON.stringify((await coll(c).limit(1000).get()).data)}`);
      return parts.join('\n');
    },
    reopen: async (keys) => open(keys),
    // As versions before hashing wrote them: the plain secret and code, the invite code as its id.
    async seedLegacy(d, i) {
      await coll('devices').add({
        _id: `${d.productKey}:${d.deviceName}`,
        deviceId: `${d.productKey}/${d.deviceName}`,
        productKey: d.productKey,
        deviceName: d.deviceName,
        secret: d.secret,
        label: '',
        loginPolicy: 'compat',
        createdAt: d.createdAt,
        bindCode: d.bindCode,
        online: false,
        presenceAt: null,
      });
      await coll('invites').add({
        _id: i.code,
        patientId: i.patientId,
        createdBy: i.createdBy,
        createdAt: i.createdAt,
        expiresAt: i.expiresAt,
        redeemedBy: null,
        redeemedAt: null,
      });
    },
  };
}
