/**
 * The mini program's service layer in Node: HTTP to the real function host, the session kept in
 * storage, a refused session signed in again, and every failure turned into a typed result.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { ErrorCode } from '../../core';
import { createServices } from '../../miniprogram/services/index';
import { createCloudTransport, createHttpTransport } from '../../miniprogram/services/transport';
import { nodePlatform, nodeRequest } from './helpers/platform';
import { localConfig, phoneServices, useLocalStack } from './helpers/services';

const stack = useLocalStack();

test('the first call signs in with a development code kept in storage, and the same user comes back', async () => {
  const phone = phoneServices(stack());
  const me = await phone.services.api.me();
  expect(me.ok).toBe(true);
  const code = phone.storage.getStorageSync('rpm.devCode') as string;
  expect(code).toMatch(/^wx[0-9a-z]{10}$/);
  const again = createServices({ ...nodePlatform().platform, storage: phone.storage }, localConfig(stack()));
  const me2 = await again.api.me();
  expect(me2.ok && me.ok && me2.data.user.id).toBe(me.ok && me.data.user.id);
});

test('concurrent first calls share one sign-in', async () => {
  const calls: string[] = [];
  const np = nodePlatform({
    request: (o) => {
      calls.push(JSON.parse(o.data).action ?? '');
      return nodeRequest(o);
    },
  });
  np.storage.setStorageSync('rpm.devCode', 'concurrent');
  const s = createServices(np.platform, localConfig(stack()));
  const results = await Promise.all([s.api.patients(), s.api.myDevices(), s.api.me()]);
  expect(results.every((r) => r.ok)).toBe(true);
  expect(calls.filter((a) => a === 'login')).toHaveLength(1);
});

test('a revoked session is replaced by signing in again, once, and the call succeeds', async () => {
  const phone = phoneServices(stack(), 'revoked');
  expect((await phone.services.api.patients()).ok).toBe(true);
  const before = phone.services.session.token();
  expect((await phone.services.api.logout()).ok).toBe(true);
  const r = await phone.services.api.patients();
  expect(r.ok).toBe(true);
  expect(phone.services.session.token()).not.toBe(before);
});

test('an expired stored session is not sent; a new one is made first', async () => {
  const np = nodePlatform();
  np.storage.setStorageSync('rpm.devCode', 'expired');
  np.storage.setStorageSync('rpm.session', { token: 'stale', expiresAt: Date.now() - 1, user: { id: 'u', openid: 'dev:expired', name: 'x', createdAt: 0 } });
  const s = createServices(np.platform, localConfig(stack()));
  expect(await s.api.patients()).toEqual({ ok: true, data: [] });
  expect(s.session.token()).not.toBe('stale');
});

test('an avatar upload with a revoked session signs in again, once, and succeeds', async () => {
  const phone = phoneServices(stack(), 'avatar-revoked');
  expect((await phone.services.api.logout()).ok).toBe(true);
  const file = join(tmpdir(), `rpm-svc-avatar-${process.pid}.png`);
  writeFileSync(file, Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'));
  try {
    expect(await phone.services.avatars.upload(file)).toEqual({ ok: true, data: expect.stringMatching(/^\/files\/avatars\/[0-9a-f]{32}\.png$/) });
  } finally {
    rmSync(file);
  }
});

test('an avatar file that cannot be read is UNAVAILABLE, with the reason', async () => {
  const phone = phoneServices(stack(), 'avatar-missing');
  expect(await phone.services.avatars.upload('/nonexistent/tmp_avatar.jpg')).toMatchObject({
    ok: false,
    code: ErrorCode.Unavailable,
    message: expect.stringContaining('uploadFile:fail'),
  });
});

describe('failures become results', () => {
  let html: Server;
  beforeAll(async () => {
    html = createServer((_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>'));
    await new Promise<void>((r) => html.listen(0, '127.0.0.1', r));
  });
  afterAll(() => new Promise<void>((r) => html.close(() => r())));

  test('a proxy page instead of a result is UNAVAILABLE', async () => {
    const call = createHttpTransport({ request: nodeRequest, baseUrl: `http://127.0.0.1:${(html.address() as AddressInfo).port}/`, token: () => undefined });
    expect(await call('auth', {})).toEqual({ ok: false, code: ErrorCode.Unavailable, message: '服务返回了无法识别的结果' });
  });

  test('a host that is not there is UNAVAILABLE, with the network error', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const call = createHttpTransport({ request: nodeRequest, baseUrl: `http://127.0.0.1:${port}`, token: () => undefined });
    const r = await call('auth', {});
    expect(r).toMatchObject({ ok: false, code: ErrorCode.Unavailable, message: expect.stringContaining('ECONNREFUSED') });
  });

  test('wx.cloud failures and odd results are UNAVAILABLE; function results pass through', async () => {
    const failing = createCloudTransport({ callFunction: async () => Promise.reject({ errMsg: 'cloud.callFunction:fail -404011' }) });
    expect(await failing('patients', {})).toEqual({
      ok: false,
      code: ErrorCode.Unavailable,
      message: '云函数调用失败：cloud.callFunction:fail -404011',
    });
    const odd = createCloudTransport({ callFunction: async () => ({ result: null }) });
    expect((await odd('patients', {})).ok).toBe(false);
    const seen: unknown[] = [];
    const fine = createCloudTransport({ callFunction: async (o) => (seen.push(o), { result: { ok: true, data: [1] } }) });
    expect(await fine('patients', { action: 'list' })).toEqual({ ok: true, data: [1] });
    expect(seen).toEqual([{ name: 'patients', data: { action: 'list' } }]);
  });

  test('cloud mode needs wx.cloud', () => {
    const np = nodePlatform();
    expect(() => createServices(np.platform, { ...localConfig(stack()), mode: 'cloud' })).toThrow(/wx\.cloud/);
  });
});
