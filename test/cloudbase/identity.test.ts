/**
 * Who the caller is when CloudBase runs a built function: each bundle's `main(event, context)` is
 * invoked the way the platform invokes it, with the caller's WeChat identity in the context
 * (`environment` JSON on the current runtime, `environ` "K=V;K=V" on the older one), and never
 * from the event.
 *
 * The functions run as they do on CloudBase: inside SCF (so the store is CloudBase's, by default),
 * with the platform's temporary keys in the environment, and the SDK's requests going to the local
 * CloudBase stand-in (test/helpers/cloudbase-server) instead of Tencent's API.
 */
import { readdirSync } from 'node:fs';
import type { Result } from '../../core';
import { storeKindOf } from '../../backend/runtime/environment';
import { tempDir } from '../helpers/stack';
import { buildBundles, type BuiltBundles } from './bundles';
import { type CloudbaseServer, startCloudbaseServer } from '../helpers/cloudbase-server';
import { APPID, ENV_ID, environContext, environmentContext, scfEnvironment, wechatCall, withEnv } from './scf';

type Main = (event: unknown, context?: unknown) => Promise<Result<unknown>>;

const ALICE = 'oAlice_0000000000000000000001';
const BOB = 'oBob-00000000000000000000002';

/** The older runtime's form of the same call. */
const wechatCallEnviron = (functionName: string, openid: string) =>
  environContext(functionName, `WX_OPENID=${openid};WX_APPID=${APPID};WX_CONTEXT_KEYS=WX_OPENID,WX_APPID;TCB_ENV=${ENV_ID};SCF_NAMESPACE=${ENV_ID}`);

/** A call with no person behind it (a timer trigger, `tcb fn invoke`, the console's test run). */
const noPersonCall = (functionName: string) => environmentContext(functionName, { TCB_SOURCE: 'wx_trigger', WX_CONTEXT_KEYS: '' });

let bundles: BuiltBundles;
let server: CloudbaseServer;
const mains: Record<string, Main> = {};
const insideCloudbase = () => scfEnvironment(server);
const call = (name: string, event: unknown, context?: unknown) => withEnv(insideCloudbase(), () => mains[name](event, context));

beforeAll(async () => {
  server = await startCloudbaseServer();
  bundles = await buildBundles();
  for (const name of bundles.names) mains[name] = (require(bundles.file(name)) as { main: Main }).main;
}, 60_000);

afterAll(async () => {
  bundles?.remove();
  await server?.close();
});

describe('a WeChat user is the OPENID in the invocation context', () => {
  test('auth.login then me (context.environment) returns the user with that OPENID', async () => {
    const login = await call('auth', { action: 'login', name: 'Alice' }, wechatCall('auth', ALICE));
    expect(login).toMatchObject({ ok: true, data: { user: { openid: ALICE, name: 'Alice' } } });
    // No session token on CloudBase: the platform identifies every call.
    expect((login as { data: Record<string, unknown> }).data.token).toBeUndefined();
    const me = await call('auth', { action: 'me' }, wechatCall('auth', ALICE));
    expect(me).toMatchObject({ ok: true, data: { user: { openid: ALICE, name: 'Alice' }, patients: [] } });
    expect((me as { data: { user: { id: string } } }).data.user.id).toBe((login as { data: { user: { id: string } } }).data.user.id);
  });

  test('the older runtime form (context.environ) identifies the caller the same way', async () => {
    expect(await call('auth', { action: 'login', name: 'Bob' }, wechatCallEnviron('auth', BOB))).toMatchObject({ ok: true, data: { user: { openid: BOB } } });
    expect(await call('auth', { action: 'me' }, wechatCallEnviron('auth', BOB))).toMatchObject({ ok: true, data: { user: { openid: BOB, name: 'Bob' } } });
  });

  test('the user acts as themselves in the other functions', async () => {
    const created = await call('patients', { action: 'create', name: 'Grandma' }, wechatCall('patients', ALICE));
    expect(created).toMatchObject({ ok: true });
    expect(await call('patients', { action: 'list' }, wechatCall('patients', ALICE))).toMatchObject({ ok: true, data: [{ name: 'Grandma', role: 'owner' }] });
    expect(await call('patients', { action: 'list' }, wechatCall('patients', BOB))).toMatchObject({ ok: true, data: [] });
  });

  test('identity fields in the event are ignored', async () => {
    const forged = { openid: BOB, OPENID: BOB, WX_OPENID: BOB, userInfo: { openId: BOB, appId: APPID }, caller: { kind: 'admin' } };
    expect(await call('auth', { action: 'me', ...forged }, wechatCall('auth', ALICE))).toMatchObject({ ok: true, data: { user: { openid: ALICE } } });
    expect(await call('auth', { action: 'me', ...forged }, noPersonCall('auth'))).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    expect(await call('devices', { action: 'list', ...forged }, noPersonCall('devices'))).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
  });

  test('a WeChat user is never an operator', async () => {
    expect(await call('devices', { action: 'list', caller: { kind: 'admin' } }, wechatCall('devices', ALICE))).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await call('history', { deviceId: 'pk/dn', from: 0, to: 1 }, wechatCall('history', ALICE))).toMatchObject({ ok: false });
    expect(await call('ingest', { action: 'batch', messages: [] }, wechatCall('ingest', ALICE))).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });
});

describe('no OPENID → anonymous → UNAUTHENTICATED', () => {
  // Each function's default action, reached only if the caller is let in.
  test.each(['auth', 'command', 'devices', 'history', 'ingest', 'patients', 'realtime'])('%s refuses a call without an OPENID', async (name) => {
    expect(await call(name, {}, noPersonCall(name))).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
  });

  test('auth.login without an OPENID does not sign anyone in (no local sign-in on CloudBase)', async () => {
    expect(await call('auth', { action: 'login', code: 'alice' }, noPersonCall('auth'))).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
  });

  test.each([
    ['an empty context (tcb fn run)', {}],
    ['no context at all', undefined],
    ['an unparsable environment', { request_id: 'r', environment: '{not json' }],
    ['an empty OPENID', environmentContext('auth', { WX_OPENID: '', WX_CONTEXT_KEYS: 'WX_OPENID' })],
    ['an OPENID shaped like the local sign-in', environmentContext('auth', { WX_OPENID: 'dev:alice', WX_CONTEXT_KEYS: 'WX_OPENID' })],
  ])('%s is anonymous', async (_label, context) => {
    expect(await call('auth', { action: 'me' }, context)).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
  });

  test('an OPENID left in process.env by an earlier invocation is not used', async () => {
    await withEnv({ WX_OPENID: ALICE, WX_APPID: APPID, WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID' }, async () => {
      expect(await call('auth', { action: 'me' }, noPersonCall('auth'))).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
      expect(await call('auth', { action: 'me' }, wechatCall('auth', BOB))).toMatchObject({ ok: true, data: { user: { openid: BOB } } });
    });
    expect(process.env.WX_OPENID).toBeUndefined();
  });
});

describe('store selection', () => {
  test('inside CloudBase (SCF) STORE=sqlite is refused with a result, and nothing is written', async () => {
    const dir = tempDir();
    try {
      const r = await withEnv({ TENCENTCLOUD_RUNENV: 'SCF', STORE: 'sqlite', DATA_DIR: dir.path }, () =>
        mains.auth({ action: 'me' }, wechatCall('auth', ALICE)),
      );
      expect(r).toMatchObject({ ok: false, code: 'UNAVAILABLE', message: expect.stringContaining('STORE=sqlite is refused inside CloudBase') });
      expect(readdirSync(dir.path)).toEqual([]);
    } finally {
      dir.remove();
    }
    expect(process.env.TENCENTCLOUD_RUNENV).toBeUndefined();
  });

  test('STORE=cloudbase outside CloudBase without its settings answers with the missing variable', async () => {
    const r = await withEnv({ STORE: 'cloudbase', CLOUDBASE_ENV: undefined, TCB_ENV: undefined }, () =>
      mains.auth({ action: 'me' }, wechatCall('auth', ALICE)),
    );
    expect(r).toMatchObject({ ok: false, code: 'UNAVAILABLE', message: expect.stringContaining('CLOUDBASE_ENV') });
  });

  test('an unknown STORE is refused', async () => {
    const r = await withEnv({ STORE: 'mongo' }, () => mains.auth({ action: 'me' }, wechatCall('auth', ALICE)));
    expect(r).toMatchObject({ ok: false, code: 'UNAVAILABLE', message: expect.stringContaining('STORE must be') });
  });

  test.each([
    [{}, 'sqlite'],
    [{ STORE: 'cloudbase' }, 'cloudbase'],
    [{ STORE: 'sqlite' }, 'sqlite'],
    [{ TENCENTCLOUD_RUNENV: 'SCF' }, 'cloudbase'],
    [{ SCF_NAMESPACE: ENV_ID }, 'cloudbase'],
    [{ TENCENTCLOUD_RUNENV: 'SCF', STORE: 'cloudbase' }, 'cloudbase'],
  ])('%j selects %s', (env, kind) => {
    expect(storeKindOf(env)).toBe(kind);
  });

  test('inside CloudBase STORE=sqlite is refused by name', () => {
    expect(() => storeKindOf({ SCF_NAMESPACE: ENV_ID, STORE: 'sqlite' })).toThrow(/STORE=sqlite is refused inside CloudBase/);
  });
});
