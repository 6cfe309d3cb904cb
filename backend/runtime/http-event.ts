/**
 * Functions called over plain HTTP by a production broker (EMQX's HTTP authenticator, authorizer
 * and rule-engine webhook). On CloudBase such a request reaches a function through the HTTP access
 * service (云接入 / HTTP 访问服务) as an "integration request" event and the function answers with
 * an integration response (https://docs.cloudbase.net/service/access-cloud-function):
 *
 *   event:    { path, httpMethod, headers, queryStringParameters, body, isBase64Encoded }
 *   response: { statusCode, headers, body, isBase64Encoded }
 *
 * The local function host turns its own HTTP requests into the same event, so one piece of code
 * checks the shared secret and maps results to status codes in both places.
 */
import { timingSafeEqual } from 'node:crypto';
import { ErrorCode, type Result } from '../../core';

export interface HttpEvent {
  path: string;
  httpMethod: string;
  headers: Record<string, string | undefined>;
  body?: string | null;
  isBase64Encoded?: boolean;
  queryStringParameters?: Record<string, string> | null;
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: false;
}

export function isHttpEvent(e: unknown): e is HttpEvent {
  const x = e as Partial<HttpEvent> | null;
  return !!x && typeof x === 'object' && typeof x.httpMethod === 'string' && typeof x.path === 'string';
}

/** The request body as text (the HTTP access service base64-encodes bodies it deems binary). */
export function bodyText(e: HttpEvent): string {
  const raw = e.body ?? '';
  return e.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
}

/** A header by case-insensitive name (the access service passes them as sent). */
export function header(e: HttpEvent, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(e.headers ?? {})) if (k.toLowerCase() === want) return v;
  return undefined;
}

/** Constant-time comparison, so a wrong secret cannot be found byte by byte from response times. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** True when the request carries `Authorization: Bearer <secret>`. */
export function hasBearer(e: HttpEvent, secret: string): boolean {
  const m = /^Bearer\s+(\S+)$/i.exec(header(e, 'authorization') ?? '');
  return !!m && sameSecret(m[1] as string, secret);
}

const STATUS: Partial<Record<string, number>> = {
  [ErrorCode.BadRequest]: 400,
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.RateLimited]: 429,
};

/**
 * A function's result as an HTTP response: 200 with the data, or the error with a status that
 * tells the broker what to do — 4xx: the request is wrong, do not resend; 5xx (storage unavailable,
 * anything unexpected): try again later, which is how EMQX's webhook keeps messages until they are stored.
 */
export function httpFromResult(result: Result<unknown>): HttpResponse {
  const statusCode = result.ok ? 200 : (STATUS[result.code] ?? 503);
  const body = JSON.stringify(result.ok ? result.data : { code: result.code, message: result.message });
  return { statusCode, headers: { 'content-type': 'application/json; charset=utf-8' }, body, isBase64Encoded: false };
}
