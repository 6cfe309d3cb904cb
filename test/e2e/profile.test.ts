/**
 * A user's display name and avatar through the real local stack: `auth.updateProfile` over the
 * function host (only the caller changes; names and avatar references checked), the avatar upload
 * endpoint `POST /files/avatars` (images only, by their bytes; 512 KiB; signed-in users), serving
 * the stored file, and members lists showing each member's avatar.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { functionClient } from '../helpers/http';
import { startStack, tempDir } from '../helpers/stack';
import type { Stack } from '../../local-cloud/stack';

type Json = Record<string, unknown>;

/** A real 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(60, 1), Buffer.from([0xff, 0xd9])]);

describe('display name and avatar', () => {
  let dir: ReturnType<typeof tempDir>;
  let stack: Stack & { log: { lines: string[] } };
  beforeAll(async () => {
    dir = tempDir();
    stack = await startStack(dir.path, { adminToken: 'admin-profile-token' });
  });
  afterAll(async () => {
    await stack.close();
    dir.remove();
  });

  const { call, data, login } = functionClient(() => stack.ports.http);
  const base = () => `http://127.0.0.1:${stack.ports.http}`;
  const bearer = (token?: string): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

  /** The way `wx.uploadFile({name: 'file', filePath})` sends it: multipart form-data with a filename. */
  async function upload(bytes: Buffer, token?: string, filename = 'tmp_avatar.png', type = 'image/png') {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)], { type }), filename);
    const r = await fetch(`${base()}/files/avatars`, { method: 'POST', body: form, headers: bearer(token) });
    return { status: r.status, body: (await r.json()) as Json };
  }

  test('a user sets their name (trimmed) and it is what `me` and members lists show', async () => {
    const token = await login('name-setter');
    const updated = await data('auth', { action: 'updateProfile', name: '  张伟  ' }, token);
    expect(updated).toMatchObject({ name: '张伟', openid: 'dev:name-setter' });
    expect(updated.avatarUrl).toBeUndefined();
    expect(((await data('auth', { action: 'me' }, token)).user as Json).name).toBe('张伟');
    const patient = await data('patients', { action: 'create', name: '王秀英' }, token);
    const members = (await data('patients', { action: 'members', patientId: patient.id }, token)) as unknown as Json[];
    expect(members).toEqual([expect.objectContaining({ userName: '张伟', role: 'owner' })]);
    expect(members[0].avatarUrl).toBeUndefined();
  });

  test.each([
    ['an empty name', { name: '' }, /"name" must be 1–32 characters/],
    ['only spaces', { name: '    ' }, /"name" must be 1–32 characters/],
    ['33 characters', { name: '张'.repeat(33) }, /"name" must be 1–32 characters/],
    ['a number as the name', { name: 42 }, /"name"/],
    ['a web address as the avatar', { avatarUrl: 'https://example.com/me.png' }, /"avatarUrl" must be/],
    ['a path outside the avatars', { avatarUrl: '/files/avatars/../../admin-token' }, /"avatarUrl" must be/],
    ['a made-up local name', { avatarUrl: '/files/avatars/me.png' }, /"avatarUrl" must be/],
    ['a cloud file outside avatars/', { avatarUrl: 'cloud://env-1.bucket-1/secrets/a.png' }, /"avatarUrl" must be/],
    ['an over-long cloud file id', { avatarUrl: `cloud://env-1.bucket-1/avatars/u_x/${'a'.repeat(300)}.png` }, /"avatarUrl" must be/],
    ['an avatar that is not text', { avatarUrl: { url: 'x' } }, /"avatarUrl" must be/],
    ['nothing to change', {}, /give "name", "avatarUrl" or both/],
  ])('refuses %s with BAD_REQUEST and changes nothing', async (_what, event, message) => {
    const token = await login('refused-user');
    const r = await call('auth', { action: 'updateProfile', ...event }, token);
    expect(r.body).toMatchObject({ ok: false, code: 'BAD_REQUEST', message: expect.stringMatching(message) });
    const me = (await data('auth', { action: 'me' }, token)).user as Json;
    expect(me.name).toBe('refused-user');
    expect(me.avatarUrl).toBeUndefined();
  });

  test("a CloudBase file id is accepted only under the caller's own avatars/<user id>/ folder", async () => {
    const token = await login('cloud-avatar');
    const id = ((await data('auth', { action: 'me' }, token)).user as Json).id as string;
    const mine = `cloud://prod-4g1x.7072-prod-4g1x-1300000000/avatars/${id}/1700000000000-k3.jpg`;
    expect(await data('auth', { action: 'updateProfile', avatarUrl: mine }, token)).toMatchObject({ avatarUrl: mine, name: 'cloud-avatar' });
    const someoneElses = 'cloud://prod-4g1x.7072-prod-4g1x-1300000000/avatars/u_0123456789abcdef/1.jpg';
    const r = await call('auth', { action: 'updateProfile', avatarUrl: someoneElses }, token);
    expect(r.body).toMatchObject({ ok: false, code: 'BAD_REQUEST', message: expect.stringContaining(`avatars/${id}/`) });
  });

  test('only the caller changes: naming another user in the event changes nothing of theirs', async () => {
    const alice = await login('alice-p');
    const bob = await login('bob-p');
    const aliceId = ((await data('auth', { action: 'me' }, alice)).user as Json).id;
    const bobId = ((await data('auth', { action: 'me' }, bob)).user as Json).id;
    const updated = await data('auth', { action: 'updateProfile', userId: aliceId, id: aliceId, openid: 'dev:alice-p', name: '冒名' }, bob);
    expect(updated).toMatchObject({ id: bobId, name: '冒名' });
    expect(((await data('auth', { action: 'me' }, alice)).user as Json).name).toBe('alice-p');
  });

  test('signing in is required', async () => {
    expect((await call('auth', { action: 'updateProfile', name: '无名' })).body).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    const admin = await call('auth', { action: 'updateProfile', name: '管理员' }, 'admin-profile-token');
    expect(admin.body).toMatchObject({ ok: false });
  });

  test('an uploaded PNG is stored under $DATA_DIR/files/avatars, served with its type, and becomes the avatar family members see', async () => {
    const owner = await login('avatar-owner');
    const up = await upload(PNG, owner);
    expect(up).toEqual({ status: 200, body: { ok: true, data: { url: expect.stringMatching(/^\/files\/avatars\/[0-9a-f]{32}\.png$/) } } });
    const url = (up.body.data as Json).url as string;
    expect(existsSync(join(dir.path, 'files', 'avatars', url.split('/').pop()!))).toBe(true);

    const served = await fetch(`${base()}${url}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);

    const updated = await data('auth', { action: 'updateProfile', avatarUrl: url, name: '李娜' }, owner);
    expect(updated).toMatchObject({ avatarUrl: url, name: '李娜' });

    // A family member sees the owner's avatar in the patient's members.
    const patient = await data('patients', { action: 'create', name: '李建国' }, owner);
    const invite = await data('patients', { action: 'createInvite', patientId: patient.id }, owner);
    const guest = await login('avatar-guest');
    await data('patients', { action: 'redeemInvite', code: invite.code }, guest);
    const detail = await data('patients', { action: 'get', patientId: patient.id }, guest);
    expect(detail.members).toEqual([
      expect.objectContaining({ userName: '李娜', role: 'owner', avatarUrl: url }),
      expect.objectContaining({ userName: 'avatar-guest', role: 'family' }),
    ]);
    expect((detail.members as Json[])[1].avatarUrl).toBeUndefined();
  });

  test('a raw JPEG body is accepted too and kept as .jpg', async () => {
    const token = await login('raw-uploader');
    const r = await fetch(`${base()}/files/avatars`, { method: 'POST', body: JPEG, headers: { ...bearer(token), 'content-type': 'image/jpeg' } });
    const body = (await r.json()) as Json;
    expect(body).toEqual({ ok: true, data: { url: expect.stringMatching(/\.jpg$/) } });
    const served = await fetch(`${base()}${(body.data as Json).url as string}`);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
  });

  test.each([
    [
      'a text file named .png',
      (token?: string) => upload(Buffer.from('hello, not an image'), token),
      415,
      'BAD_REQUEST',
      /not a PNG, JPEG, WebP or GIF/,
      'not-an-image',
    ],
    [
      'an image over 512 KiB',
      (token?: string) => upload(Buffer.concat([PNG, Buffer.alloc(513 * 1024)]), token),
      413,
      'PAYLOAD_TOO_LARGE',
      /over 512 KiB/,
      'too-large',
    ],
    ['no token', () => upload(PNG), 401, 'UNAUTHENTICATED', /sign in/, 'unauthenticated'],
    ['a wrong token', () => upload(PNG, 'not-a-session'), 401, 'UNAUTHENTICATED', /invalid or expired/, 'unauthenticated'],
    ['the admin token', () => upload(PNG, 'admin-profile-token'), 403, 'FORBIDDEN', /signed-in users/, 'forbidden'],
    [
      'a form without the file',
      async (token?: string) => {
        const form = new FormData();
        form.append('note', 'no file here');
        const r = await fetch(`${base()}/files/avatars`, { method: 'POST', body: form, headers: bearer(token) });
        return { status: r.status, body: (await r.json()) as Json };
      },
      400,
      'BAD_REQUEST',
      /no file/,
      'no-file',
    ],
    [
      'a broken multipart body',
      async (token?: string) => {
        const r = await fetch(`${base()}/files/avatars`, {
          method: 'POST',
          body: '--xyz\r\nContent-Disposition: form-data; name="file"',
          headers: { ...bearer(token), 'content-type': 'multipart/form-data; boundary=xyz' },
        });
        return { status: r.status, body: (await r.json()) as Json };
      },
      400,
      'BAD_REQUEST',
      /does not parse/,
      'malformed',
    ],
    [
      'JSON instead of an image',
      async (token?: string) => {
        const r = await fetch(`${base()}/files/avatars`, {
          method: 'POST',
          body: '{"avatar":1}',
          headers: { ...bearer(token), 'content-type': 'application/json' },
        });
        return { status: r.status, body: (await r.json()) as Json };
      },
      415,
      'BAD_REQUEST',
      /multipart\/form-data/,
      'not-an-image',
    ],
  ])('an upload of %s gets a clear error, is counted and logged, and stores nothing', async (_what, send, status, code, message, reason) => {
    const token = await login('uploader-x');
    const before = { ...stack.functionHost.files!.stats.refused };
    const stored = stack.functionHost.files!.stats.stored;
    const r = await (send as (t?: string) => Promise<{ status: number; body: Json }>)(token);
    expect(r).toEqual({ status, body: { ok: false, code, message: expect.stringMatching(message) } });
    const refused = stack.functionHost.files!.stats.refused as Record<string, number>;
    expect(refused[reason]).toBe(((before as Record<string, number>)[reason] ?? 0) + 1);
    expect(stack.functionHost.files!.stats.stored).toBe(stored);
    expect(stack.log.lines.some((l) => l.includes(`avatar upload refused (${reason})`))).toBe(true);
    // The host keeps serving.
    expect((await fetch(`${base()}/health`)).status).toBe(200);
  });

  test.each([
    ['an unknown name', '/files/avatars/0123456789abcdef0123456789abcdef.png', 404],
    ['a name outside the pattern', '/files/avatars/..%2F..%2Fadmin-token', 404],
    ['another folder', '/files/secrets/x.png', 404],
  ])('GET of %s answers 404 JSON', async (_what, path, status) => {
    const r = await fetch(`${base()}${path}`);
    expect(r.status).toBe(status);
    expect(await r.json()).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });

  test('GET on the upload address and POST on a file are refused', async () => {
    expect((await fetch(`${base()}/files/avatars`)).status).toBe(405);
    expect((await fetch(`${base()}/files/avatars/0123456789abcdef0123456789abcdef.png`, { method: 'POST', body: 'x' })).status).toBe(405);
  });
});
