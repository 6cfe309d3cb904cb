/**
 * The HTTP contract of the stand-in: action validation, malformed requests, env checks, stats,
 * recording, shutdown, and that the SDK's metadata-host probe never leaves the machine.
 */
import dns from 'node:dns';
import tcb from '@cloudbase/node-sdk';
import { quietSdkNetworkProbes, sdkOptions, startCloudbaseServer } from '../helpers/cloudbase-server';
import { freshCollection, rawAction, rawPost, rejection, useStandIn } from './harness';

const h = useStandIn();

describe('requests', () => {
  test('an unknown action gets a clear error naming the supported ones, and the server carries on', async () => {
    const r = await rawAction(h.server, 'database.dropEverything');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ code: 'INVALID_PARAM', requestId: expect.any(String) });
    expect(String(r.json.message)).toMatch(/unknown action 'database.dropEverything'.*database.getDocument/);
    expect((await rawAction(h.server, 'functions.invokeFunction')).json.code).toBe('INVALID_PARAM');
    await freshCollection(h.db);
  });

  test('malformed bodies are answered, never crash the server', async () => {
    for (const body of ['{not json', '', '[1,2]', '"text"', 'null', '\u0000\u0001\u0002']) {
      const r = await rawPost(h.server, body);
      expect(r.status).toBe(400);
      expect(r.json.code).toBe('INVALID_PARAM');
    }
    expect((await rawPost(h.server, JSON.stringify({ envName: h.server.env }))).json).toMatchObject({
      code: 'INVALID_PARAM',
      message: 'the request has no action',
    });
    await freshCollection(h.db);
  });

  test('malformed parameters are INVALID_PARAM', async () => {
    const c = await freshCollection(h.db);
    const get = (extra: Record<string, unknown>) => rawAction(h.server, 'database.getDocument', { collectionName: c, queryType: 'WHERE', ...extra });
    expect((await get({ query: '{bad' })).json.code).toBe('INVALID_PARAM');
    expect((await get({ query: JSON.stringify({ a: { $numberInt: 7 } }) })).json.code).toBe('INVALID_PARAM');
    expect((await get({ limit: -1 })).json.code).toBe('INVALID_PARAM');
    expect((await get({ limit: 1.5 })).json.code).toBe('INVALID_PARAM');
    expect((await get({ offset: 'x' })).json.code).toBe('INVALID_PARAM');
    expect((await get({ order: JSON.stringify({ a: 2 }) })).json.code).toBe('INVALID_PARAM');
    expect((await rawAction(h.server, 'database.getDocument', { queryType: 'WHERE' })).json.code).toBe('INVALID_PARAM');
    expect((await rawAction(h.server, 'database.insertDocument', { collectionName: c, data: 'nope' })).json.code).toBe('INVALID_PARAM');
    expect((await rawAction(h.server, 'database.commitTransaction', { transactionId: 'no-such' })).json.code).toBe('DATABASE_TRANSACTION_FAIL');
  });

  test('another env is refused', async () => {
    const r = await rawPost(h.server, JSON.stringify({ action: 'database.getDocument', envName: 'someone-else', collectionName: 'x' }));
    expect(r.json.code).toBe('INVALID_ENV');
    const other = tcb.init({ ...sdkOptions(h.server), env: 'prod-123' }).database();
    expect((await rejection(other.collection('x').get())).code).toBe('INVALID_ENV');
  });

  test('only POST /admin', async () => {
    expect((await rawPost(h.server, '{}', '/elsewhere')).status).toBe(404);
    const url = new URL(h.server.serviceUrl);
    const r = await fetch(url.href, { method: 'GET' });
    expect(r.status).toBe(405);
    expect(((await r.json()) as { code: string }).code).toBe('INVALID_PARAM');
  });

  test('errors reach SDK callers as TcbError with code, message and requestId', async () => {
    try {
      await h.db.collection('not_there').get();
      throw new Error('should have failed');
    } catch (e) {
      expect(e).toMatchObject({ code: 'DATABASE_COLLECTION_NOT_EXIST', requestId: expect.stringMatching(/^standin-/) });
      expect((e as Error).constructor.name).toBe('TcbError');
    }
  });
});

describe('stats', () => {
  test('count requests by action, documents read and written; resetStats() zeroes them', async () => {
    const c = await freshCollection(h.db);
    h.server.resetStats();
    expect(h.server.stats()).toEqual({ requests: 0, byAction: {}, docsRead: 0, docsWritten: 0 });
    await h.db.collection(c).add([{ g: 1 }, { g: 1 }, { g: 2 }]);
    await h.db.collection(c).where({ g: 1 }).get();
    await h.db.collection(c).where({ g: 1 }).update({ x: 1 });
    await h.db.collection(c).where({ g: 2 }).remove();
    await rejection(h.db.collection('nope').get());
    await rawPost(h.server, 'garbage');
    expect(h.server.stats()).toEqual({
      requests: 6,
      byAction: {
        'database.insertDocument': 1,
        'database.getDocument': 2,
        'database.modifyDocument': 1,
        'database.removeDocument': 1,
        '(invalid)': 1,
      },
      docsRead: 2,
      docsWritten: 3 + 2 + 1,
    });
  });
});

describe('inspection and lifecycle', () => {
  test('documents() of a collection that does not exist is empty; recorded() is empty unless record: true', async () => {
    expect(h.server.documents('no_such')).toEqual([]);
    expect(h.server.recorded()).toEqual([]);
  });

  test('record: true keeps each request: action, body, path, query and headers', async () => {
    const server = await startCloudbaseServer({ record: true });
    try {
      const db = tcb.init(sdkOptions(server)).database();
      await db.createCollection('r');
      const [rec] = server.recorded();
      expect(rec).toMatchObject({
        action: 'database.addCollection',
        body: { action: 'database.addCollection', collectionName: 'r', envName: 'test-env' },
        method: 'POST',
        path: '/admin',
      });
      expect(rec.query).toMatchObject({ env: 'test-env', seqId: expect.any(String) });
      expect(rec.headers.authorization).toMatch(/^TC3-HMAC-SHA256 Credential=stand-in-secret-id\//);
    } finally {
      await server.close();
    }
  });

  test('close() returns promptly although the SDK keeps connections alive, and frees the port', async () => {
    const server = await startCloudbaseServer();
    const db = tcb.init(sdkOptions(server)).database();
    await db.createCollection('k');
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(500);
    // A call that fails below HTTP leaves the SDK's 3 s "slow request" timer running
    // (tcbapirequester.js clears it only on a response); SILENCE=true is the SDK's switch that skips it.
    process.env.SILENCE = 'true';
    try {
      expect((await rejection(db.collection('k').get())).message).toMatch(/ECONNREFUSED|socket hang up|ECONNRESET/);
    } finally {
      delete process.env.SILENCE;
    }
  });
});

describe("the SDK's metadata-host probe", () => {
  test('never reaches DNS: no lookup of metadata.tencentyun.com during SDK calls', async () => {
    const lookups: string[] = [];
    const spy = jest.spyOn(dns, 'lookup').mockImplementation(((host: string, ...rest: unknown[]) => {
      lookups.push(host);
      const cb = rest[rest.length - 1] as (e: Error) => void;
      process.nextTick(() => cb(Object.assign(new Error(`blocked lookup of ${host}`), { code: 'ENOTFOUND' })));
    }) as unknown as typeof dns.lookup);
    try {
      const db = tcb.init(sdkOptions(h.server)).database();
      await freshCollection(db);
      expect(lookups).toEqual([]);
      // Without the switch the SDK would probe before each call (so the check above means something).
      delete process.env.TENCENTCLOUD;
      await freshCollection(db);
      expect(lookups).toContain('metadata.tencentyun.com');
    } finally {
      quietSdkNetworkProbes();
      spy.mockRestore();
    }
  });
});
