/**
 * `npm run bench:history`: 30 days of 1 Hz readings for one device (2.6 M rows) written through
 * the store's normal append path, then the `history` function asked for all 30 days in at most
 * 500 buckets. Baseline in the same run: the same buckets by a raw GROUP BY over the readings
 * table (what the query would cost without the per-minute rollups).
 *
 * BENCH_DAYS (default 30) sizes the data; the last line is JSON.
 *
 * `--store cloudbase` measures the CloudBase adapter's quota use instead (history-cloudbase.ts).
 */
import { createMemoryLogger } from '../backend/runtime/deps';
import { createSqliteStore } from '../backend/store/sqlite';
import { buildFunctions } from '../local-cloud/stack/functions';
import type { Reading } from '../core';
import { envInt, percentile, round, tempDir } from './lib';
import { benchCloudbaseHistory } from './history-cloudbase';

const DAYS = envInt('BENCH_DAYS', 30);
const RUNS = 20;

function storeArg(argv: string[]): 'sqlite' | 'cloudbase' {
  const i = argv.indexOf('--store');
  const v = i < 0 ? 'sqlite' : argv[i + 1];
  if (v !== 'sqlite' && v !== 'cloudbase') throw new Error(`--store must be sqlite or cloudbase, got ${v ?? 'nothing'}`);
  return v;
}

async function main(): Promise<void> {
  if (storeArg(process.argv.slice(2)) === 'cloudbase') return benchCloudbaseHistory();
  const dir = tempDir('rpm-bench-history-');
  const store = createSqliteStore({ dataDir: dir.path, synchronous: 'normal' });
  await store.createDevice({ productKey: 'benchProduct', deviceName: 'bench-1', secret: 'x', bindCode: 'BENCH00001' }, 0);
  const deviceId = 'benchProduct/bench-1';
  const to = Date.UTC(2026, 9, 1);
  const from = to - DAYS * 86_400_000;
  const rows = DAYS * 86_400;

  const tWrite = performance.now();
  const CHUNK = 3600;
  for (let s = 0; s < rows; s += CHUNK) {
    const readings: Reading[] = [];
    for (let i = s; i < Math.min(rows, s + CHUNK); i++) {
      const ts = from + i * 1000;
      readings.push({ ts, heartRate: 60 + (i % 50), spo2: 94 + (i % 6), temperature: 36 + (i % 15) / 10 });
    }
    await store.appendReadings([{ deviceId, receivedAt: to, readings }]);
  }
  const writeS = (performance.now() - tWrite) / 1000;
  console.log(`wrote ${rows} readings in ${round(writeS)} s (${Math.round(rows / writeS)} rows/s, with rollups)`);

  const { history } = buildFunctions({ store, now: Date.now, log: createMemoryLogger() });
  const ctx = { caller: { kind: 'admin' as const } };
  const event = { deviceId, from, to, maxPoints: 500 };
  const first = await history(event, ctx);
  if (!first.ok || (first.data as { kind: string }).kind !== 'buckets') throw new Error('expected buckets');
  const buckets = (first.data as { buckets: unknown[] }).buckets.length;

  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await history(event, ctx);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);

  // Baseline: the same bucket width straight from the raw rows.
  const widthMs = (first.data as { widthMs: number }).widthMs;
  const raw = store.db.prepare(`SELECT cast(ts / ? AS INTEGER) AS b, count(*), min(heart_rate), avg(heart_rate), max(heart_rate),
    min(spo2), avg(spo2), max(spo2), min(temperature), avg(temperature), max(temperature)
    FROM readings WHERE device_id = 1 AND ts >= ? AND ts < ? GROUP BY 1`);
  const rawTimes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    raw.all(widthMs, from, to);
    rawTimes.push(performance.now() - t);
  }
  rawTimes.sort((a, b) => a - b);

  const p50 = percentile(times, 50);
  const rawP50 = percentile(rawTimes, 50);
  console.log(`history: ${DAYS} days → ${buckets} buckets of ${widthMs / 60_000} min: p50 ${round(p50, 2)} ms, p99 ${round(percentile(times, 99), 2)} ms`);
  console.log(`baseline raw GROUP BY: p50 ${round(rawP50)} ms (${round(rawP50 / p50)}× slower)`);
  await store.close();
  dir.remove();
  console.log(
    JSON.stringify({
      rows,
      write_rows_per_s: Math.round(rows / writeS),
      buckets,
      query_p50_ms: round(p50, 2),
      query_p99_ms: round(percentile(times, 99), 2),
      raw_group_by_p50_ms: round(rawP50, 1),
      speedup_vs_raw: round(rawP50 / p50),
    }),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
