/** Device rows: registry and presence; per-device reading counters (in `device_counters`). */
import type { Reading } from '../../../core';
import { deviceIdOf, parseDeviceId, type RejectKind } from '../../../core/alink';
import { AppError, ErrorCode } from '../../../core';
import { mergeAttributes } from '../attributes';
import type { DeviceAttributeValue, DeviceInfoUpdate, DeviceRecord, DeviceStatus, LoginPolicy, NewDevice, PresenceEvent, RejectionEvent } from '../types';
import type { SecretKeys } from '../../secret-box';
import type { Db } from './database';

interface DeviceRow {
  id: number;
  product_key: string;
  device_name: string;
  secret: string;
  label: string;
  login_policy: string;
  created_at: number;
  online: number;
  presence_at: number | null;
  bind_code: string | null;
  firmware_version: string | null;
  attributes: string | null;
  disabled_at: number | null;
}

interface ReadingRow {
  ts: number;
  temperature: number | null;
  heart_rate: number | null;
  spo2: number | null;
}

export const deviceKey = (productKey: string, deviceName: string): string => deviceIdOf({ productKey, deviceName });

export function toReading(r: ReadingRow): Reading {
  const out: Reading = { ts: r.ts };
  if (r.temperature !== null) out.temperature = r.temperature;
  if (r.heart_rate !== null) out.heartRate = r.heart_rate;
  if (r.spo2 !== null) out.spo2 = r.spo2;
  return out;
}

/**
 * Device table access with a cache of external id → row id (ids never change). `secret` holds the
 * sealed secret and `bind_code` the code's keyed hash (migration 8); the secret is opened on read
 * because the device login's HMAC needs it.
 */
export function createDeviceTable(db: Db, keys: SecretKeys) {
  function toRecord(r: DeviceRow): DeviceRecord {
    const id = deviceKey(r.product_key, r.device_name);
    return {
      id,
      productKey: r.product_key,
      deviceName: r.device_name,
      secret: keys.open(r.secret, id),
      label: r.label,
      loginPolicy: r.login_policy === 'strict' ? 'strict' : 'compat',
      createdAt: r.created_at,
      ...(r.disabled_at === null ? {} : { disabledAt: r.disabled_at }),
    };
  }

  const rowIds = new Map<string, number>();
  const q = {
    insert: db.prepare('INSERT INTO devices (product_key, device_name, secret, label, login_policy, created_at, bind_code) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    byKey: db.prepare('SELECT * FROM devices WHERE product_key = ? AND device_name = ?'),
    byBindCode: db.prepare('SELECT * FROM devices WHERE bind_code IN (SELECT value FROM json_each(?))'),
    anySecret: db.prepare('SELECT * FROM devices LIMIT 1'),
    setSecret: db.prepare('UPDATE devices SET secret = ? WHERE id = ?'),
    setBindCode: db.prepare('UPDATE devices SET bind_code = ? WHERE id = ?'),
    all: db.prepare('SELECT * FROM devices ORDER BY product_key, device_name'),
    reading: db.prepare('SELECT ts, temperature, heart_rate, spo2 FROM readings WHERE device_id = ? AND ts = ?'),
    counters: db.prepare('SELECT reading_count, last_ts FROM device_counters WHERE device_id = ?'),
    rejections: db.prepare('SELECT kind, count FROM rejections WHERE device_key = ?'),
    presence: db.prepare('UPDATE devices SET online = ?, presence_at = ? WHERE id = ? AND (presence_at IS NULL OR presence_at <= ?)'),
    resetPresence: db.prepare('UPDATE devices SET online = 0, presence_at = ? WHERE online = 1'),
    reject: db.prepare(`
      INSERT INTO rejections (device_key, kind, count, first_at, last_at, last_detail) VALUES (?, ?, 1, ?, ?, ?)
      ON CONFLICT (device_key, kind) DO UPDATE SET count = count + 1, last_at = excluded.last_at, last_detail = excluded.last_detail`),
    stats: db.prepare('SELECT (SELECT count(*) FROM devices) AS devices, (SELECT coalesce(sum(reading_count), 0) FROM device_counters) AS readings'),
    info: db.prepare('UPDATE devices SET firmware_version = coalesce(?, firmware_version), attributes = coalesce(?, attributes) WHERE id = ?'),
  };

  function row(id: string): DeviceRow | undefined {
    const k = parseDeviceId(id);
    return k ? (q.byKey.get(k.productKey, k.deviceName) as DeviceRow | undefined) : undefined;
  }

  function status(r: DeviceRow): DeviceStatus {
    const id = deviceKey(r.product_key, r.device_name);
    const rejections: Partial<Record<RejectKind, number>> = {};
    for (const x of q.rejections.all(id) as Array<{ kind: RejectKind; count: number }>) rejections[x.kind] = x.count;
    const counters = q.counters.get(r.id) as { reading_count: number; last_ts: number | null } | undefined;
    const lastTs = counters?.last_ts ?? null;
    const last = lastTs === null ? undefined : (q.reading.get(r.id, lastTs) as ReadingRow | undefined);
    const s: DeviceStatus = {
      id,
      productKey: r.product_key,
      deviceName: r.device_name,
      label: r.label,
      online: r.online === 1,
      readings: counters?.reading_count ?? 0,
      rejections,
    };
    if (r.presence_at !== null) s.presenceAt = r.presence_at;
    if (last) s.lastReading = toReading(last);
    if (r.firmware_version !== null) s.firmwareVersion = r.firmware_version;
    if (r.attributes !== null) s.attributes = JSON.parse(r.attributes) as Record<string, DeviceAttributeValue>;
    return s;
  }

  return {
    create(d: NewDevice, now: number): DeviceRecord & { bindCode: string } {
      const policy: LoginPolicy = d.loginPolicy ?? 'compat';
      const id = deviceKey(d.productKey, d.deviceName);
      try {
        q.insert.run(d.productKey, d.deviceName, keys.seal(d.secret, id), d.label ?? '', policy, now, keys.hash(d.bindCode));
      } catch (e) {
        if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new AppError(ErrorCode.Conflict, `device ${deviceKey(d.productKey, d.deviceName)} already exists`);
        }
        throw e;
      }
      // The plain code is answered only here, once: the table keeps its hash.
      return { ...toRecord(row(id) as DeviceRow), bindCode: d.bindCode };
    },
    byBindCode(code: string): DeviceRecord | undefined {
      const r = q.byBindCode.get(JSON.stringify(keys.hashes(code))) as DeviceRow | undefined;
      return r ? toRecord(r) : undefined;
    },
    /** Secrets sealed again under the current key; counts bind codes hashed under an older key. */
    reseal(): { secrets: number; oldCodes: number } {
      let secrets = 0;
      let oldCodes = 0;
      for (const r of q.all.all() as DeviceRow[]) {
        const id = deviceKey(r.product_key, r.device_name);
        const k = keys.keyIdOf(r.secret);
        if (k !== keys.currentId) {
          q.setSecret.run(keys.seal(k ? keys.open(r.secret, id) : r.secret, id), r.id);
          secrets++;
        }
        const ck = r.bind_code === null ? undefined : keys.keyIdOf(r.bind_code);
        if (r.bind_code !== null && !ck) {
          q.setBindCode.run(keys.hash(r.bind_code), r.id);
          secrets++;
        } else if (ck && ck !== keys.currentId) oldCodes++;
      }
      return { secrets, oldCodes };
    },
    /** Opens one stored secret, so a wrong or missing key fails when the store opens. */
    checkKeys(): void {
      const r = q.anySecret.get() as DeviceRow | undefined;
      if (r) toRecord(r);
    },
    get(id: string): DeviceRecord | undefined {
      const r = row(id);
      return r ? toRecord(r) : undefined;
    },
    /** Internal row id of a device, or undefined if it does not exist. */
    rowId(id: string): number | undefined {
      const cached = rowIds.get(id);
      if (cached !== undefined) return cached;
      const r = row(id);
      if (r) rowIds.set(id, r.id);
      return r?.id;
    },
    list(): DeviceStatus[] {
      return (q.all.all() as DeviceRow[]).map(status);
    },
    status(id: string): DeviceStatus | undefined {
      const r = row(id);
      return r ? status(r) : undefined;
    },
    applyPresence(events: PresenceEvent[], rowId: (id: string) => number | undefined): void {
      for (const e of events) {
        const rid = rowId(e.deviceId);
        if (rid !== undefined) q.presence.run(e.online ? 1 : 0, e.at, rid, e.at);
      }
    },
    resetPresence(at: number): void {
      q.resetPresence.run(at);
    },
    countRejections(events: RejectionEvent[]): void {
      for (const e of events) q.reject.run(e.deviceId, e.kind, e.at, e.at, e.detail.slice(0, 500));
    },
    updateInfo(updates: DeviceInfoUpdate[]): void {
      for (const u of updates) {
        const r = row(u.deviceId);
        if (!r) continue;
        let attributes: string | null = null;
        if (u.attributes && Object.keys(u.attributes).length) {
          attributes = JSON.stringify(
            mergeAttributes(r.attributes === null ? {} : (JSON.parse(r.attributes) as Record<string, DeviceAttributeValue>), u.attributes),
          );
        }
        q.info.run(u.firmwareVersion ?? null, attributes, r.id);
      }
    },
    stats(): { devices: number; readings: number } {
      return q.stats.get() as { devices: number; readings: number };
    },
  };
}
