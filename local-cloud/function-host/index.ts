/**
 * The local function host: serves the cloud functions over HTTP the way `wx.cloud.callFunction`
 * reaches them on CloudBase, and lets in-process callers (the broker's message flow, the CLI)
 * invoke them with a context the host sets.
 *
 *   POST /functions/<name>   body: the event (JSON)  →  200, body: the function's result
 *   GET  /health             →  200, `{ok: true, data: {...}}`
 *   POST /files/avatars, GET /files/avatars/<name>   avatars of signed-in users (files.ts)
 *   GET  /console/           the web console (console.ts), when built
 *
 * Callers are identified by `Authorization: Bearer <token>` only (admin token → admin, service
 * token → service, e.g. a production broker's webhook); the event body never carries identity.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import * as v from 'valibot';
import { err, ErrorCode, type Result } from '../../core';
import { aclRequest, authRequest } from '../../core/api/contract/broker';
import type { Caller } from '../../backend/runtime/context';
import type { FunctionRunner } from '../function-runner';
import type { MqttAuthEndpoints } from '../../backend/mqtt-policy/http';
import { httpFromResult } from '../../backend/runtime/http-event';
import { closeServer, listen } from '../net/listen';
import { createGuessLimiter, type LimitRule, retryText } from '../../backend/rate-limit';
import { type ConsoleFilesOptions, createConsoleFiles } from './console';
import { type AvatarFilesOptions, createAvatarFiles } from './files';
import { hostAllowed, readBody, send, tooDeep } from './http';

export interface FunctionHostOptions {
  /** Runs the functions (in a worker thread or in-process). */
  runner: FunctionRunner;
  /** Bearer token that makes a caller `admin`. */
  adminToken: string;
  /** Bearer token that makes a caller `service` (production broker webhooks). */
  serviceToken: string;
  /** Resolves any other bearer token (a sign-in session) to a caller, or undefined if invalid. */
  resolveBearer?: (token: string) => Promise<Caller | undefined>;
  /** HTTP authentication/authorization for production brokers (`/mqtt/auth`, `/mqtt/acl`). */
  mqttAuth?: MqttAuthEndpoints;
  /** Extra fields for `GET /health`. */
  health?: () => Promise<Record<string, unknown>>;
  /** Largest accepted request body, bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Where uploaded avatars are kept (`$DATA_DIR/files`); without it `/files/…` answers 404. */
  files?: AvatarFilesOptions;
  /** The built web console and its settings; without it `/console/` answers 404. */
  console?: ConsoleFilesOptions;
  /**
   * Host names (besides `localhost` and IP addresses) that requests may name in their `Host`
   * header (`HTTP_ALLOWED_HOSTS`); any other name is refused, so a web page whose domain was
   * re-bound to this machine (DNS rebinding) cannot call the functions.
   */
  allowedHosts?: readonly string[];
  /**
   * Limits on guessing: sign-in per source address and per code, invite redemption and bind-code
   * entry per source and per account (backend/rate-limit). `false` turns them off. Key prefixes:
   * `ip`, `code`, `account`.
   */
  limits?: false | Record<string, Partial<LimitRule>>;
  /** Clock for the limits; default `Date.now`. */
  now?: () => number;
}

/** Deepest JSON nesting a request body may have. */
export const MAX_JSON_DEPTH = 64;

/** Codes that mean a guessed code was wrong (unknown, used, expired, malformed). */
const WRONG_GUESS: ReadonlySet<string> = new Set([ErrorCode.NotFound, ErrorCode.Conflict, ErrorCode.BadRequest]);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function createFunctionHost(opts: FunctionHostOptions) {
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024;
  const files = opts.files ? createAvatarFiles(opts.files) : undefined;
  const consoleFiles = opts.console ? createConsoleFiles(opts.console) : undefined;
  const limiter =
    opts.limits === false
      ? undefined
      : createGuessLimiter({
          now: opts.now ?? Date.now,
          rules: { ip: { burst: 60, perMinute: 120 }, code: { burst: 20, perMinute: 30 }, ...(opts.limits ?? {}) },
        });

  /**
   * The limiter keys of a call that checks a guessable secret, or undefined: sign-in (per source
   * address and per code: on the local host anyone who knows a code is that user), invite
   * redemption and bind-code entry (per source address and per signed-in account).
   */
  function guessKeys(name: string, event: unknown, caller: Caller, req: IncomingMessage): string[] | undefined {
    const action = event && typeof event === 'object' ? (event as Record<string, unknown>).action : undefined;
    const ip = `ip:${req.socket.remoteAddress ?? 'unknown'}`;
    const account = caller.kind === 'user' ? `account:${caller.openid}` : `account:${caller.kind}`;
    if (name === 'auth' && action === 'login') {
      const code = (event as Record<string, unknown>).code;
      return [ip, `code:${typeof code === 'string' ? code.slice(0, 64).toLowerCase() : ''}`];
    }
    if ((name === 'patients' && action === 'redeemInvite') || (name === 'devices' && action === 'bind')) return [ip, account];
    return undefined;
  }

  function invoke(name: string, event: unknown, caller: Caller): Promise<Result<unknown>> {
    return opts.runner.invoke(name, event, { request_id: randomUUID(), caller });
  }

  async function callerFrom(req: IncomingMessage): Promise<Caller | 'invalid'> {
    const auth = req.headers.authorization;
    if (!auth) return { kind: 'anonymous' };
    const token = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
    if (token === undefined) return 'invalid';
    if (sameToken(token, opts.adminToken)) return { kind: 'admin' };
    if (sameToken(token, opts.serviceToken)) return { kind: 'service', name: 'webhook' };
    return (await opts.resolveBearer?.(token)) ?? 'invalid';
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host, opts.allowedHosts ?? [])) {
      return send(
        res,
        403,
        err(ErrorCode.Forbidden, `Host "${String(req.headers.host).slice(0, 100)}" is not a name of this host; add it to HTTP_ALLOWED_HOSTS`),
      );
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://local');
    } catch {
      return send(res, 400, err(ErrorCode.BadRequest, 'malformed request target'));
    }
    if (req.method === 'GET' && url.pathname === '/health') {
      return send(res, 200, { ok: true, data: { status: 'up', ...(opts.health ? await opts.health() : {}) } });
    }
    if (req.method === 'POST' && (url.pathname === '/mqtt/auth' || url.pathname === '/mqtt/acl') && opts.mqttAuth) {
      return handleMqttAuth(req, res, url.pathname === '/mqtt/auth' ? 'auth' : 'acl', opts.mqttAuth);
    }
    if (req.method === 'POST' && url.pathname === '/mqtt/webhook') return handleWebhook(req, res);
    if (url.pathname.startsWith('/files/')) {
      if (!files) return send(res, 404, err(ErrorCode.NotFound, 'this host keeps no files'));
      return files.handle(req, res, url.pathname, () => callerFrom(req));
    }
    if (url.pathname === '/console' || url.pathname.startsWith('/console/')) {
      if (!consoleFiles) return send(res, 404, err(ErrorCode.NotFound, 'this host serves no web console'));
      return consoleFiles.handle(req, res, url.pathname);
    }
    const name = /^\/functions\/([A-Za-z0-9_-]+)$/.exec(url.pathname)?.[1];
    if (name === undefined) return send(res, 404, err(ErrorCode.NotFound, 'not found: use POST /functions/<name> or GET /health'));
    if (!opts.runner.names.includes(name)) return send(res, 404, err(ErrorCode.NotFound, `no function named ${name}`));
    if (req.method !== 'POST') return send(res, 405, err(ErrorCode.BadRequest, 'use POST'));
    const caller = await callerFrom(req);
    if (caller === 'invalid') return send(res, 401, err(ErrorCode.Unauthenticated, 'invalid or expired token'));
    const body = await readBody(req, maxBody);
    if (body === 'too-large') {
      res.setHeader('connection', 'close');
      return send(res, 413, err(ErrorCode.PayloadTooLarge, `request body over ${maxBody} bytes`));
    }
    let event: unknown = {};
    if (body.length) {
      try {
        event = JSON.parse(body.toString('utf8'));
      } catch {
        return send(res, 400, err(ErrorCode.BadRequest, 'request body is not valid JSON'));
      }
      if (tooDeep(event, MAX_JSON_DEPTH)) return send(res, 400, err(ErrorCode.BadRequest, `request body is nested deeper than ${MAX_JSON_DEPTH} levels`));
    }
    const keys = limiter && guessKeys(name, event, caller, req);
    if (keys) {
      const allowed = limiter.attempt(keys);
      if (!allowed.ok) {
        res.setHeader('retry-after', String(Math.ceil(allowed.retryAfterMs / 1000)));
        return send(res, 429, err(ErrorCode.RateLimited, `too many attempts; try again in ${retryText(allowed.retryAfterMs)}`));
      }
    }
    const result = await invoke(name, event, caller);
    if (keys && !result.ok && WRONG_GUESS.has(result.code)) limiter?.failure(keys);
    else if (keys && result.ok) limiter?.success(keys.slice(1));
    send(res, 200, result);
  }

  /** Only the service token may ask (the production broker); anything unreadable is denied. */
  async function handleMqttAuth(req: IncomingMessage, res: ServerResponse, kind: 'auth' | 'acl', endpoints: MqttAuthEndpoints): Promise<void> {
    const caller = await callerFrom(req);
    if (caller === 'invalid' || caller.kind !== 'service') return send(res, 401, err(ErrorCode.Unauthenticated, 'service token required'));
    const body = await readBody(req, 16 * 1024);
    // Read as the `broker` function reads it (core/api/contract/broker.ts): what cannot be read is
    // missing, and the answer a deny.
    let json: unknown;
    try {
      json = body === 'too-large' ? undefined : JSON.parse(body.toString('utf8'));
    } catch {
      json = undefined;
    }
    if (tooDeep(json, MAX_JSON_DEPTH)) json = undefined;
    return send(res, 200, kind === 'auth' ? await endpoints.auth(v.parse(authRequest, json)) : await endpoints.acl(v.parse(aclRequest, json)));
  }

  /**
   * A production broker's rule-engine webhook (EMQX): the service token, then the `broker`
   * function's `webhook` action; the status says whether to resend (backend/runtime/http-event.ts).
   */
  async function handleWebhook(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const caller = await callerFrom(req);
    if (caller === 'invalid' || caller.kind !== 'service') return send(res, 401, err(ErrorCode.Unauthenticated, 'service token required'));
    if (!opts.runner.names.includes('broker')) return send(res, 404, err(ErrorCode.NotFound, 'this host runs no broker function'));
    const body = await readBody(req, maxBody);
    if (body === 'too-large') return send(res, 413, err(ErrorCode.PayloadTooLarge, `request body over ${maxBody} bytes`));
    let events: unknown;
    try {
      events = JSON.parse(body.toString('utf8'));
    } catch {
      return send(res, 400, err(ErrorCode.BadRequest, 'request body is not valid JSON'));
    }
    if (tooDeep(events, MAX_JSON_DEPTH)) return send(res, 400, err(ErrorCode.BadRequest, `request body is nested deeper than ${MAX_JSON_DEPTH} levels`));
    const answer = httpFromResult(await invoke('broker', { action: 'webhook', events }, caller));
    res.writeHead(answer.statusCode, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
    res.end(answer.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, err(ErrorCode.Internal, 'internal error'));
    });
  });
  // A request Node cannot parse (malformed request line or headers): 400 with a JSON body.
  server.on('clientError', (e: Error & { code?: string }, socket) => {
    if (!socket.writable || e.code === 'ECONNRESET') return void socket.destroy();
    const body = JSON.stringify(err(ErrorCode.BadRequest, 'malformed HTTP request'));
    socket.end(
      'HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });

  let closing: Promise<void> | undefined;
  return {
    invoke,
    server,
    /** Avatar uploads (`stats`: stored, refused by reason), when the host keeps files. */
    files,
    listen: (port: number, host: string) => listen(server, { port, host, service: 'the function host (HTTP)', envVar: 'HTTP_PORT' }),
    /** Safe to call twice. */
    close(): Promise<void> {
      closing ??= (async () => {
        const done = closeServer(server);
        server.closeIdleConnections();
        await done;
      })();
      return closing;
    },
  };
}

export type FunctionHost = ReturnType<typeof createFunctionHost>;
