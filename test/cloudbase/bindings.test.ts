/**
 * Bindings on CloudBase, where binding is several writes, not one transaction: what two binds
 * racing can leave (two open bindings of one device) reads as one, the later, and a bind that fails
 * half-way still tells the old patient's family to re-check what they may see. The CloudBase store
 * against the local stand-in; the `devices` function as the platform runs it.
 */
import tcb from '@cloudbase/node-sdk';
import { createMemoryLogger } from '../../backend/runtime/deps';
import type { BackendEvent } from '../../backend/runtime/deps';
import { standInStore } from '../helpers/cloudbase-store';
import { bindingKey } from '../../backend/store/cloudbase/keys';
import { buildFunctions } from '../../local-cloud/stack/functions';
import { type CloudbaseServer, sdkOptions, startCloudbaseServer } from '../helpers/cloudbase-server';

let server: CloudbaseServer;
beforeAll(async () => {
  server = await startCloudbaseServer();
});
afterAll(async () => {
  await server?.close();
});

const T0 = Date.UTC(2026, 0, 1);
let run = 0;

async function setUp() {
  const prefix = `bind${++run}_`;
  const store = standInStore(server, prefix);
  const owner1 = await store.userForOpenid('o-owner-1', 'Owner 1', T0);
  const owner2 = await store.userForOpenid('o-owner-2', 'Owner 2', T0);
  await store.createPatient({ id: 'p1', name: 'P1', sex: 'female', notes: '', createdAt: T0 }, owner1.id);
  await store.createPatient({ id: 'p2', name: 'P2', sex: 'male', notes: '', createdAt: T0 }, owner2.id);
  const device = await store.createDevice({ productKey: 'pk0000test1', deviceName: 'bed-1', secret: 's3cret-value', bindCode: 'ABCDEF1234' }, T0);
  /** What a race leaves behind: an older binding of the device open again beside the latest. */
  const reopen = (from: number) =>
    tcb
      .init(sdkOptions(server) as Parameters<typeof tcb.init>[0])
      .database()
      .collection(`${prefix}bindings`)
      .doc(bindingKey(device.id, from))
      .update({ to: null });
  return { store, owner1, owner2, device, reopen };
}

test('two open bindings of one device (binds that raced) read as the later one only', async () => {
  const { store, owner1, owner2, device, reopen } = await setUp();
  await store.bindDevice(device.id, 'p1', owner1.id, T0);
  await store.bindDevice(device.id, 'p2', owner2.id, T0 + 60_000);
  await reopen(T0);
  expect(await store.currentBinding(device.id)).toMatchObject({ patientId: 'p2', from: T0 + 60_000 });
  // p1's history ends where p2's binding begins; p1's family no longer sees the device.
  expect(await store.bindingsOfPatient('p1')).toEqual([{ deviceId: device.id, patientId: 'p1', from: T0, to: T0 + 60_000, boundBy: owner1.id }]);
  expect(await store.bindingsOfPatient('p2')).toEqual([{ deviceId: device.id, patientId: 'p2', from: T0 + 60_000, boundBy: owner2.id }]);
  expect(await store.devicesOfUser(owner1.id)).toEqual([]);
  expect(await store.devicesOfUser(owner2.id)).toEqual([device.id]);
  // Unbinding ends both.
  await store.unbindDevice(device.id, T0 + 120_000);
  expect(await store.currentBinding(device.id)).toBeUndefined();
  expect(await store.devicesOfUser(owner2.id)).toEqual([]);
});

test('a second tap that raced the first leaves one patient history, not two overlapping ones', async () => {
  const { store, owner1, device, reopen } = await setUp();
  await store.bindDevice(device.id, 'p1', owner1.id, T0);
  await store.bindDevice(device.id, 'p1', owner1.id, T0 + 1000);
  await reopen(T0);
  const segments = await store.bindingsOfPatient('p1');
  expect(segments.map((b) => [b.from, b.to])).toEqual([
    [T0, T0 + 1000],
    [T0 + 1000, undefined],
  ]);
  expect(await store.devicesOfUser(owner1.id)).toEqual([device.id]);
});

test('a bind that fails half-way tells the old patient family to re-check, and the retry binds', async () => {
  const { store, owner1, device } = await setUp();
  const family = await store.userForOpenid('o-family', 'Family', T0);
  await store.createInvite({ code: 'FAMILY0001', patientId: 'p1', createdBy: owner1.id, createdAt: T0, expiresAt: T0 + 86_400_000 });
  expect(await store.redeemInvite('FAMILY0001', family.id, T0)).toMatchObject({ outcome: 'joined' });
  await store.bindDevice(device.id, 'p1', owner1.id, T0);
  // The owner of p1 moves the device to p3, which they own too.
  await store.createPatient({ id: 'p3', name: 'P3', sex: 'male', notes: '', createdAt: T0 }, owner1.id);
  const events: BackendEvent[] = [];
  let now = T0 + 60_000;
  const { devices } = buildFunctions({ store, now: () => now, log: createMemoryLogger(), notify: async (e) => void events.push(e) });
  const caller = { caller: { kind: 'user' as const, openid: 'o-owner-1' } };
  // The old binding is closed (a modifyDocument), then the new one written (the next): that fails.
  server.failRequests('database.modifyDocument', { skip: 1 });
  const failed = await devices!({ action: 'bind', patientId: 'p3', code: 'ABCDEF1234' }, caller);
  expect(failed).toMatchObject({ ok: false });
  expect(await store.currentBinding(device.id)).toBeUndefined();
  expect(events).toEqual([{ type: 'access-changed', userIds: expect.arrayContaining([owner1.id, family.id]) }]);
  now += 1000;
  expect(await devices!({ action: 'bind', patientId: 'p3', code: 'ABCDEF1234' }, caller)).toMatchObject({ ok: true, data: { patientId: 'p3' } });
  expect(await store.currentBinding(device.id)).toMatchObject({ patientId: 'p3' });
  expect(await store.devicesOfUser(family.id)).toEqual([]);
});
