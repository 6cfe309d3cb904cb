/**
 * Crash safety (issue 11): the stack runs as `npm start` does, in a child process; emulated
 * devices publish readings at QoS 1; the process is killed with SIGKILL mid-stream and started
 * again on the same data folder. Every reading the broker acknowledged (PUBACK, MQTT 3.1.1
 * §4.3.2: the receiver owns the message once it sends PUBACK) must be stored; when the devices
 * then send everything again — what a QoS 1 sender does with what it has not seen acknowledged
 * (§4.4), here also what it has — nothing is stored twice (device message ids, docs/protocol.md).
 */
import Database from 'better-sqlite3';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { buildLogin, buildRequest, topics } from '../../core/alink';
import { createSqliteStore, sqliteFile } from '../../backend/store/sqlite';
import { tempDir } from '../helpers/stack';

const root = join(__dirname, '..', '..');
const DEVICES = 4;
const WINDOW = 8; // QoS 1 messages in flight per device

interface Running {
  child: ChildProcess;
  mqttPort: number;
  exited: Promise<void>;
  text: () => string;
}

function startStack(dataDir: string): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'local-cloud/start.ts')], {
    cwd: root,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      MQTT_PORT: '0',
      MQTT_WS_PORT: '0',
      MQTT_TLS_PORT: 'off',
      HTTP_PORT: '0',
      DEMO_DEVICES: '0',
      HOST: '127.0.0.1',
      MQTT_HOST: '127.0.0.1',
    },
  });
  let out = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    const check = () => {
      const port = /MQTT \(devices\)\s+mqtt:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1];
      if (port && /Ctrl\+C stops/.test(out)) resolve({ child, mqttPort: Number(port), exited, text: () => out });
    };
    child.stdout!.on('data', (d) => ((out += d), check()));
    child.stderr!.on('data', (d) => (out += d));
    void exited.then(() => reject(new Error(`the stack exited while starting: ${out}`)));
  });
}

function connect(port: number, deviceName: string): Promise<MqttClient> {
  const login = buildLogin({ productKey: 'pkCrash0001', deviceName, deviceSecret: `secret-${deviceName}` }, { timestamp: Date.now() });
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, { ...login, reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 4, clean: true });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
}

const publish = (c: MqttClient, topic: string, payload: string) =>
  new Promise<void>((resolve, reject) => c.publish(topic, payload, { qos: 1 }, (e) => (e ? reject(e) : resolve())));

interface Sent {
  device: string;
  id: string;
  ts: number;
  payload: string;
}

function rows(dataDir: string) {
  const db = new Database(sqliteFile(dataDir), { readonly: true });
  try {
    return {
      readings: db.prepare('SELECT d.device_name AS device, r.ts AS ts FROM readings r JOIN devices d ON d.id = r.device_id').all() as Array<{
        device: string;
        ts: number;
      }>,
      counts: db
        .prepare('SELECT d.device_name AS device, coalesce(c.reading_count, 0) AS n FROM devices d LEFT JOIN device_counters c ON c.device_id = d.id')
        .all() as Array<{ device: string; n: number }>,
    };
  } finally {
    db.close();
  }
}

test('SIGKILL mid-stream: every acknowledged reading survives, and resending stores nothing twice', async () => {
  const dir = tempDir();
  let stack: Running | undefined;
  const clients: MqttClient[] = [];
  try {
    const names = Array.from({ length: DEVICES }, (_, i) => `crash-${i}`);
    const setup = createSqliteStore({ dataDir: dir.path });
    for (const n of names)
      await setup.createDevice({ productKey: 'pkCrash0001', deviceName: n, secret: `secret-${n}`, bindCode: `CRASH0000${n.slice(-1)}` }, Date.now());
    await setup.close();

    stack = await startStack(dir.path);
    const sent: Sent[] = [];
    const acked = new Set<Sent>();
    const base = Date.now() - 3_600_000;
    let stop = false;
    const streams = names.map(async (device) => {
      const c = await connect(stack!.mqttPort, device);
      clients.push(c);
      const topic = topics.propertyPost({ productKey: 'pkCrash0001', deviceName: device });
      const inFlight = new Set<Promise<void>>();
      // At most 180 per device: within the broker's per-device burst (200), so nothing is rate-limited.
      for (let i = 0; !stop && i < 180; i++) {
        const ts = base + i * 100;
        const m: Sent = {
          device,
          id: String(i),
          ts,
          payload: buildRequest(String(i), 'thing.event.property.post', { HeartRate: { value: 60 + (i % 40), time: ts } }),
        };
        sent.push(m);
        const p = publish(c, topic, m.payload).then(
          () => void acked.add(m),
          () => undefined,
        );
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
        if (inFlight.size >= WINDOW) await Promise.race(inFlight);
        if (c.disconnected || c.disconnecting) break;
      }
      await Promise.allSettled(inFlight);
    });
    // Kill once a few hundred readings are acknowledged: the stream is in full flow.
    const deadline = Date.now() + 30_000;
    while (acked.size < 400 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    stack.child.kill('SIGKILL');
    await stack.exited;
    stop = true;
    for (const c of clients.splice(0)) c.end(true);
    await Promise.all(streams);
    const ackedAtKill = [...acked];
    expect(ackedAtKill.length).toBeGreaterThanOrEqual(400);
    expect(sent.length).toBeGreaterThan(ackedAtKill.length); // some were in flight: really mid-stream

    stack = await startStack(dir.path);
    // Every acknowledged reading was stored before the kill.
    const stored = new Set(rows(dir.path).readings.map((r) => `${r.device}@${r.ts}`));
    const lost = ackedAtKill.filter((m) => !stored.has(`${m.device}@${m.ts}`));
    expect(lost).toEqual([]);

    // The devices come back and send everything again, acknowledged or not.
    await Promise.all(
      names.map(async (device) => {
        const c = await connect(stack!.mqttPort, device);
        clients.push(c);
        const topic = topics.propertyPost({ productKey: 'pkCrash0001', deviceName: device });
        const mine = sent.filter((m) => m.device === device);
        for (let i = 0; i < mine.length; i += WINDOW) await Promise.all(mine.slice(i, i + WINDOW).map((m) => publish(c, topic, m.payload)));
      }),
    );
    const after = rows(dir.path);
    // Each sent reading exactly once, and each device's counter counts rows, not deliveries.
    expect(after.readings.length).toBe(sent.length);
    expect(new Set(after.readings.map((r) => `${r.device}@${r.ts}`)).size).toBe(sent.length);
    for (const d of names) {
      expect(after.counts.find((c) => c.device === d)?.n).toBe(sent.filter((m) => m.device === d).length);
    }
  } finally {
    for (const c of clients) c.end(true);
    if (stack && stack.child.exitCode === null) {
      stack.child.kill('SIGKILL');
      await stack.exited;
    }
    dir.remove();
  }
}, 90_000);
