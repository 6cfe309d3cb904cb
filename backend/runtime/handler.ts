/**
 * The shape of every cloud function: `(event, context) => Promise<Result>`, built from its
 * dependencies. A small router dispatches on `event.action` to handler modules and turns anything
 * thrown into an `Err`, so a function's promise always settles with a result.
 *
 * Actions are declared once in `core/api/contract` (event schema + result type); `typed(contract,
 * run)` builds a handler that receives the validated input and whose answer the compiler checks
 * against the declared result. Plain `Handler`s (reading `event` themselves) are still accepted, so
 * an action can be added before it is declared.
 */
import { err, ErrorCode, type Result, toErr } from '../../core';
import { type ActionContract, type FunctionContract, type ParsedOf, parseInput, type ResultOf } from '../../core/api/contract/define';
import { type Caller, callerOf, type FunctionContext } from './context';
import type { FunctionDeps } from './deps';
import { depsFromEnvironment } from './environment';

export type CloudFunction = (event: unknown, context?: FunctionContext) => Promise<Result<unknown>>;

export interface HandlerInput {
  event: Record<string, unknown>;
  caller: Caller;
  deps: FunctionDeps;
}

export type Handler = (input: HandlerInput) => Promise<Result<unknown>>;

/** What a typed action receives: the event checked against its contract, as `input`. */
export interface TypedInput<A extends ActionContract> extends HandlerInput {
  input: ParsedOf<A>;
}

/** A handler built by `typed`: still a `Handler` for the router, tagged with its contract. */
export type TypedHandler<A extends ActionContract> = Handler & { readonly contract: A };

/**
 * A handler for a declared action: the event is checked against `contract.input` first (a failure
 * is a `BAD_REQUEST` naming the field, and `run` is not called), and `run` must answer with the
 * declared result type.
 */
export function typed<A extends ActionContract>(contract: A, run: (input: TypedInput<A>) => Promise<Result<ResultOf<A>>>): TypedHandler<A> {
  const handler: Handler = async (input) => {
    const parsed = parseInput(contract.input, input.event);
    return parsed.ok ? run({ ...input, input: parsed.value as ParsedOf<A> }) : parsed;
  };
  return Object.assign(handler, { contract });
}

/**
 * Wraps a handler in a check that runs first, keeping its contract tag, so a guarded typed action
 * still satisfies its function's contract.
 */
export function guard<H extends Handler>(handler: H, check: (input: HandlerInput) => Result<unknown> | undefined): H {
  const guarded: Handler = async (input) => check(input) ?? handler(input);
  const contract = (handler as Partial<TypedHandler<ActionContract>>).contract;
  return (contract ? Object.assign(guarded, { contract }) : guarded) as H;
}

/**
 * The actions of a function: one typed handler for each action its contract declares, plus any
 * plain handlers for actions not declared yet.
 */
export type ActionsOf<C extends FunctionContract> = { [K in keyof C]: TypedHandler<C[K]> } & Record<string, Handler>;

export interface RouterOptions {
  /** Handlers by `event.action`. */
  actions: Record<string, Handler>;
  /** Action used when the event has none. */
  defaultAction?: string;
  /** Callers allowed at all; others get UNAUTHENTICATED / FORBIDDEN before any handler runs. */
  allow: ReadonlyArray<Caller['kind']>;
}

/** Restricts one action of a function open to several kinds of caller to operators. */
export function adminOnly<H extends Handler>(handler: H): H {
  return guard(handler, (input) => (input.caller.kind === 'admin' ? undefined : err(ErrorCode.Forbidden, 'operators only')));
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
    const run = typeof action === 'string' && Object.hasOwn(opts.actions, action) ? opts.actions[action] : undefined;
    if (!run || typeof action !== 'string') {
      return err(ErrorCode.BadRequest, `${name}: unknown action; expected one of ${Object.keys(opts.actions).join(', ')}`);
    }
    // Every line a call logs names the function, the action and the host's request id.
    const log = deps.log.child({ fn: name, action, req: context?.request_id });
    try {
      return await run({ event: e, caller, deps: { ...deps, log } });
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
 *
 * With `contract`, every declared action must have a `typed` handler built from that declaration
 * (checked by the compiler); the contract itself is not needed at run time.
 */
export function defineFunction<C extends FunctionContract = Record<never, ActionContract>>(
  name: string,
  opts: RouterOptions & { contract?: C; actions: ActionsOf<NoInfer<C>> },
) {
  const createHandler = (deps: FunctionDeps): CloudFunction => createRouter(name, opts, deps);
  const main = async (event: unknown, context?: FunctionContext) => depsFromEnvironment().use((deps) => createHandler(deps)(event, context));
  return { name, createHandler, main };
}
