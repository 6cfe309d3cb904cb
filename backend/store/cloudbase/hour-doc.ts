/**
 * Readings on CloudBase: one document per device per hour, holding that hour's readings grouped
 * by minute, a summary per minute and one for the hour, the latest reading, and the ids of the
 * messages it took readings from. Pure functions only: the adapter reads a document, merges a
 * batch into it here and writes back the changed fields, all in one single-document transaction.
 *
 * Why this shape (issue #9, CloudBase quotas in docs/cloudbase.md): one write stores all readings
 * a batch brings for a device-hour; a 30-day history reads 720 small summaries instead of 2.6 M
 * rows; the message ids travel with the readings they describe, so a redelivered message is
 * recognised inside the same transaction that would store it — no second collection, no second
 * write, and no way for the id and the readings to disagree. (A reading at the arrival instant,
 * which a redelivery moves, is looked up before: redelivery.ts.)
 *
 *   { _id: "{pk}:{dn}:{hourMs}", deviceId, hour,
 *     n,                       readings in the hour
 *     s: Summary,              the hour
 *     m: { "<minute 0-59>": Summary },
 *     r: { "<minute>": { "<ms within the minute>": [temperature, heartRate, spo2] } },   null = not measured
 *     last: [ts, temperature, heartRate, spo2],
 *     ids: { "<message key>": receivedAt } }
 */
import { createHash } from 'node:crypto';
import type { Reading } from '../../../core';

export const HOUR = 3_600_000;
export const MINUTE = 60_000;

/** [n, tN, tSum, tMin, tMax, hN, hSum, hMin, hMax, sN, sSum, sMin, sMax]; min/max null when its count is 0. */
export type Summary = Array<number | null>;
export type Vitals = [number | null, number | null, number | null];

export interface HourDoc {
  deviceId: string;
  hour: number;
  n: number;
  s: Summary;
  m: Record<string, Summary>;
  r: Record<string, Record<string, Vitals>>;
  last: [number, number | null, number | null, number | null] | null;
  ids: Record<string, number>;
}

export const hourOf = (ts: number): number => Math.floor(ts / HOUR) * HOUR;
export const hourDocId = (deviceKey: string, hour: number): string => `${deviceKey}:${hour}`;

/** A message's key inside `ids`: field names must not contain `.` or start with `$`, so hash. */
export function idFieldKey(msgId: string, fingerprint: string): string {
  return createHash('sha1').update(msgId).update('\0').update(fingerprint).digest('hex').slice(0, 20);
}

export const emptySummary = (): Summary => [0, 0, 0, null, null, 0, 0, null, null, 0, 0, null, null];

/** Summary of some readings' vitals. */
export function summarise(values: Iterable<Vitals>): Summary {
  const s = emptySummary();
  for (const v of values) {
    s[0] = (s[0] as number) + 1;
    for (let k = 0; k < 3; k++) {
      const x = v[k];
      if (x === null || x === undefined) continue;
      const o = 1 + k * 4;
      const [min, max] = [s[o + 2], s[o + 3]];
      s[o] = (s[o] as number) + 1;
      s[o + 1] = (s[o + 1] as number) + x;
      s[o + 2] = min === null || min === undefined ? x : Math.min(min, x);
      s[o + 3] = max === null || max === undefined ? x : Math.max(max, x);
    }
  }
  return s;
}

/** Sum of summaries. */
export function combine(parts: Iterable<Summary>): Summary {
  const s = emptySummary();
  for (const p of parts) {
    s[0] = (s[0] as number) + (p[0] as number);
    for (let k = 0; k < 3; k++) {
      const o = 1 + k * 4;
      if (!p[o]) continue;
      s[o] = (s[o] as number) + (p[o] as number);
      s[o + 1] = (s[o + 1] as number) + (p[o + 1] as number);
      s[o + 2] = s[o + 2] === null ? p[o + 2]! : Math.min(s[o + 2] as number, p[o + 2] as number);
      s[o + 3] = s[o + 3] === null ? p[o + 3]! : Math.max(s[o + 3] as number, p[o + 3] as number);
    }
  }
  return s;
}

export function toVitals(r: Reading): Vitals {
  return [r.temperature ?? null, r.heartRate ?? null, r.spo2 ?? null];
}

export function toReading(ts: number, v: Vitals): Reading {
  const out: Reading = { ts };
  if (v[0] !== null) out.temperature = v[0];
  if (v[1] !== null) out.heartRate = v[1];
  if (v[2] !== null) out.spo2 = v[2];
  return out;
}

/** Every reading of a document (or of the minutes it was read with), oldest first. */
export function readingsOf(doc: Pick<HourDoc, 'hour' | 'r'>): Reading[] {
  const out: Reading[] = [];
  for (const [min, byMs] of Object.entries(doc.r ?? {})) {
    const base = doc.hour + Number(min) * MINUTE;
    for (const [ms, v] of Object.entries(byMs)) out.push(toReading(base + Number(ms), v));
  }
  return out.sort((a, b) => a.ts - b.ts);
}

export interface MergeItem {
  msgKey?: string;
  receivedAt: number;
  readings: Reading[];
  /**
   * Set when one of `readings` took the arrival instant (`receivedAt`: a vital without an Alink
   * `time`). A redelivery moves that reading; it is here already only if the delivery that left
   * the key here arrived in this hour (redelivery.ts).
   */
  arrivalReading?: boolean;
}

export interface MergeResult {
  /** Fields to write: the whole document when it is new, otherwise only what changed (dot paths are the SDK's business). */
  patch: Partial<HourDoc>;
  created: boolean;
  /** Per item: its readings for this hour were already stored (a redelivery). */
  duplicate: boolean[];
  /** Readings written or merged. */
  written: number;
}

/**
 * Merges items (in order) into the hour's document. `current` holds at least `n`, `m`, `last`,
 * `ids` and, for every minute the items touch, `r[minute]`; undefined when the document does
 * not exist yet. Vitals of one instant from separate messages merge, the later message winning;
 * a message key seen within `idTtlMs` marks the item a duplicate and it changes nothing, except
 * for an `arrivalReading` the key's earlier delivery did not bring here (it arrived in another hour).
 */
export function mergeIntoHour(deviceId: string, hour: number, current: Partial<HourDoc> | undefined, items: MergeItem[], idTtlMs: number): MergeResult {
  const r: Record<string, Record<string, Vitals>> = {};
  for (const [k, v] of Object.entries(current?.r ?? {})) r[k] = { ...v };
  const m: Record<string, Summary> = { ...(current?.m ?? {}) };
  const ids: Record<string, number> = { ...(current?.ids ?? {}) };
  const newIds: Record<string, number> = {};
  const touched = new Set<string>();
  const duplicate: boolean[] = [];
  let written = 0;
  for (const item of items) {
    const seen = item.msgKey === undefined ? undefined : ids[item.msgKey];
    let readings = item.readings;
    if (seen !== undefined && seen >= item.receivedAt - idTtlMs) {
      // A redelivery: its readings at device times are here. Its arrival-instant reading is too if
      // the earlier delivery arrived in this hour; if not, that delivery's own arrival reading went
      // to another hour and was not stored (else it would have been found before: redelivery.ts),
      // so this one is new here — and from now on this hour holds it.
      const moved = item.arrivalReading && hourOf(seen) !== hour ? readings.filter((r) => r.ts === item.receivedAt) : [];
      if (!moved.length) {
        duplicate.push(true);
        continue;
      }
      readings = moved;
    }
    duplicate.push(false);
    if (item.msgKey !== undefined) ids[item.msgKey] = newIds[item.msgKey] = item.receivedAt;
    for (const reading of readings) {
      const off = reading.ts - hour;
      const min = String(Math.floor(off / MINUTE));
      const ms = String(off % MINUTE);
      const byMs = (r[min] ??= {});
      const old = byMs[ms];
      const v = toVitals(reading);
      byMs[ms] = old ? [v[0] ?? old[0], v[1] ?? old[1], v[2] ?? old[2]] : v;
      written++;
      touched.add(min);
    }
  }
  for (const min of touched) m[min] = summarise(Object.values(r[min] ?? {}));
  const s = combine(Object.values(m));
  let last = current?.last ?? null;
  for (const min of touched) {
    for (const [ms, v] of Object.entries(r[min] ?? {})) {
      const ts = hour + Number(min) * MINUTE + Number(ms);
      if (!last || ts >= last[0]) last = [ts, ...v];
    }
  }
  const n = s[0] as number;
  if (!current) {
    return { patch: { deviceId, hour, n, s, m, r, last, ids }, created: true, duplicate, written };
  }
  const patch: Partial<HourDoc> = {};
  if (touched.size) {
    patch.n = n;
    patch.s = s;
    patch.last = last;
    patch.m = Object.fromEntries([...touched].map((k) => [k, m[k] as Summary]));
    patch.r = Object.fromEntries([...touched].map((k) => [k, r[k] ?? {}]));
  }
  if (Object.keys(newIds).length) patch.ids = newIds;
  return { patch, created: false, duplicate, written };
}

/** Message keys older than the TTL, to drop from the document when it is next written. */
export function expiredIds(ids: Record<string, number> | undefined, now: number, idTtlMs: number): string[] {
  return Object.entries(ids ?? {})
    .filter(([, at]) => at < now - idTtlMs)
    .map(([k]) => k);
}
