/**
 * The production data path, end to end, as far as it runs here: the built functions run as on
 * CloudBase (SCF environment, store on the CloudBase stand-in), the broker is EMQX as its REST
 * API shows it (test/broker-api/fake-emqx.ts: documented request shapes, a model of sessions and
 * subscriptions), and this test plays EMQX's other half — calling the `broker` function through
 * CloudBase's HTTP access event for logins, topic checks and the rule engine's webhook.
 * Not proven here: EMQX itself (its authenticator, rule SQL and HTTP action) and CloudBase's HTTP
 * access service; docs/deploy.md says how they are configured.
 */
import { buildLogin, buildReply, Method, parseDeviceId, parseRequest, topics } from '../../core/alink';
import type { Result } from '../../core';
import { standInStore } from '../helpers/cloudbase-store';
import type { Store } from '../../backend/store/types';
import { type CloudbaseServer, startCloudbaseServer } from '../helpers/cloudbase-server';
import { type FakeClient, type FakeEmqx, startFakeEmqx } from '../broker-api/fake-emqx';
import { buildBundles, type BuiltBundles } from './bundles';
import { emqxEnvironment, wechatCall, withEnv } from './scf';

type Main = (event: unknown, context?: unknown) => Promise<unknown>;
const HOOK_SECRET = 'hook-secret-0123456789abcdef0123456789';
const REALTIME_SECRET = 'realtime-secret-0123456789abcdef012345';
const ALICE = 'oAlice_0000000000000000000001';
const BOB = 'oBob-00000000000000000000002';

let cloudbase: CloudbaseServer;
let emqx: FakeEmqx;
let bundles: BuiltBundles;
let store: Store;
const mains: Record<string, Main> = {};

const env = () => ({ ...emqxEnvironment(cloudbase, emqx, HOOK_SECRET), REALTIME_SECRET });
const call = async <T = unknown>(name: string, event: unknown, openid: string): Promise<T> => {
  const r = (await withEnv(env(), () => mains[name]!(event, wechatCall(name, openid)))) as Result<T>;
  if (!r.ok) throw new Error(`${name}: ${r.code} ${r.message}`);
  return r.data;
};
/** EMQX calling the `broker` function through CloudBase's HTTP access service. */
const http = async (path: string, body: unknown, secret = HOOK_SECRET) => {
  const event = {
    path,
    httpMethod: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${secret}` },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
  const r = (await withEnv(env(), () => mains.broker!(event, { request_id: 'r1' }))) as { statusCode: number; body: string };
  return { status: r.statusCode, body: JSON.parse(r.body) as Record<string, unknown> };
};

beforeAll(async () => {
  [cloudbase, emqx, bundles] = await Promise.all([startCloudbaseServer(), startFakeEmqx(), buildBundles()]);
  for (const name of bundles.names) mains[name] = (require(bundles.file(name)) as { main: Main }).main;
  store = standInStore(cloudbase);
}, 60_000);
afterAll(async () => {
  bundles?.remove();
  await Promise.all([cloudbase?.close(), emqx?.close()]);
});

test('CloudBase HTTP access: the secret, the method and the path are checked', async () => {
  expect((await http('/mqtt/webhook', {}, 'wrong-secret')).status).toBe(401);
  const get = (await withEnv(env(), () =>
    mains.broker!({ path: '/mqtt/auth', httpMethod: 'GET', headers: { authorization: `Bearer ${HOOK_SECRET}` } }, {}),
  )) as { statusCode: number };
  expect(get.statusCode).toBe(405);
  expect((await http('/mqtt/nothing', {})).status).toBe(404);
  const unset = (await withEnv({ ...env(), BROKER_HOOK_SECRET: undefined }, () =>
    mains.broker!({ path: '/mqtt/auth', httpMethod: 'POST', headers: {}, body: '{}' }, {}),
  )) as { statusCode: number };
  expect(unset.statusCode).toBe(503);
  // Called like any other function (no HTTP event), it is not open to people.
  expect(await withEnv(env(), () => mains.broker!({ action: 'webhook', events: [] }, wechatCall('broker', ALICE)))).toMatchObject({
    ok: false,
    code: 'FORBIDDEN',
  });
});

test('a device and a family member, from login to command to losing access', async () => {
  const creds = { productKey: 'pkEmqxPath1', deviceName: 'bed-0001', deviceSecret: 'device-secret-0123456789' };
  const dev = await store.createDevice(
    { productKey: creds.productKey, deviceName: creds.deviceName, secret: creds.deviceSecret, bindCode: 'EMQX000001' },
    Date.now(),
  );
  const ref = parseDeviceId(dev.id)!;
  const login = buildLogin(creds, { timestamp: Date.now() });

  // EMQX asks the backend about the device's login and topics.
  expect((await http('/mqtt/auth', { clientid: login.clientId, username: login.username, password: login.password })).body).toEqual({
    result: 'allow',
    is_superuser: false,
  });
  expect((await http('/mqtt/auth', { clientid: login.clientId, username: login.username, password: 'wrong' })).body.result).toBe('deny');
  expect(
    (await http('/mqtt/acl', { clientid: login.clientId, username: login.username, topic: topics.propertyPost(ref), action: 'publish' })).body.result,
  ).toBe('allow');
  const device: FakeClient = emqx.connect(login.clientId, login.username);
  device.subscribe(topics.propertySet(ref), 1);
  device.subscribe(topics.propertyPostReply(ref), 0);

  // Connected and a reading: stored, the Alink reply and the retained presence go out through EMQX.
  const now = Date.now();
  const connected = { event: 'client.connected', clientid: login.clientId, username: login.username, timestamp: now, connected_at: now };
  expect(await http('/mqtt/webhook', connected)).toMatchObject({ status: 200 });
  expect(JSON.parse(emqx.retained.get(topics.presence(ref)) ?? '{}')).toMatchObject({ online: true });
  const reading = { id: '42', version: '1.0', method: Method.PropertyPost, params: { HeartRate: { value: 75, time: now - 500 } } };
  const publish = {
    event: 'message.publish',
    id: 'e1',
    clientid: login.clientId,
    username: login.username,
    topic: topics.propertyPost(ref),
    payload: JSON.stringify(reading),
    qos: 1,
    timestamp: now,
    publish_received_at: now,
  };
  expect(await http('/mqtt/webhook', publish)).toMatchObject({ status: 200, body: { stored: 1 } });
  expect(await http('/mqtt/webhook', publish)).toMatchObject({ status: 200, body: { stored: 0, duplicates: 1 } });
  expect(device.received.find((m) => m.topic === topics.propertyPostReply(ref))?.payload).toContain('"code":200');

  // Alice (WeChat) adds her mother and binds the device; Bob joins the family.
  await call('auth', { action: 'login', name: 'Alice' }, ALICE);
  await call('auth', { action: 'login', name: 'Bob' }, BOB);
  const patient = await call<{ id: string }>('patients', { action: 'create', name: 'Mum' }, ALICE);
  await call('devices', { action: 'bind', patientId: patient.id, code: 'EMQX0-00001' }, ALICE);
  const invite = await call<{ code: string }>('patients', { action: 'createInvite', patientId: patient.id }, ALICE);
  await call('patients', { action: 'redeemInvite', code: invite.code }, BOB);

  // Bob's live data: 1-hour credentials, checked by EMQX through the broker function.
  const rt = await call<{ clientId: string; username: string; password: string; topics: string[] }>('realtime', { action: 'credentials' }, BOB);
  expect(rt.topics).toContain(topics.propertyPost(ref));
  expect((await http('/mqtt/auth', { clientid: rt.clientId, username: rt.username, password: rt.password })).body.result).toBe('allow');
  expect((await http('/mqtt/acl', { clientid: rt.clientId, username: rt.username, topic: topics.propertyPost(ref), action: 'subscribe' })).body.result).toBe(
    'allow',
  );
  expect((await http('/mqtt/acl', { clientid: rt.clientId, username: rt.username, topic: topics.propertySet(ref), action: 'publish' })).body.result).toBe(
    'deny',
  );
  const bob = emqx.connect(rt.clientId, rt.username, false);

  // A command: published through EMQX's REST API, answered by the device, the reply through the webhook.
  device.on('message', (m: { topic: string; payload: string }) => {
    if (m.topic !== topics.propertySet(ref)) return;
    const req = parseRequest(m.payload)!;
    const reply = buildReply({ id: req.id, code: 200, method: Method.PropertySet, data: { MeasureEnabled: 1, MeasureInterval: 30 } });
    const at = Date.now();
    void http('/mqtt/webhook', {
      event: 'message.publish',
      id: 'e2',
      clientid: login.clientId,
      username: login.username,
      topic: topics.propertySetReply(ref),
      payload: reply,
      qos: 0,
      timestamp: at,
      publish_received_at: at,
    });
  });
  const set = await call<{ result: string; pending: boolean }>(
    'command',
    { action: 'set', deviceId: dev.id, settings: { intervalS: 30 }, timeoutMs: 5000 },
    BOB,
  );
  expect(set).toMatchObject({ result: 'acked', pending: false });
  const sent = parseRequest(device.received.find((m) => m.topic === topics.propertySet(ref))!.payload)!;
  expect(sent.id).toMatch(/^\d{1,10}$/);
  expect(Number(sent.id)).toBeLessThan(2 ** 32);
  expect((await store.deviceState(dev.id)).reported).toMatchObject({ enabled: true, intervalS: 30 });

  // Removed from the family: Bob's MQTT session is closed at once, and he may no longer subscribe.
  const closed = new Promise<void>((resolve) => bob.once('close', () => resolve()));
  const bobId = (await call<{ user: { id: string } }>('auth', { action: 'me' }, BOB)).user.id;
  await call('patients', { action: 'removeMember', patientId: patient.id, userId: bobId }, ALICE);
  await closed;
  expect((await http('/mqtt/acl', { clientid: rt.clientId, username: rt.username, topic: topics.propertyPost(ref), action: 'subscribe' })).body.result).toBe(
    'deny',
  );

  // The device goes offline: a command answers at once.
  device.end();
  const gone = Date.now();
  await http('/mqtt/webhook', {
    event: 'client.disconnected',
    clientid: login.clientId,
    username: login.username,
    reason: 'normal',
    timestamp: gone,
    disconnected_at: gone,
  });
  expect(JSON.parse(emqx.retained.get(topics.presence(ref)) ?? '{}')).toMatchObject({ online: false });
  expect(await call('command', { action: 'measureNow', deviceId: dev.id }, ALICE)).toMatchObject({ result: 'timeout', offline: true });
  expect(emqx.violations).toEqual([]);
}, 60_000);
