/**
 * Seeded fuzzing of a started local stack (issue 11): thousands of random and mutated function
 * calls through the real function host over HTTP (functions in their worker thread), and mutated
 * device payloads from real MQTT clients to the real broker. Fails on any 5xx, an unhandled
 * rejection or uncaught exception, a call left pending in the function runner, or handles that
 * keep growing. The seed is printed; `FUZZ_SEED=<n>` replays a run, `FUZZ_CALLS` / `FUZZ_MESSAGES`
 * change its size (defaults 2000 / 1500).
 */
import { request } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { buildLogin, buildRequest, topics } from '../../core/alink';
import { functionClient } from '../helpers/http';
import { createDevice, startStack, tempDir } from '../helpers/stack';
import { until } from '../helpers/until';
import { createRng, mutateEvent, mutatePayload, oddBody, oddValue, type Rng } from './fuzz-inputs';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 32);
const CALLS = Number(process.env.FUZZ_CALLS ?? 2000);
const MESSAGES = Number(process.env.FUZZ_MESSAGES ?? 1500);
const CONCURRENCY = 8;

/** One HTTP exchange without keep-alive (so no socket outlives the test's count of handles). */
function exchange(port: number, method: string, path: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, agent: false, headers: { ...headers, 'content-length': Buffer.byteLength(body, 'latin1') } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body, 'latin1');
  });
}

/** A request Node's parser may refuse: the answer (or the closed socket) must not be a 5xx. */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const s = tcpConnect(port, '127.0.0.1');
    let out = '';
    s.setEncoding('latin1');
    s.on('data', (d) => (out += d));
    s.on('error', () => resolve(out));
    s.on('close', () => resolve(out));
    s.setTimeout(3000, () => s.destroy());
    s.end(bytes, 'latin1');
  });
}

async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
}

test(`fuzz: function calls over HTTP and device payloads over MQTT (seed ${SEED})`, async () => {
  // eslint-disable-next-line no-console
  console.log(`fuzz seed ${SEED} — replay with FUZZ_SEED=${SEED}`);
  const r: Rng = createRng(SEED);
  const problems: string[] = [];
  const onRejection = (e: unknown) => problems.push(`unhandled rejection: ${(e as Error)?.stack ?? String(e)}`);
  const onException = (e: unknown) => problems.push(`uncaught exception: ${(e as Error)?.stack ?? String(e)}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  const dir = tempDir();
  const stack = await startStack(dir.path, { functionsIn: 'worker', alertCheckIntervalS: 0 });
  const clients: MqttClient[] = [];
  try {
    const port = stack.ports.http;
    const http = functionClient(() => port);
    // A small world to aim at: two users, a patient with a bound device, an invite.
    const alice = await http.login('fuzz-alice');
    const bob = await http.login('fuzz-bob');
    const patient = await http.data('patients', { action: 'create', name: 'Fuzz' }, alice);
    const device = await createDevice(stack);
    await http.data('devices', { action: 'bind', patientId: patient.id, code: device.bindCode }, alice);
    const invite = await http.data('patients', { action: 'createInvite', patientId: patient.id }, alice);
    const ids = { patientId: patient.id as string, deviceId: device.deviceId, code: (invite.code as string) ?? 'ABCD2345' };

    // Valid events to mutate, by function (commands to the live device are left out: each would wait for its timeout).
    const now = Date.now();
    const templates: Record<string, Array<Record<string, unknown>>> = {
      auth: [{ action: 'me' }, { action: 'login', code: 'fuzz-x', name: 'x' }, { action: 'updateProfile', name: 'A' }],
      patients: [
        { action: 'list' },
        { action: 'get', patientId: ids.patientId },
        { action: 'update', patientId: ids.patientId, name: 'N', birthDate: '1950-01-02', sex: 'female', notes: '' },
        { action: 'members', patientId: ids.patientId },
        { action: 'redeemInvite', code: ids.code },
        { action: 'removeMember', patientId: ids.patientId, userId: 'u_0' },
        { action: 'create', name: 'P' },
      ],
      devices: [
        { action: 'mine' },
        { action: 'bind', patientId: ids.patientId, code: 'ABCDE23456' },
        { action: 'list' },
        { action: 'get', deviceId: ids.deviceId },
      ],
      realtime: [{ action: 'credentials' }],
      command: [
        { action: 'state', deviceId: ids.deviceId },
        { action: 'set', deviceId: 'rpmTerminal/nobody-1', settings: { enabled: true, intervalS: 30 }, timeoutMs: 100 },
      ],
      history: [
        { deviceId: ids.deviceId, from: now - 3_600_000, to: now },
        { patientId: ids.patientId, from: now - 86_400_000, to: now, maxPoints: 50, mode: 'buckets' },
      ],
      ingest: [{ action: 'batch', messages: [] }],
      alerts: [
        { action: 'active', patientId: ids.patientId },
        { action: 'history', patientId: ids.patientId, limit: 5 },
        { action: 'rules', patientId: ids.patientId },
        { action: 'snooze', patientId: ids.patientId, kind: 'spo2', minutes: 5 },
        { action: 'quota' },
      ],
    };
    const names = Object.keys(templates);
    const actions = [
      ...new Set(
        Object.values(templates)
          .flat()
          .map((e) => String(e.action)),
      ),
    ];
    const tokens = [alice, alice, bob, stack.adminToken, undefined, 'garbage', `${alice.slice(0, -2)}xx`];

    const calls = Array.from({ length: CALLS }, () => {
      const name = r.chance(0.05) ? r.pick(['nope', '', '..%2f', 'auth/x', '__proto__', 'x'.repeat(300)]) : r.pick(names);
      const valid = r.pick(templates[name] ?? [{ action: 'list' }]);
      const event = r.chance(0.1) ? valid : mutateEvent(r, valid, actions);
      const text = JSON.stringify(event) ?? 'null';
      const body = r.chance(0.1) ? oddBody(r, text) : text;
      const token = r.pick(tokens);
      const headers: Record<string, string> = {
        'content-type': r.chance(0.05) ? r.pick(['text/plain', 'application/x-www-form-urlencoded', '']) : 'application/json',
      };
      if (token) headers.authorization = r.chance(0.05) ? `Basic ${token}` : `Bearer ${token}`;
      const method = r.chance(0.03) ? r.pick(['GET', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) : 'POST';
      const path = r.chance(0.03)
        ? r.pick(['/health', '/mqtt/auth', '/mqtt/acl', '/files/avatars', '/functions', '/functions/', `/functions/${name}?x=%zz`])
        : `/functions/${encodeURIComponent(name)}`;
      return { method, path, body, headers };
    });
    const statuses = new Map<number, number>();
    await pool(calls, CONCURRENCY, async (c) => {
      try {
        const res = await exchange(port, c.method, c.path, c.body, c.headers);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        // A function's own failure comes back as a result with code INTERNAL (HTTP 200): as bad as a 5xx.
        if (res.status >= 500 || /"code":"INTERNAL"/.test(res.text))
          problems.push(`${res.status} for ${c.method} ${c.path} ${c.body.slice(0, 300)} → ${res.text.slice(0, 300)}`);
      } catch (e) {
        problems.push(`no answer for ${c.method} ${c.path} ${c.body.slice(0, 200)}: ${(e as Error).message}`);
      }
    });
    for (let i = 0; i < 30; i++) {
      const line =
        r.pick(['GET', 'POST', 'G\u0000T', '']) +
        ' ' +
        r.pick(['/functions/auth', '//a:b', '*', 'http://x/', '/\u00ff']) +
        ' ' +
        r.pick(['HTTP/1.1', 'HTTP/9', 'FTP']);
      const head = r.pick([
        'Host: 127.0.0.1',
        'Host: ',
        'Content-Length: -1',
        'Content-Length: 99999999999',
        'Transfer-Encoding: chunked\r\nContent-Length: 3',
        `X: ${'y'.repeat(20_000)}`,
      ]);
      const answer = await rawExchange(port, `${line}\r\n${head}\r\nConnection: close\r\n\r\n${oddBody(r, '{}')}`);
      if (/^HTTP\/1\.[01] 5\d\d/.test(answer)) problems.push(`raw request answered ${answer.slice(0, 60)}: ${line}`);
    }

    // Device payloads: a signed-in device sends mutated messages on its own topics.
    const pk = { productKey: device.productKey, deviceName: device.deviceName };
    const connectDevice = () =>
      new Promise<MqttClient>((resolve, reject) => {
        const c = mqtt.connect(`mqtt://127.0.0.1:${stack.ports.mqtt}`, {
          ...buildLogin({ ...pk, deviceSecret: device.deviceSecret }, { timestamp: Date.now() }),
          reconnectPeriod: 0,
          protocolVersion: 4,
        });
        clients.push(c);
        c.once('connect', () => resolve(c));
        c.once('error', reject);
      });
    let dev = await connectDevice();
    const valid = (i: number) =>
      buildRequest(String(i), 'thing.event.property.post', { HeartRate: { value: 70, time: Date.now() - 1000 }, SpO2: 97, BodyTemperature: 36.6 });
    const uplinks = [
      topics.propertyPost(pk),
      topics.propertyBatchPost(pk),
      topics.propertySetReply(pk),
      topics.serviceReply(pk, 'MeasureNow'),
      topics.eventPost(pk, 'alarm'),
      topics.deviceInfoUpdate(pk),
      topics.desiredGet(pk),
      topics.ntpRequest(pk),
      topics.otaInform(pk),
      topics.user(pk, 'fuzz'),
    ];
    let reconnects = 0;
    for (let i = 0; i < MESSAGES; i++) {
      if (!dev.connected) {
        reconnects++;
        dev = await connectDevice();
      }
      const payload = mutatePayload(r, valid(i));
      const qos = r.pick([0, 1] as const);
      // A refusal (the broker closing the connection) is an answer; a hang is caught by the test timeout.
      await new Promise<void>((resolve) => dev.publish(r.pick(uplinks), payload, { qos }, () => resolve()));
    }
    // A person (the mini program's way: realtime credentials over WebSocket) subscribing to odd
    // filters and trying to publish: refused or ignored, never a crash.
    const person = async () => {
      const cr = await http.data('realtime', { action: 'credentials' }, bob);
      return new Promise<MqttClient>((resolve, reject) => {
        const c = mqtt.connect(`ws://127.0.0.1:${stack.ports.mqttWs}/mqtt`, {
          clientId: cr.clientId as string,
          username: cr.username as string,
          password: cr.password as string,
          reconnectPeriod: 0,
          protocolVersion: 4,
        });
        clients.push(c);
        c.once('connect', () => resolve(c));
        c.once('error', reject);
      });
    };
    let viewer = await person();
    let viewerReconnects = 0;
    const filters = [
      '#',
      '+/#',
      '$SYS/#',
      '/sys/#',
      `/sys/${pk.productKey}/+/thing/#`,
      topics.propertyPost(pk),
      `/alerts/${ids.patientId}`,
      '/alerts/+',
      '',
      'a/#/b',
      '+',
      `/sys/${pk.productKey}/${pk.deviceName}/thing/event/property/post\u0000`,
    ];
    for (let i = 0; i < 200; i++) {
      if (!viewer.connected) {
        viewerReconnects++;
        viewer = await person();
      }
      const topic = r.chance(0.7) ? r.pick(filters) : String(oddValue(r)).slice(0, 300);
      const v = viewer;
      let onClose: () => void = () => undefined;
      await new Promise<void>((resolve) => {
        onClose = () => resolve(); // a dropped connection answers nothing
        v.once('close', onClose);
        setTimeout(resolve, 1000);
        try {
          if (r.chance(0.3)) v.publish(topic || 'x', mutatePayload(r, valid(i)), { qos: r.pick([0, 1] as const) }, () => resolve());
          else v.subscribe(topic, { qos: r.pick([0, 1] as const) }, () => resolve());
        } catch {
          resolve(); // mqtt.js refuses some filters itself
        }
      });
      v.off('close', onClose);
    }

    // A few clients that are not what they say: bad signatures, odd ids, garbage credentials.
    for (let i = 0; i < 20; i++) {
      const login = buildLogin({ ...pk, deviceSecret: r.chance(0.5) ? 'wrong' : device.deviceSecret }, { timestamp: Date.now() });
      const odd = {
        clientId: r.chance(0.5) ? login.clientId : String(oddValue(r)).slice(0, 200),
        username: r.chance(0.5) ? login.username : String(oddValue(r)).slice(0, 200),
        password: r.chance(0.5) ? login.password : String(oddValue(r)).slice(0, 200),
      };
      await new Promise<void>((resolve) => {
        const c = mqtt.connect(`mqtt://127.0.0.1:${stack.ports.mqtt}`, { ...odd, reconnectPeriod: 0, protocolVersion: 4, connectTimeout: 3000 });
        const done = () => (c.end(true), resolve());
        c.once('connect', done);
        c.once('error', done);
        c.once('close', done);
      });
    }

    // Still working: a valid reading is stored and a valid call answers.
    const ts = Date.now() - 500;
    if (!dev.connected) dev = await connectDevice();
    await new Promise<void>((resolve, reject) =>
      dev.publish(topics.propertyPost(pk), buildRequest('last', 'thing.event.property.post', { HeartRate: { value: 66, time: ts } }), { qos: 1 }, (e) =>
        e ? reject(e) : resolve(),
      ),
    );
    const h = await http.data('history', { deviceId: ids.deviceId, from: ts, to: ts + 1, mode: 'raw' }, stack.adminToken);
    expect(h.readings).toEqual([expect.objectContaining({ ts, heartRate: 66 })]);

    // Nothing left behind: no call pending in the runner, handles back to what a quiet stack holds.
    for (const c of clients.splice(0)) c.end(true);
    await until(() => stack.broker.onlineDevices() === 0, 'devices offline', 10_000);
    // Going offline is itself a call (presence): wait for the calls in flight, then none may remain.
    await until(() => stack.functionRunner.pendingCalls() === 0, 'no function call pending', 10_000).catch(() => undefined);
    // eslint-disable-next-line no-console
    console.log(
      `fuzz: ${CALLS} calls (status counts ${JSON.stringify(Object.fromEntries(statuses))}), ${MESSAGES} device messages (${reconnects} reconnects), ` +
        `200 odd subscribes/publishes by a person (${viewerReconnects} reconnects), flow ${JSON.stringify(stack.flow.stats)}`,
    );
    expect(stack.functionRunner.pendingCalls()).toBe(0);
    // Every message was handled (stored or rejected and counted), and nothing failed inside.
    expect(stack.flow.stats.failedBatches).toBe(0);
    expect(stack.log.lines.filter((l) => / ERROR |failed:|unexpected|TypeError|RangeError|at .*\.ts:\d+/.test(l))).toEqual([]);
    const sockets = () => process.getActiveResourcesInfo().filter((k) => k === 'TCPSocketWrap').length;
    await until(() => sockets() <= 2, 'sockets closed', 10_000).catch(() => undefined);
    expect(sockets()).toBeLessThanOrEqual(2);
    expect(problems).toEqual([]);
  } finally {
    for (const c of clients) c.end(true);
    await stack.close();
    dir.remove();
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  }
}, 120_000);
