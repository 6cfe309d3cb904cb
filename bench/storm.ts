/**
 * `npm run bench:storm [-- --devices 10000 --rate 500 --interval 10 --down 5]`: a connect storm
 * and a restart, first against a bare aedes broker, then against the stack (real Alink logins:
 * device lookup and HMAC check per CONNECT), each server in its own process (bench/server.ts),
 * with the light terminals of bench/fleet.ts (the emulated terminal's login, subscriptions,
 * outbox, connect timeout of 10 s and jittered backoff of 1–60 s).
 *
 * 1. Storm: every terminal connects once, `--rate` new connections per second. Printed: how many
 *    were answered on their first attempt, CONNACK p50/p99 from the start of each attempt, how long
 *    until all were connected (terminals that failed retry with their backoff), server CPU per connect.
 * 2. Restart (not with `--no-restart`): the terminals post one QoS 1 reading every `--interval` s;
 *    the server is killed (SIGKILL, as a crash or an upgrade gone wrong), started again after
 *    `--down` s on the same data folder and port, while the terminals keep measuring into their
 *    outboxes and reconnect with their backoff. Printed: how long until every terminal is back
 *    (from the restarted server's readiness), CONNACK p99 of the reconnects, and for the stack
 *    readings taken = acknowledged = stored once each.
 * Absolute figures move with other load on the machine: read them side by side. The last line is
 * one JSON object.
 */
import { buildLogin, type DeviceCredentials } from '../core/alink';
import { createFleet, type Fleet } from './fleet';
import { numberFlag, percentile, round, tempDir, sleep } from './lib';
import { startServer, type BenchServer, type ServerMode } from './server';

interface StormOptions {
  devices: number;
  rate: number;
  intervalS: number;
  downS: number;
  restart: boolean;
}

const until = async (done: () => boolean, limitMs: number) => {
  const t = performance.now();
  while (!done() && performance.now() - t < limitMs) await sleep(50);
  return (performance.now() - t) / 1000;
};
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

async function restart(fleet: Fleet, server: BenchServer, o: StormOptions, dataDir: string) {
  fleet.startMeasuring(o.intervalS);
  await sleep(Math.max(15, 1.5 * o.intervalS) * 1000);
  await server.kill();
  const before = fleet.connackMs.length;
  await sleep(o.downS * 1000);
  const starting = performance.now();
  const restarted = await startServer(server.mode, { dataDir, port: server.port });
  const startS = (performance.now() - starting) / 1000;
  const backS = await until(() => fleet.connected() === o.devices, 300_000);
  const reconnects = sorted(fleet.connackMs.slice(before));
  await sleep(2 * o.intervalS * 1000);
  fleet.stopMeasuring();
  await until(() => fleet.unacknowledged() === 0, 60_000);
  return { restarted, startS, backS, reconnects, back: fleet.connected() };
}

async function runOne(mode: ServerMode, o: StormOptions) {
  const dir = tempDir('rpm-bench-storm-');
  const server = await startServer(mode, { provision: mode === 'stack' ? o.devices : 0, dataDir: dir.path });
  const device = (k: number): DeviceCredentials =>
    server.devices[k] ?? { productKey: 'benchProduct', deviceName: `storm-${k}`, deviceSecret: 'unused by the bare broker' };
  const fleet = createFleet(o.devices, {
    port: server.port,
    login: (k) => (mode === 'stack' ? buildLogin(device(k), { timestamp: Date.now() }) : { clientId: `storm-${k}` }),
    device,
  });
  const cpu0 = await server.cpuUs();
  const start = performance.now();
  await fleet.connectAll(o.rate);
  await until(() => fleet.connected() === o.devices, 300_000);
  const stormS = (performance.now() - start) / 1000;
  const cpuMs = ((await server.cpuUs()) - cpu0) / 1000;
  const storm = { connack: sorted(fleet.connackMs), attempts: fleet.stats.attempts, dropped: { ...fleet.stats.dropped }, refused: { ...fleet.stats.refused } };
  const after = o.restart ? await restart(fleet, server, o, dir.path) : undefined;
  await fleet.close();
  const { stored } = await (after?.restarted ?? server).stop();
  dir.remove();
  return { mode, stormS, cpuMs, storm, after, stats: fleet.stats, unacknowledged: fleet.unacknowledged(), stored };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const o: StormOptions = {
    devices: numberFlag(argv, '--devices', 10_000),
    rate: numberFlag(argv, '--rate', 500),
    intervalS: numberFlag(argv, '--interval', 10),
    downS: numberFlag(argv, '--down', 5),
    restart: !argv.includes('--no-restart'),
  };
  console.log(
    `bench:storm — ${o.devices} terminals connecting at ${o.rate}/s` +
      `${o.restart ? `, then a restart (${o.downS} s down) while they post every ${o.intervalS} s` : ''}; bare aedes, then the stack`,
  );
  const results = [];
  for (const mode of ['bare', 'stack'] as const) {
    const r = await runOne(mode, o);
    results.push(r);
    const firstTry = o.devices - (r.storm.attempts - o.devices);
    console.log(
      `${mode.padEnd(5)} storm: ${firstTry}/${o.devices} answered on the first attempt, all ${o.devices} in ${round(r.stormS)} s; ` +
        `CONNACK p50 ${round(percentile(r.storm.connack, 50))} ms p99 ${round(percentile(r.storm.connack, 99))} ms; ` +
        `failed attempts ${JSON.stringify({ ...r.storm.dropped, ...r.storm.refused })}; server CPU ${round((1000 * r.cpuMs) / o.devices)} µs per connect`,
    );
    if (r.after)
      console.log(
        `${mode.padEnd(5)} restart: started in ${round(r.after.startS)} s; ${r.after.back}/${o.devices} back ${round(r.after.backS)} s after it was ready, ` +
          `reconnect CONNACK p99 ` +
          `${round(percentile(r.after.reconnects, 99))} ms; readings ${r.stats.readings}, acked ${r.stats.acked}, re-sent ${r.stats.resent}` +
          `${mode === 'stack' ? `, stored ${r.stored}` : ''}, still unacknowledged ${r.unacknowledged}`,
      );
  }
  const [b, s] = results;
  if (!b || !s) throw new Error('both runs must finish');
  const lost = o.restart ? s.stats.readings - s.stored : 0;
  console.log(
    JSON.stringify({
      devices: o.devices,
      rate_per_s: o.rate,
      bare_storm_s: round(b.stormS),
      stack_storm_s: round(s.stormS),
      bare_first_attempt_failures: b.storm.attempts - o.devices,
      stack_first_attempt_failures: s.storm.attempts - o.devices,
      bare_connack_p50_ms: round(percentile(b.storm.connack, 50)),
      bare_connack_p99_ms: round(percentile(b.storm.connack, 99)),
      stack_connack_p50_ms: round(percentile(s.storm.connack, 50)),
      stack_connack_p99_ms: round(percentile(s.storm.connack, 99)),
      bare_cpu_us_per_connect: round((1000 * b.cpuMs) / o.devices),
      stack_cpu_us_per_connect: round((1000 * s.cpuMs) / o.devices),
      ...(b.after && s.after
        ? {
            down_s: o.downS,
            bare_start_s: round(b.after.startS),
            stack_start_s: round(s.after.startS),
            bare_back_s: round(b.after.backS),
            stack_back_s: round(s.after.backS),
            bare_reconnect_connack_p99_ms: round(percentile(b.after.reconnects, 99)),
            stack_reconnect_connack_p99_ms: round(percentile(s.after.reconnects, 99)),
            stack_readings: s.stats.readings,
            stack_stored: s.stored,
            stack_readings_lost: lost,
          }
        : {}),
    }),
  );
  process.exit(lost === 0 && s.unacknowledged === 0 ? 0 : 1);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
