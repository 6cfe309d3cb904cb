/**
 * `npm run bench:append [-- --devices 1000 --batch 30 --seconds 40]`: CPU per message of the
 * SQLite store's `appendReadings`, for the two ways a redelivery is recognised, in one process:
 *  - `receive-time`: messages whose readings took the receive time keep a `message_ids` row (a
 *    lookup, an insert and an index entry per message) — before migration 13, every message did;
 *  - `device-time`: messages whose readings carry the device's own time are recognised from the
 *    rows they wrote (`readings.msg_key`), with no row of their own.
 * Two stores on temporary files (`synchronous=FULL`, SQLite's own checkpoints, so the cost stays on
 * the measured thread) take batches of `--batch` messages from devices in turn, alternating batch
 * by batch, so a drift in the machine's speed falls on both alike. Each message carries one
 * reading of three vitals, as the emulator sends them, one second apart per device. The first
 * fifth of the batches warms up and is not counted. The last line is JSON.
 */
import type { ReadingBatchItem } from '../backend/store/types';
import { median, numberFlag, round } from './lib';
import { openFleetStore, shuffled } from './sqlite-fleet';

type Mode = 'receive-time' | 'device-time';

async function open(devices: number) {
  return { ...(await openFleetStore('bench-append-', devices)), cpuUs: [] as number[] };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const devices = numberFlag(argv, '--devices', 1000);
  const batch = numberFlag(argv, '--batch', 30);
  const seconds = numberFlag(argv, '--seconds', 40);
  console.log(`bench:append — ${devices} devices, batches of ${batch} messages, ${seconds} s of readings at 1/s per device, two stores alternating`);
  const modes: Mode[] = ['receive-time', 'device-time'];
  const stores = { 'receive-time': await open(devices), 'device-time': await open(devices) };
  const t0 = Date.now() - seconds * 1000;
  const total = Math.floor((devices * seconds) / batch);
  // One shuffled device order for both stores, as messages arrive from a fleet with random phases.
  const order = shuffled(devices);
  const items = (ids: string[], b: number, timed: boolean): ReadingBatchItem[] =>
    Array.from({ length: batch }, (_, j) => {
      const n = b * batch + j;
      const k = order[n % devices]!;
      const ts = t0 + Math.floor(n / devices) * 1000 + (k % 1000);
      const fingerprint = `fp${n.toString(36).padStart(14, '0')}`;
      return {
        deviceId: ids[k]!,
        msgId: String(n),
        fingerprint,
        receivedAt: ts,
        timed,
        readings: [{ ts, heartRate: 60 + (n % 40), spo2: 95 + (n % 5), temperature: 36.5 }],
      };
    });
  for (let b = 0; b < total; b++) {
    for (const mode of b % 2 === 0 ? modes : [...modes].reverse()) {
      const s = stores[mode];
      const list = items(s.ids, b, mode === 'device-time');
      const c = process.cpuUsage();
      await s.store.appendReadings(list);
      const d = process.cpuUsage(c);
      if (b >= total / 5) s.cpuUs.push((d.user + d.system) / batch);
    }
  }
  const result: Record<string, number> = {};
  for (const mode of modes) {
    const s = stores[mode];
    const mean = s.cpuUs.reduce((a, x) => a + x, 0) / s.cpuUs.length;
    const ids = (s.store.db.prepare('SELECT count(*) AS c FROM message_ids').get() as { c: number }).c;
    const stored = (await s.store.stats()).readings;
    console.log(`${mode.padEnd(12)}: ${round(mean)} µs/msg (median batch ${round(median(s.cpuUs))}), ${stored} readings, ${ids} message_ids rows`);
    result[`${mode.replace('-', '_')}_cpu_us_per_msg`] = round(mean);
    result[`${mode.replace('-', '_')}_message_id_rows`] = ids;
    await s.close();
  }
  result.saved_pct = round((100 * (result.receive_time_cpu_us_per_msg! - result.device_time_cpu_us_per_msg!)) / result.receive_time_cpu_us_per_msg!);
  console.log(JSON.stringify({ devices, batch, seconds, ...result }));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
