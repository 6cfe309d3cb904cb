/**
 * The HTTP side: one JSON POST per database call to `/admin` (the path `tcbapiendpoint.js`
 * `buildUrl()` uses; `serviceUrl` replaces the whole URL and the SDK appends `?env=…&seqId=…`).
 * Database errors are HTTP 200 with `{code, message, requestId}` (see errors.ts); a malformed
 * request (not JSON, too large, wrong path or method) gets a 4xx with the same JSON shape.
 * Nothing a client sends can crash the server: every failure becomes an answer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { runAction } from './actions';
import { CloudbaseError, ErrorCode, invalidParam } from './errors';
import { isPlainObject, deepClone } from './ejson';
import type { ActionContext, Counters } from './context';
import type { Database } from './store';
import type { TransactionManager } from './transactions';

/** Larger than one 16 MiB document, small enough that a runaway client cannot exhaust memory. */
const MAX_BODY_BYTES = 48 * 1024 * 1024;

export interface RecordedRequest {
  action: string;
  body: Record<string, unknown>;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
}

export interface ServerState {
  env: string;
  db: Database;
  txns: TransactionManager;
  counters: Counters;
  requests: number;
  byAction: Record<string, number>;
  record: boolean;
  recorded: RecordedRequest[];
  nextRequestId: number;
  clock: () => number;
  /** Injected failures, first match wins (`CloudbaseServer.failRequests`). */
  faults: Fault[];
}

/** The next `count` requests of `action`, after `skip` of them pass, are answered with an error. */
export interface Fault {
  action: string;
  skip: number;
  count: number;
}

export function createHttpServer(state: ServerState): Server {
  return createServer((req, res) => {
    readBody(req)
      .then((raw) => answer(state, req, raw))
      .catch((e: unknown) => failure(400, e))
      .then(({ status, body }) => send(res, status, { ...body, requestId: `standin-${++state.nextRequestId}` }))
      .catch(() => res.destroy());
  });
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

function answer(state: ServerState, req: IncomingMessage, raw: string): Answer {
  const url = new URL(req.url ?? '/', 'http://stand-in');
  if (url.pathname !== '/admin') return failure(404, invalidParam(`no such path ${url.pathname}; database calls go to POST /admin`));
  if (req.method !== 'POST') return failure(405, invalidParam(`${req.method} is not allowed; use POST`));
  state.requests++;
  const body = parseBody(raw);
  if (!body) return countAs(state, '(invalid)', failure(400, invalidParam('the request body is not a JSON object')));
  const action = typeof body.action === 'string' ? body.action : '(missing)';
  if (state.record) state.recorded.push(recordOf(action, body, req, url));
  if (injectedFailure(state, action)) {
    return countAs(state, action, failure(200, new CloudbaseError(ErrorCode.REQUEST_FAILED, `stand-in: injected failure of ${action}`)));
  }
  return countAs(state, action, dispatch(state, action, body));
}

function injectedFailure(state: ServerState, action: string): boolean {
  const f = state.faults.find((x) => x.action === action && x.count > 0);
  if (!f) return false;
  if (f.skip > 0) {
    f.skip--;
    return false;
  }
  f.count--;
  return true;
}

function dispatch(state: ServerState, action: string, body: Record<string, unknown>): Answer {
  try {
    if (action === '(missing)') throw invalidParam('the request has no action');
    if (body.envName !== state.env)
      throw new CloudbaseError(ErrorCode.INVALID_ENV, `unknown env ${JSON.stringify(body.envName)}; this server is '${state.env}'`);
    const ctx: ActionContext = { db: state.db, txns: state.txns, counters: state.counters, now: state.clock() };
    return { status: 200, body: runAction(action, body, ctx) };
  } catch (e) {
    return failure(200, e);
  }
}

function countAs(state: ServerState, action: string, a: Answer): Answer {
  state.byAction[action] = (state.byAction[action] ?? 0) + 1;
  return a;
}

function failure(status: number, e: unknown): Answer {
  if (e instanceof CloudbaseError) return { status, body: { code: e.code, message: e.message } };
  // A bug in the stand-in itself: still an answer, never a crash, and loud enough to notice.
  const message = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
  return { status, body: { code: 'SYS_ERR', message: `stand-in internal error: ${message}` } };
}

function parseBody(raw: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(raw);
    return isPlainObject(v) ? v : null;
  } catch {
    return null;
  }
}

function recordOf(action: string, body: Record<string, unknown>, req: IncomingMessage, url: URL): RecordedRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
  return { action, body: deepClone(body), method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), headers };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () =>
      size > MAX_BODY_BYTES ? reject(invalidParam(`request body over ${MAX_BODY_BYTES} bytes`)) : resolve(Buffer.concat(chunks).toString('utf8')),
    );
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
