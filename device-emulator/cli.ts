/**
 * `npm run emulator -- [options]`: runs emulated bedside terminals against any MQTT broker.
 * The entry point is local-cloud/emulator.ts, which hands in how to reach the functions (to create
 * devices): the emulator itself depends on core only, like a real terminal's firmware.
 *
 *   --broker URL            mqtt://host:1883 or ws://host:8083/mqtt (default mqtt://127.0.0.1:$MQTT_PORT, 1883)
 *   --credentials FILE      devices to run (JSON from `npm run cli -- device create`, one or an array)
 *   --devices N             without --credentials: create/reuse N devices on the local stack
 *                           (remembered in $DATA_DIR/emulator-devices.json). Default 1.
 *   --scenario A[,B…]       what the patients do: normal, fever, tachycardia, bradycardia, hypoxia,
 *                           motion, finger-off, low-perfusion, or steady (no signal chain); given
 *                           several, devices take them in turn. Default normal.
 *   --interval S            seconds between measurements (default 60, as the original firmware)
 *   --raw-stream            also publish 1-second raw PPG frames (thing/event/ppg/post)
 *   --state-dir DIR         where each device remembers settings and unsent readings
 *                           (default $DATA_DIR/emulator-state); --fresh forgets them first
 *   --login-timestamp MODE  wall-clock (default) | uptime | none
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { deviceIdOf, type DeviceCredentials } from '../core/alink';
import type { Invoke } from '../core/api';
import { ensureCredentials, readCredentials } from './credentials';
import { createDevice, type EmulatedDevice } from './device';
import { createFileStateStore } from './device/state-store';
import { checkSourceName, createVitalsSource } from './vitals';

function positiveInt(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number ≥ 1`);
  return n;
}

/** How the emulator reaches the functions to create its devices (injected by the entry point). */
export interface EmulatorCliDeps {
  openInvoker(opts: { url: string; dataDir: string }): Promise<{ invoke: Invoke; close(): Promise<void> }>;
  env?: NodeJS.ProcessEnv;
}

async function credentials(
  values: { credentials?: string; devices?: string; url?: string },
  dataDir: string,
  deps: EmulatorCliDeps,
  env: NodeJS.ProcessEnv,
): Promise<DeviceCredentials[]> {
  if (values.credentials) return readCredentials(values.credentials);
  const invoker = await deps.openInvoker({ url: values.url ?? `http://127.0.0.1:${env.HTTP_PORT ?? 3000}`, dataDir });
  try {
    return await ensureCredentials(join(dataDir, 'emulator-devices.json'), positiveInt('devices', values.devices, 1), invoker.invoke);
  } finally {
    await invoker.close();
  }
}

function statusLine(devices: EmulatedDevice[]): string {
  const sum = (f: (d: EmulatedDevice) => number) => devices.reduce((a, d) => a + f(d), 0);
  return [
    `online ${sum((d) => (d.connected() ? 1 : 0))}/${devices.length}`,
    `measured ${sum((d) => d.stats.measured)} (no reading ${sum((d) => d.stats.invalid)})`,
    `acknowledged ${sum((d) => d.stats.acked)}`,
    `rejected ${sum((d) => d.stats.rejected)}`,
    `buffered ${sum((d) => d.buffer().size)} (dropped ${sum((d) => d.buffer().dropped)})`,
  ].join(' · ');
}

/** Runs the emulator with these arguments until SIGINT/SIGTERM. */
export async function runEmulatorCli(argv: string[], deps: EmulatorCliDeps): Promise<void> {
  const env = deps.env ?? process.env;
  const { values } = parseArgs({
    args: argv,
    options: {
      // The same settings `npm start` was given, so one environment serves both.
      broker: { type: 'string', default: `mqtt://127.0.0.1:${env.MQTT_PORT || 1883}` },
      credentials: { type: 'string' },
      devices: { type: 'string' },
      scenario: { type: 'string', default: 'normal' },
      interval: { type: 'string' },
      'raw-stream': { type: 'boolean', default: false },
      'state-dir': { type: 'string' },
      fresh: { type: 'boolean', default: false },
      'login-timestamp': { type: 'string', default: 'wall-clock' },
      url: { type: 'string' },
      'data-dir': { type: 'string' },
    },
  });
  const mode = values['login-timestamp'];
  if (mode !== 'wall-clock' && mode !== 'uptime' && mode !== 'none') throw new Error('--login-timestamp must be wall-clock, uptime or none');
  const intervalS = positiveInt('interval', values.interval, 60);
  const scenarios = values.scenario.split(',').map((s) => s.trim());
  const now = Date.now();
  scenarios.forEach(checkSourceName); // fail before creating any device
  const dataDir = resolve(values['data-dir'] ?? env.DATA_DIR ?? './data');
  const stateDir = resolve(values['state-dir'] ?? join(dataDir, 'emulator-state'));
  if (values.fresh) rmSync(stateDir, { recursive: true, force: true });
  const creds = await credentials(values, dataDir, deps, env);
  // Devices take the scenarios in turn.
  const scenarioOf = (i: number) => {
    const name = scenarios[i % scenarios.length];
    if (name === undefined) throw new Error('--scenario names no scenario');
    return name;
  };
  const devices = creds.map((c, i) =>
    createDevice({
      brokerUrl: values.broker,
      credentials: c,
      source: createVitalsSource(scenarioOf(i), i + 1, now),
      settings: { intervalS },
      stateStore: createFileStateStore(stateDir, deviceIdOf(c)),
      rawStream: values['raw-stream'],
      loginTimestamp: mode,
    }),
  );
  await Promise.all(devices.map((d) => d.start()));
  console.log(`${devices.length} device(s) on ${values.broker} (${scenarios.join(', ')}), every ${intervalS} s unless remembered otherwise; Ctrl+C stops`);
  const tty = Boolean(process.stdout.isTTY);
  const status = setInterval(
    () => {
      if (tty) process.stdout.write(`\r${statusLine(devices)}   `);
      else console.log(statusLine(devices));
    },
    tty ? 1000 : 30_000,
  );
  const stop = () => {
    clearInterval(status);
    if (tty) process.stdout.write('\n');
    Promise.all(devices.map((d) => d.stop())).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
