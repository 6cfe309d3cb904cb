/**
 * `npm run bench:history -- --store cloudbase`: how much of CloudBase's daily quota the CloudBase
 * adapter spends. The real `@cloudbase/node-sdk` writes through the adapter into the local
 * stand-in (test/helpers/cloudbase-server), which counts the documents every request reads and
 * writes. Printed:
 * - documents written and read per 1000 readings ingested, for three message patterns (one
 *   reading per message and per batch, as EMQX's webhook delivers them; ten devices' messages per
 *   batch, as the local message flow forms them; a device that sends a minute of readings per
 *   message);
 * - documents read by `history` for BENCH_DAYS (default 30) of data of one device at one reading
 *   every BENCH_INTERVAL_S (default 10) seconds, in at most 500 buckets;
 * - the same for the baseline design of one document per reading (computed: one write per
 *   reading, and a history that must read every reading in the range);
 * - what the basic plan's quota (50 000 reads, 30 000 writes a day) then allows.
 * Wall times through the stand-in say nothing about CloudBase's latency and are not printed.
 * The last line is JSON.
 */
import { createMemoryLogger } from '../backend/runtime/deps';
import { createCloudbaseStore } from '../backend/store/cloudbase';
import type { ReadingBatchItem, Store } from '../backend/store/types';
import { buildFunctions } from '../local-cloud/stack/functions';
import { startCloudbaseServer, type CloudbaseServer } from '../test/helpers/cloudbase-server';
import { envInt, round } from './lib';
import { createSecretKeys } from '../backend/secret-box';
import { randomBytes } from 'node:crypto';

const DAYS = envInt('BENCH_DAYS', 30);
const INTERVAL_S = envInt('BENCH_INTERVAL_S', 10);
const QUOTA = { readsPerDay: 50_000, writesPerDay: 30_000 };
const T0 = Date.UTC(2026, 9, 1);

const BENCH_KEYS = createSecretKeys([{ id: 'bench', key: randomBytes(32) }]);
let prefixes = 0;
async function freshStore(server: CloudbaseServer, devices: number): Promise<Store> {
  const store = createCloudbaseStore({
    env: server.env,
    secretId: 'bench',
    secretKey: 'bench',
    serviceUrl: server.serviceUrl,
    collectionPrefix: `b${++prefixes}_`,
    keys: BENCH_KEYS,
  });
  for (let i = 0; i < devices; i++) {
    await store.createDevice({ productKey: 'benchProduct', deviceName: `bench-${i}`, secret: 'x', bindCode: `BENCH${String(i).padStart(5, '0')}` }, 0);
  }
  return store;
}

const reading = (i: number, ts: number) => ({ ts, heartRate: 60 + (i % 50), spo2: 94 + (i % 6), temperature: 36 + (i % 15) / 10 });

/** Ingests 1000 readings in batches built by `batches`; returns documents written and read. */
async function ingestPattern(
  server: CloudbaseServer,
  devices: number,
  batches: () => ReadingBatchItem[][],
): Promise<{ written: number; read: number; requests: number }> {
  const store = await freshStore(server, devices);
  server.resetStats();
  for (const b of batches()) await store.appendReadings(b);
  const s = server.stats();
  await store.close();
  return { written: s.docsWritten, read: s.docsRead, requests: s.requests };
}

export async function benchCloudbaseHistory(): Promise<void> {
  const server = await startCloudbaseServer();
  const dev = (i: number) => `benchProduct/bench-${i}`;
  let msg = 0;
  const item = (d: number, readings: ReturnType<typeof reading>[]): ReadingBatchItem => ({
    deviceId: dev(d),
    msgId: String(++msg),
    fingerprint: 'f',
    receivedAt: readings[0]!.ts,
    readings,
  });

  // 1000 readings each: one device, one reading every 10 s, one message per batch.
  const single = await ingestPattern(server, 1, () => Array.from({ length: 1000 }, (_, i) => [item(0, [reading(i, T0 + i * 10_000)])]));
  // The same with the device's own times (Alink `time`): no lookup for a redelivery in other hours.
  const timed = await ingestPattern(server, 1, () => Array.from({ length: 1000 }, (_, i) => [{ ...item(0, [reading(i, T0 + i * 10_000)]), timed: true }]));
  // Ten devices reporting every 10 s, each batch holding one message of every device.
  const mixed = await ingestPattern(server, 10, () =>
    Array.from({ length: 100 }, (_, k) => Array.from({ length: 10 }, (_, d) => item(d, [reading(k, T0 + k * 10_000)]))),
  );
  // One device measuring every second, sending a minute of readings per message.
  const buffered = await ingestPattern(server, 1, () =>
    Array.from({ length: 17 }, (_, k) => [
      item(
        0,
        Array.from({ length: Math.min(60, 1000 - k * 60) }, (_, i) => reading(i, T0 + (k * 60 + i) * 1000)),
      ),
    ]),
  );

  // History: DAYS of data for one device, then the function's query for the whole range.
  const store = await freshStore(server, 1);
  const from = T0;
  const to = T0 + DAYS * 86_400_000;
  const perHour = 3600 / INTERVAL_S;
  for (let h = 0; h < DAYS * 24; h++) {
    const readings = Array.from({ length: perHour }, (_, i) => reading(i, from + h * 3_600_000 + i * INTERVAL_S * 1000));
    await store.appendReadings([{ deviceId: dev(0), receivedAt: to, readings }]);
  }
  const { history } = buildFunctions({ store, now: () => to, log: createMemoryLogger() });
  server.resetStats();
  const res = await history({ deviceId: dev(0), from, to, maxPoints: 500 }, { caller: { kind: 'admin' } });
  if (!res.ok) throw new Error(`history failed: ${res.message}`);
  const q = server.stats();
  const buckets = (res.data as { buckets?: unknown[] }).buckets?.length ?? 0;
  const rowsInRange = DAYS * 24 * perHour;
  await store.close();
  await server.close();

  const per1000 = (x: number) => round(x, 0);
  console.log('per 1000 readings ingested: documents written / read (requests, a transaction being 4):');
  console.log(
    `  one reading per message and batch:      ${per1000(single.written)} / ${per1000(single.read)} (${single.requests})` +
      '   baseline one-document-per-reading: 1000 / 0 (1000)',
  );
  console.log(`  the same at the device's own times:     ${per1000(timed.written)} / ${per1000(timed.read)} (${timed.requests})`);
  console.log(`  10 devices' messages per batch:         ${per1000(mixed.written)} / ${per1000(mixed.read)} (${mixed.requests})`);
  console.log(`  a minute of 1 Hz readings per message:  ${per1000(buffered.written)} / ${per1000(buffered.read)} (${buffered.requests})`);
  console.log(
    `history, ${DAYS} days at one reading per ${INTERVAL_S} s (${rowsInRange} readings) → ${buckets} buckets: ` +
      `${q.docsRead} documents read in ${q.requests} requests (baseline: ${rowsInRange} documents)`,
  );
  const readingsPerDay = (w: number) => Math.floor((QUOTA.writesPerDay / w) * 1000);
  console.log(
    `basic plan: ${readingsPerDay(single.written)} readings/day sent one per message ` +
      `(${round(readingsPerDay(single.written) / 1440, 1)} devices at one a minute), ${readingsPerDay(buffered.written)} sent a minute per message; ` +
      `${Math.floor(QUOTA.readsPerDay / Math.max(1, q.docsRead))} such ${DAYS}-day queries a day`,
  );
  console.log(
    JSON.stringify({
      docs_written_per_1000_readings_single: single.written,
      docs_read_per_1000_readings_single: single.read,
      requests_per_1000_readings_single: single.requests,
      requests_per_1000_readings_single_timed: timed.requests,
      requests_per_1000_readings_buffered_minute: buffered.requests,
      docs_written_per_1000_readings_mixed_batch: mixed.written,
      docs_written_per_1000_readings_buffered_minute: buffered.written,
      baseline_docs_written_per_1000_readings: 1000,
      history_days: DAYS,
      history_buckets: buckets,
      history_docs_read: q.docsRead,
      history_requests: q.requests,
      baseline_history_docs_read: rowsInRange,
      quota_writes_per_day: QUOTA.writesPerDay,
      quota_reads_per_day: QUOTA.readsPerDay,
    }),
  );
}
