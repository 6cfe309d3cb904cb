/**
 * Bad input from devices: rejected with an error reply, counted per device and kind, logged once
 * per kind; the broker keeps running and other devices' data keeps flowing.
 */
import { buildRequest, parseReply, topics } from '../../core/alink';
import { connectDevice, createDevice, endAll, nextMessage, publish, startStack, subscribe, tempDir } from '../helpers/stack';
import type { Stack } from '../../local-cloud/stack';
import type { MqttClient } from 'mqtt';

const post = (params: unknown) => JSON.stringify({ id: '9', version: '1.0', method: 'thing.event.property.post', params });

const cases: Array<[string, string, number, string]> = [
  ['malformed JSON', '{"params": {"HeartRate": 7', 400, 'malformed-json'],
  ['a JSON array', '[1,2,3]', 400, 'not-object'],
  ['no params', '{"id":"1"}', 400, 'missing-params'],
  ['empty params', post({}), 400, 'missing-params'],
  ['a string value', post({ HeartRate: '72' }), 460, 'wrong-type'],
  ['SpO2 > 100', post({ SpO2: 101 }), 460, 'out-of-range'],
  ['heart rate 0', post({ HeartRate: 0 }), 460, 'out-of-range'],
  ['heart rate 400', post({ HeartRate: 400 }), 460, 'out-of-range'],
  ['a temperature of 60 °C', post({ BodyTemperature: 60 }), 460, 'out-of-range'],
  ['a time in the far future', post({ HeartRate: { value: 70, time: Date.now() + 86_400_000 } }), 460, 'bad-time'],
  ['a payload over 16 KiB', post({ HeartRate: 70, pad: 'x'.repeat(17_000) }), 413, 'too-large'],
];

describe('bad input from devices', () => {
  let dir: ReturnType<typeof tempDir>;
  let stack: Stack & { log: { lines: string[] } };
  const clients: MqttClient[] = [];
  beforeEach(async () => {
    dir = tempDir();
    stack = await startStack(dir.path, { rateLimit: { perSecond: 1, burst: 5 } });
  });
  afterEach(async () => {
    await endAll(clients.splice(0));
    await stack.close();
    dir.remove();
  });

  async function status(deviceId: string) {
    const r = await stack.invoke('devices', { action: 'get', deviceId }, { kind: 'admin' });
    if (!r.ok) throw new Error(r.message);
    return r.data as { readings: number; rejections: Record<string, number> };
  }

  test.each(cases)('rejects %s with an error reply and counts it', async (_name, payload, code, kind) => {
    const dev = await createDevice(stack);
    const c = await connectDevice(stack, dev);
    clients.push(c);
    await subscribe(c, topics.propertyPostReply(dev));
    const reply = nextMessage(c, topics.propertyPostReply(dev));
    await publish(c, topics.propertyPost(dev), payload);
    expect(parseReply(await reply)?.code).toBe(code);
    const s = await status(dev.deviceId);
    expect(s.readings).toBe(0);
    expect(s.rejections).toEqual({ [kind]: 1 });
    expect(c.connected).toBe(true);
  });

  test('a packet over the broker limit closes only that connection', async () => {
    const big = await createDevice(stack);
    const other = await createDevice(stack);
    const b = await connectDevice(stack, big);
    const o = await connectDevice(stack, other);
    clients.push(b, o);
    const gone = new Promise<void>((r) => b.once('close', () => r()));
    b.publish(topics.propertyPost(big), Buffer.alloc(300 * 1024, 0x20), { qos: 1 });
    await gone;
    expect(stack.broker.stats.packetsTooLarge).toBe(1);
    await publish(o, topics.propertyPost(other), post({ HeartRate: 66 }));
    expect((await status(other.deviceId)).readings).toBe(1);
  });

  test('keeps the valid properties of a message and rejects the invalid one', async () => {
    const dev = await createDevice(stack);
    const c = await connectDevice(stack, dev);
    clients.push(c);
    await publish(c, topics.propertyPost(dev), post({ HeartRate: 70, SpO2: 130, BodyTemperature: 36.8 }));
    const r = await stack.invoke('history', { deviceId: dev.deviceId, from: Date.now() - 60_000, to: Date.now() + 1000 }, { kind: 'admin' });
    expect(r.ok && (r.data as { readings: unknown[] }).readings).toEqual([expect.objectContaining({ heartRate: 70, temperature: 36.8 })]);
    expect((await status(dev.deviceId)).rejections).toEqual({ 'out-of-range': 1 });
  });

  test('logs each kind of bad input once per device, however often it repeats', async () => {
    const dev = await createDevice(stack);
    const c = await connectDevice(stack, dev);
    clients.push(c);
    for (let i = 0; i < 3; i++) await publish(c, topics.propertyPost(dev), 'not json');
    expect((await status(dev.deviceId)).rejections).toEqual({ 'malformed-json': 3 });
    expect(stack.log.lines.filter((l) => l.includes('malformed-json'))).toHaveLength(1);
  });

  test('a burst beyond the rate limit is answered with 429 while another device is unaffected', async () => {
    const noisy = await createDevice(stack);
    const quiet = await createDevice(stack);
    const n = await connectDevice(stack, noisy);
    const q = await connectDevice(stack, quiet);
    clients.push(n, q);
    await subscribe(n, topics.propertyPostReply(noisy));
    const codes: number[] = [];
    const allReplies = new Promise<void>((resolve) =>
      n.on('message', (_t, p) => {
        codes.push(parseReply(p.toString())?.code ?? 0);
        if (codes.length === 20) resolve();
      }),
    );
    const t0 = Date.now() - 60_000;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        publish(n, topics.propertyPost(noisy), buildRequest(String(i), 'thing.event.property.post', { HeartRate: { value: 70, time: t0 + i } })),
      ),
    );
    await publish(q, topics.propertyPost(quiet), post({ HeartRate: 64 }));
    await allReplies;
    expect((await status(quiet.deviceId)).readings).toBe(1);
    const s = await status(noisy.deviceId);
    expect(s.readings).toBeGreaterThanOrEqual(5);
    expect(s.readings + (s.rejections['rate-limited'] ?? 0)).toBe(20); // each either stored or refused, none lost silently
    expect(codes.filter((x) => x === 429).length).toBe(s.rejections['rate-limited']);
  });
});
