/**
 * `npm run bench:ingest -- --steady`: a fleet publishing at a steady rate, as bedside terminals do,
 * against a bare aedes broker and against the stack in the same run, each in its own child
 * process (ingest-server.ts) so that server CPU is measured apart from this load generator.
 *
 * Two scenarios, each run on both servers:
 *  - `--devices` (default 1000) × one QoS 1 reading every `--interval` s (default 1): server CPU µs
 *    per acknowledged message, PUBACK p50/p99;
 *  - the same devices × one every `--slow-interval` s (default 10): PUBACK p50/p99.
 * Every device logs in (Alink for the stack), subscribes to its reply topic and publishes with a
 * random phase; after a warm-up of one interval (at least 2 s), `--duration` s (default 20; e.g. 5
 * for CI-like runs) are measured. For the stack, sent = acknowledged = stored is checked after it
 * closed. Absolute figures move with other load on the machine: read the ratios.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { buildLogin, buildRequest, type DeviceCredentials, topics } from '../core/alink';
import { numberFlag, percentile, round, sleep } from './lib';
import { startServer } from './server';

export interface SteadyOptions {
  devices: number;
  intervalS: number;
  slowIntervalS: number;
  durationS: number;
}

export function steadyOptions(argv: string[]): SteadyOptions {
  return {
    devices: numberFlag(argv, '--devices', 1000),
    intervalS: numberFlag(argv, '--interval', 1),
    slowIntervalS: numberFlag(argv, '--slow-interval', 10),
    durationS: numberFlag(argv, '--duration', 20),
  };
}

/** Connects `n` clients, at most 100 connecting at once. */
async function connectAll(url: string, optsOf: (k: number) => mqtt.IClientOptions, n: number): Promise<MqttClient[]> {
  const clients: MqttClient[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(100, n) }, async () => {
      while (next < n) {
        const k = next++;
        clients[k] = await new Promise<MqttClient>((resolve, reject) => {
          const c = mqtt.connect(url, { reconnectPeriod: 0, protocolVersion: 4, connectTimeout: 60_000, ...optsOf(k) });
          c.once('connect', () => resolve(c));
          c.once('error', reject);
        });
      }
    }),
  );
  return clients;
}

export interface SteadyResult {
  server: 'bare' | 'stack';
  intervalS: number;
  measured: number;
  cpuUsPerMsg: number;
  /** Server CPU ms per second of the measured window (load, whatever the message count). */
  cpuMsPerS: number;
  p50: number;
  p99: number;
  sent: number;
  acked: number;
  stored?: number;
  /** Messages per ingest batch (stack). */
  perBatch?: number;
}

async function runOne(mode: 'bare' | 'stack', n: number, intervalS: number, durationS: number): Promise<SteadyResult> {
  const server = await startServer(mode, { provision: mode === 'stack' ? n : 0 });
  const url = `mqtt://127.0.0.1:${server.port}`;
  const creds = (k: number): DeviceCredentials =>
    mode === 'stack' ? server.devices[k] : { productKey: 'benchProduct', deviceName: `steady-${k}`, deviceSecret: 'x' };
  const clients = await connectAll(url, (k) => (mode === 'stack' ? buildLogin(creds(k), { timestamp: Date.now() }) : { clientId: `steady-${k}` }), n);
  await Promise.all(clients.map((c, k) => c.subscribeAsync(topics.propertyPostReply(creds(k)), { qos: 0 })));

  let sent = 0;
  let acked = 0;
  let measuring = false;
  const latencies: number[] = [];
  const timers: NodeJS.Timeout[] = [];
  const publish = (c: MqttClient, k: number) => {
    const i = sent++;
    const started = performance.now();
    const now = Date.now();
    const body = buildRequest(String(i), 'thing.event.property.post', {
      HeartRate: { value: 60 + (i % 40), time: now },
      SpO2: { value: 95 + (i % 5), time: now },
      BodyTemperature: { value: 36.5, time: now },
    });
    c.publish(topics.propertyPost(creds(k)), body, { qos: 1 }, (e) => {
      if (e) return;
      acked++;
      if (measuring) latencies.push(performance.now() - started);
    });
  };
  clients.forEach((c, k) => {
    const phase = Math.random() * intervalS * 1000;
    timers.push(
      setTimeout(() => {
        publish(c, k);
        timers.push(setInterval(() => publish(c, k), intervalS * 1000));
      }, phase),
    );
  });
  await sleep(Math.min(Math.max(2000, intervalS * 1000), 30_000));
  const cpu0 = await server.cpuUs();
  const acked0 = acked;
  measuring = true;
  await sleep(durationS * 1000);
  const cpu1 = await server.cpuUs();
  const measured = acked - acked0;
  measuring = false;
  timers.forEach((t) => clearTimeout(t));
  for (let waited = 0; acked < sent && waited < 30_000; waited += 100) await sleep(100);
  await Promise.all(clients.map((c) => c.endAsync(true)));
  const stopped = await server.stop();
  latencies.sort((a, b) => a - b);
  return {
    server: mode,
    intervalS,
    measured,
    cpuUsPerMsg: (cpu1 - cpu0) / Math.max(1, measured),
    cpuMsPerS: (cpu1 - cpu0) / 1000 / durationS,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    sent,
    acked,
    ...(mode === 'stack' ? { stored: stopped.stored, perBatch: stopped.perBatch } : {}),
  };
}

export async function benchSteady(o: SteadyOptions): Promise<void> {
  console.log(
    `bench:ingest --steady — ${o.devices} devices, QoS 1, ${o.durationS} s measured per run; ` +
      'server CPU from its own process; bare aedes and the stack in the same run',
  );
  const results: SteadyResult[] = [];
  for (const intervalS of [o.intervalS, o.slowIntervalS]) {
    for (const mode of ['bare', 'stack'] as const) {
      const r = await runOne(mode, o.devices, intervalS, o.durationS);
      results.push(r);
      console.log(
        `${mode.padEnd(5)} 1/${intervalS} s: ${r.measured} msgs measured, server CPU ${round(r.cpuUsPerMsg)} µs/msg (${round(r.cpuMsPerS)} ms/s), ` +
          `PUBACK p50 ${round(r.p50, 1)} ms p99 ${round(r.p99, 1)} ms; sent ${r.sent} acked ${r.acked}` +
          (r.stored === undefined ? '' : ` stored ${r.stored}, ${round(r.perBatch ?? 0)} msgs/batch`),
      );
    }
  }
  const [fb, fs, sb, ss] = results;
  console.log(
    `1/${o.intervalS} s: stack CPU per message ${round(fs.cpuUsPerMsg / fb.cpuUsPerMsg, 2)}× the bare broker's; ` +
      `1/${o.slowIntervalS} s: PUBACK p99 ${round(ss.p99 / sb.p99, 2)}× the bare broker's`,
  );
  const lost = results.reduce((a, r) => a + (r.stored === undefined ? 0 : r.sent - r.stored), 0);
  console.log(
    JSON.stringify({
      devices: o.devices,
      duration_s: o.durationS,
      fast_interval_s: o.intervalS,
      slow_interval_s: o.slowIntervalS,
      bare_cpu_us_per_msg: round(fb.cpuUsPerMsg),
      stack_cpu_us_per_msg: round(fs.cpuUsPerMsg),
      cpu_ratio: round(fs.cpuUsPerMsg / fb.cpuUsPerMsg, 2),
      bare_fast_puback_p99_ms: round(fb.p99, 1),
      stack_fast_puback_p99_ms: round(fs.p99, 1),
      bare_slow_puback_p99_ms: round(sb.p99, 1),
      stack_slow_puback_p99_ms: round(ss.p99, 1),
      slow_p99_ratio: round(ss.p99 / sb.p99, 2),
      stack_slow_cpu_us_per_msg: round(ss.cpuUsPerMsg),
      stack_fast_msgs_per_batch: round(fs.perBatch ?? 0),
      group_commit: process.env.BENCH_GROUP_COMMIT === 'off' ? 'off' : 'adaptive',
      bare_slow_cpu_us_per_msg: round(sb.cpuUsPerMsg),
      readings_lost: lost,
    }),
  );
  process.exit(lost === 0 ? 0 : 1);
}
