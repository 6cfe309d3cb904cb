/**
 * Device documents on CloudBase: registry, presence, counters, and the rejection counts.
 *
 *   devices    { _id: "{pk}:{dn}", deviceId, productKey, deviceName, secret, label, loginPolicy,
 *                createdAt, bindCode, online, presenceAt, firmwareVersion?, attributes? }
 * `secret` is sealed (`s1.…`, AES-256-GCM) and `bindCode` a keyed hash (`h1.…`), see
 * backend/secret-box. Documents written before that hold both in plain text: such a document is
 * converted when it is read (and all at once by `resealSecrets`), so a store migrates as it runs.
 * `attributes` is an object of the latest value per key (strings, numbers, booleans);
 * `updateDeviceInfo` reads, merges and writes it (two devices never share a document, and one
 * device's messages are stored one batch at a time, so there is no lost update in practice).
 * A device's reading count and latest reading come from its hour documents (readings.ts), so
 * storing readings never writes the device document.
 *   rejections { _id: "{pk}:{dn}:{kind}", deviceId, kind, count, firstAt, lastAt, lastDetail }
 */
import { AppError, ErrorCode } from '../../../core';
import type { RejectKind } from '../../../core/alink';
import type { DeviceAttributeValue, DeviceInfoUpdate, DeviceRecord, DeviceStatus, NewDevice, PresenceEvent, RejectionEvent, StoreStats } from '../types';
import { mergeAttributes } from '../attributes';
import { allWhere, type CloudbaseDb, type CollectionRef, type Doc, docsOf, firstDoc, isDuplicate, must, upsert } from './db';
import { deviceKeyOf, rejectionKey } from './keys';
import type { DeviceReadings } from './readings';
import type { SecretKeys } from '../../secret-box';

function toStatus(d: Doc, rejections: Partial<Record<RejectKind, number>>, r: DeviceReadings | undefined): DeviceStatus {
  const s: DeviceStatus = {
    id: d.deviceId as string,
    productKey: d.productKey as string,
    deviceName: d.deviceName as string,
    label: d.label as string,
    online: d.online === true,
    readings: r?.readings ?? 0,
    rejections,
  };
  if (typeof d.presenceAt === 'number') s.presenceAt = d.presenceAt;
  if (r?.last) s.lastReading = r.last;
  if (typeof d.firmwareVersion === 'string') s.firmwareVersion = d.firmwareVersion;
  if (d.attributes && typeof d.attributes === 'object') s.attributes = d.attributes as Record<string, DeviceAttributeValue>;
  return s;
}

const byName = (a: DeviceStatus, b: DeviceStatus) =>
  a.productKey < b.productKey ? -1 : a.productKey > b.productKey ? 1 : a.deviceName < b.deviceName ? -1 : a.deviceName > b.deviceName ? 1 : 0;

export function createDevices(cdb: CloudbaseDb, keys: SecretKeys, perDevice: (ids: string[]) => Promise<Map<string, DeviceReadings>>) {
  const { db } = cdb;
  const _ = db.command;
  const devices = () => db.collection(cdb.name('devices'));
  const rejections = () => db.collection(cdb.name('rejections'));

  /** The fields of a document that are not yet in the stored form (current key for the secret). */
  function resealPatch(d: Doc): Record<string, unknown> {
    const id = d.deviceId as string;
    const patch: Record<string, unknown> = {};
    const secret = d.secret as string;
    const secretKey = keys.keyIdOf(secret);
    if (secretKey !== keys.currentId) patch.secret = keys.seal(secretKey ? keys.open(secret, id) : secret, id);
    if (typeof d.bindCode === 'string' && !keys.keyIdOf(d.bindCode)) patch.bindCode = keys.hash(d.bindCode);
    return patch;
  }

  /**
   * Writes `resealPatch(d)` only if the document still holds what was read: a secret rotated
   * meanwhile (setDeviceSecret) must not be overwritten with the old one sealed. False if it was.
   */
  async function reseal(d: Doc): Promise<boolean> {
    const res = must(
      await cdb.run(() =>
        devices()
          .where({ _id: d._id as string, secret: d.secret as string, bindCode: d.bindCode ?? null })
          .update(resealPatch(d)),
      ),
    );
    return ((res as { updated?: number }).updated ?? 0) > 0;
  }

  /** The record of a document; a plain-text (older) document is converted on the way. */
  async function toRecord(d: Doc): Promise<DeviceRecord> {
    const id = d.deviceId as string;
    const stored = d.secret as string;
    const secret = keys.keyIdOf(stored) ? keys.open(stored, id) : stored;
    if (!keys.keyIdOf(stored) || (typeof d.bindCode === 'string' && !keys.keyIdOf(d.bindCode))) await reseal(d);
    return {
      id,
      productKey: d.productKey as string,
      deviceName: d.deviceName as string,
      secret,
      label: d.label as string,
      loginPolicy: d.loginPolicy === 'strict' ? 'strict' : 'compat',
      createdAt: d.createdAt as number,
      ...(typeof d.disabledAt === 'number' ? { disabledAt: d.disabledAt } : {}),
    };
  }

  async function doc(id: string): Promise<Doc | undefined> {
    return firstDoc(await cdb.run(() => devices().doc(deviceKeyOf(id)).get()));
  }

  const all = (coll: CollectionRef, where: Record<string, unknown>) => allWhere(cdb, coll, where);

  async function rejectionsOf(where: Record<string, unknown>): Promise<Map<string, Partial<Record<RejectKind, number>>>> {
    const out = new Map<string, Partial<Record<RejectKind, number>>>();
    for (const r of await all(rejections, where)) {
      const m = out.get(r.deviceId as string) ?? {};
      m[r.kind as RejectKind] = r.count as number;
      out.set(r.deviceId as string, m);
    }
    return out;
  }

  return {
    async create(d: NewDevice, now: number): Promise<DeviceRecord & { bindCode: string }> {
      const deviceId = `${d.productKey}/${d.deviceName}`;
      const data = {
        _id: deviceKeyOf(deviceId),
        deviceId,
        productKey: d.productKey,
        deviceName: d.deviceName,
        secret: keys.seal(d.secret, deviceId),
        label: d.label ?? '',
        loginPolicy: d.loginPolicy ?? 'compat',
        createdAt: now,
        bindCode: keys.hash(d.bindCode),
        online: false,
        presenceAt: null,
      };
      try {
        must(await cdb.run(() => devices().add(data)));
      } catch (e) {
        if (isDuplicate(e)) throw new AppError(ErrorCode.Conflict, `device ${deviceId} already exists`);
        throw e;
      }
      // The plain code is answered only here, once: the document keeps its hash.
      return {
        id: deviceId,
        productKey: d.productKey,
        deviceName: d.deviceName,
        secret: d.secret,
        label: data.label,
        loginPolicy: data.loginPolicy,
        createdAt: now,
        bindCode: d.bindCode,
      };
    },
    /** Registered devices among `ids`: their documents' keys only, 100 per query (the `in` list CloudBase takes). */
    async existing(ids: readonly string[]): Promise<Set<string>> {
      const byKey = new Map(ids.map((id) => [deviceKeyOf(id), id]));
      const keys = [...byKey.keys()];
      const out = new Set<string>();
      for (let i = 0; i < keys.length; i += 100) {
        const chunk = keys.slice(i, i + 100);
        const found = docsOf(
          await cdb.run(() =>
            devices()
              .where({ _id: _.in(chunk) })
              .field({ _id: true })
              .limit(chunk.length)
              .get(),
          ),
        );
        for (const d of found) {
          const id = byKey.get(d._id as string);
          if (id !== undefined) out.add(id);
        }
      }
      return out;
    },
    async get(id: string): Promise<DeviceRecord | undefined> {
      const d = await doc(id);
      return d ? toRecord(d) : undefined;
    },
    /** Matches the code's hash under every key, and the plain code for a document not yet converted. */
    async byBindCode(code: string): Promise<DeviceRecord | undefined> {
      const [d] = docsOf(
        await cdb.run(() =>
          devices()
            .where({ bindCode: _.in([...keys.hashes(code), code]) })
            .limit(1)
            .get(),
        ),
      );
      return d ? toRecord(d) : undefined;
    },
    /**
     * Converts every device document to the stored form under the current key (plain-text
     * documents, secrets sealed with an older key); returns how many changed, and how many bind
     * codes stay hashed under an older key (a hash cannot be recomputed without the code).
     */
    async reseal(): Promise<{ secrets: number; oldCodes: number }> {
      let secrets = 0;
      let oldCodes = 0;
      for (const d of await all(devices, {})) {
        // A document changed since this list was read (a rotation) is already in the current form.
        if (Object.keys(resealPatch(d)).length && (await reseal(d))) secrets++;
        const codeKey = typeof d.bindCode === 'string' ? keys.keyIdOf(d.bindCode) : undefined;
        if (codeKey && codeKey !== keys.currentId) oldCodes++;
      }
      return { secrets, oldCodes };
    },
    async list(): Promise<DeviceStatus[]> {
      const rej = await rejectionsOf({});
      const docs = await all(devices, {});
      const counts = await perDevice(docs.map((d) => d.deviceId as string));
      return docs.map((d) => toStatus(d, rej.get(d.deviceId as string) ?? {}, counts.get(d.deviceId as string))).sort(byName);
    },
    async status(id: string): Promise<DeviceStatus | undefined> {
      const d = await doc(id);
      if (!d) return undefined;
      const [rej, counts] = await Promise.all([rejectionsOf({ deviceId: id }), perDevice([id])]);
      return toStatus(d, rej.get(id) ?? {}, counts.get(id));
    },
    /**
     * One conditional update per event: it applies only if no later change was stored, so events
     * arriving out of order (or redelivered) never turn a device back.
     */
    async applyPresence(events: PresenceEvent[]): Promise<void> {
      for (const e of events) {
        const stale = { _id: deviceKeyOf(e.deviceId), presenceAt: _.or(_.eq(null), _.lte(e.at)) };
        must(await cdb.run(() => devices().where(stale).update({ online: e.online, presenceAt: e.at })));
      }
    },
    async resetPresence(at: number): Promise<void> {
      must(await cdb.run(() => devices().where({ online: true }).update({ online: false, presenceAt: at })));
    },
    /** Counts per device and kind; a missing counter is created, racing creators fall back to incrementing. */
    async countRejections(events: RejectionEvent[]): Promise<void> {
      const grouped = new Map<string, { e: RejectionEvent; n: number; first: number }>();
      for (const e of events) {
        const k = rejectionKey(e.deviceId, e.kind);
        const g = grouped.get(k);
        if (g) {
          g.n++;
          g.first = Math.min(g.first, e.at);
          if (e.at >= g.e.at) g.e = e;
        } else grouped.set(k, { e, n: 1, first: e.at });
      }
      for (const [id, { e, n, first }] of grouped) {
        const last = { lastAt: e.at, lastDetail: e.detail.slice(0, 500) };
        await upsert(cdb, rejections, id, { count: _.inc(n), ...last }, () => ({ deviceId: e.deviceId, kind: e.kind, count: n, firstAt: first, ...last }));
      }
    },
    async updateDeviceInfo(updates: DeviceInfoUpdate[]): Promise<void> {
      for (const u of updates) {
        const patch: Record<string, unknown> = {};
        if (u.firmwareVersion !== undefined) patch.firmwareVersion = u.firmwareVersion;
        if (u.attributes && Object.keys(u.attributes).length) {
          const d = await doc(u.deviceId);
          if (!d) continue;
          const kept = d.attributes && typeof d.attributes === 'object' ? (d.attributes as Record<string, DeviceAttributeValue>) : {};
          // Replaced whole (`set`): a plain object would be merged field by field by the SDK.
          const merged = mergeAttributes(kept, u.attributes);
          // Most posts repeat what is kept (a MAC address with every reading): no write then.
          if (JSON.stringify(merged) !== JSON.stringify(kept)) patch.attributes = _.set(merged);
        }
        if (Object.keys(patch).length) must(await cdb.run(() => devices().doc(deviceKeyOf(u.deviceId)).update(patch)));
      }
    },
    async stats(): Promise<StoreStats> {
      const count = must(await cdb.run(() => devices().count())) as { total?: number };
      const $ = db.command.aggregate;
      const res = await cdb.run(() =>
        db
          .collection(cdb.name('readings'))
          .aggregate()
          .group({ _id: null, n: $.sum('$n') })
          .end(),
      );
      const row = docsOf(res as { data?: unknown })[0];
      return { devices: count.total ?? 0, readings: (row?.n as number | undefined) ?? 0 };
    },
  };
}

export type CloudbaseDevices = ReturnType<typeof createDevices>;
