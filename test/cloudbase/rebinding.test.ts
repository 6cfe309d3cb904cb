/**
 * A device moves between patients (returned, lent, rented out): the new patient's family must see
 * nothing measured or commanded before the device was bound to their patient — not in its history,
 * not as its last reading or reading count (`devices.mine`, `patients.get`, which the monitor page
 * shows as the patient's latest vitals), not in the command audit or as who asked for its settings
 * (`command.state`). The functions as on CloudBase (SCF environment, store on the stand-in), readings
 * through the EMQX webhook.
 */
import { Method, parseDeviceId, topics } from '../../core/alink';
import type { Result } from '../../core';
import { standInStore } from '../helpers/cloudbase-store';
import { type CloudbaseServer, startCloudbaseServer } from '../helpers/cloudbase-server';
import { type FakeEmqx, startFakeEmqx } from '../broker-api/fake-emqx';
import { emqxEnvironment, wechatCall, withEnv } from './scf';
import { latestOfDevices } from '../../miniprogram/pages/monitor/view-model';

type Main = (event: unknown, context?: unknown) => Promise<unknown>;
const HOOK = 'hook-secret-0123456789abcdef0123456789';
const CAROL = 'oCarol_000000000000000000001';
const ALICE = 'oAlice_000000000000000000002';
let cloudbase: CloudbaseServer;
let emqx: FakeEmqx;
const mains: Record<string, Main> = {};
const env = () => emqxEnvironment(cloudbase, emqx, HOOK);
// biome-ignore lint/suspicious/noExplicitAny: answers of several functions, checked by the assertions
const call = async <T = any>(name: string, event: unknown, openid: string): Promise<T> => {
  const r = (await withEnv(env(), () => mains[name]!(event, wechatCall(name, openid)))) as Result<T>;
  if (!r.ok) throw new Error(`${name}: ${r.code} ${r.message}`);
  return r.data;
};
const hook = async (body: unknown) => {
  const ev = { path: '/mqtt/webhook', httpMethod: 'POST', headers: { authorization: `Bearer ${HOOK}` }, body: JSON.stringify(body) };
  return (await withEnv(env(), () => mains.broker!(ev, { request_id: 'r' }))) as { statusCode: number; body: string };
};

beforeAll(async () => {
  [cloudbase, emqx] = await Promise.all([startCloudbaseServer(), startFakeEmqx()]);
  for (const n of ['auth', 'patients', 'devices', 'history', 'command', 'broker']) mains[n] = require(`../../cloudfunctions/${n}/index.ts`).main;
}, 60_000);
afterAll(async () => {
  await Promise.all([cloudbase?.close(), emqx?.close()]);
});

test('the new family of a re-bound device sees nothing from the previous patient', async () => {
  const store = standInStore(cloudbase);
  const dev = await store.createDevice(
    { productKey: 'pkSecLast1', deviceName: 'bed-0001', secret: 'device-secret-0123456789', bindCode: 'RENTAB0001' },
    Date.now(),
  );
  const ref = parseDeviceId(dev.id)!;
  await call('auth', { action: 'login', name: 'Carol' }, CAROL);
  await call('auth', { action: 'login', name: 'Alice' }, ALICE);
  const carolId = (await call('auth', { action: 'me' }, CAROL)).user.id;

  // Carol's father wears the rented device; it reports alarming vitals.
  const v = await call('patients', { action: 'create', name: 'Grandpa V' }, CAROL);
  await call('devices', { action: 'bind', patientId: v.id, code: 'RENTAB0001' }, CAROL);
  await call('command', { action: 'measureNow', deviceId: dev.id }, CAROL); // audited (device offline)
  await call('command', { action: 'set', deviceId: dev.id, settings: { enabled: true, intervalS: 30 }, timeoutMs: 100 }, CAROL);
  const t = Date.now();
  const reading = {
    id: '7',
    version: '1.0',
    method: Method.PropertyPost,
    params: { HeartRate: { value: 41, time: t - 1000 }, SpO2: { value: 84, time: t - 1000 } },
  };
  const username = `${ref.deviceName}&${ref.productKey}`;
  const stored = await hook({
    event: 'message.publish',
    clientid: 'c|securemode=2|',
    username,
    topic: topics.propertyPost(ref),
    payload: JSON.stringify(reading),
    timestamp: t,
    publish_received_at: t,
  });
  expect(JSON.parse(stored.body)).toMatchObject({ stored: 1 });

  // The device is returned and unbound; Alice rents it for her mother.
  await call('devices', { action: 'unbind', deviceId: dev.id }, CAROL);
  await new Promise((r) => setTimeout(r, 5));
  const a = await call('patients', { action: 'create', name: 'Mum A' }, ALICE);
  await call('devices', { action: 'bind', patientId: a.id, code: 'RENTAB0001' }, ALICE);

  const hist = await call('history', { action: 'query', patientId: a.id, from: t - 3_600_000, to: Date.now() + 1000 }, ALICE);
  expect(hist.readings).toEqual([]);
  const mine = await call('devices', { action: 'mine' }, ALICE);
  expect(mine).toHaveLength(1);
  expect(mine[0]).toMatchObject({ id: dev.id, patientId: a.id });
  expect(mine[0].lastReading).toBeUndefined();
  const pa = await call('patients', { action: 'get', patientId: a.id }, ALICE);
  expect(pa.devices[0]).toMatchObject({ id: dev.id });
  expect(pa.devices[0].lastReading).toBeUndefined();
  expect(latestOfDevices(pa.devices)).toEqual({});
  const state = await call('command', { action: 'state', deviceId: dev.id }, ALICE);
  expect(state.audit).toEqual([]);
  // The settings Carol asked for still apply to the device; who asked does not show.
  expect(state.desired).toMatchObject({ enabled: true, intervalS: 30, by: '' });
  expect(JSON.stringify([mine, pa, state])).not.toContain(carolId);

  // Alice's own readings and commands show, and are counted from the binding on.
  const t2 = Date.now();
  const own = { id: '8', version: '1.0', method: Method.PropertyPost, params: { HeartRate: { value: 72, time: t2 }, SpO2: { value: 97, time: t2 } } };
  expect(
    JSON.parse(
      (
        await hook({
          event: 'message.publish',
          clientid: 'c|securemode=2|',
          username,
          topic: topics.propertyPost(ref),
          payload: JSON.stringify(own),
          timestamp: t2,
          publish_received_at: t2,
        })
      ).body,
    ),
  ).toMatchObject({ stored: 1 });
  await call('command', { action: 'measureNow', deviceId: dev.id }, ALICE);
  expect((await call('devices', { action: 'mine' }, ALICE))[0]).toMatchObject({ lastReading: { heartRate: 72, spo2: 97 } });
  expect((await call('command', { action: 'state', deviceId: dev.id }, ALICE)).audit).toMatchObject([{ action: 'measureNow', patientId: a.id }]);
  // Taken off and put back on the same patient: what it measured and was told for her still shows.
  await call('devices', { action: 'unbind', deviceId: dev.id }, ALICE);
  await new Promise((r) => setTimeout(r, 5));
  await call('devices', { action: 'bind', patientId: a.id, code: 'RENTAB0001' }, ALICE);
  expect((await call('patients', { action: 'get', patientId: a.id }, ALICE)).devices[0]).toMatchObject({ lastReading: { heartRate: 72, spo2: 97 } });
  expect((await call('command', { action: 'state', deviceId: dev.id }, ALICE)).audit).toMatchObject([{ action: 'measureNow', patientId: a.id }]);
  // Carol's family, no longer bound, sees none of it either way.
  expect(await call('devices', { action: 'mine' }, CAROL)).toEqual([]);
}, 60_000);
