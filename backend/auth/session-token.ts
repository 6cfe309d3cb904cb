/**
 * Session tokens of the local sign-in: `base64url(payload).base64url(HMAC-SHA256(payload))`, with
 * the session id, user, OPENID and expiry in the payload. The signature makes them tamper-proof,
 * `exp` makes them expire, and the session row (checked on every request) makes them revocable.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SessionClaims {
  /** Session id. */
  sid: string;
  /** User id. */
  sub: string;
  /** The user's platform identity. */
  oid: string;
  /** Expiry, ms since the epoch. */
  exp: number;
}

export type TokenCheck = { ok: true; claims: SessionClaims } | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' };

export function createSessionTokens(secret: string) {
  if (secret.length < 16) throw new Error('session secret must be at least 16 characters');
  const mac = (body: string) => createHmac('sha256', secret).update(body).digest('base64url');
  return {
    sign(claims: SessionClaims): string {
      const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
      return `${body}.${mac(body)}`;
    },
    verify(token: string, now: number): TokenCheck {
      const dot = token.indexOf('.');
      if (dot <= 0 || token.length > 2048) return { ok: false, reason: 'malformed' };
      const body = token.slice(0, dot);
      const given = Buffer.from(token.slice(dot + 1));
      const expected = Buffer.from(mac(body));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-signature' };
      let claims: SessionClaims;
      try {
        claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as SessionClaims;
      } catch {
        return { ok: false, reason: 'malformed' };
      }
      if (typeof claims.sid !== 'string' || typeof claims.oid !== 'string' || typeof claims.exp !== 'number') {
        return { ok: false, reason: 'malformed' };
      }
      if (claims.exp <= now) return { ok: false, reason: 'expired' };
      return { ok: true, claims };
    },
  };
}

export type SessionTokens = ReturnType<typeof createSessionTokens>;
