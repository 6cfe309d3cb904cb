/**
 * Operators' device actions on CloudBase: `disabledAt` (ms, or null while enabled) and `secret` on
 * the device document (devices.ts). Each is one document: read to know it exists, then update.
 */
import { byId, type CloudbaseDb, must } from './db';
import { deviceKeyOf } from './keys';
import type { SecretKeys } from '../../secret-box';

export function createDeviceAdmin(cdb: CloudbaseDb, keys: SecretKeys) {
  const devices = () => cdb.db.collection(cdb.name('devices'));
  const docOf = (id: string) => byId(cdb, devices, deviceKeyOf(id));
  return {
    async setDisabled(id: string, disabled: boolean, at: number): Promise<boolean> {
      const d = await docOf(id);
      if (!d) return false;
      // Disabling again keeps the first time.
      const disabledAt = disabled ? (typeof d.disabledAt === 'number' ? d.disabledAt : at) : null;
      must(await cdb.run(() => devices().doc(deviceKeyOf(id)).update({ disabledAt })));
      return true;
    },
    async disabledAt(id: string): Promise<number | undefined> {
      const d = await docOf(id);
      return typeof d?.disabledAt === 'number' ? d.disabledAt : undefined;
    },
    async setSecret(id: string, secret: string): Promise<boolean> {
      if (!(await docOf(id))) return false;
      must(
        await cdb.run(() =>
          devices()
            .doc(deviceKeyOf(id))
            .update({ secret: keys.seal(secret, id) }),
        ),
      );
      return true;
    },
  };
}
