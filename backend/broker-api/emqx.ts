/**
 * `BrokerApi` over the EMQX 5 REST API (self-hosted EMQX 5.x/6.x, or an EMQX Cloud deployment).
 *
 * Options (`createEmqxBrokerApi`):
 * - `baseUrl` — where the REST API listens, e.g. `https://emqx.example.com:18083` (the dashboard
 *   listener; EMQX Cloud shows it as the deployment's "API endpoint"). A trailing `/api/v5` is
 *   accepted and not doubled. http or https, without credentials, query or fragment. Required.
 * - `apiKey`, `apiSecret` — an API key created in the dashboard (System → API Key) or from
 *   `api_key.bootstrap_file`; sent as HTTP Basic credentials. Required. The secret never appears in
 *   an error message.
 * - `timeoutMs` — limit for each HTTP request, answer body included. Default 5000.
 * - `pageSize` — clients asked for per page when listing clients (EMQX allows 1–10000). Default 1000.
 * - `fetch` — the fetch implementation. Default the global `fetch` (Node 20).
 *
 * `emqxOptionsFromEnv(env)` reads the same from `EMQX_API_URL`, `EMQX_API_KEY`, `EMQX_API_SECRET`
 * (required) and `EMQX_API_TIMEOUT_MS` (optional, integer 100–120000, default 5000).
 *
 * Requests and answers, as documented by EMQX and in its source:
 * - Every path starts with `/api/v5`; authentication is HTTP Basic with API key and secret key; 401
 *   `BAD_API_KEY_OR_SECRET` for a wrong key, 403 for a key without the permission.
 *   https://docs.emqx.com/en/emqx/v5.7/admin/api.html (Authentication, HTTP status codes)
 * - `POST /api/v5/publish`, JSON body `{topic, payload, payload_encoding: "plain"|"base64", qos,
 *   retain}` (qos default 0, retain default false); 200 `{id}` when delivered to at least one
 *   subscriber, 202 `{reason_code: 16, message: "no_matching_subscribers"}` when none matched (the
 *   message was still accepted, and a retained one is still stored: not an error here), 400
 *   `{reason_code: 144, message: "topic_name_invalid"}` for a bad topic or 151 `packet_too_large`,
 *   503 `failed_to_dispatch` while EMQX restarts; a POST without `content-type: application/json`
 *   gets 415. https://docs.emqx.com/en/cloud/latest/api/publish_v5.html and
 *   emqx/emqx `apps/emqx_management/src/emqx_mgmt_api_publish.erl`
 * - `GET /api/v5/clients?username=…&conn_state=connected&page=…&limit=…` → `{data: [{clientid,
 *   username, connected, …}], meta: {page, limit, hasnext, count?}}`; `page` starts at 1, `limit`
 *   is 1–10000 (default 100); `hasnext` is always present, `count` only when EMQX can count cheaply.
 *   Without `conn_state`, disconnected clients whose session is still kept are listed too.
 *   https://docs.emqx.com/en/cloud/latest/api/clients_v5.html (which still spells the paging
 *   parameters `_page`/`_limit`; EMQX 5 reads `page`/`limit`: emqx/emqx
 *   `apps/emqx_dashboard/src/emqx_dashboard_swagger.erl`, fields `page`, `limit`, `meta`)
 * - `DELETE /api/v5/clients/{clientid}` → 204; "kicking a client will terminate both the
 *   connection and the session" (clients_v5 page above); 404 `CLIENTID_NOT_FOUND` when there is
 *   no such client or session, which for us means it is already gone.
 *   emqx/emqx `apps/emqx_management/src/emqx_mgmt_api_clients.erl` (`kickout/1`)
 *
 * Failures are `BrokerApiError`s (errors.ts): network errors, timeouts, 5xx, 408 and 429 are
 * `BROKER_UNAVAILABLE`; other 4xx and redirects are `BROKER_REJECTED`. Nothing is retried here:
 * the caller knows whether a retry makes sense (a command has its own timeout, a kick can wait).
 */
import { AppError, ErrorCode } from '../../core';
import { BrokerApiError, BrokerErrorCode } from './errors';
import type { BrokerApi, PublishOptions, Subscription } from './types';

export interface EmqxBrokerApiOptions {
  /** e.g. `https://emqx.example.com:18083`; a trailing `/api/v5` is accepted. */
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
  /** Per HTTP request, ms. Default 5000. */
  timeoutMs?: number;
  /** Clients per page when listing (1–10000). Default 1000. */
  pageSize?: number;
  /** Default the global `fetch`. */
  fetch?: typeof fetch;
}

export const EMQX_DEFAULT_TIMEOUT_MS = 5000;
export const EMQX_DEFAULT_PAGE_SIZE = 1000;
/** EMQX's largest `limit` (`?MAX_ROW_LIMIT` in emqx_dashboard_swagger.erl). */
const EMQX_MAX_PAGE_SIZE = 10_000;
/** Stops paging a client list that never ends (a broken proxy answering the same page forever). */
const MAX_PAGES = 10_000;
/** Kicks in flight at once. */
const KICK_CONCURRENCY = 8;

const configError = (message: string) => new AppError(ErrorCode.Unavailable, message);

/** The REST API root, `…/api/v5`, from a base URL with or without that suffix. */
function apiRoot(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    // The value itself is not repeated: a mistyped URL may carry credentials.
    throw configError('EMQX API URL must be an http(s) URL such as https://emqx.example.com:18083');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw configError(`EMQX API URL must be an http(s) URL, not ${url.protocol}`);
  if (url.username || url.password) throw configError('EMQX API URL must not contain credentials: give the API key and secret separately');
  if (url.search || url.hash) throw configError('EMQX API URL must not have a query or fragment');
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/v5$/, '');
  return `${url.origin}${path}/api/v5`;
}

interface Answer {
  status: number;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  json: unknown;
  text: string;
  location: string | null;
}

export function createEmqxBrokerApi(opts: EmqxBrokerApiOptions): BrokerApi {
  const root = apiRoot(opts.baseUrl);
  if (!opts.apiKey) throw configError('EMQX API key is empty');
  if (opts.apiKey.includes(':')) throw configError('EMQX API key may not contain ":" (it is the Basic user name)');
  if (!opts.apiSecret) throw configError('EMQX API secret is empty');
  const timeoutMs = opts.timeoutMs ?? EMQX_DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw configError(`EMQX timeoutMs must be a positive integer, got ${timeoutMs}`);
  const pageSize = opts.pageSize ?? EMQX_DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > EMQX_MAX_PAGE_SIZE)
    throw configError(`EMQX pageSize must be 1–${EMQX_MAX_PAGE_SIZE}, got ${pageSize}`);
  const doFetch = opts.fetch ?? fetch;
  const basicToken = Buffer.from(`${opts.apiKey}:${opts.apiSecret}`, 'utf8').toString('base64');
  const authorization = `Basic ${basicToken}`;

  /** Whatever goes into a message passes through here: neither the secret nor the Basic token survive. */
  const redact = (s: string) => s.split(opts.apiSecret).join('***').split(basicToken).join('***');
  const fail = (code: BrokerErrorCode, what: string, message: string, extra: { status?: number; cause?: unknown } = {}) =>
    new BrokerApiError(code, redact(what), redact(message), extra);

  /** EMQX's error body (`{code, message}` or `{reason_code, message}`), or the start of the text. */
  function explain(a: Answer): string {
    const j = a.json as { code?: unknown; reason_code?: unknown; message?: unknown } | undefined;
    if (j && typeof j === 'object' && (j.code !== undefined || j.message !== undefined || j.reason_code !== undefined)) {
      const code = j.code ?? j.reason_code;
      return [code === undefined ? '' : String(code), j.message === undefined ? '' : String(j.message)].filter(Boolean).join(': ').slice(0, 300);
    }
    return a.text.replace(/\s+/g, ' ').trim().slice(0, 200);
  }

  /** Turns an answer that is not one of `okStatuses` into the right error. */
  function check(a: Answer, what: string, okStatuses: readonly number[]): void {
    if (okStatuses.includes(a.status)) return;
    const detail = explain(a);
    const said = detail ? ` (${detail})` : '';
    if (a.status >= 300 && a.status < 400) {
      throw fail(
        BrokerErrorCode.Rejected,
        what,
        `redirected with ${a.status} to ${a.location ?? '(no location)'}: point the EMQX API URL at the final address`,
        { status: a.status },
      );
    }
    if (a.status === 401) throw fail(BrokerErrorCode.Rejected, what, `401 unauthorized${said}: check the EMQX API key and secret`, { status: 401 });
    if (a.status === 403) throw fail(BrokerErrorCode.Rejected, what, `403 forbidden${said}: the API key lacks the permission`, { status: 403 });
    if (a.status === 408 || a.status === 429 || a.status >= 500) throw fail(BrokerErrorCode.Unavailable, what, `${a.status}${said}`, { status: a.status });
    if (a.status >= 400) throw fail(BrokerErrorCode.Rejected, what, `${a.status}${said}`, { status: a.status });
    throw fail(BrokerErrorCode.Unavailable, what, `unexpected status ${a.status}${said}`, { status: a.status });
  }

  async function request(method: 'GET' | 'POST' | 'DELETE', path: string, what: string, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = { authorization, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      const res = await doFetch(`${root}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
        // A redirect would resend the credentials elsewhere; report it instead of following it.
        redirect: 'manual',
      });
      const text = await res.text(); // still under the timeout signal
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.status, json, text, location: res.headers.get('location') };
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      if (err?.name === 'TimeoutError' || err?.name === 'AbortError') {
        throw fail(BrokerErrorCode.Unavailable, what, `no answer within ${timeoutMs} ms`, { cause: e });
      }
      const reason = err?.cause?.message ?? err?.cause?.code ?? err?.message ?? String(e);
      throw fail(BrokerErrorCode.Unavailable, what, `request failed: ${reason}`, { cause: e });
    }
  }

  async function kickOne(clientId: string): Promise<void> {
    const path = `/clients/${encodeURIComponent(clientId)}`;
    const what = `EMQX DELETE /api/v5${path}`;
    // 204 kicked; 404 CLIENTID_NOT_FOUND: no such client or session, so nothing to do.
    check(await request('DELETE', path, what), what, [200, 204, 404]);
  }

  return {
    async publish(topic: string, payload: string, o: PublishOptions = {}): Promise<void> {
      const what = `EMQX POST /api/v5/publish (topic ${topic})`;
      const qos = o.qos ?? 1;
      const retain = o.retain ?? false;
      if (qos !== 0 && qos !== 1) throw fail(BrokerErrorCode.Rejected, what, `qos must be 0 or 1, got ${String(qos)}`);
      if (typeof payload !== 'string') throw fail(BrokerErrorCode.Rejected, what, 'payload must be a string');
      const a = await request('POST', '/publish', what, { topic, payload, payload_encoding: 'plain', qos, retain: retain === true });
      // 200: delivered; 202: no matching subscribers, which is normal (a device offline, nobody watching).
      check(a, what, [200, 202]);
    },

    async clientsOf(username: string): Promise<string[]> {
      if (!username) return [];
      const ids = new Set<string>();
      for (let page = 1; page <= MAX_PAGES; page++) {
        const query = new URLSearchParams({ username, conn_state: 'connected', page: String(page), limit: String(pageSize) });
        const path = `/clients?${query.toString()}`;
        const what = `EMQX GET /api/v5${path}`;
        const a = await request('GET', path, what);
        check(a, what, [200]);
        const body = a.json as { data?: unknown; meta?: { hasnext?: unknown; count?: unknown } } | undefined;
        if (!body || !Array.isArray(body.data))
          throw fail(BrokerErrorCode.Unavailable, what, `answer is not an EMQX client list: ${explain(a) || '(empty)'}`, { status: a.status });
        for (const row of body.data as Array<{ clientid?: unknown; username?: unknown; connected?: unknown }>) {
          // The filters were asked for; checking again costs nothing and keeps a proxy that drops
          // the query from making us kick someone else.
          if (row && typeof row.clientid === 'string' && row.username === username && row.connected !== false) ids.add(row.clientid);
        }
        const meta = body.meta ?? {};
        const more =
          typeof meta.hasnext === 'boolean' ? meta.hasnext : typeof meta.count === 'number' ? page * pageSize < meta.count : body.data.length >= pageSize;
        if (!more || body.data.length === 0) return [...ids];
      }
      throw fail(BrokerErrorCode.Unavailable, `EMQX GET /api/v5/clients (username ${username})`, `client list did not end after ${MAX_PAGES} pages`);
    },

    async subscribe(clientId: string, subscriptions: Subscription[]): Promise<void> {
      if (!clientId || subscriptions.length === 0) return;
      // EMQX 5 REST API, "Clients": POST /clients/{clientid}/subscribe/bulk with [{topic, qos}];
      // 404 CLIENTID_NOT_FOUND when the client is gone, which leaves nothing to do.
      const path = `/clients/${encodeURIComponent(clientId)}/subscribe/bulk`;
      const what = `EMQX POST /api/v5${path}`;
      const body = subscriptions.map((x) => ({ topic: x.topic, qos: x.qos }));
      check(await request('POST', path, what, body), what, [200, 404]);
    },

    async kick(clientIds: string[]): Promise<void> {
      const queue = [...new Set(clientIds.filter((id) => typeof id === 'string' && id.length > 0))];
      const failures: BrokerApiError[] = [];
      // Every id is tried even when some fail, so one bad answer does not leave the rest connected.
      const worker = async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          try {
            await kickOne(id);
          } catch (e) {
            failures.push(e as BrokerApiError);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(KICK_CONCURRENCY, queue.length) }, worker));
      const first = failures.find((f) => f.code === BrokerErrorCode.Unavailable) ?? failures[0];
      if (!first) return;
      if (failures.length === 1) throw first;
      throw new BrokerApiError(first.code, first.request, `${first.reason} (and ${failures.length - 1} more kicks failed)`, {
        status: first.status,
        cause: first,
      });
    },
  };
}

/**
 * Options from the environment: `EMQX_API_URL`, `EMQX_API_KEY`, `EMQX_API_SECRET` (required),
 * `EMQX_API_TIMEOUT_MS` (optional, default 5000). Throws an `AppError` (`UNAVAILABLE`) naming the
 * first missing or malformed variable.
 */
export function emqxOptionsFromEnv(env: NodeJS.ProcessEnv): EmqxBrokerApiOptions {
  const pick = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const need = (name: string, what: string): string => {
    const v = pick(name);
    if (!v) throw configError(`the EMQX broker API needs ${name} (${what})`);
    return v;
  };
  const baseUrl = need('EMQX_API_URL', 'the REST API address, e.g. https://emqx.example.com:18083');
  try {
    apiRoot(baseUrl);
  } catch (e) {
    throw configError(`EMQX_API_URL: ${(e as Error).message}`);
  }
  const apiKey = need('EMQX_API_KEY', 'an EMQX API key');
  const apiSecret = need('EMQX_API_SECRET', 'the secret key of that API key');
  const opts: EmqxBrokerApiOptions = { baseUrl, apiKey, apiSecret };
  const timeout = pick('EMQX_API_TIMEOUT_MS');
  if (timeout !== undefined) {
    const n = Number(timeout);
    if (!Number.isInteger(n) || n < 100 || n > 120_000) throw configError(`EMQX_API_TIMEOUT_MS must be an integer from 100 to 120000 (ms), got "${timeout}"`);
    opts.timeoutMs = n;
  }
  return opts;
}
