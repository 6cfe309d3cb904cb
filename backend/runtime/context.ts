/**
 * Who is calling a function. On CloudBase the platform sets the caller's identity in the function
 * context; the local function host sets `context.caller` the same way. Identity is never read from
 * the event body, which the client controls.
 */
export type Caller =
  /** Another part of the backend (the broker's message flow). */
  | { kind: 'service'; name: string }
  /** An operator: the CLI or a request carrying the admin token. */
  | { kind: 'admin' }
  /**
   * A person, identified by the platform: the WeChat OPENID on CloudBase, or the local sign-in's
   * `dev:{code}` with the session it came from.
   */
  | { kind: 'user'; openid: string; sessionId?: string }
  | { kind: 'anonymous' };

/** The subset of a CloudBase function context this project reads, plus what the local host sets. */
export interface FunctionContext {
  /** Request id for logs. */
  request_id?: string;
  /** Set by the local function host (never by a client). */
  caller?: Caller;
}

export function callerOf(context: FunctionContext | undefined): Caller {
  return context?.caller ?? { kind: 'anonymous' };
}
