/**
 * Users, patients and family access through the real function host over HTTP: each user sees only
 * the patients they follow, roles limit what family members may change, removal takes effect at
 * once, and tampered, expired or revoked session tokens are refused.
 */
import { buildRequest, topics } from '../../core/alink';
import type { Stack } from '../../local-cloud/stack';
import { functionClient } from '../helpers/http';
import { connectDevice, createDevice, publish, startStack, tempDir } from '../helpers/stack';

type Json = Record<string, unknown>;

describe('users, patients and family access', () => {
  let dir: ReturnType<typeof tempDir>;
  let stack: Stack;
  let clock: number;

  beforeEach(async () => {
    dir = tempDir();
    clock = Date.now();
    stack = await startStack(dir.path, { now: () => clock });
  });
  afterEach(async () => {
    await stack.close();
    dir.remove();
  });

  const { call, data, login } = functionClient(() => stack.ports.http);
  const code = (r: { body: Json }) => (r.body.ok ? 'OK' : r.body.code);

  /** Alice owns a patient with a bound device that has one stored reading. */
  async function aliceWithPatient() {
    const alice = await login('alice');
    const patient = await data('patients', { action: 'create', name: '王奶奶', birthDate: '1942-03-08', sex: 'female' }, alice);
    const device = await createDevice(stack);
    await data('devices', { action: 'bind', patientId: patient.id, code: device.bindCode.toLowerCase() }, alice);
    const c = await connectDevice(stack, device);
    await publish(c, topics.propertyPost(device), buildRequest('1', 'thing.event.property.post', { HeartRate: { value: 71, time: clock } }));
    await c.endAsync();
    return { alice, patientId: patient.id as string, device };
  }
  const historyOf = (patientId: string, token: string) => call('history', { patientId, from: clock - 3_600_000, to: clock + 1000 }, token);

  test('an owner sees the readings of their patient; another user sees nothing of it', async () => {
    const { alice, patientId } = await aliceWithPatient();
    expect((await data('history', { patientId, from: clock - 3_600_000, to: clock + 1000 }, alice)).readings).toEqual([{ ts: clock, heartRate: 71 }]);
    const bob = await login('bob');
    expect(code(await historyOf(patientId, bob))).toBe('NOT_FOUND');
    expect(code(await call('patients', { action: 'get', patientId }, bob))).toBe('NOT_FOUND');
    expect(code(await call('patients', { action: 'createInvite', patientId }, bob))).toBe('NOT_FOUND');
    expect(await data('patients', { action: 'list' }, bob)).toEqual([]);
    expect(await data('devices', { action: 'mine' }, bob)).toEqual([]);
  });

  test("a device bound to someone else's patient cannot be taken or unbound", async () => {
    const { device } = await aliceWithPatient();
    const bob = await login('bob');
    const bobs = await data('patients', { action: 'create', name: 'Bob Sr.' }, bob);
    expect(code(await call('devices', { action: 'bind', patientId: bobs.id, code: device.bindCode }, bob))).toBe('CONFLICT');
    expect(code(await call('devices', { action: 'unbind', deviceId: device.deviceId }, bob))).toBe('NOT_FOUND');
    expect(code(await call('history', { deviceId: device.deviceId, from: clock - 1000, to: clock }, bob))).toBe('FORBIDDEN');
    expect(code(await call('devices', { action: 'list' }, bob))).toBe('FORBIDDEN');
  });

  test('family joins with a one-time invite, may read but not manage, and loses access at once when removed', async () => {
    const { alice, patientId } = await aliceWithPatient();
    const invite = await data('patients', { action: 'createInvite', patientId }, alice);
    const carol = await login('carol');
    expect(await data('patients', { action: 'redeemInvite', code: invite.code }, carol)).toMatchObject({ patientId, role: 'family', joined: true });
    expect(code(await historyOf(patientId, carol))).toBe('OK');
    expect(code(await call('patients', { action: 'update', patientId, name: 'x' }, carol))).toBe('FORBIDDEN');
    expect(code(await call('patients', { action: 'createInvite', patientId }, carol))).toBe('FORBIDDEN');
    expect(code(await call('devices', { action: 'bind', patientId, code: 'ABCDE-FGHJK' }, carol))).toBe('FORBIDDEN');

    const bob = await login('bob');
    expect(code(await call('patients', { action: 'redeemInvite', code: invite.code }, bob))).toBe('CONFLICT'); // one-time

    const members = (await data('patients', { action: 'members', patientId }, alice)) as unknown as Array<{ userId: string; role: string }>;
    const carolId = members.find((m) => m.role === 'family')?.userId;
    await data('patients', { action: 'removeMember', patientId, userId: carolId }, alice);
    expect(code(await historyOf(patientId, carol))).toBe('NOT_FOUND');
    expect(await data('patients', { action: 'list' }, carol)).toEqual([]);
  });

  test('an invite expires after 24 hours', async () => {
    const { alice, patientId } = await aliceWithPatient();
    const invite = await data('patients', { action: 'createInvite', patientId }, alice);
    const dave = await login('dave');
    clock += 24 * 3_600_000 + 1;
    expect(await call('patients', { action: 'redeemInvite', code: invite.code }, dave)).toMatchObject({
      body: { code: 'CONFLICT', message: expect.stringMatching(/expired/) },
    });
  });

  test('readings stay with the patient who was wearing the device when it was moved', async () => {
    const { alice, patientId, device } = await aliceWithPatient();
    const second = await data('patients', { action: 'create', name: '李爷爷' }, alice);
    clock += 60_000;
    await data('devices', { action: 'bind', patientId: second.id, code: device.bindCode }, alice);
    clock += 60_000;
    const c = await connectDevice(stack, device);
    await publish(c, topics.propertyPost(device), buildRequest('2', 'thing.event.property.post', { HeartRate: { value: 88, time: clock } }));
    await c.endAsync();
    const read = async (id: string) =>
      ((await data('history', { patientId: id, from: clock - 3_600_000, to: clock + 1 }, alice)).readings as Json[]).map((r) => r.heartRate);
    expect(await read(patientId)).toEqual([71]);
    expect(await read(second.id as string)).toEqual([88]);
  });

  test.each([
    ['tampered', (t: string) => `${t.slice(0, -2)}${t.endsWith('xx') ? 'yy' : 'xx'}`],
    [
      'forged payload',
      (t: string) => `${Buffer.from(JSON.stringify({ sid: 's', sub: 'u', oid: 'dev:alice', exp: 9e15 })).toString('base64url')}.${t.split('.')[1]}`,
    ],
    ['garbage', () => 'not-a-token'],
  ])('refuses a %s token', async (_n, mangle) => {
    const token = await login('alice');
    expect(await call('patients', { action: 'list' }, mangle(token))).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
  });

  test('a session expires after 7 days and ends at logout', async () => {
    const token = await login('alice');
    expect(code(await call('patients', { action: 'list' }, token))).toBe('OK');
    await data('auth', { action: 'logout' }, token);
    expect((await call('patients', { action: 'list' }, token)).status).toBe(401);
    const again = await login('alice');
    clock += 7 * 86_400_000 + 1;
    expect((await call('patients', { action: 'list' }, again)).status).toBe(401);
  });

  test.each([
    [{ name: '' }, /name/],
    [{ name: 'x'.repeat(33) }, /name/],
    [{ name: 'A', birthDate: '1942-02-30' }, /not a date/],
    [{ name: 'A', birthDate: '2999-01-01' }, /between 1900 and today/],
    [{ name: 'A', sex: 'x' }, /sex/],
    [{ name: 'A', notes: 'n'.repeat(501) }, /notes/],
  ])('rejects the profile %j', async (profile, message) => {
    const token = await login('alice');
    expect((await call('patients', { action: 'create', ...profile }, token)).body).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(message),
    });
  });
});
