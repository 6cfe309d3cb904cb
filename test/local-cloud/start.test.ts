/** `npm start` as a user runs it: a real process, signals, and the one-line port error. */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { functionClient } from '../helpers/http';
import { tempDir } from '../helpers/stack';

const root = join(__dirname, '..', '..');

function run(env: Record<string, string>, viaNpm = false) {
  const [cmd, args] = viaNpm ? ['npm', ['start']] : [process.execPath, ['--import', 'tsx', join(root, 'local-cloud/start.ts')]];
  const child = spawn(cmd as string, args as string[], { cwd: root, env: { ...process.env, ...env } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const output = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => (pattern.test(out) ? resolve() : undefined);
      child.stdout.on('data', check);
      child.stderr.on('data', check);
      void exited.then(() => (pattern.test(out) ? resolve() : reject(new Error(`exited without ${pattern}: ${out}`))));
    });
  return { child, exited, output, text: () => out };
}

test('starts, reports where it listens, and stops cleanly on SIGTERM', async () => {
  const dir = tempDir();
  const p = run({
    DATA_DIR: dir.path,
    MQTT_PORT: '0',
    MQTT_WS_PORT: '0',
    MQTT_TLS_PORT: '0',
    HTTP_PORT: '0',
    DEMO_DEVICES: '1',
    HOST: '127.0.0.1',
    MQTT_HOST: '127.0.0.1',
  });
  await p.output(/Ctrl\+C stops/);
  expect(p.text()).toMatch(/MQTT \(devices\)\s+mqtt:\/\/127\.0\.0\.1:\d+/);

  // The demo device's bind code is printed, and binding it in the mini program's way works.
  const code = /demo-1\s+bind code ([0-9A-Z]{5}-[0-9A-Z]{5})/.exec(p.text())?.[1];
  expect(code).toBeDefined();
  const port = /Functions \(HTTP\)\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(p.text())![1];
  const http = functionClient(() => Number(port));
  const token = await http.login('starter');
  const patient = await http.data('patients', { action: 'create', name: '王奶奶' }, token);
  expect(await http.data('devices', { action: 'bind', patientId: patient.id, code }, token)).toMatchObject({ deviceId: 'rpmDemo0001/demo-1' });

  p.child.kill('SIGTERM');
  expect(await p.exited).toBe(0);
  expect(p.text()).toMatch(/stopped; all acknowledged readings are stored/);
  dir.remove();
}, 30_000);

test('a port in use is a one-line error naming the setting', async () => {
  const dir = tempDir();
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const port = (blocker.address() as { port: number }).port;
  const p = run({
    DATA_DIR: dir.path,
    MQTT_PORT: String(port),
    MQTT_WS_PORT: '0',
    MQTT_TLS_PORT: 'off',
    HTTP_PORT: '0',
    DEMO_DEVICES: '0',
    HOST: '127.0.0.1',
    MQTT_HOST: '127.0.0.1',
  });
  expect(await p.exited).toBe(1);
  expect(p.text().trim()).toBe(`error: port ${port} for MQTT (TCP) is already in use (another instance running?); choose another with MQTT_PORT=<port>`);
  blocker.close();
  dir.remove();
}, 30_000);

test('the function host stays on loopback by default, and says so when it is exposed', async () => {
  const dir = tempDir();
  const local = run({
    DATA_DIR: dir.path,
    MQTT_PORT: '0',
    MQTT_WS_PORT: '0',
    MQTT_TLS_PORT: '0',
    HTTP_PORT: '0',
    DEMO_DEVICES: '0',
    HOST: '',
    MQTT_HOST: '127.0.0.1',
  });
  await local.output(/Ctrl\+C stops/);
  expect(local.text()).toMatch(/Functions \(HTTP\)\s+http:\/\/127\.0\.0\.1:\d+/);
  expect(local.text()).not.toMatch(/warning: the function host listens/);
  local.child.kill('SIGTERM');
  expect(await local.exited).toBe(0);

  const exposed = run({
    DATA_DIR: dir.path,
    MQTT_PORT: '0',
    MQTT_WS_PORT: '0',
    MQTT_TLS_PORT: '0',
    HTTP_PORT: '0',
    DEMO_DEVICES: '0',
    HOST: '0.0.0.0',
    MQTT_HOST: '127.0.0.1',
  });
  await exposed.output(/Ctrl\+C stops/);
  expect(exposed.text()).toMatch(/warning: the function host listens on 0\.0\.0\.0: anyone who can reach port \d+ can sign in as any/);
  exposed.child.kill('SIGTERM');
  expect(await exposed.exited).toBe(0);
  dir.remove();
}, 30_000);

test('SIGTERM to the npm process (a supervisor, `kill PID`) stops the whole stack in order', async () => {
  const dir = tempDir();
  const p = run(
    { DATA_DIR: dir.path, MQTT_PORT: '0', MQTT_WS_PORT: '0', MQTT_TLS_PORT: '0', HTTP_PORT: '0', DEMO_DEVICES: '1', HOST: '127.0.0.1', MQTT_HOST: '127.0.0.1' },
    true,
  );
  await p.output(/Ctrl\+C stops/);
  const port = /Functions \(HTTP\)\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(p.text())![1];
  expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  p.child.kill('SIGTERM');
  expect(await p.exited).toBe(0);
  expect(p.text()).toMatch(/stopped; all acknowledged readings are stored/);
  // Nothing is left holding the ports: the stack itself stopped, not only npm.
  await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  dir.remove();
}, 30_000);
