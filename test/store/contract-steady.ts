/**
 * Store contract: devices reporting steadily, time moving on, queried between their messages. The
 * SQLite adapter keeps each device's newest minute out of its rollups until a later minute begins
 * (backend/store/sqlite/pending-minute.ts); CloudBase keeps hour documents. Either way, every
 * answer must equal a brute force over what was sent, whichever minute the range ends in.
 */
import type { Reading } from '../../core';
import type { ReadingBatchItem, Store } from '../../backend/store/types';
import { bruteBuckets, expectBucketsEqual } from './brute-buckets';

const T0 = Date.UTC(2026, 0, 1);
const M = 60_000;
const H = 3_600_000;
const device = (name: string) => ({ productKey: 'pk0000test1', deviceName: name, secret: 's3cret-value', bindCode: `S${name.toUpperCase()}`.padEnd(10, '0') });

export function runSteadyReadingsContract(getStore: () => Store): void {
  describe('steady reporting', () => {
    test('devices posting as they measure are queried exactly between their messages', async () => {
      const store = getStore();
      const ids = ['pk0000test1/steady1', 'pk0000test1/steady2'];
      for (const id of ids) await store.createDevice(device(id.split('/')[1]!), T0);
      const truth = new Map<string, Map<number, Reading>>(ids.map((id) => [id, new Map()]));
      const sent: ReadingBatchItem[] = [];
      const keep = (item: ReadingBatchItem) => {
        const mine = truth.get(item.deviceId)!;
        for (const r of item.readings) mine.set(r.ts, { ...mine.get(r.ts), ...r });
        sent.push(item);
      };
      for (let i = 0; i < 240; i++) {
        const id = ids[i % 2]!;
        const mine = truth.get(id)!;
        const newest = mine.size ? Math.max(...mine.keys()) : T0;
        // ~23 s apart, starting just before an hour; now and then a reading a few minutes late,
        // a vital of the newest instant alone (or a new value for it), or a batch of three readings.
        const ts = T0 + H - 90_000 + Math.floor(i / 2) * 23_000 + (i % 2) * 777;
        let readings: Reading[] = [{ ts, heartRate: 50 + (i % 71), temperature: 36 + (i % 8) / 10 }];
        if (i % 17 === 5) readings = [{ ts: ts - 4 * M - 1_000, heartRate: 40 + (i % 9) }];
        else if (i % 13 === 7 && mine.size) readings = [{ ts: newest, spo2: 80 + (i % 19) }];
        else if (i % 11 === 3 && mine.size) readings = [{ ts: newest, heartRate: 199 }];
        else if (i % 19 === 9) readings = [0, 7_000, 14_000].map((dt) => ({ ts: ts + dt, heartRate: 60 + dt / 1000, spo2: 95 }));
        const item: ReadingBatchItem = { deviceId: id, msgId: `s${i}`, fingerprint: `f${i}`, receivedAt: ts + 50, readings };
        keep(item);
        // Now and then the other device's message in the same batch, or an earlier message again.
        const batch = [item];
        if (i % 23 === 11) {
          const other = ids[(i + 1) % 2]!;
          const extra: ReadingBatchItem = { deviceId: other, msgId: `x${i}`, fingerprint: 'x', receivedAt: ts + 60, readings: [{ ts: ts + 500, spo2: 91 }] };
          keep(extra);
          batch.push(extra);
        }
        if (i % 29 === 28) batch.push(sent[sent.length - 5]!);
        await store.appendReadings(batch);
        if (i % 30 !== 29 && i !== 238) continue;
        const last = Math.max(...mine.keys());
        for (const [from, to, w] of [
          [T0, last + 1, M],
          [T0 + 12_345, last + H, 5 * M],
          [T0, T0 + 4 * H, H],
          [T0 + H, last + 1, 10_000],
          [last - 90_000, last + 1, M],
        ] as const) {
          expectBucketsEqual(await store.queryBuckets({ segments: [{ deviceId: id, from, to }], widthMs: w }), bruteBuckets([...mine.values()], from, to, w));
        }
      }
      for (const id of ids) expect((await store.deviceStatus(id))?.readings).toBe(truth.get(id)!.size);
    });
  });
}
