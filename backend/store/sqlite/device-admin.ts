/** Operators' device actions on SQLite: disabling a device's logins and rotating its secret; strict logins' timestamps. */
import { deviceIdOf, parseDeviceId } from '../../../core/alink';
import type { SecretKeys } from '../../secret-box';
import type { Db } from './database';

export function createDeviceAdmin(db: Db, keys: SecretKeys) {
  const q = {
    disable: db.prepare('UPDATE devices SET disabled_at = coalesce(disabled_at, ?) WHERE product_key = ? AND device_name = ?'),
    enable: db.prepare('UPDATE devices SET disabled_at = NULL WHERE product_key = ? AND device_name = ?'),
    disabledAt: db.prepare('SELECT disabled_at FROM devices WHERE product_key = ? AND device_name = ?'),
    secret: db.prepare('UPDATE devices SET secret = ? WHERE product_key = ? AND device_name = ?'),
    // One statement: taken (a row written) only if later than the last one.
    claim: db.prepare(`INSERT INTO device_logins (device_id, last_ts) SELECT id, ? FROM devices WHERE product_key = ? AND device_name = ?
      ON CONFLICT (device_id) DO UPDATE SET last_ts = excluded.last_ts WHERE excluded.last_ts > last_ts`),
    clientId: db.prepare(`INSERT INTO client_ids (client_id, owner, at) VALUES (@id, @owner, @now)
      ON CONFLICT (client_id) DO UPDATE SET owner = excluded.owner, at = excluded.at WHERE owner = excluded.owner OR at < @stale`),
  };
  return {
    setDisabled(id: string, disabled: boolean, at: number): boolean {
      const k = parseDeviceId(id);
      if (!k) return false;
      const r = disabled ? q.disable.run(at, k.productKey, k.deviceName) : q.enable.run(k.productKey, k.deviceName);
      return r.changes > 0;
    },
    disabledAt(id: string): number | undefined {
      const k = parseDeviceId(id);
      const row = k ? (q.disabledAt.get(k.productKey, k.deviceName) as { disabled_at: number | null } | undefined) : undefined;
      return row?.disabled_at ?? undefined;
    },
    claimLoginTimestamp(id: string, ts: number): boolean {
      const k = parseDeviceId(id);
      return k ? q.claim.run(ts, k.productKey, k.deviceName).changes > 0 : false;
    },
    claimClientId(clientId: string, owner: string, now: number, holdMs: number): boolean {
      return q.clientId.run({ id: clientId, owner, now, stale: now - holdMs }).changes > 0;
    },
    setSecret(id: string, secret: string): boolean {
      const k = parseDeviceId(id);
      // Sealed like every stored secret (migration 8), bound to the device id.
      return k ? q.secret.run(keys.seal(secret, deviceIdOf(k)), k.productKey, k.deviceName).changes > 0 : false;
    },
  };
}
