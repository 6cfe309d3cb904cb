/**
 * `npm run emulator -- [options]`: runs emulated bedside terminals against any MQTT broker.
 *
 *   --broker URL            mqtt://host:1883 or ws://host:8083/mqtt (default mqtt://127.0.0.1:1883)
 *   --credentials FILE      devices to run (JSON from `npm run cli -- device create`, one or an array)
 *   --devices N             without --credentials: create/reuse N devices on the local stack
 *                           (remembered in $DATA_DIR/emulator-devices.json). Default 1.
 *   --interval S            seconds between measurements (default 60, as the original firmware)
 *   --login-timestamp MODE  wall-clock (default) | uptime | none
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { DeviceCredentials } from '../core/alink';
import { createInvoker } from '../local-cloud/cli/invoker';
import { ensureCredentials, readCredentials } from './credentials';
import { createDevice, EmulatedDevice } from './device';
import { createSteadySource } from './vitals/steady-source';

function positiveInt(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number ≥ 1`);
  return n;
}

async function credentials(values: { credentials?: string; devices?: string; url?: string; 'data-dir'?: string }): Promise<DeviceCredentials[]> {
  if (values.credentials) return readCredentials(values.credentials);
  const dataDir = resolve(values['data-dir'] ?? process.env.DATA_DIR ?? './data');
  const invoker = await createInvoker({ url: values.url ?? `http://127.0.0.1:${process.env.HTTP_PORT ?? 3000}`, dataDir });
  try {
    return await ensureCredentials(join(dataDir, 'emulator-devices.json'), positiveInt('devices', values.devices, 1), invoker.invoke);
  } finally {
    await invoker.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      broker: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
      credentials: { type: 'string' },
      devices: { type: 'string' },
      interval: { type: 'string' },
      'login-timestamp': { type: 'string', default: 'wall-clock' },
      url: { type: 'string' },
      'data-dir': { type: 'string' },
    },
  });
  const mode = values['login-timestamp'];
  if (mode !== 'wall-clock' && mode !== 'uptime' && mode !== 'none') throw new Error('--login-timestamp must be wall-clock, uptime or none');
  const intervalS = positiveInt('interval', values.interval, 60);
  const creds = await credentials(values);
  const devices: EmulatedDevice[] = creds.map((c, i) =>
    createDevice({ brokerUrl: values.broker, credentials: c, source: createSteadySource({ seed: i + 1 }), settings: { intervalS }, loginTimestamp: mode }),
  );
  await Promise.all(devices.map((d) => d.start()));
  console.log(`${devices.length} device(s) connected to ${values.broker}, measuring every ${intervalS} s; Ctrl+C stops`);
  const status = setInterval(() => {
    const sum = (k: 'published' | 'acked' | 'rejected') => devices.reduce((a, d) => a + d.stats[k], 0);
    const line = `published ${sum('published')} · acknowledged ${sum('acked')} · rejected ${sum('rejected')}`;
    if (process.stdout.isTTY) process.stdout.write(`\r${line}   `);
    else console.log(line);
  }, process.stdout.isTTY ? 1000 : 30_000);
  const stop = () => {
    clearInterval(status);
    Promise.all(devices.map((d) => d.stop())).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
});
