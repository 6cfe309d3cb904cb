/**
 * The HTTP authentication/authorization endpoints a production broker (EMQX) calls give the same
 * answers as the embedded broker's hooks: one policy, two front doors.
 */
import { buildLogin, topics } from '../../core/alink';
import type { Stack } from '../../local-cloud/stack';
import { functionClient } from '../helpers/http';
import { createDevice, startStack, tempDir } from '../helpers/stack';

type Json = Record<string, unknown>;

describe('MQTT HTTP auth endpoints', () => {
  let dir: ReturnType<typeof tempDir>;
  let stack: Stack;
  beforeEach(async () => {
    dir = tempDir();
    stack = await startStack(dir.path, { serviceToken: 'service-test-token' });
  });
  afterEach(async () => {
    await stack.close();
    dir.remove();
  });

  async function post(path: string, body: unknown, token = 'service-test-token'): Promise<{ status: number; body: Json }> {
    const r = await fetch(`http://127.0.0.1:${stack.ports.http}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Json };
  }
  const { data: fn } = functionClient(() => stack.ports.http);

  test('authenticates devices by signature and people by their short-lived credentials', async () => {
    const dev = await createDevice(stack);
    const login = buildLogin(dev, { timestamp: Date.now() });
    const auth = (l: { clientId: string; username: string; password: string }) =>
      post('/mqtt/auth', { clientid: l.clientId, username: l.username, password: l.password });
    expect((await auth(login)).body).toEqual({ result: 'allow', is_superuser: false });
    expect((await auth({ ...login, password: login.password.slice(0, -1) + (login.password.endsWith('0') ? '1' : '0') })).body.result).toBe('deny');

    const token = (await fn('auth', { action: 'login', code: 'alice' })).token as string;
    const creds = (await fn('realtime', { action: 'credentials' }, token)) as unknown as {
      clientId: string;
      username: string;
      password: string;
      expiresAt: number;
    };
    // A person's answer carries the credentials' end (EMQX disconnects the client then); a device's none.
    expect((await auth(creds)).body).toEqual({ result: 'allow', is_superuser: false, expire_at: Math.floor(creds.expiresAt / 1000) });
    expect(creds.expiresAt - Date.now()).toBeLessThanOrEqual(3_600_000);
    expect((await auth({ ...creds, password: 'x.y' })).body.result).toBe('deny');
  });

  test('authorizes topics as the embedded broker does', async () => {
    const a = await createDevice(stack);
    const b = await createDevice(stack);
    const alice = (await fn('auth', { action: 'login', code: 'alice' })).token as string;
    const patient = await fn('patients', { action: 'create', name: 'P' }, alice);
    await fn('devices', { action: 'bind', patientId: patient.id, code: a.bindCode }, alice);
    const acl = async (username: string, action: string, topic: string) => (await post('/mqtt/acl', { clientid: 'x', username, action, topic })).body.result;
    const devUser = `${a.deviceName}&${a.productKey}`;
    const aliceUser = `user:${((await fn('auth', { action: 'me' }, alice)).user as Json).id as string}`;
    expect(await acl(devUser, 'publish', topics.propertyPost(a))).toBe('allow');
    expect(await acl(devUser, 'publish', topics.propertyPost(b))).toBe('deny');
    expect(await acl(devUser, 'subscribe', topics.propertySet(a))).toBe('allow');
    expect(await acl(devUser, 'subscribe', topics.propertySet(b))).toBe('deny');
    expect(await acl(aliceUser, 'subscribe', topics.propertyPost(a))).toBe('allow');
    expect(await acl(aliceUser, 'subscribe', topics.propertyPost(b))).toBe('deny');
    expect(await acl(aliceUser, 'publish', topics.propertySet(a))).toBe('deny');
    expect(await acl('nobody', 'subscribe', '#')).toBe('deny');
    expect(await acl(devUser, 'delete', topics.propertyPost(a))).toBe('deny');
  });

  test('only the service token may ask, and malformed requests are denied', async () => {
    expect((await post('/mqtt/auth', { clientid: 'x' }, 'wrong')).status).toBe(401);
    expect((await post('/mqtt/auth', 'null')).body.result).toBe('deny');
    expect((await post('/mqtt/acl', '{"topic": 5}')).body.result).toBe('deny');
    expect((await post('/mqtt/auth', '{not json')).body.result).toBe('deny');
  });
});
