/**
 * The function host's edges, over real HTTP and raw sockets (issue 11): limits on guessing codes,
 * malformed requests, DNS rebinding, and the data folder's permissions. Each test failed before its
 * fix.
 */
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import type { Stack } from '../../local-cloud/stack';
import { functionClient } from '../helpers/http';
import { createDevice, startStack, tempDir } from '../helpers/stack';

type Json = Record<string, unknown>;

/** Sends raw bytes and resolves with everything the server answers before closing. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tcpConnect(port, '127.0.0.1', () => s.write(request));
    let out = '';
    s.on('data', (d) => (out += d.toString()));
    s.on('end', () => resolve(out));
    s.on('error', reject);
    s.setTimeout(5000, () => s.destroy(new Error('no answer')));
  });
}

const deep = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;

describe.each(['process', 'worker'] as const)('function host hardening (functions in %s)', (functionsIn) => {
  let dir: ReturnType<typeof tempDir>;
  let stack: Stack;
  beforeEach(async () => {
    dir = tempDir();
    stack = await startStack(dir.path, { functionsIn, allowedHosts: ['monitor.lan'] });
  });
  afterEach(async () => {
    await stack.close();
    dir.remove();
  });
  const { call, data, login } = functionClient(() => stack.ports.http);
  const post = async (path: string, body: string, headers: Record<string, string> = {}) => {
    const r = await fetch(`http://127.0.0.1:${stack.ports.http}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    return { status: r.status, body: (await r.json()) as Json, headers: r.headers };
  };

  test('a deeply nested JSON body is a 400 with a clear message, and the host keeps answering', async () => {
    const r = await post('/functions/patients', `{"action":"list","x":${deep(100_000)}}`);
    expect(r).toMatchObject({ status: 400, body: { ok: false, code: 'BAD_REQUEST', message: expect.stringMatching(/nested deeper than 64/) } });
    expect((await post('/functions/patients', `{"action":"list","x":${deep(60)}}`)).body.code).toBe('UNAUTHENTICATED');
    const token = await login('alice');
    expect(await data('patients', { action: 'list' }, token)).toEqual([]);
  });

  test('an event the runner cannot hand to the functions settles instead of leaking', async () => {
    let v: unknown = 1;
    for (let i = 0; i < 200_000; i++) v = [v];
    const r = await stack.functionHost.invoke('patients', { action: 'list', x: v }, { kind: 'anonymous' });
    expect(r.ok).toBe(false);
  });

  test.each([
    ['a request target that is not a URL', 'GET //a:b HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'],
    ['a malformed request line', 'GARBAGE\r\n\r\n'],
    ['a header without a colon', 'GET /health HTTP/1.1\r\nnonsense\r\n\r\n'],
  ])('%s is a 400', async (_name, request) => {
    const answer = await raw(stack.ports.http, request);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toMatch(/"code":"BAD_REQUEST"/);
  });

  test('a request naming a foreign host (DNS rebinding) is refused; IP addresses, localhost and configured names pass', async () => {
    const health = async (host: string) => (await raw(stack.ports.http, `GET /health HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`)).split(' ')[1];
    expect(await health('attacker.example')).toBe('403');
    expect(await health(`attacker.example:${stack.ports.http}`)).toBe('403');
    expect(await health(`127.0.0.1:${stack.ports.http}`)).toBe('200');
    expect(await health(`localhost:${stack.ports.http}`)).toBe('200');
    expect(await health('[::1]:3000')).toBe('200');
    expect(await health('192.168.1.20')).toBe('200');
    expect(await health('Monitor.LAN:3000')).toBe('200');
  });

  test('sign-in is limited per source and per code: a flood gets RATE_LIMITED with Retry-After', async () => {
    const answers = [];
    for (let i = 0; i < 25; i++) answers.push(await post('/functions/auth', JSON.stringify({ action: 'login', code: 'alice' })));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0].body).toMatchObject({ ok: false, code: 'RATE_LIMITED', message: expect.stringMatching(/try again in/) });
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThan(0);
    // Other codes from the same source still have attempts left, until the source's run out.
    expect((await post('/functions/auth', JSON.stringify({ action: 'login', code: 'bob' }))).status).toBe(200);
  });

  test('guessing invite codes is refused with RATE_LIMITED after five wrong ones', async () => {
    const guesser = await login('mallory');
    const guess = () => call('patients', { action: 'redeemInvite', code: 'ABCDEFGH' }, guesser);
    const codes = [];
    for (let i = 0; i < 7; i++) codes.push((await guess()).body.code);
    expect(codes.slice(0, 5)).toEqual(Array(5).fill('NOT_FOUND'));
    expect(codes.slice(5)).toEqual(['NOT_FOUND', 'RATE_LIMITED']);
  });

  test('guessing bind codes is limited the same way', async () => {
    const owner = await login('oscar');
    const patient = await data('patients', { action: 'create', name: 'P' }, owner);
    const codes = [];
    for (let i = 0; i < 7; i++) codes.push((await call('devices', { action: 'bind', patientId: patient.id, code: 'AAAAA-AAAAA' }, owner)).body.code);
    expect(codes.at(-1)).toBe('RATE_LIMITED');
    expect(codes.filter((c) => c === 'NOT_FOUND')).toHaveLength(6);
  });
});

describe('the data folder is private', () => {
  const mode = (p: string) => statSync(p).mode & 0o777;

  test('a new data folder is 0700 and its database, WAL, tokens and avatars 0600', async () => {
    const parent = tempDir();
    const dataDir = join(parent.path, 'data');
    const stack = await startStack(dataDir);
    try {
      await createDevice(stack); // writes to the database (and its WAL)
      const token = await functionClient(() => stack.ports.http).login('alice');
      const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
      const form = new FormData();
      form.append('file', new Blob([png], { type: 'image/png' }), 'a.png');
      const up = await fetch(`http://127.0.0.1:${stack.ports.http}/files/avatars`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      const url = ((await up.json()) as { data: { url: string } }).data.url;
      expect(mode(dataDir)).toBe(0o700);
      for (const f of ['monitor.db', 'monitor.db-wal', 'admin-token', 'service-token', 'session-secret'])
        expect([f, mode(join(dataDir, f))]).toEqual([f, 0o600]);
      expect(mode(join(dataDir, 'files', 'avatars'))).toBe(0o700);
      expect(mode(join(dataDir, url.replace(/^\//, '')))).toBe(0o600);
    } finally {
      await stack.close();
      parent.remove();
    }
  });

  test('an existing folder created world-readable is repaired at start-up', async () => {
    const parent = tempDir();
    const dataDir = join(parent.path, 'data');
    mkdirSync(join(dataDir, 'files', 'avatars'), { recursive: true, mode: 0o755 });
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'admin-token'), 'old-admin-token-0123456789\n', { mode: 0o644 });
    writeFileSync(join(dataDir, 'files', 'avatars', 'a.png'), 'x', { mode: 0o644 });
    const stack = await startStack(dataDir);
    try {
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(join(dataDir, 'files'))).toBe(0o700);
      expect(mode(join(dataDir, 'files', 'avatars'))).toBe(0o700);
      expect(mode(join(dataDir, 'admin-token'))).toBe(0o600);
      expect(mode(join(dataDir, 'files', 'avatars', 'a.png'))).toBe(0o600);
      expect(mode(join(dataDir, 'monitor.db'))).toBe(0o600);
      expect(stack.log.lines.join('\n')).toMatch(/permissions tightened/);
    } finally {
      await stack.close();
      parent.remove();
    }
  });
});
