/**
 * The shape of every cloud function: `(event, context) => Promise<Result>`, built from its
 * dependencies. A small router dispatches on `event.action` to handler modules and turns anything
 * thrown into an `Err`, so a function's promise always settles with a result.
 */
import { err, ErrorCode, Result, toErr } from '../../core';
import { Caller, callerOf, FunctionContext } from './context';
import type { FunctionDeps } from './deps';
import { depsFromEnvironment } from './environment';

export type CloudFunction = (event: unknown, context?: FunctionContext) => Promise<Result<unknown>>;

export interface HandlerInput {
  event: Record<string, unknown>;
  caller: Caller;
  deps: FunctionDeps;
}

export type Handler = (input: HandlerInput) => Promise<Result<unknown>>;

export interface RouterOptions {
  /** Handlers by `event.action`. */
  actions: Record<string, Handler>;
  /** Action used when the event has none. */
  defaultAction?: string;
  /** Callers allowed at all; others get UNAUTHENTICATED / FORBIDDEN before any handler runs. */
  allow: ReadonlyArray<Caller['kind']>;
}

/** Restricts one action of a function open to several kinds of caller to operators. */
export function adminOnly(handler: Handler): Handler {
  return async (input) => (input.caller.kind === 'admin' ? handler(input) : err(ErrorCode.Forbidden, 'operators only'));
}

export function createRouter(name: string, opts: RouterOptions, deps: FunctionDeps): CloudFunction {
  return async (event, context) => {
    const caller = callerOf(context);
    if (!opts.allow.includes(caller.kind)) {
      return caller.kind === 'anonymous'
        ? err(ErrorCode.Unauthenticated, `${name}: sign in first`)
        : err(ErrorCode.Forbidden, `${name}: not allowed for ${caller.kind} callers`);
    }
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      return err(ErrorCode.BadRequest, `${name}: the event must be a JSON object`);
    }
    const e = event as Record<string, unknown>;
    const action = e.action ?? opts.defaultAction;
    if (typeof action !== 'string' || !Object.prototype.hasOwnProperty.call(opts.actions, action)) {
      return err(ErrorCode.BadRequest, `${name}: unknown action; expected one of ${Object.keys(opts.actions).join(', ')}`);
    }
    // Every line a call logs names the function, the action and the host's request id.
    const log = deps.log.child({ fn: name, action, req: context?.request_id });
    try {
      return await opts.actions[action]({ event: e, caller, deps: { ...deps, log } });
    } catch (thrown) {
      const result = toErr(thrown);
      if (result.code === ErrorCode.Internal) log.error(`failed: ${(thrown as Error)?.stack ?? String(thrown)}`);
      return result;
    }
  };
}

/**
 * Defines a cloud function once for both hosts: `createHandler(deps)` for the local function host
 * (dependencies built once and shared), `main(event, context)` for CloudBase (dependencies built
 * from the environment per invocation).
 */
export function defineFunction(name: string, opts: RouterOptions) {
  const createHandler = (deps: FunctionDeps): CloudFunction => createRouter(name, opts, deps);
  const main = async (event: unknown, context?: FunctionContext) =>
    depsFromEnvironment().use((deps) => createHandler(deps)(event, context));
  return { name, createHandler, main };
}
