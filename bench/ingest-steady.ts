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
 *
 * `--rounds N` (default 1) repeats each scenario N times, bare and stack alternating, and reports
 * every round's ratio and the median: the bare broker's own figure moves by ±25 % between runs on
 * a 2-core machine, so one pair can land either side of a goal that the median settles.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { buildLogin, buildRequest, type DeviceCredentials, topics } from '../core/alink';
import { groupCommitLabel, median, numberFlag, percentile, round, sleep } from './lib';
import { type BenchServer, startServer } from './server';

export interface SteadyOptions {
  devices: number;
  intervalS: number;
  slowIntervalS: number;
  durationS: number;
  /** Times each scenario runs (bare and stack alternating); figures are medians. Default 1. */
  rounds: number;
}

/** Defaults: `--duration` 20 and `--rounds` 1; with `--interleave` (ingest-interleaved.ts) 10-s slices and 5 pairs. */
export function steadyOptions(argv: string[]): SteadyOptions {
  const interleave = argv.includes('--interleave');
  return {
    devices: numberFlag(argv, '--devices', 1000),
    intervalS: numberFlag(argv, '--interval', 1),
    slowIntervalS: numberFlag(argv, '--slow-interval', 10),
    durationS: numberFlag(argv, '--duration', interleave ? 10 : 20),
    rounds: Math.max(1, Math.round(numberFlag(argv, '--rounds', interleave ? 5 : 1))),
  };
}

/** Connects `n` clients, at most 100 connecting at once. */
export async function connectAll(url: string, optsOf: (k: number) => mqtt.IClientOptions, n: number): Promise<MqttClient[]> {
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

/** A server under test and its fleet of connected devices, publishing only while started. */
export interface Fleet {
  mode: 'bare' | 'stack';
  server: BenchServer;
  /** Publishing at one reading per `intervalS` per device, each with a random phase. */
  start(intervalS: number): void;
  /** Stops publishing and waits (up to 30 s) until everything sent is acknowledged. */
  pause(): Promise<void>;
  /** From now, PUBACK latencies are recorded (cleared) or not. */
  measure(on: boolean): void;
  counts(): { sent: number; acked: number };
  latencies(): number[];
  /** Disconnects the devices and stops the server: readings stored (stack) and messages per batch. */
  close(): Promise<{ stored?: number; perBatch?: number }>;
}

export async function openFleet(mode: 'bare' | 'stack', n: number): Promise<Fleet> {
  const server = await startServer(mode, { provision: mode === 'stack' ? n : 0 });
  const url = `mqtt://127.0.0.1:${server.port}`;
  const creds = (k: number): DeviceCredentials =>
    mode === 'stack' ? server.devices[k] : { productKey: 'benchProduct', deviceName: `steady-${k}`, deviceSecret: 'x' };
  const clients = await connectAll(url, (k) => (mode === 'stack' ? buildLogin(creds(k), { timestamp: Date.now() }) : { clientId: `steady-${k}` }), n);
  await Promise.all(clients.map((c, k) => c.subscribeAsync(topics.propertyPostReply(creds(k)), { qos: 0 })));

  let sent = 0;
  let acked = 0;
  let measuring = false;
  let latencies: number[] = [];
  let timers: NodeJS.Timeout[] = [];
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
  const fleet: Fleet = {
    mode,
    server,
    start(intervalS) {
      clients.forEach((c, k) => {
        const phase = Math.random() * intervalS * 1000;
        timers.push(
          setTimeout(() => {
            publish(c, k);
            timers.push(setInterval(() => publish(c, k), intervalS * 1000));
          }, phase),
        );
      });
    },
    async pause() {
      timers.forEach((t) => clearTimeout(t));
      timers = [];
      for (let waited = 0; acked < sent && waited < 30_000; waited += 100) await sleep(100);
    },
    measure(on) {
      measuring = on;
      if (on) latencies = [];
    },
    counts: () => ({ sent, acked }),
    latencies: () => latencies,
    async close() {
      await fleet.pause();
      await Promise.all(clients.map((c) => c.endAsync(true)));
      const stopped = await server.stop();
      return mode === 'stack' ? stopped : {};
    },
  };
  return fleet;
}

/** Publishes for `settleS`, then measures for `durationS`: server CPU per acknowledged message and PUBACK latency. */
export async function measureSlice(f: Fleet, intervalS: number, settleS: number, durationS: number) {
  f.start(intervalS);
  await sleep(settleS * 1000);
  const cpu0 = await f.server.cpuUs();
  const acked0 = f.counts().acked;
  f.measure(true);
  await sleep(durationS * 1000);
  const cpu1 = await f.server.cpuUs();
  const measured = f.counts().acked - acked0;
  f.measure(false);
  await f.pause();
  const latencies = [...f.latencies()].sort((a, b) => a - b);
  return {
    measured,
    cpuUs: cpu1 - cpu0,
    latencies,
    cpuUsPerMsg: (cpu1 - cpu0) / Math.max(1, measured),
    cpuMsPerS: (cpu1 - cpu0) / 1000 / durationS,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

async function runOne(mode: 'bare' | 'stack', n: number, intervalS: number, durationS: number): Promise<SteadyResult> {
  const fleet = await openFleet(mode, n);
  const slice = await measureSlice(fleet, intervalS, Math.min(Math.max(2, intervalS), 30), durationS);
  const stopped = await fleet.close();
  const { cpuUs: _cpu, latencies: _latencies, ...figures } = slice;
  return { server: mode, intervalS, ...figures, ...fleet.counts(), ...stopped };
}

/** One scenario, `rounds` times with bare and stack alternating: the pairs, in order. */
async function pairs(o: SteadyOptions, intervalS: number): Promise<Array<{ bare: SteadyResult; stack: SteadyResult }>> {
  const out: Array<{ bare: SteadyResult; stack: SteadyResult }> = [];
  const run = async (mode: 'bare' | 'stack', k: number) => {
    const r = await runOne(mode, o.devices, intervalS, o.durationS);
    console.log(
      `${mode.padEnd(5)} 1/${intervalS} s${o.rounds > 1 ? ` (round ${k})` : ''}: ${r.measured} msgs measured, ` +
        `server CPU ${round(r.cpuUsPerMsg)} µs/msg (${round(r.cpuMsPerS)} ms/s), PUBACK p50 ${round(r.p50, 1)} ms p99 ${round(r.p99, 1)} ms; ` +
        `sent ${r.sent} acked ${r.acked}` +
        (r.stored === undefined ? '' : ` stored ${r.stored}, ${round(r.perBatch ?? 0)} msgs/batch`),
    );
    return r;
  };
  for (let k = 1; k <= o.rounds; k++) {
    const bare = await run('bare', k);
    out.push({ bare, stack: await run('stack', k) });
  }
  return out;
}

export async function benchSteady(o: SteadyOptions): Promise<void> {
  console.log(
    `bench:ingest --steady — ${o.devices} devices, QoS 1, ${o.durationS} s measured per run, ${o.rounds} round(s); ` +
      'server CPU from its own process; bare aedes and the stack in the same run',
  );
  const fast = await pairs(o, o.intervalS);
  const slow = await pairs(o, o.slowIntervalS);
  const cpuRatios = fast.map((p) => p.stack.cpuUsPerMsg / p.bare.cpuUsPerMsg);
  const p99Ratios = slow.map((p) => p.stack.p99 / p.bare.p99);
  const cpuRatio = round(median(cpuRatios), 2);
  const p99Ratio = round(median(p99Ratios), 2);
  const med = (list: typeof fast, f: (r: SteadyResult) => number, mode: 'bare' | 'stack') => round(median(list.map((p) => f(p[mode]))), 1);
  const perRound = (ratios: number[]) => (ratios.length > 1 ? ` (rounds: ${ratios.map((r) => `${round(r, 2)}×`).join(', ')})` : '');
  console.log(
    `1/${o.intervalS} s: stack CPU per message ${cpuRatio}× the bare broker's${perRound(cpuRatios)}; ` +
      `1/${o.slowIntervalS} s: PUBACK p99 ${p99Ratio}× the bare broker's${perRound(p99Ratios)}`,
  );
  const all = [...fast, ...slow].flatMap((p) => [p.bare, p.stack]);
  const lost = all.reduce((a, r) => a + (r.stored === undefined ? 0 : r.sent - r.stored), 0);
  console.log(
    JSON.stringify({
      devices: o.devices,
      duration_s: o.durationS,
      rounds: o.rounds,
      fast_interval_s: o.intervalS,
      slow_interval_s: o.slowIntervalS,
      bare_cpu_us_per_msg: med(fast, (r) => r.cpuUsPerMsg, 'bare'),
      stack_cpu_us_per_msg: med(fast, (r) => r.cpuUsPerMsg, 'stack'),
      cpu_ratio: cpuRatio,
      cpu_ratio_per_round: cpuRatios.map((r) => round(r, 2)),
      bare_fast_puback_p99_ms: med(fast, (r) => r.p99, 'bare'),
      stack_fast_puback_p99_ms: med(fast, (r) => r.p99, 'stack'),
      bare_slow_puback_p99_ms: med(slow, (r) => r.p99, 'bare'),
      stack_slow_puback_p99_ms: med(slow, (r) => r.p99, 'stack'),
      slow_p99_ratio: p99Ratio,
      slow_p99_ratio_per_round: p99Ratios.map((r) => round(r, 2)),
      stack_slow_cpu_us_per_msg: med(slow, (r) => r.cpuUsPerMsg, 'stack'),
      stack_fast_msgs_per_batch: med(fast, (r) => r.perBatch ?? 0, 'stack'),
      group_commit: groupCommitLabel(),
      bare_slow_cpu_us_per_msg: med(slow, (r) => r.cpuUsPerMsg, 'bare'),
      readings_lost: lost,
    }),
  );
  process.exit(lost === 0 ? 0 : 1);
}
