/**
 * A function's `main` for callers that speak plain HTTP through CloudBase's HTTP access service
 * (a production broker): checks the shared secret, turns the request into the function's event
 * (`action` from the last path segment, the JSON body in one field of it), runs the
 * function as a `service` caller and answers with an integration response whose status tells the
 * caller whether to retry (http-event.ts). Any other invocation goes to `main` unchanged, where the
 * router refuses callers that are not services.
 */
import { err, ErrorCode } from '../../core';
import type { FunctionContext } from './context';
import type { CloudFunction } from './handler';
import { bodyText, hasBearer, httpFromResult, type HttpResponse, isHttpEvent } from './http-event';

export interface HttpEntryOptions {
  /** Function name, for messages and the service caller's name. */
  name: string;
  /** Actions reachable as the last path segment (`/mqtt/webhook` → `webhook`). */
  actions: readonly string[];
  /**
   * The event field each action's parsed JSON body goes into (never spread into the event: a body's
   * own `action`, as in EMQX's authorization request, must not choose the function's action).
   * A body that is not valid JSON: BAD_REQUEST, unless the action is listed in `lenient`.
   */
  bodyField: Readonly<Record<string, string>>;
  /** Actions that take an unreadable body as `undefined` and answer on their own terms. */
  lenient?: readonly string[];
  /** Environment variable holding the shared secret. Default `BROKER_HOOK_SECRET`. */
  secretVar?: string;
}

export function httpEntry(main: CloudFunction, opts: HttpEntryOptions, env: NodeJS.ProcessEnv = process.env) {
  const secretVar = opts.secretVar ?? 'BROKER_HOOK_SECRET';
  return async (event: unknown, context?: FunctionContext): Promise<unknown> => {
    if (!isHttpEvent(event)) return main(event, context);
    const secret = env[secretVar];
    if (!secret) return httpFromResult(err(ErrorCode.Unavailable, `${opts.name}: ${secretVar} is not set`));
    if (!hasBearer(event, secret)) return httpFromResult(err(ErrorCode.Unauthenticated, `${opts.name}: Authorization: Bearer <${secretVar}> required`));
    if (event.httpMethod.toUpperCase() !== 'POST') return { ...httpFromResult(err(ErrorCode.BadRequest, 'use POST')), statusCode: 405 } satisfies HttpResponse;
    const action = event.path.replace(/\/+$/, '').split('/').pop() ?? '';
    if (!opts.actions.includes(action))
      return httpFromResult(err(ErrorCode.NotFound, `${opts.name}: no ${event.path}; expected …/${opts.actions.join(', …/')}`));
    let body: unknown;
    try {
      body = JSON.parse(bodyText(event) || 'null');
    } catch {
      body = undefined;
    }
    if (body === undefined && !opts.lenient?.includes(action)) return httpFromResult(err(ErrorCode.BadRequest, `${opts.name}: the body is not valid JSON`));
    const fnEvent = { action, [opts.bodyField[action] ?? 'body']: body };
    return httpFromResult(await main(fnEvent, { ...context, caller: { kind: 'service', name: opts.name } }));
  };
}
