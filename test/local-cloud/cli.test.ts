/**
 * The CLI as the README shows it, run as a separate process against a started stack over HTTP.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Stack } from '../../local-cloud/stack';
import { joinRelativeTimes } from '../../local-cloud/cli/time-arg';
import { createDevice, startStack, tempDir } from '../helpers/stack';

const run = promisify(execFile);
const TSX = join(__dirname, '../../node_modules/.bin/tsx');
const CLI = join(__dirname, '../../local-cloud/cli/index.ts');

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
});
