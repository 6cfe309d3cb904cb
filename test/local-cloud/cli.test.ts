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

const run = promisify(execFile);
const TSX = join(__dirname, '../../node_modules/.bin/tsx');
const CLI = join(__dirname, '../../local-cloud/cli/index.ts');
const EMULATOR = join(__dirname, '../../local-cloud/emulator.ts');

describe('CLI', () => {
  let dir: ReturnType<typeof tempDir>;
  let stack: Stack;
  beforeAll(async () => {
    dir = tempDir();
    stack = await startStack(dir.path);
  });
  afterAll(async () => {
    await stack.close();
    dir.remove();
  });
  const cli = (...args: string[]) => run(TSX, [CLI, ...args, '--url', `http://127.0.0.1:${stack.ports.http}`, '--data-dir', dir.path], { timeout: 60_000 });

  test('a relative time after --from or --to is a value, not an option', () => {
    expect(joinRelativeTimes(['history', 'pk/dn', '--from', '-15m', '--to', '-1m', '--json'])).toEqual(['history', 'pk/dn', '--from=-15m', '--to=-1m', '--json']);
    expect(joinRelativeTimes(['history', 'pk/dn', '--from', 'now', '--json'])).toEqual(['history', 'pk/dn', '--from', 'now', '--json']);
  });

  test('`history <deviceId> --from -15m` as the README writes it', async () => {
    const d = await createDevice(stack);
    const now = Date.now();
    await stack.store.appendReadings([{ deviceId: d.deviceId, receivedAt: now, readings: [{ ts: now - 60_000, heartRate: 71 }, { ts: now - 20 * 60_000, heartRate: 99 }] }]);
    const { stdout } = await cli('history', d.deviceId, '--from', '-15m');
    expect(stdout).toContain(`1 readings of ${d.deviceId}`);
    expect(stdout).toContain('71 bpm');
    const list = await cli('device', 'list', '--json');
    expect(JSON.parse(list.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ id: d.deviceId, readings: 2 })]));
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
