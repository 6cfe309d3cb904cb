/**
 * The store contract: one suite that every adapter of `Store` must pass (run from one test file
 * per adapter). Bucket results are compared with a brute-force computation over the same data.
 */
import type { Reading } from '../../core';
import type { Store } from '../../backend/store/types';
import { runPeopleContract } from './contract-people';
import { runAlertContract } from './contract-alerts';
import { runDeviceAdminContract } from './contract-device-admin';
import { runDeviceInfoContract } from './contract-device-info';
import { runSecretsContract, type SecretsFactory } from './contract-secrets';
import { runSteadyReadingsContract } from './contract-steady';
import { bruteBuckets, expectBucketsEqual } from './brute-buckets';

export interface StoreFactory {
  /** A fresh, empty store (keys: `testKeys()`). */
  open(): Promise<Store>;
  /** Raw access to the storage of the store `open` last returned. */
  secrets(): SecretsFactory;
  /** Cleans up after a test (close is called first). */
  dispose(): Promise<void>;
}

const T0 = Date.UTC(2026, 0, 1); // a minute- and day-aligned origin
const dev = (name: string) => ({
  productKey: 'pk0000test1',
  deviceName: name,
  secret: 's3cret-value',
  bindCode: `CODE${name.replace(/\W/g, '').toUpperCase()}`.padEnd(10, '0').slice(0, 10),
});

export function runStoreContract(name: string, factory: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await factory.open();
    });
    afterEach(async () => {
      await store.close();
      await factory.dispose();
    });

    runPeopleContract(() => store);
    runAlertContract(() => store);
    runSteadyReadingsContract(() => store);
    runDeviceInfoContract(() => store);
    runSecretsContract(
      () => store,
      () => factory.secrets(),
    );
    runDeviceAdminContract(() => store);

    test('stats count devices and stored readings', async () => {
      await store.createDevice(dev('bed-1'), T0);
      await store.createDevice(dev('bed-2'), T0);
      const r = (ts: number) => ({ ts, heartRate: 70 });
      await store.appendReadings([
        { deviceId: 'pk0000test1/bed-1', receivedAt: T0, readings: [r(T0), r(T0 + 1000)] },
        { deviceId: 'pk0000test1/bed-2', receivedAt: T0, readings: [r(T0)] },
      ]);
      expect(await store.stats()).toEqual({ devices: 2, readings: 3 });
    });

    test('a batch retried after a failure stores every reading once (idempotent and retry-safe)', async () => {
      await store.createDevice(dev('bed-1'), T0);
      await store.createDevice(dev('bed-2'), T0);
      // Readings across an hour boundary and two devices, some without a message id.
      const items = [
        {
          deviceId: 'pk0000test1/bed-1',
          msgId: '1',
          fingerprint: 'f1',
          receivedAt: T0,
          readings: [
            { ts: T0 + 3_599_000, heartRate: 70 },
            { ts: T0 + 3_601_000, heartRate: 71 },
          ],
        },
        { deviceId: 'pk0000test1/bed-2', receivedAt: T0, readings: [{ ts: T0 + 5000, spo2: 97 }] },
        { deviceId: 'pk0000test1/bed-1', msgId: '2', fingerprint: 'f2', receivedAt: T0, readings: [{ ts: T0 + 3_602_000, temperature: 36.6 }] },
      ];
      expect((await store.appendReadings(items)).duplicate).toEqual([false, false, false]);
      const again = await store.appendReadings(items);
      expect(again.duplicate).toEqual([true, false, true]);
      const all = { from: T0, to: T0 + 7_200_000 };
      expect(await store.queryRaw({ segments: [{ deviceId: 'pk0000test1/bed-1', ...all }], limit: 10 })).toEqual([
        { ts: T0 + 3_599_000, heartRate: 70 },
        { ts: T0 + 3_601_000, heartRate: 71 },
        { ts: T0 + 3_602_000, temperature: 36.6 },
      ]);
      expect(await store.countReadings([{ deviceId: 'pk0000test1/bed-2', ...all }], 10)).toBe(1);
      expect((await store.deviceStatus('pk0000test1/bed-1'))?.readings).toBe(3);
      expect((await store.deviceStatus('pk0000test1/bed-1'))?.lastReading).toEqual({ ts: T0 + 3_602_000, temperature: 36.6 });
    });

    test('more than 1000 devices, and history over more than 1000 hours, come back whole', async () => {
      const many = Array.from({ length: 1003 }, (_, i) => `bed-${String(i).padStart(4, '0')}`);
      for (const [i, n] of many.entries()) await store.createDevice({ ...dev(n), bindCode: `M${String(i).padStart(9, '0')}` }, T0);
      expect((await store.listDevices()).map((d) => d.deviceName)).toEqual(many);
      const id = 'pk0000test1/bed-0000';
      const hours = 1010;
      const readings = Array.from({ length: hours }, (_, i) => ({ ts: T0 + i * 3_600_000 + 1000, heartRate: 60 + (i % 40) }));
      await store.appendReadings(readings.map((r, i) => ({ deviceId: id, msgId: String(i), fingerprint: 'x', receivedAt: r.ts, readings: [r] })));
      const seg = [{ deviceId: id, from: T0, to: T0 + hours * 3_600_000 }];
      expect(await store.countReadings(seg, 5000)).toBe(hours);
      expect(await store.queryRaw({ segments: seg, limit: 5000 })).toHaveLength(hours);
      expectBucketsEqual(await store.queryBuckets({ segments: seg, widthMs: 86_400_000 }), bruteBuckets(readings, seg[0].from, seg[0].to, 86_400_000));
    }, 120_000);

    test('creates a device and refuses a second one with the same name', async () => {
      const d = await store.createDevice(dev('bed-1'), T0);
      expect(d).toMatchObject({ id: 'pk0000test1/bed-1', secret: 's3cret-value', loginPolicy: 'compat', createdAt: T0 });
      await expect(store.createDevice(dev('bed-1'), T0)).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await store.getDevice('pk0000test1/nope')).toBeUndefined();
      expect((await store.listDevices()).map((s) => s.id)).toEqual(['pk0000test1/bed-1']);
    });

    // Readings at the device's own times (`timed`) may be recognised from the rows they wrote; the
    // guarantee is the same either way.
    for (const timed of [undefined, true]) {
      const how = timed ? ' (readings at device times)' : '';
      test(`a redelivered message (same id, same bytes) is stored once${how}`, async () => {
        await store.createDevice(dev('bed-1'), T0);
        const item = { deviceId: 'pk0000test1/bed-1', msgId: '5', fingerprint: 'abc', receivedAt: T0, readings: [{ ts: T0, heartRate: 70 }], timed };
        expect((await store.appendReadings([item, item])).duplicate).toEqual([false, true]);
        expect((await store.appendReadings([{ ...item, receivedAt: T0 + 5000 }])).duplicate).toEqual([true]);
        expect((await store.deviceStatus('pk0000test1/bed-1'))?.readings).toBe(1);
      });

      test(`a message that comes back after its id expired is stored, and recognised from then on${how}`, async () => {
        await store.createDevice(dev('bed-1'), T0);
        const item = { deviceId: 'pk0000test1/bed-1', msgId: '9', fingerprint: 'f', receivedAt: T0, readings: [{ ts: T0, heartRate: 70 }], timed };
        const later = T0 + 25 * 3_600_000;
        expect((await store.appendReadings([item])).duplicate).toEqual([false]);
        expect((await store.appendReadings([{ ...item, receivedAt: later }])).duplicate).toEqual([false]);
        expect((await store.appendReadings([{ ...item, receivedAt: later + 1000 }])).duplicate).toEqual([true]);
        expect((await store.deviceStatus('pk0000test1/bed-1'))?.readings).toBe(1);
      });

      test(`a message id reused after a device reboot, with other content, is stored${how}`, async () => {
        await store.createDevice(dev('bed-1'), T0);
        const base = { deviceId: 'pk0000test1/bed-1', msgId: '1', receivedAt: T0, timed };
        await store.appendReadings([{ ...base, fingerprint: 'a', readings: [{ ts: T0, heartRate: 70 }] }]);
        const r = await store.appendReadings([{ ...base, fingerprint: 'b', readings: [{ ts: T0 + 60_000, heartRate: 71 }] }]);
        expect(r.duplicate).toEqual([false]);
        expect(await store.queryRaw({ segments: [{ deviceId: base.deviceId, from: T0, to: T0 + 120_000 }], limit: 10 })).toHaveLength(2);
      });

      test(`redeliveries are recognised after other messages merged into their instants${how}`, async () => {
        await store.createDevice(dev('bed-1'), T0);
        const id = 'pk0000test1/bed-1';
        // Heart rate, then SpO2 of the same instants in a second message, then a third message
        // that changes the first instant's heart rate (the newer wins); then all three come back.
        const a = {
          deviceId: id,
          msgId: '1',
          fingerprint: 'a',
          receivedAt: T0,
          timed,
          readings: [
            { ts: T0, heartRate: 70 },
            { ts: T0 + 1000, heartRate: 71 },
          ],
        };
        const b = {
          deviceId: id,
          msgId: '2',
          fingerprint: 'b',
          receivedAt: T0 + 10,
          timed,
          readings: [
            { ts: T0, spo2: 97 },
            { ts: T0 + 1000, spo2: 98 },
          ],
        };
        const c = { deviceId: id, msgId: '3', fingerprint: 'c', receivedAt: T0 + 20, timed, readings: [{ ts: T0, heartRate: 75 }] };
        expect((await store.appendReadings([a, b])).duplicate).toEqual([false, false]);
        expect((await store.appendReadings([c])).duplicate).toEqual([false]);
        const again = await store.appendReadings([
          { ...a, receivedAt: T0 + 60_000 },
          { ...b, receivedAt: T0 + 60_000 },
          { ...c, receivedAt: T0 + 60_000 },
        ]);
        expect(again.duplicate).toEqual([true, true, true]);
        expect(await store.queryRaw({ segments: [{ deviceId: id, from: T0, to: T0 + 2000 }], limit: 10 })).toEqual([
          { ts: T0, heartRate: 75, spo2: 97 },
          { ts: T0 + 1000, heartRate: 71, spo2: 98 },
        ]);
        expect((await store.deviceStatus(id))?.readings).toBe(2);
      });
    }

    test('a redelivery is recognised whether or not the ingest vouches for its readings (timed)', async () => {
      await store.createDevice(dev('bed-1'), T0);
      const id = 'pk0000test1/bed-1';
      // The flag follows the arrival time (ingest/handlers/batch.ts): a later delivery of the same
      // message may carry the other one.
      const a = { deviceId: id, msgId: '1', fingerprint: 'a', receivedAt: T0, readings: [{ ts: T0, heartRate: 70 }] };
      const b = { deviceId: id, msgId: '2', fingerprint: 'b', receivedAt: T0, readings: [{ ts: T0 + 1000, heartRate: 71 }] };
      expect(
        (
          await store.appendReadings([
            { ...a, timed: true },
            { ...b, timed: false },
          ])
        ).duplicate,
      ).toEqual([false, false]);
      const again = await store.appendReadings([
        { ...a, timed: false, receivedAt: T0 + 60_000 },
        { ...b, timed: true, receivedAt: T0 + 60_000 },
      ]);
      expect(again.duplicate).toEqual([true, true]);
      expect((await store.deviceStatus(id))?.readings).toBe(2);
    });

    // A reading without an Alink `time` takes the arrival time, so its redelivery brings it to
    // another instant, and after a reconnect across the hour's end to another hour.
    test('a message whose readings took the receive time is recognised when redelivered in a later hour', async () => {
      const id = 'pk0000test1/bed-1';
      const other = 'pk0000test1/bed-2';
      await store.createDevice(dev('bed-1'), T0);
      await store.createDevice(dev('bed-2'), T0);
      const hour = 3_600_000;
      const at = (receivedAt: number, msgId = '7', deviceId = id) => ({
        deviceId,
        msgId,
        fingerprint: 'rt',
        receivedAt,
        readings: [{ ts: receivedAt, heartRate: 72 }],
      });
      const sent = T0 + hour - 1000;
      expect((await store.appendReadings([at(sent), at(sent, '8', other)])).duplicate).toEqual([false, false]);
      // Back 21 s later in the next hour, five hours later, and with a new message from each device.
      const again = await store.appendReadings([at(sent + 21_000), at(sent + 21_000, '8', other), at(sent + 21_000, '9')]);
      expect(again.duplicate).toEqual([true, true, false]);
      expect((await store.appendReadings([at(sent + 5 * hour)])).duplicate).toEqual([true]);
      expect(await store.queryRaw({ segments: [{ deviceId: id, from: T0, to: T0 + 7 * hour }], limit: 10 })).toEqual([
        { ts: sent, heartRate: 72 },
        { ts: sent + 21_000, heartRate: 72 },
      ]);
      // After the id's time to live it is a new message (the rule every redelivery follows).
      expect((await store.appendReadings([at(sent + 25 * hour)])).duplicate).toEqual([false]);
      expect((await store.deviceStatus(id))?.readings).toBe(3);
      expect((await store.deviceStatus(other))?.readings).toBe(1);
    });

    test('a message repeated within one batch across an hour boundary is stored once', async () => {
      const id = 'pk0000test1/bed-1';
      await store.createDevice(dev('bed-1'), T0);
      const at = (receivedAt: number) => ({ deviceId: id, msgId: '3', fingerprint: 'x', receivedAt, readings: [{ ts: receivedAt, spo2: 97 }] });
      const end = T0 + 3_600_000;
      expect((await store.appendReadings([at(end - 500), at(end + 500), at(end + 900)])).duplicate).toEqual([false, true, true]);
      expect(await store.queryRaw({ segments: [{ deviceId: id, from: T0, to: end + 3_600_000 }], limit: 10 })).toEqual([{ ts: end - 500, spo2: 97 }]);
    });

    test('vitals of one instant sent in separate messages merge into one reading', async () => {
      await store.createDevice(dev('bed-1'), T0);
      const id = 'pk0000test1/bed-1';
      await store.appendReadings([{ deviceId: id, receivedAt: T0, readings: [{ ts: T0, heartRate: 70 }] }]);
      await store.appendReadings([{ deviceId: id, receivedAt: T0, readings: [{ ts: T0, spo2: 97.5 }] }]);
      expect(await store.queryRaw({ segments: [{ deviceId: id, from: T0, to: T0 + 1 }], limit: 10 })).toEqual([{ ts: T0, heartRate: 70, spo2: 97.5 }]);
      const s = await store.deviceStatus(id);
      expect(s).toMatchObject({ readings: 1, lastReading: { ts: T0, heartRate: 70, spo2: 97.5 } });
    });

    test('presence ignores an event older than the last change', async () => {
      await store.createDevice(dev('bed-1'), T0);
      const id = 'pk0000test1/bed-1';
      await store.applyPresence([{ deviceId: id, online: true, at: T0 + 10 }]);
      await store.applyPresence([{ deviceId: id, online: false, at: T0 + 5 }]);
      expect((await store.deviceStatus(id))?.online).toBe(true);
      await store.resetPresence(T0 + 20);
      expect((await store.deviceStatus(id))?.online).toBe(false);
    });

    test('counts rejections per device and kind', async () => {
      await store.createDevice(dev('bed-1'), T0);
      const id = 'pk0000test1/bed-1';
      const e = { deviceId: id, at: T0, detail: 'x' };
      await store.countRejections([
        { ...e, kind: 'out-of-range' },
        { ...e, kind: 'out-of-range' },
        { ...e, kind: 'malformed-json' },
      ]);
      expect((await store.deviceStatus(id))?.rejections).toEqual({ 'out-of-range': 2, 'malformed-json': 1 });
    });

    test('raw queries are ordered, half-open and limited; count stops at its cap', async () => {
      await store.createDevice(dev('bed-1'), T0);
      const id = 'pk0000test1/bed-1';
      const readings = Array.from({ length: 10 }, (_, i) => ({ ts: T0 + (9 - i) * 1000, heartRate: 60 + i }));
      await store.appendReadings([{ deviceId: id, receivedAt: T0, readings }]);
      const raw = await store.queryRaw({ segments: [{ deviceId: id, from: T0 + 1000, to: T0 + 5000 }], limit: 100 });
      expect(raw.map((r) => r.ts)).toEqual([1, 2, 3, 4].map((i) => T0 + i * 1000));
      expect(await store.queryRaw({ segments: [{ deviceId: id, from: T0, to: T0 + 10_000 }], limit: 3 })).toHaveLength(3);
      expect(await store.countReadings([{ deviceId: id, from: T0, to: T0 + 10_000 }], 4)).toBe(4);
      expect(await store.countReadings([{ deviceId: id, from: T0, to: T0 + 10_000 }], 100)).toBe(10);
    });

    describe('buckets equal a raw computation', () => {
      // Irregular data: 1 Hz for 3 minutes, a 2-hour gap, then every 7 s for 40 minutes,
      // with some vitals missing, so edges, gaps and partial minutes all occur.
      const readings: Reading[] = [];
      for (let i = 0; i < 180; i++) readings.push({ ts: T0 + i * 1000 + 250, heartRate: 60 + (i % 17), spo2: 95 + (i % 5), temperature: 36 + (i % 9) / 10 });
      for (let i = 0; i < 343; i++) {
        const r: Reading = { ts: T0 + 2 * 3_600_000 + i * 7000, heartRate: 80 + (i % 13) };
        if (i % 3) r.spo2 = 90 + (i % 10);
        readings.push(r);
      }
      const id = 'pk0000test1/bed-1';
      beforeEach(async () => {
        await store.createDevice(dev('bed-1'), T0);
        await store.appendReadings([{ deviceId: id, receivedAt: T0, readings }]);
      });
      const end = T0 + 3 * 3_600_000;
      test.each([
        ['10 s buckets (raw scan)', T0, T0 + 180_000, 10_000],
        ['minute buckets over whole minutes', T0, end, 60_000],
        ['5-minute buckets with partial first and last minutes', T0 + 12_345, end - 31_000, 300_000],
        ['1-hour buckets across the gap', T0 + 500, end, 3_600_000],
        ['a range inside one minute', T0 + 10_000, T0 + 20_000, 60_000],
        ['a range holding only the gap', T0 + 3_600_000, T0 + 7_000_000, 60_000],
        ['day buckets', T0 - 86_400_000, end, 86_400_000],
      ])('%s', async (_n, from, to, w) => {
        expectBucketsEqual(await store.queryBuckets({ segments: [{ deviceId: id, from, to }], widthMs: w }), bruteBuckets(readings, from, to, w));
      });
      test('redelivering readings does not change the buckets', async () => {
        await store.appendReadings([{ deviceId: id, receivedAt: T0, readings: readings.slice(0, 50) }]);
        expectBucketsEqual(
          await store.queryBuckets({ segments: [{ deviceId: id, from: T0, to: end }], widthMs: 60_000 }),
          bruteBuckets(readings, T0, end, 60_000),
        );
      });
    });

    // Widths of whole hours are answered from hour rollups (SQLite readings_1h, CloudBase hour
    // summaries), whole minutes from minute rollups, the rest from raw rows: whichever level the
    // planner picks, the buckets must equal a raw computation, including after later writes into
    // an hour already summarised and vitals of one instant arriving in separate messages.
    describe('buckets are the same whichever rollup level answers them', () => {
      const H = 3_600_000;
      const readings: Reading[] = [];
      for (let i = 0; i < 1000; i++) {
        const r: Reading = { ts: T0 + 12_345 + i * 37_000, heartRate: 55 + ((i * 7) % 61) };
        if (i % 4) r.spo2 = 88 + (i % 12);
        if (i % 5 === 0) r.temperature = 35.5 + (i % 30) / 10;
        readings.push(r);
      }
      const id = 'pk0000test1/bed-1';
      const end = T0 + 11 * H;
      beforeEach(async () => {
        await store.createDevice(dev('bed-1'), T0);
        await store.appendReadings([{ deviceId: id, receivedAt: T0, readings }]);
      });
      test.each([
        ['hour buckets over whole hours (hour level only)', T0, end, H],
        ['2-hour buckets, partial hours and minutes at both ends', T0 + 1_234_567, end - 2_345_678, 2 * H],
        ['3-hour buckets starting mid-minute', T0 + 30_500, end, 3 * H],
        ['30-minute buckets (minute level) over the same range', T0 + 1_234_567, end - 2_345_678, 30 * 60_000],
        ['hour buckets inside one hour', T0 + 3 * H + 61_000, T0 + 3 * H + 1_800_000, H],
      ])('%s', async (_n, from, to, w) => {
        expectBucketsEqual(await store.queryBuckets({ segments: [{ deviceId: id, from, to }], widthMs: w }), bruteBuckets(readings, from, to, w));
      });
      test('later writes into a summarised hour and split vitals update every level', async () => {
        const before = await store.queryBuckets({ segments: [{ deviceId: id, from: T0, to: end }], widthMs: H });
        expect(before.length).toBeGreaterThan(5);
        // Vitals of existing instants arriving later (merged into their rows), and new instants.
        const extra: Reading[] = [
          { ts: readings[100].ts, temperature: 39.9 },
          { ts: T0 + 2 * H + 5, heartRate: 180, spo2: 70 },
          { ts: T0 + 2 * H + 59 * 60_000 + 999, heartRate: 30 },
        ];
        await store.appendReadings([{ deviceId: id, receivedAt: T0 + 1, readings: extra }]);
        const all = readings.map((r) => (r.ts === extra[0].ts ? { ...r, temperature: 39.9 } : r)).concat(extra.slice(1));
        for (const w of [H, 2 * H, 60_000, 10_000]) {
          expectBucketsEqual(await store.queryBuckets({ segments: [{ deviceId: id, from: T0, to: end }], widthMs: w }), bruteBuckets(all, T0, end, w));
        }
      });
      test('batches mixing new instants, filled-in vitals, replaced values and redeliveries keep every level exact', async () => {
        // Rollups are updated by adding what a batch brings; a replaced value forces a recompute.
        let seed = 7;
        const rand = (n: number) => {
          seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
          return seed % n;
        };
        const truth = new Map(readings.map((r) => [r.ts, { ...r }]));
        const instants = readings.map((r) => r.ts);
        for (let b = 0; b < 25; b++) {
          const batch: Reading[] = [];
          for (let k = 0; k < 12; k++) {
            const ts = rand(3) === 0 ? T0 + rand(11 * 3600) * 1000 + 500 : (instants[rand(instants.length)] ?? T0);
            const r: Reading = { ts };
            if (rand(2)) r.heartRate = 40 + rand(100);
            if (rand(2)) r.spo2 = 85 + rand(15);
            if (rand(3) === 0) r.temperature = 35 + rand(50) / 10;
            if (r.heartRate === undefined && r.spo2 === undefined && r.temperature === undefined) r.heartRate = 77;
            if (batch.some((x) => x.ts === ts)) continue;
            batch.push(r);
            const known = truth.get(ts) ?? { ts };
            truth.set(ts, { ...known, ...r });
            if (!instants.includes(ts)) instants.push(ts);
          }
          await store.appendReadings([{ deviceId: id, msgId: `m${b}`, fingerprint: `f${b}`, receivedAt: T0 + b, readings: batch }]);
          // The same message again is recognised and changes nothing.
          if (b % 5 === 0) await store.appendReadings([{ deviceId: id, msgId: `m${b}`, fingerprint: `f${b}`, receivedAt: T0 + b, readings: batch }]);
        }
        const all = [...truth.values()];
        for (const w of [H, 2 * H, 30 * 60_000, 60_000, 10_000]) {
          expectBucketsEqual(await store.queryBuckets({ segments: [{ deviceId: id, from: T0, to: end }], widthMs: w }), bruteBuckets(all, T0, end, w));
        }
      });
    });
  });
}
