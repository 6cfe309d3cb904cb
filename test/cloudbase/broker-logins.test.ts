/**
 * Logins through EMQX on CloudBase, where every login check (`POST /mqtt/auth` through CloudBase's
 * HTTP access service) runs in a fresh invocation of the `broker` function, so nothing the checker
 * keeps in memory lasts: a `strict` device's login timestamp is single-use (`claimLoginTimestamp`)
 * and a client id stays with the identity that holds it (`claimClientId`), both in the store. The
 * function as deployed (SCF environment, store on the stand-in).
 */
import { buildLogin } from '../../core/alink';
import { standInStore } from '../helpers/cloudbase-store';
import { type CloudbaseServer, startCloudbaseServer } from '../helpers/cloudbase-server';
import { scfEnvironment, withEnv } from './scf';

type Main = (event: unknown, context?: unknown) => Promise<unknown>;
const HOOK = 'hook-secret-0123456789abcdef0123456789';
let cloudbase: CloudbaseServer;
let main: Main;

beforeAll(async () => {
  cloudbase = await startCloudbaseServer();
  main = require('../../cloudfunctions/broker/index.ts').main;
}, 60_000);
afterAll(async () => {
  await cloudbase?.close();
});

/** EMQX → CloudBase HTTP access → `broker`, one invocation per call. */
async function auth(login: { clientId: string; username: string; password: string }): Promise<string> {
  const env = { ...scfEnvironment(cloudbase), REALTIME_SECRET: 'realtime-secret-0123456789abcdef012345', BROKER_HOOK_SECRET: HOOK };
  const body = JSON.stringify({ clientid: login.clientId, username: login.username, password: login.password });
  const ev = { path: '/mqtt/auth', httpMethod: 'POST', headers: { authorization: `Bearer ${HOOK}` }, body };
  const r = (await withEnv(env, () => main(ev, { request_id: 'r' }))) as { body: string };
  return (JSON.parse(r.body) as { result: string }).result;
}

test('a captured strict login cannot be replayed, however many invocations check it', async () => {
  const store = standInStore(cloudbase);
  const strict = { productKey: 'pkStrict01', deviceName: 'bed-strict', deviceSecret: 'strict-secret-0123456789' };
  await store.createDevice(
    { productKey: strict.productKey, deviceName: strict.deviceName, secret: strict.deviceSecret, bindCode: 'STR1CT0001', loginPolicy: 'strict' },
    Date.now(),
  );
  const t = Date.now();
  const captured = buildLogin(strict, { timestamp: t, secureMode: 2 });
  expect(await auth(captured)).toBe('allow');
  expect([await auth(captured), await auth(captured)]).toEqual(['deny', 'deny']);
  // An older timestamp is refused; the device's next login, with a later one, is not.
  expect(await auth(buildLogin(strict, { timestamp: t - 1000, secureMode: 2 }))).toBe('deny');
  expect(await auth(buildLogin(strict, { timestamp: t + 1, secureMode: 2 }))).toBe('allow');
});

test("a device cannot take another device's free-form client id (and so its session)", async () => {
  const store = standInStore(cloudbase);
  const a = { productKey: 'pkTakeov01', deviceName: 'bed-aaaa', deviceSecret: 'secret-a-0123456789abc' };
  const b = { productKey: 'pkTakeov01', deviceName: 'bed-bbbb', deviceSecret: 'secret-b-0123456789abc' };
  for (const [d, code] of [
    [a, 'TAKEOV0001'],
    [b, 'TAKEOV0002'],
  ] as const) {
    await store.createDevice({ productKey: d.productKey, deviceName: d.deviceName, secret: d.deviceSecret, bindCode: code }, Date.now());
  }
  // Firmware may use any client id, e.g. its chip id; B's is known to A's holder.
  const chip = 'chip-24A1603F9C1B';
  expect(await auth(buildLogin(b, { id: chip, secureMode: 2 }))).toBe('allow');
  expect(await auth(buildLogin(a, { id: chip, secureMode: 2 }))).toBe('deny');
  expect(await auth(buildLogin(b, { id: chip, secureMode: 2 }))).toBe('allow');
  expect(await auth(buildLogin(a, { id: 'chip-A0000000001', secureMode: 2 }))).toBe('allow');
});
