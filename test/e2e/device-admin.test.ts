/**
 * Operators disable devices and rotate their secrets over the real function host: the device's
 * open MQTT connection is closed at once and its next login refused; a rotated secret replaces the
 * old one; only operators may do either.
 */
import type { MqttClient } from 'mqtt';
import type { Stack } from '../../local-cloud/stack';
import { functionClient } from '../helpers/http';
import { closed, connectDevice, createDevice, startStack, tempDir } from '../helpers/stack';

type Json = Record<string, unknown>;

/** The CONNACK return code of a refused login (mqtt.js puts it on the error). */
async function refusal(p: Promise<MqttClient>): Promise<number | string> {
  try {
    const c = await p;
    await c.endAsync(true);
    return 'connected';
  } catch (e) {
    return (e as { code?: number }).code ?? String(e);
  }
}

describe('device administration', () => {
  let dir: ReturnType<typeof tempDir>;
  let stack: Stack;
  const { call, data, login } = functionClient(() => stack.ports.http);
  const admin = (event: Json) => data('devices', event, stack.adminToken);

  beforeEach(async () => {
    dir = tempDir();
    stack = await startStack(dir.path);
  });
  afterEach(async () => {
    await stack.close();
    dir.remove();
  });

  test('a disabled device is disconnected at once and refused until enabled again', async () => {
    const creds = await createDevice(stack);
    const c = await connectDevice(stack, creds);
    const gone = closed(c);
    expect(await admin({ action: 'disable', deviceId: creds.deviceId })).toMatchObject({
      deviceId: creds.deviceId,
      disabled: true,
      disabledAt: expect.any(Number),
    });
    await gone;
    c.end(true);
    // MQTT 3.1.1 CONNACK 5: not authorized.
    expect(await refusal(connectDevice(stack, creds))).toBe(5);
    const listed = ((await admin({ action: 'list' })) as unknown as Json[]).find((d) => d.id === creds.deviceId);
    expect(listed?.disabledAt).toEqual(expect.any(Number));

    expect(await admin({ action: 'enable', deviceId: creds.deviceId })).toEqual({ deviceId: creds.deviceId, disabled: false });
    expect(await refusal(connectDevice(stack, creds))).toBe('connected');
  });

  test('with the functions in their worker thread (as `npm start` runs them) the device is disconnected too', async () => {
    await stack.close();
    stack = await startStack(dir.path, { functionsIn: 'worker' });
    const creds = await createDevice(stack);
    const c = await connectDevice(stack, creds);
    const gone = closed(c);
    await admin({ action: 'disable', deviceId: creds.deviceId });
    await gone;
    c.end(true);
    expect(await refusal(connectDevice(stack, creds))).toBe(5);
  });

  test('a rotated secret ends the old one at once; the new one signs in', async () => {
    const creds = await createDevice(stack);
    const c = await connectDevice(stack, creds);
    const gone = closed(c);
    const rotated = await admin({ action: 'rotateSecret', deviceId: creds.deviceId });
    expect(rotated.deviceSecret).toEqual(expect.any(String));
    expect(rotated.deviceSecret).not.toBe(creds.deviceSecret);
    await gone;
    c.end(true);
    // CONNACK 4: bad user name or password.
    expect(await refusal(connectDevice(stack, creds))).toBe(4);
    expect(await refusal(connectDevice(stack, { ...creds, deviceSecret: rotated.deviceSecret as string }))).toBe('connected');
  });

  test('only operators; unknown devices and bad input get clear errors', async () => {
    const creds = await createDevice(stack);
    const alice = await login('alice');
    const code = async (event: Json, token?: string) => ((await call('devices', event, token)).body as Json).code ?? 'OK';
    for (const action of ['disable', 'enable', 'rotateSecret']) {
      expect(await code({ action, deviceId: creds.deviceId }, alice)).toBe('FORBIDDEN');
      expect(await code({ action, deviceId: 'rpmTerminal/nobody' }, stack.adminToken)).toBe('NOT_FOUND');
      expect(await code({ action }, stack.adminToken)).toBe('BAD_REQUEST');
    }
    expect(await refusal(connectDevice(stack, creds))).toBe('connected');
  });
});
