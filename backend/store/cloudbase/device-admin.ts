/**
 * Operators' device actions on CloudBase: `disabledAt` (ms, or null while enabled) and `secret` on
 * the device document (devices.ts). Each is one document: read to know it exists, then update.
 * Strict logins' last timestamp (`lastStrictTs`) is there too.
 */
import { byId, type CloudbaseDb, isDuplicate, must } from './db';
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
    /**
     * `client_ids` { _id: clientId, owner, at }: one conditional update (this owner's, or stale),
     * else an insert; an insert that meets a document another owner holds is refused.
     */
    async claimClientId(clientId: string, owner: string, now: number, holdMs: number): Promise<boolean> {
      const _ = cdb.db.command;
      const ids = () => cdb.db.collection(cdb.name('client_ids'));
      const taken = must(
        await cdb.run(() =>
          ids()
            .where(
              _.or([
                { _id: clientId, owner },
                { _id: clientId, at: _.lt(now - holdMs) },
              ]),
            )
            .update({ owner, at: now }),
        ),
      );
      if (((taken as { updated?: number }).updated ?? 0) > 0) return true;
      try {
        must(await cdb.run(() => ids().add({ _id: clientId, owner, at: now })));
        return true;
      } catch (e) {
        if (!isDuplicate(e)) throw e;
        // Held by someone — or by this owner already, at this very instant (an update that changes
        // nothing reports no update).
        return (await byId(cdb, ids, clientId))?.owner === owner;
      }
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
