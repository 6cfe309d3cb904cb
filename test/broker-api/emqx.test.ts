/**
 * The EMQX REST adapter against a local HTTP server that checks the documented request shapes and
 * answers like EMQX 5 (fake-emqx.ts): the BrokerApi contract, then the adapter's own behaviour —
 * what it sends, paging, and how every kind of failure becomes an error with a code.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BrokerApiError, createEmqxBrokerApi, type EmqxBrokerApiOptions, emqxOptionsFromEnv } from '../../backend/broker-api';
import { type ContractClient, runBrokerApiContract } from './contract';
import { type FakeClient, type FakeEmqx, json, startFakeEmqx } from './fake-emqx';
import { until } from '../helpers/until';

const TOPIC = '/sys/pk0000test1/bed-1/thing/service/BrokerApiContract';

function wrap(c: FakeClient): ContractClient {
  const closed = new Promise<void>((r) => c.once('close', () => r()));
  return {
    clientId: c.clientId,
    sessionPresent: c.sessionPresent,
    subscribe: async (topic, qos) => c.subscribe(topic, qos),
    messages: () => c.received,
    connected: () => c.connected,
    closed,
    end: async () => c.end(),
  };
}

runBrokerApiContract('EMQX REST API (fake EMQX server)', {
  async open() {
    const fake = await startFakeEmqx();
    // A small page size, so that listing clients pages even in these small tests.
    const api = createEmqxBrokerApi({ baseUrl: fake.url, apiKey: fake.apiKey, apiSecret: fake.apiSecret, pageSize: 1 });
    const usernames: [string, string] = ['bed-1&pk0000test1', 'user:u_7f3a'];
    return {
      api,
      usernames,
      topic: TOPIC,
      quietTopic: '/sys/pk0000test1/bed-1/thing/service/Nobody',
      connect: async (who, label, clean = true) => wrap(fake.connect(`${label}|securemode=3,signmethod=hmacsha256|`, usernames[who], clean)),
      async close() {
        await fake.close();
        expect(fake.violations).toEqual([]);
      },
    };
  },
});

describe('EMQX BrokerApi adapter', () => {
  let fake: FakeEmqx;
  beforeEach(async () => {
    fake = await startFakeEmqx();
  });
  afterEach(async () => {
    await fake.close();
  });
  const apiFor = (extra: Partial<EmqxBrokerApiOptions> = {}) =>
    createEmqxBrokerApi({ baseUrl: fake.url, apiKey: fake.apiKey, apiSecret: fake.apiSecret, ...extra });
  const basic = () => `Basic ${Buffer.from(`${fake.apiKey}:${fake.apiSecret}`).toString('base64')}`;
  const slow = (ms: number) => (_r: unknown, res: import('node:http').ServerResponse) => setTimeout(() => !res.writableEnded && json(res, 200, {}), ms).unref();

  describe('publish', () => {
    test('sends the documented request: POST /api/v5/publish, Basic auth, JSON with every field', async () => {
      const sub = fake.connect('watcher', 'user:u1');
      sub.subscribe(TOPIC, 1);
      await apiFor().publish(TOPIC, '{"id":"c1","params":{"MeasureEnabled":1}}');
      await apiFor().publish(TOPIC, 'plain text, 中文', { qos: 0, retain: true });
      const [a, b] = fake.requests;
      expect(a).toMatchObject({ method: 'POST', rawPath: '/api/v5/publish' });
      expect(a.headers.authorization).toBe(basic());
      expect(a.headers['content-type']).toBe('application/json');
      expect(a.headers.accept).toBe('application/json');
      expect(JSON.parse(a.body)).toEqual({
        topic: TOPIC,
        payload: '{"id":"c1","params":{"MeasureEnabled":1}}',
        payload_encoding: 'plain',
        qos: 1,
        retain: false,
      });
      expect(JSON.parse(b.body)).toEqual({ topic: TOPIC, payload: 'plain text, 中文', payload_encoding: 'plain', qos: 0, retain: true });
      expect(sub.received.map((m) => m.payload)).toEqual(['{"id":"c1","params":{"MeasureEnabled":1}}', 'plain text, 中文']);
      expect(fake.violations).toEqual([]);
    });

    test('202 "no matching subscribers" is success', async () => {
      let status = 0;
      fake.intercept({ path: '/api/v5/publish' }, (_r, res) => {
        status = 202;
        json(res, 202, { reason_code: 16, message: 'no_matching_subscribers' });
      });
      await expect(apiFor().publish(TOPIC, 'x')).resolves.toBeUndefined();
      expect(status).toBe(202);
    });

    test("400 for an invalid topic is BROKER_REJECTED, naming the request and EMQX's reason", async () => {
      const e = (await apiFor()
        .publish('a/+/b', 'x')
        .catch((x: unknown) => x)) as BrokerApiError;
      expect(e).toBeInstanceOf(BrokerApiError);
      expect(e).toMatchObject({ code: 'BROKER_REJECTED', status: 400 });
      expect(e.message).toMatch(/^EMQX POST \/api\/v5\/publish \(topic a\/\+\/b\): 400 \(144: topic_name_invalid\)/);
    });

    test('the base URL may end with "/" or "/api/v5" without doubling the path', async () => {
      await apiFor({ baseUrl: `${fake.url}/` }).publish(TOPIC, 'x');
      await apiFor({ baseUrl: `${fake.url}/api/v5/` }).publish(TOPIC, 'x');
      expect(fake.requests.map((r) => r.rawPath)).toEqual(['/api/v5/publish', '/api/v5/publish']);
    });

    test('a wrong API secret is BROKER_REJECTED (401) and the message holds neither secret nor token', async () => {
      const wrong = 'Wr0ng-Secret-Value-0123456789';
      const e = (await apiFor({ apiSecret: wrong })
        .publish(TOPIC, 'x')
        .catch((x: unknown) => x)) as BrokerApiError;
      expect(e).toMatchObject({ code: 'BROKER_REJECTED', status: 401 });
      expect(e.message).toMatch(/401 unauthorized \(BAD_API_KEY_OR_SECRET: Check api_key\/api_secret\): check the EMQX API key and secret/);
      expect(e.message).not.toContain(wrong);
      expect(e.message).not.toContain(Buffer.from(`${fake.apiKey}:${wrong}`).toString('base64'));
    });

    test('an answer echoing the credentials does not bring them into the error', async () => {
      fake.intercept({ path: '/api/v5/publish' }, (r, res) =>
        json(res, 400, { code: 'BAD_REQUEST', message: `got ${String(r.headers.authorization)} / ${fake.apiSecret}` }),
      );
      const e = (await apiFor()
        .publish(TOPIC, 'x')
        .catch((x: unknown) => x)) as BrokerApiError;
      expect(e.code).toBe('BROKER_REJECTED');
      expect(e.message).toMatch(/BAD_REQUEST: got Basic \*\*\* \/ \*\*\*/);
      expect(e.message).not.toContain(fake.apiSecret);
    });

    test.each([
      [500, 'BROKER_UNAVAILABLE', { code: 'INTERNAL_ERROR', message: 'boom' }],
      [503, 'BROKER_UNAVAILABLE', { reason_code: 131, message: 'failed_to_dispatch' }],
      [429, 'BROKER_UNAVAILABLE', { code: 'TOO_MANY_REQUESTS', message: 'slow down' }],
      [403, 'BROKER_REJECTED', { code: 'UNAUTHORIZED_ROLE', message: 'Unauthorized Role' }],
      [400, 'BROKER_REJECTED', { reason_code: 151, message: 'packet_too_large' }],
    ])('HTTP %i is %s', async (status, code, body) => {
      fake.intercept({ path: '/api/v5/publish' }, (_r, res) => json(res, status, body));
      await expect(apiFor().publish(TOPIC, 'x')).rejects.toMatchObject({
        code,
        status,
        message: expect.stringContaining(`EMQX POST /api/v5/publish (topic ${TOPIC}): ${status}`),
      });
    });

    test('a non-JSON error page (a proxy in front of EMQX) is reported by its text', async () => {
      fake.intercept({ path: '/api/v5/publish' }, (_r, res) =>
        res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>502 Bad Gateway</body></html>'),
      );
      await expect(apiFor().publish(TOPIC, 'x')).rejects.toMatchObject({
        code: 'BROKER_UNAVAILABLE',
        message: expect.stringMatching(/502 \(<html><body>502 Bad Gateway/),
      });
    });

    test('an answer slower than timeoutMs is BROKER_UNAVAILABLE, without waiting for it', async () => {
      fake.intercept({ path: '/api/v5/publish' }, slow(3000));
      const t0 = Date.now();
      await expect(apiFor({ timeoutMs: 150 }).publish(TOPIC, 'x')).rejects.toMatchObject({
        code: 'BROKER_UNAVAILABLE',
        message: expect.stringMatching(/no answer within 150 ms/),
      });
      expect(Date.now() - t0).toBeLessThan(1500);
    });

    test('a body that stalls after the headers also times out', async () => {
      fake.intercept({ path: '/api/v5/publish' }, (_r, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"id":');
      });
      await expect(apiFor({ timeoutMs: 150 }).publish(TOPIC, 'x')).rejects.toMatchObject({
        code: 'BROKER_UNAVAILABLE',
        message: expect.stringMatching(/no answer within 150 ms/),
      });
    });

    test('nothing listening is BROKER_UNAVAILABLE naming the network error', async () => {
      const closed = await new Promise<number>((resolve) => {
        const s: Server = createServer().listen(0, '127.0.0.1', () => {
          const port = (s.address() as AddressInfo).port;
          s.close(() => resolve(port));
        });
      });
      const api = createEmqxBrokerApi({ baseUrl: `http://127.0.0.1:${closed}`, apiKey: 'k', apiSecret: 'secret-value' });
      await expect(api.publish(TOPIC, 'x')).rejects.toMatchObject({
        code: 'BROKER_UNAVAILABLE',
        message: expect.stringMatching(/request failed: .*ECONNREFUSED/),
      });
    });

    test('a redirect is not followed (it would resend the credentials) and is BROKER_REJECTED', async () => {
      fake.intercept({ path: '/api/v5/publish' }, (_r, res) => res.writeHead(301, { location: 'https://elsewhere.example.com/api/v5/publish' }).end());
      await expect(apiFor().publish(TOPIC, 'x')).rejects.toMatchObject({
        code: 'BROKER_REJECTED',
        message: expect.stringMatching(/redirected with 301 to https:\/\/elsewhere/),
      });
      expect(fake.requests).toHaveLength(1);
    });

    test('the injected fetch is used, with a timeout signal on every request', async () => {
      const calls: Array<{ url: string; init?: RequestInit }> = [];
      const stub: typeof fetch = async (url, init) => {
        calls.push({ url: String(url), init });
        return new Response(JSON.stringify({ id: '1' }), { status: 200 });
      };
      await createEmqxBrokerApi({ baseUrl: 'https://emqx.example.com:18083', apiKey: 'k', apiSecret: 's', fetch: stub }).publish(TOPIC, 'x');
      expect(calls).toHaveLength(1);
      expect(calls[0].url).toBe('https://emqx.example.com:18083/api/v5/publish');
      expect(calls[0].init?.signal).toBeInstanceOf(AbortSignal);
      expect(calls[0].init?.redirect).toBe('manual');
    });
  });

  describe('clientsOf', () => {
    test('reads every page, asking for connected clients of that user name', async () => {
      const username = 'user:u_1 + friends&co'; // characters that must be percent-encoded
      const ids = Array.from({ length: 7 }, (_, i) => `u_1.${i}`);
      ids.forEach((id) => fake.connect(id, username));
      fake.connect('someone-else', 'user:u_2');
      const kept = fake.connect('u_1.kept', username, false);
      kept.end(); // a kept session of a disconnected client: listed by EMQX only without conn_state
      expect(await apiFor({ pageSize: 3 }).clientsOf(username)).toEqual(ids);
      const gets = fake.requests.filter((r) => r.method === 'GET');
      expect(gets.map((r) => Object.fromEntries(r.query))).toEqual(
        [1, 2, 3].map((page) => ({ username, conn_state: 'connected', page: String(page), limit: '3' })),
      );
      expect(gets[0].rawPath).toBe('/api/v5/clients');
      expect(gets[0].headers.authorization).toBe(basic());
      expect(fake.violations).toEqual([]);
    });

    test('the default page size is 1000, and an empty list is one request', async () => {
      expect(await apiFor().clientsOf('user:nobody')).toEqual([]);
      expect(fake.requests).toHaveLength(1);
      expect(fake.requests[0].query.get('limit')).toBe('1000');
    });

    test('without meta.hasnext it pages by meta.count, and keeps only rows of that user that are connected', async () => {
      const rows = (n: number, connected = true) => Array.from({ length: n }, (_, i) => ({ clientid: `c${n}-${i}`, username: 'user:u', connected }));
      fake.intercept({ path: '/api/v5/clients' }, (_r, res) =>
        json(res, 200, { data: [...rows(2), { clientid: 'x', username: 'user:other', connected: true }], meta: { page: 1, limit: 3, count: 5 } }),
      );
      fake.intercept({ path: '/api/v5/clients' }, (_r, res) =>
        json(res, 200, {
          data: [
            { clientid: 'late', username: 'user:u', connected: false },
            { clientid: 'c5', username: 'user:u', connected: true },
          ],
          meta: { page: 2, limit: 3, count: 5 },
        }),
      );
      expect(await apiFor({ pageSize: 3 }).clientsOf('user:u')).toEqual(['c2-0', 'c2-1', 'c5']);
      expect(fake.requests).toHaveLength(2);
    });

    test('a client seen on two pages (the list moved while paging) is listed once', async () => {
      fake.intercept({ path: '/api/v5/clients' }, (_r, res) =>
        json(res, 200, { data: [{ clientid: 'a', username: 'u', connected: true }], meta: { page: 1, limit: 1, hasnext: true } }),
      );
      fake.intercept({ path: '/api/v5/clients' }, (_r, res) =>
        json(res, 200, { data: [{ clientid: 'a', username: 'u', connected: true }], meta: { page: 2, limit: 1, hasnext: true } }),
      );
      fake.intercept({ path: '/api/v5/clients' }, (_r, res) =>
        json(res, 200, { data: [{ clientid: 'b', username: 'u', connected: true }], meta: { page: 3, limit: 1, hasnext: false } }),
      );
      expect(await apiFor({ pageSize: 1 }).clientsOf('u')).toEqual(['a', 'b']);
    });

    test('an answer that is not a client list is BROKER_UNAVAILABLE', async () => {
      fake.intercept({ path: '/api/v5/clients' }, (_r, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>'));
      await expect(apiFor().clientsOf('u')).rejects.toMatchObject({
        code: 'BROKER_UNAVAILABLE',
        message: expect.stringMatching(/^EMQX GET \/api\/v5\/clients\?username=u&.*not an EMQX client list/),
      });
    });

    test('a failing later page fails the whole listing (a partial list could leave someone connected)', async () => {
      ['a', 'b', 'c'].forEach((id) => fake.connect(id, 'u'));
      fake.intercept(
        { path: '/api/v5/clients' },
        (r, res) =>
          r.query.get('page') === '2'
            ? json(res, 500, { code: 'NODE_DOWN', message: 'bad rpc call' })
            : json(res, 200, { data: [{ clientid: 'a', username: 'u', connected: true }], meta: { page: 1, limit: 1, hasnext: true } }),
        2,
      );
      await expect(apiFor({ pageSize: 1 }).clientsOf('u')).rejects.toMatchObject({
        code: 'BROKER_UNAVAILABLE',
        status: 500,
        message: expect.stringMatching(/page=2.*500 \(NODE_DOWN: bad rpc call\)/),
      });
    });
  });

  describe('kick', () => {
    test('DELETE /api/v5/clients/{clientid} with the id percent-encoded; 204 and 404 are both fine', async () => {
      const ids = ['pk.bed-1|securemode=3,signmethod=hmacsha256,timestamp=1767225600000|', 'user:u_1.a b/c?d#e%f'];
      const clients = ids.map((id) => fake.connect(id, 'u'));
      await apiFor().kick([...ids, 'gone-already']);
      expect(clients.map((c) => c.connected)).toEqual([false, false]);
      const deletes = fake.requests.filter((r) => r.method === 'DELETE');
      expect(deletes.map((r) => r.rawPath).sort()).toEqual([...ids, 'gone-already'].map((id) => `/api/v5/clients/${encodeURIComponent(id)}`).sort());
      expect(deletes.every((r) => r.headers.authorization === basic() && r.body === '')).toBe(true);
      expect(fake.violations).toEqual([]);
    });

    test('no ids, no requests; duplicate ids, one request each', async () => {
      await apiFor().kick([]);
      expect(fake.requests).toHaveLength(0);
      await apiFor().kick(['a', 'a', '']);
      expect(fake.requests.map((r) => r.rawPath)).toEqual(['/api/v5/clients/a']);
    });

    test('one failing kick does not stop the others; the error names it', async () => {
      const ids = ['a', 'b', 'c'];
      const clients = ids.map((id) => fake.connect(id, 'u'));
      fake.intercept({ method: 'DELETE', path: '/api/v5/clients/b' }, (_r, res) => json(res, 500, { code: 'UNKNOWN_ERROR', message: 'timeout' }));
      await expect(apiFor().kick(ids)).rejects.toMatchObject({
        code: 'BROKER_UNAVAILABLE',
        status: 500,
        message: expect.stringMatching(/^EMQX DELETE \/api\/v5\/clients\/b: 500/),
      });
      expect(clients.map((c) => c.connected)).toEqual([false, true, false]);
    });

    test('several failures: one error, preferring BROKER_UNAVAILABLE, saying how many more failed', async () => {
      fake.intercept({ method: 'DELETE', path: '/api/v5/clients/a' }, (_r, res) => json(res, 403, { code: 'UNAUTHORIZED_ROLE', message: 'no' }));
      fake.intercept({ method: 'DELETE', path: '/api/v5/clients/b' }, slow(3000));
      await expect(apiFor({ timeoutMs: 150 }).kick(['a', 'b'])).rejects.toMatchObject({
        code: 'BROKER_UNAVAILABLE',
        message: expect.stringMatching(/clients\/b: no answer within 150 ms \(and 1 more kicks failed\)/),
      });
    });
  });

  describe('configuration', () => {
    test.each([
      ['ftp://emqx.example.com', /http\(s\) URL/],
      ['not a url', /http\(s\) URL/],
      ['https://key:secret@emqx.example.com', /must not contain credentials/],
      ['https://emqx.example.com/?x=1', /query or fragment/],
    ])('rejects the base URL %s', (baseUrl, message) => {
      expect(() => createEmqxBrokerApi({ baseUrl, apiKey: 'k', apiSecret: 's' })).toThrow(message);
    });

    test('rejects empty credentials, a key with ":", and out-of-range numbers', () => {
      const base = { baseUrl: 'https://emqx.example.com:18083', apiKey: 'k', apiSecret: 's' };
      expect(() => createEmqxBrokerApi({ ...base, apiKey: '' })).toThrow(/API key is empty/);
      expect(() => createEmqxBrokerApi({ ...base, apiKey: 'a:b' })).toThrow(/may not contain ":"/);
      expect(() => createEmqxBrokerApi({ ...base, apiSecret: '' })).toThrow(/API secret is empty/);
      expect(() => createEmqxBrokerApi({ ...base, timeoutMs: 0 })).toThrow(/timeoutMs/);
      expect(() => createEmqxBrokerApi({ ...base, pageSize: 10_001 })).toThrow(/pageSize must be 1–10000/);
    });

    test('emqxOptionsFromEnv names the first missing variable', () => {
      const all = { EMQX_API_URL: 'https://emqx.example.com:18083', EMQX_API_KEY: 'a1b2', EMQX_API_SECRET: 'shh' };
      expect(() => emqxOptionsFromEnv({})).toThrow(/EMQX_API_URL/);
      expect(() => emqxOptionsFromEnv({ EMQX_API_URL: all.EMQX_API_URL })).toThrow(/EMQX_API_KEY/);
      expect(() => emqxOptionsFromEnv({ EMQX_API_URL: all.EMQX_API_URL, EMQX_API_KEY: 'a1b2', EMQX_API_SECRET: '  ' })).toThrow(/EMQX_API_SECRET/);
      expect(emqxOptionsFromEnv({ ...all, EMQX_API_URL: ' https://emqx.example.com:18083 ' })).toEqual({
        baseUrl: 'https://emqx.example.com:18083',
        apiKey: 'a1b2',
        apiSecret: 'shh',
      });
    });

    test('emqxOptionsFromEnv checks the URL and the timeout (default 5000 ms, left to the adapter)', () => {
      const all = { EMQX_API_URL: 'https://emqx.example.com:18083', EMQX_API_KEY: 'a1b2', EMQX_API_SECRET: 'shh' };
      expect(emqxOptionsFromEnv({ ...all, EMQX_API_TIMEOUT_MS: '2500' }).timeoutMs).toBe(2500);
      expect(emqxOptionsFromEnv(all).timeoutMs).toBeUndefined();
      expect(() => emqxOptionsFromEnv({ ...all, EMQX_API_TIMEOUT_MS: 'soon' })).toThrow(/EMQX_API_TIMEOUT_MS/);
      expect(() => emqxOptionsFromEnv({ ...all, EMQX_API_TIMEOUT_MS: '50' })).toThrow(/EMQX_API_TIMEOUT_MS/);
      expect(() => emqxOptionsFromEnv({ ...all, EMQX_API_URL: 'emqx.example.com' })).toThrow(/EMQX_API_URL/);
      const e = (() => {
        try {
          emqxOptionsFromEnv({ ...all, EMQX_API_URL: 'https://a1b2:shh@emqx.example.com' });
        } catch (x) {
          return x as Error;
        }
      })();
      expect(e?.message).toMatch(/EMQX_API_URL.*credentials/);
      expect(e?.message).not.toContain('shh');
    });
  });

  test("the whole flow against the fake: list a person's sessions, kick them, the next publish finds nobody", async () => {
    const api = apiFor({ pageSize: 2 });
    const phones = ['user:u9.a', 'user:u9.b', 'user:u9.c'].map((id) => fake.connect(id, 'user:u9'));
    phones.forEach((p) => p.subscribe(TOPIC, 1));
    await api.publish(TOPIC, 'before');
    await until(() => phones.every((p) => p.received.length === 1), 'delivery');
    await api.kick(await api.clientsOf('user:u9'));
    expect(phones.map((p) => p.connected)).toEqual([false, false, false]);
    expect(await api.clientsOf('user:u9')).toEqual([]);
    await api.publish(TOPIC, 'after');
    expect(fake.statuses.at(-1)).toBe(202); // the kicked sessions' subscriptions went with them
    expect(phones.every((p) => p.received.length === 1)).toBe(true);
    expect(fake.violations).toEqual([]);
  });
});
