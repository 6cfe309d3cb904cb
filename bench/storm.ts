/**
 * `npm run bench:storm [-- --devices 10000 --rate 500]`: a connect storm, as a broker restart
 * causes. Every device connects once, `--rate` new connections per second, first to a bare aedes
 * broker, then to the stack (real Alink logins: device lookup and HMAC check per CONNECT), each
 * server in its own child process (ingest-server.ts). Printed for both: how many connected, how
 * many were refused or reset before CONNACK, CONNACK p50/p99 from the start of the connection,
 * how long the storm took and the server's CPU over it. A device that fails is not retried here
 * (a terminal would retry with jittered backoff): the figure is how many the server took at once.
 * Absolute figures move with other load on the machine: read them side by side. The last line is
 * JSON.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { buildLogin, type DeviceCredentials } from '../core/alink';
import { numberFlag, percentile, round } from './lib';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface StormResult {
  server: 'bare' | 'stack';
  connected: number;
  failed: number;
  failures: Record<string, number>;
  p50: number;
  p99: number;
  seconds: number;
  cpuMs: number;
}

async function storm(mode: 'bare' | 'stack', n: number, rate: number): Promise<StormResult> {
  const child = fork(join(__dirname, 'ingest-server.ts'), [mode, String(mode === 'stack' ? n : 0)], { execArgv: ['--import', 'tsx'], env: process.env });
  const ask = <T>(type: string | undefined, answer: string) =>
    new Promise<T>((resolve) => {
      const on = (r: { type: string }) => {
        if (r.type !== answer) return;
        child.off('message', on);
        resolve(r as T);
      };
      child.on('message', on);
      if (type) child.send({ type });
    });
  const ready = await ask<{ port: number; devices: DeviceCredentials[] }>(undefined, 'ready');
  const url = `mqtt://127.0.0.1:${ready.port}`;
  const clients: MqttClient[] = [];
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let settled = 0;
  const cpu0 = (await ask<{ us: number }>('cpu', 'cpu')).us;
  const start = performance.now();
  const connectOne = (k: number) => {
    const t = performance.now();
    const login = mode === 'stack' ? buildLogin(ready.devices[k], { timestamp: Date.now() }) : { clientId: `storm-${k}` };
    const c = mqtt.connect(url, { reconnectPeriod: 0, protocolVersion: 4, connectTimeout: 60_000, keepalive: 300, ...login });
    clients.push(c);
    let done = false;
    const fail = (why: string) => {
      if (done) return;
      done = true;
      settled++;
      failures[why] = (failures[why] ?? 0) + 1;
    };
    c.once('connect', () => {
      if (done) return;
      done = true;
      settled++;
      latencies.push(performance.now() - t);
    });
    c.once('error', (e: Error & { code?: string | number }) => fail(String(e.code ?? e.message)));
    c.once('close', () => fail('closed before CONNACK'));
  };
  // Connections go out in slices every 10 ms, `rate` per second on average.
  for (let k = 0; k < n; ) {
    const due = Math.min(n, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    while (k < due) connectOne(k++);
    await sleep(10);
  }
  while (settled < n) await sleep(50);
  const seconds = (performance.now() - start) / 1000;
  const cpu1 = (await ask<{ us: number }>('cpu', 'cpu')).us;
  await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
  await ask('stop', 'stopped');
  latencies.sort((a, b) => a - b);
  return {
    server: mode,
    connected: latencies.length,
    failed: n - latencies.length,
    failures,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    seconds,
    cpuMs: (cpu1 - cpu0) / 1000,
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const n = numberFlag(argv, '--devices', 10_000);
  const rate = numberFlag(argv, '--rate', 500);
  console.log(`bench:storm — ${n} devices connecting at ${rate}/s, bare aedes then the stack (Alink logins), same run`);
  const results: StormResult[] = [];
  for (const mode of ['bare', 'stack'] as const) {
    const r = await storm(mode, n, rate);
    results.push(r);
    console.log(
      `${mode.padEnd(5)}: connected ${r.connected}/${n}, failed ${r.failed} ${JSON.stringify(r.failures)}, ` +
        `CONNACK p50 ${round(r.p50, 1)} ms p99 ${round(r.p99, 1)} ms, ${round(r.seconds, 1)} s, ` +
        `server CPU ${Math.round(r.cpuMs)} ms (${round((1000 * r.cpuMs) / n)} µs per connect)`,
    );
  }
  const [b, s] = results;
  console.log(
    JSON.stringify({
      devices: n,
      rate_per_s: rate,
      bare_connected: b.connected,
      stack_connected: s.connected,
      bare_connack_p50_ms: round(b.p50, 1),
      bare_connack_p99_ms: round(b.p99, 1),
      stack_connack_p50_ms: round(s.p50, 1),
      stack_connack_p99_ms: round(s.p99, 1),
      bare_cpu_us_per_connect: round((1000 * b.cpuMs) / n),
      stack_cpu_us_per_connect: round((1000 * s.cpuMs) / n),
      stack_failures: s.failures,
    }),
  );
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
