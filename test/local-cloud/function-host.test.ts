/** The local function host over real HTTP. */
import { startStack, tempDir } from '../helpers/stack';
import type { Stack } from '../../local-cloud/stack';

describe('function host', () => {
  let dir: ReturnType<typeof tempDir>;
  let stack: Stack;
  beforeEach(async () => {
    dir = tempDir();
    stack = await startStack(dir.path, { adminToken: 'admin-test-token' });
  });
  afterEach(async () => {
    await stack.close();
    dir.remove();
  });

  const call = (path: string, body?: string, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${stack.ports.http}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
  const admin = { authorization: 'Bearer admin-test-token' };

  test('returns the function result as JSON, the shape callFunction gives as `result`', async () => {
    const created = await call('/functions/devices', JSON.stringify({ action: 'create', deviceName: 'bed-001' }), admin);
    expect(created).toMatchObject({
      status: 200,
      body: { ok: true, data: { deviceId: 'rpmTerminal/bed-001', deviceSecret: expect.stringMatching(/^[0-9a-f]{32}$/) } },
    });
    const list = await call('/functions/devices', '{"action":"list"}', admin);
    expect(list.body).toMatchObject({ ok: true, data: [{ id: 'rpmTerminal/bed-001', online: false, readings: 0 }] });
    expect(JSON.stringify(list.body)).not.toContain('secret');
  });

  test('reports health', async () => {
    expect(await call('/health')).toEqual({ status: 200, body: { ok: true, data: { status: 'up', devicesOnline: 0, devices: 0, readings: 0 } } });
  });

  test.each([
    ['no token', {}, 200, 'UNAUTHENTICATED'],
    ['a wrong token', { authorization: 'Bearer nope' }, 401, 'UNAUTHENTICATED'],
    ['a malformed header', { authorization: 'Basic abc' }, 401, 'UNAUTHENTICATED'],
  ])('refuses a call with %s', async (_n, headers, status, code) => {
    expect(await call('/functions/devices', '{"action":"list"}', headers)).toMatchObject({ status, body: { ok: false, code } });
  });

  test('identity never comes from the event body', async () => {
    const r = await call('/functions/devices', JSON.stringify({ action: 'list', caller: { kind: 'admin' } }));
    expect(r.body).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
  });

  test('only backend services may call ingest', async () => {
    const r = await call('/functions/ingest', '{"messages":[]}', admin);
    expect(r.body).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  test.each([
    ['an unknown function', '/functions/nope', '{}', 404, 'NOT_FOUND'],
    ['an unknown path', '/elsewhere', '{}', 404, 'NOT_FOUND'],
    ['malformed JSON', '/functions/devices', '{"action":', 400, 'BAD_REQUEST'],
    ['an oversize body', '/functions/devices', JSON.stringify({ pad: 'x'.repeat(1_100_000) }), 413, 'PAYLOAD_TOO_LARGE'],
  ])('answers %s with a clear error', async (_n, path, body, status, code) => {
    expect(await call(path, body, admin)).toMatchObject({ status, body: { ok: false, code } });
  });

  test.each([
    ['an unknown action', { action: 'drop' }, /unknown action/],
    ['a bad device name', { action: 'create', deviceName: 'x' }, /deviceName/],
    ['a bad product key', { action: 'create', productKey: 'p-k' }, /productKey/],
    ['a bad login policy', { action: 'create', loginPolicy: 'none' }, /loginPolicy/],
  ])('devices rejects %s', async (_n, event, message) => {
    const r = await call('/functions/devices', JSON.stringify(event), admin);
    expect(r.body).toMatchObject({ ok: false, code: 'BAD_REQUEST', message: expect.stringMatching(message) });
  });

  test.each([
    ['no deviceId', { from: 0, to: 1 }, 'BAD_REQUEST'],
    ['a reversed range', { deviceId: 'rpmTerminal/bed-001', from: 10, to: 5 }, 'BAD_REQUEST'],
    ['an unknown mode', { deviceId: 'rpmTerminal/bed-001', from: 0, to: 5, mode: 'all' }, 'BAD_REQUEST'],
    ['an unknown device', { deviceId: 'rpmTerminal/none', from: 0, to: 5 }, 'NOT_FOUND'],
  ])('history rejects %s', async (_n, event, code) => {
    expect((await call('/functions/history', JSON.stringify(event), admin)).body).toMatchObject({ ok: false, code });
  });
});
