/**
 * Remote control end to end: the `command` function, the real broker and an emulated terminal.
 * Acknowledged commands change the device; a command to an offline device times out and its
 * desired state is applied when the device reconnects; every command is audited.
 */
import { createDevice as createEmulatedDevice, type EmulatedDevice } from '../../device-emulator/device';
import { createSteadySource } from '../../device-emulator/vitals/steady-source';
import type { Stack } from '../../local-cloud/stack';
import { topics } from '../../core/alink';
import { functionClient } from '../helpers/http';
import { connectDevice, createDevice, startStack, subscribe, tempDir } from '../helpers/stack';
import { until } from '../helpers/until';

type Json = Record<string, unknown>;

describe.each(['process', 'worker'] as const)('remote control (functions in %s)', (functionsIn) => {
  let dir: ReturnType<typeof tempDir>;
  let stack: Stack;
  const devices: EmulatedDevice[] = [];

  beforeEach(async () => {
    dir = tempDir();
    stack = await startStack(dir.path, { functionsIn });
  });
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.stop()));
    await stack.close();
    dir.remove();
  });

  const http = functionClient(() => stack.ports.http);
  const { data, login } = http;
  const call = async (fn: string, event: Json, token?: string) => (await http.call(fn, event, token)).body;

  async function setup() {
    const alice = await login('alice');
    const patient = await data('patients', { action: 'create', name: '王奶奶' }, alice);
    const creds = await createDevice(stack);
    await data('devices', { action: 'bind', patientId: patient.id, code: creds.bindCode }, alice);
    const terminal = createEmulatedDevice({
      brokerUrl: `mqtt://127.0.0.1:${stack.ports.mqtt}`,
      credentials: creds,
      source: createSteadySource(),
      reconnectBaseMs: 50,
    });
    devices.push(terminal);
    return { alice, patientId: patient.id as string, deviceId: creds.deviceId, terminal, creds };
  }

  test('a setting is acknowledged by the device and becomes its reported state', async () => {
    const { alice, deviceId, terminal } = await setup();
    await terminal.start();
    const r = await data('command', { action: 'set', deviceId, settings: { intervalS: 15 } }, alice);
    expect(r).toMatchObject({ result: 'acked', desired: { enabled: true, intervalS: 15 }, pending: false });
    expect(terminal.settings()).toEqual({ enabled: true, intervalS: 15 });
    // Storage learns presence through the message flow, which lets presence wait up to 250 ms for company.
    await until(async () => {
      const st = await data('command', { action: 'state', deviceId }, alice);
      return st.online === true && (st.reported as Json | undefined)?.intervalS === 15;
    }, 'the reported state and presence');
    const st = await data('command', { action: 'state', deviceId }, alice);
    expect(st).toMatchObject({ online: true, desired: { intervalS: 15 }, reported: { enabled: true, intervalS: 15 } });
    expect(st.audit).toEqual([expect.objectContaining({ action: 'set', result: 'acked', deviceId })]);
  });

  test('"measure now" is acknowledged with the measurement, which is stored', async () => {
    const { alice, patientId, deviceId, terminal } = await setup();
    await terminal.start();
    const r = await data('command', { action: 'measureNow', deviceId }, alice);
    expect(r).toMatchObject({ result: 'acked', data: { heartRate: expect.any(Number) } });
    await until(
      async () => ((await data('history', { patientId, from: Date.now() - 60_000, to: Date.now() + 1000 }, alice)).readings as unknown[]).length === 1,
      'the reading',
    );
  });

  test('an offline device times out, then gets the desired state when it reconnects', async () => {
    const { alice, deviceId, terminal } = await setup();
    const r = await data('command', { action: 'set', deviceId, settings: { enabled: false } }, alice);
    expect(r).toMatchObject({ result: 'timeout', offline: true, pending: true, desired: { enabled: false, intervalS: 60 } });
    await terminal.start();
    await until(() => terminal.settings().enabled === false, 'the desired state to reach the device');
    await until(
      async () => ((await data('command', { action: 'state', deviceId }, alice)).reported as Json | undefined)?.enabled === false,
      'the reported state',
    );
  });

  test('a device that does not answer in time gives "timeout"', async () => {
    const { alice, deviceId, creds } = await setup();
    // Logged in and listening, but never replying (a hung firmware).
    const mute = await connectDevice(stack, creds);
    await subscribe(mute, topics.propertySet(creds));
    const r = await data('command', { action: 'set', deviceId, settings: { intervalS: 20 }, timeoutMs: 150 }, alice);
    expect(r).toMatchObject({ result: 'timeout', offline: false, pending: true });
    await mute.endAsync();
  });

  test('a device that refuses a command gives "rejected"', async () => {
    const { alice, deviceId, creds } = await setup();
    // A firmware that knows no "measure now" service answers with an error code.
    const old = await connectDevice(stack, creds);
    await subscribe(old, topics.service(creds, '+'));
    old.on('message', (topic, payload) => {
      const req = JSON.parse(payload.toString()) as { id: string };
      old.publish(`${topic}_reply`, JSON.stringify({ id: req.id, code: 460, message: 'unknown service', data: {} }));
    });
    const r = await data('command', { action: 'measureNow', deviceId }, alice);
    expect(r).toMatchObject({ result: 'rejected', detail: expect.stringMatching(/460/) });
    expect(((await data('command', { action: 'state', deviceId }, alice)).audit as Json[])[0]).toMatchObject({ action: 'measureNow', result: 'rejected' });
    await old.endAsync();
  });

  test('family may command; strangers cannot even see the device; bad settings are refused', async () => {
    const { alice, patientId, deviceId, terminal } = await setup();
    await terminal.start();
    const invite = await data('patients', { action: 'createInvite', patientId }, alice);
    const carol = await login('carol');
    await data('patients', { action: 'redeemInvite', code: invite.code }, carol);
    expect((await data('command', { action: 'measureNow', deviceId }, carol)).result).toBe('acked');
    const bob = await login('bob');
    expect(await call('command', { action: 'set', deviceId, settings: { enabled: false } }, bob)).toMatchObject({ code: 'NOT_FOUND' });
    expect(await call('command', { action: 'state', deviceId }, bob)).toMatchObject({ code: 'NOT_FOUND' });
    for (const settings of [{ intervalS: 0 }, { intervalS: 1.5 }, { enabled: 'yes' }, {}]) {
      expect(await call('command', { action: 'set', deviceId, settings }, alice)).toMatchObject({ code: 'BAD_REQUEST' });
    }
    expect(terminal.settings()).toEqual({ enabled: true, intervalS: 60 });
  });
});
