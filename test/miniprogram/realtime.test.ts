/**
 * @jest-environment node
 *
 * The mini program's realtime client against the real stack: the broker's WebSocket listener, the
 * real `realtime.credentials` function, a real user, patient and bound device, and the real bundle
 * `miniprogram/lib/mqtt.js` (run `npm run build` first) over a `wx.connectSocket` stand-in built
 * on the `ws` package with WeChat's SocketTask shape.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import WebSocket from 'ws';
import { buildRequest, topics } from '../../core/alink';
import type { Result } from '../../core';
import type { RealtimeCredentials } from '../../core/api';
import { decodeMessage, type RealtimeEvent, type RealtimeOptions } from '../../miniprogram/services/realtime';
import { connectDevice, createDevice, publish } from '../helpers/stack';
import { useRealtimeStack } from './helpers/realtime-stack';
import { until } from '../helpers/until';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('mini program realtime client', () => {
  const fx = useRealtimeStack();
  const { call, data, login } = fx;
  /** aedes keeps open sessions by client id; its type definitions leave the field out. */
  const brokerSession = (clientId: string) =>
    (fx.stack.broker.aedes as unknown as { clients: Record<string, { close(): void } | undefined> }).clients[clientId];

  /** Alice follows a patient with one bound device; `other` exists but is not hers. */
  async function setup(extra: Partial<RealtimeOptions> = {}) {
    const token = await login('alice');
    const patient = await data('patients', { action: 'create', name: '王奶奶' }, token);
    const device = await createDevice(fx.stack);
    const other = await createDevice(fx.stack);
    await data('devices', { action: 'bind', patientId: patient.id, code: device.bindCode }, token);
    const issued: RealtimeCredentials[] = [];
    const credentials = async () => {
      const r = (await call('realtime', { action: 'credentials' }, token)).body as unknown as Result<RealtimeCredentials>;
      if (r.ok) issued.push(r.data);
      return r;
    };
    const { client, events } = fx.realtime(credentials, extra);
    const online = async () => {
      const d = await connectDevice(fx.stack, device);
      fx.devices.push(d);
      return d;
    };
    return { token, patientId: patient.id as string, device, other, client, events, issued, online };
  }

  const readings = (events: RealtimeEvent[]) => events.flatMap((e) => (e.type === 'reading' ? [e] : []));
  const statuses = (events: RealtimeEvent[]) => events.flatMap((e) => (e.type === 'status' ? [e.status] : []));
  const post = (params: Record<string, unknown>) => buildRequest(String(Date.now()), 'thing.event.property.post', params);

  test('receives the readings a device publishes, with the values it sent', async () => {
    const { device, client, events, online } = await setup();
    const d = await online();
    expect(await client.watch([device.deviceId])).toEqual({ ok: true, data: { watching: [device.deviceId], refused: [] } });
    expect(client.status).toBe('live');
    const t = Date.now() - 1000;
    await publish(
      d,
      topics.propertyPost(device),
      post({ HeartRate: { value: 72, time: t }, SpO2: { value: 97.5, time: t }, BodyTemperature: { value: 36.6, time: t } }),
    );
    await until(() => readings(events).length === 1, 'a reading');
    expect(readings(events)[0]).toEqual({ type: 'reading', deviceId: device.deviceId, reading: { ts: t, heartRate: 72, spo2: 97.5, temperature: 36.6 } });
    expect(statuses(events)).toEqual(['connecting', 'live']);
  });

  test('reports a device online from the retained presence, then offline when it disconnects', async () => {
    const { device, client, events, online } = await setup();
    const d = await online();
    await client.watch([device.deviceId]);
    const presence = () => events.flatMap((e) => (e.type === 'presence' ? [e] : []));
    await until(() => presence().length === 1, 'retained presence');
    expect(presence()[0]).toMatchObject({ deviceId: device.deviceId, online: true });
    await d.endAsync();
    await until(() => presence().length === 2, 'offline presence');
    expect(presence()[1]).toMatchObject({ deviceId: device.deviceId, online: false });
    expect(presence()[1].at).toBeGreaterThanOrEqual(presence()[0].at);
  });

  test('does not subscribe to devices the user does not follow and reports them; the followed one still streams', async () => {
    const { device, other, client, events, online } = await setup();
    const d = await online();
    const r = await client.watch([device.deviceId, other.deviceId, 'not-a-device-id', `${other.productKey}/+`]);
    expect(r).toEqual({ ok: true, data: { watching: [device.deviceId], refused: [other.deviceId, 'not-a-device-id', `${other.productKey}/+`] } });
    expect(client.stats().refused).toHaveLength(3);
    await publish(d, topics.propertyPost(device), post({ HeartRate: 80 }));
    await until(() => readings(events).length === 1, 'a reading');
    expect(readings(events)[0].reading.heartRate).toBe(80);
  });

  test('reports a device the broker refuses (stale credentials list it) and keeps streaming the others', async () => {
    const token = await login('alice');
    const other = await createDevice(fx.stack);
    // Credentials issued before the other device was unbound: they still list its topics.
    const stale = async () => {
      const r = (await call('realtime', { action: 'credentials' }, token)).body as unknown as Result<RealtimeCredentials>;
      return r.ok ? { ...r, data: { ...r.data, topics: [...r.data.topics, topics.propertyPost(other), topics.presence(other)] } } : r;
    };
    const { device, client, events, online } = await setup({ credentials: stale });
    const d = await online();
    const r = await client.watch([device.deviceId, other.deviceId]);
    expect(r).toEqual({ ok: true, data: { watching: [device.deviceId], refused: [other.deviceId] } });
    expect(events).toContainEqual({ type: 'status', status: 'live', message: `not available: ${other.deviceId}` });
    await publish(d, topics.propertyPost(device), post({ SpO2: 96 }));
    await until(() => readings(events).length === 1, 'a reading');
  });

  test('changing the watched devices on an open connection only changes subscriptions; a device bound meanwhile is picked up', async () => {
    const { token, patientId, device, other, client, events, issued, online } = await setup();
    const d = await online();
    await client.watch([device.deviceId]);
    await data('devices', { action: 'bind', patientId, code: other.bindCode }, token);
    expect(await client.watch([other.deviceId])).toEqual({ ok: true, data: { watching: [other.deviceId], refused: [] } });
    expect(fx.wx.sockets).toHaveLength(1);
    expect(issued).toHaveLength(2); // asked which topics the new binding allows
    const o = await connectDevice(fx.stack, other);
    fx.devices.push(o);
    await publish(d, topics.propertyPost(device), post({ HeartRate: 81 }));
    await publish(o, topics.propertyPost(other), post({ HeartRate: 82 }));
    await until(() => readings(events).length > 0, 'a reading');
    expect(readings(events).map((r) => [r.deviceId, r.reading.heartRate])).toEqual([[other.deviceId, 82]]);

    expect(await client.watch([])).toEqual({ ok: true, data: { watching: [], refused: [] } });
    expect(client.status).toBe('idle');
    await until(() => fx.wx.sockets[0].ws.readyState === WebSocket.CLOSED, 'the unused socket to close');
  });

  test('backs off between failed attempts, doubling up to the cap with jitter, until the credentials function answers again', async () => {
    let outages = 4;
    const delays: number[] = [];
    const timer = {
      setTimeout: (fn: () => void, ms: number) => (ms < 1000 && delays.push(ms), fx.timers.setTimeout(fn, ms)),
      clearTimeout: fx.timers.clearTimeout,
    };
    const token = await login('alice');
    const flaky = async (): Promise<Result<RealtimeCredentials>> =>
      outages-- > 0
        ? { ok: false, code: 'UNAVAILABLE', message: 'function cold start failed' }
        : ((await call('realtime', { action: 'credentials' }, token)).body as unknown as Result<RealtimeCredentials>);
    // Jitter takes each delay between half and all of its step: 0.5 here gives three quarters.
    const { device, client, events } = await setup({ credentials: flaky, timer, backoffInitialMs: 10, backoffMaxMs: 40, random: () => 0.5 });
    expect(await client.watch([device.deviceId])).toMatchObject({ ok: false, code: 'UNAVAILABLE' });
    expect(client.status).toBe('reconnecting');
    await until(() => client.status === 'live', 'the client to get through');
    expect(delays).toEqual([8, 15, 30, 30]);
    expect(statuses(events)).toEqual(['connecting', 'reconnecting', 'live']);
    expect(client.stats().watching).toEqual([device.deviceId]);
  });

  test('stop() closes the socket, no events arrive afterwards, and stopping twice is harmless', async () => {
    const { device, client, events, issued, online } = await setup();
    const d = await online();
    await client.watch([device.deviceId]);
    await client.stop();
    await client.stop();
    expect(client.status).toBe('idle');
    await until(() => fx.wx.sockets[0].ws.readyState === WebSocket.CLOSED, 'the socket to close');
    await until(() => brokerSession(issued[0].clientId) === undefined, 'the broker to drop the session');
    const before = events.length;
    await publish(d, topics.propertyPost(device), post({ HeartRate: 90 }));
    await sleep(100);
    expect(events.slice(before)).toEqual([]);
    expect(fx.wx.sockets).toHaveLength(1);
  });

  test('reconnects with fresh credentials and subscribes again after the broker drops the connection', async () => {
    const { device, client, events, issued, online } = await setup();
    const d = await online();
    await client.watch([device.deviceId]);
    brokerSession(issued[0].clientId)?.close();
    await until(() => statuses(events).slice(-2).join() === 'reconnecting,live', 'reconnect');
    expect(issued).toHaveLength(2);
    expect(fx.wx.sockets).toHaveLength(2);
    expect(client.stats()).toMatchObject({ connects: 2, lost: 1, watching: [device.deviceId] });
    await publish(d, topics.propertyPost(device), post({ HeartRate: 66 }));
    await until(() => readings(events).length === 1, 'a reading after the reconnect');
  });

  test('replaces the connection before its credentials expire, without the page seeing a reconnect', async () => {
    // Renewing all but a second before the hour-long credentials end: the swap comes a second after connecting.
    const { device, client, events, issued, online } = await setup({ renewBeforeMs: 3_600_000 - 1000 });
    const d = await online();
    await client.watch([device.deviceId]);
    await publish(d, topics.propertyPost(device), post({ HeartRate: 61 }));
    await until(() => readings(events).length === 1, 'a reading on the first connection');
    await until(() => issued.length >= 2 && client.stats().connects >= 2 && client.stats().watching.length === 1, 'the renewal', 10_000);
    expect(statuses(events)).not.toContain('reconnecting');
    expect(client.status).toBe('live');
    expect(client.stats()).toMatchObject({ lost: 0, watching: [device.deviceId] });
    // The old connection is closed; readings arrive on the new one.
    await until(() => brokerSession(issued[0]!.clientId) === undefined, 'the old session closed');
    await publish(d, topics.propertyPost(device), post({ HeartRate: 62 }));
    await until(() => readings(events).length === 2, 'a reading on the renewed connection');
    await client.stop();
  });

  test('watch() after stop() opens a fresh connection even though the old socket died without a close event', async () => {
    const { device, client, events, online } = await setup();
    const d = await online();
    await client.watch([device.deviceId]);
    fx.wx.sockets[0].frozen = true; // the page was hidden > 5 s: no close event ever comes (mqtt.js#1180)
    await client.stop(); // onHide
    expect(await client.watch([device.deviceId])).toMatchObject({ ok: true }); // onShow
    expect(fx.wx.sockets).toHaveLength(2);
    await publish(d, topics.propertyPost(device), post({ HeartRate: 70 }));
    await until(() => readings(events).length === 1, 'a reading on the new connection');
  });

  test('watch() on a connection that died silently notices the missing SUBACK and replaces it', async () => {
    const { device, client, events, online } = await setup({ requestTimeoutMs: 200 });
    const d = await online();
    await client.watch([device.deviceId]);
    fx.wx.sockets[0].frozen = true;
    expect(await client.watch([device.deviceId])).toEqual({ ok: true, data: { watching: [device.deviceId], refused: [] } });
    expect(fx.wx.sockets).toHaveLength(2);
    await publish(d, topics.propertyPost(device), post({ HeartRate: 71 }));
    await until(() => readings(events).length === 1, 'a reading on the new connection');
  });

  test('ignores and counts payloads it cannot decode, and keeps delivering good ones', async () => {
    const { device, client, events, online } = await setup();
    const d = await online();
    await client.watch([device.deviceId]);
    await publish(d, topics.propertyPost(device), '{not json');
    await publish(d, topics.propertyPost(device), post({ HeartRate: 999 }));
    await publish(d, topics.propertyPost(device), post({ HeartRate: 75 }));
    await until(() => readings(events).length === 1, 'the good reading');
    expect(readings(events)[0].reading.heartRate).toBe(75);
    expect(client.stats().ignored).toEqual({ topic: 0, payload: 2, unwatched: 0 });
  });

  test('a signed-out user gets an error result and status, and no socket is opened', async () => {
    const { client, device, events } = await setup({
      credentials: async () => (await call('realtime', { action: 'credentials' }, 'bad-token')).body as unknown as Result<RealtimeCredentials>,
    });
    const r = await client.watch([device.deviceId]);
    expect(r).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    expect(client.status).toBe('error');
    expect(statuses(events)).toEqual(['connecting', 'error']);
    expect(fx.wx.sockets).toHaveLength(0);
  });

  test('a throwing listener does not stop the other listeners', async () => {
    const { device, client, events, online } = await setup();
    client.on(() => {
      throw new Error('page bug');
    });
    const d = await online();
    await client.watch([device.deviceId]);
    await publish(d, topics.propertyPost(device), post({ HeartRate: 60 }));
    await until(() => readings(events).length === 1, 'a reading');
    expect(client.stats().listenerErrors).toBeGreaterThan(0);
  });

  test('the mqtt bundle runs without the globals a mini program lacks (AbortController, window, process, Buffer)', async () => {
    const { device, token, online } = await setup();
    const creds = (await data('realtime', { action: 'credentials' }, token)) as unknown as RealtimeCredentials;
    const mod = { exports: {} as { createMqttConnection: typeof import('../../miniprogram-lib/mqtt').createMqttConnection } };
    // Only JavaScript built-ins and timers, like the mini program's engine (no Node, no DOM).
    const context = vm.createContext({ console, setTimeout, clearTimeout, setInterval, clearInterval, module: mod, exports: mod.exports });
    vm.runInContext(readFileSync(join(__dirname, '../../miniprogram/lib/mqtt.js'), 'utf8'), context, { filename: 'mqtt.js' });
    const conn = mod.exports.createMqttConnection(fx.wx.connectSocket, {
      url: `ws://127.0.0.1:${fx.stack.ports.mqttWs}/mqtt`,
      clientId: creds.clientId,
      username: creds.username,
      password: creds.password,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        conn.on('connect', resolve);
        conn.on('error', reject);
      });
      expect(await conn.subscribe([topics.propertyPost(device), topics.propertySet(device)])).toEqual([0, 128]);
      const texts: string[] = [];
      conn.on('message', (m) => texts.push(m.text));
      const d = await online();
      await publish(d, topics.propertyPost(device), post({ HeartRate: 65 }));
      await until(() => texts.length === 1, 'a message through the bare bundle');
      expect(JSON.parse(texts[0]).params).toEqual({ HeartRate: 65 });
    } finally {
      await conn.end();
    }
  });
});

describe('decodeMessage (topic and payload → events)', () => {
  const pk = 'a1B2c3';
  const id = `${pk}/bed-7`;
  const at = 1_700_000_000_000;
  const tele = `/sys/${pk}/bed-7/thing/event/property/post`;
  const pres = `/sys/${pk}/bed-7/presence`;
  test.each<[string, string, string, unknown]>([
    [
      'a reading with device time',
      tele,
      '{"params":{"HeartRate":{"value":72,"time":1699999999000}}}',
      { kind: 'events', deviceId: id, events: [{ type: 'reading', deviceId: id, reading: { ts: 1_699_999_999_000, heartRate: 72 } }] },
    ],
    [
      'plain values at the receive time, rounded as stored',
      tele,
      '{"params":{"SpO2":97.04,"BodyTemperature":36.604}}',
      { kind: 'events', deviceId: id, events: [{ type: 'reading', deviceId: id, reading: { ts: at, spo2: 97, temperature: 36.6 } }] },
    ],
    [
      'valid properties kept when one is impossible',
      tele,
      '{"params":{"HeartRate":999,"SpO2":95}}',
      { kind: 'events', deviceId: id, events: [{ type: 'reading', deviceId: id, reading: { ts: at, spo2: 95 } }] },
    ],
    [
      'two measurement times, oldest first',
      tele,
      '{"params":{"HeartRate":{"value":70,"time":1699999999000},"SpO2":{"value":96,"time":1699999998000}}}',
      {
        kind: 'events',
        deviceId: id,
        events: [
          { type: 'reading', deviceId: id, reading: { ts: 1_699_999_998_000, spo2: 96 } },
          { type: 'reading', deviceId: id, reading: { ts: 1_699_999_999_000, heartRate: 70 } },
        ],
      },
    ],
    [
      'presence online',
      pres,
      '{"online":true,"at":1699999990000}',
      { kind: 'events', deviceId: id, events: [{ type: 'presence', deviceId: id, online: true, at: 1_699_999_990_000 }] },
    ],
    ['undecodable JSON', tele, '{"params":', { kind: 'ignored', reason: 'payload' }],
    ['no valid property at all', tele, '{"params":{"HeartRate":"fast"}}', { kind: 'ignored', reason: 'payload' }],
    ['presence without a boolean', pres, '{"online":"yes","at":1}', { kind: 'ignored', reason: 'payload' }],
    ['a cleared retained presence (empty payload)', pres, '', { kind: 'ignored', reason: 'payload' }],
    ['a waveform topic it does not show', `/sys/${pk}/bed-7/thing/event/ppg/post`, '{}', { kind: 'ignored', reason: 'topic' }],
    ['a reply topic', `/sys/${pk}/bed-7/thing/service/property/set_reply`, '{}', { kind: 'ignored', reason: 'topic' }],
    ['a topic outside /sys', 'hello/world', '{}', { kind: 'ignored', reason: 'topic' }],
  ])('%s', (_name, topic, text, expected) => {
    expect(decodeMessage(topic, text, at)).toMatchObject(expected as object);
  });
});
