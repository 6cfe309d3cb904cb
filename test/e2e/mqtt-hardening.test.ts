/**
 * Attacks on the broker's edges, against the real stack (broker, function host, SQLite, mqtt.js):
 * persistent sessions of people, session takeover by client id, guessing MQTT logins, MQTT
 * credentials after sign-out. Each test failed before its fix (issue 11).
 */
import type { MqttClient } from 'mqtt';
import { buildLogin, buildRequest, topics } from '../../core/alink';
import type { Stack } from '../../local-cloud/stack';
import { functionClient } from '../helpers/http';
import { closed, connect, connectDevice, createDevice, endAll, nextMessage, publish, startStack, subscribe, tempDir } from '../helpers/stack';

type Json = Record<string, unknown>;
interface Creds {
  clientId: string;
  username: string;
  password: string;
}

describe('MQTT hardening', () => {
  let dir: ReturnType<typeof tempDir>;
  let stack: Stack & { log: { lines: string[] } };
  let clock: number;
  const clients: MqttClient[] = [];

  beforeEach(async () => {
    dir = tempDir();
    clock = Date.now();
    stack = await startStack(dir.path, { now: () => clock, serviceToken: 'service-test-token' });
  });
  afterEach(async () => {
    await endAll(clients.splice(0));
    await stack.close();
    dir.remove();
  });

  const { data, call, login } = functionClient(() => stack.ports.http);
  const ws = () => `ws://127.0.0.1:${stack.ports.mqttWs}/mqtt`;
  const tcp = () => `mqtt://127.0.0.1:${stack.ports.mqtt}`;
  const credentials = async (token: string) => (await data('realtime', { action: 'credentials' }, token)) as unknown as Creds;
  const keep = (c: MqttClient) => (clients.push(c), c);
  const userId = async (token: string) => ((await data('auth', { action: 'me' }, token)).user as Json).id as string;

  /** Alice owns a patient with a bound device; Carol is family. */
  async function family() {
    const alice = await login('alice');
    const patient = await data('patients', { action: 'create', name: '王奶奶' }, alice);
    const device = await createDevice(stack);
    await data('devices', { action: 'bind', patientId: patient.id, code: device.bindCode }, alice);
    const invite = await data('patients', { action: 'createInvite', patientId: patient.id }, alice);
    const carol = await login('carol');
    await data('patients', { action: 'redeemInvite', code: invite.code }, carol);
    return { alice, carol, patientId: patient.id as string, device };
  }

  describe('removed family members (persistent sessions)', () => {
    test('a person may not keep a persistent session (clean=false)', async () => {
      const { carol } = await family();
      const creds = await credentials(carol);
      await expect(connect(ws(), { ...creds, clean: false })).rejects.toThrow(/Not authorized/);
      expect(stack.broker.stats.loginsRefused['persistent-session']).toBe(1);
      keep(await connect(ws(), { ...creds, clean: true }));
    });

    test('a removed member reconnecting with the same client id and old credentials gets nothing of the patient', async () => {
      const { alice, carol, patientId, device } = await family();
      const creds = await credentials(carol);
      const c = keep(await connect(ws(), creds));
      expect(await subscribe(c, topics.propertyPost(device))).toBe(1);
      const gone = closed(c);
      await data('patients', { action: 'removeMember', patientId, userId: await userId(carol) }, alice);
      await gone;
      const again = keep(await connect(ws(), creds));
      const received: string[] = [];
      again.on('message', (t) => received.push(t));
      const d = keep(await connectDevice(stack, device));
      await publish(d, topics.propertyPost(device), buildRequest('1', 'thing.event.property.post', { HeartRate: 70 }));
      expect(await subscribe(again, topics.propertyPost(device))).toBe(128);
      expect(await subscribe(again, topics.presence(device))).toBe(128); // nor the retained presence
      await new Promise((r) => setTimeout(r, 100));
      expect(received).toEqual([]);
    });
  });

  describe('session takeover by client id', () => {
    test("a person cannot connect with another person's client id, and the owner stays connected", async () => {
      const { alice, carol, device } = await family();
      const a = await credentials(alice);
      const owner = keep(await connect(ws(), a));
      expect(await subscribe(owner, topics.propertyPost(device))).toBe(1);
      const c = await credentials(carol);
      await expect(connect(ws(), { ...c, clientId: a.clientId })).rejects.toThrow(/Identifier rejected/);
      await expect(connect(ws(), { ...c, clientId: `${c.clientId.split('.')[0]}-x` })).rejects.toThrow(/Identifier rejected/);
      expect(stack.broker.stats.loginsRefused['client-id-not-owned']).toBe(2);
      expect(owner.connected).toBe(true);
      const live = nextMessage(owner, topics.propertyPost(device));
      const d = keep(await connectDevice(stack, device));
      await publish(d, topics.propertyPost(device), buildRequest('1', 'thing.event.property.post', { HeartRate: 71 }));
      expect(JSON.parse(await live).params.HeartRate).toBe(71);
    });

    test("a device cannot take over another device's client id (SDK form or chip id); the victim stays online", async () => {
      const a = await createDevice(stack);
      const b = await createDevice(stack);
      const victim = keep(await connect(tcp(), buildLogin(a, { timestamp: 1000 })));
      // The SDK form names the device: B may not use A's.
      await expect(connect(tcp(), buildLogin(b, { id: `${a.productKey}.${a.deviceName}`, timestamp: 1000 }))).rejects.toThrow(/Identifier rejected/);
      // A chip id is free-form: it belongs to whoever holds it.
      const chip = keep(await connect(tcp(), buildLogin(a, { id: 'ESP-00A1B2', timestamp: 7 })));
      await expect(connect(tcp(), buildLogin(b, { id: 'ESP-00A1B2', timestamp: 7 }))).rejects.toThrow(/Identifier rejected/);
      expect(stack.broker.stats.loginsRefused['client-id-not-owned']).toBe(2);
      expect(victim.connected && chip.connected).toBe(true);
      expect(stack.broker.isOnline(a.deviceId)).toBe(true);
      // The device itself may reconnect with its id (a takeover of its own session).
      keep(await connect(tcp(), buildLogin(a, { timestamp: 1000 })));
    });

    test('the HTTP authenticator for EMQX applies the same rule', async () => {
      const { alice, carol } = await family();
      const a = await credentials(alice);
      const c = await credentials(carol);
      const auth = async (body: Json) => {
        const r = await fetch(`http://127.0.0.1:${stack.ports.http}/mqtt/auth`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer service-test-token' },
          body: JSON.stringify(body),
        });
        return ((await r.json()) as Json).result;
      };
      expect(await auth({ clientid: c.clientId, username: c.username, password: c.password })).toBe('allow');
      expect(await auth({ clientid: a.clientId, username: c.username, password: c.password })).toBe('deny');
      const x = await createDevice(stack);
      const y = await createDevice(stack);
      const l = buildLogin(y, { id: `${x.productKey}.${x.deviceName}` });
      expect(await auth({ clientid: l.clientId, username: l.username, password: l.password })).toBe('deny');
    });
  });

  describe('guessing MQTT logins', () => {
    test('failed logins from one source back off exponentially, then the right login works again', async () => {
      const dev = await createDevice(stack);
      const wrong = buildLogin({ ...dev, deviceSecret: 'guess' }, { timestamp: 1 });
      for (let i = 0; i < 6; i++) await expect(connect(tcp(), wrong)).rejects.toThrow(/Bad username or password/);
      // Blocked now: even the right secret is refused (server unavailable: try later).
      await expect(connect(tcp(), buildLogin(dev, { timestamp: 2 }))).rejects.toThrow(/Server unavailable/);
      expect(stack.broker.stats.loginsRefused['rate-limited']).toBe(1);
      clock += 1100; // the first block is 1 s
      await expect(connect(tcp(), wrong)).rejects.toThrow(/Bad username or password/);
      clock += 1100; // the second is 2 s
      await expect(connect(tcp(), buildLogin(dev, { timestamp: 3 }))).rejects.toThrow(/Server unavailable/);
      clock += 1000;
      keep(await connect(tcp(), buildLogin(dev, { timestamp: 4 })));
    });

    test('a flood of bad logins is counted, not logged line by line', async () => {
      stack.log.lines.length = 0;
      const dev = await createDevice(stack);
      for (let i = 0; i < 40; i++) {
        await connect(tcp(), { clientId: `x${i}|securemode=3,signmethod=hmacsha256|`, username: `nobody${i}&${dev.productKey}`, password: 'p' }).catch(
          () => undefined,
        );
        await connect(tcp(), { clientId: `plain-${i}`, username: `u${i}`, password: 'p' }).catch(() => undefined);
      }
      const refused = Object.values(stack.broker.stats.loginsRefused).reduce((a, b) => a + b, 0);
      expect(refused).toBe(80);
      // At most one line per reason per minute (three reasons here; a minute may turn meanwhile).
      expect(Object.keys(stack.broker.stats.loginsRefused).sort()).toEqual(['malformed', 'rate-limited', 'unknown-device']);
      expect(stack.log.lines.length).toBeLessThanOrEqual(6);
    });
  });

  describe('MQTT credentials after sign-out', () => {
    test("logout closes the user's open MQTT sessions and the credentials stop working", async () => {
      const { alice, device } = await family();
      const creds = await credentials(alice);
      const c = keep(await connect(ws(), creds));
      expect(await subscribe(c, topics.propertyPost(device))).toBe(1);
      const gone = closed(c);
      await data('auth', { action: 'logout' }, alice);
      await gone;
      await expect(connect(ws(), creds)).rejects.toThrow(/Bad username or password/);
      expect((await call('realtime', { action: 'credentials' }, alice)).status).toBe(401);
    });

    test('another sign-in of the same user keeps its MQTT session', async () => {
      const { alice, device } = await family();
      const phone = await login('alice');
      const kept = keep(await connect(ws(), await credentials(phone)));
      expect(await subscribe(kept, topics.propertyPost(device))).toBe(1);
      await data('auth', { action: 'logout' }, alice);
      await new Promise((r) => setTimeout(r, 100));
      expect(kept.connected).toBe(true);
    });
  });
});
