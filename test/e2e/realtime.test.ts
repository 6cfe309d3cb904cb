/**
 * Real-time access for people through the real function host and broker: short-lived credentials,
 * read-only subscriptions limited to the devices of the patients a user follows, and open sessions
 * closed at once when that access ends.
 */
import type { MqttClient } from 'mqtt';
import { buildRequest, topics } from '../../core/alink';
import type { Stack } from '../../local-cloud/stack';
import type { RealtimeCredentials } from '../../core/api';
import { functionClient } from '../helpers/http';
import { closed, connect, connectDevice, createDevice, endAll, nextMessage, publish, startStack, subscribe, tempDir } from '../helpers/stack';

type Creds = RealtimeCredentials;

describe.each(['process', 'worker'] as const)('real-time access (functions in %s)', (functionsIn) => {
  let dir: ReturnType<typeof tempDir>;
  let stack: Stack;
  let clock: number;
  const clients: MqttClient[] = [];

  beforeEach(async () => {
    dir = tempDir();
    clock = Date.now();
    stack = await startStack(dir.path, { now: () => clock, functionsIn });
  });
  afterEach(async () => {
    await endAll(clients.splice(0));
    await stack.close();
    dir.remove();
  });

  const { data, act, login } = functionClient(() => stack.ports.http);
  const credentials = (token: string) => act('realtime', 'credentials', {}, token);
  const connectUser = async (c: Creds) => {
    const client = await connect(`ws://127.0.0.1:${stack.ports.mqttWs}/mqtt`, { clientId: c.clientId, username: c.username, password: c.password });
    clients.push(client);
    return client;
  };

  async function setup() {
    const alice = await login('alice');
    const patient = await data('patients', { action: 'create', name: '王奶奶' }, alice);
    const device = await createDevice(stack);
    const other = await createDevice(stack);
    await data('devices', { action: 'bind', patientId: patient.id, code: device.bindCode }, alice);
    return { alice, patientId: patient.id as string, device, other };
  }

  test("a user receives the live readings of their patient's device and nothing else", async () => {
    const { alice, device, other } = await setup();
    const creds = await credentials(alice);
    expect(creds.topics).toContain(topics.propertyPost(device));
    expect(creds.expiresAt - Date.now()).toBeLessThanOrEqual(3_600_000);
    const u = await connectUser(creds);
    expect(await subscribe(u, topics.propertyPost(device))).toBe(1);
    expect(await subscribe(u, topics.propertyPost(other))).toBe(128);
    expect(await subscribe(u, `/sys/${device.productKey}/${device.deviceName}/#`)).toBe(128);
    expect(await subscribe(u, topics.propertySet(device))).toBe(128);

    const live = nextMessage(u, topics.propertyPost(device));
    const d = await connectDevice(stack, device);
    clients.push(d);
    await publish(d, topics.propertyPost(device), buildRequest('1', 'thing.event.property.post', { HeartRate: 77 }));
    expect(JSON.parse(await live).params).toEqual({ HeartRate: 77 });
  });

  test('presence is published retained, so a late subscriber learns it', async () => {
    const { alice, device } = await setup();
    const d = await connectDevice(stack, device);
    clients.push(d);
    const u = await connectUser(await credentials(alice));
    const presence = nextMessage(u, topics.presence(device));
    await subscribe(u, topics.presence(device));
    expect(JSON.parse(await presence)).toMatchObject({ online: true });
  });

  test('a user may not publish to device topics', async () => {
    const { alice, device } = await setup();
    const u = await connectUser(await credentials(alice));
    const gone = closed(u);
    u.publish(topics.propertySet(device), buildRequest('1', 'thing.service.property.set', { MeasureEnabled: 0 }), { qos: 1 });
    await gone;
  });

  test.each([
    ['tampered', (c: Creds) => ({ ...c, password: `${c.password.slice(0, -2)}${c.password.endsWith('xx') ? 'yy' : 'xx'}` })],
    ["someone else's username", (c: Creds) => ({ ...c, username: 'user:u_0000000000000000' })],
  ])('refuses %s credentials', async (_n, mangle) => {
    const { alice } = await setup();
    const c = mangle(await credentials(alice));
    await expect(connect(`ws://127.0.0.1:${stack.ports.mqttWs}/mqtt`, { clientId: c.clientId, username: c.username, password: c.password })).rejects.toThrow(
      /Bad username or password/,
    );
  });

  test('credentials expire after an hour', async () => {
    const { alice } = await setup();
    const c = await credentials(alice);
    clock += 2 * 3_600_000; // (the worker issues with its own clock, a little behind this one)
    await expect(connect(`ws://127.0.0.1:${stack.ports.mqttWs}/mqtt`, { clientId: c.clientId, username: c.username, password: c.password })).rejects.toThrow(
      /Bad username or password/,
    );
  });

  test("a removed family member's open session is closed and new credentials grant nothing", async () => {
    const { alice, patientId, device } = await setup();
    const invite = await data('patients', { action: 'createInvite', patientId }, alice);
    const carol = await login('carol');
    await data('patients', { action: 'redeemInvite', code: invite.code }, carol);
    const u = await connectUser(await credentials(carol));
    expect(await subscribe(u, topics.propertyPost(device))).toBe(1);
    const gone = closed(u);
    const members = (await data('patients', { action: 'members', patientId }, alice)) as unknown as Array<{ userId: string; role: string }>;
    await data('patients', { action: 'removeMember', patientId, userId: members.find((m) => m.role === 'family')?.userId }, alice);
    await gone;
    const fresh = await credentials(carol);
    expect(fresh.topics).toEqual([]);
    expect(await subscribe(await connectUser(fresh), topics.propertyPost(device))).toBe(128);
  });

  test('unbinding a device closes the sessions watching it', async () => {
    const { alice, device } = await setup();
    const u = await connectUser(await credentials(alice));
    await subscribe(u, topics.propertyPost(device));
    const gone = closed(u);
    await data('devices', { action: 'unbind', deviceId: device.deviceId }, alice);
    await gone;
  });
});
