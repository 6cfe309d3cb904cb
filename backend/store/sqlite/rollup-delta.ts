/**
 * What one batch adds to a rollup row (`readings_1m`, `readings_1h`), so rollups are updated in
 * O(1) per reading instead of being recomputed from up to 60 rows (docs/performance.md, "Rollups
 * by adding, not recomputing"). Adding is exact for new readings and for a merge that fills a
 * vital the row did not have; a merge that replaces a value cannot be undone in a minimum or
 * maximum, so the caller marks that unit dirty and recomputes it from the rows below instead.
 */
import type { Db } from './database';

/** A minute in ms: the unit of `readings_1m` (and 60 of them, of `readings_1h`). */
export const MINUTE = 60_000;

/** A rollup row's columns (after its device and unit) computed from reading rows. */
export const AGG_COLUMNS = `count(*) AS n,
  count(temperature) AS t_n, total(temperature) AS t_sum, min(temperature) AS t_min, max(temperature) AS t_max,
  count(heart_rate) AS h_n, total(heart_rate) AS h_sum, min(heart_rate) AS h_min, max(heart_rate) AS h_max,
  count(spo2) AS s_n, total(spo2) AS s_sum, min(spo2) AS s_min, max(spo2) AS s_max`;
/** Sums of rollup rows, in the shape of AGG_COLUMNS. */
export const SUM_COLUMNS = `sum(n) AS n,
  sum(t_n) AS t_n, sum(t_sum) AS t_sum, min(t_min) AS t_min, max(t_max) AS t_max,
  sum(h_n) AS h_n, sum(h_sum) AS h_sum, min(h_min) AS h_min, max(h_max) AS h_max,
  sum(s_n) AS s_n, sum(s_sum) AS s_sum, min(s_min) AS s_min, max(s_max) AS s_max`;

/**
 * Recomputing rollup rows from the rows below, replacing what they held: a device's minutes
 * [m0, m1) from its readings, its hours [h0, h1) from its minute rows. For a merge that replaced a
 * value (a minimum or maximum cannot be undone) and for the pending minutes (pending-minute.ts).
 */
export function prepareRecompute(db: Db) {
  const minutes = db.prepare(`INSERT OR REPLACE INTO readings_1m SELECT @d, cast(ts / ${MINUTE} AS INTEGER), ${AGG_COLUMNS}
    FROM readings WHERE device_id = @d AND ts >= @m0 * ${MINUTE} AND ts < @m1 * ${MINUTE} GROUP BY 2`);
  const hours = db.prepare(`INSERT OR REPLACE INTO readings_1h SELECT @d, cast(minute / 60 AS INTEGER), ${SUM_COLUMNS}
    FROM readings_1m WHERE device_id = @d AND minute >= @h0 * 60 AND minute < @h1 * 60 GROUP BY 2`);
  return {
    minutes: (d: number, m0: number, m1: number): void => void minutes.run({ d, m0, m1 }),
    hours: (d: number, h0: number, h1: number): void => void hours.run({ d, h0, h1 }),
  };
}

/** Count, sum and extremes of one vital in a delta; `min`/`max` are null while `n` is 0. */
interface Part {
  n: number;
  sum: number;
  min: number | null;
  max: number | null;
}

export interface RollupDelta {
  /** Rows added (a merge into an existing row adds none). */
  n: number;
  t: Part;
  h: Part;
  s: Part;
}

export type Vital = 't' | 'h' | 's';
export const VITALS: readonly Vital[] = ['t', 'h', 's'];

const emptyPart = (): Part => ({ n: 0, sum: 0, min: null, max: null });

export function emptyDelta(): RollupDelta {
  return { n: 0, t: emptyPart(), h: emptyPart(), s: emptyPart() };
}

/** Adds one value of a vital (nothing for null). */
export function addValue(delta: RollupDelta, vital: Vital, v: number | null): void {
  if (v === null) return;
  const p = delta[vital];
  p.n++;
  p.sum += v;
  p.min = p.min === null ? v : Math.min(p.min, v);
  p.max = p.max === null ? v : Math.max(p.max, v);
}

/** Whether the delta changes nothing (no row added, no value added). */
export function isEmpty(d: RollupDelta): boolean {
  return d.n === 0 && d.t.n + d.h.n + d.s.n === 0;
}

/** Adds `from` into `into` (the minutes of a batch into their hour). */
export function addDelta(into: RollupDelta, from: RollupDelta): void {
  into.n += from.n;
  for (const vital of VITALS) {
    const a = into[vital];
    const b = from[vital];
    if (b.n === 0) continue;
    a.n += b.n;
    a.sum += b.sum;
    a.min = a.min === null ? b.min : Math.min(a.min, b.min ?? a.min);
    a.max = a.max === null ? b.max : Math.max(a.max, b.max ?? a.max);
  }
}

/**
 * A statement adding a delta to the row of (`device`, `unit`) in `table` (`readings_1m` keyed by
 * `minute`, `readings_1h` by `hour`), creating it if missing. SQLite's two-argument min/max
 * return NULL when either side is NULL, hence the coalesce on both sides.
 */
export function prepareAddDelta(db: Db, table: 'readings_1m' | 'readings_1h', unit: 'minute' | 'hour') {
  const extreme = (fn: 'min' | 'max', col: string) => `${col} = ${fn}(coalesce(${col}, excluded.${col}), coalesce(excluded.${col}, ${col}))`;
  const vital = (v: Vital) =>
    `${v}_n = ${v}_n + excluded.${v}_n, ${v}_sum = ${v}_sum + excluded.${v}_sum, ${extreme('min', `${v}_min`)}, ${extreme('max', `${v}_max`)}`;
  const stmt = db.prepare(`INSERT INTO ${table} (device_id, ${unit}, n, t_n, t_sum, t_min, t_max, h_n, h_sum, h_min, h_max, s_n, s_sum, s_min, s_max)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (device_id, ${unit}) DO UPDATE SET n = n + excluded.n, ${vital('t')}, ${vital('h')}, ${vital('s')}`);
  return (device: number, at: number, d: RollupDelta): void => {
    const { t, h, s } = d;
    stmt.run(device, at, d.n, t.n, t.sum, t.min, t.max, h.n, h.sum, h.min, h.max, s.n, s.sum, s.min, s.max);
  };
}
