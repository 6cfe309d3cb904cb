/**
 * Operators' device actions on CloudBase: `disabledAt` (ms, or null while enabled) and `secret` on
 * the device document (devices.ts). Each is one document: read to know it exists, then update.
 * Strict logins' last timestamp (`lastStrictTs`) is there too.
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
    /** One conditional update of the device document (`lastStrictTs`, absent until the first strict login). */
    async claimLoginTimestamp(id: string, ts: number): Promise<boolean> {
      const _ = cdb.db.command;
      const _id = deviceKeyOf(id);
      const res = must(
        await cdb.run(() =>
          devices()
            .where(
              _.or([
                { _id, lastStrictTs: _.lt(ts) },
                { _id, lastStrictTs: _.exists(false) },
              ]),
            )
            .update({ lastStrictTs: ts }),
        ),
      );
      return ((res as { updated?: number }).updated ?? 0) === 1;
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
