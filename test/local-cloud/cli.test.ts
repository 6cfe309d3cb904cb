/**
 * The CLI as the README shows it, run as a separate process against a started stack over HTTP.
 */
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Stack } from '../../local-cloud/stack';
import { joinRelativeTimes } from '../../local-cloud/cli/time-arg';
import { createDevice, startStack, tempDir } from '../helpers/stack';
import { until } from '../helpers/until';
import { fhirIssues, loadFhirDefinitions } from '../helpers/fhir';
import { CSV_HEADER, type FhirBundle } from '../../core/export';

const run = promisify(execFile);
const TSX = join(__dirname, '../../node_modules/.bin/tsx');
const CLI = join(__dirname, '../../local-cloud/cli/index.ts');
const EMULATOR = join(__dirname, '../../local-cloud/emulator.ts');

describe('CLI', () => {
  let dir: ReturnType<typeof tempDir>;
  let stack: Stack;
  beforeAll(async () => {
    loadFhirDefinitions();
    dir = tempDir();
    stack = await startStack(dir.path);
  });
  afterAll(async () => {
    await stack.close();
    dir.remove();
  });
  const cli = (...args: string[]) => run(TSX, [CLI, ...args, '--url', `http://127.0.0.1:${stack.ports.http}`, '--data-dir', dir.path], { timeout: 60_000 });

  test('a relative time after --from or --to is a value, not an option', () => {
    expect(joinRelativeTimes(['history', 'pk/dn', '--from', '-15m', '--to', '-1m', '--json'])).toEqual([
      'history',
      'pk/dn',
      '--from=-15m',
      '--to=-1m',
      '--json',
    ]);
    expect(joinRelativeTimes(['history', 'pk/dn', '--from', 'now', '--json'])).toEqual(['history', 'pk/dn', '--from', 'now', '--json']);
  });

  test('`history <deviceId> --from -15m` as the README writes it', async () => {
    const d = await createDevice(stack);
    const now = Date.now();
    await stack.store.appendReadings([
      {
        deviceId: d.deviceId,
        receivedAt: now,
        readings: [
          { ts: now - 60_000, heartRate: 71 },
          { ts: now - 20 * 60_000, heartRate: 99 },
        ],
      },
    ]);
    const { stdout } = await cli('history', d.deviceId, '--from', '-15m');
    expect(stdout).toContain(`1 readings of ${d.deviceId}`);
    expect(stdout).toContain('71 bpm');
    const list = await cli('device', 'list', '--json');
    expect(JSON.parse(list.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ id: d.deviceId, readings: 2 })]));
  }, 90_000);

  test('`history <deviceId> --format csv|fhir` exports through history.export, as the console does', async () => {
    const d = await createDevice(stack);
    const now = Date.now();
    await stack.store.appendReadings([
      {
        deviceId: d.deviceId,
        receivedAt: now,
        readings: [
          { ts: now - 60_000, heartRate: 71, spo2: 97 },
          { ts: now - 30_000, temperature: 36.8 },
        ],
      },
    ]);
    const csv = await cli('history', d.deviceId, '--from', '-15m', '--format', 'csv', '--tz', 'Asia/Shanghai');
    const lines = csv.stdout.trimEnd().split('\r\n');
    expect(lines[0]).toBe(CSV_HEADER);
    expect(lines.slice(1).map((l) => l.split(',').slice(2).join(','))).toEqual([',71,97', '36.8,,']);
    expect(lines[1].split(',')[1]).toMatch(/\+08:00$/);
    const fhir = JSON.parse((await cli('history', d.deviceId, '--from', '-15m', '--format', 'fhir')).stdout) as FhirBundle;
    expect(fhir.entry.map((e) => e.resource.code.coding[0].code)).toEqual(['8867-4', '59408-5', '8310-5']);
    expect(fhir.entry[0].resource.subject).toMatchObject({ type: 'Device', identifier: { value: d.deviceId } });
    expect(fhirIssues(fhir).filter((i) => i.startsWith('error'))).toEqual([]);
    await expect(cli('history', d.deviceId, '--format', 'xml')).rejects.toThrow(/--format must be one of csv, fhir/);
  }, 90_000);

  test('`npm run emulator -- --devices 1` creates its device through the running stack and reports, on the ports npm start was given', async () => {
    const before = new Set((await stack.store.listDevices()).map((d) => d.id));
    const added = async () => (await stack.store.listDevices()).find((d) => !before.has(d.id));
    const env = { ...process.env, MQTT_PORT: String(stack.ports.mqtt), HTTP_PORT: String(stack.ports.http), DATA_DIR: dir.path };
    const child = spawn(TSX, [EMULATOR, '--devices', '1', '--interval', '1', '--fresh'], { env, stdio: 'ignore' });
    try {
      await until(async () => (await added()) !== undefined, 'the emulator to create its device', 60_000);
      await until(async () => ((await added())?.readings ?? 0) > 0, 'a reading from the emulated device', 60_000);
    } finally {
      // It remembers its state in the data folder: let it finish before the folder goes.
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }, 120_000);
});
