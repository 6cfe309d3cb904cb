/**
 * `npm run bench:scale [-- --devices 10000 --interval 10 --duration 600 --rate 500]`: a fleet of
 * terminals on one machine, load generator included, against a bare aedes broker and then the
 * stack in the same run (each server in its own process, bench/server.ts). The terminals
 * (bench/fleet.ts) log in (Alink for the stack) at `--rate` per second, subscribe to their reply
 * topic and post one QoS 1 reading every `--interval` s with a random phase for `--duration` s.
 *
 * Printed for both servers: connect time and CONNACK p50/p99, PUBACK p50/p95/p99 over the measured
 * window, server CPU per message and in % of one core, the server's RSS every `--sample` s (default
 * 30) and its trend over the window after the first minute, readings taken = acknowledged = stored
 * (stack). `--stack-only` skips the bare broker (for finding where the stack stops), `--bare-only`
 * the stack. Absolute figures move with other load on the machine: compare the two servers. The
 * last line is one JSON object.
 */
import { buildLogin, type DeviceCredentials } from '../core/alink';
import { createFleet } from './fleet';
import { numberFlag, percentile, round, sleep } from './lib';
import { startServer, type ServerMode } from './server';

const mb = (bytes: number) => round(bytes / 2 ** 20, 1);

interface ScaleOptions {
  devices: number;
  intervalS: number;
  durationS: number;
  rate: number;
  sampleS: number;
}

/** Least-squares slope of `ys` over `xs` (MB per minute when xs are minutes). */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, x) => a + x, 0) / n;
  const my = ys.reduce((a, y) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * ((ys[i] ?? my) - my);
    den += (x - mx) ** 2;
  });
  return den === 0 ? 0 : num / den;
}

async function runOne(mode: ServerMode, o: ScaleOptions) {
  const t0 = performance.now();
  const server = await startServer(mode, { provision: mode === 'stack' ? o.devices : 0 });
  const provisionS = (performance.now() - t0) / 1000;
  const device = (k: number): DeviceCredentials =>
    server.devices[k] ?? { productKey: 'benchProduct', deviceName: `scale-${k}`, deviceSecret: 'unused by the bare broker' };
  const fleet = createFleet(o.devices, {
    port: server.port,
    login: (k) => (mode === 'stack' ? buildLogin(device(k), { timestamp: Date.now() }) : { clientId: `scale-${k}` }),
    device,
  });
  const started = performance.now();
  await fleet.connectAll(o.rate);
  while (fleet.connected() < o.devices && performance.now() - started < 300_000) await sleep(100);
  const connectS = (performance.now() - started) / 1000;
  const connack = [...fleet.connackMs].sort((a, b) => a - b);

  fleet.startMeasuring(o.intervalS);
  await sleep(o.intervalS * 1000); // every terminal has posted once
  fleet.takePubackMs();
  const acked0 = fleet.stats.acked;
  const cpu0 = await server.cpuUs();
  const gen0 = process.cpuUsage();
  const rss: Array<{ min: number; mb: number }> = [];
  const window0 = performance.now();
  // PUBACK times by sample, so a periodic stall shows when it happens.
  const pubackChunks: number[][] = [];
  for (let next = 0; next <= o.durationS; next += o.sampleS) {
    await sleep(Math.max(0, window0 + next * 1000 - performance.now()));
    rss.push({ min: next / 60, mb: mb(await server.rssBytes()) });
    const chunk = fleet.takePubackMs().sort((a, b) => a - b);
    pubackChunks.push(chunk);
    process.stdout.write(
      `  ${mode} ${next} s: RSS ${rss.at(-1)?.mb} MB, connected ${fleet.connected()}, acked ${fleet.stats.acked}, ` +
        `PUBACK p99 since the last sample ${round(percentile(chunk, 99), 1)} ms (max ${round(chunk.at(-1) ?? 0, 1)})\n`,
    );
  }
  const windowS = (performance.now() - window0) / 1000;
  const cpu1 = await server.cpuUs();
  const gen = process.cpuUsage(gen0);
  const measured = fleet.stats.acked - acked0;
  const puback = pubackChunks
    .flat()
    .concat(fleet.takePubackMs())
    .sort((a, b) => a - b);
  fleet.stopMeasuring();
  for (let waited = 0; fleet.unacknowledged() > 0 && waited < 60_000; waited += 100) await sleep(100);
  await fleet.close();
  const { stored } = await server.stop();
  const settled = rss.filter((s) => s.min >= 1);
  return {
    mode,
    provisionS,
    connectS,
    connected: fleet.stats.connacks,
    connack,
    puback,
    measured,
    cpuUsPerMsg: (cpu1 - cpu0) / Math.max(1, measured),
    cpuPctOfCore: (cpu1 - cpu0) / 10_000 / windowS,
    generatorPctOfCore: (gen.user + gen.system) / 10_000 / windowS,
    rss,
    rssSlopeMbPerMin: slope(
      settled.map((s) => s.min),
      settled.map((s) => s.mb),
    ),
    stats: { ...fleet.stats },
    unacknowledged: fleet.unacknowledged(),
    stored: mode === 'stack' ? stored : undefined,
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const o: ScaleOptions = {
    devices: numberFlag(argv, '--devices', 10_000),
    intervalS: numberFlag(argv, '--interval', 10),
    durationS: numberFlag(argv, '--duration', 600),
    rate: numberFlag(argv, '--rate', 500),
    sampleS: numberFlag(argv, '--sample', 30),
  };
  const modes: ServerMode[] = argv.includes('--stack-only') ? ['stack'] : argv.includes('--bare-only') ? ['bare'] : ['bare', 'stack'];
  console.log(
    `bench:scale — ${o.devices} terminals × one QoS 1 reading every ${o.intervalS} s for ${o.durationS} s, ` +
      `connecting at ${o.rate}/s; ${modes.join(', then ')}`,
  );
  const results: Array<Awaited<ReturnType<typeof runOne>>> = [];
  for (const mode of modes) {
    const r = await runOne(mode, o);
    results.push(r);
    const p = (xs: number[], q: number) => round(percentile(xs, q), 1);
    console.log(
      `${mode.padEnd(5)}: connected ${r.connected}/${o.devices} in ${round(r.connectS)} s (CONNACK p50 ${p(r.connack, 50)} ms, p99 ${p(r.connack, 99)} ms, ` +
        `dropped ${JSON.stringify(r.stats.dropped)}, refused ${JSON.stringify(r.stats.refused)}); ${r.measured} msgs measured, ` +
        `PUBACK p50 ${p(r.puback, 50)} ms p95 ${p(r.puback, 95)} ms p99 ${p(r.puback, 99)} ms; server CPU ${round(r.cpuUsPerMsg)} µs/msg, ` +
        `${round(r.cpuPctOfCore)} % of a core (load generator ${round(r.generatorPctOfCore)} %); RSS ${r.rss[0]?.mb} → ${r.rss.at(-1)?.mb} MB ` +
        `(trend ${round(r.rssSlopeMbPerMin, 2)} MB/min after the first minute); readings ${r.stats.readings}, acked ${r.stats.acked}` +
        `${r.stored === undefined ? '' : `, stored ${r.stored}`}, unacknowledged ${r.unacknowledged}, lost connections ${r.stats.lost}`,
    );
  }
  const figures: Record<string, unknown> = { devices: o.devices, interval_s: o.intervalS, duration_s: o.durationS, connect_rate_per_s: o.rate };
  for (const r of results) {
    Object.assign(figures, {
      [`${r.mode}_connect_s`]: round(r.connectS),
      [`${r.mode}_connack_p50_ms`]: round(percentile(r.connack, 50), 1),
      [`${r.mode}_connack_p99_ms`]: round(percentile(r.connack, 99), 1),
      [`${r.mode}_msgs_per_s`]: round(r.measured / o.durationS),
      [`${r.mode}_puback_p50_ms`]: round(percentile(r.puback, 50), 1),
      [`${r.mode}_puback_p95_ms`]: round(percentile(r.puback, 95), 1),
      [`${r.mode}_puback_p99_ms`]: round(percentile(r.puback, 99), 1),
      [`${r.mode}_cpu_us_per_msg`]: round(r.cpuUsPerMsg),
      [`${r.mode}_cpu_pct_of_core`]: round(r.cpuPctOfCore),
      [`${r.mode}_generator_cpu_pct_of_core`]: round(r.generatorPctOfCore),
      [`${r.mode}_rss_first_last_max_mb`]: [r.rss[0]?.mb, r.rss.at(-1)?.mb, Math.max(...r.rss.map((x) => x.mb))],
      [`${r.mode}_rss_trend_mb_per_min`]: round(r.rssSlopeMbPerMin, 2),
      [`${r.mode}_readings`]: r.stats.readings,
      [`${r.mode}_acked`]: r.stats.acked,
      [`${r.mode}_connections_lost`]: r.stats.lost,
    });
  }
  const b = results.find((r) => r.mode === 'bare');
  const s = results.find((r) => r.mode === 'stack');
  const lost = s ? s.stats.readings - (s.stored ?? 0) : 0;
  if (s) Object.assign(figures, { stack_provision_s: round(s.provisionS), stack_stored: s.stored, stack_readings_lost: lost });
  if (b && s) figures.cpu_ratio = round(s.cpuUsPerMsg / b.cpuUsPerMsg, 2);
  console.log(JSON.stringify(figures));
  process.exit(lost === 0 && (s?.unacknowledged ?? 0) === 0 ? 0 : 1);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
