/**
 * Local sign-in sessions: issuing (a session row plus a signed token) and resolving a bearer token
 * to a caller, refusing tampered, expired and revoked ones.
 */
import { newId } from '../ids';
import type { Caller } from '../runtime/context';
import type { Store, UserRecord } from '../store/types';
import { createTokenSigner } from './session-token';

/** Default session lifetime: 7 days. */
export const SESSION_TTL_MS = 7 * 86_400_000;

export interface SessionService {
  issue(user: UserRecord, now: number): Promise<{ token: string; expiresAt: number; sessionId: string }>;
  /** The caller a bearer token stands for, or undefined if it is not a valid, live session. */
  resolve(token: string, now: number): Promise<Caller | undefined>;
}

export function createSessionService(opts: { store: Store; secret: string; ttlMs?: number }): SessionService {
  const tokens = createTokenSigner(opts.secret);
  const ttl = opts.ttlMs ?? SESSION_TTL_MS;
  return {
    async issue(user, now) {
      const sessionId = newId('s');
      const expiresAt = now + ttl;
      await opts.store.createSession({ id: sessionId, userId: user.id, createdAt: now, expiresAt });
      return { token: tokens.sign({ typ: 'session', sid: sessionId, sub: user.id, oid: user.openid, exp: expiresAt }), expiresAt, sessionId };
    },
    async resolve(token, now) {
      const check = tokens.verify(token, 'session', now);
      if (!check.ok || check.claims.sid === undefined) return undefined;
      const session = await opts.store.getSession(check.claims.sid);
      if (!session || session.revokedAt !== undefined || session.expiresAt <= now || session.userId !== check.claims.sub) return undefined;
      return { kind: 'user', openid: check.claims.oid, sessionId: session.id };
    },
  };
}
