/**
 * Firmware written for Alibaba Cloud IoT works unchanged (issue 14): a device that behaves like the
 * Link SDK (automatic subscription, numeric ids, clock sync, OTA inform and tags at connect,
 * standard `data: {}` replies), and the original ESP8266 firmware, against the real broker, the
 * `command` function over HTTP and SQLite.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IClientOptions, MqttClient } from 'mqtt';
import { buildLogin, buildRequest, parseReply, parseRequest, signContent, topics } from '../../core/alink';
import type { Stack } from '../../local-cloud/stack';
import { functionClient } from '../helpers/http';
import { closed, connect, createDevice, endAll, publish, startStack, subscribe, tempDir } from '../helpers/stack';
import { until } from '../helpers/until';

type Json = Record<string, unknown>;

/** Resolves with the next message whose topic passes `match` (the device sent no SUBSCRIBE). */
function nextOn(client: MqttClient, match: (topic: string) => boolean): Promise<{ topic: string; payload: string }> {
  return new Promise((resolve) => {
    const on = (topic: string, payload: Buffer) => {
      if (!match(topic)) return;
      client.off('message', on);
      resolve({ topic, payload: payload.toString() });
    };
    client.on('message', on);
  });
}

describe('Alibaba firmware works unchanged', () => {
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
  const http = functionClient(() => stack.ports.http);

  async function device(id: string) {
    const r = await stack.invoke('devices', { action: 'get', deviceId: id }, { kind: 'admin' });
    if (!r.ok) throw new Error(r.message);
    return r.data as { readings: number; rejections: Json; firmwareVersion?: string; attributes?: Json };
  }

  /** A Link SDK 4.x-like session: `_ss=1`, hmacsha256, wall-clock timestamp, no SUBSCRIBE at all. */
  async function linkSdkDevice(creds: { productKey: string; deviceName: string; deviceSecret: string }, url: string, extra: IClientOptions = {}) {
    const login = buildLogin(creds, { timestamp: Date.now(), autoSubscribe: true, secureMode: url.startsWith('mqtts') ? 2 : 3 });
    const c = await connect(url, { ...login, keepalive: 60, ...extra });
    clients.push(c);
    return c;
  }

  async function linkSdkFlow(url: string, extra: IClientOptions = {}) {
    const alice = await http.login('alice');
    const patient = await http.data('patients', { action: 'create', name: '李爷爷' }, alice);
    const creds = await createDevice(stack);
    await http.data('devices', { action: 'bind', patientId: patient.id, code: creds.bindCode }, alice);
    const c = await linkSdkDevice(creds, url, extra);

    // Right after connecting: firmware version, tags, and the clock (the SDK has no RTC).
    await publish(c, topics.otaInform(creds), JSON.stringify({ id: 1, params: { version: 'app-2.4.1' } }));
    const tagsReply = nextOn(c, (t) => t === topics.reply(topics.deviceInfoUpdate(creds)));
    await publish(
      c,
      topics.deviceInfoUpdate(creds),
      JSON.stringify({ id: '2', version: '1.0', params: [{ attrKey: 'ward', attrValue: '3B' }], method: 'thing.deviceinfo.update' }),
    );
    expect(parseReply((await tagsReply).payload)).toMatchObject({ id: '2', code: 200 });
    const ntp = nextOn(c, (t) => t === topics.ntpResponse(creds));
    const sentAt = Date.now();
    await publish(c, topics.ntpRequest(creds), JSON.stringify({ deviceSendTime: String(sentAt) }), 0);
    const time = JSON.parse((await ntp).payload) as { deviceSendTime: string; serverRecvTime: number; serverSendTime: number };
    const receivedAt = Date.now();
    expect(time.deviceSendTime).toBe(String(sentAt));
    expect(time.serverRecvTime).toBeGreaterThanOrEqual(sentAt);
    expect(time.serverSendTime).toBeGreaterThanOrEqual(time.serverRecvTime);
    const clock = (time.serverRecvTime + time.serverSendTime + receivedAt - sentAt) / 2;
    expect(Math.abs(clock - Date.now())).toBeLessThan(1000);

    // Readings with device timestamps from that clock, numeric ids, and an extra property.
    const ts = Math.round(clock) - 2000;
    const postReply = nextOn(c, (t) => t === topics.propertyPostReply(creds));
    await publish(
      c,
      topics.propertyPost(creds),
      JSON.stringify({
        id: '3',
        version: '1.0',
        params: { HeartRate: { value: 71, time: ts }, SpO2: { value: 97, time: ts }, MACAddress: 'A4:CF:12:00:00:01' },
        method: 'thing.event.property.post',
      }),
    );
    expect(parseReply((await postReply).payload)).toMatchObject({ id: '3', code: 200 });
    // A batch post that wants no reply: stored like single posts.
    await publish(
      c,
      topics.propertyBatchPost(creds),
      JSON.stringify({
        id: '4',
        version: '1.0',
        sys: { ack: 0 },
        params: { properties: { BodyTemperature: [{ value: 36.7, time: ts + 1000 }] } },
        method: 'thing.event.property.batch.post',
      }),
    );
    // The desired properties (none asked for yet), an RRPC response and a custom topic: all fine.
    const desired = nextOn(c, (t) => t === topics.reply(topics.desiredGet(creds)));
    await publish(
      c,
      topics.desiredGet(creds),
      JSON.stringify({ id: '5', version: '1.0', params: ['MeasureEnabled', 'MeasureInterval'], method: 'thing.property.desired.get' }),
    );
    expect(parseReply((await desired).payload)).toMatchObject({ id: '5', code: 200, data: {} });
    await publish(c, `/sys/${creds.productKey}/${creds.deviceName}/rrpc/response/123`, '{"id":"123","code":200,"data":{}}');
    await publish(c, topics.user(creds, 'update'), 'free-form bytes');

    // Commands through the `command` function, answered the standard way (`data: {}`).
    c.on('message', (topic, payload) => {
      const req = parseRequest(payload.toString());
      if (!req) return;
      if (topic === topics.propertySet(creds) || topic === topics.service(creds, 'MeasureNow')) {
        expect(req.id).toMatch(/^\d{1,10}$/);
        c.publish(`${topic}_reply`, JSON.stringify({ id: req.id, code: 200, data: {} }), { qos: 0 });
      }
    });
    const set = await http.data('command', { action: 'set', deviceId: creds.deviceId, settings: { intervalS: 30 } }, alice);
    expect(set).toMatchObject({ result: 'acked', pending: false });
    const measure = await http.data('command', { action: 'measureNow', deviceId: creds.deviceId }, alice);
    expect(measure).toMatchObject({ result: 'acked' });
    await until(
      async () => ((await http.data('command', { action: 'state', deviceId: creds.deviceId }, alice)).reported as Json | undefined)?.intervalS === 30,
      'the reported state',
    );

    const history = await stack.invoke('history', { deviceId: creds.deviceId, from: ts - 1, to: ts + 2000 }, { kind: 'admin' });
    expect(history.ok && (history.data as { readings: unknown[] }).readings).toEqual([
      { ts, heartRate: 71, spo2: 97 },
      { ts: ts + 1000, temperature: 36.7 },
    ]);
    const d = await device(creds.deviceId);
    expect(d).toMatchObject({ firmwareVersion: 'app-2.4.1', attributes: { MACAddress: 'A4:CF:12:00:00:01', 'tag:ward': '3B' }, rejections: {} });
    expect(c.connected).toBe(true);
    return { c, creds };
  }

  test('a Link SDK device (auto-subscription, NTP, OTA inform, tags, standard replies) over TCP', async () => {
    await linkSdkFlow(`mqtt://127.0.0.1:${stack.ports.mqtt}`);
  });

  test('the same over TLS (securemode=2), trusting the self-signed certificate made for local use', async () => {
    await stack.close();
    stack = await startStack(dir.path, { mqttTlsPort: 0 });
    const ca = readFileSync(join(dir.path, 'tls', 'broker-cert.pem'));
    expect((stack as Stack & { log: { lines: string[] } }).log.lines.some((l) => l.includes('self-signed'))).toBe(true);
    await linkSdkFlow(`mqtts://127.0.0.1:${stack.ports.mqttTls}`, { ca, rejectUnauthorized: true });
  });

  test('a Link SDK device never hears its own messages back, and the desired state it has not applied is sent at login', async () => {
    const alice = await http.login('bob');
    const patient = await http.data('patients', { action: 'create', name: '周阿姨' }, alice);
    const creds = await createDevice(stack);
    await http.data('devices', { action: 'bind', patientId: patient.id, code: creds.bindCode }, alice);
    // Offline: the command times out and stays desired.
    expect(await http.data('command', { action: 'set', deviceId: creds.deviceId, settings: { enabled: false } }, alice)).toMatchObject({
      result: 'timeout',
      offline: true,
    });
    const url = `mqtt://127.0.0.1:${stack.ports.mqtt}`;
    const login = buildLogin(creds, { timestamp: Date.now(), autoSubscribe: true });
    const heard: string[] = [];
    const c = await new Promise<MqttClient>((resolve, reject) => {
      // Listen before the CONNACK: the desired state may arrive right after it.
      void import('mqtt').then(({ default: mqtt }) => {
        const client = mqtt.connect(url, { ...login, reconnectPeriod: 0, protocolVersion: 4 });
        client.on('message', (t, p) => {
          heard.push(t);
          const req = parseRequest(p.toString());
          if (t === topics.propertySet(creds) && req) client.publish(`${t}_reply`, JSON.stringify({ id: req.id, code: 200, data: {} }));
        });
        client.once('connect', () => resolve(client));
        client.once('error', reject);
      });
    });
    clients.push(c);
    await until(
      async () => ((await http.data('command', { action: 'state', deviceId: creds.deviceId }, alice)).reported as Json | undefined)?.enabled === false,
      'the desired state applied and recorded',
    );
    await publish(c, topics.propertyPost(creds), buildRequest('9', 'thing.event.property.post', { HeartRate: 66 }));
    await until(() => heard.includes(topics.propertyPostReply(creds)), 'the post reply');
    expect(heard).not.toContain(topics.propertyPost(creds));
    expect(heard).not.toContain(topics.reply(topics.propertySet(creds)));
    expect(heard).not.toContain(topics.presence(creds));
    // Re-logging in does not re-send what the device has applied.
    expect(heard.filter((t) => t === topics.propertySet(creds))).toHaveLength(1);
  });

  test('the original firmware: uppercase-hex signature, uptime timestamp, plain numbers and a string property, no id: stored, nothing rejected', async () => {
    const creds = await createDevice(stack);
    const id = 'ESP8266-00A1B2';
    const content = signContent({ id, deviceName: creds.deviceName, productKey: creds.productKey, timestamp: '8123' });
    const c = await connect(`mqtt://127.0.0.1:${stack.ports.mqtt}`, {
      clientId: `${id}|securemode=3,signmethod=hmacsha1,timestamp=8123|`,
      username: `${creds.deviceName}&${creds.productKey}`,
      password: createHmac('sha1', creds.deviceSecret).update(content).digest('hex').toUpperCase(),
    });
    clients.push(c);
    await publish(
      c,
      topics.propertyPost(creds),
      '{"method":"thing.event.property.post","params":{"BodyTemperature":36.5,"HeartRate":75,"SpO2":97,"MACAddress":"5C:CF:7F:00:11:22"},"version":"1.0.0"}',
    );
    const d = await device(creds.deviceId);
    expect(d.readings).toBe(1);
    expect(d.rejections).toEqual({});
    expect(d.attributes).toEqual({ MACAddress: '5C:CF:7F:00:11:22' });
  });

  test('hmacmd5, also when the client id names no sign method', async () => {
    const creds = await createDevice(stack);
    const c = await connect(`mqtt://127.0.0.1:${stack.ports.mqtt}`, buildLogin(creds, { signMethod: 'hmacmd5', omitSignMethod: true, id: 'chip-42' }));
    clients.push(c);
    await publish(c, topics.propertyPost(creds), buildRequest('1', 'thing.event.property.post', { HeartRate: 64 }));
    expect((await device(creds.deviceId)).readings).toBe(1);
  });

  test('a device may not ask the time for another device, nor subscribe to its OTA upgrades', async () => {
    const a = await createDevice(stack);
    const b = await createDevice(stack);
    const c = await linkSdkDevice(a, `mqtt://127.0.0.1:${stack.ports.mqtt}`);
    expect(await subscribe(c, topics.otaUpgrade(b))).toBe(128);
    expect(await subscribe(c, topics.otaUpgrade(a))).toBe(1);
    const gone = closed(c);
    c.publish(topics.ntpRequest(b), JSON.stringify({ deviceSendTime: 1 }), { qos: 1 });
    await gone;
  });
});
