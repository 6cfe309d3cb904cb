/**
 * `BROKER=emqx npm start`: the local function host with an external broker. EMQX is played by its
 * REST API's stand-in (test/broker-api/fake-emqx.ts) plus this test posting what EMQX's
 * authenticator and rule engine would post to the host over real HTTP.
 */
import { buildLogin, buildReply, Method, parseDeviceId, parseRequest, topics } from '../../core/alink';
import { createMemoryLogger } from '../../backend/runtime/deps';
import { readConfig } from '../../local-cloud/config';
import { createExternalBrokerStack, type ExternalBrokerStack } from '../../local-cloud/stack/external';
import { type FakeEmqx, startFakeEmqx } from '../broker-api/fake-emqx';
import { functionClient } from '../helpers/http';
import { tempDir } from '../helpers/stack';

const TOKEN = 'service-token-for-emqx';

describe('local stack with an external broker', () => {
  let dir: ReturnType<typeof tempDir>;
  let emqx: FakeEmqx;
  let stack: ExternalBrokerStack;
  beforeEach(async () => {
    dir = tempDir();
    emqx = await startFakeEmqx();
    stack = await createExternalBrokerStack({
      dataDir: dir.path,
      emqx: { baseUrl: emqx.url, apiKey: emqx.apiKey, apiSecret: emqx.apiSecret },
      httpPort: 0,
      host: '127.0.0.1',
      log: createMemoryLogger(),
      serviceToken: TOKEN,
    });
  });
  afterEach(async () => {
    await stack.close();
    await emqx.close();
    dir.remove();
  });

  const post = async (path: string, body: unknown) => {
    const r = await fetch(`http://127.0.0.1:${stack.ports.http}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };

  test('BROKER=emqx needs the EMQX API settings, by name', () => {
    expect(() => readConfig({ BROKER: 'emqx' })).toThrow(/EMQX_API_URL/);
    expect(() => readConfig({ BROKER: 'mosquitto' })).toThrow(/BROKER=mosquitto is invalid/);
    expect(readConfig({ BROKER: 'emqx', EMQX_API_URL: 'http://127.0.0.1:18083', EMQX_API_KEY: 'k', EMQX_API_SECRET: 's' }).emqx).toMatchObject({
      baseUrl: 'http://127.0.0.1:18083',
    });
    expect(readConfig({}).emqx).toBeUndefined();
  });

  test('EMQX failing to take the replies changes nothing about what is stored', async () => {
    const created = await stack.invoke('devices', { action: 'create', name: 'bed-0002' }, { kind: 'admin' });
    if (!created.ok) throw new Error(created.message);
    const d = created.data as { deviceId: string };
    const ref = parseDeviceId(d.deviceId)!;
    const username = `${ref.deviceName}&${ref.productKey}`;
    emqx.intercept({ method: 'POST', path: '/api/v5/publish' }, (_r, res) => res.writeHead(503).end(), 10);
    const at = Date.now();
    const payload = JSON.stringify({ id: '1', version: '1.0', method: Method.PropertyPost, params: { HeartRate: { value: 70, time: at } } });
    const events = [
      { event: 'client.connected', clientid: 'c', username, timestamp: at, connected_at: at },
      { event: 'message.publish', clientid: 'c', username, topic: topics.propertyPost(ref), payload, qos: 1, timestamp: at, publish_received_at: at },
    ];
    expect(await post('/mqtt/webhook', events)).toMatchObject({ status: 200, body: { stored: 1 } });
    expect(await stack.store.deviceStatus(d.deviceId)).toMatchObject({ online: true, readings: 1 });
  });

  test('a Link SDK device (`_ss=1`, no SUBSCRIBE of its own) is subscribed through EMQX when it connects, and gets commands', async () => {
    const fn = functionClient(() => stack.ports.http);
    const created = await stack.invoke('devices', { action: 'create', name: 'bed-0003' }, { kind: 'admin' });
    if (!created.ok) throw new Error(created.message);
    const d = created.data as { deviceId: string; productKey: string; deviceName: string; deviceSecret: string; bindCode: string };
    const ref = parseDeviceId(d.deviceId)!;
    const login = buildLogin(d, { timestamp: Date.now(), autoSubscribe: true });
    const device = emqx.connect(login.clientId, login.username);
    const t = Date.now();
    expect(
      await post('/mqtt/webhook', { event: 'client.connected', clientid: login.clientId, username: login.username, timestamp: t, connected_at: t }),
    ).toMatchObject({ status: 200 });
    const alice = await fn.login('alice3');
    const patient = await fn.data('patients', { action: 'create', name: 'Dad' }, alice);
    await fn.data('devices', { action: 'bind', patientId: patient.id, code: d.bindCode }, alice);
    device.on('message', (m: { topic: string; payload: string }) => {
      if (m.topic !== topics.service(ref, 'MeasureNow')) return;
      const req = parseRequest(m.payload)!;
      const at = Date.now();
      const payload = buildReply({ id: req.id, code: 200, method: Method.service('MeasureNow'), data: {} });
      void post('/mqtt/webhook', {
        event: 'message.publish',
        clientid: login.clientId,
        username: login.username,
        topic: topics.serviceReply(ref, 'MeasureNow'),
        payload,
        qos: 0,
        timestamp: at,
        publish_received_at: at,
      });
    });
    expect(await fn.data('command', { action: 'measureNow', deviceId: d.deviceId }, alice)).toMatchObject({ result: 'acked' });
    expect(emqx.requests.some((r) => r.method === 'POST' && r.rawPath === `/api/v5/clients/${encodeURIComponent(login.clientId)}/subscribe/bulk`)).toBe(true);
    expect(emqx.violations).toEqual([]);
  });

  test('a device logs in, reports and obeys a command; a family member is cut off when removed', async () => {
    const fn = functionClient(() => stack.ports.http);
    const created = await stack.invoke('devices', { action: 'create', name: 'bed-0001' }, { kind: 'admin' });
    if (!created.ok) throw new Error(created.message);
    const d = created.data as { deviceId: string; productKey: string; deviceName: string; deviceSecret: string; bindCode: string };
    const ref = parseDeviceId(d.deviceId)!;
    const login = buildLogin(d, { timestamp: Date.now() });
    expect((await post('/mqtt/auth', { clientid: login.clientId, username: login.username, password: login.password })).body.result).toBe('allow');
    const device = emqx.connect(login.clientId, login.username);
    device.subscribe(topics.propertySet(ref), 1);
    const t = Date.now();
    expect(
      await post('/mqtt/webhook', { event: 'client.connected', clientid: login.clientId, username: login.username, timestamp: t, connected_at: t }),
    ).toMatchObject({ status: 200 });

    const alice = await fn.login('alice');
    const bob = await fn.login('bob');
    const patient = await fn.data('patients', { action: 'create', name: 'Mum' }, alice);
    await fn.data('devices', { action: 'bind', patientId: patient.id, code: d.bindCode }, alice);
    const invite = await fn.data('patients', { action: 'createInvite', patientId: patient.id }, alice);
    await fn.data('patients', { action: 'redeemInvite', code: invite.code }, bob);

    device.on('message', (m: { topic: string; payload: string }) => {
      const req = parseRequest(m.payload)!;
      const at = Date.now();
      const payload = buildReply({ id: req.id, code: 200, method: Method.PropertySet, data: { MeasureEnabled: 0, MeasureInterval: 60 } });
      void post('/mqtt/webhook', {
        event: 'message.publish',
        clientid: login.clientId,
        username: login.username,
        topic: topics.propertySetReply(ref),
        payload,
        qos: 0,
        timestamp: at,
        publish_received_at: at,
      });
    });
    expect(await fn.data('command', { action: 'set', deviceId: d.deviceId, settings: { enabled: false } }, bob)).toMatchObject({
      result: 'acked',
      pending: false,
    });

    const rt = await fn.data('realtime', { action: 'credentials' }, bob);
    const session = emqx.connect(rt.clientId as string, rt.username as string);
    const dropped = new Promise<void>((resolve) => session.once('close', () => resolve()));
    const bobId = ((await fn.data('auth', { action: 'me' }, bob)).user as { id: string }).id;
    await fn.data('patients', { action: 'removeMember', patientId: patient.id, userId: bobId }, alice);
    await dropped;
    expect(emqx.violations).toEqual([]);
  });

  test("logout disconnects the user's EMQX sessions and /mqtt/auth refuses the credentials of the ended session", async () => {
    const fn = functionClient(() => stack.ports.http);
    const alice = await fn.login('alice');
    const rt = await fn.data('realtime', { action: 'credentials' }, alice);
    const auth = () => post('/mqtt/auth', { clientid: rt.clientId, username: rt.username, password: rt.password, peerhost: '10.0.0.7' });
    expect((await auth()).body.result).toBe('allow');
    const session = emqx.connect(rt.clientId as string, rt.username as string);
    const dropped = new Promise<void>((resolve) => session.once('close', () => resolve()));
    await fn.data('auth', { action: 'logout' }, alice);
    await dropped;
    expect((await auth()).body.result).toBe('deny');
    expect(emqx.violations).toEqual([]);
  });
});
