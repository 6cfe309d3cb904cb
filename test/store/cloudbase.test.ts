/**
 * The store contract against the CloudBase adapter: the real `@cloudbase/node-sdk` talking to the
 * local stand-in (test/helpers/cloudbase-server), which executes its requests on mingo and
 * enforces CloudBase's limits (1000 documents per read, single-document transactions, collections
 * that must exist). docs/cloudbase-stand-in.md says what this does not prove; the opt-in live run
 * is test/store/cloudbase-live.test.ts.
 */
import { standInStore } from '../helpers/cloudbase-store';
import type { SecretKeys } from '../../backend/secret-box';
import { type CloudbaseServer, startCloudbaseServer } from '../helpers/cloudbase-server';
import { runStoreContract } from './contract';
import { cloudbaseSecrets } from './cloudbase-secrets';

let server: CloudbaseServer;
let run = 0;
beforeAll(async () => {
  server = await startCloudbaseServer();
});
afterAll(async () => {
  await server.close();
});

const open = (prefix: string, keys?: SecretKeys) => standInStore(server, prefix, keys);

// Every store gets collections of its own (created on first use), so each test starts empty.
const prefix = () => `t${run}_`;
runStoreContract('CloudBase (stand-in)', {
  async open() {
    run++;
    return open(prefix());
  },
  secrets: () => cloudbaseSecrets((keys) => open(prefix(), keys), prefix()),
  async dispose() {},
});

describe('CloudBase adapter', () => {
  const T0 = Date.UTC(2026, 0, 1);
  const id = 'pk0000test1/bed-1';
  const oneHz = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ ts: from + i * 1000, heartRate: 60 + (i % 30), spo2: 95 + (i % 4) }));

  test('creates its collections on first use', async () => {
    const store = open('fresh_');
    await store.createDevice({ productKey: 'pk0000test1', deviceName: 'bed-1', secret: 's3cret-value', bindCode: 'ABCDEF1234' }, T0);
    expect(server.documents('fresh_devices')).toHaveLength(1);
  });

  test('one write stores a whole batch of a device-hour; a redelivered batch writes nothing new', async () => {
    const store = open('quota_');
    await store.createDevice({ productKey: 'pk0000test1', deviceName: 'bed-1', secret: 's3cret-value', bindCode: 'ABCDEF1234' }, T0);
    server.resetStats();
    const batch = [{ deviceId: id, msgId: '1', fingerprint: 'a', receivedAt: T0, readings: oneHz(T0, 300) }];
    await store.appendReadings(batch);
    // The hour document is the only document written for 300 readings.
    expect(server.stats().docsWritten).toBe(1);
    server.resetStats();
    expect((await store.appendReadings(batch)).duplicate).toEqual([true]);
    expect(server.stats().docsWritten).toBe(0);
  });

  // A message whose readings span two hours is two transactions; one may fail after the other
  // committed. Whichever failed, a retry of the batch or the broker's redelivery (its
  // arrival-instant reading now in the next hour) must store what is missing, and nothing twice.
  const H = 3_600_000;
  const arrival = T0 + 5 * H - 60_000;
  const shapes = [
    // One vital with the device's time, one without (it takes the arrival instant).
    { name: 'a device-time reading an hour earlier', deviceTs: arrival - H, redeliveredAt: arrival + 90_000 },
    // Redelivered into the hour that holds the device-time reading (and the message's key).
    { name: 'a device-time reading a little ahead, in the next hour', deviceTs: arrival + 120_000, redeliveredAt: arrival + 90_000 },
  ];
  for (const shape of shapes) {
    const message = (receivedAt: number) => ({
      deviceId: id,
      msgId: '1',
      fingerprint: 'f',
      receivedAt,
      readings: [
        { ts: shape.deviceTs, temperature: 36.6 },
        { ts: receivedAt, heartRate: 70 },
      ].sort((a, b) => a.ts - b.ts),
    });
    for (const skip of [0, 1]) {
      for (const [how, again] of [
        ['the same batch retried', arrival],
        ['redelivered in the next hour', shape.redeliveredAt],
      ] as const) {
        test(`${shape.name}, half stored (transaction ${skip + 1} of 2 failed), then ${how}: every reading stored once`, async () => {
          const store = open(`half${shapes.indexOf(shape)}${skip}${again - arrival}_`);
          await store.createDevice({ productKey: 'pk0000test1', deviceName: 'bed-1', secret: 's3cret-value', bindCode: 'ABCDEF1234' }, T0);
          const all = { segments: [{ deviceId: id, from: T0, to: T0 + 6 * H }], limit: 10 };
          server.failRequests('database.startTransaction', { skip });
          await expect(store.appendReadings([message(arrival)])).rejects.toThrow(/injected failure/);
          const half = await store.queryRaw(all);
          expect(half).toHaveLength(1);
          expect((await store.appendReadings([message(again)])).duplicate).toEqual([false]);
          const rows = await store.queryRaw(all);
          // The reading that was stored stays as it was; the missing one is added once.
          expect(rows).toHaveLength(2);
          expect(rows).toEqual(expect.arrayContaining(half));
          expect(rows.filter((r) => r.heartRate === 70)).toHaveLength(1);
          expect(rows.filter((r) => r.temperature === 36.6)).toEqual([{ ts: shape.deviceTs, temperature: 36.6 }]);
          // From now on it is known, wherever it comes back.
          for (const later of [again + 60_000, again + 2 * H]) {
            expect((await store.appendReadings([message(later)])).duplicate).toEqual([true]);
          }
          expect(await store.queryRaw(all)).toEqual(rows);
        });
      }
    }
  }

  describe('an invite whose redemption failed half-way', () => {
    const DAY = 86_400_000;
    async function setUp(prefix: string) {
      const store = open(prefix);
      const owner = await store.userForOpenid('o-owner', 'Owner', T0);
      const family = await store.userForOpenid('o-family', 'Family', T0);
      await store.createPatient({ id: 'p1', name: 'P', sex: 'female', notes: '', createdAt: T0 }, owner.id);
      await store.createInvite({ code: 'JOIN000001', patientId: 'p1', createdBy: owner.id, createdAt: T0, expiresAt: T0 + 7 * DAY });
      return { store, family };
    }

    test('never re-admits the person once removed (the invite was not yet marked as joined)', async () => {
      const { store, family } = await setUp('inv1_');
      // Taken, member added, then marking the invite fails.
      server.failRequests('database.modifyDocument', { skip: 1 });
      await expect(store.redeemInvite('JOIN000001', family.id, T0)).rejects.toThrow(/injected failure/);
      expect(await store.roleOf('p1', family.id)).toBe('family');
      expect(await store.removeMember('p1', family.id)).toBe(true);
      for (const at of [T0 + 60_000, T0 + 8 * DAY]) expect(await store.redeemInvite('JOIN000001', family.id, at)).toEqual({ outcome: 'used' });
      expect(await store.roleOf('p1', family.id)).toBeUndefined();
    });

    test('is finished by redeeming again while valid, but not long after it expired', async () => {
      for (const [prefix, at, outcome] of [
        ['inv2_', T0 + DAY, 'joined'],
        ['inv3_', T0 + 8 * DAY, 'used'],
      ] as const) {
        const { store, family } = await setUp(prefix);
        // Taken, then adding the member fails.
        server.failRequests('database.insertDocument');
        await expect(store.redeemInvite('JOIN000001', family.id, T0)).rejects.toThrow(/injected failure/);
        expect(await store.roleOf('p1', family.id)).toBeUndefined();
        expect((await store.redeemInvite('JOIN000001', family.id, at)).outcome).toBe(outcome);
        expect(await store.roleOf('p1', family.id)).toBe(outcome === 'joined' ? 'family' : undefined);
      }
    });
  });

  test('a plain-text (older) device document converted on a login does not undo a secret rotated meanwhile', async () => {
    const store = open('plain_');
    await store.ensureCollections();
    await store.cloudbase.db.collection(store.cloudbase.name('devices')).add({
      _id: 'pk0000test1:bed-1',
      deviceId: id,
      productKey: 'pk0000test1',
      deviceName: 'bed-1',
      secret: 'old-secret-1',
      label: '',
      loginPolicy: 'compat',
      createdAt: T0,
      bindCode: 'ABCDEF1234',
      online: false,
      presenceAt: null,
    });
    // The operator rotates the leaked secret while the device's login reads (and converts) its record.
    const [, login] = await Promise.all([store.setDeviceSecret(id, 'new-secret-2'), store.getDevice(id)]);
    expect(['old-secret-1', 'new-secret-2']).toContain(login?.secret);
    expect((await store.getDevice(id))?.secret).toBe('new-secret-2');
    // Nothing is left in plain text (converted on the next read, with nothing racing it).
    expect(JSON.stringify(server.documents('plain_devices'))).not.toMatch(/old-secret-1|new-secret-2|ABCDEF1234/);
  });

  test('writers racing for one device-hour all succeed (conflicts are retried)', async () => {
    const store = open('race_');
    await store.createDevice({ productKey: 'pk0000test1', deviceName: 'bed-1', secret: 's3cret-value', bindCode: 'ABCDEF1234' }, T0);
    const items = Array.from({ length: 12 }, (_, i) => ({
      deviceId: id,
      msgId: String(i),
      fingerprint: 'f',
      receivedAt: T0,
      readings: [{ ts: T0 + i * 1000, heartRate: 60 + i }],
    }));
    const results = await Promise.all(items.map((item) => store.appendReadings([item])));
    expect(results.map((r) => r.duplicate)).toEqual(items.map(() => [false]));
    expect(await store.countReadings([{ deviceId: id, from: T0, to: T0 + 60_000 }], 100)).toBe(12);
  });

  test('a 30-day history reads summaries of hours, not readings', async () => {
    const store = open('month_');
    await store.createDevice({ productKey: 'pk0000test1', deviceName: 'bed-1', secret: 's3cret-value', bindCode: 'ABCDEF1234' }, T0);
    const days = 30;
    // Two minutes of 1 Hz data in every hour for 30 days: 720 hour documents.
    for (let d = 0; d < days; d++) {
      const items = Array.from({ length: 24 }, (_, h) => ({ deviceId: id, receivedAt: T0, readings: oneHz(T0 + (d * 24 + h) * 3_600_000 + 600_000, 120) }));
      await store.appendReadings(items);
    }
    server.resetStats();
    const buckets = await store.queryBuckets({ segments: [{ deviceId: id, from: T0 + 1234, to: T0 + days * 86_400_000 - 1234 }], widthMs: 2 * 3_600_000 });
    expect(buckets).toHaveLength(days * 12);
    expect(buckets.reduce((n, b) => n + b.n, 0)).toBe(days * 24 * 120);
    const { docsRead } = server.stats();
    expect(docsRead).toBeLessThanOrEqual(days * 24 + 2);
  }, 60_000);
});
