/**
 * EMQX's rule-engine webhook (POST /mqtt/webhook on the local host; the `broker` function on
 * CloudBase): events in EMQX 5's shapes, stored exactly once, refused clearly when they cannot be.
 */
import { buildReply, Method, parseDeviceId, topics } from '../../core/alink';
import type { Stack } from '../../local-cloud/stack';
import { createDevice, startStack, tempDir } from '../helpers/stack';

type Json = Record<string, unknown>;
const TOKEN = 'service-test-token';

describe('broker webhook', () => {
  let dir: ReturnType<typeof tempDir>;
  let stack: Stack;
  beforeEach(async () => {
    dir = tempDir();
    stack = await startStack(dir.path, { serviceToken: TOKEN });
  });
  afterEach(async () => {
    await stack.close();
    dir.remove();
  });

  async function hook(body: unknown, token = TOKEN): Promise<{ status: number; body: Json }> {
    const r = await fetch(`http://127.0.0.1:${stack.ports.http}/mqtt/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Json };
  }

  async function device() {
    const d = await createDevice(stack);
    const ref = parseDeviceId(d.deviceId)!;
    return { ...d, ref, username: `${ref.deviceName}&${ref.productKey}` };
  }

  const publish = (username: string, topic: string, payload: unknown, at = Date.now()) => ({
    event: 'message.publish',
    id: `0005F${at.toString(16)}`,
    clientid: `${username.split('&')[0]}|securemode=2,signmethod=hmacsha256|`,
    username,
    topic,
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    qos: 1,
    timestamp: at,
    publish_received_at: at,
    peerhost: '127.0.0.1',
  });
  const post = (id: string, ts: number) => ({ id, version: '1.0', method: Method.PropertyPost, params: { HeartRate: { value: 72, time: ts } } });

  test('refuses a missing or wrong secret, malformed bodies, unknown events and stale timestamps', async () => {
    const d = await device();
    const good = publish(d.username, topics.propertyPost(d.ref), post('1', Date.now()));
    expect((await hook(good, 'wrong')).status).toBe(401);
    const noAuth = await fetch(`http://127.0.0.1:${stack.ports.http}/mqtt/webhook`, { method: 'POST', body: JSON.stringify(good) });
    expect(noAuth.status).toBe(401);
    expect(await hook('{not json')).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST', message: expect.stringContaining('JSON') } });
    const refused = (message: unknown) => ({ status: 400, body: { code: 'BAD_REQUEST', message } });
    expect(await hook([])).toEqual(refused('"events" must hold at least one event'));
    expect(await hook('"text"')).toEqual(refused('"events" must be an event object or an array of them'));
    // A request whose every event is malformed is refused with the first event's problem.
    expect(await hook({ ...good, timestamp: undefined })).toEqual(refused('"events.0.timestamp" is required'));
    expect(await hook({ ...good, event: 'message.dropped' })).toEqual(refused(expect.stringContaining('"events.0.event" names an unsupported event')));
    expect(await hook([{ ...good, payload: { not: 'a string' } }, 42])).toEqual(refused('"events.0.payload" must be a string: use payload_encoding plain'));
    expect((await stack.store.deviceStatus(d.deviceId))?.readings).toBe(0);
  });

  test('an event outside the time window is dropped and counted; the rest of its request is stored', async () => {
    const d = await device();
    const stale = Date.now() - 11 * 60_000;
    const old = publish(d.username, topics.propertyPost(d.ref), post('2', stale), stale);
    const fresh = publish(d.username, topics.propertyPost(d.ref), post('3', Date.now()));
    expect(await hook(old)).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST', message: expect.stringContaining('outside the time window') } });
    expect(await hook([old, fresh])).toMatchObject({ status: 200, body: { events: 2, stale: 1, stored: 1 } });
    expect((await stack.store.deviceStatus(d.deviceId))?.readings).toBe(1);
  });

  test('a valid publish is stored once, however often EMQX delivers it', async () => {
    const d = await device();
    const ts = Date.now() - 1000;
    const event = publish(d.username, topics.propertyPost(d.ref), post('17', ts));
    expect(await hook(event)).toEqual({
      status: 200,
      body: { events: 1, stored: 1, duplicates: 0, rejected: 0, commandReplies: 0, ignored: 0, stale: 0, malformed: 0 },
    });
    expect(await hook(event)).toMatchObject({ status: 200, body: { stored: 0, duplicates: 1 } });
    expect(await hook([event, event])).toMatchObject({ status: 200, body: { stored: 0, duplicates: 2 } });
    const s = await stack.store.deviceStatus(d.deviceId);
    expect(s).toMatchObject({ readings: 1, lastReading: { ts, heartRate: 72 } });
  });

  test('bad device payloads are counted per device, not refused (EMQX must not resend them)', async () => {
    const d = await device();
    const r = await hook([publish(d.username, topics.propertyPost(d.ref), '{oops'), publish(d.username, topics.propertyPost(d.ref), post('3', Date.now()))]);
    expect(r).toMatchObject({ status: 200, body: { stored: 1, rejected: 1 } });
    expect((await stack.store.deviceStatus(d.deviceId))?.rejections).toEqual({ 'malformed-json': 1 });
  });

  test('a malformed event is refused and counted; the rest of its request is stored', async () => {
    const d = await device();
    const good = publish(d.username, topics.propertyPost(d.ref), post('4', Date.now()));
    const r = await hook([{ ...good, timestamp: 'soon' }, 'not an event', good]);
    expect(r).toEqual({ status: 200, body: { events: 3, stored: 1, duplicates: 0, rejected: 0, commandReplies: 0, ignored: 0, stale: 0, malformed: 2 } });
    expect((await stack.store.deviceStatus(d.deviceId))?.readings).toBe(1);
  });

  test('presence follows the events’ own times, whatever order they arrive in', async () => {
    const d = await device();
    const t = Date.now() - 5000;
    const ev = (event: string, at: number) => ({
      event,
      clientid: 'c1',
      username: d.username,
      timestamp: at,
      [event === 'client.connected' ? 'connected_at' : 'disconnected_at']: at,
    });
    await hook(ev('client.disconnected', t + 2000));
    await hook(ev('client.connected', t + 1000));
    expect(await stack.store.deviceStatus(d.deviceId)).toMatchObject({ online: false, presenceAt: t + 2000 });
    await hook(ev('client.connected', t + 3000));
    expect(await stack.store.deviceStatus(d.deviceId)).toMatchObject({ online: true, presenceAt: t + 3000 });
    // The old session of a reconnecting device is taken over: it stays online.
    expect(await hook({ ...ev('client.disconnected', t + 3000), reason: 'takenover' })).toMatchObject({ body: { ignored: 1 } });
    expect(await stack.store.deviceStatus(d.deviceId)).toMatchObject({ online: true });
  });

  test("a device's reply to a command is kept for the waiting command and updates its reported state", async () => {
    const d = await device();
    const reply = buildReply({ id: '123456', code: 200, method: Method.PropertySet, data: { MeasureEnabled: 0, MeasureInterval: 30 } });
    expect(await hook(publish(d.username, topics.propertySetReply(d.ref), reply))).toMatchObject({ status: 200, body: { commandReplies: 1, stored: 0 } });
    expect(await stack.store.commandReply(d.deviceId, '123456')).toMatchObject({ code: 200, data: { MeasureEnabled: 0, MeasureInterval: 30 } });
    expect((await stack.store.deviceState(d.deviceId)).reported).toMatchObject({ enabled: false, intervalS: 30 });
  });

  test("people's events and another device's topics change nothing of this device", async () => {
    const d = await device();
    const other = await device();
    const r = await hook([
      { event: 'client.connected', clientid: 'u1.ab', username: 'user:u_123', timestamp: Date.now(), connected_at: Date.now() },
      publish(d.username, topics.propertyPost(other.ref), post('9', Date.now())),
    ]);
    expect(r).toMatchObject({ status: 200, body: { ignored: 1, stored: 0, rejected: 1 } });
    expect((await stack.store.deviceStatus(other.deviceId))?.readings).toBe(0);
    expect((await stack.store.deviceStatus(d.deviceId))?.rejections).toEqual({ 'unexpected-topic': 1 });
  });
});
