/**
 * Readings on CloudBase: idempotent appends into per-device hour documents (hour-doc.ts), and
 * history read from their summaries. A batch is not one all-or-nothing transaction (CloudBase
 * transactions hold single-document operations only): each device-hour is its own transaction,
 * and because every one of them is idempotent, retrying a failed batch stores each reading once.
 */
import {
  addToAccumulator,
  backoffDelay,
  type Bucket,
  sleep as sleepOn,
  systemClock,
  type BucketAccumulator,
  emptyBucket,
  finishBucket,
  type Reading,
} from '../../../core';
import { type AppendResult, atArrival, type BucketQuery, MESSAGE_ID_TTL_MS, type RawQuery, type ReadingBatchItem, type Segment } from '../types';
import { type CloudbaseDb, type Doc, docsOf, firstDoc, isConflict, must, PAGE } from './db';
import {
  expiredIds,
  HOUR,
  type HourDoc,
  hourDocId,
  hourOf,
  type MergeItem,
  mergeIntoHour,
  idFieldKey,
  MINUTE,
  readingsOf,
  type Summary,
  toReading,
} from './hour-doc';
import { deviceKeyOf } from './keys';
import { eachLimited, findRedelivered, type HourPages } from './redelivery';

/** Device-hour transactions run at once for one batch. */
const PARALLEL = 8;
/** Attempts of one device-hour transaction (each of them the SDK's own up to 4) before a batch fails. */
const CONFLICT_ATTEMPTS = 8;
const sleep = (ms: number) => sleepOn(systemClock, ms);

/** A device's reading count and latest reading, summed over its hour documents. */
export interface DeviceReadings {
  readings: number;
  last: Reading | undefined;
}

function addSummary(b: BucketAccumulator, s: Summary): void {
  b.n += s[0] as number;
  const vital = [b.temperature, b.heartRate, b.spo2];
  for (let k = 0; k < 3; k++) {
    const o = 1 + k * 4;
    if (!s[o]) continue;
    addToAccumulator(vital[k]!, s[o] as number, s[o + 1] as number, s[o + 2] as number, s[o + 3] as number);
  }
}

function addReading(b: BucketAccumulator, r: Reading): void {
  b.n += 1;
  if (r.temperature !== undefined) addToAccumulator(b.temperature, 1, r.temperature, r.temperature, r.temperature);
  if (r.heartRate !== undefined) addToAccumulator(b.heartRate, 1, r.heartRate, r.heartRate, r.heartRate);
  if (r.spo2 !== undefined) addToAccumulator(b.spo2, 1, r.spo2, r.spo2, r.spo2);
}

export function createReadings(cdb: CloudbaseDb) {
  const { db } = cdb;
  const coll = () => db.collection(cdb.name('readings'));
  const _ = db.command;

  /**
   * Hour documents of a device with `hour` in [h0, h1), oldest first, a page at a time past the
   * 1000 cap. Pages start at `firstPage` documents and grow tenfold, so a caller that stops early
   * (a count that reached its cap, a raw query that has its rows) reads little.
   */
  async function* hourPages(
    deviceId: string,
    h0: number,
    h1: number,
    fields?: Record<string, boolean>,
    firstPage = PAGE,
    also?: object,
  ): AsyncGenerator<Doc[]> {
    let from = h0;
    let size = Math.min(firstPage, PAGE);
    while (from < h1) {
      const range = { deviceId, hour: _.gte(from).and(_.lt(h1)) };
      let q = coll()
        .where(also ? _.and([range, also]) : range)
        .orderBy('hour', 'asc')
        .limit(size);
      if (fields) q = q.field({ ...fields, hour: true });
      const page = docsOf(await cdb.run(() => q.get()));
      if (page.length) yield page;
      if (page.length < size) return;
      from = (page[page.length - 1]!.hour as number) + 1;
      size = Math.min(size * 10, PAGE);
    }
  }

  async function hourDocs(deviceId: string, h0: number, h1: number, fields?: Record<string, boolean>): Promise<Doc[]> {
    const out: Doc[] = [];
    for await (const page of hourPages(deviceId, h0, h1, fields)) out.push(...page);
    return out;
  }

  async function fullHourDoc(deviceId: string, hour: number): Promise<Partial<HourDoc> | undefined> {
    return firstDoc(
      await cdb.run(() =>
        coll()
          .doc(hourDocId(deviceKeyOf(deviceId), hour))
          .get(),
      ),
    ) as Partial<HourDoc> | undefined;
  }

  /**
   * One device-hour, in one single-document transaction. The SDK retries a conflicting transaction
   * only 3 times, at once; writers racing for one document (a device replaying its backlog through
   * a webhook that takes one message per request) can outlast that, so conflicts are retried here
   * too, after jittered, growing pauses.
   */
  async function appendHour(deviceId: string, hour: number, items: MergeItem[]): Promise<ReturnType<typeof mergeIntoHour>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await appendHourOnce(deviceId, hour, items);
      } catch (e) {
        if (!isConflict(e) || attempt >= CONFLICT_ATTEMPTS) throw e;
        await sleep(backoffDelay(attempt, { initialMs: 50, maxMs: 2000 }));
      }
    }
  }

  async function appendHourOnce(deviceId: string, hour: number, items: MergeItem[]) {
    const id = hourDocId(deviceKeyOf(deviceId), hour);
    const minutes = new Set(items.flatMap((i) => i.readings.map((r) => Math.floor((r.ts - hour) / MINUTE))));
    const fields: Record<string, boolean> = { n: true, m: true, last: true, ids: true };
    for (const min of minutes) fields[`r.${min}`] = true;
    return cdb.run(() =>
      db.runTransaction(async (tx: { collection(n: string): ReturnType<typeof coll> }) => {
        const ref = tx.collection(cdb.name('readings')).doc(id);
        const current = firstDoc(await ref.field(fields).get()) as Partial<HourDoc> | undefined;
        const merged = mergeIntoHour(deviceId, hour, current, items, MESSAGE_ID_TTL_MS);
        if (merged.created) {
          must(await ref.set(merged.patch));
        } else {
          const patch: Record<string, unknown> = { ...merged.patch };
          // Forget ids by the batch's own clock (as the redelivery check does), not the function's.
          const newest = Math.max(...items.map((i) => i.receivedAt));
          // An id stored again in this very write (its message came back after expiring) stays.
          const expired = expiredIds(current?.ids, newest, MESSAGE_ID_TTL_MS).filter((k) => !(k in (merged.patch.ids ?? {})));
          if (expired.length) patch.ids = { ...(merged.patch.ids ?? {}), ...Object.fromEntries(expired.map((k) => [k, _.remove()])) };
          if (Object.keys(patch).length) must(await ref.update(patch));
        }
        return merged;
      }),
    ) as Promise<ReturnType<typeof mergeIntoHour>>;
  }

  return {
    /**
     * Stores the items, one transaction per device-hour. Idempotent: a redelivered message changes
     * nothing and is reported as a duplicate; after a failure (thrown), calling again with the same
     * items stores every reading exactly once. Redeliveries whose arrival-instant reading moved to
     * another hour are found first (redelivery.ts).
     */
    async append(items: ReadingBatchItem[]): Promise<AppendResult> {
      const keys = items.map((item) => (item.msgId === undefined ? undefined : idFieldKey(item.msgId, item.fingerprint ?? '')));
      // Only the hour documents holding one of the keys, and of them only those keys.
      const withKeys: HourPages = (deviceId, h0, h1, wanted) =>
        hourPages(
          deviceId,
          h0,
          h1,
          Object.fromEntries(wanted.map((k) => [`ids.${k}`, true])),
          PAGE,
          _.or(wanted.map((k) => ({ [`ids.${k}`]: _.exists(true) }))),
        );
      const { repeated, restamped } = await findRedelivered(items, keys, withKeys, PARALLEL);
      const groups = new Map<string, { deviceId: string; hour: number; items: MergeItem[]; itemIndex: number[] }>();
      items.forEach((item, i) => {
        if (repeated.has(i)) return;
        const msgKey = keys[i];
        const own = restamped.has(i) ? item.readings.filter((r) => !atArrival(item, r)) : item.readings;
        const arrivalReading = own.some((r) => atArrival(item, r));
        const byHour = new Map<number, Reading[]>();
        for (const r of own) byHour.set(hourOf(r.ts), [...(byHour.get(hourOf(r.ts)) ?? []), r]);
        for (const [hour, readings] of byHour) {
          const key = `${item.deviceId}\n${hour}`;
          const g = groups.get(key) ?? { deviceId: item.deviceId, hour, items: [], itemIndex: [] };
          g.items.push({ msgKey, receivedAt: item.receivedAt, readings, arrivalReading });
          g.itemIndex.push(i);
          groups.set(key, g);
        }
      });
      // An item is a duplicate when every hour it still touches had already taken it (a repeat in
      // the batch, or one left with no readings once its arrival-instant reading was dropped, touches
      // none).
      const duplicate = items.map((it, i) => it.readings.length > 0 || repeated.has(i));
      let written = 0;
      await eachLimited([...groups.values()], PARALLEL, async (g) => {
        const merged = await appendHour(g.deviceId, g.hour, g.items);
        merged.duplicate.forEach((dup, k) => {
          if (!dup) duplicate[g.itemIndex[k]!] = false;
        });
        written += merged.written;
      });
      return { duplicate, written };
    },

    /**
     * Reading counts and latest readings of devices, from their hour documents in one aggregation
     * per 100 devices: kept out of the device documents so that storing readings writes nothing
     * but the hour documents (ingest is where the write quota goes; this is read when people look).
     */
    async perDevice(deviceIds: string[]): Promise<Map<string, DeviceReadings>> {
      const out = new Map<string, DeviceReadings>();
      const $ = db.command.aggregate;
      for (let i = 0; i < deviceIds.length; i += 100) {
        const part = deviceIds.slice(i, i + 100);
        const res = await cdb.run(() =>
          coll()
            .aggregate()
            .match({ deviceId: _.in(part) })
            .sort({ deviceId: 1, hour: -1 })
            .group({ _id: '$deviceId', n: $.sum('$n'), last: $.first('$last') })
            .limit(part.length)
            .end(),
        );
        for (const row of docsOf(res as { data?: unknown })) {
          const last = row.last as HourDoc['last'];
          out.set(row._id as string, { readings: row.n as number, last: last ? toReading(last[0], [last[1], last[2], last[3]]) : undefined });
        }
      }
      return out;
    },

    async count(segments: Segment[], cap: number): Promise<number> {
      let total = 0;
      for (const { deviceId, from, to } of segments) {
        if (total >= cap || from >= to) continue;
        const inner0 = Math.ceil(from / HOUR) * HOUR;
        const inner1 = Math.floor(to / HOUR) * HOUR;
        if (inner0 < inner1) {
          for await (const page of hourPages(deviceId, inner0, inner1, { n: true }, 10)) {
            for (const d of page) total += d.n as number;
            if (total >= cap) break;
          }
        }
        for (const h of new Set([hourOf(from), hourOf(to - 1)])) {
          if (total >= cap || (h >= inner0 && h + HOUR <= inner1)) continue;
          const doc = await fullHourDoc(deviceId, h);
          if (doc?.r) total += readingsOf({ hour: h, r: doc.r }).filter((r) => r.ts >= from && r.ts < to).length;
        }
      }
      return Math.min(total, cap);
    },

    async raw(query: RawQuery): Promise<Reading[]> {
      const rows: Reading[] = [];
      for (const { deviceId, from, to } of query.segments) {
        if (from >= to) continue;
        // Whole hour documents, a growing page at a time, until this segment has given `limit` readings.
        let got = 0;
        for await (const page of hourPages(deviceId, hourOf(from), to, undefined, 2)) {
          for (const doc of page) {
            const rs = readingsOf(doc as Pick<HourDoc, 'hour' | 'r'>).filter((r) => r.ts >= from && r.ts < to);
            rows.push(...rs);
            got += rs.length;
          }
          if (got >= query.limit) break;
        }
      }
      rows.sort((a, b) => a.ts - b.ts);
      return rows.slice(0, query.limit);
    },

    /**
     * Whole hours inside a segment come from hour summaries (when the width is whole hours) or
     * minute summaries; the partial hours at either end from their documents' minute summaries
     * and raw readings, so results equal a raw scan exactly.
     */
    async buckets(query: BucketQuery): Promise<Bucket[]> {
      const w = query.widthMs;
      const acc = new Map<number, BucketAccumulator>();
      const at = (t: number): BucketAccumulator => {
        const k = Math.floor(t / w) * w;
        let b = acc.get(k);
        if (!b) acc.set(k, (b = emptyBucket(k)));
        return b;
      };
      const byMinutes = w % MINUTE === 0;
      for (const { deviceId, from, to } of query.segments) {
        if (from >= to) continue;
        const inner0 = Math.ceil(from / HOUR) * HOUR;
        const inner1 = Math.floor(to / HOUR) * HOUR;
        if (inner0 < inner1) {
          const fields: Record<string, boolean> = w % HOUR === 0 ? { s: true } : byMinutes ? { m: true } : { r: true };
          for (const doc of await hourDocs(deviceId, inner0, inner1, fields)) {
            const hour = doc.hour as number;
            if (w % HOUR === 0) addSummary(at(hour), doc.s as Summary);
            else if (byMinutes) for (const [min, s] of Object.entries((doc.m ?? {}) as Record<string, Summary>)) addSummary(at(hour + Number(min) * MINUTE), s);
            else for (const r of readingsOf(doc as Pick<HourDoc, 'hour' | 'r'>)) addReading(at(r.ts), r);
          }
        }
        for (const h of new Set([hourOf(from), hourOf(to - 1)])) {
          if (h >= inner0 && h + HOUR <= inner1) continue;
          const doc = await fullHourDoc(deviceId, h);
          if (!doc) continue;
          for (const [min, s] of Object.entries(doc.m ?? {})) {
            const m0 = h + Number(min) * MINUTE;
            if (byMinutes && m0 >= from && m0 + MINUTE <= to) {
              addSummary(at(m0), s);
              continue;
            }
            for (const r of readingsOf({ hour: h, r: { [min]: doc.r?.[min] ?? {} } })) if (r.ts >= from && r.ts < to) addReading(at(r.ts), r);
          }
        }
      }
      return [...acc.values()].sort((a, b) => a.t - b.t).map(finishBucket);
    },
  };
}
