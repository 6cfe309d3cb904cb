/**
 * `npm run bench:ingest`: K devices publish readings at QoS 1 over loopback.
 *
 *  1. Baseline: a bare aedes broker (no hooks) and one subscriber to all telemetry; rate of
 *     messages delivered to the subscriber.
 *  2. Backend: the full local stack (device login, ACL, message flow, ingest, SQLite with
 *     FULL sync); rate of readings durably stored, and latency from publish to PUBACK (the PUBACK
 *     is written only after the reading's batch committed, so this bounds publish → committed).
 *
 * Each device keeps a window of in-flight messages (flow control, as any real publisher needs).
 * The default load is a fleet: 100 devices, 200 readings each, 20 in flight per device. A flood
 * from few devices (BENCH_DEVICES=10 BENCH_MESSAGES=2000 BENCH_WINDOW=50) is bound by latency
 * instead: aedes reads a client's next packets only after the current ones are acknowledged, and
 * acknowledged here means committed. The two runs alternate for BENCH_ROUNDS rounds (default 5)
 * and medians are reported, because loopback throughput on a shared machine varies by tens of
 * percent from run to run. BENCH_SYNC=normal measures SQLite `synchronous=NORMAL` instead of the
 * default FULL; BENCH_BOUND=1 binds every device to a patient, so that alerts are evaluated for
 * each batch (unbound devices cost one binding lookup). The last line is JSON.
 *
 * `--steady [--devices 1000] [--interval 1] [--slow-interval 10] [--duration 20]`: a fleet at a
 * steady rate instead, server CPU µs per message and PUBACK p99 for the stack against a bare
 * aedes broker in the same run (ingest-steady.ts); `--interleave`: both servers side by side, their
 * fleets taking turns in short slices, so machine drift cancels out of each ratio (ingest-interleaved.ts).
 */
import { Aedes } from 'aedes';
import { createServer } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { buildLogin, buildRequest, type DeviceCredentials, topics } from '../core/alink';
import { createMemoryLogger } from '../backend/runtime/deps';
import { createStack } from '../local-cloud/stack';
import { envInt, median, percentile, round, tempDir } from './lib';
import { benchInterleaved } from './ingest-interleaved';
import { benchSteady, steadyOptions } from './ingest-steady';

const K = envInt('BENCH_DEVICES', 100);
const M = envInt('BENCH_MESSAGES', 200);
const WINDOW = envInt('BENCH_WINDOW', 20);
const ROUNDS = envInt('BENCH_ROUNDS', 5);
/** BENCH_BOUND=1: every device bound to a patient, so each batch is also evaluated for alerts (docs/alerts.md). */
const BOUND = process.env.BENCH_BOUND === '1';

const connect = (url: string, opts: mqtt.IClientOptions) =>
  new Promise<MqttClient>((resolve, reject) => {
    const c = mqtt.connect(url, { reconnectPeriod: 0, protocolVersion: 4, ...opts });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });

/** Publishes M messages from each client with a bounded window; records publish → PUBACK times. */
async function pump(clients: MqttClient[], topicOf: (k: number) => string, t0: number, latencies: number[]): Promise<void> {
  await Promise.all(
    clients.map(
      (c, k) =>
        new Promise<void>((resolve, reject) => {
          let sent = 0;
          let done = 0;
          const next = () => {
            while (sent < M && sent - done < WINDOW) {
              const i = sent++;
              const started = performance.now();
              const body = buildRequest(String(i), 'thing.event.property.post', {
                HeartRate: { value: 60 + (i % 40), time: t0 + i * 1000 },
                SpO2: { value: 95 + (i % 5), time: t0 + i * 1000 },
                BodyTemperature: { value: 36.5, time: t0 + i * 1000 },
              });
              c.publish(topicOf(k), body, { qos: 1 }, (e) => {
                if (e) return reject(e);
                latencies.push(performance.now() - started);
                if (++done === M) resolve();
                else next();
              });
            }
          };
          next();
        }),
    ),
  );
}

async function baseline(): Promise<number> {
  const broker = await Aedes.createBroker({ maxClientsIdLength: 256 });
  const server = createServer(broker.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `mqtt://127.0.0.1:${(server.address() as { port: number }).port}`;
  const sub = await connect(url, { clientId: 'bench-sub' });
  let received = 0;
  let allIn: () => void = () => undefined;
  const all = new Promise<void>((r) => (allIn = r));
  sub.on('message', () => {
    if (++received === K * M) allIn();
  });
  await sub.subscribeAsync('/sys/+/+/thing/event/property/post', { qos: 1 });
  const pubs = await Promise.all(Array.from({ length: K }, (_, k) => connect(url, { clientId: `bench-pub-${k}` })));
  const start = performance.now();
  await pump(pubs, (k) => topics.propertyPost({ productKey: 'benchProduct', deviceName: `bench-${k}` }), Date.now() - 86_400_000, []);
  await all;
  const seconds = (performance.now() - start) / 1000;
  await Promise.all([...pubs, sub].map((c) => c.endAsync(true)));
  await new Promise<void>((r) => broker.close(() => r()));
  await new Promise<void>((r) => server.close(() => r()));
  return (K * M) / seconds;
}

async function backend(): Promise<{ rate: number; p50: number; p99: number; stored: number }> {
  const dir = tempDir('rpm-bench-ingest-');
  const stack = await createStack({
    dataDir: dir.path,
    mqttPort: 0,
    mqttWsPort: 0,
    httpPort: 0,
    host: '127.0.0.1',
    log: createMemoryLogger(),
    rateLimit: { perSecond: 1e9, burst: 1e9 },
    synchronous: process.env.BENCH_SYNC === 'normal' ? 'normal' : 'full',
  });
  const url = `mqtt://127.0.0.1:${stack.ports.mqtt}`;
  const devices: DeviceCredentials[] = [];
  for (let k = 0; k < K; k++) {
    const r = await stack.invoke('devices', { action: 'create', deviceName: `bench-${k}` }, { kind: 'admin' });
    if (!r.ok) throw new Error(r.message);
    devices.push(r.data as DeviceCredentials);
    if (BOUND) {
      const d = r.data as DeviceCredentials & { deviceId: string };
      const owner = await stack.store.userForOpenid(`bench-owner-${k}`, `owner ${k}`, Date.now());
      await stack.store.createPatient({ id: `p-bench-${k}`, name: `patient ${k}`, sex: 'female', notes: '', createdAt: Date.now() }, owner.id);
      await stack.store.bindDevice(d.deviceId, `p-bench-${k}`, owner.id, Date.now() - 2 * 86_400_000);
    }
  }
  const clients = await Promise.all(devices.map((d) => connect(url, buildLogin(d, { timestamp: Date.now() }))));
  await Promise.all(clients.map((c, k) => c.subscribeAsync(topics.propertyPostReply(devices[k]), { qos: 0 })));
  const latencies: number[] = [];
  const start = performance.now();
  await pump(clients, (k) => topics.propertyPost(devices[k]), Date.now() - 86_400_000, latencies);
  const seconds = (performance.now() - start) / 1000;
  const stored = (await stack.store.stats()).readings;
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await stack.close();
  dir.remove();
  latencies.sort((a, b) => a - b);
  return { rate: (K * M) / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), stored };
}

async function main(): Promise<void> {
  if (process.argv.includes('--steady')) {
    const o = steadyOptions(process.argv.slice(2));
    return process.argv.includes('--interleave') ? benchInterleaved(o) : benchSteady(o);
  }
  console.log(
    `bench:ingest — ${K} devices × ${M} readings, QoS 1, window ${WINDOW}, ${ROUNDS} rounds${BOUND ? ', devices bound to patients (alerts evaluated)' : ''}`,
  );
  await baseline(); // warm-up: JIT and sockets
  const raws: number[] = [];
  const runs: Array<Awaited<ReturnType<typeof backend>>> = [];
  for (let r = 1; r <= ROUNDS; r++) {
    const raw = await baseline();
    const b = await backend();
    raws.push(raw);
    runs.push(b);
    console.log(
      `round ${r}: baseline ${Math.round(raw)} msg/s · backend ${Math.round(b.rate)} readings/s (${round((100 * b.rate) / raw)} %) · ` +
        `p50 ${round(b.p50, 1)} ms · p99 ${round(b.p99, 1)} ms · lost ${K * M - b.stored}`,
    );
  }
  const raw = median(raws);
  const rate = median(runs.map((b) => b.rate));
  const ratio = median(runs.map((b, i) => b.rate / raws[i]));
  const p50 = median(runs.map((b) => b.p50));
  const p99 = median(runs.map((b) => b.p99));
  const lost = runs.reduce((a, b) => a + (K * M - b.stored), 0);
  console.log(`median: baseline broker pub→sub ${Math.round(raw)} msg/s; backend stored ${Math.round(rate)} readings/s; ratio ${round(100 * ratio)} %`);
  console.log(`publish → PUBACK (after commit): p50 ${round(p50, 1)} ms, p99 ${round(p99, 1)} ms; readings lost ${lost}`);
  console.log(
    JSON.stringify({
      devices: K,
      readings_per_round: K * M,
      rounds: ROUNDS,
      baseline_msgs_per_s: Math.round(raw),
      backend_readings_per_s: Math.round(rate),
      backend_vs_baseline_pct: round(100 * ratio),
      commit_latency_p50_ms: round(p50, 2),
      commit_latency_p99_ms: round(p99, 2),
      sqlite_synchronous: process.env.BENCH_SYNC === 'normal' ? 'normal' : 'full',
      alerts_evaluated: BOUND,
      readings_lost: lost,
    }),
  );
  process.exit(lost === 0 ? 0 : 1);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
