/**
 * Signed tokens: `base64url(claims).base64url(HMAC-SHA256(claims))`. The signature makes them
 * tamper-proof and `exp` makes them expire; `typ` keeps a token of one kind (a sign-in session, a
 * real-time MQTT credential) from being accepted as another.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenType = 'session' | 'mqtt';

export interface TokenClaims {
  typ: TokenType;
  /** User id. */
  sub: string;
  /** The user's platform identity. */
  oid: string;
  /** Expiry, ms since the epoch. */
  exp: number;
  /** Session id (session tokens). */
  sid?: string;
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' | 'wrong-type' };

export function createTokenSigner(secret: string) {
  if (secret.length < 16) throw new Error('token secret must be at least 16 characters');
  const mac = (body: string) => createHmac('sha256', secret).update(body).digest('base64url');
  return {
    sign(claims: TokenClaims): string {
      const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
      return `${body}.${mac(body)}`;
    },
    verify(token: string, typ: TokenType, now: number): TokenCheck {
      const dot = token.indexOf('.');
      if (dot <= 0 || token.length > 2048) return { ok: false, reason: 'malformed' };
      const body = token.slice(0, dot);
      const given = Buffer.from(token.slice(dot + 1));
      const expected = Buffer.from(mac(body));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-signature' };
      let claims: TokenClaims;
      try {
        claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
      } catch {
        return { ok: false, reason: 'malformed' };
      }
      if (typeof claims.sub !== 'string' || typeof claims.oid !== 'string' || typeof claims.exp !== 'number') {
        return { ok: false, reason: 'malformed' };
      }
      if (claims.typ !== typ) return { ok: false, reason: 'wrong-type' };
      if (claims.exp <= now) return { ok: false, reason: 'expired' };
      return { ok: true, claims };
    },
  };
}

export type TokenSigner = ReturnType<typeof createTokenSigner>;
