/**
 * `login`: on CloudBase the platform has already identified the caller (OPENID); the user record
 * is created on first sign-in. With the local host, `{code, name?}` signs in as `dev:{code}` and
 * returns a session token for the `Authorization: Bearer` header — a development sign-in standing
 * in for WeChat's, never an identity taken from the event for any other call.
 */
import { err, ErrorCode, ok } from '../../../core';
import { auth as contract } from '../../../core/api/contract/auth';
import { typed } from '../../../backend/runtime/handler';
import { accessChanged } from '../../../backend/runtime/access';

const CODE_RE = /^[A-Za-z0-9_-]{3,32}$/;

export const login = typed(contract.login, async ({ input, caller, deps }) => {
  const now = deps.now();
  if (caller.kind === 'user') {
    return ok({ user: await deps.store.userForOpenid(caller.openid, input.name ?? '微信用户', now) });
  }
  if (!deps.sessions) return err(ErrorCode.Unauthenticated, 'sign in through WeChat');
  const { code } = input;
  if (code === undefined || !CODE_RE.test(code)) {
    return err(ErrorCode.BadRequest, '"code" must be 3–32 letters, digits, "-" or "_"');
  }
  const name = input.name ?? code;
  const user = await deps.store.userForOpenid(`dev:${code}`, name, now);
  const session = await deps.sessions.issue(user, now);
  return ok({ user, token: session.token, expiresAt: session.expiresAt });
});

/**
 * Ends the sign-in session; MQTT credentials issued from it stop working at once (the broker
 * checks the session at CONNECT and closes that user's open connections whose session ended; with
 * EMQX every open connection of the user is disconnected and reconnects with fresh credentials).
 */
export const logout = typed(contract.logout, async ({ caller, deps }) => {
  if (caller.kind !== 'user') return err(ErrorCode.Unauthenticated, 'sign in first');
  if (caller.sessionId) await deps.store.revokeSession(caller.sessionId, deps.now());
  const user = await deps.store.findUserByOpenid(caller.openid);
  if (user) await accessChanged(deps, [user.id]);
  return ok({ signedOut: true as const });
});
