/**
 * Who is calling a function. Identity comes from the function context, which only the host
 * builds, and never from the event body, which the client controls:
 *
 * - the local function host sets `context.caller` (admin token, service token, local sign-in);
 * - on CloudBase the platform puts the caller's WeChat identity (`WX_OPENID`, `WX_APPID`, …) in the
 *   per-invocation context it passes to `main(event, context)`: `context.environment` (a JSON
 *   string) or, on the older runtime, `context.environ` (`"K=V;K=V"`). See the SCF context
 *   parameter (https://cloud.tencent.com/document/product/583/9210) and `@cloudbase/node-sdk`'s
 *   `src/utils/tcbcontext.ts`, whose `parseContext` reads both forms.
 */
import type { IContextParam } from '@cloudbase/node-sdk';

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
  /** Function name (CloudBase). */
  function_name?: string;
  /** Per-invocation variables as a JSON object string (CloudBase, current runtime). */
  environment?: string;
  /** Per-invocation variables as `"K=V;K=V"` (CloudBase, older runtime). */
  environ?: string;
  /** Set by the local function host (never by a client). */
  caller?: Caller;
}

/**
 * A WeChat OPENID as the platform issues it (28 URL-safe base64 characters today). The pattern is
 * loose on length but rejects `:`, so a platform identity can never look like the local sign-in's
 * `dev:{code}`.
 */
const OPENID_RE = /^[A-Za-z0-9_-]{6,64}$/;

export function callerOf(context: FunctionContext | undefined): Caller {
  if (context?.caller) return context.caller;
  const openid = wechatOpenid(context);
  return openid ? { kind: 'user', openid } : { kind: 'anonymous' };
}

/**
 * The OPENID the platform gave this invocation, or undefined (anonymous).
 *
 * Read only from this invocation's context, not from `process.env`. `getCloudbaseContext(context)`
 * (node-sdk `src/utils/tcbcontext.ts`) merges the context with `process.env` and, for every key in
 * `WX_CONTEXT_KEYS`, falls back to `process.env[key]` when the context lacks it. But `process.env`
 * belongs to the instance, not the request: the platform "新建或复用已有的云函数实例来处理这次调用"
 * (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/guide/functions/mechanism.html; SCF's
 * instance model: https://cloud.tencent.com/document/product/583/9694), so a `WX_OPENID` left in
 * `process.env` by an earlier call would make a call without one (a timer trigger, `tcb fn invoke`,
 * the console's test run) act as that earlier user. We therefore use the SDK's own `parseContext` — the per-invocation half of
 * `getCloudbaseContext` — and treat a context without an OPENID as anonymous.
 */
export function wechatOpenid(context: FunctionContext | undefined): string | undefined {
  const vars = invocationVariables(context);
  const openid = vars?.WX_OPENID;
  return typeof openid === 'string' && OPENID_RE.test(openid) ? openid : undefined;
}

/** The per-invocation variables of a CloudBase context; undefined when it carries none or they do not parse. */
function invocationVariables(context: FunctionContext | undefined): Record<string, unknown> | undefined {
  // `parseContext` throws (`INVALID_CONTEXT`) for a context with neither field, such as the local
  // host's or a bare `{}` from `tcb fn run`; that simply means no platform identity.
  if (!context || (typeof context.environment !== 'string' && typeof context.environ !== 'string')) return undefined;
  try {
    const parsed = cloudbaseSdk().parseContext(context as IContextParam) as { environment?: unknown; environ?: unknown };
    const vars = parsed.environment ?? parsed.environ;
    return typeof vars === 'object' && vars !== null ? (vars as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Loaded on first use: the SDK takes about 0.3 s to load, which the local function host and the
 * tests (whose contexts carry `caller`) should not pay. In the bundle it stays an external
 * `require`, installed on CloudBase from the function's package.json.
 */
function cloudbaseSdk(): typeof import('@cloudbase/node-sdk') {
  return require('@cloudbase/node-sdk') as typeof import('@cloudbase/node-sdk');
}
