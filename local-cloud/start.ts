/**
 * `npm start`: the whole system on this machine. Prints where each service listens and a compact
 * live status; SIGINT/SIGTERM shut it down in order (every acknowledged reading is stored).
 */
import { createLogger } from '../backend/runtime/deps';
import { ConfigError, readConfig, type StartConfig } from './config';
import { createExternalBrokerStack } from './stack/external';
import { PortInUseError } from './net/listen';
import { createStack, type Stack } from './stack';

/** `BROKER=emqx`: only the function host runs here; EMQX calls it and is called through its API. */
/** Loopback addresses: only this machine can reach a service bound to one. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Said at start-up when the function host, with its development sign-in, is reachable from other machines. */
function exposureWarning(config: StartConfig, port: number): string[] {
  if (isLoopback(config.host)) return [];
  return [
    `warning: the function host listens on ${config.host}: anyone who can reach port ${port} can sign in as any`,
    '         local user (the development sign-in takes no password). Use it only on a trusted network; HOST=127.0.0.1 keeps it local.',
  ];
}

const shownHost = (host: string) => (host === '0.0.0.0' || host === '::' ? 'localhost' : host);

async function mainExternal(config: StartConfig & { emqx: NonNullable<StartConfig['emqx']> }): Promise<void> {
  const stack = await createExternalBrokerStack({ ...config, emqx: config.emqx, log: createLogger() });
  const shown = shownHost(config.host);
  console.log(
    [
      'Remote patient monitor — functions up, broker: EMQX (external)',
      `  Functions (HTTP)       http://${shown}:${stack.ports.http}/functions/<name>   health: /health`,
      `  For EMQX               POST /mqtt/auth, /mqtt/acl, /mqtt/webhook with Authorization: Bearer <${config.dataDir}/service-token>`,
      `  EMQX REST API          ${config.emqx.baseUrl}`,
      `  Data                   ${config.dataDir}   (admin token in ${config.dataDir}/admin-token)`,
      ...exposureWarning(config, stack.ports.http),
      'Ctrl+C stops.',
    ].join('\n'),
  );
  const stop = (signal: string) => {
    console.log(`${signal}: stopping…`);
    stack.close().then(
      () => process.exit(0),
      (e: Error) => {
        console.error(`shutdown failed: ${e.message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

async function main(): Promise<void> {
  const config = readConfig();
  if (config.emqx) return mainExternal({ ...config, emqx: config.emqx });
  const log = createLogger();
  // Signal handlers come first, so a signal during start-up also ends in an orderly shutdown.
  const starting = createStack({ ...config, log });
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    if (process.stdout.isTTY) process.stdout.write('\n');
    console.log(`${signal}: stopping…`);
    starting
      .then((stack) => stack.close())
      .then(
        () => {
          console.log('stopped; all acknowledged readings are stored');
          process.exit(0);
        },
        (e: Error) => {
          console.error(`shutdown failed: ${e.message}`);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const started = await starting;
  if (stopping) return;
  const { ports } = started;
  const shown = shownHost(config.host);
  const mqttShown = shownHost(config.mqttHost);
  console.log(
    [
      'Remote patient monitor — local stack is up',
      `  MQTT (devices)         mqtt://${mqttShown}:${ports.mqtt}${config.mqttHost === '0.0.0.0' ? '   (all interfaces: MQTT_HOST)' : ''}`,
      `  MQTT over WebSocket    ws://${mqttShown}:${ports.mqttWs}/mqtt`,
      ...(ports.mqttTls === undefined ? [] : [`  MQTT over TLS          mqtts://${mqttShown}:${ports.mqttTls}   (MQTT_TLS_PORT; off = none)`]),
      `  Functions (HTTP)       http://${shown}:${ports.http}/functions/<name>   health: /health`,
      `  Web console            http://${shown}:${ports.http}/console/`,
      `  Data                   ${config.dataDir}   (admin token in ${config.dataDir}/admin-token)`,
      `  Demo devices           ${config.demoDevices} (every ${config.demoIntervalS} s)`,
      ...started.demo.labels.map((d) => `    ${d.deviceName.padEnd(8)} bind code ${d.bindCode}   ${d.label}`),
      ...exposureWarning(config, ports.http),
      'Ctrl+C stops.',
    ].join('\n'),
  );
  timer = startStatus(started);
}

function startStatus(stack: Stack): NodeJS.Timeout {
  const tty = Boolean(process.stdout.isTTY);
  const print = async () => {
    const s = await stack.status();
    const time = new Date().toISOString().slice(11, 19);
    const line = `[${time}] devices online ${s.devicesOnline}/${s.devices} · readings stored ${s.readings} · rejected ${s.flow.rejected}`;
    if (tty) process.stdout.write(`\r${line}   `);
    else console.log(line);
  };
  return setInterval(() => void print().catch(() => undefined), tty ? 2000 : 60_000);
}

main().catch((e: unknown) => {
  if (e instanceof PortInUseError || e instanceof ConfigError) console.error(`error: ${e.message}`);
  else console.error(`error: ${(e as Error)?.stack ?? String(e)}`);
  process.exit(1);
});
