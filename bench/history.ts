/**
 * `npm run bench:history`: 30 days of 1 Hz readings for one device (2.6 M rows) written through
 * the store's normal append path, bound to a patient; then the history for the last 1, 7 and 30
 * days in at most 500 buckets, measured three ways in the same run:
 *
 *  - over HTTP: `POST /functions/history` on the real local stack (function host, session token,
 *    binding check, functions in their worker thread, JSON), as the mini program asks;
 *  - in-process, the store's bucket query with the hour and minute rollup levels (now);
 *  - in-process, the same query with the minute level only (the path before the hour level), and
 *    for the longest range a raw GROUP BY over the readings table (no rollups at all).
 *
 * BENCH_DAYS (default 30) sizes the data, BENCH_RUNS (default 20) the repetitions per figure.
 * Figures are medians (p50) and p99 of wall time on a machine shared with other work: compare
 * them within one run (the ratios), not across runs. The last line is JSON.
 *
 * `--store cloudbase` measures the CloudBase adapter's quota use instead (history-cloudbase.ts).
 */
import { chooseBucketWidth } from '../core';
import type { Reading } from '../core';
import { createMemoryLogger } from '../backend/runtime/deps';
import { createSqliteStore } from '../backend/store/sqlite';
import { randomBytes } from 'node:crypto';
import { createSecretKeys } from '../backend/secret-box';
import { createDeviceTable } from '../backend/store/sqlite/devices';
import { createReadingTable } from '../backend/store/sqlite/readings';
import { createStack } from '../local-cloud/stack';
import { envInt, percentile, round, tempDir } from './lib';
import { benchCloudbaseHistory } from './history-cloudbase';

const DAYS = envInt('BENCH_DAYS', 30);
const RUNS = envInt('BENCH_RUNS', 20);
const DAY = 86_400_000;
const MINUTE = 60_000;

function storeArg(argv: string[]): 'sqlite' | 'cloudbase' {
  const i = argv.indexOf('--store');
  const v = i < 0 ? 'sqlite' : argv[i + 1];
  if (v !== 'sqlite' && v !== 'cloudbase') throw new Error(`--store must be sqlite or cloudbase, got ${v ?? 'nothing'}`);
  return v;
}

/**
 * Wall-time p50 and p99 (ms) of `runs` sequential calls of `f`, after one warm-up call, and the
 * p50 of the CPU time (ms, all threads of this process: with the stack, client, host and worker)
 * each call used, which other work on a shared machine disturbs far less than wall time.
 */
async function timeIt(f: () => unknown, runs = RUNS): Promise<{ p50: number; p99: number; cpu: number }> {
  await f();
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    await f();
    times.push(performance.now() - t);
    const u = process.cpuUsage(c);
    cpu.push((u.user + u.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), cpu: percentile(cpu, 50) };
}

async function main(): Promise<void> {
  if (storeArg(process.argv.slice(2)) === 'cloudbase') return benchCloudbaseHistory();
  const dir = tempDir('rpm-bench-history-');
  const store = createSqliteStore({ dataDir: dir.path, synchronous: 'normal' });
  await store.createDevice({ productKey: 'benchProduct', deviceName: 'bench-1', secret: 'x', bindCode: 'BENCH00001' }, 0);
  const deviceId = 'benchProduct/bench-1';
  const to = Date.UTC(2026, 9, 1);
  const from = to - DAYS * DAY;
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
  console.log(`wrote ${rows} readings in ${round(writeS)} s (${Math.round(rows / writeS)} rows/s, with minute and hour rollups)`);
  const owner = await store.userForOpenid('dev:bench-owner', 'bench owner', Date.now());
  await store.createPatient({ id: 'p-bench', name: 'bench patient', sex: 'female', notes: '', createdAt: Date.now() }, owner.id);
  await store.bindDevice(deviceId, 'p-bench', owner.id, from - DAY);

  // In-process: the store's bucket query with both levels, and with the minute level only.
  // Only the device row ids are needed here; no secret is opened, so any key ring will do.
  const rowId = createDeviceTable(store.db, createSecretKeys([{ id: 'bench', key: randomBytes(32) }])).rowId;
  const levels = { now: createReadingTable(store.db, rowId), minuteOnly: createReadingTable(store.db, rowId, [MINUTE]) };
  const spans = [1, 7, 30].filter((d) => d <= DAYS);
  if (!spans.includes(DAYS)) spans.push(DAYS);
  const inProcess: Record<number, { widthMs: number; buckets: number; now: number; minuteOnly: number; nowCpu: number; minuteOnlyCpu: number }> = {};
  for (const days of spans) {
    const range = { from: to - days * DAY, to, maxPoints: 500 };
    const widthMs = chooseBucketWidth(range);
    const q = { segments: [{ deviceId, from: range.from, to }], widthMs };
    const buckets = levels.now.buckets(q);
    if (JSON.stringify(buckets) !== JSON.stringify(levels.minuteOnly.buckets(q))) throw new Error(`levels disagree for ${days} days`);
    const now = await timeIt(() => levels.now.buckets(q));
    const minuteOnly = await timeIt(() => levels.minuteOnly.buckets(q));
    inProcess[days] = { widthMs, buckets: buckets.length, now: now.p50, minuteOnly: minuteOnly.p50, nowCpu: now.cpu, minuteOnlyCpu: minuteOnly.cpu };
  }
  const widthMs = inProcess[DAYS].widthMs;
  const raw = store.db.prepare(`SELECT cast(ts / ? AS INTEGER), count(*), min(heart_rate), avg(heart_rate), max(heart_rate),
    min(spo2), avg(spo2), max(spo2), min(temperature), avg(temperature), max(temperature)
    FROM readings WHERE device_id = 1 AND ts >= ? AND ts < ? GROUP BY 1`);
  const rawGroupBy = await timeIt(() => raw.all(widthMs, from, to), 3);
  await store.close();

  // Over HTTP, on the real stack opened on the same data (functions in their worker thread).
  const stack = await createStack({ dataDir: dir.path, mqttPort: 0, mqttWsPort: 0, httpPort: 0, host: '127.0.0.1', log: createMemoryLogger() });
  const post = async (fn: string, event: Record<string, unknown>, token?: string) => {
    const r = await fetch(`http://127.0.0.1:${stack.ports.http}/functions/${fn}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(event),
    });
    const body = (await r.json()) as { ok: boolean; data?: Record<string, unknown>; message?: string };
    if (!body.ok) throw new Error(`${fn}: ${body.message}`);
    return body.data!;
  };
  const token = (await post('auth', { action: 'login', code: 'bench-owner' })).token as string;
  const http: Record<number, { p50: number; p99: number; cpu: number; bytes: number }> = {};
  for (const days of spans) {
    const event = { patientId: 'p-bench', from: to - days * DAY, to, maxPoints: 500 };
    const first = await post('history', event, token);
    if (first.kind !== 'buckets' || (first.buckets as unknown[]).length !== inProcess[days].buckets) throw new Error('unexpected history answer');
    http[days] = { ...(await timeIt(() => post('history', event, token))), bytes: JSON.stringify(first).length };
  }
  await stack.close();
  dir.remove();

  console.log(`history of ${DAYS} days of 1 Hz data, ≤ 500 buckets; p50 of ${RUNS} runs, wall ms (CPU ms), same run:`);
  console.log('days  width     buckets  HTTP p50 (cpu)   HTTP p99   store hour+minute   store minute only (before)');
  const f = (x: number) => round(x, 2).toFixed(2);
  for (const d of spans) {
    const p = inProcess[d];
    console.log(
      [
        String(d).padStart(4),
        `${p.widthMs / MINUTE} min`.padStart(8),
        String(p.buckets).padStart(9),
        `${f(http[d].p50)} (${f(http[d].cpu)})`.padStart(15),
        f(http[d].p99).padStart(10),
        `${f(p.now)} (${f(p.nowCpu)})`.padStart(19),
        `${f(p.minuteOnly)} (${f(p.minuteOnlyCpu)}) ${round(p.minuteOnlyCpu / p.nowCpu)}× cpu`.padStart(28),
      ].join(' '),
    );
  }
  const longest = inProcess[DAYS];
  const week = spans.includes(7) ? 7 : spans[0];
  console.log(
    `HTTP ${DAYS} days / ${week} days: ${round(http[DAYS].p50 / http[week].p50, 2)}×; ` +
      `raw GROUP BY (no rollups) for ${DAYS} days: p50 ${round(rawGroupBy.p50)} ms`,
  );
  console.log(
    JSON.stringify({
      rows,
      write_rows_per_s: Math.round(rows / writeS),
      buckets: longest.buckets,
      bucket_width_min: longest.widthMs / MINUTE,
      http_p50_ms: Object.fromEntries(spans.map((d) => [`${d}d`, round(http[d].p50, 2)])),
      http_p99_ms: Object.fromEntries(spans.map((d) => [`${d}d`, round(http[d].p99, 2)])),
      http_cpu_p50_ms: Object.fromEntries(spans.map((d) => [`${d}d`, round(http[d].cpu, 2)])),
      store_cpu_p50_ms: Object.fromEntries(spans.map((d) => [`${d}d`, round(inProcess[d].nowCpu, 2)])),
      store_minute_only_cpu_p50_ms: Object.fromEntries(spans.map((d) => [`${d}d`, round(inProcess[d].minuteOnlyCpu, 2)])),
      store_p50_ms: Object.fromEntries(spans.map((d) => [`${d}d`, round(inProcess[d].now, 2)])),
      store_minute_only_p50_ms: Object.fromEntries(spans.map((d) => [`${d}d`, round(inProcess[d].minuteOnly, 2)])),
      raw_group_by_p50_ms: round(rawGroupBy.p50, 1),
      http_longest_vs_7d: round(http[DAYS].p50 / http[week].p50, 2),
      http_cpu_longest_vs_7d: round(http[DAYS].cpu / http[week].cpu, 2),
      cpu_speedup_vs_minute_only: round(longest.minuteOnlyCpu / longest.nowCpu, 1),
    }),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
