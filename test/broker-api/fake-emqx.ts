/**
 * A stand-in for EMQX 5's REST API on an ephemeral port, for testing the EMQX adapter without
 * EMQX (which does not run here). It checks every request against the documented shapes and
 * answers the way EMQX does, and it keeps a small model of the MQTT side — sessions, subscriptions,
 * queues of offline persistent sessions, retained messages — so that the same behavioural
 * assertions run against it and against the real embedded broker (contract.ts).
 *
 * What it answers (see backend/broker-api/emqx.ts for the sources):
 * - any request: 401 `{code: "BAD_API_KEY_OR_SECRET", message: "Check api_key/api_secret"}` unless
 *   `authorization: Basic base64(key:secret)`;
 * - `POST /api/v5/publish`: 415 without `content-type: application/json`; 400 `BAD_REQUEST` for a
 *   body that does not match the schema; 400 `{reason_code: 144, message: "topic_name_invalid"}`;
 *   200 `{id}` when a subscription matched (a connected client or a kept session), else 202
 *   `{reason_code: 16, message: "no_matching_subscribers"}`;
 * - `GET /api/v5/clients`: filters `username` (repeatable), `conn_state`, `clientid`; pages with
 *   `page` (≥ 1, default 1) and `limit` (1–10000, default 100); `meta: {page, limit, hasnext, count}`;
 *   kept sessions of disconnected clients are listed with `connected: false`;
 * - `DELETE /api/v5/clients/{clientid}`: 204 and the session is gone, or 404 `CLIENTID_NOT_FOUND`.
 *
 * Besides answering, it records a `violation` for anything the adapter is expected to send and did
 * not (e.g. `qos` left to EMQX's default, a missing `accept` header); tests assert there are none.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { topicMatches } from '../../core/alink';

export interface RecordedRequest {
  method: string;
  /** Path without the query, still percent-encoded as sent. */
  rawPath: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Raw body text ('' when none). */
  body: string;
}

export interface FakeMessage {
  topic: string;
  payload: string;
  retain: boolean;
}

/** One simulated MQTT connection (what an mqtt.js client is for the real broker). */
export class FakeClient extends EventEmitter {
  readonly received: FakeMessage[] = [];
  connected = true;
  constructor(
    readonly clientId: string,
    readonly username: string,
    readonly sessionPresent: boolean,
    private readonly session: FakeSession,
  ) {
    super();
  }
  subscribe(filter: string, qos: 0 | 1): void {
    if (!this.connected) throw new Error('not connected');
    this.session.subs.set(filter, qos);
    this.session.fake.deliverRetained(this, filter);
  }
  deliver(m: FakeMessage): void {
    this.received.push(m);
    this.emit('message', m);
  }
  /** The server side closed the connection (a kick or a takeover). */
  drop(): void {
    if (!this.connected) return;
    this.connected = false;
    this.emit('close');
  }
  /** The client disconnects on its own (DISCONNECT). */
  end(): void {
    if (!this.connected) return;
    this.connected = false;
    this.session.fake.clientEnded(this.session, this);
    this.emit('close');
  }
}

interface FakeSession {
  fake: FakeEmqx;
  clientId: string;
  username: string;
  clean: boolean;
  subs: Map<string, 0 | 1>;
  queue: FakeMessage[];
  client?: FakeClient;
  createdAt: number;
}

type Interceptor = { match: (r: RecordedRequest) => boolean; handle: (r: RecordedRequest, res: ServerResponse) => void; times: number };

export class FakeEmqx {
  readonly requests: RecordedRequest[] = [];
  /** HTTP status of each answer, in order of completion. */
  readonly statuses: number[] = [];
  readonly violations: string[] = [];
  readonly retained = new Map<string, string>();
  private readonly sessions = new Map<string, FakeSession>();
  private readonly interceptors: Interceptor[] = [];
  private server!: Server;
  private created = 0;
  private idCounter = 0;
  url = '';

  constructor(
    readonly apiKey: string,
    readonly apiSecret: string,
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      res.on('finish', () => this.statuses.push(res.statusCode));
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://fake');
        const r: RecordedRequest = {
          method: req.method ?? '',
          rawPath: (req.url ?? '/').split('?')[0],
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(r);
        const i = this.interceptors.findIndex((x) => x.times > 0 && x.match(r));
        if (i >= 0) {
          const x = this.interceptors[i];
          if (--x.times === 0) this.interceptors.splice(i, 1);
          return x.handle(r, res);
        }
        this.route(r, res);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Answers the next `times` requests matching `match` with `handle` instead of the model. */
  intercept(match: Partial<{ method: string; path: string }>, handle: (r: RecordedRequest, res: ServerResponse) => void, times = 1): void {
    this.interceptors.push({
      match: (r) =>
        (match.method === undefined || r.method === match.method) && (match.path === undefined || decodeURIComponent(r.rawPath).startsWith(match.path)),
      handle,
      times,
    });
  }

  // ---- the MQTT side ----------------------------------------------------------------------------

  /** A client connects; `clean: false` resumes a kept session (and gets its queued messages). */
  connect(clientId: string, username: string, clean = true): FakeClient {
    const old = this.sessions.get(clientId);
    old?.client?.drop(); // takeover
    const resume = old && !clean && !old.clean;
    const session: FakeSession = resume ? old : { fake: this, clientId, username, clean, subs: new Map(), queue: [], createdAt: ++this.created };
    session.username = username;
    session.clean = clean;
    const client = new FakeClient(clientId, username, !!resume, session);
    session.client = client;
    this.sessions.set(clientId, session);
    const queued = session.queue.splice(0);
    queueMicrotask(() => queued.forEach((m) => client.deliver(m)));
    return client;
  }

  clientEnded(session: FakeSession, client: FakeClient): void {
    if (session.client !== client) return;
    session.client = undefined;
    if (session.clean) this.sessions.delete(session.clientId);
  }

  deliverRetained(client: FakeClient, filter: string): void {
    for (const [topic, payload] of this.retained) if (topicMatches(filter, topic)) client.deliver({ topic, payload, retain: true });
  }

  /** Answers a request from the model. */
  private route(r: RecordedRequest, res: ServerResponse): void {
    if (!this.authorized(r)) return json(res, 401, { code: 'BAD_API_KEY_OR_SECRET', message: 'Check api_key/api_secret' });
    if (!/application\/json/.test(String(r.headers.accept ?? ''))) this.violations.push(`${r.method} ${r.rawPath}: no "accept: application/json"`);
    if (r.method === 'POST' && r.rawPath === '/api/v5/publish') return this.publishApi(r, res);
    if (r.method === 'GET' && r.rawPath === '/api/v5/clients') return this.clientsApi(r, res);
    const sub = /^\/api\/v5\/clients\/([^/]+)\/subscribe\/bulk$/.exec(r.rawPath);
    if (r.method === 'POST' && sub) return this.subscribeApi(decodeURIComponent(sub[1] as string), r, res);
    const kick = /^\/api\/v5\/clients\/([^/]+)$/.exec(r.rawPath);
    if (r.method === 'DELETE' && kick) return this.kickApi(decodeURIComponent(kick[1]), r, res);
    this.violations.push(`unexpected request ${r.method} ${r.rawPath}`);
    return json(res, 404, { code: 'NOT_FOUND', message: 'Request Path Not Found' });
  }

  private authorized(r: RecordedRequest): boolean {
    const expected = `Basic ${Buffer.from(`${this.apiKey}:${this.apiSecret}`).toString('base64')}`;
    return r.headers.authorization === expected;
  }

  private publishApi(r: RecordedRequest, res: ServerResponse): void {
    if (!/^application\/json/.test(String(r.headers['content-type'] ?? ''))) {
      this.violations.push('publish without content-type: application/json');
      return json(res, 415, { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'content-type:application/json Required' });
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(r.body) as Record<string, unknown>;
    } catch {
      this.violations.push('publish body is not JSON');
      return json(res, 400, { code: 'BAD_REQUEST', message: 'invalid json' });
    }
    const problems: string[] = [];
    if (typeof body !== 'object' || body === null || Array.isArray(body)) problems.push('body is not an object');
    else {
      if (typeof body.topic !== 'string') problems.push('topic must be a string');
      if (typeof body.payload !== 'string') problems.push('payload must be a string');
      if (body.payload_encoding !== 'plain') problems.push('payload_encoding must be "plain"');
      if (body.qos !== 0 && body.qos !== 1) problems.push('qos must be 0 or 1, sent explicitly');
      if (typeof body.retain !== 'boolean') problems.push('retain must be a boolean, sent explicitly');
      const extra = Object.keys(body).filter((k) => !['topic', 'payload', 'payload_encoding', 'qos', 'retain'].includes(k));
      if (extra.length) problems.push(`unexpected fields ${extra.join(', ')}`);
    }
    if (problems.length) {
      this.violations.push(`publish: ${problems.join('; ')}`);
      return json(res, 400, { code: 'BAD_REQUEST', message: problems.join('; ') });
    }
    const topic = body.topic as string;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is never allowed in a topic (MQTT-4.7.3-2)
    if (topic === '' || /[+#\u0000]/.test(topic)) return json(res, 400, { reason_code: 144, message: 'topic_name_invalid' });
    const msg: FakeMessage = { topic, payload: body.payload as string, retain: false };
    const qos = body.qos as 0 | 1;
    if (body.retain === true) {
      if (msg.payload === '') this.retained.delete(topic);
      else this.retained.set(topic, msg.payload);
    }
    let matched = false;
    for (const s of this.sessions.values()) {
      const subQos = [...s.subs].filter(([f]) => topicMatches(f, topic)).map(([, q]) => q);
      if (subQos.length === 0) continue;
      matched = true;
      if (s.client?.connected) s.client.deliver(msg);
      else if (!s.clean && qos === 1 && Math.max(...subQos) === 1) s.queue.push(msg);
    }
    if (!matched) return json(res, 202, { reason_code: 16, message: 'no_matching_subscribers' });
    return json(res, 200, { id: `0006${(++this.idCounter).toString(16).padStart(28, '0').toUpperCase()}` });
  }

  private clientsApi(r: RecordedRequest, res: ServerResponse): void {
    const q = r.query;
    const page = q.has('page') ? Number(q.get('page')) : 1;
    const limit = q.has('limit') ? Number(q.get('limit')) : 100;
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(limit) || limit < 1 || limit > 10_000) {
      this.violations.push(`clients: bad paging page=${q.get('page')} limit=${q.get('limit')}`);
      return json(res, 400, { code: 'BAD_REQUEST', message: 'page_limit_invalid' });
    }
    if (!q.has('page') || !q.has('limit')) this.violations.push('clients: page and limit should be sent explicitly');
    const usernames = q.getAll('username');
    const state = q.get('conn_state');
    const ids = q.getAll('clientid');
    const rows = [...this.sessions.values()]
      .sort((a, b) => a.createdAt - b.createdAt)
      .filter((s) => usernames.length === 0 || usernames.includes(s.username))
      .filter((s) => ids.length === 0 || ids.includes(s.clientId))
      .filter((s) => state === null || (state === 'connected') === !!s.client?.connected);
    const data = rows.slice((page - 1) * limit, page * limit).map((s) => ({
      clientid: s.clientId,
      username: s.username,
      connected: !!s.client?.connected,
      clean_start: s.clean,
      node: 'emqx@127.0.0.1',
      proto_name: 'MQTT',
      proto_ver: 4,
      subscriptions_cnt: s.subs.size,
      mqueue_len: s.queue.length,
    }));
    return json(res, 200, { data, meta: { page, limit, hasnext: page * limit < rows.length, count: rows.length } });
  }

  /** `POST /api/v5/clients/{clientid}/subscribe/bulk`: `[{topic, qos}]` → 200 with the subscriptions, or 404. */
  private subscribeApi(clientId: string, r: RecordedRequest, res: ServerResponse): void {
    if (!/^application\/json/.test(String(r.headers['content-type'] ?? ''))) {
      this.violations.push('subscribe without content-type: application/json');
      return json(res, 415, { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'content-type:application/json Required' });
    }
    let body: unknown;
    try {
      body = JSON.parse(r.body);
    } catch {
      body = undefined;
    }
    const ok = Array.isArray(body) && body.length > 0 && body.every((x) => x && typeof x.topic === 'string' && (x.qos === 0 || x.qos === 1 || x.qos === 2));
    if (!ok) {
      this.violations.push(`subscribe body is not [{topic, qos}]: ${r.body}`);
      return json(res, 400, { code: 'BAD_REQUEST', message: 'invalid subscriptions' });
    }
    const s = this.sessions.get(clientId);
    if (!s?.client?.connected) return json(res, 404, { code: 'CLIENTID_NOT_FOUND', message: 'Client ID not found' });
    for (const x of body as Array<{ topic: string; qos: 0 | 1 }>) s.client.subscribe(x.topic, x.qos);
    return json(res, 200, body);
  }

  private kickApi(clientId: string, _r: RecordedRequest, res: ServerResponse): void {
    const s = this.sessions.get(clientId);
    if (!s) return json(res, 404, { code: 'CLIENTID_NOT_FOUND', message: 'Client ID not found' });
    this.sessions.delete(clientId);
    s.client?.drop();
    res.writeHead(204).end();
  }
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

export async function startFakeEmqx(apiKey = 'a1b2c3d4e5f60718', apiSecret = 'S3cr3t-Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1'): Promise<FakeEmqx> {
  return new FakeEmqx(apiKey, apiSecret).start();
}
