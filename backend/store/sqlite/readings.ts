/**
 * Reading rows: idempotent appends with per-minute and per-hour rollups, raw and bucketed queries.
 * Numbers bound from JavaScript arrive as REAL, so every integer division is cast explicitly.
 */
import { addToAccumulator, type BucketAccumulator, type Bucket, emptyBucket, finishBucket, planScan, type Reading } from '../../../core';
import { type AppendResult, type BucketQuery, MESSAGE_ID_TTL_MS, type RawQuery, type ReadingBatchItem, type Segment } from '../types';
import { type Db, writeTransaction } from './database';
import { toReading } from './devices';
import { rowMessageKey } from './message-key';
import { createPendingMinutes, type DeviceState } from './pending-minute';
import {
  AGG_COLUMNS,
  addDelta,
  addValue,
  emptyDelta,
  isEmpty,
  MINUTE,
  prepareAddDelta,
  prepareRecompute,
  type RollupDelta,
  SUM_COLUMNS,
  type Vital,
  VITALS,
} from './rollup-delta';

const HOUR = 60 * MINUTE;
/** The rollup levels the bucket planner may read (readings_1h, readings_1m). */
export const ROLLUP_UNITS_MS: readonly number[] = [HOUR, MINUTE];

interface AggRow {
  t: number;
  n: number;
  t_n: number;
  t_sum: number;
  t_min: number | null;
  t_max: number | null;
  h_n: number;
  h_sum: number;
  h_min: number | null;
  h_max: number | null;
  s_n: number;
  s_sum: number;
  s_min: number | null;
  s_max: number | null;
}

function addRow(b: BucketAccumulator, r: AggRow): void {
  b.n += r.n;
  addToAccumulator(b.temperature, r.t_n, r.t_sum, r.t_min ?? Infinity, r.t_max ?? -Infinity);
  addToAccumulator(b.heartRate, r.h_n, r.h_sum, r.h_min ?? Infinity, r.h_max ?? -Infinity);
  addToAccumulator(b.spo2, r.s_n, r.s_sum, r.s_min ?? Infinity, r.s_max ?? -Infinity);
}

/**
 * `unitsMs`: the rollup levels bucket queries may read, coarsest first (default hour and minute);
 * `bench:history` passes `[MINUTE]` to measure the path before the hour level, in the same run.
 */
export function createReadingTable(db: Db, rowId: (deviceId: string) => number | undefined, unitsMs: readonly number[] = ROLLUP_UNITS_MS) {
  const q = {
    seen: db.prepare('SELECT 1 FROM message_ids WHERE device_id = ? AND msg_id = ? AND fingerprint = ? AND received_at >= ?'),
    remember: db.prepare('INSERT OR REPLACE INTO message_ids (device_id, msg_id, fingerprint, received_at) VALUES (?, ?, ?, ?)'),
    forget: db.prepare('DELETE FROM message_ids WHERE received_at < ?'),
    // `msg_key` and `received_at`: the key of the message that created the row (null without a
    // message id) and its arrival — how its redelivery is recognised (message-key.ts).
    insert: db.prepare(
      'INSERT INTO readings (device_id, ts, temperature, heart_rate, spo2, received_at, msg_key) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    // Vitals of one instant may arrive in separate messages: merge, the newer value winning.
    stored: db.prepare('SELECT temperature, heart_rate, spo2, received_at, msg_key FROM readings WHERE device_id = ? AND ts = ?'),
    merge: db.prepare(`UPDATE readings SET temperature = coalesce(?, temperature), heart_rate = coalesce(?, heart_rate),
      spo2 = coalesce(?, spo2), received_at = ? WHERE device_id = ? AND ts = ?`),
    counters: db.prepare(`INSERT INTO device_counters (reading_count, last_ts, pending_minute, device_id) VALUES (?, ?, ?, ?) ON CONFLICT (device_id)
      DO UPDATE SET reading_count = reading_count + excluded.reading_count, last_ts = max(coalesce(last_ts, 0), excluded.last_ts),
      pending_minute = excluded.pending_minute`),
    count: db.prepare('SELECT count(*) AS c FROM (SELECT 1 FROM readings WHERE device_id = ? AND ts >= ? AND ts < ? LIMIT ?)'),
    raw: db.prepare('SELECT ts, temperature, heart_rate, spo2 FROM readings WHERE device_id = ? AND ts >= ? AND ts < ? ORDER BY ts LIMIT ?'),
    rawBuckets: db.prepare(`SELECT cast(ts / @w AS INTEGER) * @w AS t, ${AGG_COLUMNS}
      FROM readings WHERE device_id = @d AND ts >= @from AND ts < @to GROUP BY 1 ORDER BY 1`),
    minuteBuckets: db.prepare(`SELECT cast(minute / @wu AS INTEGER) * @w AS t, ${SUM_COLUMNS}
      FROM readings_1m WHERE device_id = @d AND minute >= @u0 AND minute < @u1 GROUP BY 1 ORDER BY 1`),
    hourBuckets: db.prepare(`SELECT cast(hour / @wu AS INTEGER) * @w AS t, ${SUM_COLUMNS}
      FROM readings_1h WHERE device_id = @d AND hour >= @u0 AND hour < @u1 GROUP BY 1 ORDER BY 1`),
  };
  const addMinute = prepareAddDelta(db, 'readings_1m', 'minute');
  const addHour = prepareAddDelta(db, 'readings_1h', 'hour');
  const recompute = prepareRecompute(db);
  const pending = createPendingMinutes(db, recompute);
  let appendsSincePurge = 0;

  /** Unit rows a batch changes: what it adds, or `dirty` when the unit must be recomputed. */
  type Touched = { d: number; at: number; delta: RollupDelta; dirty: boolean };
  const touch = (map: Map<string, Touched>, d: number, at: number): Touched => {
    const key = `${d}:${at}`;
    let t = map.get(key);
    if (!t) map.set(key, (t = { d, at, delta: emptyDelta(), dirty: false }));
    return t;
  };

  type StoredRow = { temperature: number | null; heart_rate: number | null; spo2: number | null; received_at: number; msg_key: number | null };
  const storedRow = (d: number, ts: number): StoredRow => {
    const old = q.stored.get(d, ts) as StoredRow | undefined;
    if (!old) throw new Error(`reading ${d}@${ts} neither inserted nor found`);
    return old;
  };

  /**
   * Merges a reading into the stored row of its instant and tells what that adds to the rollups:
   * a vital the row lacked is added; the same value again changes nothing; a different value
   * (the newer wins) makes the minute `dirty`. The row keeps the key of the message that created
   * it; `receivedAt` renews its arrival (that message came back after its TTL).
   */
  function mergeInto(
    minute: Touched | undefined,
    d: number,
    ts: number,
    values: Record<Vital, number | null>,
    old: StoredRow,
    receivedAt = old.received_at,
  ): void {
    const before: Record<Vital, number | null> = { t: old.temperature, h: old.heart_rate, s: old.spo2 };
    let changed = false;
    for (const vital of VITALS) {
      const v = values[vital];
      if (v === null || v === before[vital]) continue;
      changed = true;
      if (!minute) continue; // a pending minute: summed from its rows later
      if (before[vital] === null) addValue(minute.delta, vital, v);
      else minute.dirty = true;
    }
    if (changed || receivedAt !== old.received_at) q.merge.run(values.t, values.h, values.s, receivedAt, d, ts);
  }

  /** Whether the id table holds (`msgId`, `fp`) within the TTL. */
  const seenById = (d: number, item: ReadingBatchItem, fp: string) => q.seen.get(d, item.msgId, fp, item.receivedAt - MESSAGE_ID_TTL_MS) !== undefined;

  const appendTx = writeTransaction(db, (items: ReadingBatchItem[]): AppendResult => {
    const duplicate: boolean[] = [];
    const minutes = new Map<string, Touched>();
    const states = new Map<number, DeviceState>();
    let written = 0;
    for (const item of items) {
      const d = rowId(item.deviceId);
      if (d === undefined) throw new Error(`unknown device ${item.deviceId}`);
      const fp = item.fingerprint ?? '';
      const key = item.msgId === undefined ? null : rowMessageKey(item.msgId, fp);
      // Known to the id table (its readings took the receive time, or could decode otherwise when
      // redelivered, or it came before rows had keys): a redelivery.
      if (key !== null && seenById(d, item, fp)) {
        duplicate.push(true);
        continue;
      }
      // A message the ingest vouches for (`timed`: a redelivery brings its first reading at the same
      // instant) is recognised from the rows it creates; any other, or one with no readings to
      // recognise it by, keeps a row in the id table.
      let remember = key !== null && (item.timed !== true || item.readings.length === 0);
      const state = pending.stateOf(states, d);
      let first = true;
      let isDuplicate = false;
      for (const r of item.readings) {
        const values: Record<Vital, number | null> = { t: r.temperature ?? null, h: r.heartRate ?? null, s: r.spo2 ?? null };
        const minuteAt = Math.floor(r.ts / MINUTE);
        const rolled = pending.advance(state, d, minuteAt);
        if (q.insert.run(d, r.ts, values.t, values.h, values.s, item.receivedAt, key).changes === 1) {
          state.added++;
          if (rolled) {
            const minute = touch(minutes, d, minuteAt);
            minute.delta.n++;
            for (const vital of VITALS) addValue(minute.delta, vital, values[vital]);
          }
        } else {
          const old = storedRow(d, r.ts);
          let renew: number | undefined;
          if (key !== null && first) {
            // Nothing of this message is written yet. Its first instant holds it (same key within
            // the TTL): a redelivery. Its key there but expired: taken again and renewed. Another
            // message's row: this one goes to the id table, so its own redelivery is known there.
            const mine = old.msg_key === key;
            if (mine && old.received_at >= item.receivedAt - MESSAGE_ID_TTL_MS) {
              isDuplicate = true;
              break;
            }
            if (mine) renew = item.receivedAt;
            else remember = true;
          }
          mergeInto(rolled ? touch(minutes, d, minuteAt) : undefined, d, r.ts, values, old, renew);
        }
        first = false;
        state.last = Math.max(state.last, r.ts);
        written++;
      }
      if (remember && !isDuplicate) q.remember.run(d, item.msgId, fp, item.receivedAt);
      duplicate.push(isDuplicate);
    }
    // Minutes first, then their hours: a dirty minute is recomputed from its readings and makes
    // its hour recomputed from its minutes; the others add what the batch brought.
    const hours = new Map<string, Touched>();
    for (const { d, at: m, delta, dirty } of minutes.values()) {
      const hour = touch(hours, d, Math.floor(m / 60));
      if (dirty) {
        recompute.minutes(d, m, m + 1);
        hour.dirty = true;
      } else {
        if (!isEmpty(delta)) addMinute(d, m, delta);
        addDelta(hour.delta, delta);
      }
    }
    for (const { d, at: h, delta, dirty } of hours.values()) {
      if (dirty) recompute.hours(d, h, h + 1);
      else if (!isEmpty(delta)) addHour(d, h, delta);
    }
    // Counters of the devices the batch wrote to, and their pending minute where it moved.
    for (const [d, s] of states) {
      if (s.last > 0 || s.pending !== s.pendingBefore) q.counters.run(s.added, s.last, s.pending, d);
    }
    return { duplicate, written };
  });

  const readTransaction = db.transaction((fn: () => void) => fn());

  function bucketsRaw(d: number, from: number, to: number, w: number, into: Map<number, BucketAccumulator>): void {
    if (from >= to) return;
    for (const r of q.rawBuckets.all({ d, from, to, w }) as AggRow[]) {
      const b = into.get(r.t) ?? emptyBucket(r.t);
      addRow(b, r);
      into.set(r.t, b);
    }
  }

  return {
    append(items: ReadingBatchItem[]): AppendResult {
      const result = appendTx(items);
      if (++appendsSincePurge >= 500) {
        appendsSincePurge = 0;
        q.forget.run(Date.now() - MESSAGE_ID_TTL_MS);
      }
      return result;
    },
    count(segments: Segment[], cap: number): number {
      let total = 0;
      for (const seg of segments) {
        const d = rowId(seg.deviceId);
        if (d === undefined || total >= cap) continue;
        total += (q.count.get(d, seg.from, seg.to, cap - total) as { c: number }).c;
      }
      return total;
    },
    raw(query: RawQuery): Reading[] {
      const rows: Reading[] = [];
      for (const seg of query.segments) {
        const d = rowId(seg.deviceId);
        if (d === undefined) continue;
        for (const r of q.raw.all(d, seg.from, seg.to, query.limit) as Parameters<typeof toReading>[0][]) rows.push(toReading(r));
      }
      if (query.segments.length > 1) rows.sort((a, b) => a.ts - b.ts);
      return rows.slice(0, query.limit);
    },
    /**
     * Planned by `planScan`: whole hours inside a segment from the hour rollups when the width is
     * whole hours, whole minutes from the minute rollups when it is whole minutes, and raw rows
     * for the rest, so results equal a raw scan exactly and the rows read follow the bucket count.
     */
    buckets(query: BucketQuery): Bucket[] {
      const w = query.widthMs;
      const acc = new Map<number, BucketAccumulator>();
      const add = (rows: AggRow[]) => {
        for (const r of rows) {
          const b = acc.get(r.t) ?? emptyBucket(r.t);
          addRow(b, r);
          acc.set(r.t, b);
        }
      };
      // One read transaction: the pending minute and the rows read are of one state of the file.
      readTransaction(() => {
        for (const { deviceId, from, to } of query.segments) {
          const d = rowId(deviceId);
          if (d === undefined || from >= to) continue;
          // The device's pending minute on is in no rollup yet: raw rows answer it.
          const cut = pending.cutOf(d, from, to);
          if (cut < to) bucketsRaw(d, cut, to, w, acc);
          if (from >= cut) continue;
          for (const p of planScan(from, cut, w, unitsMs)) {
            if (p.unitMs === 0) bucketsRaw(d, p.from, p.to, w, acc);
            else {
              const stmt = p.unitMs === HOUR ? q.hourBuckets : q.minuteBuckets;
              add(stmt.all({ d, u0: p.from / p.unitMs, u1: p.to / p.unitMs, wu: w / p.unitMs, w }) as AggRow[]);
            }
          }
        }
      });
      return [...acc.values()].sort((a, b) => a.t - b.t).map(finishBucket);
    },
  };
}
