/**
 * End to end through real parts: a device logs in to the embedded broker over TCP, publishes,
 * and the `history` function returns what it sent.
 */
import { topics, buildRequest, parseReply } from '../../core/alink';
import { createDevice, connectDevice, endAll, nextMessage, publish, startStack, subscribe, tempDir } from '../helpers/stack';
import type { Stack } from '../../local-cloud/stack';
import type { MqttClient } from 'mqtt';

type HistoryData = { kind: string; readings: Array<Record<string, number>> };

describe.each(['worker', 'process'] as const)('device → MQTT → ingest → storage → history (functions in %s)', (functionsIn) => {
  let dir: ReturnType<typeof tempDir>;
  let stack: Stack;
  const clients: MqttClient[] = [];

  beforeEach(async () => {
    dir = tempDir();
    stack = await startStack(dir.path, { functionsIn });
  });
  afterEach(async () => {
    await endAll(clients.splice(0));
    await stack.close();
    dir.remove();
  });

  async function history(deviceId: string, from = Date.now() - 86_400_000, to = Date.now() + 60_000): Promise<HistoryData> {
    const r = await stack.invoke('history', { deviceId, from, to }, { kind: 'admin' });
    if (!r.ok) throw new Error(r.message);
    return r.data as HistoryData;
  }

  test('a reading published at QoS 1 is stored before the reply and comes back from history', async () => {
    const dev = await createDevice(stack);
    const c = await connectDevice(stack, dev);
    clients.push(c);
    await subscribe(c, topics.propertyPostReply(dev));
    const time = Date.now() - 1000;
    const reply = nextMessage(c, topics.propertyPostReply(dev));
    await publish(
      c,
      topics.propertyPost(dev),
      buildRequest('7', 'thing.event.property.post', {
        BodyTemperature: { value: 36.6, time },
        HeartRate: { value: 72, time },
        SpO2: { value: 98.1, time },
      }),
    );
    // PUBACK arrived: the reading is already stored.
    expect((await history(dev.deviceId)).readings).toEqual([{ ts: time, temperature: 36.6, heartRate: 72, spo2: 98.1 }]);
    expect(parseReply(await reply)).toMatchObject({ id: '7', code: 200 });
  });

  test('the PUBACK and the reply leave the broker in one socket write', async () => {
    const dev = await createDevice(stack);
    const c = await connectDevice(stack, dev);
    clients.push(c);
    await subscribe(c, topics.propertyPostReply(dev));
    // What the device's socket receives from here on, chunk by chunk (one write arrives as one
    // chunk on loopback).
    const chunks: Buffer[] = [];
    c.stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    const reply = nextMessage(c, topics.propertyPostReply(dev));
    const time = Date.now() - 1000;
    await publish(c, topics.propertyPost(dev), buildRequest('8', 'thing.event.property.post', { HeartRate: { value: 71, time } }));
    expect(parseReply(await reply)).toMatchObject({ id: '8', code: 200 });
    expect(chunks).toHaveLength(1);
    // PUBACK (type 4, MQTT 3.1.1 §3.4) first, then the reply's PUBLISH (type 3) in the same chunk.
    expect(chunks[0]![0]! >> 4).toBe(4);
    expect(chunks[0]![4]! >> 4).toBe(3);
  });

  test('accepts the original ESP8266 firmware: uptime timestamp, hmacsha1, plain numbers, no id', async () => {
    const dev = await createDevice(stack);
    const c = await connectDevice(stack, dev, { timestamp: 8123, signMethod: 'hmacsha1', id: '12345' });
    clients.push(c);
    const before = Date.now();
    await publish(
      c,
      topics.propertyPost(dev),
      '{"method":"thing.event.property.post","params":{"BodyTemperature":36.5,"HeartRate":75,"SpO2":97},"version":"1.0.0"}',
    );
    const { readings } = await history(dev.deviceId);
    expect(readings).toHaveLength(1);
    expect(readings[0]).toMatchObject({ temperature: 36.5, heartRate: 75, spo2: 97 });
    expect(readings[0].ts).toBeGreaterThanOrEqual(before); // receive time stands in for the missing time
  });

  test('a device that did not subscribe to post_reply is sent no reply', async () => {
    const dev = await createDevice(stack);
    const c = await connectDevice(stack, dev);
    clients.push(c);
    await subscribe(c, topics.propertySet(dev));
    const received: string[] = [];
    c.on('message', (t) => received.push(t));
    await publish(c, topics.propertyPost(dev), buildRequest('1', 'thing.event.property.post', { HeartRate: 70 }));
    const command = nextMessage(c, topics.propertySet(dev));
    await stack.broker.publish(topics.propertySet(dev), buildRequest('c', 'thing.service.property.set', { MeasureInterval: 30 }));
    await command;
    expect(received).toEqual([topics.propertySet(dev)]);
  });

  test('redelivery of the same message id stores one reading', async () => {
    const dev = await createDevice(stack);
    const c = await connectDevice(stack, dev);
    clients.push(c);
    const body = buildRequest('42', 'thing.event.property.post', { HeartRate: 80, SpO2: 96 });
    await publish(c, topics.propertyPost(dev), body);
    await publish(c, topics.propertyPost(dev), body);
    await publish(c, topics.propertyPost(dev), body);
    expect((await history(dev.deviceId)).readings).toHaveLength(1);
    expect(stack.flow.stats.duplicates).toBe(2);
  });

  test('a restart of the stack keeps all data', async () => {
    const dev = await createDevice(stack);
    const c = await connectDevice(stack, dev);
    const t0 = Date.now() - 10_000;
    for (let i = 0; i < 5; i++) {
      await publish(c, topics.propertyPost(dev), buildRequest(String(i), 'thing.event.property.post', { HeartRate: { value: 70 + i, time: t0 + i * 1000 } }));
    }
    await c.endAsync();
    await stack.close();
    stack = await startStack(dir.path, { functionsIn });
    expect((await history(dev.deviceId)).readings.map((r) => r.heartRate)).toEqual([70, 71, 72, 73, 74]);
    // The device's secret survived too: it can log in again.
    clients.push(await connectDevice(stack, dev));
  });

  test('presence follows connect, disconnect and lost connections', async () => {
    const dev = await createDevice(stack);
    const online = async () => {
      await stack.flow.idle();
      const r = await stack.invoke('devices', { action: 'get', deviceId: dev.deviceId }, { kind: 'admin' });
      return r.ok ? (r.data as { online: boolean }).online : undefined;
    };
    expect(await online()).toBe(false);
    const c = await connectDevice(stack, dev);
    expect(await online()).toBe(true);
    await c.endAsync();
    await new Promise((r) => setImmediate(r));
    expect(await online()).toBe(false);
    // A lost connection (socket dies without DISCONNECT) also marks the device offline.
    const c2 = await connectDevice(stack, dev);
    expect(await online()).toBe(true);
    const gone = new Promise<void>((r) => stack.broker.aedes.once('clientDisconnect', () => r()));
    c2.stream.destroy();
    await gone;
    expect(await online()).toBe(false);
    c2.end(true);
  });

  test('telemetry published with the retain flag is not retained', async () => {
    const dev = await createDevice(stack);
    const c = await connectDevice(stack, dev);
    clients.push(c);
    await new Promise<void>((resolve, reject) =>
      c.publish(topics.propertyPost(dev), buildRequest('1', 'thing.event.property.post', { HeartRate: 70 }), { qos: 1, retain: true }, (e) =>
        e ? reject(e) : resolve(),
      ),
    );
    // Nothing of it is kept as a retained message for later subscribers.
    const persistence = (stack.broker.aedes as unknown as { persistence: { createRetainedStream(p: string): AsyncIterable<{ topic: string }> } }).persistence;
    const retained: string[] = [];
    for await (const p of persistence.createRetainedStream('/sys/#')) retained.push(p.topic);
    expect(retained).not.toContain(topics.propertyPost(dev));
  });

  test('a WebSocket client logs in and may subscribe to its own topics only', async () => {
    const dev = await createDevice(stack);
    const ws = await connectDevice(stack, dev, {}, 'ws');
    clients.push(ws);
    expect(await subscribe(ws, topics.propertySet(dev))).toBe(1);
    expect(await subscribe(ws, '/sys/rpmTerminal/other-device/thing/service/property/set')).toBe(128);
    expect(await subscribe(ws, '#')).toBe(128);
    // And it receives what the backend sends there.
    const got = nextMessage(ws, topics.propertySet(dev));
    await stack.broker.publish(topics.propertySet(dev), buildRequest('1', 'thing.service.property.set', { MeasureInterval: 30 }));
    expect(JSON.parse(await got).params).toEqual({ MeasureInterval: 30 });
  });

  test('a device on WebSocket gets its reply after the PUBACK, as on TCP', async () => {
    const dev = await createDevice(stack);
    const ws = await connectDevice(stack, dev, {}, 'ws');
    clients.push(ws);
    await subscribe(ws, topics.propertyPostReply(dev));
    const order: string[] = [];
    ws.on('packetreceive', (p) => order.push(p.cmd));
    const reply = nextMessage(ws, topics.propertyPostReply(dev));
    const time = Date.now() - 1000;
    await publish(ws, topics.propertyPost(dev), buildRequest('9', 'thing.event.property.post', { SpO2: { value: 97, time } }));
    expect(parseReply(await reply)).toMatchObject({ id: '9', code: 200 });
    expect(order).toEqual(['puback', 'publish']);
    expect((await history(dev.deviceId)).readings).toEqual([{ ts: time, spo2: 97 }]);
  });
});
