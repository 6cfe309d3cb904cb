/**
 * SQLite rollups of a device's newest minute (migration 16): its readings stay out of readings_1m
 * and readings_1h until a reading of a later minute arrives, then the minute is summed from its
 * rows. The bucket answers themselves are checked against a brute force by the store contract
 * (test/store/contract.ts); these tests look at the rollup rows and at an upgraded database.
 */
import type { Reading } from '../../core';
import { createSqliteStore } from '../../backend/store/sqlite';
import type { ReadingBatchItem } from '../../backend/store/types';
import { tempDir } from '../helpers/stack';
import { testKeys } from '../helpers/secret-keys';
import { bruteBuckets, expectBucketsEqual } from './brute-buckets';

const T0 = Date.UTC(2026, 0, 1);
const M = 60_000;
const H = 3_600_000;
const device = (n: number) => ({ productKey: 'pk0000test1', deviceName: `bed-${n}`, secret: 's3cret-value', bindCode: `CODEBED${n}00` });
const idOf = (n: number) => `pk0000test1/bed-${n}`;

async function openStore(devices: number) {
  const dir = tempDir();
  const store = createSqliteStore({ dataDir: dir.path, keys: testKeys() });
  for (let n = 1; n <= devices; n++) await store.createDevice(device(n), T0);
  return {
    store,
    rows: (sql: string, ...args: unknown[]) => store.db.prepare(sql).all(...args) as Array<Record<string, number | null>>,
    async close() {
      await store.close();
      dir.remove();
    },
  };
}

const post = (n: number, readings: Reading[], i = 0): ReadingBatchItem => ({
  deviceId: idOf(n),
  msgId: `m${n}-${i}-${readings[0]?.ts}`,
  fingerprint: 'f',
  receivedAt: (readings[0]?.ts ?? T0) + 10,
  readings,
});

const VITALS = ['t', 'h', 's'] as const;
const COLUMNS = { t: 'temperature', h: 'heart_rate', s: 'spo2' } as const;
/** Each vital's columns of two rollup rows `a` and `b` differ (sums to rounding). */
const differ = (a: string, b: string) =>
  VITALS.map(
    (v) =>
      `${a}.${v}_n != ${b}.${v}_n OR abs(${a}.${v}_sum - ${b}.${v}_sum) > 1e-9 OR ${a}.${v}_min IS NOT ${b}.${v}_min OR ${a}.${v}_max IS NOT ${b}.${v}_max`,
  ).join(' OR ');
/** Minutes before `@before` (a minute) whose row is missing, extra, or not the sum of their readings. */
const MINUTES_OFF = `WITH r AS (SELECT cast(ts / ${M} AS INTEGER) AS minute, count(*) AS n,
    ${VITALS.map((v) => `count(${COLUMNS[v]}) AS ${v}_n, total(${COLUMNS[v]}) AS ${v}_sum, min(${COLUMNS[v]}) AS ${v}_min, max(${COLUMNS[v]}) AS ${v}_max`).join(', ')}
    FROM readings WHERE device_id = @d AND ts < @before * ${M} GROUP BY 1),
  m AS (SELECT * FROM readings_1m WHERE device_id = @d AND minute < @before)
  SELECT r.minute, m.minute AS row FROM r LEFT JOIN m ON m.minute = r.minute WHERE m.minute IS NULL OR r.n != m.n OR ${differ('r', 'm')}
  UNION ALL SELECT NULL, minute FROM m WHERE minute NOT IN (SELECT minute FROM r)`;
/** Whole hours before `@before` whose row is missing or not the sum of their minute rows. */
const HOURS_OFF = `WITH s AS (SELECT cast(minute / 60 AS INTEGER) AS hour, sum(n) AS n,
    ${VITALS.map((v) => `sum(${v}_n) AS ${v}_n, total(${v}_sum) AS ${v}_sum, min(${v}_min) AS ${v}_min, max(${v}_max) AS ${v}_max`).join(', ')}
    FROM readings_1m WHERE device_id = @d AND minute < @before GROUP BY 1)
  SELECT s.hour FROM s LEFT JOIN readings_1h h ON h.device_id = @d AND h.hour = s.hour
  WHERE (s.hour + 1) * 60 <= @before AND (h.hour IS NULL OR h.n != s.n OR ${differ('s', 'h')})`;

describe('SQLite: the newest minute of a device is rolled up once it is complete (migration 16)', () => {
  test('a steady device writes no rollup row for its current minute; a later minute rolls it up, a later hour its hour', async () => {
    const s = await openStore(1);
    const minute = T0 / M + 30;
    for (let i = 0; i < 3; i++) await s.store.appendReadings([post(1, [{ ts: minute * M + i * 15_000, heartRate: 60 + i }])]);
    expect(s.rows('SELECT * FROM readings_1m')).toEqual([]);
    expect(s.rows('SELECT pending_minute FROM device_counters')).toEqual([{ pending_minute: minute }]);
    // A later minute begins: the finished one is summed once. Its hour is not complete yet (never
    // read whole by a query): it is summed when it is.
    await s.store.appendReadings([post(1, [{ ts: (minute + 2) * M + 1, heartRate: 90 }])]);
    expect(s.rows('SELECT minute, n, h_n, h_sum, h_min, h_max FROM readings_1m')).toEqual([{ minute, n: 3, h_n: 3, h_sum: 183, h_min: 60, h_max: 62 }]);
    expect(s.rows('SELECT reading_count, pending_minute FROM device_counters')).toEqual([{ reading_count: 4, pending_minute: minute + 2 }]);
    // A late reading into a finished minute is added to its minute at once, as before.
    await s.store.appendReadings([post(1, [{ ts: minute * M + 59_000, heartRate: 50 }])]);
    expect(s.rows('SELECT n, h_min FROM readings_1m')).toEqual([{ n: 4, h_min: 50 }]);
    // The next hour begins: the first is summed from its minutes, late reading included.
    await s.store.appendReadings([post(1, [{ ts: T0 + H + 5_000, heartRate: 70 }])]);
    expect(s.rows('SELECT minute, n FROM readings_1m')).toEqual([
      { minute, n: 4 },
      { minute: minute + 2, n: 1 },
    ]);
    expect(s.rows('SELECT hour, n, h_sum, h_min, h_max FROM readings_1h')).toEqual([{ hour: T0 / H, n: 5, h_sum: 323, h_min: 50, h_max: 90 }]);
    await s.close();
  });

  test('a database from before migration 16 (everything rolled up) goes on exactly', async () => {
    const s = await openStore(1);
    const readings: Reading[] = Array.from({ length: 200 }, (_, i) => ({ ts: T0 + i * 20_000 + 3, heartRate: 40 + (i % 90), spo2: 90 + (i % 10) }));
    await s.store.appendReadings([post(1, readings)]);
    // As the previous version left it: every minute and hour summed, no pending minute.
    s.store.db.exec(`UPDATE device_counters SET pending_minute = NULL;
      INSERT OR REPLACE INTO readings_1m SELECT device_id, cast(ts / ${M} AS INTEGER), count(*),
        count(temperature), total(temperature), min(temperature), max(temperature), count(heart_rate), total(heart_rate), min(heart_rate), max(heart_rate),
        count(spo2), total(spo2), min(spo2), max(spo2) FROM readings GROUP BY 1, 2;
      INSERT OR REPLACE INTO readings_1h SELECT device_id, cast(minute / 60 AS INTEGER), sum(n), sum(t_n), total(t_sum), min(t_min), max(t_max),
        sum(h_n), total(h_sum), min(h_min), max(h_max), sum(s_n), total(s_sum), min(s_min), max(s_max) FROM readings_1m GROUP BY 1, 2;`);
    const last = readings.at(-1)!.ts;
    // First a late one two minutes back: added to the rollups, and the pending minute starts at the
    // newest stored one, not there (or the next minute would re-sum every minute since).
    const more: Reading[] = [
      { ts: last - 2 * M, spo2: 70 },
      { ts: last + 1_000, heartRate: 200 },
      { ts: last + M, heartRate: 10 },
      { ts: last + 3 * M, heartRate: 11 },
    ];
    await s.store.appendReadings([post(1, [more[0]!])]);
    expect(s.rows('SELECT pending_minute FROM device_counters')).toEqual([{ pending_minute: Math.floor(last / M) }]);
    for (const [i, r] of more.slice(1).entries()) await s.store.appendReadings([post(1, [r], i + 1)]);
    // The late one falls on a stored instant: merged into it, the newer value winning.
    const truth = new Map(readings.map((r) => [r.ts, r]));
    for (const r of more) truth.set(r.ts, { ...truth.get(r.ts), ...r });
    const all = [...truth.values()];
    for (const w of [M, 5 * M, H, 2 * H]) {
      expectBucketsEqual(
        await s.store.queryBuckets({ segments: [{ deviceId: idOf(1), from: T0, to: last + H }], widthMs: w }),
        bruteBuckets(all, T0, last + H, w),
      );
    }
    await s.close();
  });

  test('rollup rows below each pending minute equal their readings after random traffic', async () => {
    const s = await openStore(3);
    let seed = 11;
    const rand = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return Math.floor((seed / 2_147_483_648) * n); // the high bits: the low ones of this generator repeat
    };
    const clock = [T0, T0, T0];
    for (let b = 0; b < 150; b++) {
      const items: ReadingBatchItem[] = [];
      for (let k = 0; k < 1 + rand(4); k++) {
        const n = 1 + rand(3);
        // Mostly forward in time, sometimes a jump of minutes or hours, sometimes late, sometimes an instant again.
        const step = [7_000, 19_000, 61_000, 3 * H][rand(4)]!;
        clock[n - 1]! += rand(10) === 0 ? -rand(10) * M : rand(5) === 0 ? 0 : step;
        // One to three readings a message, seconds apart.
        const readings = Array.from({ length: 1 + rand(3) }, (_, j) => {
          const r: Reading = { ts: Math.max(T0, clock[n - 1]!) + j * 5_000 };
          if (rand(3)) r.heartRate = 40 + rand(120);
          if (rand(2)) r.spo2 = 80 + rand(20);
          if (rand(4) === 0 || (r.heartRate === undefined && r.spo2 === undefined)) r.temperature = 35 + rand(40) / 10;
          return r;
        });
        items.push(post(n, readings, b * 10 + k));
      }
      // Now and then a batch again (a redelivery): nothing of it counts twice.
      await s.store.appendReadings(items);
      if (rand(6) === 0) await s.store.appendReadings(items);
    }
    for (const d of [1, 2, 3]) {
      const before = s.rows('SELECT pending_minute FROM device_counters WHERE device_id = ?', d)[0]?.pending_minute;
      expect(before).toEqual(expect.any(Number));
      expect(s.rows(MINUTES_OFF, { d, before })).toEqual([]);
      expect(s.rows(HOURS_OFF, { d, before })).toEqual([]);
      const count = s.rows('SELECT count(*) AS c FROM readings WHERE device_id = ?', d)[0]!.c;
      expect(s.rows('SELECT reading_count FROM device_counters WHERE device_id = ?', d)).toEqual([{ reading_count: count }]);
      expect(s.rows('SELECT count(*) AS c FROM readings_1m WHERE device_id = ? AND minute < ?', d, before)[0]!.c).toBeGreaterThan(10);
    }
    await s.close();
  });
});
