/** Login and topic authorization against the real embedded broker. */
import { buildLogin, topics, buildRequest } from '../../core/alink';
import { closed, connect, connectDevice, createDevice, endAll, publish, startStack, subscribe, tempDir } from '../helpers/stack';
import type { Stack } from '../../local-cloud/stack';
import type { MqttClient } from 'mqtt';

describe('device login and ACL', () => {
  let dir: ReturnType<typeof tempDir>;
  let stack: Stack;
  const clients: MqttClient[] = [];
  beforeEach(async () => {
    dir = tempDir();
    stack = await startStack(dir.path);
  });
  afterEach(async () => {
    await endAll(clients.splice(0));
    await stack.close();
    dir.remove();
  });
  const url = () => `mqtt://127.0.0.1:${stack.ports.mqtt}`;

  const refusals: Array<[string, (d: { productKey: string; deviceName: string; deviceSecret: string }) => Record<string, string>, RegExp]> = [
    ['a wrong secret', (d) => buildLogin({ ...d, deviceSecret: 'not-the-secret' }, { timestamp: Date.now() }), /Bad username or password/],
    ['an unknown device', (d) => buildLogin({ ...d, deviceName: 'nobody-here' }, { timestamp: Date.now() }), /Bad username or password/],
    ['a username without "&"', (d) => ({ ...buildLogin(d), username: d.deviceName }), /Bad username or password/],
    ['a clientId without the Alink fields', (d) => ({ ...buildLogin(d), clientId: 'plain-client' }), /Identifier rejected/],
    ['an unsupported sign method', (d) => ({ ...buildLogin(d), clientId: 'x|securemode=3,signmethod=hmacsha512|' }), /Identifier rejected/],
    ['a missing password', (d) => ({ ...buildLogin(d), password: '' }), /Bad username or password/],
  ];

  test.each(refusals)('refuses %s', async (_name, make, message) => {
    const dev = await createDevice(stack);
    await expect(connect(url(), make(dev))).rejects.toThrow(message);
    expect(stack.broker.onlineDevices()).toBe(0);
  });

  test('a strict device must send a current timestamp and never reuse one', async () => {
    const dev = await createDevice(stack, { loginPolicy: 'strict' });
    await expect(connect(url(), buildLogin(dev, { timestamp: 5000 }))).rejects.toThrow(/Not authorized/);
    const login = buildLogin(dev, { timestamp: Date.now() });
    const c = await connect(url(), login);
    await c.endAsync();
    await expect(connect(url(), login)).rejects.toThrow(/Not authorized/); // a replayed login
  });

  test('a compat device may reuse the login it computed at boot (original firmware)', async () => {
    const dev = await createDevice(stack);
    const login = buildLogin(dev, { timestamp: 3021 });
    const c = await connect(url(), login);
    await c.endAsync();
    clients.push(await connect(url(), login));
  });

  test("a device publishing to another device's topic is disconnected and nothing is stored", async () => {
    const a = await createDevice(stack);
    const b = await createDevice(stack);
    const c = await connectDevice(stack, a);
    clients.push(c);
    const gone = closed(c);
    c.publish(topics.propertyPost(b), buildRequest('1', 'thing.event.property.post', { HeartRate: 70 }), { qos: 1 });
    await gone;
    await stack.flow.idle();
    const r = await stack.invoke('devices', { action: 'get', deviceId: b.deviceId }, { kind: 'admin' });
    expect(r.ok && (r.data as { readings: number }).readings).toBe(0);
    expect(stack.broker.stats.publishDenied).toBe(1);
  });

  test('a device may not publish commands to itself', async () => {
    const a = await createDevice(stack);
    const c = await connectDevice(stack, a);
    clients.push(c);
    const gone = closed(c);
    c.publish(topics.propertySet(a), buildRequest('1', 'thing.service.property.set', { MeasureEnabled: 0 }), { qos: 1 });
    await gone;
  });

  test.each([
    ["another device's subtree", (b: string) => `/sys/rpmTerminal/${b}/#`],
    ['every device', () => '/sys/+/+/thing/event/property/post'],
    ['everything', () => '#'],
    ['broker internals', () => '$SYS/#'],
  ])('denies subscribing to %s', async (_name, filter) => {
    const a = await createDevice(stack);
    const b = await createDevice(stack);
    const c = await connectDevice(stack, a);
    clients.push(c);
    expect(await subscribe(c, filter(b.deviceName))).toBe(128);
    expect(await subscribe(c, topics.propertySet(a))).toBe(1);
  });

  test('a device publishing its own readings is accepted', async () => {
    const a = await createDevice(stack);
    const c = await connectDevice(stack, a);
    clients.push(c);
    await publish(c, topics.propertyPost(a), buildRequest('1', 'thing.event.property.post', { HeartRate: 70 }));
    const r = await stack.invoke('devices', { action: 'get', deviceId: a.deviceId }, { kind: 'admin' });
    expect(r.ok && (r.data as { readings: number }).readings).toBe(1);
  });
});
